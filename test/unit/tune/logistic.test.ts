import { describe, expect, it } from 'vitest';
import { fitLogistic } from '../../../rules/model/logistic';
import { seededRandom } from '../../../rules/seededRandom';

/** n rows of uniform [0, 1] signals, labelled from a known logistic model. */
function sample(n: number, intercept: number, beta: number[], seed = 7) {
  const next = seededRandom(seed);
  const d = beta.length;
  const x = new Float64Array(n * d);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let z = intercept;
    for (let j = 0; j < d; j++) {
      x[i * d + j] = next();
      z += beta[j] * x[i * d + j];
    }
    y[i] = next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { rows: n, columns: d, x, y };
}

describe('fitLogistic', () => {
  it('recovers known non-negative weights from 20,000 synthetic rows', () => {
    const truth = [3, 0, 1.5, 0.5];
    const fit = fitLogistic(sample(20_000, -2, truth), { l2: 0 });
    expect(fit.converged).toBe(true);
    expect(fit.intercept).toBeCloseTo(-2, 0);
    truth.forEach((b, j) => {
      expect(Math.abs(fit.coefficients[j] - b)).toBeLessThan(0.15);
    });
  });

  it('keeps every coefficient >= 0 even when the truth is negative', () => {
    const fit = fitLogistic(sample(20_000, 0, [2, -2]), { l2: 0 });
    expect(fit.coefficients[0]).toBeGreaterThan(1.5);
    expect(fit.coefficients[1]).toBe(0);
  });

  it('shrinks the coefficients as the ridge penalty grows', () => {
    const data = sample(5_000, -1, [2, 1]);
    const loose = fitLogistic(data, { l2: 0 });
    const tight = fitLogistic(data, { l2: 0.1 });
    expect(tight.coefficients[0]).toBeLessThan(loose.coefficients[0]);
    expect(tight.coefficients[1]).toBeLessThan(loose.coefficients[1]);
  });

  it('rejects a design whose sizes do not match', () => {
    expect(() => fitLogistic({ rows: 2, columns: 2, x: new Float64Array(3), y: new Uint8Array(2) })).toThrow(
      RangeError,
    );
  });
});
