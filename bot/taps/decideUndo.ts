import { type CustomerOutcome, outcomeKey } from '../../cards/cardModels';
import { addressKey } from '../../rules/addresses';
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
import { actionWords, type DateWording, userText } from './actionWords';
import { latestOpenAction, undoneIds } from './auditHistory';
import { outcomeOfRow, sameOutcome } from './cardOutcome';

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
    'wonBackOwner',
    'recoveredValue',
  ],
  lost: ['status', 'lostAt', 'lostReason', 'lostNote'],
  snoozed: ['snoozedUntil', 'snoozedAt'],
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

/** The card an Undo was tapped on: its message id and the outcome it shows on the customer's row (undefined: not known). */
export interface UndoCard {
  messageId: string;
  shown?: CustomerOutcome | null;
  /**
   * What the row showed when tapped, as its Undo button carried it (outcomeKey): decides over `shown`,
   * the stored data, which a save elsewhere may have changed while Teams kept showing the older action.
   */
  shownKey?: string;
}

/** The row an undo reverses, or why there is none: `gone` when the action the card shows is no longer open. */
export type UndoSelection =
  | { ok: true; target: AuditRow }
  | { ok: false; message: string; gone: boolean; undo: AuditRow | null };

/**
 * Picks the row an undo reverses: the customer's latest action that is not undone. With `card` (an
 * Undo tapped on a card) it must also be the action the card shows: taken from that card, or shown
 * there as the outcome (a `list` card shows actions taken on other cards). When the card shows an
 * action that is undone already, `gone` says so and `undo` is the row that undid it.
 */
export function selectUndoTarget(
  history: readonly AuditRow[],
  customerName: string,
  card: UndoCard | null,
  wording: DateWording,
): UndoSelection {
  const latest = latestOpenAction(history);
  const shown = card && shownRow(history, card, wording.timeZone);
  const undoneRow = shown ? history.find((r) => r.action === 'undo' && r.undoes === shown.id) : undefined;
  if (!latest) {
    const message = `There is nothing to undo on ${userText(customerName, wording)}.`;
    return { ok: false, message, gone: true, undo: undoneRow ?? null };
  }
  if (card === null || shown?.id === latest.id || latest.cardMessageId === card.messageId)
    return { ok: true, target: latest };
  // A row the product wrote by itself (marked lost after silence) belongs to no card: the Undo
  // beside it on the digest reverses it.
  if (isSystemActor(latest.actorId) && latest.cardMessageId === null) return { ok: true, target: latest };
  const only = `The latest action on ${userText(customerName, wording)} is ${actionWords(latest, wording)} by ${userText(latest.actorName, wording)}; only that one can be undone.`;
  const gone = shown !== undefined && shown !== null && undoneIds(history).has(shown.id);
  return { ok: false, message: only, gone, undo: gone ? (undoneRow ?? null) : null };
}

/**
 * The rep action the card shows on the customer's row: the newest one whose outcome it shows (open
 * ones first: two taps can read alike), else, when the card's data is not known, the newest taken
 * from it.
 */
function shownRow(history: readonly AuditRow[], card: UndoCard, timeZone: string): AuditRow | undefined {
  const actions = history.filter((r) => isRepAction(r.action));
  const { shown, shownKey } = card;
  const matches = (r: AuditRow) =>
    shownKey !== undefined
      ? outcomeKey(outcomeOfRow(r, timeZone)) === shownKey
      : shown !== undefined && shown !== null && sameOutcome(outcomeOfRow(r, timeZone), shown);
  if (shownKey === undefined && shown === undefined)
    return actions.find((r) => r.cardMessageId === card.messageId);
  const undone = undoneIds(history);
  const alike = actions.filter(matches);
  return alike.find((r) => !undone.has(r.id)) ?? alike[0];
}

/** True when `target` was taken while another address than `ownerNow` owned the customer. */
export function takenUnderOtherOwner(target: AuditRow, ownerNow: string): boolean {
  return addressKey(target.owner) !== addressKey(ownerNow);
}

/**
 * Who may undo `target` (decideUndo's rule; the caller has authorised the actor on the customer): the
 * one who took it, an admin, anyone for a row the product wrote itself, and for an action taken while
 * another rep owned the customer, the owner now.
 */
export function undoAllowed(
  target: AuditRow,
  ownerNow: string,
  actor: { userId: string; addresses?: readonly string[] },
  actorIsAdmin: boolean,
): boolean {
  // Another rep's while they owned the customer: under neither the owner's address now nor any of the
  // acting rep's (the weekly run rewrites a rep's sign-in name to her email, which is no handover).
  const takenByPreviousOwner =
    takenUnderOtherOwner(target, ownerNow) && !(actor.addresses ?? []).includes(addressKey(target.owner));
  return (
    target.actorId === actor.userId || actorIsAdmin || isSystemActor(target.actorId) || takenByPreviousOwner
  );
}

/**
 * Undo: restores what `target` changed and records an `undo` row pointing at it. Only the person who
 * took the action, or an admin, may undo it; a row the product wrote itself, whoever may act on the
 * customer (the caller has authorised them); and an action taken while another rep owned the customer,
 * the owner now: an account handed over (a rep left, a lost account given to someone to win back)
 * is theirs to reopen, and its previous owner may no longer act on it.
 */
export function decideUndo(
  ctx: DecisionContext,
  _rules: ActionRules,
  target: AuditRow,
  actorIsAdmin: boolean,
): Decision {
  if (!undoAllowed(target, ctx.current.owner, ctx.actor, actorIsAdmin)) {
    return refuse(
      'not_allowed',
      `Only ${userText(target.actorName, ctx) || 'the person who did it'} or an admin can undo ${actionWords(target, ctx)} on ${userText(ctx.current.name, ctx)}.`,
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
