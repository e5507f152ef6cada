import { localDate } from '../../rules/calendar';
import type { CustomerState } from '../../rules/customerState';
import type { AuditRow } from '../../storage/auditRow';
import { type ActionRules, type DecisionContext, isRepAction } from './actionTypes';
import { decideTap } from './decideTap';
import { restoreFrom } from './decideUndo';

/**
 * The state a recorded action leads to, recomputed from the row alone (its snapshot, date, value,
 * reason, note): the same decision as when it was first taken. Used to finish an action whose audit
 * row was written but whose state write was not (a crash, or a double tap racing the first).
 * `undoTarget` is the row an `undo` reverses. Throws when the row cannot be replayed.
 */
export function replayRow(
  row: AuditRow,
  rules: ActionRules,
  timeZone: string,
  undoTarget: AuditRow | null = null,
): CustomerState {
  const snapshot = row.snapshot;
  if (!snapshot) throw new Error(`audit row ${row.id} has no snapshot: it cannot be replayed`);
  if (row.action === 'undo') {
    if (!undoTarget || undoTarget.id !== row.undoes) {
      throw new Error(`audit row ${row.id} undoes ${row.undoes}, which was not given`);
    }
    return restoreFrom(snapshot, undoTarget);
  }
  const ctx: DecisionContext = {
    current: snapshot,
    actor: { userId: row.actorId, name: row.actorName },
    today: localDate(row.at, timeZone),
    timeZone,
    at: row.at,
    key: row.id,
    cardMessageId: row.cardMessageId,
    source: row.source,
  };
  if (!isRepAction(row.action)) throw new Error(`audit row ${row.id} is a ${row.action}: nothing to replay`);
  const decision = decideTap(row.action, ctx, rules, {
    value: row.value === null ? undefined : String(row.value),
    reason: row.reason ?? undefined,
    note: row.note ?? undefined,
  });
  if (!decision.ok) throw new Error(`audit row ${row.id} no longer replays: ${decision.message}`);
  return decision.next;
}
