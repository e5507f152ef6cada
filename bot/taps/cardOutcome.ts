import type { CustomerOutcome } from '../../cards/cardModels';
import { localDate } from '../../rules/calendar';
import { type AuditRow, valueKindOf } from '../../storage/auditRow';
import { latestOpenAction } from './auditHistory';
import { snoozedUntilOf } from './decideSnooze';

/** What the card row shows after a recorded rep action: what was done, by whom, on which day. */
export function outcomeOfRow(row: AuditRow, timeZone: string): CustomerOutcome {
  const by = row.actorName.trim() || 'someone';
  const at = localDate(row.at, timeZone);
  switch (row.action) {
    case 'reached_out':
      return { kind: 'reached_out', by, at };
    case 'won_back':
      return { kind: 'won_back', by, at, value: row.value ?? 0, ...secondOrder(row) };
    case 'lost':
      return { kind: 'lost', by, at, reason: row.reason ?? 'other', note: row.note };
    case 'snoozed':
      return { kind: 'snoozed', by, at, until: snoozedUntilOf(row) ?? at };
    default:
      throw new Error(`a ${row.action} row has no card outcome`);
  }
}

/**
 * The action whose outcome this week's cards show on a customer's row: the customer's latest action
 * that stands, wherever it was taken (its Undo reverses it from any card that shows it), when it was
 * taken on or after `since` (`YYYY-MM-DD`, the week's Monday); else null, the buttons, as the weekly
 * card lists a customer acted on in an earlier week.
 */
export function currentAction(
  history: readonly AuditRow[],
  timeZone: string,
  since: string,
): AuditRow | null {
  const open = latestOpenAction(history);
  return open && localDate(open.at, timeZone) >= since ? open : null;
}

/** A save of a one-visit customer's next order is marked so; a monthly one (as before the kinds) is not. */
function secondOrder(row: AuditRow): { valueKind?: 'second_order' } {
  return valueKindOf(row) === 'second_order' ? { valueKind: 'second_order' } : {};
}

/** True when two outcomes read the same (a stored card's outcome against a row's). */
export function sameOutcome(a: CustomerOutcome, b: CustomerOutcome): boolean {
  const fields = (o: CustomerOutcome) => {
    const { kind, by, at } = o;
    const rest =
      o.kind === 'won_back'
        ? `${o.value}|${o.valueKind ?? 'monthly'}`
        : o.kind === 'lost'
          ? `${o.reason}|${o.note ?? ''}`
          : o.kind === 'snoozed'
            ? o.until
            : '';
    return JSON.stringify([kind, by, at, rest]);
  };
  return fields(a) === fields(b);
}

export { withOutcome } from '../../cards/renderCard';
