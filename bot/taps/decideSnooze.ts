import { addDays, format } from 'date-fns';
import { type ActionRules, auditBase, type Decision, type DecisionContext, refuse } from './actionTypes';
import { staleReason } from './staleReason';

/** The day `days` after a `YYYY-MM-DD` date (calendar arithmetic, no zone involved). */
export function plusDays(isoDate: string, days: number): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  return format(addDays(new Date(y, m - 1, d, 12), days), 'yyyy-MM-dd');
}

/**
 * Snooze: the daily follow-ups leave the customer alone for `snoozeDays` (the weekly list's gates
 * are not touched: a snooze is about the reminders, not the risk).
 */
export function decideSnooze(ctx: DecisionContext, rules: ActionRules): Decision {
  const stale = staleReason(ctx.current, rules.lossReasons, ctx.locale);
  if (stale) return refuse('stale', `${stale} Nothing was changed.`);
  const until = plusDays(ctx.today, rules.snoozeDays);
  return {
    ok: true,
    next: { ...ctx.current, snoozedUntil: until },
    audit: { ...auditBase(ctx), action: 'snoozed', note: `until ${until}` },
  };
}
