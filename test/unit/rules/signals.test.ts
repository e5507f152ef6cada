import { describe, expect, it } from 'vitest';
import { emptyFeatures, type FeatureContext, type Features } from '../../../rules/features';
import { defaultRules } from '../../../rules/rulesSchema';
import { computeSignals, dropFraction, orderRate } from '../../../rules/signals';

const ctx: FeatureContext = {
  asOfDay: 20_000,
  windows: defaultRules().windows, // trendDays 90
  populationCadenceDays: 30,
  secondOrderDays: 30,
  gaps: new Float64Array(8),
};

/** A customer with some orders; override what the test is about. */
function features(over: Partial<Features>): Features {
  return {
    ...emptyFeatures(),
    orderCount: 10,
    orderDays: 10,
    daysSinceLastOrder: 5,
    tenureDays: 300,
    cadenceDays: 10,
    cadenceIsOwn: true,
    overdueRatio: 0.5,
    ...over,
  };
}

describe('computeSignals', () => {
  it('gives every signal 0 to a customer with no orders', () => {
    const s = computeSignals(emptyFeatures(), ctx);
    expect(Object.values(s).every((v) => v === 0)).toBe(true);
  });

  it('overdue is 0 until a whole cadence has passed, then 1 - 1/ratio^2', () => {
    const regular = (overdueRatio: number) => features({ overdueRatio, orderDays: 20 });
    expect(computeSignals(regular(0.9), ctx).overdue).toBe(0);
    expect(computeSignals(regular(1), ctx).overdue).toBe(0);
    expect(computeSignals(regular(2), ctx).overdue).toBeCloseTo(0.75);
    expect(computeSignals(regular(4), ctx).overdue).toBeCloseTo(15 / 16);
  });

  it('overdue needs a habit: orders on windows.habitOrders different days', () => {
    expect(ctx.windows.habitOrders).toBe(20);
    expect(computeSignals(features({ overdueRatio: 4, orderDays: 19 }), ctx).overdue).toBe(0);
    expect(computeSignals(features({ overdueRatio: 4, orderDays: 20 }), ctx).overdue).toBeCloseTo(15 / 16);
    const looser = { ...ctx, windows: { ...ctx.windows, habitOrders: 5 } };
    expect(computeSignals(features({ overdueRatio: 4, orderDays: 5 }), looser).overdue).toBeCloseTo(15 / 16);
  });

  it('recencyShare is the share of the history since the first order spent silent', () => {
    expect(computeSignals(features({ daysSinceLastOrder: 0 }), ctx).recencyShare).toBe(0);
    expect(computeSignals(features({ daysSinceLastOrder: 30, tenureDays: 59 }), ctx).recencyShare).toBe(0.5);
    // One order 99 days ago: silent for all of it but the day it came.
    const once = features({ orderDays: 1, orderCount: 1, daysSinceLastOrder: 99, tenureDays: 99 });
    expect(computeSignals(once, ctx).recencyShare).toBeCloseTo(0.99);
  });

  it('lowFrequency is the chance of no order in a trend window at the shrunk rate', () => {
    // 10 visits over 300 + 30 days: rate 1/33 a day; over 90 days exp(-90/33).
    expect(orderRate(features({}), 30)).toBeCloseTo(10 / 330);
    expect(computeSignals(features({}), ctx).lowFrequency).toBeCloseTo(Math.exp(-90 / 33));
    const oneOrder = computeSignals(features({ orderDays: 1, orderCount: 1, tenureDays: 150 }), ctx);
    expect(oneOrder.lowFrequency).toBeCloseTo(Math.exp(-90 / 180));
  });

  it('newCustomer halves after one typical gap of the book', () => {
    expect(computeSignals(features({ tenureDays: 0 }), ctx).newCustomer).toBe(1);
    expect(computeSignals(features({ tenureDays: 30 }), ctx).newCustomer).toBeCloseTo(0.5);
    expect(computeSignals(features({ tenureDays: 270 }), ctx).newCustomer).toBeCloseTo(0.1);
  });

  it('recency grows with days since the last order, against the book cadence', () => {
    expect(computeSignals(features({ daysSinceLastOrder: 0 }), ctx).recency).toBe(0);
    expect(computeSignals(features({ daysSinceLastOrder: 30 }), ctx).recency).toBeCloseTo(0.5);
    expect(computeSignals(features({ daysSinceLastOrder: 90 }), ctx).recency).toBeCloseTo(0.75);
  });

  it('frequencyDrop and valueDrop measure the fall against the prior window', () => {
    const s = computeSignals(
      features({ recentOrderDays: 2, priorOrderDays: 4, recentValue: 60, priorValue: 100 }),
      ctx,
    );
    expect(s.frequencyDrop).toBeCloseTo(0.5);
    expect(s.valueDrop).toBeCloseTo(0.4);
  });

  it('trends need two visits in the prior window, and a rise is no risk', () => {
    const thin = computeSignals(features({ recentOrderDays: 0, priorOrderDays: 1, priorValue: 100 }), ctx);
    expect(thin.frequencyDrop).toBe(0);
    expect(thin.valueDrop).toBe(0);
    const rising = computeSignals(
      features({ recentOrderDays: 6, priorOrderDays: 3, recentValue: 900, priorValue: 300 }),
      ctx,
    );
    expect(rising.frequencyDrop).toBe(0);
    expect(rising.valueDrop).toBe(0);
  });

  it('tickets: each further ticket adds half of what is left', () => {
    expect(computeSignals(features({ sourTickets: 0 }), ctx).sourTickets).toBe(0);
    expect(computeSignals(features({ sourTickets: 1 }), ctx).sourTickets).toBe(0.5);
    expect(computeSignals(features({ sourTickets: 2, openTickets: 1 }), ctx).sourTickets).toBe(0.75);
    expect(computeSignals(features({ openTickets: 1 }), ctx).openTickets).toBe(0.5);
  });

  it('keeps every signal in [0, 1]', () => {
    const extreme = computeSignals(
      features({
        overdueRatio: 1e9,
        daysSinceLastOrder: 1e9,
        sourTickets: 99,
        openTickets: 99,
        priorOrderDays: 9,
        priorValue: 1,
      }),
      ctx,
    );
    for (const v of Object.values(extreme)) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  });
});

describe('dropFraction', () => {
  it('is the relative fall, clamped to [0, 1], and 0 without a prior', () => {
    expect(dropFraction(3, 4)).toBeCloseTo(0.25);
    expect(dropFraction(5, 4)).toBe(0);
    expect(dropFraction(-1, 4)).toBe(1);
    expect(dropFraction(3, 0)).toBe(0);
  });
});
