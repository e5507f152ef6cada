import { app, type InvocationContext, type Timer } from '@azure/functions';
import type { FollowUpsReport } from '../jobs/followups/followUpsReport';
import { type FollowUpsRunDeps, runFollowUps } from '../jobs/followups/followUpsRun';
import { followUpsRunDeps } from '../jobs/followups/followUpsWiring';
import { WEEKLY_TIMER_NCRONTAB } from '../jobs/schedule';
import type { WeeklyLog } from '../jobs/weekly/weeklyRun';
import { loadConfig } from './config';

/** Builds the timer handler around a way to get its dependencies (tests pass theirs). */
export function createDailyFollowUpsHandler(
  getDeps: (log: WeeklyLog) => Promise<FollowUpsRunDeps>,
  now: () => Date = () => new Date(),
): (timer: Timer, context: InvocationContext) => Promise<FollowUpsReport> {
  return async (timer, context) => {
    if (timer.isPastDue) context.warn('follow-ups tick is late (isPastDue); deciding as usual');
    const log: WeeklyLog = {
      info: (m, d) => context.log(m, d ?? {}),
      warn: (m, d) => context.warn(m, d ?? {}),
    };
    const report = await runFollowUps(await getDeps(log), { now: now() });
    if (report.status === 'not_due') context.trace('follow-ups not due', report);
    return report;
  };
}

/**
 * Timer: every 15 minutes (UTC), on the weekly run's ticks (minutes 3, 18, 33, 48); runFollowUps
 * decides when the rules file's working-day morning (default 09:03) has come in the team's zone.
 */
export const dailyFollowUps = createDailyFollowUpsHandler((log) => followUpsRunDeps(loadConfig(), { log }));

app.timer('dailyFollowUps', {
  schedule: WEEKLY_TIMER_NCRONTAB,
  runOnStartup: false,
  handler: dailyFollowUps,
});
