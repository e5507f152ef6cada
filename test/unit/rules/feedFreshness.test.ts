import { describe, expect, it } from 'vitest';
import { dayOf } from '../../../rules/book';
import {
  feedSilence,
  isStale,
  MIN_CUSTOMERS_TO_JUDGE,
  MIN_STALE_DAYS,
  staleFeedText,
  staleFeedWords,
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
    // A closure may run a little longer than last year's: 20 days with a quarter's slack.
    expect(at(25)).toMatchObject({ silentDays: 25, longestQuietDays: 20, allowedDays: 25, fromRules: false });
    expect(isStale(at(25))).toBe(false);
    expect(isStale(at(26))).toBe(true);
  });

  it("counts last year's closure at this time of year, however the dates fell (a leap year between)", () => {
    // Open every day but 22 Dec to 5 Jan, from 2026 to 2028; as of Sun 6 Jan 2029, 16 days after 21 Dec.
    const dates: string[] = [];
    for (let t = Date.parse('2026-06-01'); t <= Date.parse('2028-12-21'); t += 86_400_000) {
      const d = new Date(t).toISOString().slice(0, 10);
      const md = d.slice(5);
      if (md >= '12-22' || md <= '01-05') continue;
      dates.push(d);
    }
    const silence = feedSilence(bookOrderingOn(dates), dayOf('2029-01-06'));
    expect(silence).toMatchObject({ silentDays: 16, longestQuietDays: 16 });
    expect(isStale(silence)).toBe(false);
  });

  it("lets a first fortnight's closure pass on a book too new to have had one", () => {
    // History from June; closed Thu 24 Dec to Wed 6 Jan, so 15 days from the last order to the run.
    const book = bookOrderingOn(every('2026-06-01', 1, 206));
    expect(every('2026-06-01', 1, 206).at(-1)).toBe('2026-12-23');
    expect(isStale(feedSilence(book, dayOf('2027-01-07')))).toBe(false);
    expect(isStale(feedSilence(book, dayOf('2027-01-08')))).toBe(true);
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
      'the newest order in the feed is on 2026-08-27, 62 days before 2026-10-28, and the book never went more than 3 days without one in the year before: every customer would look late by the same weeks. Is the export still running?',
    );
  });

  it('says what the rules allow when they set the limit, and counts in the singular for one day', () => {
    const book = bookOrderingOn(every('2026-06-01', 1, 60));
    const ruled = feedSilence(book, dayOf('2026-07-30') + 10, 7);
    expect(ruled && isStale(ruled)).toBe(true);
    expect(ruled && staleFeedWords(ruled, '2026-08-09')).toBe(
      'The order feed looks out of date: its newest order is from Thu 30 Jul, 10 days ago, and the rules file allows 7 days without one (feedStaleDays).',
    );
    const daily = feedSilence(book, dayOf('2026-07-30') + 20);
    expect(daily && staleFeedWords(daily, '2026-08-19')).toBe(
      'The order feed looks out of date: its newest order is from Thu 30 Jul, 20 days ago, and your book never went more than 1 day without one in the year before.',
    );
  });
});
