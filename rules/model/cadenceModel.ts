/**
 * The book's cadence model inside scoring: BG/NBD (bgnbd.ts) fitted on the book's own
 * calibration summary as of the scoring day, in days. Only orders on or before that day enter the
 * summary, so a replay of any past day sees exactly what it would have seen then.
 *
 * Per customer: frequency x = distinct order days − 1, recency tx = last − first order day,
 * age T = as-of day − first order day (FHL 2005 §2 with days as the unit).
 */

import type { Features } from '../features';
import type { Rules } from '../rulesSchema';
import { type BgNbdParams, bgNbdProbabilityAlive, bgNbdProbabilityNoPurchase } from './bgnbd';
import { type BgNbdParamName, fitBgNbd } from './bgnbdFit';
import { sampleKey, sampleRows } from './cadenceSample';

/**
 * At most this many customers enter the fit (a hashed sample of the book; every customer below it),
 * so a million-customer book fits in the time of a 20k one.
 */
export const FIT_SAMPLE_CUSTOMERS = 20_000;
/**
 * Cap on log-likelihood evaluations of one fit: a few seconds on 20k customers. An interior optimum
 * (CDNOW) and the bounded ones (Online Retail, synthetic books) converge in under 100.
 */
export const FIT_MAX_EVALUATIONS = 4_000;

/** The model used for a scoring, or why the score fell back to the rule signals alone. */
export type CadenceModel =
  | {
      status: 'fitted';
      params: BgNbdParams;
      /** Customers in the calibration summary (an order on or before the as-of day, age > 0). */
      customers: number;
      /** Of those, how many the fit read (all of them up to FIT_SAMPLE_CUSTOMERS). */
      fittedOn: number;
      /** Parameters that ended on a bound of the fit's box (see bgnbdFit.ts); empty for an interior optimum. */
      atBound: BgNbdParamName[];
      /** Log-likelihood evaluations the fit took. */
      evaluations: number;
      /** Days ahead the "no order" probability looks. */
      horizonDays: number;
    }
  | { status: 'unavailable'; reason: string };

/** What the model says about one customer, for the signals and their reasons. */
export interface CadenceFigures {
  /** P(no order in the next horizonDays) under the fitted model. */
  noOrderProbability: number;
  /** Orders expected between the last order and today at the customer's own pace while ordering. */
  expectedOrdersByNow: number;
  /**
   * P(no order in the silence since the last order | still ordering at their own pace):
   * ((α + tx) / (α + T))^(r + x), the gamma mixture of e^(−λ(T − tx)). 1 for one-order customers.
   */
  silenceProbability: number;
  /** P(alive) (1 for one-order customers by construction of the model). */
  aliveProbability: number;
}

/**
 * The customers' BG/NBD histories as of the scoring day, column-wise (16 bytes a customer), with
 * the key that decides the fit's sample. Only customers who can enter the likelihood are kept.
 */
export class CadenceHistories {
  readonly x: Int32Array;
  readonly tx: Int32Array;
  readonly T: Int32Array;
  readonly key: Uint32Array;
  size = 0;

  constructor(capacity: number) {
    this.x = new Int32Array(capacity);
    this.tx = new Int32Array(capacity);
    this.T = new Int32Array(capacity);
    this.key = new Uint32Array(capacity);
  }

  /** Adds one customer's history; skipped when they have no order yet or their first order is today. */
  add(f: Features, customerId: string): void {
    // A customer whose first order is today adds nothing to the likelihood (T = 0): leave them out.
    if (!(f.orderCount > 0 && f.tenureDays > 0)) return;
    const k = this.size++;
    this.x[k] = f.orderDays - 1;
    this.tx[k] = f.lastOrderDay - f.firstOrderDay;
    this.T[k] = f.tenureDays;
    this.key[k] = sampleKey(customerId);
  }
}

/** The histories of customers given as features and ids (same order), for callers holding Features. */
export function historiesOf(features: readonly Features[], ids: readonly string[]): CadenceHistories {
  const histories = new CadenceHistories(features.length);
  features.forEach((f, i) => {
    histories.add(f, ids[i]);
  });
  return histories;
}

/** Fits the cadence model on the customers' histories as of one day; `unavailable` with a reason if it cannot. */
export function fitCadenceModel(histories: CadenceHistories, modelRules: Rules['model']): CadenceModel {
  if (!modelRules.enabled)
    return { status: 'unavailable', reason: 'turned off in the rules (model.enabled)' };
  const n = histories.size;
  if (n < modelRules.minCustomers) {
    return {
      status: 'unavailable',
      reason: `${n} customer(s) with history, fewer than the ${modelRules.minCustomers} the model needs (model.minCustomers)`,
    };
  }
  const rows = sampleRows(histories.key.subarray(0, n), FIT_SAMPLE_CUSTOMERS);
  const pick = (column: Int32Array) => Float64Array.from(rows, (row) => column[row]);
  // fitBgNbd merges identical histories first (compressBgNbdSummary).
  // Looser tolerances than the paper check: ranking needs the parameters to ~1e-4, not 1e-7.
  const fit = fitBgNbd(
    { x: pick(histories.x), tx: pick(histories.tx), T: pick(histories.T) },
    { fTolerance: 1e-8, xTolerance: 1e-5, maxEvaluations: FIT_MAX_EVALUATIONS },
  );
  if (!fit.converged)
    return { status: 'unavailable', reason: `the BG/NBD fit did not converge: ${fit.reason}` };
  return {
    status: 'fitted',
    params: fit.params,
    customers: n,
    fittedOn: rows.length,
    atBound: fit.atBound,
    evaluations: fit.evaluations,
    horizonDays: modelRules.horizonDays,
  };
}

/** The model's figures for one customer; null when the model is unavailable or they have no order yet. */
export function cadenceFigures(model: CadenceModel, f: Features): CadenceFigures | null {
  if (model.status !== 'fitted' || f.orderCount === 0) return null;
  const { params, horizonDays } = model;
  const x = f.orderDays - 1;
  const tx = f.lastOrderDay - f.firstOrderDay;
  const T = f.tenureDays;
  return {
    noOrderProbability: bgNbdProbabilityNoPurchase(params, horizonDays, x, tx, T),
    expectedOrdersByNow: expectedOrdersSinceLast(params, x, tx, T),
    silenceProbability: x === 0 ? 1 : ((params.alpha + tx) / (params.alpha + T)) ** (params.r + x),
    aliveProbability: bgNbdProbabilityAlive(params, x, tx, T),
  };
}

/**
 * Orders a repeat customer would have placed since their last order at the pace they showed until
 * then: E[λ | x orders in tx] · (T − tx) = (r + x) / (α + tx) · (T − tx), the gamma posterior mean of
 * the purchase rate (FHL 2005 §3). 0 for one-order customers: they have shown no pace of their own.
 */
export function expectedOrdersSinceLast(params: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 0;
  return ((params.r + x) / (params.alpha + tx)) * (T - tx);
}
