import { dayOf } from '../../rules/book';

/** A month key as the audit partitions use it: `YYYY-MM`. */
export const MONTH_KEY = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Throws a clear error unless `month` is `YYYY-MM`. */
export function assertMonthKey(month: string): void {
  if (!MONTH_KEY.test(month)) throw new Error(`Not a month (YYYY-MM): ${JSON.stringify(month)}`);
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

// Building an Intl.DateTimeFormat costs far more than formatting with one: one per zone.
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD` of an instant as a calendar date in an IANA zone. */
export function localDate(isoTimestamp: string, timeZone: string): string {
  const d = new Date(isoTimestamp);
  if (Number.isNaN(d.getTime())) throw new Error(`Not a timestamp: ${isoTimestamp}`);
  let format = dateFormats.get(timeZone);
  if (!format) {
    // en-CA formats as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dateFormats.set(timeZone, format);
  }
  return format.format(d);
}

/** Whole calendar days from date `from` to date `to` (both `YYYY-MM-DD`); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return dayOf(to) - dayOf(from);
}
