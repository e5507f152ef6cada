import type Holidays from 'date-holidays';
import { dayOf, isoOfDay, isoWeekdayOf } from '../../rules/calendar';

/**
 * The team's public holidays, named by the HOLIDAYS setting: a country, and optionally one of its
 * regions, as ISO 3166 codes (`GB-ENG`, `US`, `DE-BY`), with the dates of the maintained
 * date-holidays tables. Public holidays only: an observance (Mother's Day), a bank-only or an
 * optional day off (Christmas Eve afternoon in Germany) is a working day, as it is for most teams.
 */
export interface HolidayCalendar {
  /** The setting as the app reads it, in capitals: `GB-ENG`. */
  code: string;
  /** The holiday's name when the local `YYYY-MM-DD` day is a public holiday there, else null. */
  holidayOn(day: string): string | null;
}

/** A few settings that name a calendar, for the messages that refuse one. */
const HOLIDAYS_EXAMPLES = ['GB-ENG', 'US', 'DE-BY', 'FR'];

/** Codes in common use for a country whose ISO 3166 code is another: the UK's own, the EU's for Greece. */
const NOT_ISO: Record<string, string> = { UK: 'GB', EL: 'GR' };

/** The setting as the app reads it: trimmed, in capitals (`gb-eng` is `GB-ENG`). */
export function holidaysCode(setting: string): string {
  return setting.trim().toUpperCase();
}

/**
 * Why the setting names no calendar, in words for the message that stops the app, or null when it
 * names one. The library itself takes an unknown region silently (GB-XYZ gives the days all of the
 * UK shares), so the country and region are checked against its lists first.
 */
export function holidaysCodeProblem(setting: string): string | null {
  const examples = `e.g. ${HOLIDAYS_EXAMPLES.join(', ')}`;
  const match = /^([A-Z]{2})(?:-([A-Z0-9]{1,3}))?$/.exec(holidaysCode(setting));
  if (!match) return `"${setting}" is not a country code with an optional region, ${examples}`;
  const [, country, region] = match;
  const iso = NOT_ISO[country];
  if (iso) {
    const example = region
      ? `${iso}-${region}`
      : (HOLIDAYS_EXAMPLES.find((e) => e.startsWith(`${iso}-`)) ?? iso);
    return `"${country}" is not an ISO 3166 country code: that country's is ${iso}, e.g. HOLIDAYS=${example}`;
  }
  const lib = new (library())();
  if (!(country in lib.getCountries('en')))
    return `no holiday calendar for the country "${country}": an ISO 3166 country code, ${examples}`;
  if (region === undefined) return null;
  const regions = Object.keys(lib.getStates(country, 'en') ?? {});
  if (regions.includes(region)) return null;
  if (regions.length === 0)
    return `${country} has no regions in the holiday calendar: set HOLIDAYS=${country}`;
  const some = regions.slice(0, 8).join(', ');
  const more = regions.length > 8 ? ` and ${regions.length - 8} more` : '';
  return `${country} has no region "${region}" in the holiday calendar: its regions are ${some}${more} (e.g. HOLIDAYS=${country}-${regions[0]}), or set HOLIDAYS=${country} for the days the whole country shares`;
}

/** The calendars built so far, by code: the timers ask on every tick, and a year's dates are worked out once. */
const calendars = new Map<string, HolidayCalendar>();

/** The public holiday calendar `code` names (a code holidaysCodeProblem accepts); throws on another. */
export function holidayCalendar(code: string): HolidayCalendar {
  const known = calendars.get(code);
  if (known) return known;
  const problem = holidaysCodeProblem(code);
  if (problem) throw new Error(`HOLIDAYS: ${problem}`);
  const [country, region] = code.split('-');
  const lib =
    region === undefined
      ? new (library())(country, { types: ['public'] })
      : new (library())(country, region, { types: ['public'] });
  const years = new Map<number, Map<string, string>>();
  const daysOf = (year: number) => {
    let days = years.get(year);
    if (!days) {
      days = new Map();
      for (const h of lib.getHolidays(year, 'en')) {
        if (h.type !== 'public') continue;
        // The holiday's own date, as the country's calendar says it: the team's local day is compared
        // with it as a date, whatever zone the library works the instant out in.
        const first = dayOf(h.date.slice(0, 10));
        // A holiday of several days (some countries' New Year) covers each of them.
        const length = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / 86_400_000));
        for (let d = first; d < first + length; d++) days.set(isoOfDay(d), h.name);
      }
      years.set(year, days);
    }
    return days;
  };
  const calendar: HolidayCalendar = {
    code,
    // A holiday of several days begun in December is in the year before's dates.
    holidayOn: (day) => {
      const year = Number(day.slice(0, 4));
      return daysOf(year).get(day) ?? daysOf(year - 1).get(day) ?? null;
    },
  };
  calendars.set(code, calendar);
  return calendar;
}

/**
 * The library, loaded on first use: its tables of every country take some 80 ms to load, which a
 * team without HOLIDAYS should not pay on every cold start.
 */
function library(): typeof Holidays {
  return require('date-holidays') as typeof Holidays;
}

/** Why a local day is no working day, or null when it is one. */
export type DayOff =
  | { kind: 'not_a_working_day' }
  | { kind: 'public_holiday'; holiday: string; calendar: string };

/**
 * Whether the team works on a local `YYYY-MM-DD` day: one of `workingDays` (ISO weekdays, the rules
 * file's followUps.workingDays) and, with a holiday calendar, not a public holiday in it.
 */
export function dayOff(
  day: string,
  workingDays: readonly number[],
  holidays: HolidayCalendar | null,
): DayOff | null {
  if (!workingDays.includes(isoWeekdayOf(day))) return { kind: 'not_a_working_day' };
  const holiday = holidays?.holidayOn(day) ?? null;
  if (!holidays || holiday === null) return null;
  return { kind: 'public_holiday', holiday, calendar: holidays.code };
}
