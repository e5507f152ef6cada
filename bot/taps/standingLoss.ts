import type { CustomerState } from '../../rules/customerState';
import type { AuditRow } from '../../storage/auditRow';
import type { AuditStore } from '../../storage/auditStore';
import { HISTORY_LIMIT, undoneIds } from './auditHistory';
import { isUndone } from './commitAction';

/**
 * A lost customer's history with their loss in it. A tap is decided on the customer's latest
 * HISTORY_LIMIT rows, and rows written after a loss that leave it standing (the cancellations of taps
 * that lost a race) can push the loss out of them: the digest then showed the order without the loss
 * and its Undo, Undo found nothing to undo, and Won back was refused as "already marked lost". When
 * the customer is lost and a full history holds no standing loss, the latest loss not undone is read
 * by one query and put at the end (it is older than every row read). Not the latest loss as such: a
 * Lost tapped a moment after the one that stands, on the state before it, was cancelled, and its
 * row can be the newer of the two.
 */
export async function withStandingLoss(
  audit: Pick<AuditStore, 'latestOfAction' | 'get'>,
  state: Pick<CustomerState, 'customerId' | 'status'>,
  history: readonly AuditRow[],
): Promise<AuditRow[]> {
  const rows = [...history];
  // Fewer rows than the limit: the whole trail was read.
  if (state.status !== 'lost' || history.length < HISTORY_LIMIT) return rows;
  const undone = undoneIds(history);
  if (history.some((r) => r.action === 'lost' && !undone.has(r.id))) return rows;
  const loss = await audit.latestOfAction(
    state.customerId,
    'lost',
    async (r) => !undone.has(r.id) && !(await isUndone(audit, r)),
  );
  return loss ? [...rows, loss] : rows;
}
