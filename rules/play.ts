import { WON_BACK_TWICE_FLAG } from './followUps';
import type { Rules } from './rulesSchema';

/** The suggested play: VIPs get care, the rest an incentive; a customer saved twice this year, no offer. */
export type Play =
  | { kind: 'vip'; text: 'Personal call + a perk that is not a discount' }
  | { kind: 'standard'; text: 'Time-limited offer' }
  | { kind: 'no_offer'; text: 'Personal call, no discount or offer' };

export const VIP_PLAY: Play = { kind: 'vip', text: 'Personal call + a perk that is not a discount' };
export const STANDARD_PLAY: Play = { kind: 'standard', text: 'Time-limited offer' };
/** For a customer won back twice within a year: offers would teach them to churn for one. */
export const NO_OFFER_PLAY: Play = { kind: 'no_offer', text: 'Personal call, no discount or offer' };

/**
 * Lowest monthly value that makes a customer a VIP: the top `vip.topFraction` of the positive
 * values, or `vip.minMonthlyValue` when that is lower. Infinity when nobody qualifies.
 *
 * Customers tied at the cut are all in or all out, whichever lands nearer the top fraction (in on a
 * draw): a book where most customers are worth the same (one-order customers of one price) made
 * everyone a VIP, and the VIP play meant nothing.
 */
export function vipThreshold(monthlyValues: ArrayLike<number>, vip: Rules['vip']): number {
  const positive = Float64Array.from(monthlyValues).filter((v) => v > 0);
  positive.sort();
  const topCount = Math.floor(positive.length * vip.topFraction);
  return Math.min(byRank(positive, topCount), vip.minMonthlyValue ?? Number.POSITIVE_INFINITY);
}

/** The threshold for the top `topCount` of the ascending `sorted`, ties at the cut settled as above. */
function byRank(sorted: Float64Array, topCount: number): number {
  if (topCount <= 0) return Number.POSITIVE_INFINITY;
  const n = sorted.length;
  const cut = sorted[n - topCount];
  let first = n - topCount;
  while (first > 0 && sorted[first - 1] === cut) first--;
  let after = n - topCount;
  while (after < n && sorted[after] === cut) after++;
  const withTies = n - first;
  const withoutTies = n - after;
  if (topCount - withoutTies < withTies - topCount)
    return after < n ? sorted[after] : Number.POSITIVE_INFINITY;
  return cut;
}

/** The play for a customer worth `monthlyValue` a month, given the book's VIP threshold; no offer after repeat saves. */
export function playFor(monthlyValue: number, threshold: number, wonBackTwice = false): Play {
  if (wonBackTwice) return NO_OFFER_PLAY;
  return monthlyValue > 0 && monthlyValue >= threshold ? VIP_PLAY : STANDARD_PLAY;
}

/** The warnings a card shows beside a play ("Won back twice this year: no discount"). */
export function playFlags(play: Play): string[] {
  return play.kind === 'no_offer' ? [WON_BACK_TWICE_FLAG] : [];
}
