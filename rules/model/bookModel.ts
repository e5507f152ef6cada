/**
 * The book's own model, fitted at every scoring on the book's past: rows from several earlier as-of
 * days (features as of each day, label = no order in the `horizonDays` after it), a binned additive
 * logistic (additiveLogistic.ts) fitted on them, and a later validation day that decides whether the
 * model or the default rules rank the book, and calibrates the chosen ranking into probabilities of
 * no order in the next 30, 60 and 90 days.
 *
 * Time never runs backwards: with T the scoring day and H the horizon, the validation day is T − H
 * (its labels end on T) and the fit days end H before it (their labels end on the validation day).
 * Where the history reaches, a few fit days come from the same time of year a year earlier (around
 * T − 365): the recent fit days lie months before T and may see no season turn the way T does.
 * Nothing after T is read. The cadence model's four parameters, fitted as of T, are used on the
 * earlier days too (population figures; refitting them per day would cost seconds).
 */
import { orderedWithin } from '../backtest';
import { type Book, isoOfDay } from '../book';
import { emptyFeatures, featureContext } from '../features';
import { rocAuc } from '../metrics';
import type { Rules } from '../rulesSchema';
import {
  type AdditiveModel,
  binRows,
  columnsOf,
  fitAdditive,
  logOdds,
  logOddsOfColumns,
} from './additiveLogistic';
import type { CadenceModel } from './cadenceModel';
import { sampleKey, sampleRows } from './cadenceSample';
import { applyPlatt, fitPlatt, fitShift, type Platt } from './calibration';
import { FEATURE_COUNT, fillRow, MODEL_FEATURES, rowScratch } from './modelFeatures';

/** The horizons the probabilities are stated for, in days. */
export const PROBABILITY_HORIZONS = [30, 60, 90] as const;
export type ProbabilityHorizon = (typeof PROBABILITY_HORIZONS)[number];
/**
 * P(no order in the next 30, 60, 90 days). Named keys, not "30": V8 keeps index-like keys in a
 * separate (sparse) store, several hundred bytes a customer on a million-customer book.
 */
export interface NoOrderProbability {
  in30: number;
  in60: number;
  in90: number;
}

/** Most training rows read from the book in all (a hashed sample of customers above it). */
export const MAX_FIT_ROWS = 32_000;
/** The penalties tried (see additiveLogistic.ts); the validation day picks one. */
export const PENALTIES = [
  { l2: 1e-4, smooth: 1e-3 },
  { l2: 1e-3, smooth: 3e-3 },
  { l2: 3e-3, smooth: 1e-2 },
] as const;

/**
 * How many times each year-ago row counts in the fit. The few year-ago days are all that show a
 * seasonal book's seasons turning at today's time of year; counted twice they lifted the wholesale
 * tuning seeds' mean active-book AUC over six as-of dates from 0.8850 to 0.8882 (once: 0.8870;
 * three times: 0.8875).
 */
export const YEAR_AGO_WEIGHT = 2;

/** Days in the year the year-ago fit days go back by. */
const YEAR_DAYS = 365;

/** The fit days of one scoring (see fitBookModel), oldest first, with how much each day's rows count. */
export function fitDaysOf(
  asOfDay: number,
  firstOrderDay: number,
  settings: Pick<Rules['learn'], 'horizonDays' | 'fitDates' | 'stepDays' | 'yearAgoDates'>,
): { day: number; weight: number }[] {
  const H = settings.horizonDays;
  const validationDay = asOfDay - H;
  const recent = Array.from(
    { length: settings.fitDates },
    (_, k) => validationDay - H - k * settings.stepDays,
  );
  const taken = new Set(recent);
  const centre = Math.floor((settings.yearAgoDates - 1) / 2);
  // A year-ago day needs a horizon of history before it (rows of customers all a few days old teach
  // nothing), and its labels must end by the validation day like every fit day's.
  const yearAgo = Array.from(
    { length: settings.yearAgoDates },
    (_, k) => asOfDay - YEAR_DAYS + (k - centre) * settings.stepDays,
  ).filter((d) => d - firstOrderDay >= H && d + H <= validationDay && !taken.has(d));
  return [
    ...recent.filter((d) => d > firstOrderDay).map((day) => ({ day, weight: 1 })),
    ...yearAgo.map((day) => ({ day, weight: YEAR_AGO_WEIGHT })),
  ].sort((a, b) => a.day - b.day);
}

/**
 * Below this many rows on a calibration day, the map is fitted on that day and the POOLED_WEEKS − 1
 * days a week apart before it. On wholesale books of 100 customers (tuning seeds 1-5, twelve weekly
 * as-of dates) a map refitted on one day's rows moved a listed customer's stated 90-day chance 4.6
 * points a week on average (slipping ones 7.0; 14% of the listed by 10 points or more, up to 56) with
 * nothing changed for them; fitted on four weeks, 2.7 (5.1; 6%), and the listed customers' Brier score
 * fell from 0.0990 to 0.0979 (300 customers: 2.8 to 2.1 points, 0.0725 to 0.0717; 600: 2.4 to 2.1,
 * 0.0646 to 0.0643).
 */
export const POOLED_BELOW_ROWS = 1000;
export const POOLED_WEEKS = 4;

/** The rules' score among the model's features (MODEL_FEATURES). */
const RULES_SCORE = MODEL_FEATURES.indexOf('rulesScore');

/** Most validation rows. */
export const MAX_VALIDATION_ROWS = 24_000;

/** How the scoring day's ranking was chosen, and the figures it was chosen on. */
export interface ModelChoice {
  /** Which ranking the scores come from. */
  use: 'model' | 'rules';
  /** One sentence: why. */
  reason: string;
  horizonDays: number;
  fitDates: string[];
  validationDate: string | null;
  fitRows: number;
  /** On the validation day, at horizonDays: the active book (an order within learn.activeWithinDays before it). */
  validation: {
    /** The active book's window: customers with an order in this many days before the validation day. */
    activeWithinDays: number;
    customers: number;
    churned: number;
    modelAuc: number | null;
    rulesAuc: number;
    baselineAuc: number;
  } | null;
  /** Whether the probabilities are stated (a validation day with both outcomes to calibrate on). */
  calibrated: boolean;
}

/** What scoreBook needs to score one customer with the book's model. */
export interface BookModel {
  choice: ModelChoice;
  additive: AdditiveModel | null;
  /** Per horizon, the map from the chosen ranking's log-odds to a probability; null when not calibrated. */
  calibrators: Record<ProbabilityHorizon, Calibrator> | null;
}

/**
 * Log-odds per day of silence added to the model's, only to order customers the model cannot tell
 * apart: binned features put hundreds of one-order customers on exactly the same log-odds, and book
 * order then chose a rep's top 10. Longer silent goes first; at most 1e-5 over 27 years, far below
 * any difference between two bins, so it reorders nobody else and moves no stated chance visibly.
 */
export const SILENCE_TIE_BREAK = 1e-9;

/** The model's ranking log-odds of one row (MODEL_FEATURES order); `contributions` as logOdds fills them. */
export function modelLogOdds(
  model: AdditiveModel,
  row: ArrayLike<number>,
  contributions?: Float64Array,
): number {
  return tieBroken(logOdds(model, row, contributions), row[0]);
}

/** The model's log-odds plus the silence tie-break (see SILENCE_TIE_BREAK). */
function tieBroken(z: number, daysSinceLastOrder: number): number {
  return z + SILENCE_TIE_BREAK * daysSinceLastOrder;
}

/** Log-odds-like ranking of the rules' score (0-100), so the same calibration fits both. */
export function rulesLogit(score: number): number {
  return score / 10;
}

/** Feature rows of one or more days (MODEL_FEATURES order, row-major). */
export interface Rows {
  x: Float64Array;
  /** The book index of each row's customer. */
  customer: Int32Array;
  /** labels[h][k]: 1 when row k placed no order in horizon h. */
  labels: Uint8Array[];
  rows: number;
}

/** modelLogOdds of each of `rows`, whose columns under the model's bins are `cols` (columnsOf). */
function modelLogOddsOfRows(model: AdditiveModel, rows: Rows, cols: Int32Array): Float64Array {
  const z = new Float64Array(rows.rows);
  for (let k = 0; k < rows.rows; k++)
    z[k] = tieBroken(logOddsOfColumns(model, cols, k), rows.x[k * FEATURE_COUNT]);
  return z;
}

/** The rules' ranking log-odds of each of `rows`. */
function rulesLogOddsOfRows(rows: Rows): Float64Array {
  const z = new Float64Array(rows.rows);
  for (let k = 0; k < rows.rows; k++) z[k] = rulesLogit(rows.x[k * FEATURE_COUNT + RULES_SCORE]);
  return z;
}

/** The rows of several days as one set. */
function joinRows(parts: Rows[]): Rows {
  const rows = parts.reduce((n, p) => n + p.rows, 0);
  const x = new Float64Array(rows * FEATURE_COUNT);
  const customer = new Int32Array(rows);
  const labels = parts[0].labels.map(() => new Uint8Array(rows));
  let at = 0;
  for (const p of parts) {
    x.set(p.x, at * FEATURE_COUNT);
    customer.set(p.customer, at);
    p.labels.forEach((l, k) => {
      labels[k].set(l, at);
    });
    at += p.rows;
  }
  return { x, customer, labels, rows };
}

/** Feature rows and labels of the sampled customers with an order on or before `day`. */
export function rowsAsOf(
  book: Book,
  rules: Rules,
  cadence: CadenceModel,
  day: number,
  customers: Int32Array,
  horizons: readonly number[],
  activeWithinDays = Number.POSITIVE_INFINITY,
): Rows {
  const ctx = featureContext(book, rules, day, customers);
  const scratch = rowScratch(emptyFeatures());
  const x = new Float64Array(customers.length * FEATURE_COUNT);
  const customer = new Int32Array(customers.length);
  const labels = horizons.map(() => new Uint8Array(customers.length));
  let rows = 0;
  const row = new Float64Array(FEATURE_COUNT);
  for (const i of customers) {
    if (fillRow(book, i, ctx, rules, cadence, scratch, row) === null) continue;
    if (scratch.f.daysSinceLastOrder > activeWithinDays) continue;
    x.set(row, rows * FEATURE_COUNT);
    customer[rows] = i;
    horizons.forEach((h, k) => {
      labels[k][rows] = orderedWithin(book, i, day, day + h) ? 0 : 1;
    });
    rows++;
  }
  return {
    x: x.subarray(0, rows * FEATURE_COUNT),
    customer: customer.subarray(0, rows),
    labels: labels.map((l) => l.subarray(0, rows)),
    rows,
  };
}

/** Fits the book's model as of `asOfDay` and chooses between it and the rules (see the file's doc). */
export function fitBookModel(book: Book, rules: Rules, asOfDay: number, cadence: CadenceModel): BookModel {
  const settings = rules.learn;
  const H = settings.horizonDays;
  const validationDay = asOfDay - H;
  const firstOrder = book.orderDay.reduce((min, d) => Math.min(min, d), Number.POSITIVE_INFINITY);
  const keys = Uint32Array.from(book.customers, (c) => sampleKey(c.id));
  const base: ModelChoice = {
    use: 'rules',
    reason: '',
    horizonDays: H,
    fitDates: [],
    validationDate: null,
    fitRows: 0,
    validation: null,
    calibrated: false,
  };
  const rulesOnly = (reason: string): BookModel => ({
    choice: { ...base, reason },
    additive: null,
    calibrators: null,
  });
  if (!settings.enabled) return rulesOnly('learning turned off in the rules (learn.enabled)');
  if (!(validationDay > firstOrder))
    return rulesOnly(`too little history: no order before the validation day ${isoOfDay(validationDay)}`);

  // Validation rows: every customer up to the cap, labels at H.
  const validationSample = sampleRows(keys, MAX_VALIDATION_ROWS);
  const validation = rowsAsOf(book, rules, cadence, validationDay, validationSample, [H, 30]);
  const yV = validation.labels[0];
  const rulesZ = rulesLogOddsOfRows(validation);
  const recency = new Float64Array(validation.rows);
  // The choice is judged on the active book (an order within activeWithinDays), where the lists are.
  const active: number[] = [];
  for (let k = 0; k < validation.rows; k++) {
    recency[k] = validation.x[k * FEATURE_COUNT];
    if (recency[k] <= settings.activeWithinDays) active.push(k);
  }
  const activeChurned = active.reduce((sum, k) => sum + yV[k], 0);
  // Each horizon h is calibrated on the latest day whose labels are all seen: T − h. A 30-day chance
  // calibrated on the day the 90-day one is (T − 90) would miss two months of drift in the book.
  // The 90-day rows carry 30-day labels too, to measure that drift (see calibrate).
  const latest = PROBABILITY_HORIZONS.map((h) =>
    asOfDay - h === validationDay
      ? validation
      : rowsAsOf(book, rules, cadence, asOfDay - h, validationSample, [h, 30]),
  );
  // A small book's map is fitted on a few weeks of calibration days (see POOLED_BELOW_ROWS); whether
  // the chances can be stated is judged on the latest day alone, its customers each counted once.
  const calibrationRows = latest.map((r, j) => {
    if (r.rows >= POOLED_BELOW_ROWS) return r;
    const h = PROBABILITY_HORIZONS[j];
    const earlier = Array.from({ length: POOLED_WEEKS - 1 }, (_, k) =>
      rowsAsOf(book, rules, cadence, asOfDay - h - 7 * (k + 1), validationSample, [h, 30]),
    );
    return joinRows([r, ...earlier]);
  });
  const bothOutcomes = (events: number, rows: number, least: number) =>
    events >= least && rows - events >= least;
  // A probability is stated only when every horizon saw learn.minEvents of each outcome on all
  // customers; the choice needs ten of each on the active book.
  const canCalibrate = latest.every((r) =>
    bothOutcomes(
      r.labels[0].reduce((sum, v) => sum + v, 0),
      r.rows,
      settings.minEvents,
    ),
  );
  /** Which calibration day fell short of learn.minEvents, in words (only read when one did). */
  const calibrationShortfall = () => {
    const k = latest.findIndex(
      (r) =>
        !bothOutcomes(
          r.labels[0].reduce((sum, v) => sum + v, 0),
          r.rows,
          settings.minEvents,
        ),
    );
    const r = latest[k];
    const events = r.labels[0].reduce((sum, v) => sum + v, 0);
    const h = PROBABILITY_HORIZONS[k];
    return `on ${isoOfDay(asOfDay - h)} ${events} of ${r.rows} customers placed no order in ${h} days; it needs ${settings.minEvents} of each outcome`;
  };
  const canChoose = bothOutcomes(activeChurned, active.length, 10);
  const activeLabels = active.map((k) => yV[k] === 1);
  const activeAuc = (z: ArrayLike<number>) =>
    rocAuc(
      active.map((k) => z[k]),
      activeLabels,
    );
  /** Per horizon: the ranking's log-odds on that horizon's calibration rows, fitted to their labels. */
  const calibrate = (zsOf: (rows: Rows) => Float64Array): Record<ProbabilityHorizon, Calibrator> | null => {
    if (!canCalibrate) return null;
    const [z30, z60, z90] = calibrationRows.map(zsOf);
    const [r30, r60, r90] = calibrationRows;
    // The 90-day chance can only be calibrated on T − 90, a season before today. The drift since
    // then is measured on the 30-day horizon: the 30-day calibration of T − 90's rows, refitted with
    // its slope kept on T − 30's rows, moves its intercept by the change in the base rate; the 90-day
    // intercept moves by as much. (Shifting the 60-day one too was no better on the tuning books.)
    const drift = fitShift(fitCalibrator(z90, r90.labels[1]), z30, r30.labels[0]);
    const in90 = fitCalibrator(z90, r90.labels[0]);
    return {
      30: fitCalibrator(z30, r30.labels[0]),
      60: fitCalibrator(z60, r60.labels[0]),
      90: { a: in90.a + drift, b: in90.b },
    };
  };
  // The rules' and the baseline's AUC, measured once for every figure that states them.
  let rulesAndBaseline: { rulesAuc: number; baselineAuc: number } | null = null;
  const validationFigures = (modelAuc: number | null) => {
    rulesAndBaseline ??= { rulesAuc: activeAuc(rulesZ), baselineAuc: activeAuc(recency) };
    return {
      activeWithinDays: settings.activeWithinDays,
      customers: active.length,
      churned: activeChurned,
      modelAuc,
      ...rulesAndBaseline,
    };
  };
  const withRules = (reason: string, extra: Partial<ModelChoice> = {}): BookModel => {
    const calibrators = calibrate(rulesLogOddsOfRows);
    return {
      choice: {
        ...base,
        ...extra,
        reason,
        validationDate: isoOfDay(validationDay),
        validation: canChoose ? validationFigures(extra.validation?.modelAuc ?? null) : null,
        calibrated: calibrators !== null,
      },
      additive: null,
      calibrators,
    };
  };
  if (!canChoose)
    return withRules(
      `too little history: ${active.length} active customers on the validation day ${isoOfDay(validationDay)}, ${activeChurned} of them placed no order in ${H} days`,
    );

  // Fit rows: a hashed sample of customers, the same on every fit day; a day counted twice is read
  // once and copied, and counts twice against the cap.
  const usableDays = fitDaysOf(asOfDay, firstOrder, settings);
  const weights = usableDays.reduce((s, d) => s + d.weight, 0);
  const perDay = Math.floor(MAX_FIT_ROWS / Math.max(1, weights));
  const sample = sampleRows(keys, perDay);
  const parts = usableDays.map((d) => ({
    rows: rowsAsOf(book, rules, cadence, d.day, sample, [H]),
    weight: d.weight,
  }));
  const fitRows = parts.reduce((s, p) => s + p.rows.rows * p.weight, 0);
  const x = new Float64Array(fitRows * FEATURE_COUNT);
  const y = new Uint8Array(fitRows);
  let at = 0;
  for (const p of parts) {
    for (let copy = 0; copy < p.weight; copy++) {
      x.set(p.rows.x, at * FEATURE_COUNT);
      y.set(p.rows.labels[0], at);
      at += p.rows.rows;
    }
  }
  const events = y.reduce((s, v) => s + v, 0);
  const fitDates = usableDays.map((d) => isoOfDay(d.day));
  if (fitRows < settings.minRows || events < settings.minEvents || fitRows - events < settings.minEvents) {
    return withRules(
      `too little history: ${fitRows} rows on the fit days (${events} placed no order in ${H} days); the model needs ${settings.minRows} rows and ${settings.minEvents} of each outcome`,
      { fitDates, fitRows },
    );
  }
  // The penalty is chosen on the validation day too: a book of a few thousand steady regulars wants
  // little, a noisy retail book more.
  let additive: AdditiveModel | null = null;
  let best = Number.NEGATIVE_INFINITY;
  let previous: AdditiveModel | undefined;
  const binned = binRows(x, y, FEATURE_COUNT);
  // Every candidate bins as the fit rows do: the validation rows are binned once for all of them.
  const columns = new Map<Rows, Int32Array>([
    [validation, columnsOf(binned, validation.x, validation.rows, FEATURE_COUNT)],
  ]);
  const columnsOfRows = (r: Rows) => {
    let cols = columns.get(r);
    if (!cols) {
      cols = columnsOf(binned, r.x, r.rows, FEATURE_COUNT);
      columns.set(r, cols);
    }
    return cols;
  };
  for (const penalty of PENALTIES) {
    const candidate = fitAdditive(x, y, FEATURE_COUNT, { ...penalty, start: previous, binned });
    previous = candidate;
    const auc = activeAuc(modelLogOddsOfRows(candidate, validation, columnsOfRows(validation)));
    if (auc > best) {
      best = auc;
      additive = candidate;
    }
  }
  if (!additive) return withRules('the book model could not be fitted', { fitDates, fitRows });
  const figures = validationFigures(best);
  const f4 = (v: number) => v.toFixed(4);
  const modelAuc = figures.modelAuc ?? Number.NaN;
  if (!(modelAuc >= figures.rulesAuc + settings.margin)) {
    return withRules(
      `the book's model did not beat the rules on ${isoOfDay(validationDay)} (AUC ${f4(modelAuc)} against ${f4(figures.rulesAuc)}; it must win by ${settings.margin})`,
      { fitDates, fitRows, validation: figures },
    );
  }
  // A model whose ranking cannot be put into chances has no score to list by (it read 0 for every
  // customer, and the list's chances fell back to that 0): keep the rules, as a book with too little
  // history does.
  if (!canCalibrate)
    return withRules(
      `too little history to state the book's model's chances: it beat the rules on ${isoOfDay(validationDay)} (AUC ${f4(modelAuc)} against ${f4(figures.rulesAuc)}), but ${calibrationShortfall()}`,
      { fitDates, fitRows, validation: figures },
    );
  const model = additive;
  const calibrators = calibrate((r) => modelLogOddsOfRows(model, r, columnsOfRows(r)));
  return {
    choice: {
      ...base,
      use: 'model',
      reason: `the book's model beat the rules on ${isoOfDay(validationDay)}: AUC ${f4(modelAuc)} against ${f4(figures.rulesAuc)}`,
      fitDates,
      validationDate: isoOfDay(validationDay),
      fitRows,
      validation: figures,
      calibrated: calibrators !== null,
    },
    additive,
    calibrators,
  };
}

/**
 * A map from the chosen ranking's log-odds to a probability: Platt scaling, which on the books
 * measured calibrated as well as or better than isotonic steps and keeps the ranking.
 */
export type Calibrator = Platt;

function fitCalibrator(z: Float64Array, y: Uint8Array): Calibrator {
  return fitPlatt(z, y);
}

function applyCalibrator(c: Calibrator, z: number): number {
  return applyPlatt(c, z);
}

/** P(no order in the next 30/60/90 days) from the chosen ranking's log-odds; never rising with the horizon. */
export function noOrderProbability(
  calibrators: Record<ProbabilityHorizon, Calibrator>,
  z: number,
): NoOrderProbability {
  const p90 = applyCalibrator(calibrators[90], z);
  const p60 = Math.max(p90, applyCalibrator(calibrators[60], z));
  const p30 = Math.max(p60, applyCalibrator(calibrators[30], z));
  return { in30: p30, in60: p60, in90: p90 };
}
