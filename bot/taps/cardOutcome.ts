import type { CustomerOutcome, WeeklyCardData } from '../../cards/cardModels';
import { localDate } from '../../rules/calendar';
import type { AuditRow } from '../../storage/auditRow';

/** What the card row shows after a recorded rep action: what was done, by whom, on which day. */
export function outcomeOfRow(row: AuditRow, timeZone: string): CustomerOutcome {
  const by = row.actorName.trim() || 'someone';
  const at = localDate(row.at, timeZone);
  switch (row.action) {
    case 'reached_out':
      return { kind: 'reached_out', by, at };
    case 'won_back':
      return { kind: 'won_back', by, at, value: row.value ?? 0 };
    case 'lost':
      return { kind: 'lost', by, at, reason: row.reason ?? 'other', note: row.note };
    default:
      throw new Error(`a ${row.action} row has no card outcome`);
  }
}

/** The card data with one customer's outcome set (null clears it); null when the customer is not on the card. */
export function withOutcome(
  data: WeeklyCardData,
  customerId: string,
  outcome: CustomerOutcome | null,
): WeeklyCardData | null {
  if (!data.customers.some((c) => c.customerId === customerId)) return null;
  return {
    ...data,
    customers: data.customers.map((c) => (c.customerId === customerId ? { ...c, outcome } : c)),
  };
}
