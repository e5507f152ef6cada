import { isoOfDay, isoWeekdayOf } from './calendar';
import { DEFAULT_WORKING_DAYS } from './rulesSchema';

/**
 * Whether the team works on a local `YYYY-MM-DD` day: its working weekdays less its public holidays
 * and closed days, as the timers judge them (jobs/schedule/holidays.ts `worksOnOf`). Passed in, so
 * the rules stay free of the settings and the holiday tables.
 */
export type WorksOn = (day: string) => boolean;

/** The team's working weekdays alone (ISO, 1 = Monday), for a team with no holidays or closed days. */
export function worksOnWeekdays(workingDays: readonly number[]): WorksOn {
  return (day) => workingDays.includes(isoWeekdayOf(day));
}

/** The rules' default working weekdays, Monday to Friday, with no holidays or closed days. */
export const MONDAY_TO_FRIDAY: WorksOn = worksOnWeekdays(DEFAULT_WORKING_DAYS);

/** How far a day is moved at most: past a year of days off the team is not coming back. */
const MAX_DAYS_AHEAD = 366;

/**
 * The first working day on or after book day `day`: what falls due on a day off is done on the next
 * day the team works. The daily digest tells a step due on a weekend, holiday or closed day on that
 * day (no run goes out before it), and the play's days on the card are moved the same way, so the
 * two name one day. `day` itself when no working day comes within a year.
 */
export function workingDayFrom(day: number, worksOn: WorksOn): number {
  for (let d = day; d <= day + MAX_DAYS_AHEAD; d++) if (worksOn(isoOfDay(d))) return d;
  return day;
}
