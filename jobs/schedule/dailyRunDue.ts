import { format } from 'date-fns/format';
import { isBefore } from 'date-fns/isBefore';
import { set } from 'date-fns/set';
import { z } from 'zod';
import { dayOf, daysBetween, isoOfDay, zonedNow } from '../../rules/calendar';
import { dayOff, holidayOrClosed, teamCalendar } from './holidays';
import type { RunDecision } from './runDecision';
import { workingCalendarSchema } from './scheduleConfig';
import { tickOf } from './timerSchedule';

/**
 * When the daily follow-ups go out: `hour:minute` local on the ISO `workingDays` (1 = Monday ... 7 =
 * Sunday), but not on a public holiday of `holidays` the team does not work, nor on a closed day.
 */
export const dailyScheduleSchema = z.object({
  timeZone: z.string().min(1),
  hour: z.number().int().min(0).max(23),
  minute: z.number().int().min(0).max(59),
  ...workingCalendarSchema.shape,
  workingDays: workingCalendarSchema.shape.workingDays.unwrap(),
});
export type DailySchedule = z.input<typeof dailyScheduleSchema>;

/** Run key of a local calendar day, e.g. `daily-2026-11-27`. */
export function dailyRunKey(local: Date): string {
  return dailyRunKeyOfDay(format(local, 'yyyy-MM-dd'));
}

/** Run key of a `YYYY-MM-DD` day. */
export function dailyRunKeyOfDay(day: string): string {
  return `daily-${day}`;
}

/** The `YYYY-MM-DD` day of a daily run key. */
export function dayOfDailyRunKey(runKey: string): string {
  return runKey.slice('daily-'.length);
}

/** What a tick decides for the daily run: a weekly-style decision, or why it is not due. */
export type DailyRunDecision =
  | (RunDecision & { due: true })
  | (
      | Exclude<RunDecision, { due: true }>
      | { due: false; reason: 'not_a_working_day'; runKey: string; scheduledAt: Date }
      | { due: false; reason: 'public_holiday'; holiday: string; runKey: string; scheduledAt: Date }
      | { due: false; reason: 'closed_day'; runKey: string; scheduledAt: Date }
    );

/**
 * Decides on a timer tick whether today's follow-up run is due: a working day (dayOff: not a public
 * holiday of the team's calendar either, nor a closed day), at or after the send time local to the
 * zone (the run ledger keeps it to one run a day). What fell due on a day off goes out on the next
 * working day (catchUpWindow).
 */
export function dailyRunDue(now: Date, cfg: DailySchedule): DailyRunDecision {
  const { timeZone, hour, minute, ...calendar } = dailyScheduleSchema.parse(cfg);
  // An early tick decides as the tick it stands for: a 23:48 digest fired at 23:47:59.995 is that day's.
  const local = zonedNow(tickOf(now), timeZone);
  const scheduledAt = set(local, { hours: hour, minutes: minute, seconds: 0, milliseconds: 0 });
  const runKey = dailyRunKey(local);
  const off = dayOff(format(local, 'yyyy-MM-dd'), teamCalendar(calendar));
  if (off?.kind === 'not_a_working_day')
    return { due: false, reason: 'not_a_working_day', runKey, scheduledAt };
  if (off?.kind === 'public_holiday')
    return { due: false, reason: 'public_holiday', holiday: off.holiday, runKey, scheduledAt };
  if (off?.kind === 'closed_day') return { due: false, reason: 'closed_day', runKey, scheduledAt };
  if (isBefore(local, scheduledAt)) return { due: false, reason: 'before_send_time', runKey, scheduledAt };
  return { due: true, runKey, localDate: format(local, 'yyyy-MM-dd'), scheduledAt };
}

/** How far back a daily run looks for follow-ups no run has sent: a long outage does not flood one digest. */
export const MAX_CATCH_UP_DAYS = 14;

/** Where a daily run's window starts: follow-ups due after `since` up to today go out. */
export interface CatchUpWindow {
  since: string;
  /** `last_run`: the day of the last completed daily run; `limit`: none within MAX_CATCH_UP_DAYS. */
  from: 'last_run' | 'limit';
  /** Days from `since` to today. */
  days: number;
}

/**
 * The window of a daily run on `today` (`YYYY-MM-DD`): after the last day a run completed
 * (`lastCompleted`, from the ledger), not the previous working day on the calendar, so a day whose
 * run never happened (host down, feed broken all day) is caught up by the next one; at most
 * `maxDays` back. A first run ever looks back the whole limit.
 */
export function catchUpWindow(
  today: string,
  lastCompleted: string | null,
  maxDays: number = MAX_CATCH_UP_DAYS,
): CatchUpWindow {
  const limit = catchUpLimit(today, maxDays);
  if (lastCompleted !== null && lastCompleted >= limit && lastCompleted < today)
    return { since: lastCompleted, from: 'last_run', days: daysBetween(lastCompleted, today) };
  return { since: limit, from: 'limit', days: maxDays };
}

/** The furthest a daily run looks back however long the team was closed: a year. */
const MAX_CATCH_UP_SPAN = 366;

/**
 * How many days back a daily run on `today` looks: MAX_CATCH_UP_DAYS, not counting the team's public
 * holidays and closed days among them (at most a year). A closure is no outage: what fell due on its
 * first day (three weeks shut in August) is told on the return, while a host down for weeks still
 * does not flood one digest.
 */
export function catchUpDays(today: string, cfg: z.input<typeof workingCalendarSchema>): number {
  const team = teamCalendar(workingCalendarSchema.parse(cfg));
  let counted = 0;
  let days = 0;
  while (counted < MAX_CATCH_UP_DAYS && days < MAX_CATCH_UP_SPAN) {
    days++;
    if (!holidayOrClosed(isoOfDay(dayOf(today) - days), team)) counted++;
  }
  return days;
}

/** The earliest day a daily run on `today` looks back to, `maxDays` back (catchUpDays: over the team's days off). */
export function catchUpLimit(today: string, maxDays: number): string {
  return isoOfDay(dayOf(today) - maxDays);
}
