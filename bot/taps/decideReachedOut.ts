import { localDate } from '../../rules/calendar';
import type { AuditRow } from '../../storage/auditRow';
import { type ActionRules, auditBase, type Decision, type DecisionContext, refuse } from './actionTypes';
import { userText } from './actionWords';
import { undoneIds } from './auditHistory';
import { staleReason } from './staleReason';

/**
 * The customer's standing "reached out" from today (the team's date), or null: one contact a day is
 * what the follow-ups and the summary count, whichever card or tab it was tapped on.
 */
export function contactToday(history: readonly AuditRow[], today: string, timeZone: string): AuditRow | null {
  const undone = undoneIds(history);
  return (
    history.find(
      (r) => r.action === 'reached_out' && !undone.has(r.id) && localDate(r.at, timeZone) === today,
    ) ?? null
  );
}

/** Reached out: lastContact = today (the pause window starts); the score is not touched. */
export function decideReachedOut(ctx: DecisionContext, rules: ActionRules): Decision {
  const stale = staleReason(ctx.current, rules.lossReasons, ctx.today, ctx.locale, ctx.showText);
  if (stale) return refuse('stale', `${stale} Nothing was changed.`);
  const earlier = ctx.history ? contactToday(ctx.history, ctx.today, ctx.timeZone) : null;
  if (earlier) {
    const who =
      earlier.actorId === ctx.actor.userId
        ? 'you'
        : userText(earlier.actorName.trim(), ctx) || 'someone else';
    return refuse(
      'stale',
      `${userText(ctx.current.name, ctx)} was already marked reached out today by ${who}. Nothing was changed.`,
    );
  }
  return {
    ok: true,
    next: { ...ctx.current, lastContact: ctx.today },
    audit: { ...auditBase(ctx), action: 'reached_out' },
  };
}
