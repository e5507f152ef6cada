import { RestError } from '@azure/data-tables';
import { describe, expect, it } from 'vitest';
import { initialState } from '../../../rules/customerState';
import type { PolicyConfig } from '../../../storage';
import { openTestStorage } from './support';

/** Once armed, throws a send error with `code` on the first `times` writes, counting every write. */
function socketFault(code: string, times: number) {
  const seen = { armed: false, writes: 0 };
  const config: PolicyConfig = {
    position: 'perCall',
    policy: {
      name: 'injectSocketFault',
      sendRequest: async (request, next) => {
        if (!seen.armed || request.method === 'GET') return next(request);
        seen.writes++;
        if (seen.writes <= times) throw new RestError(`write ${code}`, { code, request });
        return next(request);
      },
    },
  };
  return { config, seen };
}

const customer = (id: string) =>
  initialState({ customerId: id, name: id, owner: 'ana@x.example', monthlyValue: 10 });

describe('a socket the server closed while idle (EPIPE / ECONNRESET)', () => {
  it('is resent once and the write lands', async () => {
    const fault = socketFault('EPIPE', 1);
    const storage = await openTestStorage('epipe', { policies: [fault.config] });
    fault.seen.armed = true;
    const result = await storage.state.writeChanged(new Map(), [customer('C1')]);
    expect(result.written).toBe(1);
    expect((await storage.state.get('C1'))?.state.customerId).toBe('C1');
    expect(fault.seen.writes).toBe(2);
  });

  it('fails clearly when the second attempt fails too (no endless resending)', async () => {
    const fault = socketFault('ECONNRESET', 5);
    const storage = await openTestStorage('reset', { policies: [fault.config] });
    fault.seen.armed = true;
    await expect(storage.state.writeChanged(new Map(), [customer('C2')])).rejects.toThrow(/ECONNRESET/);
    expect(fault.seen.writes).toBe(2);
    expect(await storage.state.get('C2')).toBeNull();
  });

  it('leaves other errors to the SDK and the caller', async () => {
    const fault = socketFault('ENOTFOUND', 1);
    const storage = await openTestStorage('other', { policies: [fault.config] });
    fault.seen.armed = true;
    await expect(storage.state.writeChanged(new Map(), [customer('C3')])).rejects.toThrow();
    expect(fault.seen.writes).toBe(1);
  });
});
