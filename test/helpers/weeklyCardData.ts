import type { WeeklyCardData } from '../../cards/cardModels';
import { isDigest, type RepCardData } from '../../cards/renderCard';
import { lossReasonChoices } from '../../cards/weeklyCardData';
import type { CustomerState } from '../../rules/customerState';
import { defaultRules } from '../../rules/rulesSchema';

/** The weekly card data for some customers (what the weekly sender saves). */
export function weeklyData(states: readonly CustomerState[]): WeeklyCardData {
  return {
    runKey: 'weekly-2026-W48',
    customers: states.map((s) => ({
      customerId: s.customerId,
      name: s.name,
      band: s.band,
      score: s.score,
      monthlyValue: s.monthlyValue,
      valueKind: s.valueKind,
      reasons: s.reasons,
      play: 'Time-limited offer',
    })),
    lossReasons: lossReasonChoices(defaultRules().lossReasons),
  };
}

/** The rows of a stored weekly card (throws for a digest: a test that expects a weekly card has the wrong one). */
export function weeklyRows(card: { data: RepCardData } | null | undefined): WeeklyCardData['customers'] {
  if (!card) return [];
  if (isDigest(card.data)) throw new Error('expected a weekly card, found a digest');
  return card.data.customers;
}

/** The stored weekly card's "+N more", if any. */
export function weeklyOverflow(card: { data: RepCardData } | null | undefined): WeeklyCardData['overflow'] {
  return card && !isDigest(card.data) ? card.data.overflow : undefined;
}
