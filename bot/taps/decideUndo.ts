import type { CustomerState } from '../../rules/customerState';
import type { AuditRow } from '../../storage/auditRow';
import {
  type ActionRules,
  auditBase,
  type Decision,
  type DecisionContext,
  isRepAction,
  isSystemActor,
  type RepAction,
  refuse,
} from './actionTypes';
import { actionWords } from './actionWords';
import { latestOpenAction } from './auditHistory';

/**
 * The fields each action changes, and so the fields its undo restores from the row's snapshot. The
 * rest (name, owner, value; for reached_out also the score) stay as they are now, so an undo after a
 * weekly re-score keeps the new score. With nothing else changed in between this is the whole snapshot.
 */
export const CHANGED_FIELDS: Record<RepAction, readonly (keyof CustomerState)[]> = {
  reached_out: ['lastContact'],
  won_back: [
    'score',
    'band',
    'reasons',
    'surfacedAt',
    'lastContact',
    'wonBackAt',
    'previousWonBackAt',
    'recoveredValue',
  ],
  lost: ['status', 'lostAt', 'lostReason', 'lostNote'],
  snoozed: ['snoozedUntil'],
};

/** The state after undoing `target` (a rep action with a snapshot) from the current state. */
export function restoreFrom(current: CustomerState, target: AuditRow): CustomerState {
  if (!target.snapshot) throw new Error(`audit row ${target.id} has no snapshot to restore`);
  if (!isRepAction(target.action)) {
    throw new Error(`audit row ${target.id} is a ${target.action}, which cannot be undone`);
  }
  const next: CustomerState = { ...current };
  const snapshot = target.snapshot;
  for (const field of CHANGED_FIELDS[target.action]) Object.assign(next, { [field]: snapshot[field] });
  return next;
}

/**
 * Picks the row an undo reverses: the customer's latest action that is not undone. With
 * `cardMessageId` (an Undo tapped on a card) it must also be the action taken from that card.
 */
export function selectUndoTarget(
  history: readonly AuditRow[],
  customerName: string,
  cardMessageId: string | null,
  timeZone = 'UTC',
): { ok: true; target: AuditRow } | { ok: false; message: string } {
  const latest = latestOpenAction(history);
  if (!latest) return { ok: false, message: `There is nothing to undo on ${customerName}.` };
  // A row the product wrote by itself (marked lost after silence) belongs to no card: the Undo
  // beside it on the digest reverses it.
  const systemRow = isSystemActor(latest.actorId) && latest.cardMessageId === null;
  if (cardMessageId !== null && latest.cardMessageId !== cardMessageId && !systemRow) {
    return {
      ok: false,
      message: `The latest action on ${customerName} is ${actionWords(latest, timeZone)} by ${latest.actorName}; only that one can be undone.`,
    };
  }
  return { ok: true, target: latest };
}

/**
 * Undo: restores what `target` changed and records an `undo` row pointing at it. Only the person who
 * took the action, or an admin, may undo it; a row the product wrote itself, whoever may act on the
 * customer (the caller has authorised them).
 */
export function decideUndo(
  ctx: DecisionContext,
  _rules: ActionRules,
  target: AuditRow,
  actorIsAdmin: boolean,
): Decision {
  if (target.actorId !== ctx.actor.userId && !actorIsAdmin && !isSystemActor(target.actorId)) {
    return refuse(
      'not_allowed',
      `Only ${target.actorName || 'the person who did it'} or an admin can undo ${actionWords(target, ctx.timeZone)} on ${ctx.current.name}.`,
    );
  }
  if (target.customerId !== ctx.current.customerId) {
    return refuse('invalid', 'That action belongs to another customer. Nothing was changed.');
  }
  return {
    ok: true,
    next: restoreFrom(ctx.current, target),
    audit: { ...auditBase(ctx), action: 'undo', undoes: target.id },
  };
}
