import { createHash } from 'node:crypto';
import { startOfMonth } from 'date-fns/startOfMonth';
import { SYSTEM_ACTOR_PREFIX } from '../../bot/taps/actionTypes';
import { zonedNow } from '../../rules/calendar';
import type { CustomerState } from '../../rules/customerState';
import type { ScoredCustomer } from '../../rules/scoreBook';
import { MAX_AUDIT_ID_CHARS, type NewAuditRow } from '../../storage/auditRow';

/** Who the weekly run's own audit rows name as the actor. */
export const WEEKLY_ACTOR = { actorId: `${SYSTEM_ACTOR_PREFIX}weekly-run`, actorName: 'Weekly run' } as const;

/**
 * The time a run's own audit rows carry: the week's first start, so every attempt writes the same
 * rows (a rerun collides instead of adding one). An attempt in a later month than that start (a
 * forced rerun days on) uses the start of its own month instead: its rows land in the month they
 * were written, whose summary is still to come, and its attempts still share one time.
 */
export function runRowsAt(startedAt: string, now: Date, timeZone: string): string {
  const monthStart = startOfMonth(zonedNow(now, timeZone)).getTime();
  return monthStart > Date.parse(startedAt) ? new Date(monthStart).toISOString() : startedAt;
}

/** The idempotency id of a `surfaced` row: one per run and customer, so a rerun of the week adds none. */
export function surfacedRowId(runKey: string, customerId: string): string {
  return weeklyRowId('surfaced', runKey, customerId);
}

/** The idempotency id of a `held_out` row: one per run and customer, like surfacedRowId. */
export function heldOutRowId(runKey: string, customerId: string): string {
  return weeklyRowId('held_out', runKey, customerId);
}

/** The weekly run key a `surfaced` or `held_out` row was written by, or null for any other row. */
export function runKeyOfWeeklyRow(id: string): string | null {
  return /^(?:surfaced|held_out)_(weekly-\d{4}-W\d{2})_/.exec(id)?.[1] ?? null;
}

function weeklyRowId(action: 'surfaced' | 'held_out', runKey: string, customerId: string): string {
  const id = `${action}_${runKey}_${customerId}`;
  if (id.length <= MAX_AUDIT_ID_CHARS) return id;
  // Very long customer ids: the audit id is bounded, the row keeps the full id in its own column.
  return `${action}_${runKey}_sha256_${createHash('sha256').update(customerId, 'utf8').digest('hex')}`;
}

/** The `surfaced` audit row of a customer put on a list this week; the snapshot is their state before the run. */
export function surfacedRow(
  customer: ScoredCustomer,
  before: CustomerState | undefined,
  runKey: string,
  at: string,
): NewAuditRow {
  return weeklyRow('surfaced', customer, before, runKey, at);
}

/** The `held_out` audit row of a customer the holdout kept off the lists this week; the snapshot is their state before the run. */
export function heldOutRow(
  customer: ScoredCustomer,
  before: CustomerState | undefined,
  runKey: string,
  at: string,
): NewAuditRow {
  return weeklyRow('held_out', customer, before, runKey, at);
}

function weeklyRow(
  action: 'surfaced' | 'held_out',
  customer: ScoredCustomer,
  before: CustomerState | undefined,
  runKey: string,
  at: string,
): NewAuditRow {
  return {
    id: weeklyRowId(action, runKey, customer.customerId),
    action,
    customerId: customer.customerId,
    customerName: customer.name.slice(0, 1000),
    owner: customer.owner,
    ...WEEKLY_ACTOR,
    at,
    value: customer.monthlyValue,
    snapshot: before ?? null,
  };
}
