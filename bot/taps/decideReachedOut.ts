import { type ActionRules, auditBase, type Decision, type DecisionContext, refuse } from './actionTypes';
import { staleReason } from './staleReason';

/** Reached out: lastContact = today (the pause window starts); the score is not touched. */
export function decideReachedOut(ctx: DecisionContext, rules: ActionRules): Decision {
  const stale = staleReason(ctx.current, rules.lossReasons);
  if (stale) return refuse('stale', `${stale} Nothing was changed.`);
  return {
    ok: true,
    next: { ...ctx.current, lastContact: ctx.today },
    audit: { ...auditBase(ctx), action: 'reached_out' },
  };
}
