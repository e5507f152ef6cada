import { createHash } from 'node:crypto';
import type { CustomerState } from '../rules/customerState';
import type { ScoredCustomer } from '../rules/scoreBook';
import type { NewAuditRow } from '../storage/auditRow';

/** Who the weekly run's own audit rows name as the actor. */
export const WEEKLY_ACTOR = { actorId: 'churn-predictor:weekly-run', actorName: 'Weekly run' } as const;

const MAX_ID = 400;

/** The idempotency id of a `surfaced` row: one per run and customer, so a rerun of the week adds none. */
export function surfacedRowId(runKey: string, customerId: string): string {
  const id = `surfaced_${runKey}_${customerId}`;
  if (id.length <= MAX_ID) return id;
  // Very long customer ids: the audit id is bounded, the row keeps the full id in its own column.
  return `surfaced_${runKey}_sha256_${createHash('sha256').update(customerId, 'utf8').digest('hex')}`;
}

/** The `surfaced` audit row of a customer put on a list this week; the snapshot is their state before the run. */
export function surfacedRow(
  customer: ScoredCustomer,
  before: CustomerState | undefined,
  runKey: string,
  at: string,
): NewAuditRow {
  return {
    id: surfacedRowId(runKey, customer.customerId),
    action: 'surfaced',
    customerId: customer.customerId,
    customerName: customer.name.slice(0, 1000),
    owner: customer.owner,
    ...WEEKLY_ACTOR,
    at,
    value: customer.monthlyValue,
    snapshot: before ?? null,
  };
}
