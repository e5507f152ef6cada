/**
 * Maximum-likelihood fit of the BG/NBD parameters (r, α, a, b) to a calibration summary: Nelder-Mead
 * on the log-parameters (so every trial point is a valid parameter set) minimising −LL / Σweight,
 * restarted from the best point with a fresh simplex until a restart no longer improves it. Restarts
 * guard against the simplex collapsing early, Nelder-Mead's known failure mode.
 * Customers with identical (x, tx, T) are merged into weighted rows first (compressBgNbdSummary).
 */
import { z } from 'zod';
import { type BgNbdParams, bgNbdParamsSchema, createBgNbdLogLikelihood } from './bgnbd';
import { type BgNbdSummary, compressBgNbdSummary, validateBgNbdSummary } from './bgnbdSummary';
import { nelderMead } from './nelderMead';

export const bgNbdFitOptionsSchema = z.object({
  /** Cap on Nelder-Mead iterations over all restarts. */
  maxIterations: z.number().int().positive().default(20_000),
  /** Cap on restarts after the first run. */
  maxRestarts: z.number().int().nonnegative().default(10),
  /** Tolerance on −LL per customer between simplex vertices (and the improvement that ends restarts). */
  fTolerance: z.number().positive().default(1e-10),
  /** Tolerance on the log-parameters between simplex vertices. */
  xTolerance: z.number().positive().default(1e-7),
  /** Where to start; by default r = 1, a = 1, b = 1 and α set so the mean purchase rate r/α matches the data. */
  start: bgNbdParamsSchema.optional(),
});
export type BgNbdFitOptions = z.input<typeof bgNbdFitOptionsSchema>;

interface BgNbdFitFigures {
  params: BgNbdParams;
  /** Total log-likelihood at `params` (FHL eq. 7, weighted). */
  logLikelihood: number;
  /** Nelder-Mead iterations over all runs. */
  iterations: number;
  /** Log-likelihood evaluations. */
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
  const { maxIterations, maxRestarts, fTolerance, xTolerance, start } = bgNbdFitOptionsSchema.parse(options);
  validateBgNbdSummary(summary);
  const totalWeight = sumWeights(summary);
  if (totalWeight === 0) throw new RangeError('Cannot fit BG/NBD to an empty summary');

  // Identical histories share one weighted row: same likelihood, fewer terms per evaluation.
  const logLikelihood = createBgNbdLogLikelihood(compressBgNbdSummary(summary));
  const fromLog = (p: ArrayLike<number>): BgNbdParams => ({
    r: Math.exp(p[0]),
    alpha: Math.exp(p[1]),
    a: Math.exp(p[2]),
    b: Math.exp(p[3]),
  });
  const objective = (p: Float64Array): number => -logLikelihood(fromLog(p)) / totalWeight;

  const initial = start ?? defaultStart(summary, totalWeight);
  let best: Float64Array = Float64Array.of(
    Math.log(initial.r),
    Math.log(initial.alpha),
    Math.log(initial.a),
    Math.log(initial.b),
  );
  let bestValue = objective(best);
  let iterations = 0;
  let evaluations = 1;
  let restarts = 0;
  for (let run = 0; ; run++) {
    const result = nelderMead(objective, best, {
      maxIterations: maxIterations - iterations,
      fTolerance,
      xTolerance,
      // A wide first simplex explores; restarts probe around the optimum with a smaller one.
      initialStep: run === 0 ? 0.5 : 0.1,
    });
    iterations += result.iterations;
    evaluations += result.evaluations;
    const improvement = bestValue - result.value;
    if (result.value <= bestValue) {
      best = result.x;
      bestValue = result.value;
    }
    const figures = (): BgNbdFitFigures => ({
      params: fromLog(best),
      logLikelihood: -bestValue * totalWeight,
      iterations,
      evaluations,
      restarts,
    });
    if (!Number.isFinite(bestValue)) {
      return {
        ...figures(),
        converged: false,
        reason: 'the log-likelihood is not finite anywhere the search went',
      };
    }
    if (!result.converged) return { ...figures(), converged: false, reason: result.reason };
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
