import { resolveUndos } from '../../jobs/monthly/netOfUndos';
import { type AuditRow, MAX_AUDIT_ID_CHARS } from '../../storage/auditRow';
import { boundedId } from '../../storage/keys';
import { isRepAction, type RepAction } from './actionTypes';

/**
 * Reading one customer's recent audit rows (newest first) and naming actions. Pure.
 *
 * Idempotency keys: a rep action tapped on card message M for customer C is `M|C|action|n`, where n
 * counts the actions already taken on C from M (all undone, or the row would still show its outcome
 * and no buttons) plus one. A double tap computes the same n and collides on the audit guard row;
 * a fresh tap after an Undo gets the next n, so "reached out, undo, reached out" records two actions.
 * An undo is `undo|<id of the row it undoes>`: a row can be undone once.
 *
 * The key cannot tell a tap Teams delivered again after an Undo from the rep tapping anew: both get
 * the next n. The Teams activity the tap came in can: each row a tap writes keeps it (`deliveryId`),
 * and a tap whose activity already wrote a row in the history read for it records nothing. The
 * history holds the customer's latest HISTORY_LIMIT rows; Teams delivers again within seconds of
 * the first, long before that many actions are taken on one customer.
 */

/** How many of a customer's latest audit rows are read to find open actions and judge a row against the others. */
export const HISTORY_LIMIT = 50;

const bounded = (key: string) => boundedId(key, MAX_AUDIT_ID_CHARS);

/** How a card message is named in the audit trail: its Teams id, hashed if a forged one is too long. */
export function cardMessageKey(messageId: string): string {
  return bounded(messageId);
}

/** The idempotency key of the `generation`-th action on a customer from one card message. */
export function actionKey(
  messageId: string,
  customerId: string,
  action: RepAction,
  generation: number,
): string {
  return bounded(`${messageId}|${customerId}|${action}|${generation}`);
}

/**
 * The idempotency key of a tap in the tab, where one user's taps on a customer share one name
 * (`tab:<user id>`) for as long as they use it. actionKey's generation counts that name's rows in the
 * customer's latest HISTORY_LIMIT rows, and stops growing once they fill them: the next tap's key was
 * then an earlier tap's, and it was answered as recorded without being taken. A tab tap is named
 * instead by the newest row it was decided on: two taps at once read the same one and collide; a
 * later tap comes after the row the earlier one wrote.
 */
export function tabActionKey(
  messageId: string,
  customerId: string,
  action: RepAction,
  history: readonly AuditRow[],
): string {
  return bounded(`${messageId}|${customerId}|${action}|after ${history[0]?.id ?? 'none'}`);
}

/** How a row names the Teams activity that wrote it: activity ids are unique only within a conversation. */
export function deliveryKey(delivery: { conversationId: string; activityId: string }): string {
  return bounded(`${delivery.conversationId}|${delivery.activityId}`);
}

/** The row the tap delivered as `deliveryId` wrote, or null (a first delivery). */
export function rowOfDelivery(history: readonly AuditRow[], deliveryId: string): AuditRow | null {
  return history.find((r) => r.deliveryId === deliveryId) ?? null;
}

/** The idempotency key of the undo of one row: the same row can only be undone once. */
export function undoKey(targetId: string): string {
  return bounded(`undo|${targetId}`);
}

/**
 * The ids of the actions a standing undo row in the history reverses. An undo that was itself
 * cancelled (it lost a race) does not count: the same rule the monthly summary nets out with.
 */
export function undoneIds(history: readonly AuditRow[]): ReadonlySet<string> {
  return resolveUndos(history).undone;
}

/** The customer's latest rep action that is not undone (what Undo reverses), or null. */
export function latestOpenAction(history: readonly AuditRow[]): AuditRow | null {
  const undone = undoneIds(history);
  return history.find((r) => isRepAction(r.action) && !undone.has(r.id)) ?? null;
}

/** The action taken on the customer from this card message that still stands, or null. */
export function openCardAction(history: readonly AuditRow[], messageId: string): AuditRow | null {
  const undone = undoneIds(history);
  return (
    history.find((r) => isRepAction(r.action) && r.cardMessageId === messageId && !undone.has(r.id)) ?? null
  );
}

/** The generation of the next action on a customer from one card message (see the file comment). */
export function nextGeneration(history: readonly AuditRow[], messageId: string): number {
  return history.filter((r) => isRepAction(r.action) && r.cardMessageId === messageId).length + 1;
}
