/**
 * Regularised logistic regression with non-negative coefficients, fitted by cyclic coordinate
 * descent (one safeguarded Newton step per coefficient per pass). Non-negative because each input is
 * a risk signal in [0, 1]: a negative weight would say "more risk looks safer", which no rep could
 * read off a card. The intercept is free and not penalised.
 *
 * Loss minimised: mean over rows of the log-loss + (l2 / 2) * sum(beta_j^2).
 */
import { z } from 'zod';

export const logisticOptionsSchema = z.object({
  /** Ridge penalty on the coefficients (not the intercept), per row. */
  l2: z.number().min(0).default(1e-3),
  /** Most passes over all coefficients. */
  maxPasses: z.number().int().positive().default(500),
  /** Stop when no coefficient moves more than this in a pass. */
  tolerance: z.number().positive().default(1e-6),
});
export type LogisticOptions = z.input<typeof logisticOptionsSchema>;

export interface LogisticFit {
  intercept: number;
  /** One per column, each >= 0. */
  coefficients: Float64Array;
  /** Mean log-loss (without the penalty) at the fit. */
  logLoss: number;
  passes: number;
  converged: boolean;
}

/** Rows × columns, row-major: x[i * columns + j]. */
export interface Design {
  rows: number;
  columns: number;
  x: Float64Array;
  /** 1 = the event happened (churned), 0 = it did not. */
  y: Uint8Array;
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Fits intercept + non-negative coefficients; throws RangeError on a malformed design. */
export function fitLogistic(design: Design, options: LogisticOptions = {}): LogisticFit {
  const { l2, maxPasses, tolerance } = logisticOptionsSchema.parse(options);
  const { rows: n, columns: d, x, y } = design;
  if (x.length !== n * d || y.length !== n)
    throw new RangeError(`Design is ${n}x${d} but holds ${x.length} values and ${y.length} labels`);
  if (n === 0) throw new RangeError('Cannot fit a logistic regression to no rows');

  const beta = new Float64Array(d);
  const eta = new Float64Array(n);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += y[i];
  // Start at the base rate (clamped so an all-one-class sample still starts finite).
  const rate = Math.min(1 - 1e-6, Math.max(1e-6, positives / n));
  let intercept = Math.log(rate / (1 - rate));
  eta.fill(intercept);

  // Objective along one coordinate: column j (or the intercept when j < 0) moved by `step`.
  const objectiveAfter = (j: number, step: number): number => {
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const z = eta[i] + step * (j < 0 ? 1 : x[i * d + j]);
      loss += softplus(z) - y[i] * z;
    }
    const penalty = j < 0 ? 0 : (l2 / 2) * ((beta[j] + step) ** 2 - beta[j] ** 2);
    return loss / n + penalty;
  };

  let passes = 0;
  let converged = false;
  while (passes < maxPasses) {
    passes++;
    let largestMove = 0;
    for (let j = -1; j < d; j++) {
      let gradient = 0;
      let curvature = 0;
      for (let i = 0; i < n; i++) {
        const xij = j < 0 ? 1 : x[i * d + j];
        if (xij === 0) continue;
        const p = sigmoid(eta[i]);
        gradient += (p - y[i]) * xij;
        curvature += p * (1 - p) * xij * xij;
      }
      gradient /= n;
      curvature /= n;
      if (j >= 0) {
        gradient += l2 * beta[j];
        curvature += l2;
      }
      if (!(curvature > 1e-12)) continue;
      let step = -gradient / curvature;
      if (j >= 0 && beta[j] + step < 0) step = -beta[j]; // project onto beta_j >= 0
      if (step === 0) continue;
      // Halve the step until the objective does not rise (Newton can overshoot on a flat logistic).
      const before = objectiveAfter(j, 0);
      let halvings = 0;
      while (objectiveAfter(j, step) > before && halvings < 30) {
        step /= 2;
        halvings++;
      }
      if (halvings === 30) continue;
      for (let i = 0; i < n; i++) eta[i] += step * (j < 0 ? 1 : x[i * d + j]);
      if (j < 0) intercept += step;
      else beta[j] += step;
      largestMove = Math.max(largestMove, Math.abs(step));
    }
    if (largestMove < tolerance) {
      converged = true;
      break;
    }
  }

  let loss = 0;
  for (let i = 0; i < n; i++) loss += softplus(eta[i]) - y[i] * eta[i];
  return { intercept, coefficients: beta, logLoss: loss / n, passes, converged };
}
