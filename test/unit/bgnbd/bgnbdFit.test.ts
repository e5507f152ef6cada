/**
 * Maximum-likelihood fit pinned to FHL (2005) p. 279: r = 0.243, α = 4.414, a = 0.793, b = 2.426,
 * LL = −9582.4 on the CDNOW 2,357-customer sample (also lifetimes tests/test_estimation.py
 * test_params_out_is_close_to_Hardie_paper, CLVTools test_correctness_bgnbd.R).
 */
import { describe, expect, it } from 'vitest';
import { bgNbdTotalLogLikelihood } from '../../../rules/model/bgnbd';
import { fitBgNbd } from '../../../rules/model/bgnbdFit';
import { simulateBgNbd } from '../../synthetic/bgnbdSimulate';
import { loadCdnowSummary } from './cdnowFixture';

describe('fitBgNbd on CDNOW', () => {
  it('reproduces the published estimates to three decimals and LL −9582.43', () => {
    const fit = fitBgNbd(loadCdnowSummary());
    expect(fit.converged).toBe(true);
    expect(fit.params.r).toBeCloseTo(0.243, 3);
    expect(fit.params.alpha).toBeCloseTo(4.414, 3);
    expect(fit.params.a).toBeCloseTo(0.793, 3);
    expect(fit.params.b).toBeCloseTo(2.426, 3);
    expect(fit.logLikelihood).toBeCloseTo(-9582.43, 2);
  });

  it("reproduces CLVTools' 7-digit estimates on exact day counts (0.2425945, 4.4136019, 0.7929199, 2.4258881; LL −9582.429)", () => {
    const fit = fitBgNbd(loadCdnowSummary({ wholeDays: true }));
    expect(fit.converged).toBe(true);
    expect(fit.params.r).toBeCloseTo(0.2425945, 4);
    expect(fit.params.alpha).toBeCloseTo(4.4136019, 3);
    expect(fit.params.a).toBeCloseTo(0.7929199, 4);
    expect(fit.params.b).toBeCloseTo(2.4258881, 3);
    expect(fit.logLikelihood).toBeCloseTo(-9582.429, 3);
  });

  it('takes a few dozen evaluations of the likelihood, not the 800 of a simplex search', () => {
    for (const summary of [loadCdnowSummary(), loadCdnowSummary({ wholeDays: true })]) {
      const fit = fitBgNbd(summary);
      expect(fit.converged).toBe(true);
      expect(fit.evaluations).toBeLessThan(100);
    }
  });

  it('reaches the same optimum from a start far away', () => {
    const fit = fitBgNbd(loadCdnowSummary(), { start: { r: 5, alpha: 200, a: 6, b: 0.3 } });
    expect(fit.converged).toBe(true);
    expect(fit.logLikelihood).toBeCloseTo(-9582.43, 2);
    expect(fit.params.alpha).toBeCloseTo(4.414, 2);
  });

  it('says it did not converge when capped at 5 iterations, and returns the best point so far', () => {
    const summary = loadCdnowSummary();
    const fit = fitBgNbd(summary, { maxIterations: 5 });
    expect(fit.converged).toBe(false);
    if (!fit.converged) expect(fit.reason).toMatch(/iteration cap \(5\)/);
    expect(fit.iterations).toBe(5);
    // The figures are honest: the LL reported is the LL at the parameters reported, and short of the optimum.
    expect(fit.logLikelihood).toBeCloseTo(bgNbdTotalLogLikelihood(fit.params, summary), 6);
    expect(fit.logLikelihood).toBeLessThan(-9590);
  });

  it('says so when no restart is allowed to confirm the optimum', () => {
    const fit = fitBgNbd(loadCdnowSummary(), { maxRestarts: 0 });
    expect(fit.converged).toBe(false);
    if (!fit.converged) expect(fit.reason).toMatch(/no restart left/);
  });

  it('rejects bad summaries and bad options before fitting', () => {
    const ok = { x: Float64Array.of(1), tx: Float64Array.of(2), T: Float64Array.of(5) };
    expect(() => fitBgNbd({ ...ok, tx: Float64Array.of(6) })).toThrow(
      /Row 0: tx must be within \[0, T = 5\]/,
    );
    expect(() => fitBgNbd({ ...ok, x: Float64Array.of(1.5) })).toThrow(/Row 0: x must be a whole number/);
    expect(() => fitBgNbd({ x: Float64Array.of(0), tx: Float64Array.of(1), T: Float64Array.of(5) })).toThrow(
      /tx must be 0 when x = 0/,
    );
    expect(() => fitBgNbd({ ...ok, T: Float64Array.of(0, 1) })).toThrow(/columns differ in length/);
    expect(() =>
      fitBgNbd({ x: new Float64Array(0), tx: new Float64Array(0), T: new Float64Array(0) }),
    ).toThrow(/empty summary/);
    expect(() => fitBgNbd(ok, { maxIterations: 0 })).toThrow();
  });
});

describe('fitBgNbd on simulated customers', () => {
  it('recovers the parameters it simulated from (20,000 customers, seeded)', () => {
    const truth = { r: 0.5, alpha: 5, a: 0.8, b: 2.5 };
    const { summary } = simulateBgNbd(truth, { customers: 20_000, seed: 3, minAge: 20, maxAge: 80 });
    const fit = fitBgNbd(summary);
    expect(fit.converged).toBe(true);
    // λ's gamma is pinned tightly by 20k customers; the drop-out beta less so (few customers drop out
    // in view), hence the wider band on a and b.
    expect(fit.params.r / truth.r).toBeGreaterThan(0.95);
    expect(fit.params.r / truth.r).toBeLessThan(1.05);
    expect(fit.params.alpha / truth.alpha).toBeGreaterThan(0.95);
    expect(fit.params.alpha / truth.alpha).toBeLessThan(1.05);
    expect(fit.params.a / truth.a).toBeGreaterThan(0.85);
    expect(fit.params.a / truth.a).toBeLessThan(1.15);
    expect(fit.params.b / truth.b).toBeGreaterThan(0.85);
    expect(fit.params.b / truth.b).toBeLessThan(1.15);
    // The MLE beats the truth on its own sample, as it must.
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(bgNbdTotalLogLikelihood(truth, summary));
  });
});
