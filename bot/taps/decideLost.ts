import { plainText } from '../../cards/format';
import { type ActionRules, auditBase, type Decision, type DecisionContext, refuse } from './actionTypes';
import { nothingRecordedOn } from './actionWords';
import { staleReason } from './staleReason';

/**
 * Lost: the reason must be one the rules file lists; the note is optional and bounded (a forged
 * submit ignores the card's own maxLength). The customer is marked lost so the scorer stops
 * surfacing them.
 */
export function decideLost(
  ctx: DecisionContext,
  rules: ActionRules,
  /** A note of null was sent as something other than text (a list, an object). */
  inputs: { reason?: string; note?: string | null },
): Decision {
  const stale = staleReason(ctx.current, rules.lossReasons, ctx.today, ctx.locale, ctx.showText);
  if (stale) return refuse('stale', `${stale} Nothing was changed.`);
  const notRecorded = nothingRecordedOn(ctx.current.name, ctx);
  const reason = inputs.reason?.trim() ?? '';
  if (!rules.lossReasons.some((r) => r.code === reason)) {
    const allowed = rules.lossReasons.map((r) => r.label).join(', ');
    return refuse('invalid', `Pick a reason from the list (${allowed}). ${notRecorded}`);
  }
  if (inputs.note === null)
    return refuse('invalid', `The note must be text, as typed in the box. ${notRecorded}`);
  // Control characters are dropped before anything is stored or measured: the trail keeps what reads.
  const note = plainText(inputs.note ?? '');
  if (note.length > rules.noteMaxLength) {
    return refuse(
      'invalid',
      `The note is ${note.length} characters long; keep it to ${rules.noteMaxLength} at most. ${notRecorded}`,
    );
  }
  return {
    ok: true,
    next: {
      ...ctx.current,
      status: 'lost',
      lostAt: ctx.today,
      lostReason: reason,
      lostNote: note === '' ? null : note,
    },
    audit: { ...auditBase(ctx), action: 'lost', reason, note: note === '' ? null : note },
  };
}
