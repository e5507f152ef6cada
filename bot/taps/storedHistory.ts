import type { CustomerState } from '../../rules/customerState';
import type { AuditRow } from '../../storage/auditRow';
import type { AuditStore } from '../../storage/auditStore';
import { HISTORY_LIMIT, undoKey, undoneIds } from './auditHistory';

/**
 * What a customer's trail in the store says beyond the latest rows a tap is decided on: whether a row
 * was undone, and a lost customer's standing loss.
 */

/**
 * True when a standing undo reverses `row` (an undo cancelled by a lost race does not count, nor
 * `pending`: the id of an undo whose state write is still being settled).
 */
export async function isUndone(
  audit: Pick<AuditStore, 'get'>,
  row: Pick<AuditRow, 'customerId' | 'id'>,
  pending: string | null = null,
): Promise<boolean> {
  const undo = await audit.get(row.customerId, undoKey(row.id));
  if (!undo || undo.id === pending) return false;
  return (await audit.get(row.customerId, undoKey(undo.id))) === null;
}

/**
 * A lost customer's history with their loss in it. A tap is decided on the customer's latest
 * HISTORY_LIMIT rows, and rows written after a loss that leave it standing (the cancellations of taps
 * that lost a race) can push the loss out of them: the digest then showed the order without the loss
 * and its Undo, Undo found nothing to undo, and Won back was refused as "already marked lost". When
 * the customer is lost and a full history holds no standing loss, the latest loss not undone is read
 * by one query and put at the end (it is older than every row read). Not the latest loss as such: a
 * Lost tapped a moment after the one that stands, on the state before it, was cancelled, and its
 * row can be the newer of the two. `pending`: an undo in the history whose state write is still being
 * settled, which does not count as undoing the loss.
 */
export async function withStandingLoss(
  audit: Pick<AuditStore, 'latestOfAction' | 'get'>,
  state: Pick<CustomerState, 'customerId' | 'status'>,
  history: readonly AuditRow[],
  pending: string | null = null,
): Promise<AuditRow[]> {
  const rows = [...history];
  // Fewer rows than the limit: the whole trail was read.
  if (state.status !== 'lost' || history.length < HISTORY_LIMIT) return rows;
  const undone = undoneIds(history.filter((r) => r.id !== pending));
  if (history.some((r) => r.action === 'lost' && !undone.has(r.id))) return rows;
  const loss = await audit.latestOfAction(
    state.customerId,
    'lost',
    async (r) => !undone.has(r.id) && !(await isUndone(audit, r, pending)),
  );
  return loss ? [...rows, loss] : rows;
}
