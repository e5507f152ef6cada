import { type WeeklyRunDone, weeklyReportText } from '../../jobs/weekly/weeklyReport';
import { runAsCommand, runJobCommand } from './adminCommand';

/**
 * `npm run weekly`: asks the running local stack (`npm start`) to run this week's weekly job now,
 * through the local host's admin route, so it uses the stack's own settings: its Azurite, its demo
 * date and clock, its Playground. Same run-key rules as the timer: running it twice in a week sends
 * nothing twice.
 */

/** Runs `npm run weekly`; returns the process exit code (1 when a rep's card failed to go out). */
export function runWeeklyNow(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  return runJobCommand(
    'weekly',
    'npm run weekly: run the weekly job now against the running local stack.',
    argv,
    // The stack's own report, serialised: a completed run's is a WeeklyRunDone.
    (report, wording) => weeklyReportText(report as unknown as WeeklyRunDone, wording),
  );
}

if (require.main === module) runAsCommand(runWeeklyNow);
