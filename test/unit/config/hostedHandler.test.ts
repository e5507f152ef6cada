import { HttpRequest, InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../functions/config';
import { hostedHttpHandler } from '../../../functions/registry';
import type { Wiring } from '../../../functions/wiring';

// What the host answers when the app cannot be built from its settings: a plain "not ok", the
// reason in the log only, and a fresh try on the next request.

function call(handler: ReturnType<typeof hostedHttpHandler>, logged: string[]) {
  return handler(
    new HttpRequest({ method: 'GET', url: 'http://127.0.0.1/api/health' }),
    new InvocationContext({
      functionName: 'health',
      logHandler: (_level, ...args) => logged.push(args.map(String).join(' ')),
    }),
  );
}

describe('an HTTP function whose wiring fails to build', () => {
  it('answers 503 not ok with no detail, logs why, and builds again on the next request', async () => {
    let attempts = 0;
    const getWiring = async (): Promise<Wiring> => {
      attempts++;
      if (attempts === 1) throw new ConfigError('Invalid configuration:\n  MicrosoftAppId: is required');
      return {} as Wiring;
    };
    const handler = hostedHttpHandler(
      () => async () => ({ status: 200, jsonBody: { status: 'ok' } }),
      getWiring,
    );
    const logged: string[] = [];
    const first = await call(handler, logged);
    expect(first).toMatchObject({ status: 503, jsonBody: { status: 'not ok' } });
    expect(JSON.stringify(first)).not.toContain('MicrosoftAppId');
    expect(logged.join('\n')).toContain('MicrosoftAppId');
    expect(await call(handler, logged)).toMatchObject({ status: 200, jsonBody: { status: 'ok' } });
    expect(attempts).toBe(2);
  });
});
