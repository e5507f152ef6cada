import type { HttpHandler, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { ContainerClient } from '@azure/storage-blob';
import { feedBlobNames } from '../feed/blobFeed';
import { feedContainerFor } from '../feed/feedContainer';
import { loadRules } from '../feed/rulesSource';
import type { Storage } from '../storage';
import type { Config } from './config';
import { registerHttp } from './registry';

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
 * What the deployed app needs beyond its configuration (which the wiring was built from): the tables
 * (a query, so a missing table or a refused identity fails too, not only an unreachable account),
 * the rules file, read afresh as each run reads it, and, when given, the feed.
 */
export function healthChecksFor(
  storage: Pick<Storage, 'runs'>,
  readRules: () => Promise<unknown>,
  findFeed?: () => Promise<unknown>,
): HealthCheck[] {
  return [
    { name: 'storage', run: async () => void (await storage.runs.listRun('health-probe')) },
    { name: 'rules', run: async () => void (await readRules()) },
    ...(findFeed ? [{ name: 'feed', run: async () => void (await findFeed()) }] : []),
  ];
}

/**
 * The feed check for a feed container: its orders blob (and customers, tickets) are listed as the
 * runs list them. The identity's read role on the feed is a role assignment of its own, which can apply after
 * the tables' (and the feed is uploaded by hand), so a probe that reached only the tables could
 * answer 200 while the next weekly run would fail. Undefined for a local feed folder.
 */
export function feedProbe(config: Config): (() => Promise<unknown>) | undefined {
  const { container } = config.feed;
  if (!container) return undefined;
  let client: ContainerClient | undefined;
  return () => {
    client ??= feedContainerFor(config, container);
    return feedBlobNames(client);
  };
}

/**
 * GET /api/health. A configuration the wiring cannot be built from fails before this handler exists:
 * the host answers 503 `{"status":"not ok"}` (functions/registry.ts) and the log holds the ConfigError.
 */
registerHttp({
  name: 'health',
  route: 'health',
  methods: ['GET'],
  // The rules as the runs read them: the RULES_BLOB in the feed container, else RULES_FILE, else the defaults.
  build: (wiring) =>
    createHealthHandler(
      healthChecksFor(wiring.storage, () => loadRules(wiring.config), feedProbe(wiring.config)),
    ),
});
