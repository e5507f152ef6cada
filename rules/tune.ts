/**
 * `tune`: the signal weights from the book's own history. Replays several past dates, each only
 * with the orders on or before it, labels who then placed no order within the horizon, and fits a
 * ridge-regularised logistic regression with non-negative coefficients on the signal strengths.
 * The coefficients become the weights, scaled to 100 points (a weight is the points a signal earns at
 * full strength).
 *
 * Holdout by time: the fit dates' labels all end on or before the holdout date, and the figures
 * that matter are the backtest on the holdout date, whose labels end on the as-of date. Nothing
 * after the as-of date is ever read.
 */
import { type BacktestResult, backtest, type RankingQuality } from './backtest';
import type { Book } from './book';
import { isoOfDay } from './book';
import { type Design, fitLogistic } from './model/logistic';
import type { Rules, Weights } from './rulesSchema';
import { SIGNAL_NAMES } from './signals';
import { signalTable } from './signalTable';
import type { TunedBlock } from './tunedBlock';

export interface TuneOptions {
  /** The last day whose orders may be read. */
  asOfDay: number;
  horizonDays: number;
  /** Fit and judge only customers with an order in the N days before each date. */
  activeWithinDays?: number;
  /** How many past dates to fit on (default 4). */
  fitDates?: number;
  /** Days between fit dates (default 30). */
  stepDays?: number;
  /** Ridge penalty per row (default 1e-3). */
  l2?: number;
}

export interface TuneResult {
  /** The base rules with the fitted weights and the `tuned` block. */
  rules: Rules;
  tuned: TunedBlock;
}

/** Thrown when the feed's history is too short for the dates tune needs. */
export class TuneError extends Error {
  override readonly name = 'TuneError';
}

/** The replay dates: holdout = asOf − horizon; fit dates end a horizon before the holdout, `step` apart. */
export function tuneDates(
  asOfDay: number,
  horizonDays: number,
  count: number,
  stepDays: number,
): { holdoutDay: number; fitDays: number[] } {
  const holdoutDay = asOfDay - horizonDays;
  const fitDays = Array.from({ length: count }, (_, k) => holdoutDay - horizonDays - k * stepDays).reverse();
  return { holdoutDay, fitDays };
}

/** Fits the weights on past replays and reports before/after figures on the later holdout date. */
export function tune(book: Book, base: Rules, options: TuneOptions): TuneResult {
  const { asOfDay, horizonDays, activeWithinDays } = options;
  const l2 = options.l2 ?? 1e-3;
  const { holdoutDay, fitDays } = tuneDates(
    asOfDay,
    horizonDays,
    options.fitDates ?? 4,
    options.stepDays ?? 30,
  );

  const tables = fitDays.map((day) => signalTable(book, base, day, horizonDays, activeWithinDays));
  const usable = tables.filter((t) => t.rows > 0);
  const rows = usable.reduce((sum, t) => sum + t.rows, 0);
  const churned = usable.reduce((sum, t) => sum + t.churned.reduce((a, b) => a + b, 0), 0);
  if (rows > 0 && (churned === 0 || churned === rows)) {
    // History enough, but one outcome only: asking for more days back would not help.
    throw new TuneError(
      `Too little history to tune: on the fit dates ${fitDays.map(isoOfDay).join(', ')} ${churned === 0 ? 'none' : 'every one'} of the active customers (${rows} on the ${usable.length} dates together) ` +
        `placed no order in the next ${horizonDays} days; tune needs customers of both outcomes (some who ordered again, some who did not)`,
    );
  }
  if (rows === 0) {
    throw new TuneError(
      `Too little history to tune: the fit dates ${fitDays.map(isoOfDay).join(', ')} hold ${rows} customers ` +
        `(${churned} churned); tune needs orders from at least two horizons plus ${(fitDays.length - 1) * (options.stepDays ?? 30)} days before ${isoOfDay(asOfDay)}`,
    );
  }
  const d = SIGNAL_NAMES.length;
  const design: Design = { rows, columns: d, x: new Float64Array(rows * d), y: new Uint8Array(rows) };
  let offset = 0;
  for (const t of usable) {
    design.x.set(t.signals, offset * d);
    design.y.set(t.churned, offset);
    offset += t.rows;
  }
  const fit = fitLogistic(design, { l2 });
  const weights = weightsFromCoefficients(fit.coefficients, base.weights);
  const tunedRules: Rules = { ...base, weights };

  // The weights are judged on their own: the book's model stays out of these replays.
  const judge = (rules: Rules, day: number) =>
    backtest(
      book,
      { ...rules, learn: { ...rules.learn, enabled: false } },
      { asOfDay: day, horizonDays, activeWithinDays },
    );
  const fitQuality = (rules: Rules): RankingQuality => pooled(usable.map((t) => judge(rules, t.asOfDay)));
  const beforeHoldout = judge(base, holdoutDay);
  const afterHoldout = judge(tunedRules, holdoutDay);
  const tuned: TunedBlock = {
    asOf: isoOfDay(asOfDay),
    horizonDays,
    activeWithinDays: activeWithinDays ?? null,
    fitDates: usable.map((t) => isoOfDay(t.asOfDay)),
    holdoutDate: isoOfDay(holdoutDay),
    fitRows: rows,
    l2,
    before: { fit: fitQuality(base), holdout: beforeHoldout.score },
    after: { fit: fitQuality(tunedRules), holdout: afterHoldout.score },
    baselineHoldout: beforeHoldout.baseline,
  };
  return { rules: { ...tunedRules, tuned }, tuned };
}

/**
 * Coefficients (log-odds per unit of signal strength) to weights on the 100-point scale, one
 * decimal. All zero (nothing predicts churn) keeps the base weights rather than an invalid file.
 */
export function weightsFromCoefficients(coefficients: ArrayLike<number>, base: Weights): Weights {
  let total = 0;
  for (let j = 0; j < coefficients.length; j++) total += coefficients[j];
  if (!(total > 0)) return { ...base };
  const weights = { ...base };
  SIGNAL_NAMES.forEach((name, j) => {
    weights[name] = Math.round((1000 * coefficients[j]) / total) / 10;
  });
  return weights;
}

/** Mean of the figures of several replays, weighted by their customers. */
function pooled(results: BacktestResult[]): RankingQuality {
  let n = 0;
  let auc = 0;
  let precision = 0;
  for (const r of results) {
    if (Number.isNaN(r.score.auc)) continue;
    n += r.customers;
    auc += r.customers * r.score.auc;
    precision += r.customers * r.score.topKPrecision;
  }
  return { auc: n > 0 ? auc / n : Number.NaN, topKPrecision: n > 0 ? precision / n : Number.NaN };
}

/**
 * The warning for tuned weights that ranked the later holdout date worse than the base rules did
 * (AUC), or null. The figures are the ones tune already reports; this says what they mean.
 */
export function tunedWorseWarning(t: TunedBlock): string | null {
  const before = t.before.holdout.auc;
  const after = t.after.holdout.auc;
  if (!(after < before)) return null;
  return (
    `Warning: the tuned weights ranked ${t.holdoutDate} worse than the base rules (AUC ${after.toFixed(4)} against ${before.toFixed(4)}). ` +
    'The file is written, but the base rules are the better choice for this feed.'
  );
}
