import { addDays, format, getISOWeek, getISOWeekYear, isBefore, set, startOfISOWeek } from 'date-fns';
import { zonedNow } from '../../rules/calendar';
import type { RunDecision } from './runDecision';
import { type WeeklySchedule, weeklyScheduleSchema } from './scheduleConfig';

/** Run key of the ISO week that contains the calendar date of `local` (a TZDate in the team's zone), e.g. `weekly-2026-W48`. */
export function weeklyRunKey(local: Date): string {
  // The ISO week depends only on the calendar date: read it at noon of that date in the process zone,
  // which is ten times cheaper than date-fns walking ISO years through TZDate.
  const calendarDay = new Date(local.getFullYear(), local.getMonth(), local.getDate(), 12);
  return `weekly-${getISOWeekYear(calendarDay)}-W${String(getISOWeek(calendarDay)).padStart(2, '0')}`;
}

/**
 * Decides on a timer tick whether this ISO week's weekly run is due: the local time in the zone is at
 * or after the configured send time of the current ISO week. A late tick (isPastDue, a restart) later
 * in the week is still due; the run ledger keeps it to one run per week.
 */
export function weeklyRunDue(now: Date, cfg: WeeklySchedule): RunDecision {
  const { timeZone, weekday, hour, minute } = weeklyScheduleSchema.parse(cfg);
  const local = zonedNow(now, timeZone);
  // Arithmetic on a TZDate stays in the zone, so a DST change inside the week shifts nothing.
  const scheduledAt = set(addDays(startOfISOWeek(local), weekday - 1), {
    hours: hour,
    minutes: minute,
    seconds: 0,
    milliseconds: 0,
  });
  const runKey = weeklyRunKey(local);
  if (isBefore(local, scheduledAt)) return { due: false, reason: 'before_send_time', runKey, scheduledAt };
  return { due: true, runKey, localDate: format(local, 'yyyy-MM-dd'), scheduledAt };
}
