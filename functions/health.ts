import { app, type HttpHandler, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { readRulesFile } from '../feed/readRulesFile';
import { openStorage } from '../storage';
import { type Config, loadConfig } from './config';

/** One named readiness check; it throws when the dependency is not usable. */
export interface HealthCheck {
  name: string;
  run(): Promise<void>;
}

/** A check that has not answered by then counts as failed: a probe must answer while the caller waits. */
export const HEALTH_CHECK_TIMEOUT_MS = 5_000;

/**
 * Builds the /api/health handler: 200 `{status: 'ok'}` when every check passes, else 503
 * `{status: 'not ok'}`. The endpoint is anonymous, so the body names nothing (no setting, host or
 * path); what failed and why goes to the function's log.
 */
export function createHealthHandler(
  checks: readonly HealthCheck[],
  timeoutMs = HEALTH_CHECK_TIMEOUT_MS,
): HttpHandler {
  return async (_request, context: InvocationContext): Promise<HttpResponseInit> => {
    const failures = await Promise.all(checks.map((check) => failureOf(check, timeoutMs)));
    const failed = failures.filter((f): f is { name: string; error: string } => f !== null);
    for (const f of failed) context.warn(`health check ${f.name} failed: ${f.error}`);
    return {
      status: failed.length === 0 ? 200 : 503,
      headers: { 'cache-control': 'no-store' },
      jsonBody: { status: failed.length === 0 ? 'ok' : 'not ok' },
    };
  };
}

/** Runs one check; null when it passed, else what went wrong (for the log only). */
async function failureOf(
  check: HealthCheck,
  timeoutMs: number,
): Promise<{ name: string; error: string } | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check.run(), timeout]);
    return null;
  } catch (error) {
    // A health endpoint reports failures instead of throwing them.
    return { name: check.name, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What the deployed app needs to work: the configuration, the tables (a query, so a missing table or
 * a refused identity fails too, not only an unreachable account) and the rules file.
 */
export function healthChecksFor(getConfig: () => Config): HealthCheck[] {
  return [
    { name: 'config', run: async () => void getConfig() },
    {
      name: 'storage',
      run: async () => {
        const storage = await openStorage(getConfig().storage, {
          skipCreate: true,
          retry: { maxRetries: 0 },
        });
        await storage.runs.listRun('health-probe');
      },
    },
    { name: 'rules', run: async () => void (await readRulesFile(getConfig().rulesFile)) },
  ];
}

/** GET /api/health. */
export const health = createHealthHandler(healthChecksFor(() => loadConfig()));

app.http('health', { route: 'health', methods: ['GET'], authLevel: 'anonymous', handler: health });
