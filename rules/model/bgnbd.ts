/**
 * The BG/NBD model ("beta-geometric / negative binomial distribution") of Fader, Hardie & Lee (2005),
 * "Counting Your Customers the Easy Way: An Alternative to the Pareto/NBD Model", Marketing Science
 * 24(2), 275-284 [FHL]. While alive, a customer buys at Poisson rate λ ~ Gamma(r, α) (rate α); after each
 * repeat purchase they drop out for good with probability p ~ Beta(a, b).
 *
 * Everything here is pure and works on one customer's (x, tx, T) or on a column-wise summary
 * (see bgnbdSummary.ts). Time may be in any unit; α and every horizon t are in that same unit.
 *
 * Cross-checked against lifetimes' BetaGeoFitter, adapted from
 * https://github.com/CamDavidsonPilon/lifetimes/blob/0042c6393a2cf547d0ed13f5571ac56532d021fa/lifetimes/fitters/beta_geo_fitter.py
 */
import { z } from 'zod';
import { hyp2f1 } from './bgnbdHyp2f1';
import { digamma, logGamma } from './bgnbdLogGamma';
import type { BgNbdSummary } from './bgnbdSummary';

export const bgNbdParamsSchema = z.object({
  /** Shape of the gamma distribution of purchase rates λ. */
  r: z.number().positive().finite(),
  /** Rate (inverse scale) of the gamma distribution of λ, in the summary's time unit. */
  alpha: z.number().positive().finite(),
  /** First shape of the beta distribution of the drop-out probability p. */
  a: z.number().positive().finite(),
  /** Second shape of the beta distribution of p. */
  b: z.number().positive().finite(),
});
export type BgNbdParams = z.infer<typeof bgNbdParamsSchema>;

/** log(e^u + e^v) without overflow or underflow. */
function logAddExp(u: number, v: number): number {
  const m = Math.max(u, v);
  if (m === Number.NEGATIVE_INFINITY) return m;
  return m + Math.log1p(Math.exp(-Math.abs(u - v)));
}

/**
 * ln L(r, α, a, b | x, tx, T) of one customer, FHL eq. (6), evaluated in log space as FHL §7 lays out:
 *   ln L = ln A1 + ln A2 + ln(A3 + δ(x>0) A4), with
 *   ln A1 = lnΓ(r+x) − lnΓ(r) + r ln α
 *   ln A2 = lnΓ(a+b) + lnΓ(b+x) − lnΓ(b) − lnΓ(a+b+x)
 *   ln A3 = −(r+x) ln(α+T)
 *   ln A4 = ln a − ln(b+x−1) − (r+x) ln(α+tx)
 * and the last sum taken by log-sum-exp, so x in the hundreds does not overflow (Hardie's note 027).
 */
export function bgNbdLogLikelihood(params: BgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = params;
  const rx = r + x;
  const lnA1 = logGamma(rx) - logGamma(r) + r * Math.log(alpha);
  const lnA2 = logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x);
  const lnA3 = -rx * Math.log(alpha + T);
  if (x === 0) return lnA1 + lnA2 + lnA3;
  const lnA4 = Math.log(a) - Math.log(b + x - 1) - rx * Math.log(alpha + tx);
  return lnA1 + lnA2 + logAddExp(lnA3, lnA4);
}

/** Above this many days, ln(α + t) is not tabled per day (the table would cost more than it saves). */
const MAX_TABLED_DAY = 100_000;

/** The largest value when every value is a whole number in 0..MAX_TABLED_DAY; else -1. */
function wholeDaysUpTo(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(Number.isInteger(v) && v >= 0 && v <= MAX_TABLED_DAY)) return -1;
    if (v > max) max = v;
  }
  return max;
}

/**
 * The total log-likelihood of a summary at `params`; given `gradient` (four entries), also fills it
 * with ∂LL/∂(r, α, a, b).
 */
export type BgNbdLogLikelihood = (params: BgNbdParams, gradient?: Float64Array) => number;

/**
 * Builds the total log-likelihood of a summary, FHL eq. (7) (Σ weight_i · ln L_i), as a function of the
 * parameters. The terms that depend only on x (the gammas) are computed once per distinct x per call,
 * and when tx and T are whole days ln(α + t) once per day: a book of two years has ~730 distinct
 * days and tens of thousands of customers, so a fit then costs one exp and one log per repeat
 * customer per evaluation.
 *
 * The gradient, from the same terms: with p the share of ln(A3 + A4) that A4 carries,
 *   ∂/∂r = ψ(r+x) − ψ(r) + ln α − (1−p) ln(α+T) − p ln(α+tx)
 *   ∂/∂α = r/α − (r+x) ((1−p)/(α+T) + p/(α+tx))
 *   ∂/∂a = ψ(a+b) − ψ(a+b+x) + p/a
 *   ∂/∂b = ψ(a+b) − ψ(b) + ψ(b+x) − ψ(a+b+x) − p/(b+x−1)
 * (p = 0 when x = 0), so it costs one division per repeat customer more than the value.
 */
export function createBgNbdLogLikelihood(summary: BgNbdSummary): BgNbdLogLikelihood {
  const { x, tx, T, weight } = summary;
  const n = x.length;
  const levelOf = new Map<number, number>();
  const levelIndex = new Int32Array(n);
  const levels: number[] = [];
  for (let i = 0; i < n; i++) {
    let level = levelOf.get(x[i]);
    if (level === undefined) {
      level = levels.length;
      levels.push(x[i]);
      levelOf.set(x[i], level);
    }
    levelIndex[i] = level;
  }
  const lnA12 = new Float64Array(levels.length);
  const lnA4Constant = new Float64Array(levels.length);
  const rx = new Float64Array(levels.length);
  const tabled = wholeDaysUpTo(tx) >= 0 && wholeDaysUpTo(T) >= 0;
  const lnAlphaPlus = new Float64Array(tabled ? Math.max(wholeDaysUpTo(tx), wholeDaysUpTo(T)) + 1 : 0);
  // Whole days index the table directly; the loop below is the fit's hot path (tens of millions of
  // terms), so it reads plain typed arrays and no per-customer closure or branch on the weights.
  const txAt = tabled ? Int32Array.from(tx) : Float64Array.from(tx);
  const TAt = tabled ? Int32Array.from(T) : Float64Array.from(T);
  const w = weight === undefined ? new Float64Array(n).fill(1) : Float64Array.from(weight);
  const levelWeight = new Float64Array(levels.length);
  for (let i = 0; i < n; i++) levelWeight[levelIndex[i]] += w[i];
  const inverseAlphaPlus = new Float64Array(lnAlphaPlus.length);
  const levelTotal = levelWeight.reduce((sum, v) => sum + v, 0);

  return (params: BgNbdParams, gradient?: Float64Array): number => {
    const { r, alpha, a, b } = params;
    if (gradient !== undefined) return withGradient(params, gradient);
    const common = -logGamma(r) + r * Math.log(alpha) + logGamma(a + b) - logGamma(b);
    for (let l = 0; l < levels.length; l++) {
      const xl = levels[l];
      rx[l] = r + xl;
      lnA12[l] = common + logGamma(r + xl) + logGamma(b + xl) - logGamma(a + b + xl);
      lnA4Constant[l] = xl > 0 ? Math.log(a) - Math.log(b + xl - 1) : Number.NEGATIVE_INFINITY;
    }
    let total = 0;
    if (tabled) {
      for (let d = 0; d < lnAlphaPlus.length; d++) lnAlphaPlus[d] = Math.log(alpha + d);
      for (let i = 0; i < n; i++) {
        const l = levelIndex[i];
        const lnA3 = -rx[l] * lnAlphaPlus[TAt[i]];
        const ll =
          x[i] === 0
            ? lnA12[l] + lnA3
            : lnA12[l] + logAddExp(lnA3, lnA4Constant[l] - rx[l] * lnAlphaPlus[txAt[i]]);
        total += w[i] * ll;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const l = levelIndex[i];
        const lnA3 = -rx[l] * Math.log(alpha + TAt[i]);
        const ll =
          x[i] === 0
            ? lnA12[l] + lnA3
            : lnA12[l] + logAddExp(lnA3, lnA4Constant[l] - rx[l] * Math.log(alpha + txAt[i]));
        total += w[i] * ll;
      }
    }
    return total;
  };

  function withGradient(params: BgNbdParams, gradient: Float64Array): number {
    const { r, alpha, a, b } = params;
    const lnAlpha = Math.log(alpha);
    const common = -logGamma(r) + r * lnAlpha + logGamma(a + b) - logGamma(b);
    const psiR = digamma(r);
    const psiAB = digamma(a + b);
    const psiB = digamma(b);
    let total = 0;
    let dr = 0;
    let dAlpha = 0;
    let da = 0;
    let db = 0;
    for (let l = 0; l < levels.length; l++) {
      const xl = levels[l];
      rx[l] = r + xl;
      lnA12[l] = common + logGamma(r + xl) + logGamma(b + xl) - logGamma(a + b + xl);
      lnA4Constant[l] = xl > 0 ? Math.log(a) - Math.log(b + xl - 1) : Number.NEGATIVE_INFINITY;
      const wl = levelWeight[l];
      total += wl * lnA12[l];
      if (xl === 0) continue;
      const psiABX = digamma(a + b + xl);
      dr += wl * (digamma(r + xl) - psiR);
      da += wl * (psiAB - psiABX);
      db += wl * (psiAB - psiB + digamma(b + xl) - psiABX);
    }
    dr += levelTotal * lnAlpha;
    dAlpha += (levelTotal * r) / alpha;
    if (tabled) {
      for (let d = 0; d < lnAlphaPlus.length; d++) {
        lnAlphaPlus[d] = Math.log(alpha + d);
        inverseAlphaPlus[d] = 1 / (alpha + d);
      }
    }
    for (let i = 0; i < n; i++) {
      const l = levelIndex[i];
      const wi = w[i];
      const lnT = tabled ? lnAlphaPlus[TAt[i]] : Math.log(alpha + TAt[i]);
      const invT = tabled ? inverseAlphaPlus[TAt[i]] : 1 / (alpha + TAt[i]);
      const lnA3 = -rx[l] * lnT;
      if (x[i] === 0) {
        total += wi * lnA3;
        dr -= wi * lnT;
        dAlpha -= wi * rx[l] * invT;
        continue;
      }
      const lnTx = tabled ? lnAlphaPlus[txAt[i]] : Math.log(alpha + txAt[i]);
      const invTx = tabled ? inverseAlphaPlus[txAt[i]] : 1 / (alpha + txAt[i]);
      const lnA4 = lnA4Constant[l] - rx[l] * lnTx;
      // ln(e^lnA3 + e^lnA4) and the share p of A4, from one exp.
      const e = Math.exp(-Math.abs(lnA3 - lnA4));
      const p = lnA4 > lnA3 ? 1 / (1 + e) : e / (1 + e);
      total += wi * (Math.max(lnA3, lnA4) + Math.log1p(e));
      dr -= wi * ((1 - p) * lnT + p * lnTx);
      dAlpha -= wi * rx[l] * ((1 - p) * invT + p * invTx);
      da += (wi * p) / a;
      db -= (wi * p) / (b + levels[l] - 1);
    }
    gradient[0] = dr;
    gradient[1] = dAlpha;
    gradient[2] = da;
    gradient[3] = db;
    return total;
  }
}

/** Total log-likelihood of a summary at the given parameters, FHL eq. (7). */
export function bgNbdTotalLogLikelihood(params: BgNbdParams, summary: BgNbdSummary): number {
  return createBgNbdLogLikelihood(summary)(params);
}

/**
 * P(alive at T | x, tx, T): Fader, Hardie & Lee (2008), "Computing P(alive) using the BG/NBD model",
 * brucehardie.com/notes/021:
 *   P(alive) = 1 / (1 + δ(x>0) · a / (b+x−1) · ((α+T)/(α+tx))^(r+x)).
 * It is 1 for x = 0 by construction (the model lets customers drop out only right after a repeat
 * purchase), so it says nothing about one-order customers: use bgNbdProbabilityNoPurchase for them.
 */
export function bgNbdProbabilityAlive(params: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const { r, alpha, a, b } = params;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  // 1 / (1 + e^logOdds), written so neither branch overflows.
  if (logOdds > 0) {
    const e = Math.exp(-logOdds);
    return e / (1 + e);
  }
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; z)], z = t/(α+T+t): the
 * numerator of FHL eq. (10); with x = 0, T = 0 it is FHL eq. (9).
 * The 2F1 term uses Euler's transformation 2F1(A,B;C;z) = (1−z)^(C−A−B) 2F1(C−A, C−B; C; z); since
 * 1−z = (α+T)/(α+T+t) the power of (α+T)/(α+T+t) folds in and the term becomes
 *   (1−z)^(a−1) · 2F1(a+b−1−r, a−1; a+b+x−1; z),
 * whose upper parameters do not grow with x (the raw form's terms grow like e^(xz) before they shrink).
 * Within 1e-7 of a = 1 the factor 1/(a−1) is 0/0; there we take the mean of a = 1 ± 1e-5 (the
 * symmetric mean is off by O(1e-10), the cancellation in each by about 1e-11).
 */
function expectedRepeatPurchasesIfAlive(params: BgNbdParams, t: number, x: number, T: number): number {
  const { r, alpha, a, b } = params;
  if (t <= 0) return 0;
  if (Math.abs(a - 1) < 1e-7) {
    const step = 1e-5;
    return (
      (expectedRepeatPurchasesIfAlive({ ...params, a: 1 - step }, t, x, T) +
        expectedRepeatPurchasesIfAlive({ ...params, a: 1 + step }, t, x, T)) /
      2
    );
  }
  const z = t / (alpha + T + t);
  const logOneMinusZ = -Math.log1p(t / (alpha + T));
  const series = hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z);
  const term = Math.exp((a - 1) * logOneMinusZ) * series;
  return ((a + b + x - 1) / (a - 1)) * (1 - term);
}

/** E[X(t)]: expected repeat purchases in (0, t] of a new customer, FHL eq. (9). */
export function bgNbdExpectedPurchasesNewCustomer(params: BgNbdParams, t: number): number {
  return expectedRepeatPurchasesIfAlive(params, t, 0, 0);
}

/**
 * E[Y(t) | x, tx, T]: expected purchases in (T, T+t] of a customer with history (x, tx, T), FHL eq. (10).
 * Its denominator 1 + δ(x>0)·a/(b+x−1)·((α+T)/(α+tx))^(r+x) is 1 / P(alive), so this is
 * P(alive) times the eq. (9)-like numerator.
 */
export function bgNbdExpectedPurchases(
  params: BgNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  return bgNbdProbabilityAlive(params, x, tx, T) * expectedRepeatPurchasesIfAlive(params, t, x, T);
}

/**
 * P(no purchase in (T, T+t] | x, tx, T).
 * Derivation: a customer dead at T buys nothing. One alive at T stays alive until their next purchase
 * (drop-out happens only right after a purchase), so with rate λ they buy nothing in t with probability
 * e^(−λt). Given alive and the history, λ ~ Gamma(r+x, α+T) (the likelihood's alive branch is
 * λ^x e^(−λT)), so E[e^(−λt)] = ((α+T)/(α+T+t))^(r+x). Hence
 *   P(no purchase in t) = 1 − P(alive) · [1 − ((α+T)/(α+T+t))^(r+x)].
 * This is the same quantity as Fader & Hardie (2019), "A Step-by-Step Derivation of the BG/NBD Model",
 * brucehardie.com/notes/039, §5.3 eq. (34), as pymc-marketing's BetaGeoModel.expected_probability_no_purchase
 * computes it (the unit tests check the two forms agree).
 */
export function bgNbdProbabilityNoPurchase(
  params: BgNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  const { r, alpha } = params;
  if (t <= 0) return 1;
  const pBuyIfAlive = -Math.expm1(-(r + x) * Math.log1p(t / (alpha + T)));
  return 1 - bgNbdProbabilityAlive(params, x, tx, T) * pBuyIfAlive;
}

export interface BgNbdScores {
  /** P(alive at T) per customer. */
  probabilityAlive: Float64Array;
  /** P(no purchase in the next `horizon`) per customer. */
  probabilityNoPurchase: Float64Array;
  /** E[purchases in the next `horizon`] per customer. */
  expectedPurchases: Float64Array;
}

/** Scores every customer of a summary: P(alive), P(no purchase in `horizon`) and E[purchases in `horizon`]. */
export function scoreBgNbd(params: BgNbdParams, summary: BgNbdSummary, horizon: number): BgNbdScores {
  const n = summary.x.length;
  const probabilityAlive = new Float64Array(n);
  const probabilityNoPurchase = new Float64Array(n);
  const expectedPurchases = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = summary.x[i];
    const tx = summary.tx[i];
    const T = summary.T[i];
    probabilityAlive[i] = bgNbdProbabilityAlive(params, x, tx, T);
    probabilityNoPurchase[i] = bgNbdProbabilityNoPurchase(params, horizon, x, tx, T);
    expectedPurchases[i] = bgNbdExpectedPurchases(params, horizon, x, tx, T);
  }
  return { probabilityAlive, probabilityNoPurchase, expectedPurchases };
}
