/**
 * The tiers sales teams use, from the calibrated probabilities. A customer more likely than not to
 * place no order for the next 90 days is lapsing now: act within 30 days (immediate). Likely silent
 * for 60 days but not 90: act within 60 (moderate). Likely silent only for the next 30: an early
 * warning to watch over 90 days. Anyone else has no tier.
 */
import type { NoOrderProbability } from './bookModel';

export type Tier = 'immediate' | 'moderate' | 'early_warning';

/** "More likely than not". */
export const TIER_PROBABILITY = 0.5;

export function tierOf(p: NoOrderProbability): Tier | null {
  if (p.in90 >= TIER_PROBABILITY) return 'immediate';
  if (p.in60 >= TIER_PROBABILITY) return 'moderate';
  if (p.in30 >= TIER_PROBABILITY) return 'early_warning';
  return null;
}
