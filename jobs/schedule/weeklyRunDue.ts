import { addDays } from 'date-fns/addDays';
import { format } from 'date-fns/format';
import { isBefore } from 'date-fns/isBefore';
import { set } from 'date-fns/set';
import { startOfISOWeek } from 'date-fns/startOfISOWeek';
import { dayOf, isoOfDay, isoWeekdayOf, zonedNow } from '../../rules/calendar';
import { dayOff, holidayOrClosed, type TeamCalendar, teamCalendar } from './holidays';
import type { RunDecision } from './runDecision';
import { type WeeklySchedule, weeklyScheduleSchema } from './scheduleConfig';
import { tickOf } from './timerSchedule';

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
  // An ISO week belongs to the year of its Thursday.
  const thursday = dayOf(date) - isoWeekdayOf(date) + 4;
  const year = new Date(thursday * 86_400_000).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1) / 86_400_000) / 7) + 1;
  return `weekly-${year}-W${String(week).padStart(2, '0')}`;
}

/** The key of the weekly run `weeks` ISO weeks before `runKey` (e.g. `weekly-2027-W02`, 8: `weekly-2026-W47`); null for another kind of key. */
export function weeklyRunKeyWeeksBefore(runKey: string, weeks: number): string | null {
  const monday = mondayOfWeeklyRunKey(runKey);
  return monday === null ? null : weeklyRunKeyOfDay(isoOfDay(dayOf(monday) - 7 * weeks));
}

/** The Monday (`YYYY-MM-DD`) of a weekly run key's ISO week (`weekly-2026-W48`: `2026-11-23`); null for another kind of key. */
export function mondayOfWeeklyRunKey(runKey: string): string | null {
  const match = /^weekly-(\d{4})-W(\d{2})$/.exec(runKey);
  if (!match) return null;
  // Week 1 is the week holding 4 January.
  const jan4 = `${match[1]}-01-04`;
  return isoOfDay(dayOf(jan4) - isoWeekdayOf(jan4) + 1 + (Number(match[2]) - 1) * 7);
}

/**
 * What a tick decides for the weekly run: a RunDecision, or `no_working_day` in a week the team does
 * not work at all (closed from Christmas to New Year) whose card nobody would read before the next:
 * no card that week, at `scheduledAt` (the set day's send time) or any other time.
 */
export type WeeklyRunDecision =
  | RunDecision
  | { due: false; reason: 'no_working_day'; runKey: string; scheduledAt: Date };

/**
 * Decides on a timer tick whether this ISO week's weekly run is due: the local time in the zone is at
 * or after the configured send time of the current ISO week, on the day sendDayOfWeek picks (the set
 * weekday but for a public holiday or a closed day). A late tick (isPastDue, a restart) later in the
 * week is still due; the run ledger keeps it to one run per week. A week whose card nobody would read
 * before the next (a Monday card in a week with no working day) has no run: it would wait, a week
 * stale, for a team whose next card comes on its return anyway, and that card says what changed
 * since the last one the reps got (the run ledger's last run).
 */
export function weeklyRunDue(now: Date, cfg: WeeklySchedule): WeeklyRunDecision {
  const { timeZone, weekday, hour, minute, ...calendar } = weeklyScheduleSchema.parse(cfg);
  // An early tick decides as the tick it stands for.
  const local = zonedNow(tickOf(now), timeZone);
  const monday = startOfISOWeek(local);
  const sendDay = sendDayOfWeek(format(monday, 'yyyy-MM-dd'), weekday, teamCalendar(calendar));
  // Arithmetic on a TZDate stays in the zone, so a DST change inside the week shifts nothing.
  const scheduledAt = set(addDays(monday, (sendDay ?? weekday) - 1), {
    hours: hour,
    minutes: minute,
    seconds: 0,
    milliseconds: 0,
  });
  const runKey = weeklyRunKey(local);
  if (sendDay === null) return { due: false, reason: 'no_working_day', runKey, scheduledAt };
  if (isBefore(local, scheduledAt)) return { due: false, reason: 'before_send_time', runKey, scheduledAt };
  return { due: true, runKey, localDate: format(local, 'yyyy-MM-dd'), scheduledAt };
}

/**
 * The ISO weekday the card goes out on in the week of `monday` (`YYYY-MM-DD`): the set `weekday`, or
 * when that is a public holiday or a closed day the next working day of the same week (Easter
 * Monday's card comes on Tuesday at the same time). A card is one week's list, so it does not cross
 * into the next week: when no working day is left in it (a Friday send on Good Friday) it comes on
 * the last working day before. A week with no working day at all (a team closed from Christmas to
 * New Year) has its card on the set day, to be read on the team's return, unless no working day
 * comes before the next week's card replaces it (a Monday card: the next comes on the return): then
 * none, null. So a Sunday or a Friday card still goes out, read on the Monday after.
 */
function sendDayOfWeek(monday: string, weekday: number, team: TeamCalendar): number | null {
  // Past 7: the days of the next week.
  const dayOfWeek = (isoWeekday: number) => isoOfDay(dayOf(monday) + isoWeekday - 1);
  const worked = (d: number) => dayOff(dayOfWeek(d), team) === null;
  if (holidayOrClosed(dayOfWeek(weekday), team)) {
    for (let d = weekday + 1; d <= 7; d++) if (worked(d)) return d;
    for (let d = weekday - 1; d >= 1; d--) if (worked(d)) return d;
  }
  if ([1, 2, 3, 4, 5, 6, 7].some(worked)) return weekday;
  // A week with no working day: read on a working day of the seven from the set day, or by nobody.
  return [0, 1, 2, 3, 4, 5, 6].some((k) => worked(weekday + k)) ? weekday : null;
}
