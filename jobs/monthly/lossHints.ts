import { formatCount } from '../../cards/format';
import type { LossShare } from './monthlySummarySchema';

/** Below this many losses a "dominant" reason is an anecdote, not a pattern: no hint. */
export const MIN_LOSSES_FOR_HINT = 2;
/** A reason dominates at half the losses or more. */
export const DOMINANT_SHARE = 0.5;

/** What a sales lead should do when one reason dominates, keyed by the rules file's reason code. */
const ADVICE: Readonly<Record<string, (count: string, total: string) => string>> = {
  price: (n, total) => `${n} of ${total} losses were price: that is a pricing conversation.`,
  went_quiet: (n, total) => `${n} of ${total} losses went quiet: flag earlier, tighten the weights.`,
};

/**
 * The hints for a month's losses: one per reason with advice that holds half the losses or more,
 * their counts written in `locale` as the card's other figures.
 */
export function lossHints(losses: readonly LossShare[], locale: string): string[] {
  const total = losses.reduce((sum, l) => sum + l.count, 0);
  if (total < MIN_LOSSES_FOR_HINT) return [];
  return losses
    .filter((l) => l.count / total >= DOMINANT_SHARE && Object.hasOwn(ADVICE, l.code))
    .map((l) => ADVICE[l.code](formatCount(l.count, locale), formatCount(total, locale)));
}
