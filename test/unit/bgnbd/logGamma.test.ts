import { describe, expect, it } from 'vitest';
import { digamma, logGamma } from '../../../rules/model/bgnbdLogGamma';

function logFactorial(n: number): number {
  let total = 0;
  for (let k = 2; k <= n; k++) total += Math.log(k);
  return total;
}

describe('logGamma', () => {
  it('matches exact values: Γ(1) = Γ(2) = 1, Γ(1/2) = √π, Γ(n) = (n-1)!', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(2)).toBeCloseTo(0, 14);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(10)).toBeCloseTo(logFactorial(9), 12);
    expect(logGamma(100)).toBeCloseTo(logFactorial(99), 10);
    expect(logGamma(1001) / logFactorial(1000)).toBeCloseTo(1, 14);
  });

  it('keeps the recurrence lnΓ(x+1) = lnΓ(x) + ln x, across the reflection threshold too', () => {
    for (const x of [1e-6, 0.01, 0.243, 0.4999, 0.5, 0.793, 2.426, 4.414, 37.5, 1234.5]) {
      expect(logGamma(x + 1) - logGamma(x)).toBeCloseTo(Math.log(x), 11);
    }
  });

  it("keeps Legendre's duplication formula lnΓ(2x) = (2x−1)ln2 − ½lnπ + lnΓ(x) + lnΓ(x+½)", () => {
    for (const x of [0.1, 0.3, 0.75, 1.6, 7.25, 52.3]) {
      const rhs = (2 * x - 1) * Math.LN2 - 0.5 * Math.log(Math.PI) + logGamma(x) + logGamma(x + 0.5);
      expect(logGamma(2 * x)).toBeCloseTo(rhs, 11);
    }
  });

  it('behaves like −ln x − γx near 0 (tiny shape parameters)', () => {
    const eulerGamma = 0.5772156649015329;
    expect(logGamma(1e-8)).toBeCloseTo(-Math.log(1e-8) - eulerGamma * 1e-8, 12);
  });

  it('is NaN outside its domain', () => {
    expect(logGamma(0)).toBeNaN();
    expect(logGamma(-1.5)).toBeNaN();
    expect(logGamma(Number.NaN)).toBeNaN();
  });
});

describe('digamma', () => {
  const EULER_GAMMA = 0.5772156649015329;

  it('matches exact values: ψ(1) = −γ, ψ(1/2) = −γ − 2 ln 2, ψ(n) = −γ + Σ 1/k', () => {
    expect(digamma(1)).toBeCloseTo(-EULER_GAMMA, 13);
    expect(digamma(0.5)).toBeCloseTo(-EULER_GAMMA - 2 * Math.LN2, 13);
    let harmonic = 0;
    for (let k = 1; k < 30; k++) harmonic += 1 / k;
    expect(digamma(30)).toBeCloseTo(-EULER_GAMMA + harmonic, 13);
  });

  it('is the slope of logGamma, from tiny shape parameters to the box of the fit', () => {
    for (const x of [1e-4, 0.01, 0.243, 0.793, 2.426, 9.999, 10, 37.5, 1234.5, 1e4]) {
      const h = 1e-5 * x;
      const slope = (logGamma(x + h) - logGamma(x - h)) / (2 * h);
      expect(Math.abs(digamma(x) - slope)).toBeLessThan(1e-6 * Math.max(1, Math.abs(slope)));
    }
  });

  it('is NaN for x <= 0', () => {
    expect(digamma(0)).toBeNaN();
    expect(digamma(-1)).toBeNaN();
  });
});
