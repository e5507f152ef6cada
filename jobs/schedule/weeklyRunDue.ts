import { addDays } from 'date-fns/addDays';
import { format } from 'date-fns/format';
import { isBefore } from 'date-fns/isBefore';
import { set } from 'date-fns/set';
import { startOfISOWeek } from 'date-fns/startOfISOWeek';
import { dayOf, zonedNow } from '../../rules/calendar';
import type { RunDecision } from './runDecision';
import { type WeeklySchedule, weeklyScheduleSchema } from './scheduleConfig';

/** Run key of the ISO week that contains the calendar date of `local` (a TZDate in the team's zone), e.g. `weekly-2026-W48`. */
export function weeklyRunKey(local: Date): string {
  // A TZDate's fields are the zone's wall clock: the calendar date there.
  const pad = (n: number) => String(n).padStart(2, '0');
  return weeklyRunKeyOfDay(`${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}`);
}

/** Sorts before every weekly run key: the start of a range over all of them. */
export const EARLIEST_WEEKLY_RUN_KEY = 'weekly-';

/**
 * Run key of the ISO week holding a `YYYY-MM-DD` calendar date. Pure day arithmetic: no zone can
 * move it, where a Date at noon UTC is already the next day in Auckland or Kiritimati.
 */
export function weeklyRunKeyOfDay(date: string): string {
  const day = dayOf(date);
  // Day 0 (1970-01-01) was a Thursday. An ISO week belongs to the year of its Thursday.
  const thursday = day - ((((day - 4) % 7) + 7) % 7) + 3;
  const year = new Date(thursday * 86_400_000).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1) / 86_400_000) / 7) + 1;
  return `weekly-${year}-W${String(week).padStart(2, '0')}`;
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
