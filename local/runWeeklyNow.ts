import { loadConfig } from '../config/config';
import { runWeekly, type WeeklyLog } from '../runs/weeklyRun';
import { weeklyRunDeps } from '../runs/weeklyWiring';

/**
 * `npm run weekly`: runs this week's weekly job now against the local stack (Azurite, the local
 * Functions host's bot, the Playground as Teams), whatever the day. Same run key rules as the
 * timer, so running it twice in a week sends nothing twice. Settings come from the environment,
 * with the local stack's defaults: Azurite's development storage and the demo feed folder.
 */

/** The local stack's settings, with the environment taking precedence. */
export function localEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const connectionString =
    env.STORAGE_CONNECTION_STRING ?? env.AZURITE_CONNECTION_STRING ?? 'UseDevelopmentStorage=true';
  return {
    ...env,
    STORAGE_CONNECTION_STRING: env.STORAGE_TABLE_ENDPOINT ? undefined : connectionString,
    FEED_DIR: env.FEED_CONTAINER ? env.FEED_DIR : (env.FEED_DIR ?? 'demo/feed'),
  };
}

const consoleLog: WeeklyLog = {
  info: (message, data) => console.log(message, data ?? ''),
  warn: (message, data) => console.warn(message, data ?? ''),
};

/** Runs the weekly job now; exit code 1 when a rep's card failed to go out. */
export async function runWeeklyNow(): Promise<number> {
  const config = loadConfig(localEnv());
  const deps = await weeklyRunDeps(config, { log: consoleLog });
  const report = await runWeekly(deps, { now: new Date(), force: true });
  if (report.status !== 'completed') return 0;
  const { outcomes: _perRep, ...summary } = report;
  console.log(JSON.stringify(summary, null, 2));
  return report.counts.failed > 0 ? 1 : 0;
}

if (require.main === module) {
  runWeeklyNow().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
