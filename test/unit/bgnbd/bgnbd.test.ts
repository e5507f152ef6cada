/**
 * The BG/NBD formulas pinned to published numbers.
 * [FHL] Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way", Marketing Science 24(2).
 * Published estimates on CDNOW: r = 0.243, α = 4.414, a = 0.793, b = 2.426 [FHL p. 279]; to 7 digits
 * (0.2425945, 4.4136019, 0.7929199, 2.4258881) with LL −9582.429 in CLVTools
 * tests/testthat/test_correctness_bgnbd.R (bachmannpatrick/CLVTools @ 0c97cc5a).
 */
import { describe, expect, it } from 'vitest';
import {
  type BgNbdParams,
  bgNbdExpectedPurchases,
  bgNbdExpectedPurchasesNewCustomer,
  bgNbdLogLikelihood,
  bgNbdParamsSchema,
  bgNbdProbabilityAlive,
  bgNbdProbabilityNoPurchase,
  bgNbdTotalLogLikelihood,
  createBgNbdLogLikelihood,
  scoreBgNbd,
} from '../../../rules/model/bgnbd';
import { logGamma } from '../../../rules/model/bgnbdLogGamma';
import { loadCdnowSummary } from './cdnowFixture';

const PUBLISHED: BgNbdParams = { r: 0.2425945, alpha: 4.4136019, a: 0.7929199, b: 2.4258881 };
const PUBLISHED_3DP: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

const logBeta = (p: number, q: number) => logGamma(p) + logGamma(q) - logGamma(p + q);

describe('BG/NBD log-likelihood (FHL eq. 6 and 7)', () => {
  it('is −9582.429 on CDNOW at the published parameters (exact day counts, CLVTools correct.LL.nocov)', () => {
    expect(bgNbdTotalLogLikelihood(PUBLISHED, loadCdnowSummary({ wholeDays: true }))).toBeCloseTo(
      -9582.429,
      3,
    );
  });

  it('is −9582.43 on the lifetimes summary as published (weeks rounded to 0.01)', () => {
    // The rounding of recency and T moves the total by 0.0036; two decimals hold either way.
    expect(bgNbdTotalLogLikelihood(PUBLISHED, loadCdnowSummary())).toBeCloseTo(-9582.43, 2);
  });

  it("matches Hardie's numerically stable form for x = 0 and x = 200 (pymc-marketing test_numerically_stable_logp)", () => {
    // http://brucehardie.com/notes/027/bgnbd_num_error.pdf, Solution #2; values from pymc-marketing
    // tests/clv/models/test_beta_geo.py (a = 0.8, b = 2.5, r = 0.25, α = 4, T = 40).
    const params = { a: 0.8, b: 2.5, r: 0.25, alpha: 4 };
    expect(bgNbdLogLikelihood(params, 0, 0, 40)).toBeCloseTo(-0.59947382, 7);
    expect(bgNbdLogLikelihood(params, 200, 38, 40)).toBeCloseTo(100.7957, 4);
  });

  it('stays finite where the plain-space formula overflows (x = 5000)', () => {
    expect(Number.isFinite(bgNbdLogLikelihood(PUBLISHED, 5000, 38.5, 39))).toBe(true);
  });

  it('totals the per-customer values, and a weighted (compressed) summary gives the same total', () => {
    const x = Float64Array.of(0, 0, 2, 2, 7);
    const tx = Float64Array.of(0, 0, 30.43, 30.43, 12);
    const T = Float64Array.of(38.86, 38.86, 38.86, 38.86, 20);
    const sum = [0, 1, 2, 3, 4].reduce((s, i) => s + bgNbdLogLikelihood(PUBLISHED, x[i], tx[i], T[i]), 0);
    expect(bgNbdTotalLogLikelihood(PUBLISHED, { x, tx, T })).toBeCloseTo(sum, 10);
    const compressed = {
      x: Float64Array.of(0, 2, 7),
      tx: Float64Array.of(0, 30.43, 12),
      T: Float64Array.of(38.86, 38.86, 20),
      weight: Float64Array.of(2, 2, 1),
    };
    expect(bgNbdTotalLogLikelihood(PUBLISHED, compressed)).toBeCloseTo(sum, 10);
  });
});

describe('the gradient of the BG/NBD log-likelihood', () => {
  const names = ['r', 'alpha', 'a', 'b'] as const;
  /** Central differences of the total, step h·θ in each parameter. */
  const numeric = (ll: (p: BgNbdParams) => number, p: BgNbdParams, h: number) =>
    names.map(
      (k) => (ll({ ...p, [k]: p[k] * (1 + h) }) - ll({ ...p, [k]: p[k] * (1 - h) })) / (2 * h * p[k]),
    );

  it('matches central differences of the total, in weeks (tabled neither) and in whole days (tabled)', () => {
    const points: BgNbdParams[] = [
      { r: 0.5, alpha: 0.3, a: 3, b: 0.7 },
      { r: 2, alpha: 60, a: 0.4, b: 9 },
      { r: 0.05, alpha: 11, a: 1.5, b: 1.2 },
    ];
    for (const summary of [loadCdnowSummary(), loadCdnowSummary({ wholeDays: true })]) {
      const ll = createBgNbdLogLikelihood(summary);
      for (const p of points) {
        const gradient = new Float64Array(4);
        const value = ll(p, gradient);
        // The value is the total either way (summed in another order: 1e-9).
        expect(value).toBeCloseTo(ll(p), 8);
        const expected = numeric((q) => ll(q), p, 1e-5);
        names.forEach((_, j) => {
          expect(Math.abs(gradient[j] - expected[j])).toBeLessThan(1e-5 * Math.max(1, Math.abs(expected[j])));
        });
      }
    }
  });

  it('is zero at the maximum-likelihood estimate of CDNOW (within what the fit resolves)', () => {
    const ll = createBgNbdLogLikelihood(loadCdnowSummary({ wholeDays: true }));
    const gradient = new Float64Array(4);
    ll(PUBLISHED, gradient);
    // CLVTools' 7 digits leave a gradient of a few units per 10,000 customers; 1 away it is hundreds.
    for (const g of gradient) expect(Math.abs(g)).toBeLessThan(1);
    ll({ ...PUBLISHED, r: PUBLISHED.r * 1.1 }, gradient);
    expect(Math.abs(gradient[0])).toBeGreaterThan(100);
  });
});

describe('expected purchases (FHL eq. 9 and 10)', () => {
  it('gives E[Y(39) | x = 2, tx = 30.43, T = 38.86] = 1.226 (FHL p. 279)', () => {
    expect(bgNbdExpectedPurchases(PUBLISHED, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 3);
  });

  it("gives E[X(t)] of Hardie's CDNOW spreadsheet (lifetimes test_expectation_returns_same_value_Hardie_excel_sheet)", () => {
    const times = [0.1429, 1, 3, 31.8571, 32, 78];
    const expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    times.forEach((t, i) => {
      expect(Math.abs(bgNbdExpectedPurchasesNewCustomer(PUBLISHED, t) - expected[i])).toBeLessThan(5e-4);
    });
  });

  it('is 0 for a zero horizon and grows with the horizon', () => {
    expect(bgNbdExpectedPurchases(PUBLISHED, 0, 2, 30.43, 38.86)).toBe(0);
    const values = [1, 10, 39, 100, 1000].map((t) => bgNbdExpectedPurchases(PUBLISHED, t, 2, 30.43, 38.86));
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]);
  });

  it('is continuous through a = 1, where eq. (10) is 0/0', () => {
    const at = (a: number) => bgNbdExpectedPurchases({ ...PUBLISHED, a }, 39, 3, 20, 38);
    expect(at(1)).toBeCloseTo((at(1 - 1e-4) + at(1 + 1e-4)) / 2, 6);
    expect(Number.isFinite(at(1))).toBe(true);
  });

  it('handles heavy buyers without overflow (x = 400)', () => {
    const value = bgNbdExpectedPurchases(PUBLISHED, 39, 400, 38.5, 38.86);
    // Alive with rate ≈ (r+x)/(α+T) ≈ 9.3 per week, minus the drop-out drift: hundreds, not Infinity.
    expect(value).toBeGreaterThan(100);
    expect(value).toBeLessThan(400);
  });
});

describe('P(alive) (Fader, Hardie & Lee 2008, brucehardie.com/notes/021)', () => {
  it('is 1 for customers with no repeat purchase (lifetimes test_conditional_probability_alive_returns_1_if_no_repeat_purchases)', () => {
    expect(bgNbdProbabilityAlive(PUBLISHED_3DP, 0, 0, 38.86)).toBe(1);
  });

  it("equals the alive branch's share of the likelihood (Bayes on FHL eq. 6)", () => {
    const { r, alpha, a, b } = PUBLISHED;
    for (const [x, tx, T] of [
      [1, 1.71, 38.86],
      [2, 30.43, 38.86],
      [5, 10, 38],
      [20, 37.9, 38],
    ]) {
      const lnAlive =
        logBeta(a, b + x) -
        logBeta(a, b) +
        logGamma(r + x) -
        logGamma(r) +
        r * Math.log(alpha) -
        (r + x) * Math.log(alpha + T);
      const expected = Math.exp(lnAlive - bgNbdLogLikelihood(PUBLISHED, x, tx, T));
      expect(bgNbdProbabilityAlive(PUBLISHED, x, tx, T)).toBeCloseTo(expected, 12);
    }
  });

  it('does not depend on the time unit when α is scaled with it (lifetimes test_scaling_inputs_gives_same_or_similar_results)', () => {
    const daily = { ...PUBLISHED, alpha: PUBLISHED.alpha * 7 };
    expect(bgNbdProbabilityAlive(daily, 3, 20 * 7, 38 * 7)).toBeCloseTo(
      bgNbdProbabilityAlive(PUBLISHED, 3, 20, 38),
      12,
    );
  });

  it('falls with time since the last purchase, and with frequency at a fixed gap (the BTYD "increasing frequency paradox")', () => {
    expect(bgNbdProbabilityAlive(PUBLISHED, 3, 10, 38)).toBeLessThan(
      bgNbdProbabilityAlive(PUBLISHED, 3, 30, 38),
    );
    const byFrequency = [5, 10, 15, 20].map((x) => bgNbdProbabilityAlive(PUBLISHED_3DP, x, 30, 39));
    for (let i = 1; i < byFrequency.length; i++) expect(byFrequency[i]).toBeLessThan(byFrequency[i - 1]);
  });

  it('stays within [0, 1] without NaN at the extremes', () => {
    for (const [x, tx, T] of [
      [1000, 0.01, 1000],
      [1000, 999.99, 1000],
      [1, 0, 1e6],
    ]) {
      const p = bgNbdProbabilityAlive(PUBLISHED, x, tx, T);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
  });
});

describe('P(no purchase in the next t)', () => {
  it("equals Fader & Hardie (2019) note 039 eq. (34), as pymc-marketing's expected_probability_no_purchase writes it", () => {
    const { r, alpha, a, b } = PUBLISHED;
    for (const [t, x, tx, T] of [
      [39, 1, 1.71, 38.86],
      [39, 2, 30.43, 38.86],
      [4, 6, 35, 38],
      [52, 12, 20, 30],
    ]) {
      const kE = logBeta(a + 1, b + x - 1) - (r + x) * Math.log(alpha + tx);
      const kF = logBeta(a, b + x) - (r + x) * Math.log(alpha + T + t);
      const kM = logBeta(a, b + x) - (r + x) * Math.log(alpha + T);
      const eq34 = (Math.exp(kE) + Math.exp(kF)) / (Math.exp(kE) + Math.exp(kM));
      expect(bgNbdProbabilityNoPurchase(PUBLISHED, t, x, tx, T)).toBeCloseTo(eq34, 12);
    }
  });

  it('for a brand-new customer is P(X(39) = 0) = 0.5737864 (FHL eq. 8; BTYD bgnbd.pmf, lifetimes test_probability_of_n_purchases_up_to_time_same_as_R_BTYD)', () => {
    expect(bgNbdProbabilityNoPurchase(PUBLISHED_3DP, 39, 0, 0, 0)).toBeCloseTo(0.5737864, 6);
  });

  it('separates one-order customers by age, where P(alive) cannot (it is 1 for all of them)', () => {
    const young = bgNbdProbabilityNoPurchase(PUBLISHED, 39, 0, 0, 2);
    const old = bgNbdProbabilityNoPurchase(PUBLISHED, 39, 0, 0, 38);
    expect(old).toBeGreaterThan(young);
    // x = 0: ((α+T)/(α+T+t))^r, the gamma-mixed Poisson zero.
    expect(old).toBeCloseTo(((PUBLISHED.alpha + 38) / (PUBLISHED.alpha + 38 + 39)) ** PUBLISHED.r, 12);
  });

  it('is 1 for a zero horizon and at least 1 − P(alive)', () => {
    expect(bgNbdProbabilityNoPurchase(PUBLISHED, 0, 2, 30.43, 38.86)).toBe(1);
    const pAlive = bgNbdProbabilityAlive(PUBLISHED, 2, 5, 38.86);
    expect(bgNbdProbabilityNoPurchase(PUBLISHED, 1e6, 2, 5, 38.86)).toBeGreaterThanOrEqual(
      1 - pAlive - 1e-12,
    );
  });
});

describe('scoreBgNbd', () => {
  it('scores every customer of a summary with the single-customer formulas', () => {
    const summary = loadCdnowSummary();
    const scores = scoreBgNbd(PUBLISHED, summary, 39);
    expect(scores.probabilityAlive).toHaveLength(2357);
    for (const i of [0, 1, 2, 100, 2356]) {
      const [x, tx, T] = [summary.x[i], summary.tx[i], summary.T[i]];
      expect(scores.probabilityAlive[i]).toBe(bgNbdProbabilityAlive(PUBLISHED, x, tx, T));
      expect(scores.probabilityNoPurchase[i]).toBe(bgNbdProbabilityNoPurchase(PUBLISHED, 39, x, tx, T));
      expect(scores.expectedPurchases[i]).toBe(bgNbdExpectedPurchases(PUBLISHED, 39, x, tx, T));
    }
    // Customer 1 of CDNOW is the FHL p. 279 example.
    expect(scores.expectedPurchases[0]).toBeCloseTo(1.226, 3);
  });
});

describe('bgNbdParamsSchema', () => {
  it('accepts positive finite parameters and rejects the rest', () => {
    expect(bgNbdParamsSchema.parse(PUBLISHED)).toEqual(PUBLISHED);
    expect(bgNbdParamsSchema.safeParse({ ...PUBLISHED, a: 0 }).success).toBe(false);
    expect(bgNbdParamsSchema.safeParse({ ...PUBLISHED, alpha: Number.POSITIVE_INFINITY }).success).toBe(
      false,
    );
  });
});
