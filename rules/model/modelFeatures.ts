/**
 * What the learned model reads of one customer as of a day: the rules' own figures plus what carries
 * a distributor's book (lateness against the customer's own rhythm from two orders on, order counts
 * and values in recent windows against earlier ones, tickets) and the cadence model's figures. Only
 * orders and tickets on or before the day are read, so any past day replays exactly.
 *
 * A figure that does not exist for a customer (no rhythm with one order, no earlier window to compare
 * with) is NaN: the model gives "not known" its own bin instead of pretending it is 0.
 */
import type { Book } from '../book';
import { computeFeatures, DAYS_PER_MONTH, type FeatureContext, type Features } from '../features';
import type { Rules } from '../rulesSchema';
import { type Weighting, weightedScoreOnly, weighting } from '../score';
import { computeSignals, MODEL_SIGNALS } from '../signals';
import { type CadenceFigures, type CadenceModel, cadenceFigures } from './cadenceModel';

/** The model's inputs, in column order. */
export const MODEL_FEATURES = [
  'daysSinceLastOrder',
  'lateness',
  'lastGapStretch',
  'gapSpread',
  'orderDays',
  'tenureDays',
  'orders30',
  'orders90',
  'ordersTrend90',
  'ordersTrend180',
  'lastOrdersValue',
  'valueTrend90',
  'sourTickets30',
  'sourTickets90',
  'openTickets',
  'monthlyValue',
  'noOrderLikely',
  'aliveProbability',
  'rulesScore',
  'recencyShare',
  'lowFrequency',
  'ordersAheadLastYear',
] as const;
export type ModelFeature = (typeof MODEL_FEATURES)[number];
export const FEATURE_COUNT = MODEL_FEATURES.length;

/** Facts about the customer that the output carries beside the model's figures. */
export interface CustomerFacts {
  /** Orders on or before the as-of day. */
  orders: number;
  /** Their summed amounts. */
  spend: number;
  /** The customer's usual gap between order days (median of the last ones); null below two order days. */
  usualGapDays: number | null;
  /** Mean amount of the last three orders against the orders before them; null below four orders. */
  lastOrdersValueRatio: number | null;
}

const RECENT_GAPS = 8;

/** Reusable scratch space for one pass over the book (no allocation per customer). */
export interface RowScratch {
  f: Features;
  gaps: Float64Array;
  sorted: Float64Array;
  /**
   * The rules' weights as the rules score applies them with the pass's cadence model, worked out
   * by the first row (a pass reads one rules and one cadence model).
   */
  weighting: Weighting | null;
}

export function rowScratch(f: Features): RowScratch {
  return { f, gaps: new Float64Array(RECENT_GAPS), sorted: new Float64Array(RECENT_GAPS), weighting: null };
}

/**
 * Fills `row` (FEATURE_COUNT values) for customer i as of ctx.asOfDay and returns the facts; the
 * customer must have an order on or before that day (computeFeatures has filled scratch.f first).
 */
export function modelRow(
  book: Book,
  i: number,
  ctx: FeatureContext,
  rules: Rules,
  cadence: CadenceModel,
  scratch: RowScratch,
  row: Float64Array,
): CustomerFacts {
  const { f, gaps, sorted } = scratch;
  const asOf = ctx.asOfDay;
  const start = book.orderStart[i];
  const end = start + f.orderCount;
  const days = book.orderDay;
  const amounts = book.orderAmount;

  let spend = 0;
  let orders30 = 0;
  let recent180 = 0;
  let prior180 = 0;
  let lastDay = Number.NaN;
  // Seasonal buyers: the order days in the 90 days ahead, one year earlier.
  let aheadLastYear = 0;
  for (let k = start; k < end; k++) {
    spend += amounts[k];
    const d = days[k];
    if (d === lastDay) continue;
    lastDay = d;
    if (d > asOf - 30) orders30++;
    if (d > asOf - 365 && d <= asOf - 275) aheadLastYear++;
    if (d > asOf - 180) recent180++;
    else if (d > asOf - 360) prior180++;
  }
  // The last RECENT_GAPS gaps between distinct order days, newest first.
  let nGaps = 0;
  let later = end - 1;
  for (let k = end - 2; k >= start && nGaps < RECENT_GAPS; k--) {
    if (days[k] === days[later]) continue;
    gaps[nGaps++] = days[later] - days[k];
    later = k;
  }
  let usualGap = Number.NaN;
  let spread = Number.NaN;
  if (nGaps >= 1) usualGap = median(gaps, 0, nGaps, sorted);
  if (nGaps >= 3) {
    let mean = 0;
    for (let k = 0; k < nGaps; k++) mean += gaps[k];
    mean /= nGaps;
    let v = 0;
    for (let k = 0; k < nGaps; k++) v += (gaps[k] - mean) ** 2;
    spread = Math.sqrt(v / (nGaps - 1)) / mean;
  }
  // Last three orders against up to eight before them.
  let valueRatio = Number.NaN;
  const count = end - start;
  if (count >= 4) {
    let last = 0;
    for (let k = end - 3; k < end; k++) last += amounts[k];
    let before = 0;
    const from = Math.max(start, end - 11);
    for (let k = from; k < end - 3; k++) before += amounts[k];
    const beforeMean = before / (end - 3 - from);
    if (beforeMean > 0) valueRatio = last / 3 / beforeMean;
  }
  let sour90 = 0;
  for (let k = book.ticketStart[i]; k < book.ticketStart[i + 1]; k++) {
    const d = book.ticketDay[k];
    if (d > asOf) break;
    if (d > asOf - 90 && book.ticketSentiment[k] < 0) sour90++;
  }

  const figures: CadenceFigures | null = cadenceFigures(cadence, f);
  const signals = computeSignals(f, ctx, figures);
  // Unavailable model: its signals leave the score and the rule signals share the 100 points.
  scratch.weighting ??= weighting(rules.weights, cadence.status === 'fitted' ? undefined : MODEL_SIGNALS);
  const rulesScore = weightedScoreOnly(signals, scratch.weighting);

  row[0] = f.daysSinceLastOrder;
  row[1] = nGaps >= 1 ? f.daysSinceLastOrder / Math.max(1, usualGap) : Number.NaN;
  // The silence so far or the last gap, whichever is longer, against the gaps before it.
  row[2] =
    nGaps >= 2
      ? Math.max(gaps[0], f.daysSinceLastOrder) / Math.max(1, medianLeavingOut(sorted, nGaps, gaps[0]))
      : Number.NaN;
  row[3] = spread;
  row[4] = f.orderDays;
  row[5] = f.tenureDays;
  row[6] = orders30;
  row[7] = f.recentOrderDays;
  row[8] = f.priorOrderDays > 0 ? f.recentOrderDays / f.priorOrderDays : Number.NaN;
  row[9] = prior180 > 0 ? recent180 / prior180 : Number.NaN;
  row[10] = valueRatio;
  row[11] = f.priorValue > 0 ? f.recentValue / f.priorValue : Number.NaN;
  row[12] = f.sourTickets;
  row[13] = sour90;
  row[14] = f.openTickets;
  row[15] = f.monthlyValueIsDerived
    ? spendPerMonthWithUs(book, start, end, asOf, f.tenureDays, rules)
    : f.monthlyValue;
  row[16] = figures ? figures.noOrderProbability : Number.NaN;
  row[17] = figures ? figures.aliveProbability : Number.NaN;
  row[18] = rulesScore;
  row[19] = signals.recencyShare;
  row[20] = signals.lowFrequency;
  row[21] = f.tenureDays >= 365 ? aheadLastYear : Number.NaN;
  return {
    orders: count,
    spend,
    usualGapDays: nGaps >= 1 ? usualGap : null,
    lastOrdersValueRatio: Number.isNaN(valueRatio) ? null : valueRatio,
  };
}

/**
 * The value window's spend per month of the customer's time with us (at least a month). Unlike the
 * list's value (spend over the months they were active), months of silence dilute it: for the model
 * that dilution is itself a sign of leaving, and it was fitted and judged with it.
 */
function spendPerMonthWithUs(
  book: Book,
  start: number,
  end: number,
  asOf: number,
  tenureDays: number,
  rules: Rules,
): number {
  const from = asOf - rules.windows.valueDays;
  let spend = 0;
  for (let k = start; k < end; k++) if (book.orderDay[k] > from) spend += book.orderAmount[k];
  const spanDays = Math.max(DAYS_PER_MONTH, Math.min(rules.windows.valueDays, tenureDays + 1));
  return (spend / spanDays) * DAYS_PER_MONTH;
}

/**
 * Median of values[from, to), sorted into scratch by insertion: at most RECENT_GAPS values, where a
 * typed array's sort() cost more in its call than in sorting (a tenth of the training rows' time).
 */
function median(values: Float64Array, from: number, to: number, scratch: Float64Array): number {
  const n = to - from;
  for (let k = 0; k < n; k++) {
    const v = values[from + k];
    let j = k;
    while (j > 0 && scratch[j - 1] > v) {
      scratch[j] = scratch[j - 1];
      j--;
    }
    scratch[j] = v;
  }
  return n % 2 === 1 ? scratch[n >> 1] : (scratch[(n >> 1) - 1] + scratch[n >> 1]) / 2;
}

/**
 * The median of the ascending sorted[0, n) with one value equal to `value` left out: the gaps before
 * the last one, from the sort of all of them (the same values as sorting them again).
 */
function medianLeavingOut(sorted: Float64Array, n: number, value: number): number {
  let out = 0;
  while (sorted[out] !== value) out++;
  const m = n - 1;
  const mid = m >> 1;
  const upper = sorted[mid < out ? mid : mid + 1];
  if (m % 2 === 1) return upper;
  return (sorted[mid - 1 < out ? mid - 1 : mid] + upper) / 2;
}

/** The features for scoreBook's per-customer loop: computeFeatures then modelRow. */
export function fillRow(
  book: Book,
  i: number,
  ctx: FeatureContext,
  rules: Rules,
  cadence: CadenceModel,
  scratch: RowScratch,
  row: Float64Array,
): CustomerFacts | null {
  computeFeatures(book, i, ctx, scratch.f);
  if (scratch.f.orderCount === 0) return null;
  return modelRow(book, i, ctx, rules, cadence, scratch, row);
}
