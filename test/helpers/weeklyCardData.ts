import type { WeeklyCardData } from '../../cards/cardModels';
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
      reasons: s.reasons,
      play: 'Time-limited offer',
    })),
    lossReasons: lossReasonChoices(defaultRules().lossReasons),
  };
}
