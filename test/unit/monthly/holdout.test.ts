import { describe, expect, it } from 'vitest';
import { computeMonthlySummary, isHeldOut, outcomesFromBook, renderSummaryText } from '../../../jobs/monthly';
import type { Book } from '../../../rules/book';
import { dayOf } from '../../../rules/book';
import { Rows } from './auditRows';

describe('isHeldOut', () => {
  it('is reproducible and keeps about the given share', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `cust-${i}`);
    const held = ids.filter((id) => isHeldOut(id, 'weekly-2026-W45', 10, 'seed-1'));
    // Binomial(20000, 0.1): sd = 42, so +-200 is almost 5 sd.
    expect(held.length).toBeGreaterThan(1800);
    expect(held.length).toBeLessThan(2200);
    expect(ids.filter((id) => isHeldOut(id, 'weekly-2026-W45', 10, 'seed-1'))).toEqual(held);
  });

  it('draws differently per seed and per week, never at 0%, always at 100%', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `c${i}`);
    const a = ids.filter((id) => isHeldOut(id, 'w1', 20, 's'));
    expect(ids.filter((id) => isHeldOut(id, 'w1', 20, 'other'))).not.toEqual(a);
    expect(ids.filter((id) => isHeldOut(id, 'w2', 20, 's'))).not.toEqual(a);
    expect(ids.some((id) => isHeldOut(id, 'w1', 0, 's'))).toBe(false);
    expect(ids.every((id) => isHeldOut(id, 'w1', 100, 's'))).toBe(true);
  });

  it('refuses a percentage outside 0-100', () => {
    expect(() => isHeldOut('c', 'w', 101, 's')).toThrow(/between 0 and 100/);
    expect(() => isHeldOut('c', 'w', Number.NaN, 's')).toThrow(/between 0 and 100/);
  });
});

/** A book with one order day list per customer. */
function bookOf(orders: Record<string, string[]>): Book {
  const ids = Object.keys(orders);
  const days = ids.flatMap((id) => orders[id].map(dayOf).sort((a, b) => a - b));
  const orderStart = new Int32Array(ids.length + 1);
  ids.forEach((id, i) => {
    orderStart[i + 1] = orderStart[i] + orders[id].length;
  });
  return {
    customers: ids.map((id) => ({ id, name: id, owner: 'ana@demo.example', monthlyValue: 100 })),
    orderStart,
    orderDay: Int32Array.from(days),
    orderAmount: new Float64Array(days.length).fill(10),
    ticketStart: new Int32Array(ids.length + 1),
    ticketDay: new Int32Array(0),
    ticketSentiment: new Int8Array(0),
    ticketOpen: new Uint8Array(0),
  };
}

describe('holdout comparison', () => {
  const rows = () => {
    const r = new Rows();
    r.add('held_out', 'h1', '2026-11-02T14:00:00Z');
    r.add('held_out', 'h2', '2026-11-02T14:00:00Z');
    r.add('held_out', 'x', '2026-11-02T14:00:00Z');
    r.surfaced('x', '2026-11-09T14:00:00Z'); // crossover: stays held out (first row)
    r.surfaced('l1', '2026-11-02T14:00:00Z');
    r.surfaced('l2', '2026-11-09T14:00:00Z');
    return r.all;
  };

  it('says what is missing without the feed', () => {
    const s = computeMonthlySummary({ month: '2026-11', rows: rows() });
    expect(s.holdout).toEqual({
      heldOut: 3,
      listed: 2,
      crossovers: 1,
      comparison: null,
      text: '3 held out at random this month; comparing them needs the order feed, which this summary was not given.',
    });
  });

  it('compares "ordered again after selection" on both arms from the feed', () => {
    const book = bookOf({
      h1: ['2026-10-01', '2026-11-20'], // came back on its own
      h2: ['2026-10-01', '2026-11-02'], // ordered on the selection day only: not after
      x: ['2026-10-01'],
      l1: ['2026-11-05'],
      l2: ['2026-11-10', '2026-12-15'], // the 10th is after its selection (11-09)
    });
    const s = computeMonthlySummary({
      month: '2026-11',
      rows: rows(),
      outcomes: outcomesFromBook(book, '2026-11-30'),
    });
    expect(s.holdout?.comparison).toEqual({
      heldOut: { customers: 3, cameBack: 1, rate: 1 / 3 },
      listed: { customers: 2, cameBack: 2, rate: 1 },
      liftPoints: 66.7,
      asOf: '2026-11-30',
    });
    expect(s.holdout?.text).toBe(
      'Ordered again by Mon 30 Nov: 100% of listed customers (2 of 2) vs 33% of those held out (1 of 3). Too few held out to tell yet.',
    );
    // No button measured these comebacks: the card's last line says so.
    expect(renderSummaryText(s)).toContain('Read from the order feed: the holdout comparison.');
  });

  it("writes the comparison's figures in the team's locale, as the card's other figures", () => {
    const book = bookOf({ h1: ['2026-11-20'], h2: [], x: [], l1: ['2026-11-05'], l2: ['2026-11-10'] });
    const of = (locale: string) =>
      computeMonthlySummary({
        month: '2026-11',
        rows: rows(),
        locale,
        outcomes: outcomesFromBook(book, '2026-11-30'),
      }).holdout?.text;
    expect(of('de-DE')).toBe(
      'Ordered again by Mo., 30. Nov.: 100\u00a0% of listed customers (2 of 2) vs 33\u00a0% of those held out (1 of 3). Too few held out to tell yet.',
    );
    // Marathi writes its own digits (a locale the app takes: it is written left to right).
    expect(of('mr-IN')).toContain('(१ of ३)');
    const without = computeMonthlySummary({ month: '2026-11', rows: rows(), locale: 'mr-IN' });
    expect(without.holdout?.text).toMatch(/^३ held out at random/);
  });

  it('ignores orders after the feed date', () => {
    const outcomes = outcomesFromBook(bookOf({ a: ['2026-12-15'] }), '2026-11-30');
    expect(outcomes.orderedAfter('a', '2026-11-01')).toBe(false);
    expect(outcomes.orderedAfter('unknown', '2026-11-01')).toBe(false);
  });
});
