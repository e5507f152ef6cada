import { app, type HttpHandler, type HttpResponseInit } from '@azure/functions';
import { loadConfig } from './config';

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

/** The checks run in Azure; storage joins once it is wired. */
export const defaultHealthChecks: readonly HealthCheck[] = [
  {
    name: 'config',
    run: async () => {
      loadConfig();
    },
  },
];

/** GET /api/health. */
export const health = createHealthHandler(defaultHealthChecks);

app.http('health', { route: 'health', methods: ['GET'], authLevel: 'anonymous', handler: health });
