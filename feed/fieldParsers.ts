/**
 * Pure parsers for the feed's field formats. Each returns the value, or a `Rejected` naming the
 * problem in a few words ("not a date"), which becomes the kind counted in the feed report.
 */
import { MAX_CUSTOMER_ID_CHARS } from '../rules/book';

export interface Rejected {
  problem: string;
}

/** True when a parser result is a rejection. */
export function isRejected(value: unknown): value is Rejected {
  return typeof value === 'object' && value !== null && 'problem' in value;
}

// Date, then optionally a time and a zone. The calendar date is taken as written: a zone offset
// does not move the day, so "2026-01-01T23:30:00-05:00" is 2026-01-01, as the exporter saw it.
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d+)?)?(?:Z|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date, without allocating a Date.
 * Adapted from `days_from_civil` in Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms"
 * (https://howardhinnant.github.io/date_algorithms.html#days_from_civil).
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Day number of an ISO 8601 date or date-time (calendar date as written), or a rejection. */
export function parseIsoDay(text: string): number | Rejected {
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return { problem: 'not a date' };
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  // Years outside this range are typos in a sales feed, not history.
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return { problem: 'not a date' };
  const monthLength = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (day > monthLength) return { problem: 'not a date' };
  return daysFromCivil(year, month, day);
}

// Plain decimal numbers as exports write them: no thousands separators, no currency symbols, a
// dot for the decimal point. "12,50" or "$12.50" are rejected rather than guessed at.
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A finite number >= 0 (money), or a rejection ("not a number", "negative"). */
export function parseAmount(text: string): number | Rejected {
  if (!DECIMAL.test(text)) return { problem: 'not a number' };
  const n = Number(text);
  if (!Number.isFinite(n)) return { problem: 'not a number' };
  if (n < 0) return { problem: 'negative' };
  // -0 would print oddly and means nothing different from 0.
  return n === 0 ? 0 : n;
}

/** A customer id: any text up to MAX_CUSTOMER_ID_CHARS characters. */
export function parseCustomerId(text: string): string | Rejected {
  return text.length <= MAX_CUSTOMER_ID_CHARS
    ? text
    : { problem: `longer than ${MAX_CUSTOMER_ID_CHARS} characters` };
}

// An email address or a UPN: something@something, no spaces. Teams matches reps by it.
const EMAIL_OR_UPN = /^[^\s@]+@[^\s@]+$/;

/** The rep's email/UPN lower-cased, or a rejection. */
export function parseOwner(text: string): string | Rejected {
  return EMAIL_OR_UPN.test(text) ? text.toLowerCase() : { problem: 'not an email or UPN' };
}

const SENTIMENT_CODES: Record<string, number> = { negative: -1, neutral: 0, positive: 1 };

/** Ticket sentiment code (-1, 0, 1; see SENTIMENT in rules/book.ts), case-insensitive. */
export function parseSentiment(text: string): number | Rejected {
  const code = SENTIMENT_CODES[text.toLowerCase()];
  return code === undefined ? { problem: 'not negative, neutral or positive' } : code;
}

/** 1 for an open ticket, 0 for a closed one, case-insensitive. */
export function parseTicketOpen(text: string): number | Rejected {
  const lower = text.toLowerCase();
  if (lower === 'open') return 1;
  if (lower === 'closed') return 0;
  return { problem: 'not open or closed' };
}
