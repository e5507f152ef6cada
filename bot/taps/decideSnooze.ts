import { dayOf, isoOfDay } from '../../rules/calendar';
import { type ActionRules, auditBase, type Decision, type DecisionContext, refuse } from './actionTypes';
import { staleReason } from './staleReason';

/**
 * Snooze: the daily follow-ups leave the customer alone for `snoozeDays` (the weekly list's gates
 * are not touched: a snooze is about the reminders, not the risk).
 */
export function decideSnooze(ctx: DecisionContext, rules: ActionRules): Decision {
  const stale = staleReason(ctx.current, rules.lossReasons, ctx.today, ctx.locale, ctx.showText);
  if (stale) return refuse('stale', `${stale} Nothing was changed.`);
  const until = isoOfDay(dayOf(ctx.today) + rules.snoozeDays);
  return {
    ok: true,
    next: { ...ctx.current, snoozedUntil: until },
    audit: { ...auditBase(ctx), action: 'snoozed', note: `until ${until}` },
  };
}
