/**
 * The book's cadence model inside scoring: BG/NBD (rules/bgnbd.ts) fitted on the book's own
 * calibration summary as of the scoring day, in days. Only orders on or before that day enter the
 * summary, so a replay of any past day sees exactly what it would have seen then.
 *
 * Per customer: frequency x = distinct order days − 1, recency tx = last − first order day,
 * age T = as-of day − first order day (FHL 2005 §2 with days as the unit).
 */
import { type BgNbdParams, bgNbdProbabilityAlive, bgNbdProbabilityNoPurchase } from './bgnbd';
import { fitBgNbd } from './bgnbdFit';
import type { Features } from './features';
import type { Rules } from './rulesSchema';

/** The model used for a scoring, or why the score fell back to the rule signals alone. */
export type CadenceModel =
  | {
      status: 'fitted';
      params: BgNbdParams;
      /** Customers in the calibration summary (an order on or before the as-of day, age > 0). */
      customers: number;
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

/** Fits the cadence model on the customers' features as of one day; `unavailable` with a reason if it cannot. */
export function fitCadenceModel(features: readonly Features[], modelRules: Rules['model']): CadenceModel {
  if (!modelRules.enabled)
    return { status: 'unavailable', reason: 'turned off in the rules (model.enabled)' };
  let n = 0;
  for (const f of features) if (f.orderCount > 0 && f.tenureDays > 0) n++;
  if (n < modelRules.minCustomers) {
    return {
      status: 'unavailable',
      reason: `${n} customer(s) with history, fewer than the ${modelRules.minCustomers} the model needs (model.minCustomers)`,
    };
  }
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  let k = 0;
  for (const f of features) {
    // A customer whose first order is today adds nothing to the likelihood (T = 0): leave them out.
    if (!(f.orderCount > 0 && f.tenureDays > 0)) continue;
    x[k] = f.orderDays - 1;
    tx[k] = f.lastOrderDay - f.firstOrderDay;
    T[k] = f.tenureDays;
    k++;
  }
  // fitBgNbd merges identical histories first (compressBgNbdSummary), so a big book fits fast.
  // Looser tolerances than the paper check: ranking needs the parameters to ~1e-4, not 1e-7.
  const fit = fitBgNbd({ x, tx, T }, { fTolerance: 1e-8, xTolerance: 1e-5 });
  if (!fit.converged)
    return { status: 'unavailable', reason: `the BG/NBD fit did not converge: ${fit.reason}` };
  return { status: 'fitted', params: fit.params, customers: n, horizonDays: modelRules.horizonDays };
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
