import type { InvocationContext, Timer } from '@azure/functions';
import type { Log } from '../bot/ports';
import { WEEKLY_TIMER_NCRONTAB } from '../jobs/schedule';
import type { WeeklyReport } from '../jobs/weekly/weeklyReport';
import { runWeekly, type WeeklyRunDeps } from '../jobs/weekly/weeklyRun';
import { contextLog } from './contextLog';
import { registerTimer } from './registry';

/** Builds the timer handler around a way to get its dependencies (tests pass theirs). */
export function createWeeklyRunHandler(
  getDeps: (log: Log) => Promise<WeeklyRunDeps>,
  now: () => Date = () => new Date(),
): (timer: Timer, context: InvocationContext) => Promise<WeeklyReport> {
  return async (timer, context) => {
    if (timer.isPastDue) context.warn('weekly run tick is late (isPastDue); deciding as usual');
    const report = await runWeekly(await getDeps(contextLog(context)), { now: now() });
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
