/**
 * The cadence model's fit is bounded in work and in where it may go: a weekly timer has 10 min
 * (Consumption) / 30 min (Flex) in all, and some books have no interior optimum (the drop-out beta
 * or the rate gamma runs off to a point mass). These pin the bounds by counts, never by time.
 */
import { describe, expect, it } from 'vitest';
import { dayOf } from '../../../rules/book';
import { emptyFeatures } from '../../../rules/features';
import { fitBgNbd, PARAM_BOUNDS } from '../../../rules/model/bgnbdFit';
import {
  CadenceHistories,
  FIT_MAX_EVALUATIONS,
  FIT_SAMPLE_CUSTOMERS,
  fitCadenceModel,
} from '../../../rules/model/cadenceModel';
import { sampleKey, sampleRows } from '../../../rules/model/cadenceSample';
import { defaultRules } from '../../../rules/rulesSchema';
import { scoreBook } from '../../../rules/scoreBook';
import { syntheticBook } from '../../../tools/bench/scoreBench';
import { loadCdnowSummary } from '../bgnbd/cdnowFixture';

describe('the fit evaluation cap', () => {
  it('stops before overrunning maxEvaluations and says so', () => {
    const fit = fitBgNbd(loadCdnowSummary(), { maxEvaluations: 10 });
    expect(fit.converged).toBe(false);
    if (!fit.converged) expect(fit.reason).toMatch(/evaluation cap \(10\)/);
    expect(fit.evaluations).toBe(10);
    expect(() => fitBgNbd(loadCdnowSummary(), { maxEvaluations: 1 })).toThrow();
  });
});

describe('the cadence model on a 10k-customer book with 24 orders each', () => {
  // Regular (not Poisson) ordering with a shared drop-out chance: unbounded, a and b ran off together
  // for 80-140 s of Nelder-Mead (the fit before the gradient one). The book is bench/scoreBench.ts's.
  const end = dayOf('2026-11-23');
  const book = syntheticBook({ customers: 10_000, ordersPerCustomer: 24, endDay: end });
  const scored = scoreBook(book, defaultRules(), end);

  it('converges on the boundary of the box within the evaluation cap and says which parameter is there', () => {
    const { model } = scored;
    expect(model.status).toBe('fitted');
    if (model.status !== 'fitted') return;
    expect(model.evaluations).toBeLessThanOrEqual(FIT_MAX_EVALUATIONS);
    // With the likelihood's gradient a few dozen evaluations, where Nelder-Mead took 800.
    expect(model.evaluations).toBeLessThan(150);
    expect(model.atBound).toContain('b');
    expect(model.params.b).toBeCloseTo(PARAM_BOUNDS.b[1], 0);
    expect(model.fittedOn).toBe(model.customers);
  });

  it('still scores: the model signals carry points and some customers are at risk', () => {
    const atRisk = scored.customers.filter((c) => c.band === 'at_risk');
    expect(atRisk.length).toBeGreaterThan(0);
    expect(atRisk.some((c) => (c.contributions?.noOrderLikely ?? 0) > 0)).toBe(true);
  });
});

describe('fitBgNbd bounds', () => {
  it('settles on the box when the likelihood runs off (shared rate and drop-out chance), within the cap', () => {
    // One shared drop-out chance and one shared rate: both mixtures want a point mass.
    const n = 2_000;
    const x = new Float64Array(n);
    const tx = new Float64Array(n);
    const T = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      T[i] = 300 + (i % 100);
      x[i] = 10;
      tx[i] = T[i] - 5 - (i % 7);
    }
    const fit = fitBgNbd({ x, tx, T }, { fTolerance: 1e-8, xTolerance: 1e-5, maxEvaluations: 4_000 });
    expect(fit.evaluations).toBeLessThanOrEqual(4_000);
    expect(fit.atBound.length).toBeGreaterThan(0);
    for (const name of ['r', 'alpha', 'a', 'b'] as const) {
      expect(fit.params[name]).toBeGreaterThanOrEqual(PARAM_BOUNDS[name][0] * (1 - 1e-9));
      expect(fit.params[name]).toBeLessThanOrEqual(PARAM_BOUNDS[name][1] * (1 + 1e-9));
    }
  });
});

describe('the fit sample', () => {
  it('takes every row of a small book and the rows with the smallest keys of a big one', () => {
    expect(Array.from(sampleRows(Uint32Array.of(5, 1, 3), 3))).toEqual([0, 1, 2]);
    expect(Array.from(sampleRows(Uint32Array.of(5, 1, 3, 1, 9), 2))).toEqual([1, 3]);
    // Ties at the threshold are filled in row order.
    expect(Array.from(sampleRows(Uint32Array.of(7, 2, 7, 7, 1), 3))).toEqual([0, 1, 4]);
  });

  it('hashes ids with FNV-1a (32-bit)', () => {
    // Reference values of FNV-1a 32: "" -> 0x811c9dc5, "a" -> 0xe40c292c.
    expect(sampleKey('')).toBe(0x811c9dc5);
    expect(sampleKey('a')).toBe(0xe40c292c);
  });

  it('fits a book over the limit on a sample chosen by customer id, whatever the order of the book', () => {
    const n = FIT_SAMPLE_CUSTOMERS + 5_000;
    const histories = (order: (i: number) => number) => {
      const h = new CadenceHistories(n);
      const f = emptyFeatures();
      for (let k = 0; k < n; k++) {
        const i = order(k);
        // A spread of histories: 1-12 order days over 100-400 days, last order 0-150 days ago.
        f.orderCount = f.orderDays = 1 + (i % 12);
        f.tenureDays = 100 + (i % 301);
        f.firstOrderDay = 1_000;
        f.lastOrderDay = f.orderDays === 1 ? 1_000 : 1_000 + Math.max(0, f.tenureDays - (i % 151));
        h.add(f, `customer-${i}`);
      }
      return h;
    };
    const forwards = fitCadenceModel(
      histories((k) => k),
      defaultRules().model,
    );
    const backwards = fitCadenceModel(
      histories((k) => n - 1 - k),
      defaultRules().model,
    );
    expect(forwards.status).toBe('fitted');
    if (forwards.status !== 'fitted' || backwards.status !== 'fitted') return;
    expect(forwards.customers).toBe(n);
    expect(forwards.fittedOn).toBe(FIT_SAMPLE_CUSTOMERS);
    // Same customers in the sample, so the same fit (merged rows are summed in another order: 1e-9).
    expect(backwards.params.r).toBeCloseTo(forwards.params.r, 6);
    expect(backwards.params.alpha).toBeCloseTo(forwards.params.alpha, 4);
  });
});
