import type Holidays from 'date-holidays';
import { dayOf, isoOfDay, isoWeekdayOf } from '../../rules/calendar';
import type { WorksOn } from '../../rules/workingDays';
import { type DayRange, type DaysOff, type WorkingCalendar, workingCalendarSchema } from './scheduleConfig';

/**
 * The team's public holidays, named by the HOLIDAYS setting: a country, and optionally one of its
 * regions, as ISO 3166 codes (`GB-ENG`, `US`, `DE-BY`), with the dates of the maintained
 * date-holidays tables. Public holidays only: an observance (Mother's Day), a bank-only or an
 * optional day off (Christmas Eve afternoon in Germany) is a working day, as it is for most teams.
 */
export interface HolidayCalendar {
  /** The setting as the app reads it, in capitals: `GB-ENG`. */
  code: string;
  /**
   * The names of the public holidays on the local `YYYY-MM-DD` day there, in the table's order; none
   * on a day that is no public holiday. Two can fall on one day (Norway's Constitution Day on Whit
   * Monday in 2027), and a team may work only one of them.
   */
  holidaysOn(day: string): readonly string[];
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
  const lib = libraryFor(code, 'public');
  const years = new Map<number, Map<string, string[]>>();
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
        for (let d = first; d < first + length; d++) {
          const day = isoOfDay(d);
          days.set(day, [...(days.get(day) ?? []), h.name]);
        }
      }
      years.set(year, days);
    }
    return days;
  };
  const calendar: HolidayCalendar = {
    code,
    // A holiday of several days begun in December is in the year before's dates.
    holidaysOn: (day) => {
      const year = Number(day.slice(0, 4));
      return [...(daysOf(year).get(day) ?? []), ...(daysOf(year - 1).get(day) ?? [])];
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

/**
 * A holiday's name as HOLIDAYS_WORKED is matched with it: in any case and spacing, any apostrophe,
 * its accents composed or not (an š typed as s and a combining caron looks the same), and a
 * substitute day (`Independence Day (substitute day)`) by its holiday's name, since a team that
 * works the holiday works the day it is moved to as well.
 */
export function holidayNameKey(name: string): string {
  return withoutSubstitute(name)
    .normalize('NFC')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, '')
    .toLowerCase();
}

/** The name of the holiday a substitute day (`Christmas Day (substitute day)`) stands for; another name as it is. */
function withoutSubstitute(name: string): string {
  return name.replace(/\s*\(substitute day\)\s*$/i, '');
}

/** How many years from this one the names a calendar's holidays may have are read from. */
const NAME_YEARS = 5;

/**
 * The public holidays of calendar `code` by name, in the order of the year, as this year and the
 * next few have them: the names HOLIDAYS_WORKED may give (a substitute day under its holiday's).
 */
export function publicHolidayNames(code: string): string[] {
  const fromYear = new Date().getUTCFullYear();
  const names = new Map<string, string>();
  const lib = libraryFor(code, 'public');
  for (let year = fromYear; year < fromYear + NAME_YEARS; year++)
    for (const h of lib.getHolidays(year, 'en')) {
      const name = withoutSubstitute(h.name);
      if (h.type === 'public' && !names.has(holidayNameKey(name))) names.set(holidayNameKey(name), name);
    }
  return [...names.values()];
}

/**
 * HOLIDAYS_WORKED's comma-separated parts (`parts`, trimmed) as the names of calendar `code`'s
 * holidays: some have a comma in their name (Greece's `Annunciation, Anniversary of 1821
 * Revolution`, Idaho's `Martin Luther King, Jr./ Idaho Human Rights Day`), so parts that together
 * make one public holiday's name are read as that name; any other part is a name of its own.
 */
export function holidaysWorkedNames(code: string, parts: readonly string[]): string[] {
  const keys = new Set(publicHolidayNames(code).map(holidayNameKey));
  const names: string[] = [];
  for (let i = 0; i < parts.length; ) {
    let end = parts.length;
    while (end > i + 1 && !keys.has(holidayNameKey(parts.slice(i, end).join(', ')))) end--;
    names.push(parts.slice(i, end).join(', '));
    i = end;
  }
  return names;
}

/** The table's other kinds of day, in words: none of them is a day off for the app. */
const OTHER_KINDS: Record<string, string> = {
  observance: 'an observance',
  optional: 'an optional day off',
  bank: 'a bank holiday (banks close)',
  school: 'a school holiday',
};

/**
 * Why each name of HOLIDAYS_WORKED (holidaysWorkedNames) is no public holiday of calendar `code`,
 * for the message that stops the app (none when every one is). A day the table has of another kind
 * (an observance such as the Day after Thanksgiving, an optional day such as Christmas Eve) is said
 * to be one: it is a working day already.
 */
export function holidaysWorkedProblems(code: string, names: readonly string[]): string[] {
  const known = publicHolidayNames(code);
  const keys = new Set(known.map(holidayNameKey));
  const others = new Map<string, string>();
  const year = new Date().getUTCFullYear();
  for (const h of libraryFor(code, 'all').getHolidays(year, 'en'))
    if (h.type !== 'public') others.set(holidayNameKey(h.name), h.type);
  return names
    .filter((name) => !keys.has(holidayNameKey(name)))
    .map((name) => {
      const other = others.get(holidayNameKey(name));
      return other
        ? `"${name}" is no public holiday of ${code} but ${OTHER_KINDS[other] ?? `a day of type ${other}`} there, a working day already: leave it out`
        : `"${name}" is no public holiday of ${code}: its public holidays are ${known.join(', ')}`;
    });
}

/** The library for calendar `code` (one holidaysCodeProblem accepts), with its public holidays only or every kind of day. */
function libraryFor(code: string, types: 'public' | 'all'): Holidays {
  const [country, region] = code.split('-');
  const options = types === 'public' ? { types: ['public' as const] } : {};
  return region === undefined ? new (library())(country, options) : new (library())(country, region, options);
}

/**
 * The team's calendar as the timers ask it: its working weekdays, its public holiday calendar less
 * the holidays it works, and its own closed days.
 */
export interface TeamCalendar {
  workingDays: readonly number[];
  holidays: HolidayCalendar | null;
  /** The public holidays of `holidays` the team works, by holidayNameKey. */
  worked: ReadonlySet<string>;
  closedDays: readonly DayRange[];
}

/** The team's calendar of a schedule's settings (its calendar of public holidays built once per code). */
export function teamCalendar(settings: WorkingCalendar): TeamCalendar {
  return {
    workingDays: settings.workingDays,
    holidays: settings.holidays ? holidayCalendar(settings.holidays) : null,
    worked: new Set(settings.holidaysWorked.map(holidayNameKey)),
    closedDays: settings.closedDays,
  };
}

/** Why a local day is no working day, or null when it is one. */
export type DayOff =
  | { kind: 'not_a_working_day' }
  | { kind: 'public_holiday'; holiday: string; calendar: string }
  | { kind: 'closed_day' };

/**
 * Whether the team works on a local `YYYY-MM-DD` day: one of its working days (ISO weekdays, the
 * rules file's followUps.workingDays), not a public holiday of its calendar unless it works that
 * one (HOLIDAYS_WORKED), and not one of its closed days (CLOSED_DAYS). A closed public holiday is
 * told by its name.
 */
export function dayOff(day: string, team: TeamCalendar): DayOff | null {
  if (!team.workingDays.includes(isoWeekdayOf(day))) return { kind: 'not_a_working_day' };
  const holiday = team.holidays?.holidaysOn(day).find((name) => !team.worked.has(holidayNameKey(name)));
  if (team.holidays && holiday !== undefined)
    return { kind: 'public_holiday', holiday, calendar: team.holidays.code };
  // Days as YYYY-MM-DD sort as they fall.
  if (team.closedDays.some((r) => r.from <= day && day <= r.to)) return { kind: 'closed_day' };
  return null;
}

/**
 * The days the team works as the rules take them (the play's days on the cards): the days the daily
 * digest goes out on (dailyRunDue asks dayOff too), so a step moved off a day off lands on one.
 */
export function worksOnOf(team: TeamCalendar): WorksOn {
  return (day) => dayOff(day, team) === null;
}

/** worksOnOf the team of days-off settings (HOLIDAYS, HOLIDAYS_WORKED, CLOSED_DAYS) and the rules' working weekdays. */
export function teamWorksOn(daysOff: DaysOff, workingDays: readonly number[]): WorksOn {
  return worksOnOf(teamCalendar(workingCalendarSchema.parse({ ...daysOff, workingDays })));
}

const EVERY_WEEKDAY = [1, 2, 3, 4, 5, 6, 7];

/**
 * Whether a day is off for a reason other than its weekday (a public holiday the team does not
 * work, a closed day), whatever weekday it falls on: what moves a weekly card or a monthly summary
 * due on it.
 */
export function holidayOrClosed(day: string, team: TeamCalendar): boolean {
  return dayOff(day, { ...team, workingDays: EVERY_WEEKDAY }) !== null;
}
