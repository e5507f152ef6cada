import type { InvocationContext, Timer } from '@azure/functions';
import type { Log } from '../bot/ports';
import {
  type MonthlySummaryDeps,
  type MonthlySummaryReport,
  runMonthlySummary,
} from '../jobs/monthly/monthlySummaryRun';
import { MONTHLY_TIMER_NCRONTAB } from '../jobs/schedule';
import { unlessWaiting, type WaitingForRulesReport } from '../jobs/weekly/rulesFileNotice';
import { contextLog } from './contextLog';
import { registerTimer } from './registry';

/** Builds the timer handler around a way to get its dependencies and the clock (tests pass theirs). */
export function createMonthlySummaryHandler(
  getDeps: (now: Date, log: Log) => Promise<MonthlySummaryDeps>,
  clock: () => Date = () => new Date(),
): (timer: Timer, context: InvocationContext) => Promise<MonthlySummaryReport | WaitingForRulesReport> {
  return async (timer, context) => {
    if (timer.isPastDue) context.warn('monthly summary tick is late (isPastDue); deciding as usual');
    const deps = await unlessWaiting(getDeps(clock(), contextLog(context)));
    if ('status' in deps) return deps;
    const report = await runMonthlySummary(deps);
    if (report.status === 'failed' || report.status === 'unreachable' || report.status === 'no_channel') {
      context.warn('monthly summary', report);
    } else context.log('monthly summary', report);
    return report;
  };
}

/** Timer: every 15 minutes (UTC); runMonthlySummary decides when the 1st, 09:00 local has come. */
registerTimer({
  name: 'monthlySummary',
  schedule: MONTHLY_TIMER_NCRONTAB,
  build: (wiring) => createMonthlySummaryHandler((now, log) => wiring.monthly(now, log)),
});
