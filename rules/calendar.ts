import { TZDate } from '@date-fns/tz';
import { z } from 'zod';

/**
 * The product's one date and time module: calendar days as numbers, the team's local date and month
 * of an instant, month keys, and IANA time zones. Pure: the zone database is the runtime's own.
 */

const MS_PER_DAY = 86_400_000;

/** Day number (days since 1970-01-01) of a `YYYY-MM-DD` date. Throws on anything else. */
export function dayOf(isoDate: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) throw new Error(`Expected a date as YYYY-MM-DD, got "${isoDate}"`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const back = new Date(ms);
  if (back.getUTCMonth() !== Number(m[2]) - 1 || back.getUTCDate() !== Number(m[3])) {
    throw new Error(`Not a calendar date: "${isoDate}"`);
  }
  return Math.floor(ms / MS_PER_DAY);
}

/** True for a real `YYYY-MM-DD` calendar date (not 2026-02-30); never throws. */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m !== null && new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).toISOString().slice(0, 10) === text;
}

/** `YYYY-MM-DD` of a day number. */
export function isoOfDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The ISO weekday of a `YYYY-MM-DD` date: 1 = Monday ... 7 = Sunday. */
export function isoWeekdayOf(isoDate: string): number {
  // Day 0 (1970-01-01) was a Thursday (4).
  return ((((dayOf(isoDate) + 3) % 7) + 7) % 7) + 1;
}

/** `YYYY-MM-DD` of the Monday of the ISO week holding the date `isoDate`. */
export function mondayOf(isoDate: string): string {
  return isoOfDay(dayOf(isoDate) - (isoWeekdayOf(isoDate) - 1));
}

/** Whole calendar days from date `from` to date `to` (both `YYYY-MM-DD`); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return dayOf(to) - dayOf(from);
}

// Building an Intl.DateTimeFormat costs far more than using one, and timers ask on every tick.
const knownZones = new Set<string>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** Whether `timeZone` is an IANA zone this runtime knows (e.g. `America/Chicago`). */
export function isTimeZone(timeZone: string): boolean {
  if (knownZones.has(timeZone)) return true;
  try {
    // Intl is the runtime's own zone database; TZDate would silently yield an invalid date instead.
    new Intl.DateTimeFormat('en-US', { timeZone });
    knownZones.add(timeZone);
    return true;
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
}

/**
 * An IANA zone this runtime knows, as a Teams client sends it (an activity's `localTimezone`) or a
 * setting names it: a name Intl does not know is refused, not guessed at.
 */
export const timeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine(isTimeZone, { error: (issue) => `unknown IANA zone "${String(issue.input)}"` });

/** Throws a clear error unless `timeZone` is an IANA zone this runtime knows. */
export function assertTimeZone(timeZone: string): void {
  if (!isTimeZone(timeZone)) {
    throw new Error(`Unknown time zone "${timeZone}": expected an IANA zone such as "Europe/London"`);
  }
}

/** `now` seen as a wall clock in `timeZone`; date-fns functions then compute in that zone. */
export function zonedNow(now: Date, timeZone: string): TZDate {
  assertTimeZone(timeZone);
  if (Number.isNaN(now.getTime())) throw new Error('Expected a valid `now` date');
  return new TZDate(now.getTime(), timeZone);
}

/** `YYYY-MM-DD` of an instant as a calendar date in an IANA zone (the machine's zone when none is given). */
export function localDate(instant: Date | string, timeZone?: string): string {
  const d = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(d.getTime())) throw new Error(`Not a timestamp: ${String(instant)}`);
  const key = timeZone ?? '';
  let format = dateFormats.get(key);
  if (!format) {
    if (timeZone !== undefined) assertTimeZone(timeZone);
    // en-CA formats as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dateFormats.set(key, format);
  }
  return format.format(d);
}

/** A month key as the audit partitions use it: `YYYY-MM`. */
export const MONTH_KEY = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Throws a clear error unless `month` is `YYYY-MM`. */
export function assertMonthKey(month: string): void {
  if (!MONTH_KEY.test(month)) throw new Error(`Not a month (YYYY-MM): ${JSON.stringify(month)}`);
}

/** `YYYY-MM` of an instant in an IANA zone: the team's month (an audit partition). */
export function localMonth(instant: Date | string, timeZone = 'UTC'): string {
  return localDate(instant, timeZone).slice(0, 7);
}

/** The month `delta` months after `month` (negative for before), e.g. `2026-01` - 1 = `2025-12`. */
export function shiftMonth(month: string, delta: number): string {
  assertMonthKey(month);
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + delta;
  const year = Math.floor(index / 12);
  return `${String(year).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The month's name in `locale`, e.g. `November`; with `withYear`, `November 2026`. */
export function monthName(month: string, locale: string, withYear = false): string {
  assertMonthKey(month);
  // Mid-month at noon UTC: the same calendar month in every zone.
  const date = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 15, 12));
  return new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    month: 'long',
    ...(withYear ? { year: 'numeric' } : {}),
  }).format(date);
}

const WEEKDAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const shortDateFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * A `YYYY-MM-DD` calendar date as a short day in `locale`: `Mo., 23. Nov.` in de-DE. en-US, the
 * default, keeps the `Mon 23 Nov` the cards have always shown (Intl would say `Mon, Nov 23`). Read
 * at noon UTC: a calendar date has no zone to move it to another day. `withYear` adds the year.
 */
export function formatShortDate(isoDate: string, locale = 'en-US', withYear = false): string {
  return shortDay(isoDate, locale, true, withYear);
}

/**
 * A calendar date as formatShortDate words it, without the weekday (a chart's week): `23 Nov` in
 * en-US as on the cards (Intl would say `Nov 23`), `23 Nov` in en-GB, `23. Nov.` in de-DE.
 */
export function formatDayMonth(isoDate: string, locale = 'en-US', withYear = false): string {
  return shortDay(isoDate, locale, false, withYear);
}

/** `formatDayMonth`, with the year when it is not the year of `referenceDate` (a week of last year). */
export function formatDayMonthNear(isoDate: string, referenceDate: string, locale = 'en-US'): string {
  return formatDayMonth(isoDate, locale, otherYear(isoDate, referenceDate));
}

/**
 * Two days as a range worded by formatDayMonth, `2 Nov – 30 Nov`; with the year on both ends when
 * either is not in `referenceDate`'s year, so a range across New Year reads `21 Dec 2026 – 11 Jan 2027`.
 */
export function formatDayRangeNear(
  from: string,
  to: string,
  referenceDate: string,
  locale = 'en-US',
): string {
  const withYear = otherYear(from, referenceDate) || otherYear(to, referenceDate);
  return `${formatDayMonth(from, locale, withYear)} – ${formatDayMonth(to, locale, withYear)}`;
}

/** Whether a `YYYY-MM-DD` day falls in another year than `referenceDate`. */
function otherYear(isoDate: string, referenceDate: string): boolean {
  return isoDate.slice(0, 4) !== referenceDate.slice(0, 4);
}

function shortDay(isoDate: string, locale: string, weekday: boolean, withYear: boolean): string {
  const d = new Date(dayOf(isoDate) * MS_PER_DAY + MS_PER_DAY / 2);
  if (locale === 'en-US')
    return `${weekday ? `${WEEKDAY[d.getUTCDay()]} ` : ''}${d.getUTCDate()} ${MONTH[d.getUTCMonth()]}${withYear ? ` ${d.getUTCFullYear()}` : ''}`;
  const parts = shortDateFormat(locale, weekday, withYear).formatToParts(d);
  // With the year, the weekday is followed as it is without it: en-GB's Intl writes "Thu 22 Oct"
  // but "Thu, 25 Dec 2025", two styles on one page.
  const after = withYear && weekday ? separatorAfterWeekday(locale) : undefined;
  return parts
    .map((p, i) =>
      p.type === 'month'
        ? shortMonthWord(p.value, locale)
        : after !== undefined && p.type === 'literal' && parts[i - 1]?.type === 'weekday'
          ? after
          : p.value,
    )
    .join('');
}

function shortDateFormat(locale: string, weekday: boolean, withYear: boolean): Intl.DateTimeFormat {
  const key = `${locale}${weekday ? ' w' : ''}${withYear ? ' y' : ''}`;
  let format = shortDateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      ...(weekday ? { weekday: 'short' } : {}),
      day: 'numeric',
      month: 'short',
      ...(withYear ? { year: 'numeric' } : {}),
      timeZone: 'UTC',
    });
    shortDateFormats.set(key, format);
  }
  return format;
}

/** What follows the weekday in `locale`'s short day without the year (`" "` in en-GB, `", "` in de-DE). */
function separatorAfterWeekday(locale: string): string | undefined {
  const parts = shortDateFormat(locale, true, false).formatToParts(new Date(Date.UTC(2026, 0, 15, 12)));
  const i = parts.findIndex((p) => p.type === 'weekday');
  return parts[i + 1]?.type === 'literal' ? parts[i + 1].value : undefined;
}

/**
 * A short month as the product writes it in `locale`: English says `Sep`, as the en-US cards do,
 * where Intl writes `Sept` in en-GB (and en-AU, en-IN...) beside three letters for every other month.
 */
function shortMonthWord(word: string, locale: string): string {
  return word === 'Sept' && /^en\b/i.test(locale) ? 'Sep' : word;
}

const shortMonthFormats = new Map<string, Intl.DateTimeFormat>();

/** A `YYYY-MM` month as a chart or a table names it in `locale`: `Sep 2026` (en-GB too), `Sept. 2026` in de-DE. */
export function formatShortMonth(month: string, locale = 'en-US'): string {
  assertMonthKey(month);
  let format = shortMonthFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' });
    shortMonthFormats.set(locale, format);
  }
  const date = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 15, 12));
  return format
    .formatToParts(date)
    .map((p) => (p.type === 'month' ? shortMonthWord(p.value, locale) : p.value))
    .join('');
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The time of day of an instant on the clock of `timeZone`, as `locale` writes it: `14:05` in en-GB
 * and de-DE, `2:05 PM` in en-US. Hours and minutes: a rep orders a day's taps by it.
 */
export function formatTimeOfDay(instant: string, timeZone: string, locale = 'en-US'): string {
  const key = `${locale} ${timeZone}`;
  let format = timeFormats.get(key);
  if (!format) {
    assertTimeZone(timeZone);
    format = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone });
    timeFormats.set(key, format);
  }
  return format.format(new Date(instant));
}

/** `formatShortDate`, with the year when it is not the year of `referenceDate` (a lapsed customer's due day a year back). */
export function formatDateNear(isoDate: string, referenceDate: string, locale = 'en-US'): string {
  return formatShortDate(isoDate, locale, otherYear(isoDate, referenceDate));
}
