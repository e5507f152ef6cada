import { describe, expect, it } from 'vitest';
import { nelderMead } from '../../../rules/model/nelderMead';

const rosenbrock = (p: Float64Array) => 100 * (p[1] - p[0] * p[0]) ** 2 + (1 - p[0]) ** 2;

describe('nelderMead', () => {
  it('finds the minimum of the Rosenbrock valley from the classic start (−1.2, 1)', () => {
    const result = nelderMead(rosenbrock, [-1.2, 1], { xTolerance: 1e-10, fTolerance: 1e-14 });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
    expect(result.value).toBeLessThan(1e-12);
  });

  it('minimises a badly scaled 4-D quadratic', () => {
    const centre = [3, -2, 0.5, 10];
    const scale = [1, 100, 0.01, 5];
    const f = (p: Float64Array) => p.reduce((s, v, i) => s + scale[i] * (v - centre[i]) ** 2, 0);
    const result = nelderMead(f, [0, 0, 0, 0], { initialStep: 1, xTolerance: 1e-9, fTolerance: 1e-16 });
    expect(result.converged).toBe(true);
    centre.forEach((c, i) => {
      expect(result.x[i]).toBeCloseTo(c, 5);
    });
  });

  it('treats non-finite values as +Infinity and stays where the objective is defined', () => {
    // log-barrier: undefined (NaN) for p <= 0, minimum at p = 1.
    const f = (p: Float64Array) => p[0] - Math.log(p[0]);
    const result = nelderMead(f, [3], { initialStep: 5 });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
  });

  it('says it did not converge when the iteration cap is hit, with the best point so far', () => {
    const result = nelderMead(rosenbrock, [-1.2, 1], { maxIterations: 5 });
    expect(result.converged).toBe(false);
    expect(result.iterations).toBe(5);
    if (!result.converged) expect(result.reason).toMatch(/iteration cap \(5\)/);
    expect(result.value).toBeLessThanOrEqual(rosenbrock(Float64Array.of(-1.2, 1)));
  });
});
