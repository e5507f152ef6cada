import { describe, expect, it } from 'vitest';
import { hyp2f1, hyp2f1Series } from '../../../rules/model/bgnbdHyp2f1';

// Closed forms: Abramowitz & Stegun 15.1.3 (−ln(1−z)/z), 15.1.8 ((1−z)^−a), 15.1.6 (arcsin).
describe('hyp2f1', () => {
  it('matches 2F1(1, 1; 2; z) = −ln(1−z)/z, also close to z = 1', () => {
    for (const z of [0.01, 0.3, 0.5, 0.9, 0.99]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log1p(-z) / z, 12);
    }
  });

  it('matches 2F1(a, b; b; z) = (1−z)^−a, for negative z too', () => {
    for (const [a, b, z] of [
      [0.243, 2.426, 0.47],
      [2.5, 0.793, -0.6],
      [-0.207, 3.2, 0.8],
    ]) {
      expect(hyp2f1(a, b, b, z)).toBeCloseTo((1 - z) ** -a, 12);
    }
  });

  it('matches 2F1(½, ½; 3/2; z²) = arcsin(z)/z', () => {
    for (const z of [0.2, 0.7, 0.95]) {
      expect(hyp2f1(0.5, 0.5, 1.5, z * z)).toBeCloseTo(Math.asin(z) / z, 12);
    }
  });

  it('ends a terminating series exactly (a = −2 gives a quadratic)', () => {
    const [b, c, z] = [1.7, 2.3, 0.6];
    const quadratic = 1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1));
    const result = hyp2f1Series(-2, b, c, z);
    expect(result.converged).toBe(true);
    expect(result.terms).toBe(3);
    expect(result.value).toBeCloseTo(quadratic, 14);
  });

  it('reports a series cut short by the term cap instead of returning it as exact', () => {
    const result = hyp2f1Series(1, 1, 2, 0.999, { maxTerms: 10 });
    expect(result.converged).toBe(false);
    expect(result.terms).toBe(10);
    expect(() => hyp2f1(1, 1, 2, 0.999, { maxTerms: 10 })).toThrow(/did not converge in 10 terms/);
  });

  it('refuses arguments where the series does not apply', () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(/\|z\| < 1/);
    expect(() => hyp2f1(1, 1, 2, -1.5)).toThrow(/\|z\| < 1/);
    expect(() => hyp2f1(1, 1, -1, 0.5)).toThrow(/undefined for c = -1/);
  });
});
