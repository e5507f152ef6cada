import { z } from 'zod';
import { runAsCommand, triggerLocalFunction } from './adminCommand';
import { ADMIN_FUNCTIONS, FLAG_HELP, parseLocalSettings } from './settings';

/**
 * `npm run weekly`: asks the running local stack (`npm start`) to run this week's weekly job now,
 * through the local host's admin route, so it uses the stack's own settings: its Azurite, its demo
 * date and clock, its Playground. Same run-key rules as the timer: running it twice in a week sends
 * nothing twice.
 */
const reportSchema = z.looseObject({
  status: z.string(),
  runKey: z.string().optional(),
  counts: z.record(z.string(), z.number()).optional(),
});

/** Runs `npm run weekly`; returns the process exit code (1 when a rep's card failed to go out). */
export async function runWeeklyNow(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const { settings, help } = parseLocalSettings(argv);
  if (help) {
    console.log(`npm run weekly: run the weekly job now against the running local stack.\n\n${FLAG_HELP}`);
    return 0;
  }
  const report = reportSchema.parse(
    await triggerLocalFunction(ADMIN_FUNCTIONS.weekly, { port: settings.ports.bot }),
  );
  const { outcomes: _perRep, ...summary } = report as Record<string, unknown>;
  console.log(JSON.stringify(summary, null, 2));
  return (report.counts?.failed ?? 0) > 0 ? 1 : 0;
}

if (require.main === module) runAsCommand(runWeeklyNow);
