import { addDays } from 'date-fns/addDays';
import { format } from 'date-fns/format';
import { isBefore } from 'date-fns/isBefore';
import { set } from 'date-fns/set';
import { startOfMonth } from 'date-fns/startOfMonth';
import { subMonths } from 'date-fns/subMonths';
import { zonedNow } from '../../rules/calendar';
import { dayOff, holidayOrClosed, type TeamCalendar, teamCalendar } from './holidays';
import type { RunDecision } from './runDecision';
import { type MonthlySchedule, monthlyScheduleSchema } from './scheduleConfig';
import { MONTHLY_TICK_MINUTES, tickOf } from './timerSchedule';

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
 * the 1st of the current local month at `hour:minute` (when the 1st is a public holiday of the team's
 * calendar or a closed day, the next working day: New Year's Day's summary comes on the 2nd or later),
 * however late the tick (the run ledger keeps it to once a month).
 */
export function monthlyRunDue(now: Date, cfg: MonthlySchedule): RunDecision {
  const { timeZone, hour, minute, ...calendar } = monthlyScheduleSchema.parse(cfg);
  // An early tick of the monthly timer decides as the tick it stands for.
  const local = zonedNow(tickOf(now, MONTHLY_TICK_MINUTES), timeZone);
  const first = startOfMonth(local);
  const sendDay = sendDayOfMonth(first, teamCalendar(calendar));
  const scheduledAt = set(sendDay, { hours: hour, minutes: minute, seconds: 0, milliseconds: 0 });
  const runKey = monthlyRunKey(local);
  if (isBefore(local, scheduledAt)) return { due: false, reason: 'before_send_time', runKey, scheduledAt };
  return { due: true, runKey, localDate: format(local, 'yyyy-MM-dd'), scheduledAt };
}

/**
 * The day of the month of `first` (its 1st, a TZDate) the summary goes out on: the 1st, or when that
 * is a public holiday or a closed day the first working day after it; a 1st on a weekend that is
 * neither is kept, as without a calendar. It stays in the month (a month with no working day keeps the 1st).
 */
function sendDayOfMonth(first: Date, team: TeamCalendar): Date {
  const local = (day: Date) => format(day, 'yyyy-MM-dd');
  if (!holidayOrClosed(local(first), team)) return first;
  for (let day = addDays(first, 1); day.getMonth() === first.getMonth(); day = addDays(day, 1))
    if (dayOff(local(day), team) === null) return day;
  return first;
}
