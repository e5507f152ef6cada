import type { InvocationContext, Timer } from '@azure/functions';
import type { Log } from '../bot/ports';
import { WEEKLY_TIMER_NCRONTAB } from '../jobs/schedule';
import { unlessWaiting, type WaitingForRulesReport } from '../jobs/weekly/rulesFileNotice';
import type { WeeklyReport } from '../jobs/weekly/weeklyReport';
import { runWeekly, type WeeklyRunDeps } from '../jobs/weekly/weeklyRun';
import { contextLog } from './contextLog';
import { registerTimer } from './registry';

/** Builds the timer handler around a way to get its dependencies (tests pass theirs). */
export function createWeeklyRunHandler(
  getDeps: (log: Log) => Promise<WeeklyRunDeps>,
  now: () => Date = () => new Date(),
): (timer: Timer, context: InvocationContext) => Promise<WeeklyReport | WaitingForRulesReport> {
  return async (timer, context) => {
    if (timer.isPastDue) context.warn('weekly run tick is late (isPastDue); deciding as usual');
    // No valid rules file ever read, and the admins told: the tick waits for one (rulesFileNotice.ts).
    const deps = await unlessWaiting(getDeps(contextLog(context)));
    if ('status' in deps) return deps;
    const report = await runWeekly(deps, { now: now() });
    if (report.status === 'not_due') context.trace('weekly run not due', report);
    return report;
  };
}

/** Timer: every 15 minutes (UTC); runWeekly decides when Monday 08:03 in the team's zone has come. */
registerTimer({
  name: 'weeklyRun',
  schedule: WEEKLY_TIMER_NCRONTAB,
  build: (wiring) => createWeeklyRunHandler((log) => wiring.weekly(log)),
});
