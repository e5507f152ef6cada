import type { InvocationContext, Timer } from '@azure/functions';
import type { Log } from '../bot/ports';
import type { FollowUpsReport } from '../jobs/followups/followUpsReport';
import { type FollowUpsRunDeps, runFollowUps } from '../jobs/followups/followUpsRun';
import { WEEKLY_TIMER_NCRONTAB } from '../jobs/schedule';
import { unlessWaiting, type WaitingForRulesReport } from '../jobs/weekly/rulesFileNotice';
import { contextLog } from './contextLog';
import { registerTimer } from './registry';

/** Builds the timer handler around a way to get its dependencies (tests pass theirs). */
export function createDailyFollowUpsHandler(
  getDeps: (log: Log) => Promise<FollowUpsRunDeps>,
  now: () => Date = () => new Date(),
): (timer: Timer, context: InvocationContext) => Promise<FollowUpsReport | WaitingForRulesReport> {
  return async (timer, context) => {
    if (timer.isPastDue) context.warn('follow-ups tick is late (isPastDue); deciding as usual');
    const deps = await unlessWaiting(getDeps(contextLog(context)));
    if ('status' in deps) return deps;
    const report = await runFollowUps(deps, { now: now() });
    if (report.status === 'not_due') context.trace('follow-ups not due', report);
    return report;
  };
}

/**
 * Timer: every 15 minutes (UTC), on the weekly run's ticks (minutes 3, 18, 33, 48); runFollowUps
 * decides when the rules file's working-day morning (default 09:03) has come in the team's zone.
 */
registerTimer({
  name: 'dailyFollowUps',
  schedule: WEEKLY_TIMER_NCRONTAB,
  build: (wiring) => createDailyFollowUpsHandler((log) => wiring.followUps(log)),
});
