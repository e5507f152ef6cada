import { type Book, isoOfDay } from './book';
import { formatDateNear } from './calendar';
import { plural } from './model/plainWords';

/**
 * Whether the feed is still being kept up to date. A book with no order anywhere for longer than it
 * has ever been quiet was most likely exported once and never again (a broken export job, an
 * expired token): scored as of today, every customer would look late by the same weeks, and the
 * lists would be about the export, not the customers.
 */

/**
 * A silence of this many days or fewer never calls a feed stale: a fortnight's holiday closure
 * leaves 15 days from the last order before it to the first after it.
 */
export const MIN_STALE_DAYS = 15;

/**
 * The history whose quiet spells a feed's silence is measured against: a year and a month, so last
 * year's closure at this time of year is inside it however the dates fell.
 */
const LOOKBACK_DAYS = 400;

/** A closure may run a little longer than last year's (the weekends fall differently): this much slack on it. */
const QUIET_SLACK = 1.25;

/**
 * Fewer customers than this ordering in that year and a silent book says nothing about the export:
 * two or three customers can all be late at once, and they are what the list is for. Such a book
 * is checked only when the rules set feedStaleDays.
 */
export const MIN_CUSTOMERS_TO_JUDGE = 10;

export interface FeedSilence {
  /** The newest order on or before the as-of day. */
  lastOrderDay: number;
  /** Days from it to the as-of day. */
  silentDays: number;
  /** The longest gap between two order days of the book in the year (and a month) before the newest order. */
  longestQuietDays: number;
  /** Customers with an order in the year before the newest order. */
  customers: number;
  /**
   * Past this many silent days the feed is stale: the rules' feedStaleDays, else the longest quiet
   * spell with QUIET_SLACK (at least MIN_STALE_DAYS); 0 = never (and so for a book of fewer than
   * MIN_CUSTOMERS_TO_JUDGE).
   */
  allowedDays: number;
  /** allowedDays is the rules' feedStaleDays. */
  fromRules: boolean;
}

/**
 * The feed's silence as of `asOfDay` (orders after it are not counted); null when the book has no
 * order on or before it. `staleAfterDays` is the rules' feedStaleDays (undefined: the book's own).
 */
export function feedSilence(book: Book, asOfDay: number, staleAfterDays?: number): FeedSilence | null {
  const last = lastOrderDayOf(book, asOfDay);
  if (last === null) return null;
  // The days with an order in the year up to the newest one, then the longest run between two.
  const from = last - LOOKBACK_DAYS;
  const ordered = new Uint8Array(LOOKBACK_DAYS + 1);
  let customers = 0;
  for (let i = 0; i < book.customers.length; i++) {
    let counted = false;
    for (let k = book.orderStart[i]; k < book.orderStart[i + 1]; k++) {
      const day = book.orderDay[k];
      if (day < from || day > last) continue;
      ordered[day - from] = 1;
      if (!counted) customers++;
      counted = true;
    }
  }
  let longestQuietDays = 0;
  let previous = -1;
  for (let d = 0; d <= LOOKBACK_DAYS; d++) {
    if (!ordered[d]) continue;
    if (previous >= 0) longestQuietDays = Math.max(longestQuietDays, d - previous);
    previous = d;
  }
  return {
    lastOrderDay: last,
    silentDays: asOfDay - last,
    longestQuietDays,
    customers,
    allowedDays:
      staleAfterDays ??
      (customers < MIN_CUSTOMERS_TO_JUDGE
        ? 0
        : Math.max(MIN_STALE_DAYS, Math.ceil(QUIET_SLACK * longestQuietDays))),
    fromRules: staleAfterDays !== undefined,
  };
}

/** The newest order day on or before `asOfDay`; null when the book has none. */
export function lastOrderDayOf(book: Book, asOfDay: number): number | null {
  let last = Number.NEGATIVE_INFINITY;
  for (const day of book.orderDay) if (day <= asOfDay && day > last) last = day;
  return last === Number.NEGATIVE_INFINITY ? null : last;
}

/** The book's oldest order day; null when the book has none. */
export function firstOrderDayOf(book: Book): number | null {
  let first = Number.POSITIVE_INFINITY;
  for (const day of book.orderDay) if (day < first) first = day;
  return first === Number.POSITIVE_INFINITY ? null : first;
}

/** True when the feed has been silent longer than it is allowed to be. */
export function isStale(silence: FeedSilence | null): silence is FeedSilence {
  return silence !== null && silence.allowedDays > 0 && silence.silentDays > silence.allowedDays;
}

/** How long the book is allowed to be silent, and why, in words shared by every message. */
function allowance(silence: FeedSilence, book: string): string {
  if (silence.fromRules)
    return `the rules file allows ${plural(silence.allowedDays, 'day')} without one (feedStaleDays)`;
  return silence.longestQuietDays > 0
    ? `${book} never went more than ${plural(silence.longestQuietDays, 'day')} without one in the year before`
    : `${book} has no earlier quiet spell to compare with`;
}

/** One sentence on a stale feed, for an admin or a CLI user: what is off and what to check. */
export function staleFeedText(silence: FeedSilence, asOf: string): string {
  const since = `the newest order in the feed is on ${isoOfDay(silence.lastOrderDay)}, ${plural(silence.silentDays, 'day')} before ${asOf}`;
  return `${since}, and ${allowance(silence, 'the book')}: every customer would look late by the same weeks. Is the export still running?`;
}

/** The same for a rep or a manager, in their words, with the newest order's day as they read dates. */
export function staleFeedWords(silence: FeedSilence, today: string, locale = 'en-US'): string {
  const newest = formatDateNear(isoOfDay(silence.lastOrderDay), today, locale);
  return `The order feed looks out of date: its newest order is from ${newest}, ${plural(silence.silentDays, 'day')} ago, and ${allowance(silence, 'your book')}.`;
}
