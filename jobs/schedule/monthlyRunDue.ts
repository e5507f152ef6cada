import { format } from 'date-fns/format';
import { isBefore } from 'date-fns/isBefore';
import { set } from 'date-fns/set';
import { startOfMonth } from 'date-fns/startOfMonth';
import { subMonths } from 'date-fns/subMonths';
import { zonedNow } from '../../rules/calendar';
import type { RunDecision } from './runDecision';
import { type MonthlySchedule, monthlyScheduleSchema } from './scheduleConfig';

/** Run key of the month the summary covers: the month before `local`'s, e.g. `monthly-2026-11`. */
export function monthlyRunKey(local: Date): string {
  return `monthly-${format(subMonths(startOfMonth(local), 1), 'yyyy-MM')}`;
}

/** The month (`YYYY-MM`) a monthly run key summarises. */
export function summarisedMonth(runKey: string): string {
  const m = /^monthly-(\d{4}-\d{2})$/.exec(runKey);
  if (!m) throw new Error(`Not a monthly run key: "${runKey}"`);
  return m[1];
}

/**
 * Decides on a timer tick whether the monthly summary of the previous month is due: at or after
 * the 1st of the current local month at `hour:minute`, however late the tick (the run ledger keeps
 * it to once a month).
 */
export function monthlyRunDue(now: Date, cfg: MonthlySchedule): RunDecision {
  const { timeZone, hour, minute } = monthlyScheduleSchema.parse(cfg);
  const local = zonedNow(now, timeZone);
  const scheduledAt = set(startOfMonth(local), { hours: hour, minutes: minute, seconds: 0, milliseconds: 0 });
  const runKey = monthlyRunKey(local);
  if (isBefore(local, scheduledAt)) return { due: false, reason: 'before_send_time', runKey, scheduledAt };
  return { due: true, runKey, localDate: format(local, 'yyyy-MM-dd'), scheduledAt };
}
