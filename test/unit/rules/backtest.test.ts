import { describe, expect, it } from 'vitest';
import { backtest } from '../../../rules/backtest';
import { dayOf } from '../../../rules/book';
import { defaultRules } from '../../../rules/rulesSchema';
import { bookFromRows } from '../../helpers/bookFromRows';

// As of 2024-03-31, horizon 30 days: who orders in (03-31, 04-30]?
const book = bookFromRows({
  customers: ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, owner: id < 'c' ? 'x@e.com' : 'y@e.com' })),
  orders: [
    { customerId: 'a', date: '2024-03-30', amount: 10 }, // recent, returns
    { customerId: 'a', date: '2024-04-10', amount: 10 },
    { customerId: 'b', date: '2024-01-01', amount: 10 }, // old, churns
    { customerId: 'c', date: '2024-03-01', amount: 10 }, // churns (next order after the horizon)
    { customerId: 'c', date: '2024-05-15', amount: 10 },
    { customerId: 'd', date: '2024-02-01', amount: 10 }, // returns on the horizon's last day
    { customerId: 'd', date: '2024-04-30', amount: 10 },
    { customerId: 'e', date: '2024-04-05', amount: 10 }, // first order after as-of: not in the population
  ],
});

describe('backtest', () => {
  const options = { asOfDay: dayOf('2024-03-31'), horizonDays: 30 };

  it('takes customers with an order by the as-of day and labels who did not order in the horizon', () => {
    const r = backtest(book, defaultRules(), options);
    expect(r.customers).toBe(4);
    expect(r.churned).toBe(2); // b and c
  });

  it('measures the baseline by days since the last order', () => {
    // Recency: a 1, b 90, c 30, d 59; churned b, c. Pairs: b beats a, d; c beats a, loses to d: 3/4.
    const r = backtest(book, defaultRules(), options);
    expect(r.baseline.auc).toBeCloseTo(0.75);
    // Top 1 per owner: x -> b (churned), y -> d (not): 0.5.
    expect(backtest(book, defaultRules(), { ...options, topK: 1 }).baseline.topKPrecision).toBe(0.5);
  });

  it('restricts to the active book with activeWithinDays', () => {
    const r = backtest(book, defaultRules(), { ...options, activeWithinDays: 60 });
    expect(r.customers).toBe(3); // a, c, d
    expect(r.churned).toBe(1);
    expect(r.activeWithinDays).toBe(60);
  });

  it('reports the score quality beside the baseline', () => {
    const r = backtest(book, defaultRules(), options);
    expect(r.score.auc).toBeGreaterThanOrEqual(0);
    expect(r.score.auc).toBeLessThanOrEqual(1);
    expect(r.topK).toBe(10);
    expect(r.score.topKPrecision).toBeCloseTo(0.5); // groups of two: each holds one churned customer
  });
});
