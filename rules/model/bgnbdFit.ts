/**
 * Maximum-likelihood fit of the BG/NBD parameters (r, α, a, b) to a calibration summary: a
 * quasi-Newton search (boxedQuasiNewton.ts) on the log-parameters (so every trial point is a valid
 * parameter set) minimising −LL / Σweight with its analytic gradient (bgnbd.ts), restarted from the
 * best point with a fresh Hessian estimate until a restart no longer improves it. Nelder-Mead, used
 * before, needed 1,000 to 1,250 evaluations of the likelihood on a 20,000-customer book; this takes
 * a few dozen, each with its gradient.
 * Customers with identical (x, tx, T) are merged into weighted rows first (compressBgNbdSummary).
 *
 * Bounded: each parameter lives in a box (PARAM_BOUNDS). On some books the likelihood keeps rising
 * as a and b run off together (a, b → ∞: every customer has the same drop-out chance) or as r and α
 * do (every customer the same rate); unbounded, a search follows them for tens of thousands of
 * evaluations. Steps are projected onto the box, so the search settles on the boundary and the
 * result names the parameters that sit there (`atBound`). The total work is capped by
 * `maxEvaluations`.
 */
import { z } from 'zod';
import { type BgNbdParams, bgNbdParamsSchema, createBgNbdLogLikelihood } from './bgnbd';
import { type BgNbdSummary, compressBgNbdSummary, validateBgNbdSummary } from './bgnbdSummary';
import { minimiseInBox } from './boxedQuasiNewton';

export const bgNbdFitOptionsSchema = z.object({
  /** Cap on quasi-Newton iterations over all restarts. */
  maxIterations: z.number().int().positive().default(20_000),
  /** Cap on log-likelihood evaluations over all restarts (bounds the fit's time). */
  maxEvaluations: z.number().int().min(2).default(40_000),
  /** Cap on restarts after the first run. */
  maxRestarts: z.number().int().nonnegative().default(10),
  /** Tolerance on the gain in −LL per customer of the last step (and the improvement that ends restarts). */
  fTolerance: z.number().positive().default(1e-10),
  /** Tolerance on the log-parameters' move in the last step. */
  xTolerance: z.number().positive().default(1e-7),
  /** Where to start; by default r = 1, a = 1, b = 1 and α set so the mean purchase rate r/α matches the data. */
  start: bgNbdParamsSchema.optional(),
});
export type BgNbdFitOptions = z.input<typeof bgNbdFitOptionsSchema>;

/** The four parameters by name. */
export type BgNbdParamName = keyof BgNbdParams;

const PARAM_NAMES: readonly BgNbdParamName[] = ['r', 'alpha', 'a', 'b'];

/**
 * The box the fit searches, in the summary's units. Wide enough for any book seen (CDNOW in days:
 * r 0.24, α 31, a 0.79, b 2.4); past it the model no longer changes in a way a ranking could see
 * (a, b ≥ 10^4: the beta of drop-out chances is a point; α up to 10^7 days covers r/α rates of one
 * order in millennia).
 */
export const PARAM_BOUNDS: Readonly<Record<BgNbdParamName, readonly [number, number]>> = {
  r: [1e-4, 1e4],
  alpha: [1e-4, 1e7],
  a: [1e-4, 1e4],
  b: [1e-4, 1e4],
};

const LOG_LOWER = Float64Array.from(PARAM_NAMES, (name) => Math.log(PARAM_BOUNDS[name][0]));
const LOG_UPPER = Float64Array.from(PARAM_NAMES, (name) => Math.log(PARAM_BOUNDS[name][1]));
/** A log-parameter this close to its bound counts as on it. */
const AT_BOUND_SLACK = 1e-3;

interface BgNbdFitFigures {
  params: BgNbdParams;
  /** Parameters that ended on (within 0.1% of) a bound of PARAM_BOUNDS; empty for an interior optimum. */
  atBound: BgNbdParamName[];
  /** Total log-likelihood at `params` (FHL eq. 7, weighted). */
  logLikelihood: number;
  /** Quasi-Newton iterations over all runs. */
  iterations: number;
  /** Log-likelihood evaluations (each with its gradient). */
  evaluations: number;
  /** Restarts after the first run. */
  restarts: number;
}

/** A fit that met its tolerances, or one that did not and says why (its figures are the best found). */
export type BgNbdFitResult =
  | (BgNbdFitFigures & { converged: true })
  | (BgNbdFitFigures & { converged: false; reason: string });

/** Fits (r, α, a, b) by maximum likelihood; `converged: false` with a reason when it could not. */
export function fitBgNbd(summary: BgNbdSummary, options: BgNbdFitOptions = {}): BgNbdFitResult {
  const { maxIterations, maxEvaluations, maxRestarts, fTolerance, xTolerance, start } =
    bgNbdFitOptionsSchema.parse(options);
  validateBgNbdSummary(summary);
  const totalWeight = sumWeights(summary);
  if (totalWeight === 0) throw new RangeError('Cannot fit BG/NBD to an empty summary');

  // Identical histories share one weighted row: same likelihood, fewer terms per evaluation.
  const logLikelihood = createBgNbdLogLikelihood(compressBgNbdSummary(summary));
  const gradientOfParams = new Float64Array(4);
  // −LL / Σweight at exp(p) and its gradient in p: ∂/∂ln θ = θ ∂/∂θ.
  const objective = (p: Float64Array, gradient: Float64Array): number => {
    const params = fromLog(p);
    const value = logLikelihood(params, gradientOfParams);
    PARAM_NAMES.forEach((name, j) => {
      gradient[j] = (-params[name] * gradientOfParams[j]) / totalWeight;
    });
    return -value / totalWeight;
  };

  const initial = start ?? defaultStart(summary, totalWeight);
  let best: Float64Array = Float64Array.from(PARAM_NAMES, (name, j) =>
    Math.min(LOG_UPPER[j], Math.max(LOG_LOWER[j], Math.log(initial[name]))),
  );
  let bestValue = objective(best, new Float64Array(4));
  let iterations = 0;
  let evaluations = 1;
  let restarts = 0;
  const figuresAt = (point: Float64Array, value: number): BgNbdFitFigures => ({
    params: fromLog(clampToBox(point)),
    atBound: PARAM_NAMES.filter(
      (_, j) => point[j] <= LOG_LOWER[j] + AT_BOUND_SLACK || point[j] >= LOG_UPPER[j] - AT_BOUND_SLACK,
    ),
    logLikelihood: Number.isFinite(value) ? logLikelihood(fromLog(clampToBox(point))) : -value * totalWeight,
    iterations,
    evaluations,
    restarts,
  });
  for (let run = 0; ; run++) {
    const evaluationsLeft = maxEvaluations - evaluations;
    if (evaluationsLeft < 1) {
      return {
        ...figuresAt(best, bestValue),
        converged: false,
        reason: `reached the evaluation cap (${maxEvaluations}) before a restart could confirm the optimum`,
      };
    }
    const result = minimiseInBox(objective, best, {
      lower: LOG_LOWER,
      upper: LOG_UPPER,
      maxIterations: maxIterations - iterations,
      maxEvaluations: evaluationsLeft,
      fTolerance,
      xTolerance,
    });
    iterations += result.iterations;
    evaluations += result.evaluations;
    const improvement = bestValue - result.value;
    if (result.value <= bestValue) {
      best = result.x;
      bestValue = result.value;
    }
    const figures = (): BgNbdFitFigures => figuresAt(best, bestValue);
    if (!Number.isFinite(bestValue)) {
      return {
        ...figures(),
        converged: false,
        reason: 'the log-likelihood is not finite anywhere the search went',
      };
    }
    if (!result.converged) {
      // The search was given what was left of the fit's caps: name the fit's own.
      const reason =
        evaluations >= maxEvaluations
          ? `reached the evaluation cap (${maxEvaluations}) before the steps met the tolerances`
          : iterations >= maxIterations
            ? `reached the iteration cap (${maxIterations}) before the steps met the tolerances`
            : result.reason;
      return { ...figures(), converged: false, reason };
    }
    if (run > 0 && improvement <= fTolerance) return { ...figures(), converged: true };
    if (restarts >= maxRestarts) {
      return {
        ...figures(),
        converged: false,
        reason: `no restart left to confirm the optimum after ${maxRestarts} restart(s) (last gain ${improvement} per customer)`,
      };
    }
    restarts++;
  }
}

function fromLog(p: ArrayLike<number>): BgNbdParams {
  return { r: Math.exp(p[0]), alpha: Math.exp(p[1]), a: Math.exp(p[2]), b: Math.exp(p[3]) };
}

function clampToBox(p: ArrayLike<number>): Float64Array {
  return Float64Array.from(LOG_LOWER, (lower, j) => Math.min(LOG_UPPER[j], Math.max(lower, p[j])));
}

function sumWeights(summary: BgNbdSummary): number {
  if (summary.weight === undefined) return summary.x.length;
  let total = 0;
  for (const w of summary.weight) total += w;
  return total;
}

/** r = a = b = 1 and α from the observed purchase rate: E[λ] = r/α ≈ Σx / ΣT. */
function defaultStart(summary: BgNbdSummary, totalWeight: number): BgNbdParams {
  let purchases = 0;
  let exposure = 0;
  for (let i = 0; i < summary.x.length; i++) {
    const w = summary.weight === undefined ? 1 : summary.weight[i];
    purchases += w * summary.x[i];
    exposure += w * summary.T[i];
  }
  const rate = Math.max(purchases, 0.1 * totalWeight) / exposure;
  return { r: 1, alpha: 1 / rate, a: 1, b: 1 };
}
