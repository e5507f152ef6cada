import { describe, expect, it } from 'vitest';
import { minimiseInBox } from '../../../rules/model/boxedQuasiNewton';

const OPEN = { lower: [-1e9, -1e9], upper: [1e9, 1e9] };
const rosenbrock = (p: Float64Array, g: Float64Array) => {
  const [x, y] = p;
  g[0] = -400 * x * (y - x * x) - 2 * (1 - x);
  g[1] = 200 * (y - x * x);
  return 100 * (y - x * x) ** 2 + (1 - x) ** 2;
};
const settings = { maxIterations: 1_000, maxEvaluations: 5_000, fTolerance: 1e-14, xTolerance: 1e-10 };

describe('minimiseInBox', () => {
  it('finds the minimum of the Rosenbrock valley from the classic start (−1.2, 1) in a few dozen steps', () => {
    const result = minimiseInBox(rosenbrock, [-1.2, 1], { ...OPEN, ...settings });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
    expect(result.value).toBeLessThan(1e-12);
    expect(result.evaluations).toBeLessThan(100);
  });

  it('minimises a badly scaled 4-D quadratic', () => {
    const centre = [3, -2, 0.5, 10];
    const scale = [1, 100, 0.01, 5];
    const f = (p: Float64Array, g: Float64Array) => {
      let value = 0;
      p.forEach((v, i) => {
        g[i] = 2 * scale[i] * (v - centre[i]);
        value += scale[i] * (v - centre[i]) ** 2;
      });
      return value;
    };
    const box = { lower: [-50, -50, -50, -50], upper: [50, 50, 50, 50] };
    const result = minimiseInBox(f, [0, 0, 0, 0], { ...box, ...settings });
    expect(result.converged).toBe(true);
    centre.forEach((c, i) => {
      expect(result.x[i]).toBeCloseTo(c, 5);
    });
  });

  it('settles on the bound a coordinate runs to and frees it again where the minimum is inside', () => {
    // (x − 5)² + (y − 1)², with x kept to [−1, 2]: the minimum in the box is (2, 1).
    const f = (p: Float64Array, g: Float64Array) => {
      g[0] = 2 * (p[0] - 5);
      g[1] = 2 * (p[1] - 1);
      return (p[0] - 5) ** 2 + (p[1] - 1) ** 2;
    };
    const result = minimiseInBox(f, [-1, -3], { lower: [-1, -3], upper: [2, 3], ...settings });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBe(2);
    expect(result.x[1]).toBeCloseTo(1, 8);
  });

  it('treats non-finite values as +Infinity and stays where the function is defined', () => {
    // log-barrier: undefined (NaN) for p <= 0, minimum at p = 1.
    const f = (p: Float64Array, g: Float64Array) => {
      g[0] = 1 - 1 / p[0];
      return p[0] - Math.log(p[0]);
    };
    const result = minimiseInBox(f, [30], { lower: [-100], upper: [100], ...settings });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    // A finite value with an unknown slope is stepped back from too (here past 40: the minimum of
    // (p − 50)² within reach is p just below 40).
    const g = (p: Float64Array, grad: Float64Array) => {
      grad[0] = p[0] >= 40 ? Number.NaN : 2 * (p[0] - 50);
      return (p[0] - 50) ** 2;
    };
    const capped = minimiseInBox(g, [0], { lower: [-100], upper: [100], ...settings });
    expect(capped.converged).toBe(true);
    expect(capped.x[0]).toBeLessThan(40);
    expect(capped.x[0]).toBeGreaterThan(39.9);
  });

  it('says it did not converge when a cap is hit, with the best point so far, never over the evaluation cap', () => {
    const start = Float64Array.of(-1.2, 1);
    const startValue = rosenbrock(start, new Float64Array(2));
    const byIterations = minimiseInBox(rosenbrock, start, { ...OPEN, ...settings, maxIterations: 5 });
    expect(byIterations.converged).toBe(false);
    expect(byIterations.iterations).toBe(5);
    if (!byIterations.converged) expect(byIterations.reason).toMatch(/iteration cap \(5\)/);
    expect(byIterations.value).toBeLessThan(startValue);
    const byEvaluations = minimiseInBox(rosenbrock, start, { ...OPEN, ...settings, maxEvaluations: 12 });
    expect(byEvaluations.converged).toBe(false);
    if (!byEvaluations.converged) expect(byEvaluations.reason).toMatch(/evaluation cap \(12\)/);
    expect(byEvaluations.evaluations).toBe(12);
    expect(byEvaluations.value).toBeLessThan(startValue);
  });
});
