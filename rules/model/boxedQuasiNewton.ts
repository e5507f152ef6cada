/**
 * Minimises a smooth function with its gradient inside a box: BFGS (Nocedal & Wright, "Numerical
 * Optimization", 2nd ed., §6.1) with the steps projected onto the box and an Armijo backtracking
 * search along the projected path (the projected-gradient form of §16.7). A coordinate on its bound
 * whose gradient points out of the box is held there for the step. Non-finite values (or
 * gradients) count as +Infinity, so the search steps back from where the function is undefined.
 */

export interface BoxedMinimumOptions {
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
  /** Cap on iterations (one accepted step each). */
  maxIterations: number;
  /** Cap on evaluations of the function and its gradient, the start's included; never exceeded. */
  maxEvaluations: number;
  /** Converged when a step lowers the value by at most this... */
  fTolerance: number;
  /** ...and moves no coordinate by more than this (or no step lowers the value at all). */
  xTolerance: number;
}

export type BoxedMinimumResult =
  | { converged: true; x: Float64Array; value: number; iterations: number; evaluations: number }
  | {
      converged: false;
      reason: string;
      x: Float64Array;
      value: number;
      iterations: number;
      evaluations: number;
    };

/** Sufficient decrease of the Armijo rule: the step must gain this share of what the slope promises. */
const ARMIJO = 1e-4;
/** Halvings of a step before the search gives up on its direction. */
const MAX_HALVINGS = 50;

/**
 * Minimises `f` (which returns the value and writes the gradient into its second argument) from
 * `start`, kept within [lower, upper]; says whether it met both tolerances.
 */
export function minimiseInBox(
  f: (point: Float64Array, gradient: Float64Array) => number,
  start: ArrayLike<number>,
  options: BoxedMinimumOptions,
): BoxedMinimumResult {
  const { lower, upper, maxIterations, maxEvaluations, fTolerance, xTolerance } = options;
  const n = start.length;
  if (!(maxEvaluations >= 1))
    throw new RangeError(`minimiseInBox needs maxEvaluations >= 1, got ${maxEvaluations}`);
  const clamp = (v: number, j: number) => Math.min(upper[j], Math.max(lower[j], v));
  let evaluations = 0;
  const evaluate = (point: Float64Array, gradient: Float64Array): number => {
    evaluations++;
    const value = f(point, gradient);
    // A point whose slope is not known is no place to step from: rejected like an undefined value.
    for (let j = 0; j < n; j++) if (!Number.isFinite(gradient[j])) return Number.POSITIVE_INFINITY;
    return Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
  };

  let x = Float64Array.from(start, clamp);
  let g = new Float64Array(n);
  let value = evaluate(x, g);
  // The Hessian estimate B, row-major; the identity after each reset. B itself, not its inverse: a
  // step with coordinates held on their bounds solves B's block of the free ones, and the block of
  // the inverse is no inverse of that block where the coordinates are coupled (a and b when b is
  // held at its bound: hundreds of wasted evaluations).
  const B = new Float64Array(n * n);
  const resetB = () => {
    B.fill(0);
    for (let j = 0; j < n; j++) B[j * n + j] = 1;
  };
  resetB();
  const factor = new Float64Array(n * n);
  let fresh = true;
  const direction = new Float64Array(n);
  const free = new Uint8Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const Bs = new Float64Array(n);
  let iterations = 0;
  const stop = (reason: string | null): BoxedMinimumResult =>
    reason === null
      ? { converged: true, x, value, iterations, evaluations }
      : { converged: false, reason, x, value, iterations, evaluations };

  if (!Number.isFinite(value)) return stop('the function is not finite at the start');
  for (;;) {
    let anyFree = false;
    for (let j = 0; j < n; j++) {
      const heldLow = x[j] <= lower[j] && g[j] > 0;
      const heldHigh = x[j] >= upper[j] && g[j] < 0;
      free[j] = heldLow || heldHigh || g[j] === 0 ? 0 : 1;
      if (free[j]) anyFree = true;
    }
    // Nothing left to lower the value: a stationary point inside, or the box's corner holds it.
    if (!anyFree) return stop(null);
    if (iterations >= maxIterations)
      return stop(`reached the iteration cap (${maxIterations}) before the steps met the tolerances`);
    iterations++;

    let slope = 0;
    if (solveFree(B, free, g, direction, factor)) {
      for (let j = 0; j < n; j++) slope += direction[j] * g[j];
    }
    if (!(slope < 0)) {
      // The estimate lost its way (no descent along it): steepest descent from a fresh one.
      resetB();
      fresh = true;
      slope = 0;
      for (let j = 0; j < n; j++) {
        direction[j] = free[j] ? -g[j] : 0;
        slope += direction[j] * g[j];
      }
    }
    // A fresh estimate knows no scale: its first step moves no coordinate by more than 1.
    let step = 1;
    if (fresh) {
      let longest = 0;
      for (let j = 0; j < n; j++) longest = Math.max(longest, Math.abs(direction[j]));
      step = Math.min(1, 1 / longest);
    }

    const next = new Float64Array(n);
    const nextG = new Float64Array(n);
    let nextValue = Number.POSITIVE_INFINITY;
    let accepted = false;
    for (let halving = 0; halving < MAX_HALVINGS; halving++, step /= 2) {
      let moved = false;
      let promised = 0;
      for (let j = 0; j < n; j++) {
        next[j] = clamp(x[j] + step * direction[j], j);
        s[j] = next[j] - x[j];
        if (s[j] !== 0) moved = true;
        promised += g[j] * s[j];
      }
      if (!moved) break;
      if (evaluations >= maxEvaluations)
        return stop(`reached the evaluation cap (${maxEvaluations}) before the steps met the tolerances`);
      nextValue = evaluate(next, nextG);
      if (nextValue <= value + ARMIJO * promised) {
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      // Not even a short step lowers the value: from a fresh estimate this is the minimum as far as
      // the arithmetic can tell; otherwise try again from one.
      if (fresh) return stop(null);
      resetB();
      fresh = true;
      iterations--;
      continue;
    }

    const gain = value - nextValue;
    let longestStep = 0;
    let sy = 0;
    for (let j = 0; j < n; j++) {
      longestStep = Math.max(longestStep, Math.abs(s[j]));
      y[j] = nextG[j] - g[j];
      sy += s[j] * y[j];
    }
    x = next;
    g = nextG;
    value = nextValue;
    if (gain <= fTolerance && longestStep <= xTolerance) return stop(null);
    // BFGS update of B, skipped when the step shows no positive curvature (B stays positive definite).
    if (sy > 1e-12) {
      let sBs = 0;
      for (let j = 0; j < n; j++) {
        let v = 0;
        for (let k = 0; k < n; k++) v += B[j * n + k] * s[k];
        Bs[j] = v;
        sBs += s[j] * v;
      }
      for (let j = 0; j < n; j++) {
        for (let k = 0; k < n; k++) B[j * n + k] += (y[j] * y[k]) / sy - (Bs[j] * Bs[k]) / sBs;
      }
      fresh = false;
    }
  }
}

/**
 * direction = −(B's block of the free coordinates)⁻¹ g on them, 0 on the held ones, by Cholesky;
 * false when the block is not positive definite (rounding after many updates).
 */
function solveFree(
  B: Float64Array,
  free: Uint8Array,
  g: Float64Array,
  direction: Float64Array,
  L: Float64Array,
): boolean {
  const n = g.length;
  const idx: number[] = [];
  for (let j = 0; j < n; j++) if (free[j]) idx.push(j);
  const m = idx.length;
  for (let i = 0; i < m; i++) {
    for (let k = 0; k <= i; k++) {
      let sum = B[idx[i] * n + idx[k]];
      for (let q = 0; q < k; q++) sum -= L[i * n + q] * L[k * n + q];
      if (i === k) {
        if (!(sum > 0)) return false;
        L[i * n + i] = Math.sqrt(sum);
      } else L[i * n + k] = sum / L[k * n + k];
    }
  }
  // L z = −g_free, then Lᵀ d = z.
  const z = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let sum = -g[idx[i]];
    for (let q = 0; q < i; q++) sum -= L[i * n + q] * z[q];
    z[i] = sum / L[i * n + i];
  }
  direction.fill(0);
  for (let i = m - 1; i >= 0; i--) {
    let sum = z[i];
    for (let q = i + 1; q < m; q++) sum -= L[q * n + i] * direction[idx[q]];
    direction[idx[i]] = sum / L[i * n + i];
  }
  return true;
}
