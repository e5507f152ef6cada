import { describe, expect, it } from 'vitest';
import { dayOf } from '../../../rules/book';
import {
  feedSilence,
  isStale,
  MIN_CUSTOMERS_TO_JUDGE,
  MIN_STALE_DAYS,
  staleFeedText,
} from '../../../rules/feedFreshness';
import { bookFromRows, type OrderRow } from '../../helpers/bookFromRows';

/** `customers` customers taking turns to order on the given dates, the way a book's export looks. */
function bookOrderingOn(dates: string[], customers = 12) {
  const ids = Array.from({ length: customers }, (_, k) => `C${k}`);
  const orders: OrderRow[] = dates.map((date, k) => ({ customerId: ids[k % customers], date, amount: 10 }));
  return bookFromRows({ customers: ids.map((id) => ({ id })), orders });
}

/** Every `step` days from `from` for `count` orders. */
function every(from: string, step: number, count: number): string[] {
  return Array.from({ length: count }, (_, k) =>
    new Date(Date.parse(`${from}T00:00:00Z`) + k * step * 86_400_000).toISOString().slice(0, 10),
  );
}

describe('feedSilence', () => {
  it('calls a feed stale once it has been quiet longer than the book ever was, and not a day before', () => {
    // Orders every 3 days, but a 20-day closure in the summer: the book's longest quiet spell.
    const dates = [...every('2026-01-02', 3, 60), ...every('2026-07-18', 3, 40)];
    expect(dates.slice(59, 61)).toEqual(['2026-06-28', '2026-07-18']);
    const book = bookOrderingOn(dates);
    const last = dates[dates.length - 1];
    const at = (days: number) => feedSilence(book, dayOf(last) + days);
    expect(at(20)).toMatchObject({ silentDays: 20, longestQuietDays: 20, allowedDays: 20 });
    expect(isStale(at(20))).toBe(false);
    expect(isStale(at(21))).toBe(true);
  });

  it('allows at least a fortnight however busy the book is', () => {
    const book = bookOrderingOn(every('2026-06-01', 1, 120));
    const last = dayOf('2026-09-28');
    expect(feedSilence(book, last)?.longestQuietDays).toBe(1);
    expect(isStale(feedSilence(book, last + MIN_STALE_DAYS))).toBe(false);
    expect(isStale(feedSilence(book, last + MIN_STALE_DAYS + 1))).toBe(true);
  });

  it('measures only the year before the newest order, and only orders on or before the as-of day', () => {
    // A 100-day gap two years back says nothing about how quiet the book is now.
    const dates = [...every('2024-01-01', 2, 10), ...every('2024-04-29', 2, 400)];
    const book = bookOrderingOn(dates);
    const newest = dayOf(dates[dates.length - 1]);
    expect(feedSilence(book, newest)?.longestQuietDays).toBe(2);
    // As of a day inside the history, later orders are not the newest.
    const inside = feedSilence(book, dayOf('2024-04-01'));
    expect(inside).toMatchObject({ lastOrderDay: dayOf('2024-01-19'), silentDays: 73 });
    expect(isStale(inside)).toBe(true);
  });

  it("follows the rules' feedStaleDays, where 0 turns the check off", () => {
    const book = bookOrderingOn(every('2026-06-01', 1, 30));
    const day = dayOf('2026-06-30') + 40;
    expect(isStale(feedSilence(book, day, 45))).toBe(false);
    expect(isStale(feedSilence(book, day, 39))).toBe(true);
    expect(isStale(feedSilence(book, day, 0))).toBe(false);
  });

  it('does not judge a book of a few customers, who may all be late at once, unless the rules say so', () => {
    const dates = every('2026-06-01', 3, 60);
    const few = bookOrderingOn(dates, MIN_CUSTOMERS_TO_JUDGE - 1);
    const day = dayOf(dates[dates.length - 1]) + 60;
    expect(feedSilence(few, day)).toMatchObject({ customers: MIN_CUSTOMERS_TO_JUDGE - 1, allowedDays: 0 });
    expect(isStale(feedSilence(few, day))).toBe(false);
    expect(isStale(feedSilence(few, day, 30))).toBe(true);
    expect(isStale(feedSilence(bookOrderingOn(dates, MIN_CUSTOMERS_TO_JUDGE), day))).toBe(true);
  });

  it('says nothing of a book with no order yet', () => {
    expect(feedSilence(bookOrderingOn([]), dayOf('2026-01-01'))).toBeNull();
    expect(isStale(feedSilence(bookOrderingOn(['2026-05-01']), dayOf('2026-01-01')))).toBe(false);
  });

  it('names the newest order, the silence and the book’s longest quiet spell', () => {
    const book = bookOrderingOn(every('2026-06-01', 3, 30));
    const silence = feedSilence(book, dayOf('2026-10-28'));
    expect(silence && staleFeedText(silence, '2026-10-28')).toBe(
      'the newest order in the feed is on 2026-08-27, 62 days before 2026-10-28, and in the year before it the book never went more than 3 days without an order: every customer would look late by the same weeks. Is the export still running?',
    );
  });
});
