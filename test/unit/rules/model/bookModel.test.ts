import { beforeAll, describe, expect, it } from 'vitest';
import { type Book, dayOf } from '../../../../rules/book';
import { emptyFeatures } from '../../../../rules/features';
import { fitDaysOf, YEAR_AGO_WEIGHT } from '../../../../rules/model/bookModel';
import { MODEL_FEATURES } from '../../../../rules/model/modelFeatures';
import { modelReasons } from '../../../../rules/model/modelReasons';
import { defaultRules, parseRules } from '../../../../rules/rulesSchema';
import { type ScoredBook, scoreBook } from '../../../../rules/scoreBook';
import { WHOLESALE_AS_OF, wholesaleBook } from '../../../synthetic/wholesaleBook';

const T = dayOf(WHOLESALE_AS_OF);

/** The book as it stood on `day`: later orders and tickets removed. */
function asItStood(book: Book, day: number): Book {
  const keep = (start: Int32Array, days: Int32Array) => {
    const kept: number[] = [];
    const next = new Int32Array(start.length);
    for (let i = 0; i + 1 < start.length; i++) {
      for (let k = start[i]; k < start[i + 1]; k++) if (days[k] <= day) kept.push(k);
      next[i + 1] = kept.length;
    }
    return { kept, next };
  };
  const o = keep(book.orderStart, book.orderDay);
  const t = keep(book.ticketStart, book.ticketDay);
  return {
    customers: book.customers,
    orderStart: o.next,
    orderDay: Int32Array.from(o.kept, (k) => book.orderDay[k]),
    orderAmount: Float64Array.from(o.kept, (k) => book.orderAmount[k]),
    ticketStart: t.next,
    ticketDay: Int32Array.from(t.kept, (k) => book.ticketDay[k]),
    ticketSentiment: Int8Array.from(t.kept, (k) => book.ticketSentiment[k]),
    ticketOpen: Uint8Array.from(t.kept, (k) => book.ticketOpen[k]),
  };
}

describe("the book's own model inside scoreBook (wholesale tuning seed 1)", () => {
  let book: Book;
  let scored: ScoredBook;
  beforeAll(() => {
    book = wholesaleBook({ seed: 1 }).book;
    scored = scoreBook(book, defaultRules(), T);
  }, 60_000);

  it('is chosen over the rules on the validation day, with the figures that chose it', () => {
    const c = scored.choice;
    expect(c.use).toBe('model');
    expect(c.validationDate).toBe('2026-06-03');
    // Eight recent fit days and three around the same date a year earlier.
    expect(c.fitDates).toHaveLength(11);
    expect(c.fitDates.slice(0, 3)).toEqual(['2025-08-11', '2025-09-01', '2025-09-22']);
    // Every fit day's labels end by the validation day.
    for (const d of c.fitDates) expect(dayOf(d) + 90).toBeLessThanOrEqual(dayOf('2026-06-03'));
    expect(c.validation?.modelAuc).toBeGreaterThan((c.validation?.rulesAuc ?? 1) + 0.005);
    expect(c.calibrated).toBe(true);
  });

  it("says every listed chance is the calibrated model's, the chance each listed row states", () => {
    expect(scored.noOrderSources).toEqual({ slipping: 'model', not_back: 'model', lapsed: 'model' });
    const listed = scored.customers.filter((c) => c.segment !== null);
    expect(listed.length).toBeGreaterThan(0);
    for (const c of listed) expect(c.listChance).toBe(c.noOrderProbability?.in90);
  });

  it('never reads past the scoring day: the book cut at that day scores exactly the same', () => {
    const cut = scoreBook(asItStood(book, T), defaultRules(), T);
    expect(cut.choice).toEqual(scored.choice);
    expect(cut.customers.map((c) => [c.score, c.noOrderProbability, c.reasons])).toEqual(
      scored.customers.map((c) => [c.score, c.noOrderProbability, c.reasons]),
    );
  }, 60_000);

  it('never reads past the scoring day with a learning horizon shorter than the stated 90 days', () => {
    // Validation on T − 60: the 90-day chance must still be calibrated on labels that end by T.
    const rules = parseRules({ learn: { horizonDays: 60 } });
    const full = scoreBook(book, rules, T);
    const cut = scoreBook(asItStood(book, T), rules, T);
    expect(cut.choice).toEqual(full.choice);
    expect(cut.customers.map((c) => c.noOrderProbability)).toEqual(
      full.customers.map((c) => c.noOrderProbability),
    );
  }, 60_000);

  it('gives every customer with orders falling probabilities over longer windows, a tier and the facts', () => {
    for (const c of scored.customers) {
      if (c.orders === 0) {
        expect(c.noOrderProbability).toBeNull();
        continue;
      }
      const p = c.noOrderProbability;
      expect(p).not.toBeNull();
      if (!p) continue;
      expect(p.in30).toBeGreaterThanOrEqual(p.in60);
      expect(p.in60).toBeGreaterThanOrEqual(p.in90);
      expect(c.score).toBeCloseTo(100 * p.in90, 9);
      expect(c.lastOrderDay).toBe(T - (c.daysSinceLastOrder ?? 0));
      // At risk is the list's call (a kind of name likely enough to stay away); the tier says how soon.
      if (c.tier === 'immediate') expect(p.in90).toBeGreaterThanOrEqual(0.5);
      if (c.tier !== null) expect(p.in30).toBeGreaterThanOrEqual(0.5);
      if (c.band === 'at_risk') expect(c.modelContributions).toHaveLength(MODEL_FEATURES.length);
      if (c.band !== 'at_risk') expect(c.modelContributions).toBeNull();
    }
  });

  it('lists customers who went on to place no order: most of each top 10 did not order in 60 days', () => {
    let hits = 0;
    let shown = 0;
    for (const rep of scored.reps) {
      for (const c of rep.customers) {
        shown++;
        const next = book.orderDay.subarray(book.orderStart[c.index], book.orderStart[c.index + 1]);
        if (!next.some((d) => d > T && d <= T + 60)) hits++;
      }
    }
    expect(shown).toBeGreaterThan(50);
    expect(hits / shown).toBeGreaterThan(0.6);
  });
});

describe("a small book's stated chances from one week to the next", () => {
  it('does not move a slipping customer by 5 points or more a week when only the map was refitted', () => {
    // 100 customers, the rules ranking them (too little history for the model), ten weekly runs. A
    // customer who is no kind of name reads the book-wide 90-day map exactly (logit linear in the
    // score): two of them give it. Each week's move is that map's change at the slipping customers'
    // scores, all else held. Fitted on one day's rows it moved them 2-8 points a week, 5.6 on average.
    const { book } = wholesaleBook({ seed: 3, customers: 100 });
    const rules = defaultRules();
    const logit = (p: number) => Math.log(p / (1 - p));
    const moves: number[] = [];
    let previous: { a: number; b: number } | null = null;
    for (let week = 0; week < 10; week++) {
      const scored = scoreBook(book, rules, dayOf('2026-05-04') + 7 * week);
      expect(scored.choice.use).toBe('rules');
      const plain = scored.customers.filter(
        (c) => c.segment === null && c.noOrderProbability && c.noOrderProbability.in90 > 1e-6,
      );
      const lo = plain.reduce((m, c) => (c.score < m.score ? c : m));
      const hi = plain.reduce((m, c) => (c.score > m.score ? c : m));
      const at = (c: ScoredBook['customers'][number]) => logit(c.noOrderProbability?.in90 ?? Number.NaN);
      const b = (at(hi) - at(lo)) / ((hi.score - lo.score) / 10);
      const map = { a: at(lo) - (b * lo.score) / 10, b };
      const chance = (m: { a: number; b: number }, score: number) =>
        1 / (1 + Math.exp(-(m.a + (m.b * score) / 10)));
      const slipping = scored.customers.filter((c) => c.segment === 'slipping');
      const before = previous;
      if (before)
        moves.push(
          slipping.reduce((sum, c) => sum + Math.abs(chance(map, c.score) - chance(before, c.score)), 0) /
            slipping.length,
        );
      previous = map;
    }
    expect(moves).toHaveLength(9);
    expect(Math.max(...moves)).toBeLessThan(0.05);
    expect(moves.reduce((sum, m) => sum + m, 0) / moves.length).toBeLessThan(0.03);
  });
});

describe('fitDaysOf: the days the model is fitted on', () => {
  const learn = { horizonDays: 90, fitDates: 8, stepDays: 21, yearAgoDates: 3 };
  const first = dayOf('2024-01-01');

  it('adds the same date a year earlier and a step either side, counted twice, after the recent days', () => {
    const days = fitDaysOf(T, first, learn);
    expect(days.filter((d) => d.weight === 1).map((d) => T - d.day)).toEqual([
      327, 306, 285, 264, 243, 222, 201, 180,
    ]);
    expect(days.filter((d) => d.weight !== 1)).toEqual([
      { day: T - 386, weight: YEAR_AGO_WEIGHT },
      { day: T - 365, weight: YEAR_AGO_WEIGHT },
      { day: T - 344, weight: YEAR_AGO_WEIGHT },
    ]);
    expect(YEAR_AGO_WEIGHT).toBeGreaterThan(1);
  });

  it('takes no year-ago day with less than a horizon of history before it (a book of 15 months)', () => {
    const days = fitDaysOf(T, T - 455, learn);
    // T − 386 has 69 days of history, T − 365 exactly 90, T − 344 more.
    expect(days.filter((d) => d.weight !== 1).map((d) => T - d.day)).toEqual([365, 344]);
    // A book of a year: only the recent days, as before the year-ago days existed.
    expect(fitDaysOf(T, T - 366, learn).every((d) => d.weight === 1)).toBe(true);
  });

  it('never takes a year-ago day whose labels would end after the validation day', () => {
    const days = fitDaysOf(T, first, { ...learn, horizonDays: 180, fitDates: 2, yearAgoDates: 5 });
    for (const d of days) expect(d.day + 180).toBeLessThanOrEqual(T - 180);
    expect(days.filter((d) => d.weight !== 1).map((d) => T - d.day)).toEqual([407, 386, 365]);
  });

  it('takes none when yearAgoDates is 0', () => {
    expect(fitDaysOf(T, first, { ...learn, yearAgoDates: 0 })).toHaveLength(8);
  });
});

describe('when the model does not earn its place', () => {
  it('keeps the rules on a book with a few months of history, saying why', () => {
    const { book } = wholesaleBook({ seed: 1, customers: 400, from: '2026-05-01' });
    const scored = scoreBook(book, defaultRules(), T);
    expect(scored.choice.use).toBe('rules');
    expect(scored.choice.reason).toMatch(/^too little history/);
    expect(scored.customers.every((c) => c.modelContributions === null)).toBe(true);
  });

  it('keeps the rules when the model must win by more than it can', () => {
    const { book } = wholesaleBook({ seed: 2, customers: 600 });
    const scored = scoreBook(book, parseRules({ learn: { margin: 0.5 } }), T);
    expect(scored.choice.use).toBe('rules');
    expect(scored.choice.reason).toMatch(/did not beat the rules on 2026-06-03/);
    // The rules' score is calibrated on the same day: the probabilities are still stated.
    expect(scored.choice.calibrated).toBe(true);
  }, 30_000);

  it('keeps the rules when the model wins but its chances cannot be stated, instead of scoring everyone 0', () => {
    // The model beats the rules here; 86 of 195 placed no order in 30 days, short of 100 of each outcome.
    const { book } = wholesaleBook({ seed: 2, customers: 200 });
    const scored = scoreBook(book, parseRules({ learn: { minEvents: 100 } }), T);
    expect(scored.choice.use).toBe('rules');
    expect(scored.choice.calibrated).toBe(false);
    expect(scored.choice.reason).toMatch(
      /^too little history to state the book's model's chances: it beat the rules on 2026-06-03 \(AUC [\d.]+ against [\d.]+\), but on 2026-08-02 \d+ of \d+ customers placed no order in 30 days; it needs 100 of each outcome$/,
    );
    // The rules rank the book: scores spread, not one 0 for all.
    expect(new Set(scored.customers.map((c) => c.score)).size).toBeGreaterThan(100);
  }, 30_000);

  it('states no probability when learning is off', () => {
    const { book } = wholesaleBook({ seed: 2, customers: 300 });
    const scored = scoreBook(book, parseRules({ learn: { enabled: false } }), T);
    expect(scored.choice.reason).toBe('learning turned off in the rules (learn.enabled)');
    expect(scored.customers.every((c) => c.noOrderProbability === null)).toBe(true);
  });
});

describe('modelReasons', () => {
  const facts = {
    usualGapDays: 9,
    lastOrdersValueRatio: 0.6,
    sourTickets90: 2,
    trendDays: 90,
    ticketDays: 30,
  };
  const push = (pairs: Partial<Record<(typeof MODEL_FEATURES)[number], number>>) =>
    MODEL_FEATURES.map((name) => pairs[name] ?? 0);

  it('words the largest contributions in plain words with their numbers, strongest first', () => {
    const f = {
      ...emptyFeatures(),
      orderCount: 40,
      orderDays: 40,
      daysSinceLastOrder: 34,
      tenureDays: 400,
      sourTickets: 2,
    };
    const reasons = modelReasons(f, push({ lateness: 1.2, lastOrdersValue: 0.4, sourTickets30: 0.3 }), facts);
    expect(reasons).toEqual([
      'Orders every 9 days; none for 34',
      'Last 3 orders 40% smaller than their usual',
      '2 sour tickets in 30 days',
    ]);
  });

  it('says nothing of what pushes towards ordering; with no push big enough, the largest small one and the silence', () => {
    const f = { ...emptyFeatures(), orderCount: 40, orderDays: 40, daysSinceLastOrder: 34, tenureDays: 400 };
    expect(modelReasons(f, push({ lateness: -2, lastOrdersValue: 0.05, orders30: 0.02 }), facts)).toEqual([
      'Last 3 orders 40% smaller than their usual',
      'Orders every 9 days; none for 34',
    ]);
  });

  it('with nothing pushing towards "no order", still says how long the customer has been away', () => {
    const f = { ...emptyFeatures(), orderCount: 40, orderDays: 40, daysSinceLastOrder: 34, tenureDays: 400 };
    expect(modelReasons(f, push({ lateness: -2 }), facts)).toEqual(['Orders every 9 days; none for 34']);
    expect(modelReasons(f, push({ lateness: -2 }), { ...facts, usualGapDays: null })).toEqual([
      'No order in 34 days',
    ]);
  });

  it('counts order days as such for a customer who ordered more than once on a day', () => {
    // Online Retail as of 2011-09-12, customer 17850: 34 invoices on 2 days, not "Only 2 orders".
    const f = { ...emptyFeatures(), orderCount: 34, orderDays: 2, daysSinceLastOrder: 284, tenureDays: 285 };
    const reasons = modelReasons(f, push({ orderDays: 0.5, daysSinceLastOrder: 0.4 }), {
      ...facts,
      usualGapDays: 1,
    });
    expect(reasons).toEqual(['Only 2 order days in 9 months', '2 order days 1 day apart; none for 284']);
    const once = { ...f, orderCount: 2 };
    expect(
      modelReasons(once, push({ orderDays: 0.5, daysSinceLastOrder: 0.4 }), { ...facts, usualGapDays: 1 }),
    ).toEqual(['Only 2 orders in 9 months', '2 orders 1 day apart; none for 284']);
  });

  it('a value trend down to nothing is no order at all, not "down 100%"', () => {
    const f = {
      ...emptyFeatures(),
      orderCount: 12,
      orderDays: 12,
      daysSinceLastOrder: 120,
      tenureDays: 400,
      recentValue: 0,
      priorValue: 900,
      priorOrderDays: 4,
    };
    const reasons = modelReasons(f, push({ valueTrend90: 0.8 }), { ...facts, lastOrdersValueRatio: null });
    expect(reasons).toEqual(['No order in the last 90 days; 4 orders in the 90 before']);
  });

  it('says no order in the recent window once, though the frequency and value groups both push', () => {
    // Wholesale seed 7 as of 2026-08-31, customer 1120: "0 orders in the last 90 days, 1 in the 90
    // before" and "No order in the last 90 days; 1 order in the 90 before" on one row.
    const f = {
      ...emptyFeatures(),
      orderCount: 12,
      orderDays: 12,
      daysSinceLastOrder: 150,
      tenureDays: 700,
      recentValue: 0,
      priorValue: 40,
      priorOrderDays: 1,
    };
    const reasons = modelReasons(f, push({ lateness: 0.5, ordersTrend90: 0.3, valueTrend90: 0.2 }), {
      ...facts,
      usualGapDays: 39,
      lastOrdersValueRatio: null,
    });
    expect(reasons).toEqual([
      'Orders every 39 days; none for 150',
      'No order in the last 90 days; 1 order in the 90 before',
    ]);
  });

  it('a one-order customer hears "ordered once", not the same fact in three more sentences', () => {
    // Online Retail as of 2011-06-13, customer 14271: "Customer for only 46 days", "Ordered once, 46
    // days ago", "Only 1 order in 46 days".
    const f = {
      ...emptyFeatures(),
      orderCount: 1,
      orderDays: 1,
      daysSinceLastOrder: 123,
      tenureDays: 123,
      priorValue: 900,
      priorOrderDays: 1,
    };
    const reasons = modelReasons(
      f,
      push({
        tenureDays: 0.3,
        orderDays: 0.4,
        lowFrequency: 0.2,
        valueTrend90: 0.2,
        daysSinceLastOrder: 0.1,
      }),
      { ...facts, usualGapDays: null, lastOrdersValueRatio: null },
    );
    expect(reasons).toEqual(['Ordered once, 123 days ago']);
  });

  it('two order days are no rhythm: not "orders every 1 day" for two days in a row', () => {
    // Online Retail as of 2011-09-12, customer 17850: 34 invoices on 1 and 2 Dec 2010, then nothing.
    const f = { ...emptyFeatures(), orderCount: 34, orderDays: 2, daysSinceLastOrder: 284, tenureDays: 285 };
    const two = { ...facts, usualGapDays: 1, lastOrdersValueRatio: null };
    expect(modelReasons(f, push({ lateness: 0.5 }), two)).toEqual(['2 order days 1 day apart; none for 284']);
    expect(modelReasons({ ...f, orderDays: 3 }, push({ lateness: 0.5 }), two)).toEqual([
      'Orders every 1 day; none for 284',
    ]);
  });

  it('a value trend down to little is "down 99%", never "down 100%" while orders came in', () => {
    const f = {
      ...emptyFeatures(),
      orderCount: 12,
      orderDays: 12,
      daysSinceLastOrder: 20,
      tenureDays: 400,
      recentValue: 20,
      recentOrderDays: 2,
      priorValue: 9_999_999,
      priorOrderDays: 4,
    };
    expect(modelReasons(f, push({ valueTrend90: 0.8 }), { ...facts, lastOrdersValueRatio: null })).toEqual([
      'Spent 99% less in the last 90 days than in the 90 before',
    ]);
    expect(
      modelReasons(f, push({ lastOrdersValue: 0.8 }), { ...facts, lastOrdersValueRatio: 0.000002 }),
    ).toEqual(['Last 3 orders 99% smaller than their usual']);
  });

  it('does not call a customer late before their usual gap has passed', () => {
    const f = { ...emptyFeatures(), orderCount: 40, orderDays: 40, daysSinceLastOrder: 5, tenureDays: 400 };
    expect(modelReasons(f, push({ daysSinceLastOrder: 0.5 }), facts)).toEqual(['No order in 5 days']);
  });
});
