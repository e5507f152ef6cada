import type { CustomerState } from '../../rules/customerState';
import { sameCustomerState } from '../../rules/customerState';
import type { AuditRow, NewAuditRow } from '../../storage/auditRow';
import type { AuditStore } from '../../storage/auditStore';
import { ConflictError } from '../../storage/errors';
import type { StateRead, StateStore } from '../../storage/stateStore';
import { type Accepted, isRepAction } from './actionTypes';
import { HISTORY_LIMIT, latestOpenAction, undoKey, undoneIds } from './auditHistory';
import { restoreFrom } from './decideUndo';
import { type ReplayOptions, replayRow } from './replayRow';
import { type Settlement, sameChangeRival, settleRecorded, showsChange } from './settleRow';
import { isUndone, withStandingLoss } from './storedHistory';

/**
 * Writing an accepted action: the audit row first, then the state.
 *
 * Why this order. The audit row is the commit record: it carries the idempotency key, the snapshot
 * of the state before and everything the transition needs, so the state that follows from it can
 * always be recomputed (replayRow). The state write is then a projection of the row:
 * - crash after the audit row, before the state: the next tap of the same button computes the same
 *   key, finds the row (the guard collides) and finishes the state write from the row. State never
 *   changes without an audit row, because nothing writes state before its row exists.
 * - double tap: both taps compute the same key; one row is stored, and each tap writes the state
 *   only when it still equals the row's snapshot (the ETag makes that check-and-write atomic), so
 *   the state changes once.
 * - race (two people, two keys): each writes its row, then the state only if it still equals its
 *   snapshot. The second finds the first one's state instead: its row is then cancelled by an
 *   `undo` row (`undo|<id>`, so counts net it out and Undo skips it) and the person is told what
 *   happened. The trail keeps both attempts; the state shows one. That holds when both taps had the
 *   same result too: the state already showing the change counts as written only when no other key
 *   made it (settleRow), or two rows would count one save.
 * What a retry cannot finish: a crash after the row, never retried, leaves a row whose state write
 * is missing until the next tap on the customer, by anyone, anywhere (finishInterrupted): it is
 * finished on the state as it is then before that tap is decided, or cancelled when someone acted on
 * the customer meanwhile.
 */

/** The stores the commit touches. */
export interface CommitStores {
  state: StateStore;
  audit: AuditStore;
}

export type CommitResult =
  /** The action stands: `fresh` when this call recorded the row, false for a repeated key. */
  | { kind: 'applied'; row: AuditRow; fresh: boolean }
  /** Someone changed the customer first: our row was cancelled; `current` is what is stored now. */
  | { kind: 'conflict'; current: CustomerState | null; row: AuditRow }
  /** The key was used before and that row has since been undone (or cancelled). */
  | { kind: 'undone'; row: AuditRow }
  /**
   * Our row never changed the state and was cancelled: `by` made the same change first (`same`), or
   * acted on the customer since (null when unknown).
   */
  | { kind: 'superseded'; row: AuditRow; by: AuditRow | null; same: boolean };

/** Note on the row that cancels an action which lost the race. */
export const CANCELLED_NOTE = 'not applied: the customer was changed by someone else at the same moment';

/** Note on the row that cancels a superseded action (see CommitResult's `superseded`). */
export function supersededNote(by: AuditRow | null, same: boolean): string {
  if (same) return `not applied: the same change was already recorded${by ? ` by ${by.actorName}` : ''}`;
  return `not applied: ${by ? `${by.actorName} acted` : 'someone acted'} on the customer before it reached the state`;
}

/** Records an accepted action and brings the state in line (see the file comment). */
export async function commitDecision(
  stores: CommitStores,
  decision: Accepted,
  options: ReplayOptions & { at: string },
): Promise<CommitResult> {
  if (!decision.audit.snapshot) throw new Error('an action row must carry the state before it');
  const { recorded, row } = await stores.audit.record(decision.audit);
  if (!recorded) return finishRecorded(stores, row, options);
  // The stored row's snapshot: the one given, parsed (fields it may lack filled in).
  const snapshot = row.snapshot;
  if (!snapshot) throw new Error('an action row must carry the state before it');
  const outcome = await projectState(stores.state, row.customerId, snapshot, decision.next);
  const action = isRepAction(row.action)
    ? { row: { ...row, action: row.action }, replayed: decision.next }
    : null;
  /** When another row with the same change counts instead of this one (sameChangeKeeper): cancels ours. */
  const yieldToRival = async (): Promise<CommitResult | null> => {
    if (!action) return null;
    const rival = sameChangeRival(await history(stores, row), action, options.timeZone);
    if (!rival) return null;
    await cancelRow(stores.audit, row, options.at, supersededNote(rival, true));
    return { kind: 'superseded', row, by: rival, same: true };
  };
  if (outcome.kind === 'applied') {
    // Written, but an older row with the same change (say, a tap whose own write was lost in a
    // crash) counts instead: the state is the same, and the change must not count twice.
    return (await yieldToRival()) ?? { kind: 'applied', row, fresh: true };
  }
  const { current } = outcome;
  // The change is there but this call did not write it: the same key (a double tap finishing first)
  // or another key with the same result; the older of the two counts.
  if (current && action && showsChange(current, action))
    return (await yieldToRival()) ?? { kind: 'applied', row, fresh: true };
  if (current && (await redoUndo(stores, row, current))) return { kind: 'applied', row, fresh: true };
  await cancelRow(stores.audit, row, options.at, CANCELLED_NOTE);
  return { kind: 'conflict', current, row };
}

/**
 * Finishes a row found under a repeated key (a double tap racing the first, or a retry after a crash
 * left its state write undone). An undo is written when the state still equals its snapshot. A rep
 * action is settled against the trail and the fresh state (settleRow): it stands, its change is put on
 * the state as it is now, or, when someone acted on the customer meanwhile, it is cancelled and the
 * result says so: never reported done without being in the state.
 */
export async function finishRecorded(
  stores: CommitStores,
  row: AuditRow,
  options: ReplayOptions & { at: string },
): Promise<CommitResult> {
  if (await isUndone(stores.audit, row)) return { kind: 'undone', row };
  if (!row.snapshot) return { kind: 'applied', row, fresh: false };
  if (!isRepAction(row.action)) {
    const target =
      row.action === 'undo' && row.undoes ? await stores.audit.get(row.customerId, row.undoes) : null;
    const next = replayRow(row, options, target);
    await projectState(stores.state, row.customerId, row.snapshot, next);
    return { kind: 'applied', row, fresh: false };
  }
  const action = {
    row: { ...row, action: row.action },
    replayed: replayRow(row, options),
  };
  const trail = await history(stores, row);
  let settled = null as Settlement | null;
  try {
    await stores.state.update(row.customerId, (current) => {
      settled = current && settleRecorded(action, trail, current, options.timeZone);
      return settled?.kind === 'write' ? settled.state : null;
    });
  } catch (err) {
    if (err instanceof ConflictError)
      return { kind: 'conflict', current: (await stores.state.get(row.customerId))?.state ?? null, row };
    throw err;
  }
  if (settled === null) return { kind: 'conflict', current: null, row };
  if (settled.kind !== 'cancel') return { kind: 'applied', row, fresh: false };
  await cancelRow(stores.audit, row, options.at, supersededNote(settled.by, settled.same));
  return { kind: 'superseded', row, by: settled.by, same: settled.same };
}

/**
 * Finishes the customer's latest standing rep action, or Undo, when the state does not show it: its
 * state write was cut short (a crash) and the same tap was never made again. A tap elsewhere
 * (another card, the tab, another day) is then decided on the state the trail says: otherwise a
 * second Reached out that day was refused as done while the state had no contact, a Lost tapped the
 * next day counted a second loss, and after an undone loss every tap was refused as "already marked
 * lost". Settled as a retry of that tap would settle it (written, or cancelled when someone acted
 * since; an undo written only while the state is still as it found it). When it did, the customer
 * and their latest rows as they are now (for the caller to decide on); null when there was nothing
 * to finish.
 */
export async function finishInterrupted(
  stores: CommitStores,
  history: readonly AuditRow[],
  current: CustomerState,
  options: ReplayOptions & { at: string },
): Promise<{ read: StateRead | null; history: AuditRow[] } | null> {
  const undone = undoneIds(history);
  // Newest first; a cancellation is an undo row with no snapshot, which writes no state.
  const latest = history.find(
    (r) => r.snapshot !== null && (isRepAction(r.action) || r.action === 'undo') && !undone.has(r.id),
  );
  if (!latest?.snapshot) return null;
  if (!isRepAction(latest.action)) {
    const target = history.find((r) => r.id === latest.undoes);
    if (!target || !sameCustomerState(current, latest.snapshot)) return null;
    if (sameCustomerState(current, replayRow(latest, options, target))) return null;
  } else {
    const action = {
      row: { ...latest, action: latest.action },
      replayed: replayRow(latest, options),
    };
    if (showsChange(current, action)) return null;
  }
  await finishRecorded(stores, latest, options);
  const [read, after] = await Promise.all([
    stores.state.get(latest.customerId),
    stores.audit.latestForCustomer(latest.customerId, { limit: HISTORY_LIMIT }),
  ]);
  return { read, history: after };
}

/** The customer's latest rows, newest first, as far back as an open action is looked for. */
function history(stores: CommitStores, row: AuditRow): Promise<AuditRow[]> {
  return stores.audit.latestForCustomer(row.customerId, { limit: HISTORY_LIMIT });
}

/**
 * An undo whose state write lost the race: reload and re-decide. When the action it reverses is
 * still the customer's latest standing one (the rival was, say, a weekly re-score), restore its
 * fields on the fresh state; false when someone else acted since, so the undo must be cancelled.
 */
async function redoUndo(stores: CommitStores, row: AuditRow, current: CustomerState): Promise<boolean> {
  if (row.action !== 'undo' || !row.undoes) return false;
  // With the customer's standing loss when it is further back than the rows read, as the undo found it.
  const trail = await withStandingLoss(stores.audit, current, await history(stores, row), row.id);
  const target = latestOpenAction(trail.filter((r) => r.id !== row.id));
  if (!target || target.id !== row.undoes) return false;
  const outcome = await projectState(stores.state, row.customerId, current, restoreFrom(current, target));
  return outcome.kind === 'applied';
}

type Projection = { kind: 'applied' } | { kind: 'conflict'; current: CustomerState | null };

/**
 * Writes `next` only while the stored state equals `snapshot`. A state that already equals `next` is
 * a conflict too, for the caller to judge: who wrote it matters (see commitDecision).
 */
async function projectState(
  state: StateStore,
  customerId: string,
  snapshot: CustomerState,
  next: CustomerState,
): Promise<Projection> {
  let conflict: Projection | null = null;
  try {
    await state.update(customerId, (current) => {
      conflict = null;
      if (current === null) {
        conflict = { kind: 'conflict', current: null };
        return null;
      }
      if (!sameCustomerState(current, snapshot)) {
        conflict = { kind: 'conflict', current };
        return null;
      }
      return sameCustomerState(current, next) ? null : next;
    });
  } catch (err) {
    // Lost the ETag race on every attempt: as good as a conflict, with the state unknown.
    if (err instanceof ConflictError)
      return { kind: 'conflict', current: (await state.get(customerId))?.state ?? null };
    throw err;
  }
  return conflict ?? { kind: 'applied' };
}

/**
 * Cancels a row whose state write lost the race or was superseded, with an undo row pointing at it
 * and a note saying which. It carries no
 * snapshot: it changed no state, so there is nothing to replay or restore from it.
 */
async function cancelRow(audit: AuditStore, row: AuditRow, at: string, note: string): Promise<void> {
  const cancel: NewAuditRow = {
    id: undoKey(row.id),
    action: 'undo',
    customerId: row.customerId,
    customerName: row.customerName,
    owner: row.owner,
    actorId: row.actorId,
    actorName: row.actorName,
    at,
    snapshot: null,
    undoes: row.id,
    note,
    cardMessageId: row.cardMessageId,
    source: row.source,
  };
  await audit.record(cancel);
}
