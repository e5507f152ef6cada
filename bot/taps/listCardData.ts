import { MAX_CARD_CUSTOMERS, type WeeklyCardData } from '../../cards/cardModels';
import { lossReasonChoices } from '../../cards/weeklyCardData';
import { heldOutInWeek } from '../../jobs/weekly/weeklyHoldout';
import { dayOf } from '../../rules/book';
import type { CustomerState } from '../../rules/customerState';
import { classifyGates } from '../../rules/gates';
import { playFor, vipThreshold } from '../../rules/play';
import { rankPerRep, valueAtRisk } from '../../rules/ranking';
import type { Rules } from '../../rules/rulesSchema';

export interface ListOptions {
  /** The rep's email/UPN (the feed's `owner`). */
  owner: string;
  /** Today in the team's zone, `YYYY-MM-DD`: the gates' pause and cool-down windows count from it. */
  today: string;
  /** The ISO week's run key (`weekly-2026-W48`), carried by the card's buttons. */
  runKey: string;
  currency?: string;
  locale?: string;
}

/**
 * The rep's list as of now, from the stored states: active, at risk, through the gates today,
 * ranked by value at risk and capped like the weekly card ("+N more" past the cap).
 */
export function listCardData(
  states: readonly CustomerState[],
  rules: Rules,
  options: ListOptions,
): WeeklyCardData {
  const owner = options.owner.trim().toLowerCase();
  const asOfDay = dayOf(options.today);
  const threshold = vipThreshold(
    states.map((s) => s.monthlyValue),
    rules.vip,
  );
  const mine = states
    .filter((s) => s.owner.trim().toLowerCase() === owner)
    .filter(
      (s) => classifyGates({ band: s.band, monthlyValue: s.monthlyValue, state: s }, rules, asOfDay).surfaced,
    )
    // The holdout group stays off every list, `list` included, or the lift measure would be void.
    .filter((s) => !heldOutInWeek(s.customerId, s, rules, options.runKey))
    .map((s) => ({ state: s, owner, score: s.score, valueAtRisk: valueAtRisk(s.monthlyValue, s.score) }));
  const cap = Math.min(rules.capPerRep, MAX_CARD_CUSTOMERS);
  const ranked = rankPerRep(mine, cap).ranked.get(owner) ?? [];
  const shown = ranked.slice(0, cap);
  const rest = ranked.slice(cap);
  return {
    runKey: options.runKey,
    customers: shown.map(({ state: s }) => ({
      customerId: s.customerId,
      name: s.name.trim() || s.customerId,
      band: s.band,
      score: s.score,
      monthlyValue: s.monthlyValue,
      reasons: s.reasons,
      play: playFor(s.monthlyValue, threshold).text,
      outcome: null,
    })),
    ...(rest.length > 0
      ? {
          overflow: {
            count: rest.length,
            monthlyValue: rest.reduce((sum, r) => sum + r.state.monthlyValue, 0),
          },
        }
      : {}),
    lossReasons: lossReasonChoices(rules.lossReasons),
    ...(options.currency ? { currency: options.currency } : {}),
    ...(options.locale ? { locale: options.locale } : {}),
  };
}
