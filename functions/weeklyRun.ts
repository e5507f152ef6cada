import { app, type InvocationContext, type Timer } from '@azure/functions';
import { WEEKLY_TIMER_NCRONTAB } from '../jobs/schedule';
import type { WeeklyReport } from '../jobs/weekly/weeklyReport';
import { runWeekly, type WeeklyLog, type WeeklyRunDeps } from '../jobs/weekly/weeklyRun';
import { weeklyRunDeps } from '../jobs/weekly/weeklyWiring';
import { loadConfig } from './config';

/** Builds the timer handler around a way to get its dependencies (tests pass theirs). */
export function createWeeklyRunHandler(
  getDeps: (log: WeeklyLog) => Promise<WeeklyRunDeps>,
  now: () => Date = () => new Date(),
): (timer: Timer, context: InvocationContext) => Promise<WeeklyReport> {
  return async (timer, context) => {
    if (timer.isPastDue) context.warn('weekly run tick is late (isPastDue); deciding as usual');
    const log: WeeklyLog = {
      info: (m, d) => context.log(m, d ?? {}),
      warn: (m, d) => context.warn(m, d ?? {}),
    };
    const report = await runWeekly(await getDeps(log), { now: now() });
    if (report.status === 'not_due') context.trace('weekly run not due', report);
    return report;
  };
}

/** Timer: every 15 minutes (UTC); runWeekly decides when Monday 08:03 in the team's zone has come. */
export const weeklyRun = createWeeklyRunHandler((log) => weeklyRunDeps(loadConfig(), { log }));

app.timer('weeklyRun', { schedule: WEEKLY_TIMER_NCRONTAB, runOnStartup: false, handler: weeklyRun });
