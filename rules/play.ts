import type { Rules } from './rulesSchema';

/** The suggested play: VIPs get care, the rest an incentive. */
export type Play =
  | { kind: 'vip'; text: 'Personal call + a perk that is not a discount' }
  | { kind: 'standard'; text: 'Time-limited offer' };

export const VIP_PLAY: Play = { kind: 'vip', text: 'Personal call + a perk that is not a discount' };
export const STANDARD_PLAY: Play = { kind: 'standard', text: 'Time-limited offer' };

/**
 * Lowest monthly value that makes a customer a VIP: the top `vip.topFraction` of the positive
 * values, or `vip.minMonthlyValue` when that is lower. Infinity when nobody qualifies.
 */
export function vipThreshold(monthlyValues: ArrayLike<number>, vip: Rules['vip']): number {
  const positive = Float64Array.from(monthlyValues).filter((v) => v > 0);
  positive.sort();
  const topCount = Math.floor(positive.length * vip.topFraction);
  const byRank = topCount > 0 ? positive[positive.length - topCount] : Number.POSITIVE_INFINITY;
  return Math.min(byRank, vip.minMonthlyValue ?? Number.POSITIVE_INFINITY);
}

/** The play for a customer worth `monthlyValue` a month, given the book's VIP threshold. */
export function playFor(monthlyValue: number, threshold: number): Play {
  return monthlyValue > 0 && monthlyValue >= threshold ? VIP_PLAY : STANDARD_PLAY;
}
