import { describe, expect, it } from 'vitest';
import { emptyFeatures, type Features } from '../../../rules/features';
import { reasonsFor, reasonText, span } from '../../../rules/reasons';
import { defaultRules, parseRules } from '../../../rules/rulesSchema';
import type { Contributions } from '../../../rules/score';
import { noSignals } from '../../../rules/signals';

const windows = defaultRules().windows; // trend 90, tickets 30

const zero: Contributions = noSignals();

const greenfield: Features = {
  ...emptyFeatures(),
  orderCount: 40,
  orderDays: 40,
  daysSinceLastOrder: 34,
  tenureDays: 400,
  cadenceDays: 9,
  cadenceIsOwn: true,
  overdueRatio: 34 / 9,
  recentOrderDays: 3,
  priorOrderDays: 6,
  recentValue: 600,
  priorValue: 1000,
  sourTickets: 1,
  openTickets: 2,
};

describe('reasonText', () => {
  it('says how long since the last order against the usual gap', () => {
    expect(reasonText('overdue', greenfield, windows)).toBe('No order in 34 days, usually every 9');
    expect(reasonText('overdue', { ...greenfield, cadenceIsOwn: false }, windows)).toBe(
      'No order in 34 days',
    );
    expect(reasonText('overdue', { ...greenfield, orderDays: 1, orderCount: 1 }, windows)).toBe(
      'Ordered once, 34 days ago',
    );
    // Not yet past their usual gap: "usually every 9" would read as "nothing to worry about".
    expect(reasonText('overdue', { ...greenfield, daysSinceLastOrder: 1, cadenceDays: 8.5 }, windows)).toBe(
      'No order in 1 day',
    );
  });

  it('spells out trends with their numbers', () => {
    expect(reasonText('valueDrop', greenfield, windows)).toBe(
      'Spent 40% less in the last quarter than in the quarter before',
    );
    expect(reasonText('frequencyDrop', greenfield, windows)).toBe(
      'Ordering half as often as before: 3 orders in the last 90 days, 6 in the 90 before',
    );
    expect(reasonText('frequencyDrop', { ...greenfield, recentOrderDays: 0 }, windows)).toBe(
      'Stopped ordering: 0 orders in the last 90 days, 6 in the 90 before',
    );
    expect(reasonText('frequencyDrop', { ...greenfield, recentOrderDays: 5 }, windows)).toMatch(
      /^Ordering 17% less often: 5 orders/,
    );
    const monthly = parseRules({ windows: { trendDays: 30 } }).windows;
    expect(reasonText('valueDrop', greenfield, monthly)).toBe(
      'Spent 40% less in the last month than in the month before',
    );
    const odd = parseRules({ windows: { trendDays: 45 } }).windows;
    expect(reasonText('valueDrop', greenfield, odd)).toBe(
      'Spent 40% less in the last 45 days than in the 45 days before',
    );
  });

  it('counts order days as such for a customer who ordered more than once on a day', () => {
    const twiceADay = { ...greenfield, orderCount: 80 };
    expect(reasonText('frequencyDrop', twiceADay, windows)).toBe(
      'Ordering half as often as before: 3 order days in the last 90 days, 6 in the 90 before',
    );
    expect(reasonText('lowFrequency', { ...twiceADay, orderDays: 2, cadenceIsOwn: false }, windows)).toBe(
      'Only 2 order days in 13 months',
    );
    expect(reasonText('valueDrop', { ...twiceADay, recentValue: 0, recentOrderDays: 0 }, windows)).toBe(
      'No order in the last quarter; 6 order days in the quarter before',
    );
  });

  it('no order in the recent window is said so with the orders before; orders worth 0 are still orders', () => {
    expect(reasonText('valueDrop', { ...greenfield, recentValue: 0, recentOrderDays: 0 }, windows)).toBe(
      'No order in the last quarter; 6 orders in the quarter before',
    );
    expect(reasonText('valueDrop', { ...greenfield, recentValue: 0, recentOrderDays: 2 }, windows)).toBe(
      'Spent 100% less in the last quarter than in the quarter before',
    );
    // Orders of 10 after one of 9,999,999: down, but not to nothing.
    expect(
      reasonText(
        'valueDrop',
        { ...greenfield, recentValue: 20, recentOrderDays: 2, priorValue: 9_999_999 },
        windows,
      ),
    ).toBe('Spent 99% less in the last quarter than in the quarter before');
  });

  it('counts tickets with singular and plural', () => {
    expect(reasonText('sourTickets', greenfield, windows)).toBe('1 sour ticket in the last 30 days');
    expect(reasonText('openTickets', greenfield, windows)).toBe('2 open tickets from the last 30 days');
  });

  it('describes thin and new histories', () => {
    expect(
      reasonText(
        'lowFrequency',
        { ...greenfield, orderCount: 2, orderDays: 2, tenureDays: 240, cadenceIsOwn: false },
        windows,
      ),
    ).toBe('Only 2 orders in 8 months');
    expect(reasonText('newCustomer', { ...greenfield, tenureDays: 12 }, windows)).toBe(
      'Customer for only 12 days',
    );
    expect(reasonText('newCustomer', { ...greenfield, tenureDays: 150 }, windows)).toBe(
      'Customer for only 5 months',
    );
    expect(reasonText('newCustomer', { ...greenfield, tenureDays: 0 }, windows)).toBe(
      'New customer: first order today',
    );
  });
});

describe('span', () => {
  it('uses days, then months, then years', () => {
    expect(span(0)).toBe('1 day');
    expect(span(45)).toBe('45 days');
    expect(span(91)).toBe('3 months');
    expect(span(700)).toBe('23 months');
    expect(span(800)).toBe('2 years');
  });

  it('changes unit at 60 days and at 24 months', () => {
    expect(span(59)).toBe('59 days');
    expect(span(60)).toBe('2 months');
    expect(span(715)).toBe('23 months');
    expect(span(731)).toBe('2 years');
  });
});

describe('reasonsFor', () => {
  it('orders reasons by points and leaves out the small ones', () => {
    const reasons = reasonsFor(
      greenfield,
      { ...zero, overdue: 40, sourTickets: 5, valueDrop: 8, openTickets: 1 },
      windows,
    );
    expect(reasons).toEqual([
      'No order in 34 days, usually every 9',
      'Spent 40% less in the last quarter than in the quarter before',
      '1 sour ticket in the last 30 days',
    ]);
  });

  it('with no signal big enough, says the largest small one and the silence: a listed name is never bare', () => {
    // Many small signals can still put a customer on the list.
    const small = { ...zero, valueDrop: 1.3, recencyShare: 1.2, lowFrequency: 0.4 };
    expect(reasonsFor(greenfield, small, windows)).toEqual([
      'Spent 40% less in the last quarter than in the quarter before',
      'No order in 34 days, usually every 9',
    ]);
    expect(reasonsFor(greenfield, { ...zero, recencyShare: 1.2 }, windows)).toEqual([
      'No order in 34 days, usually every 9',
    ]);
    expect(reasonsFor(greenfield, zero, windows)).toEqual(['No order in 34 days, usually every 9']);
  });

  it('with the customer’s own pace on the row, the model gives its chance, not a second pace', () => {
    const model = {
      figures: {
        noOrderProbability: 0.82,
        expectedOrdersByNow: 9.6,
        silenceProbability: 0,
        aliveProbability: 0.2,
      },
      horizonDays: 30,
    };
    const both = { ...zero, overdue: 30, noOrderLikely: 20 };
    expect(reasonsFor(greenfield, both, windows, model)).toEqual([
      'No order in 34 days, usually every 9',
      '82% chance of no order in the next 30 days',
    ]);
    // Without the silence sentence on the row, the model's count of missed orders stays.
    expect(reasonsFor(greenfield, { ...zero, noOrderLikely: 20 }, windows, model)).toEqual([
      'Expected 9.6 orders by now at their average pace so far; placed 0',
    ]);
  });

  it('gives no "usual pace" to a customer with one gap between orders: their chance instead', () => {
    // Two orders 19 days apart, then 553 days of silence: one gap is no rhythm ("No order in 553 days",
    // with no "usually every"; not back yet against the book's time to a second order).
    const twice = {
      ...greenfield,
      orderCount: 2,
      orderDays: 2,
      daysSinceLastOrder: 553,
      tenureDays: 572,
      cadenceDays: 30,
      cadenceIsOwn: false,
    };
    const model = {
      figures: {
        noOrderProbability: 0.96,
        expectedOrdersByNow: 19,
        silenceProbability: 0,
        aliveProbability: 0.04,
      },
      horizonDays: 90,
    };
    const reasons = reasonsFor(twice, { ...zero, noOrderLikely: 20 }, windows, model);
    expect(reasons).toEqual(['96% chance of no order in the next 90 days']);
    const unlikely = { ...model, figures: { ...model.figures, noOrderProbability: 0.26 } };
    expect(reasonsFor(twice, { ...zero, noOrderLikely: 20 }, windows, unlikely)).toEqual([
      'No order in 553 days',
    ]);
  });

  it('states the chance of no order from even odds up, not below', () => {
    const at = (noOrderProbability: number) => ({
      figures: { noOrderProbability, expectedOrdersByNow: 9.6, silenceProbability: 0, aliveProbability: 0.2 },
      horizonDays: 30,
    });
    const both = { ...zero, overdue: 30, noOrderLikely: 20 };
    expect(reasonsFor(greenfield, both, windows, at(0.5))).toEqual([
      'No order in 34 days, usually every 9',
      '50% chance of no order in the next 30 days',
    ]);
    expect(reasonsFor(greenfield, both, windows, at(0.49))).toEqual(['No order in 34 days, usually every 9']);
  });

  it('merges overdue and recency into one sentence with their summed points', () => {
    const reasons = reasonsFor(greenfield, { ...zero, overdue: 2, recency: 2, valueDrop: 3.5 }, windows);
    expect(reasons).toEqual([
      'No order in 34 days, usually every 9',
      'Spent 40% less in the last quarter than in the quarter before',
    ]);
  });

  it('says "ordered once" for a one-order customer instead of three overlapping reasons', () => {
    const once = { ...greenfield, orderCount: 1, orderDays: 1, tenureDays: 90, daysSinceLastOrder: 90 };
    const reasons = reasonsFor(
      once,
      { ...zero, overdue: 30, lowFrequency: 15, newCustomer: 5, recency: 4 },
      windows,
    );
    expect(reasons).toEqual(['Ordered once, 90 days ago']);
  });

  it('says a quarter with no order once, not as a frequency drop and again as a value drop', () => {
    // CDNOW as of 1997-09-29, customer 1909: both sentences stood on one row.
    const stopped = { ...greenfield, recentOrderDays: 0, recentValue: 0 };
    const reasons = reasonsFor(stopped, { ...zero, overdue: 30, frequencyDrop: 6, valueDrop: 5 }, windows);
    expect(reasons).toEqual([
      'No order in 34 days, usually every 9',
      'Stopped ordering: 0 orders in the last 90 days, 6 in the 90 before',
    ]);
    // The value drop alone still says it, in the frequency drop's words.
    expect(reasonsFor(stopped, { ...zero, overdue: 30, valueDrop: 5 }, windows)).toEqual([
      'No order in 34 days, usually every 9',
      'Stopped ordering: 0 orders in the last 90 days, 6 in the 90 before',
    ]);
  });

  it("never tells an at-risk customer's rep that the silence is within their usual gap", () => {
    // Recency is measured against the book's gap; a rules file (or tune) may weigh it heavily.
    const slowRegular = { ...greenfield, daysSinceLastOrder: 60, cadenceDays: 100, overdueRatio: 0.6 };
    const reasons = reasonsFor(slowRegular, { ...zero, recency: 25 }, windows);
    expect(reasons).toEqual(['No order in 60 days']);
    const atTheGap = { ...greenfield, daysSinceLastOrder: 9, cadenceDays: 8.6, overdueRatio: 9 / 8.6 };
    expect(reasonsFor(atTheGap, { ...zero, recency: 25 }, windows)).toEqual(['No order in 9 days']);
  });

  it('gives a customer with no orders a reason of its own', () => {
    expect(reasonsFor(emptyFeatures(), zero, windows)).toEqual(['No orders yet']);
  });
});
