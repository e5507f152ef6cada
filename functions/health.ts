import type { HttpHandler, HttpResponseInit } from '@azure/functions';
import { registerHttp } from './registry';

/** One named readiness check; it throws when the dependency is not usable. */
export interface HealthCheck {
  name: string;
  run(): Promise<void>;
}

/** Builds the /api/health handler: 200 when every check passes, else 503 naming what failed. */
export function createHealthHandler(checks: readonly HealthCheck[]): HttpHandler {
  return async (): Promise<HttpResponseInit> => {
    const results: Record<string, string> = {};
    let healthy = true;
    for (const check of checks) {
      try {
        await check.run();
        results[check.name] = 'ok';
      } catch (error) {
        // A health endpoint reports failures instead of throwing them.
        healthy = false;
        results[check.name] = error instanceof Error ? error.message : String(error);
      }
    }
    return {
      status: healthy ? 200 : 503,
      jsonBody: { status: healthy ? 'ok' : 'unhealthy', checks: results },
    };
  };
}

/** GET /api/health: the wiring was built from the config, and storage answers. */
registerHttp({
  name: 'health',
  route: 'health',
  methods: ['GET'],
  build: (wiring) =>
    createHealthHandler([
      { name: 'storage', run: async () => void (await wiring.storage.conversations.getSummaryChannel()) },
    ]),
});
