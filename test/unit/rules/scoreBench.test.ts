import { describe, expect, it } from 'vitest';
import { defaultRules } from '../../../rules';
import { scoreBook } from '../../../rules/scoreBook';
import { syntheticBook } from '../../../tools/bench/scoreBench';

// scoreBook on the benchmark's synthetic book (the input the speed figures are measured on): what
// holds for any book holds here too, at a size the hand-made fixtures do not reach.

describe('scoreBook on a synthetic 2,000-customer book', () => {
  const book = syntheticBook({ customers: 2_000, ordersPerCustomer: 10, endDay: 20_000, seed: 7 });
  const rules = defaultRules();
  const scored = scoreBook(book, rules, 20_000);

  it('scores every customer once, with a finite score from 0 to 100', () => {
    expect(scored.customers).toHaveLength(2_000);
    expect(new Set(scored.customers.map((c) => c.customerId)).size).toBe(2_000);
    for (const c of scored.customers) {
      expect(Number.isFinite(c.score)).toBe(true);
      expect(c.score).toBeGreaterThanOrEqual(0);
      expect(c.score).toBeLessThanOrEqual(100);
    }
  });

  it("ranks each rep's list by value at risk, caps it, and lists only that rep's customers", () => {
    expect(scored.reps.length).toBeGreaterThan(0);
    for (const rep of scored.reps) {
      expect(rep.customers.length).toBeLessThanOrEqual(rules.capPerRep);
      expect(rep.customers.every((c) => c.owner === rep.owner && c.surfaced)).toBe(true);
      const values = rep.customers.map((c) => c.valueAtRisk);
      expect(values).toEqual([...values].sort((a, b) => b - a));
    }
  });

  it('is deterministic: the same book and day score the same', () => {
    const again = scoreBook(book, rules, 20_000);
    expect(again.customers.map((c) => c.score)).toEqual(scored.customers.map((c) => c.score));
  });
});
