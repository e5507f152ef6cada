import { describe, expect, it } from 'vitest';
import { dayOf } from '../../../rules/book';
import { type CustomerState, initialState } from '../../../rules/customerState';
import { defaultRules, parseRules } from '../../../rules/rulesSchema';
import { type ScoredBook, scoreBook } from '../../../rules/scoreBook';
import { type BookRows, bookFromRows, type OrderRow } from '../../helpers/bookFromRows';
import { WHOLESALE_AS_OF, wholesaleBook } from '../../synthetic/wholesaleBook';

const asOf = '2024-06-03';

/** Orders every `gap` days, going back from `last` (inclusive) to no earlier than `first`. */
function everyNDays(
  customerId: string,
  first: string,
  last: string,
  gap: number,
  amount: number,
): OrderRow[] {
  const out: OrderRow[] = [];
  for (let d = dayOf(last); d >= dayOf(first); d -= gap) {
    out.push({ customerId, date: new Date(d * 86_400_000).toISOString().slice(0, 10), amount });
  }
  return out;
}

// Greenfield: ordered every 9 days for a year, nothing for the last 34 days; one sour ticket.
const lastGreenfieldOrder = new Date((dayOf(asOf) - 34) * 86_400_000).toISOString().slice(0, 10);
const rows: BookRows = {
  customers: [
    { id: 'green', name: 'Greenfield Cafe', owner: 'Ana@Example.com', monthlyValue: 1200 },
    { id: 'steady', name: 'Steady Diner', owner: 'ana@example.com', monthlyValue: 800 },
    { id: 'new', name: 'New Bistro', owner: 'bo@example.com' },
    { id: 'none', name: 'No Orders Yet', owner: 'bo@example.com' },
  ],
  orders: [
    ...everyNDays('green', '2023-06-01', lastGreenfieldOrder, 9, 360),
    ...everyNDays('steady', '2023-06-01', '2024-06-01', 7, 200),
    { customerId: 'new', date: '2024-05-30', amount: 150 },
  ],
  tickets: [{ customerId: 'green', date: '2024-05-20', sentiment: 'negative' }],
};

const byId = (s: ScoredBook, id: string) => {
  const c = s.customers.find((x) => x.customerId === id);
  if (!c) throw new Error(`no ${id}`);
  return c;
};

describe('scoreBook', () => {
  const scored = scoreBook(bookFromRows(rows), defaultRules(), dayOf(asOf));

  it('puts a regular customer who went quiet at risk, with reasons in words', () => {
    const green = byId(scored, 'green');
    expect(green.band).toBe('at_risk');
    expect(green.reasons[0]).toBe('No order in 34 days, usually every 9');
    expect(green.reasons).toContain('1 sour ticket in the last 30 days');
    expect(green.gate).toEqual({ surfaced: true });
    expect(green.surfaced).toBe(true);
    expect(green.rank).toBe(1);
    expect(green.valueAtRisk).toBeCloseTo((1200 * green.score) / 100);
    expect(green.owner).toBe('ana@example.com');
  });

  // A one-customer book is too small for the cadence model: the rule signals alone share the points.
  it('lists a regular customer from about 2x their usual gap with no other sign, keeps them steady on time', () => {
    const weeklyUntil = (last: string): BookRows => ({
      customers: [{ id: 'w', monthlyValue: 500 }],
      orders: everyNDays('w', '2023-06-01', last, 7, 100),
    });
    const fourTimes = scoreBook(bookFromRows(weeklyUntil('2024-05-06')), defaultRules(), dayOf(asOf)); // 28 days
    expect(byId(fourTimes, 'w').band).toBe('at_risk');
    const twice = scoreBook(bookFromRows(weeklyUntil('2024-05-20')), defaultRules(), dayOf(asOf)); // 14 days
    expect(byId(twice, 'w').band).toBe('at_risk');
    expect(twice.model.status).toBe('unavailable');
    const slightlyLate = scoreBook(bookFromRows(weeklyUntil('2024-05-25')), defaultRules(), dayOf(asOf)); // 9 days
    expect(byId(slightlyLate, 'w').band).toBe('watch');
    const onTime = scoreBook(bookFromRows(weeklyUntil('2024-05-31')), defaultRules(), dayOf(asOf));
    expect(byId(onTime, 'w').band).toBe('steady');
  });

  it('keeps a customer ordering on cadence steady and off the list', () => {
    const steady = byId(scored, 'steady');
    expect(steady.band).toBe('steady');
    expect(steady.gate).toEqual({ surfaced: false, gate: 'not_at_risk' });
    expect(steady.surfaced).toBe(false);
    expect(steady.rank).toBeNull();
    // Nobody reads why a customer is fine: no reasons or contributions are kept for them.
    expect(steady.reasons).toEqual([]);
    expect(steady.contributions).toBeNull();
    expect(steady.daysSinceLastOrder).toBeGreaterThanOrEqual(0);
  });

  it('puts a customer of no kind on watch from bands.watch alone (bands.atRisk left at its default)', () => {
    // One order 24 days ago, scored on newness alone: too new to be late, about 56 points.
    const none = { noOrderLikely: 0, overdue: 0, lowFrequency: 0, recencyShare: 0, frequencyDrop: 0 };
    const newness = { ...none, valueDrop: 0, sourTickets: 0, openTickets: 0, newCustomer: 1 };
    const book = bookFromRows({
      customers: [{ id: 'n', monthlyValue: 500 }],
      orders: [{ customerId: 'n', date: '2024-05-10', amount: 100 }],
    });
    const scoredWith = (bands: { watch: number }) =>
      byId(scoreBook(book, parseRules({ weights: newness, bands }), dayOf(asOf)), 'n');
    const below = scoredWith({ watch: 50 });
    expect(below).toMatchObject({ notListed: 'too_new', band: 'watch' });
    expect(below.score).toBeGreaterThan(50);
    expect(below.score).toBeLessThan(60);
    expect(scoredWith({ watch: 60 }).band).toBe('steady');
  });

  it('states no due date from one gap: two order days 2 days apart are no rhythm to be due by', () => {
    // "Was due" 2 days after two orders placed 2 days apart, eight months ago, is a date made up
    // from a single gap; the reasons already say such a customer's two orders as they are.
    const book = bookFromRows({
      customers: [{ id: 'two', monthlyValue: 500 }, { id: 'three', monthlyValue: 500 }, ...rows.customers],
      orders: [
        { customerId: 'two', date: '2023-10-02', amount: 100 },
        { customerId: 'two', date: '2023-10-04', amount: 100 },
        ...['2024-03-01', '2024-03-11', '2024-03-21'].map((date) => ({
          customerId: 'three',
          date,
          amount: 100,
        })),
        ...(rows.orders ?? []),
      ],
    });
    const scoredTwo = scoreBook(book, defaultRules(), dayOf(asOf));
    expect(byId(scoredTwo, 'two').expectedNextOrderDay).toBeNull();
    expect(byId(scoredTwo, 'three').expectedNextOrderDay).toBe(dayOf('2024-03-31'));
  });

  it('scores a customer with no orders 0 and says so', () => {
    const none = byId(scored, 'none');
    expect(none.score).toBe(0);
    expect(none.reasons).toEqual(['No orders yet']);
    expect(none.daysSinceLastOrder).toBeNull();
  });

  it('derives the monthly value when the feed has none', () => {
    const fresh = byId(scored, 'new');
    expect(fresh.monthlyValueIsDerived).toBe(true);
    expect(fresh.monthlyValue).toBeCloseTo(150);
  });

  it('has no VIP by rank in a book too small for a top decile', () => {
    expect(scored.vipThreshold).toBe(Number.POSITIVE_INFINITY);
    expect(byId(scored, 'green').play.kind).toBe('standard');
  });

  it('ranks VIPs among the customers a list can hold, not among those long gone', () => {
    // Ten customers ordering weekly up to three days ago, the biggest at 300 an order, and twenty who
    // spent more but stopped two years ago: those keep their value (what winning them back would
    // restore) but are on no list, and counted in the top decile they took the VIP play from the
    // biggest customer a rep can call.
    const current = Array.from({ length: 10 }, (_, k) =>
      everyNDays(`c${k}`, '2023-06-01', '2024-05-31', 7, k === 0 ? 300 : 100),
    );
    const gone = Array.from({ length: 20 }, (_, k) =>
      everyNDays(`g${k}`, '2021-06-01', '2022-06-01', 7, 500 + k),
    );
    const book = bookFromRows({
      customers: [
        ...current.map((_, k) => ({ id: `c${k}`, owner: 'ana@example.com' })),
        ...gone.map((_, k) => ({ id: `g${k}`, owner: 'ana@example.com' })),
      ],
      orders: [...current.flat(), ...gone.flat()],
    });
    const scoredBook = scoreBook(book, defaultRules(), dayOf(asOf));
    expect(byId(scoredBook, 'c0').play.kind).toBe('vip');
    expect(byId(scoredBook, 'c1').play.kind).toBe('standard');
  });

  it('suggests the VIP play from the configured threshold', () => {
    const vip = scoreBook(bookFromRows(rows), parseRules({ vip: { minMonthlyValue: 1000 } }), dayOf(asOf));
    expect(vip.vipThreshold).toBe(1000);
    expect(byId(vip, 'green').play).toEqual({
      kind: 'vip',
      text: 'Personal call + a perk that is not a discount',
    });
    expect(byId(vip, 'steady').play).toEqual({ kind: 'standard', text: 'Time-limited offer' });
  });

  it('lists only reps with someone on the list', () => {
    expect(scored.reps.map((r) => r.owner)).toEqual(['ana@example.com']);
    expect(scored.reps[0].customers.map((c) => c.customerId)).toEqual(['green']);
    expect(scored.asOf).toBe(asOf);
  });

  it('gives the same scores when orders and tickets after the as-of day are added', () => {
    const later: BookRows = {
      ...rows,
      orders: [...(rows.orders ?? []), { customerId: 'green', date: '2024-06-04', amount: 5000 }],
      tickets: [
        ...(rows.tickets ?? []),
        { customerId: 'steady', date: '2024-06-10', sentiment: 'negative', open: true },
      ],
    };
    const replayed = scoreBook(bookFromRows(later), defaultRules(), dayOf(asOf));
    expect(replayed.customers).toEqual(scored.customers);
  });

  it('runs the gates against the remembered states', () => {
    const states = new Map<string, CustomerState>([
      [
        'green',
        {
          ...initialState({
            customerId: 'green',
            name: 'Greenfield Cafe',
            owner: 'ana@example.com',
            monthlyValue: 1200,
          }),
          lastContact: '2024-05-30',
        },
      ],
    ]);
    const paused = scoreBook(bookFromRows(rows), defaultRules(), dayOf(asOf), states);
    expect(byId(paused, 'green').gate).toEqual({ surfaced: false, gate: 'paused' });
    expect(byId(paused, 'green').band).toBe('at_risk'); // the score is not touched
    expect(paused.reps).toEqual([]);
  });

  it('caps each rep list and ranks by value at risk', () => {
    const many: BookRows = {
      customers: Array.from({ length: 5 }, (_, k) => ({
        id: `c${k}`,
        owner: 'ana@example.com',
        monthlyValue: 100 * (k + 1),
      })),
      orders: Array.from({ length: 5 }, (_, k) => ({ customerId: `c${k}`, date: '2024-01-01', amount: 10 })),
    };
    const capped = scoreBook(bookFromRows(many), parseRules({ capPerRep: 2 }), dayOf(asOf));
    expect(capped.reps[0].customers.map((c) => c.customerId)).toEqual(['c4', 'c3']);
    expect(capped.reps[0].moreCount).toBe(3);
    const third = byId(capped, 'c2');
    expect(third.rank).toBe(3);
    expect(third.surfaced).toBe(false);
    expect(third.gate).toEqual({ surfaced: true });
  });

  it('handles an empty book and a date before any order', () => {
    const empty = scoreBook(bookFromRows({ customers: [] }), defaultRules(), dayOf(asOf));
    expect(empty.customers).toEqual([]);
    expect(empty.reps).toEqual([]);
    const early = scoreBook(bookFromRows(rows), defaultRules(), dayOf('2020-01-01'));
    expect(early.customers.every((c) => c.score === 0 && c.band === 'steady' && !c.surfaced)).toBe(true);
    expect(early.populationCadenceDays).toBe(defaultRules().windows.fallbackCadenceDays);
  });
});

describe('scoreBook without reasons (the replay of last week)', () => {
  it('ranks, lists and states the chances exactly as with them, and writes no reasons', () => {
    const book = wholesaleBook({ seed: 2, customers: 1200 }).book;
    const day = dayOf(WHOLESALE_AS_OF) - 7;
    const full = scoreBook(book, defaultRules(), day);
    const lean = scoreBook(book, defaultRules(), day, new Map(), { reasons: false });
    expect(full.choice.use).toBe('model');
    expect(full.customers.some((c) => c.rank !== null && c.reasons.length > 0)).toBe(true);
    expect(lean.customers.every((c) => c.reasons.length === 0 && c.modelContributions === null)).toBe(true);
    const lists = (s: ScoredBook) => s.customers.map((c) => [c.listChance, c.rank, c.surfaced, c.segment]);
    expect(lists(lean)).toEqual(lists(full));
    expect(lean.reps).toEqual(
      full.reps.map((r) => ({
        ...r,
        customers: r.customers.map((c) => ({ ...c, reasons: [], modelContributions: null })),
      })),
    );
  });
});
