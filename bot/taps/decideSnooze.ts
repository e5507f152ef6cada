import { dayOf, isoOfDay } from '../../rules/calendar';
import type { AuditRow } from '../../storage/auditRow';
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
    next: { ...ctx.current, snoozedUntil: until, snoozedAt: ctx.today },
    audit: { ...auditBase(ctx), action: 'snoozed', note: `until ${until}` },
  };
}

/** The day a snooze row runs to (its note reads `until YYYY-MM-DD`); null for any other row. */
export function snoozedUntilOf(row: Pick<AuditRow, 'note'>): string | null {
  return /^until (\d{4}-\d{2}-\d{2})$/.exec(row.note ?? '')?.[1] ?? null;
}
