import { describe, expect, it } from 'vitest';
import { dayOf, isoOfDay } from '../../../rules/book';
import {
  computeFeatures,
  emptyFeatures,
  type Features,
  featureContext,
  ordersEnd,
} from '../../../rules/features';
import { defaultRules, parseRules, type Rules } from '../../../rules/rulesSchema';
import { type BookRows, bookFromRows } from '../../helpers/bookFromRows';

/** Features of customer `id` in the book as of `asOf`. */
function featuresOf(rows: BookRows, asOf: string, id = 'a', rules: Rules = defaultRules()): Features {
  const book = bookFromRows(rows);
  const ctx = featureContext(book, rules, dayOf(asOf));
  const i = book.customers.findIndex((c) => c.id === id);
  return computeFeatures(book, i, ctx, emptyFeatures());
}

/** Orders of customer `id` on each date, `amount` each. */
const ordersOn = (id: string, dates: string[], amount = 100) =>
  dates.map((date) => ({ customerId: id, date, amount }));

// A customer ordering every 7 days from 2024-01-01 to 2024-03-04 (10 orders).
const weekly = ordersOn(
  'a',
  Array.from({ length: 10 }, (_, k) => new Date(Date.UTC(2024, 0, 1 + 7 * k)).toISOString().slice(0, 10)),
);

describe('computeFeatures', () => {
  it('counts days since the last order and tenure from the first', () => {
    const f = featuresOf({ customers: [{ id: 'a' }], orders: weekly }, '2024-04-07');
    expect(f.orderCount).toBe(10);
    expect(f.daysSinceLastOrder).toBe(34); // 2024-03-04 -> 2024-04-07
    expect(f.tenureDays).toBe(dayOf('2024-04-07') - dayOf('2024-01-01'));
  });

  it('takes the own cadence as the median gap of recent orders', () => {
    const f = featuresOf({ customers: [{ id: 'a' }], orders: weekly }, '2024-04-07');
    expect(f.cadenceIsOwn).toBe(true);
    expect(f.cadenceDays).toBe(7);
    expect(f.overdueRatio).toBeCloseTo(34 / 7);
  });

  it('uses only the last cadenceOrders gaps, so an old habit does not mask a new one', () => {
    // Monthly for a year, then every 3 days: with 4 gaps the cadence is the recent one.
    const monthly = ordersOn('a', ['2023-01-01', '2023-02-01', '2023-03-01', '2023-04-01', '2023-05-01']);
    const recent = ordersOn('a', ['2023-05-04', '2023-05-07', '2023-05-10', '2023-05-13']);
    const rules = parseRules({ windows: { cadenceOrders: 4 } });
    const f = featuresOf(
      { customers: [{ id: 'a' }], orders: [...monthly, ...recent] },
      '2023-05-20',
      'a',
      rules,
    );
    expect(f.cadenceDays).toBe(3);
  });

  it('treats same-day orders as one visit', () => {
    const orders = ordersOn('a', ['2024-01-01', '2024-01-01', '2024-01-11', '2024-01-11', '2024-01-21']);
    const f = featuresOf({ customers: [{ id: 'a' }], orders }, '2024-01-25');
    expect(f.orderCount).toBe(5);
    expect(f.orderDays).toBe(3);
    expect(f.cadenceDays).toBe(10);
  });

  it('falls back to the book median cadence for a customer with one or two orders', () => {
    const rows: BookRows = {
      customers: [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }],
      orders: [
        ...ordersOn('a', ['2024-01-01', '2024-01-05']), // one gap: not enough
        ...ordersOn('b', ['2024-01-01', '2024-01-11', '2024-01-21']), // cadence 10
        ...ordersOn('c', ['2024-01-01', '2024-01-21', '2024-02-10']), // cadence 20
        ...ordersOn('d', ['2024-01-01', '2024-01-31', '2024-03-01']), // cadence 30 (30, 30)
      ],
    };
    const f = featuresOf(rows, '2024-03-10');
    expect(f.cadenceIsOwn).toBe(false);
    expect(f.cadenceDays).toBe(20);
    expect(f.overdueRatio).toBeCloseTo((dayOf('2024-03-10') - dayOf('2024-01-05')) / 20);
  });

  it('falls back to windows.fallbackCadenceDays when nobody has a measurable cadence', () => {
    const rules = parseRules({ windows: { fallbackCadenceDays: 45 } });
    const f = featuresOf(
      { customers: [{ id: 'a' }], orders: ordersOn('a', ['2024-01-01']) },
      '2024-02-01',
      'a',
      rules,
    );
    expect(f.cadenceDays).toBe(45);
  });

  it('counts orders and value in the recent trend window against the prior one', () => {
    const rules = parseRules({ windows: { trendDays: 30 } });
    const orders = [
      ...ordersOn('a', ['2024-01-05', '2024-01-15', '2024-01-25', '2024-01-30'], 50), // prior: 4 x 50
      { customerId: 'a', date: '2024-02-10', amount: 60 }, // recent: 1 x 60
      { customerId: 'a', date: '2023-12-01', amount: 999 }, // before both windows
      { customerId: 'a', date: '2024-01-31', amount: 7 }, // the prior window's last day
      { customerId: 'a', date: '2024-01-01', amount: 3 }, // the day before the prior window opens
    ];
    const f = featuresOf({ customers: [{ id: 'a' }], orders }, '2024-03-01', 'a', rules);
    // Recent window (2024-01-31, 2024-03-01], prior (2024-01-01, 2024-01-31].
    expect(f.recentOrderDays).toBe(1);
    expect(f.priorOrderDays).toBe(5);
    expect(f.recentValue).toBe(60);
    expect(f.priorValue).toBe(207);
  });

  it('counts sour and open tickets inside the ticket window only', () => {
    const tickets = [
      { customerId: 'a', date: '2024-03-20', sentiment: 'negative' as const, open: true },
      { customerId: 'a', date: '2024-03-25', sentiment: 'negative' as const },
      { customerId: 'a', date: '2024-03-26', sentiment: 'positive' as const, open: true },
      { customerId: 'a', date: '2024-01-10', sentiment: 'negative' as const, open: true }, // too old
      { customerId: 'a', date: '2024-04-10', sentiment: 'negative' as const, open: true }, // after as-of
      // The window is the 30 days up to and including the as-of day: 8 Mar is the day before it.
      { customerId: 'a', date: '2024-03-08', sentiment: 'negative' as const, open: true },
      { customerId: 'a', date: '2024-04-07', sentiment: 'negative' as const },
    ];
    const f = featuresOf({ customers: [{ id: 'a' }], orders: weekly, tickets }, '2024-04-07');
    expect(f.sourTickets).toBe(3);
    expect(f.openTickets).toBe(2);
  });

  it('uses the feed monthly value when given', () => {
    const f = featuresOf({ customers: [{ id: 'a', monthlyValue: 1200 }], orders: weekly }, '2024-04-07');
    expect(f.monthlyValue).toBe(1200);
    expect(f.monthlyValueIsDerived).toBe(false);
  });

  it("derives the monthly value from spend over the customer's active months", () => {
    // 10 orders of 100, weekly from 2024-01-01 to 2024-03-04 (63 days) plus the last order's week.
    const f = featuresOf({ customers: [{ id: 'a' }], orders: weekly }, '2024-04-07');
    expect(f.monthlyValueIsDerived).toBe(true);
    expect(f.valueKind).toBe('monthly');
    expect(f.monthlyValue).toBeCloseTo((1000 / 70) * (365.25 / 12));
  });

  it('counts spend in the value window only: an order valueDays before the as-of day is out, the next day in', () => {
    // Four days after the weekly customer's last order: active, their window ends today.
    const asOf = '2024-03-08';
    const yearOfValue = parseRules({ windows: { valueDays: 365 } });
    const onDay = (days: number) => ({ customerId: 'a', date: isoOfDay(dayOf(asOf) - days), amount: 5000 });
    const monthlyValueWith = (extra: { customerId: string; date: string; amount: number }[]) =>
      featuresOf({ customers: [{ id: 'a' }], orders: [...weekly, ...extra] }, asOf, 'a', yearOfValue)
        .monthlyValue;
    expect(monthlyValueWith([onDay(365)])).toBeCloseTo(monthlyValueWith([]));
    expect(monthlyValueWith([onDay(364)])).toBeGreaterThan(monthlyValueWith([]) + 50);
  });

  it('values a burst of orders over at least a month, not over the few days it took', () => {
    // Three orders of 100 two days apart: 300 over a month, not 300 over 6 days (1,522 a month).
    const f = featuresOf(
      { customers: [{ id: 'a' }], orders: ordersOn('a', ['2024-04-01', '2024-04-03', '2024-04-05']) },
      '2024-04-07',
    );
    expect(f.cadenceDays).toBe(2);
    expect(f.monthlyValue).toBeCloseTo(300);
  });

  it("does not dilute a lapsed customer's value with the months they have been gone", () => {
    const soon = featuresOf({ customers: [{ id: 'a' }], orders: weekly }, '2024-03-10');
    const later = featuresOf({ customers: [{ id: 'a' }], orders: weekly }, '2024-09-10');
    expect(later.monthlyValue).toBeCloseTo(soon.monthlyValue);
  });

  it("keeps a lapsed regular's value as their orders leave the value window, the last one too", () => {
    // Weekly from 1 Jan to 4 Mar 2024: five orders of 300, then five of 100. A year on, the window
    // anchored at today held only the last order (100 over one gap, half their rate) and a week
    // later none: 0, and off every list, without their ordering any less.
    const orders = weekly.map((o, k) => ({ ...o, amount: k < 5 ? 300 : 100 }));
    const valueOn = (asOf: string) => featuresOf({ customers: [{ id: 'a' }], orders }, asOf).monthlyValue;
    const lastActive = valueOn('2024-03-11'); // one usual gap after the last order
    expect(lastActive).toBeCloseTo((2000 / 70) * (365.25 / 12)); // about 870 a month
    expect(valueOn('2024-09-10')).toBeCloseTo(lastActive);
    expect(valueOn('2025-02-25')).toBeCloseTo(lastActive); // a week before 4 Mar 2024 leaves the window
    expect(valueOn('2025-03-11')).toBeCloseTo(lastActive); // a week after
  });

  it('values a customer with an order in their last usual gap over the value window up to today', () => {
    // Weekly for two years, 500 an order in the first and 100 in the second: three days after the
    // last order, the year up to today holds the 100s only.
    const dates = Array.from({ length: 104 }, (_, k) => isoOfDay(dayOf('2023-01-02') + 7 * k));
    const orders = ordersOn('a', dates).map((o, k) => ({ ...o, amount: k < 52 ? 500 : 100 }));
    const last = dates[dates.length - 1];
    const f = featuresOf({ customers: [{ id: 'a' }], orders }, isoOfDay(dayOf(last) + 3));
    expect(f.cadenceDays).toBe(7);
    expect(f.monthlyValue).toBeCloseTo((5200 / 364) * (365.25 / 12)); // 52 orders: 51 gaps and one more
  });

  it('keeps the value of a customer whose usual gap is longer than the value window', () => {
    // A rules file of valueDays 90 and a quarterly-ish buyer: 600 every 100 days. Once silent past
    // 90 days, a window ending at the last order plus that gap (or at today) held none of their
    // orders: valued at 0, which the customer page and Won back's prefill showed.
    const quarter = parseRules({ windows: { valueDays: 90 } });
    const dates = Array.from({ length: 5 }, (_, k) => isoOfDay(dayOf('2024-01-01') + 100 * k));
    const orders = ordersOn('a', dates, 600);
    const last = dayOf(dates[dates.length - 1]);
    const valueOn = (silent: number) =>
      featuresOf({ customers: [{ id: 'a' }], orders }, isoOfDay(last + silent), 'a', quarter).monthlyValue;
    expect(valueOn(10)).toBeCloseTo((600 / 90) * (365.25 / 12)); // the last order over the window
    expect(valueOn(95)).toBeCloseTo(valueOn(10)); // within their gap, past the window
    expect(valueOn(400)).toBeCloseTo(valueOn(10)); // long gone
  });

  it('keeps a one-visit customer at what the visit came to once it is over a year old', () => {
    // Valued the same either side of the year; a rule, not a value of 0, keeps them off the lists.
    const orders = ordersOn('a', ['2024-01-01', '2024-01-02'], 400);
    expect(featuresOf({ customers: [{ id: 'a' }], orders }, '2024-12-30').monthlyValue).toBeCloseTo(800);
    const later = featuresOf({ customers: [{ id: 'a' }], orders }, '2025-02-01');
    expect(later.valueKind).toBe('second_order');
    expect(later.monthlyValue).toBeCloseTo(800);
  });

  it('values a one-order customer at a second order like the first, not per month', () => {
    const f = featuresOf(
      { customers: [{ id: 'a' }], orders: ordersOn('a', ['2024-04-07'], 300) },
      '2024-04-20',
    );
    expect(f.valueKind).toBe('second_order');
    expect(f.monthlyValue).toBeCloseTo(300);
  });

  it('values two orders on one day as one visit: a second order worth their total', () => {
    const f = featuresOf(
      { customers: [{ id: 'a' }], orders: ordersOn('a', ['2024-04-07', '2024-04-07'], 150) },
      '2024-04-20',
    );
    expect(f.orderCount).toBe(2);
    expect(f.valueKind).toBe('second_order');
    expect(f.monthlyValue).toBeCloseTo(300);
  });

  it('values a burst of orders over two days as one visit: another order worth the burst, not per month', () => {
    // Online Retail's 17850 spent £5,391 on 1-2 Dec 2010 and nothing since: not £3,816 a month.
    const f = featuresOf(
      { customers: [{ id: 'a' }], orders: ordersOn('a', ['2024-04-07', '2024-04-07', '2024-04-08'], 100) },
      '2024-06-20',
    );
    expect(f.orderDays).toBe(2);
    expect(f.valueKind).toBe('second_order');
    expect(f.monthlyValue).toBeCloseTo(300);
  });

  it("values a visit whose first day fell just out of the value window at all it came to, not its last day's orders", () => {
    // £5,000 on 1 Jan 2024 and a £50 top-up the next day; as of 31 Dec 2024 the 365-day window
    // starts after 1 Jan. The next visit is worth what this one came to, £5,050, not £50.
    const f = featuresOf(
      {
        customers: [{ id: 'a' }],
        orders: [
          { customerId: 'a', date: '2024-01-01', amount: 5000 },
          { customerId: 'a', date: '2024-01-02', amount: 50 },
        ],
      },
      '2024-12-31',
    );
    expect(f.valueKind).toBe('second_order');
    expect(f.monthlyValue).toBeCloseTo(5050);
  });

  it('keeps a monthly value for a customer with two order days weeks apart', () => {
    const f = featuresOf(
      { customers: [{ id: 'a' }], orders: ordersOn('a', ['2024-04-07', '2024-05-05'], 100) },
      '2024-06-20',
    );
    expect(f.valueKind).toBe('monthly');
    // £200 over the 28 days between them and one usual gap (this book has none of its own: 30 days).
    expect(f.monthlyValue).toBeCloseTo(105, 0);
  });

  it('ignores orders and tickets after the as-of day (replay)', () => {
    const later = [
      ...ordersOn('a', ['2024-04-10', '2024-04-11', '2024-05-01'], 5000),
      { customerId: 'a', date: '2024-04-09', amount: 1 },
    ];
    const laterTickets = [
      { customerId: 'a', date: '2024-04-08', sentiment: 'negative' as const, open: true },
    ];
    const before = featuresOf({ customers: [{ id: 'a' }], orders: weekly }, '2024-04-07');
    const replayed = featuresOf(
      { customers: [{ id: 'a' }], orders: [...weekly, ...later], tickets: laterTickets },
      '2024-04-07',
    );
    expect(replayed).toEqual(before);
  });

  it('reports no orders for a customer who has none yet', () => {
    const f = featuresOf(
      { customers: [{ id: 'a' }, { id: 'b' }], orders: ordersOn('b', ['2024-01-01']) },
      '2024-02-01',
    );
    expect(f.orderCount).toBe(0);
    expect(f.monthlyValue).toBe(0);
  });
});

describe('ordersEnd', () => {
  it('finds the end of the orders on or before a day by binary search', () => {
    const book = bookFromRows({ customers: [{ id: 'a' }], orders: weekly });
    expect(ordersEnd(book, 0, dayOf('2023-12-31'))).toBe(0);
    expect(ordersEnd(book, 0, dayOf('2024-01-01'))).toBe(1);
    expect(ordersEnd(book, 0, dayOf('2024-01-14'))).toBe(2);
    expect(ordersEnd(book, 0, dayOf('2024-01-15'))).toBe(3);
    expect(ordersEnd(book, 0, dayOf('2030-01-01'))).toBe(10);
  });
});
