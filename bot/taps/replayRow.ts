import { dayOf, localDate } from '../../rules/calendar';
import type { CustomerState } from '../../rules/customerState';
import type { AuditRow } from '../../storage/auditRow';
import { type ActionRules, type DecisionContext, isRepAction } from './actionTypes';
import { snoozedUntilOf } from './decideSnooze';
import { decideTap } from './decideTap';
import { restoreFrom } from './decideUndo';

/** What a replay decides under besides the row: the team's rules, zone and currency, as the tap was. */
export interface ReplayOptions {
  rules: ActionRules;
  timeZone: string;
  /** The team's currency (ISO 4217), as the tap was decided in (a value's own decimals stand: rulesOfRow). */
  currency: string;
}

/**
 * The state a recorded action leads to, recomputed from the row alone (its snapshot, date, value,
 * reason, note): the same decision as when it was first taken. Used to finish an action whose audit
 * row was written but whose state write was not (a crash, or a double tap racing the first).
 * `undoTarget` is the row an `undo` reverses. Throws when the row cannot be replayed.
 */
export function replayRow(
  row: AuditRow,
  { rules, timeZone, currency }: ReplayOptions,
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
    // No locale: the value is stored as a number and read back as `String` writes it (`1.125`).
    currency,
    at: row.at,
    key: row.id,
    cardMessageId: row.cardMessageId,
    source: row.source,
  };
  if (!isRepAction(row.action)) throw new Error(`audit row ${row.id} is a ${row.action}: nothing to replay`);
  const decision = decideTap(row.action, ctx, rulesOfRow(row, rules, ctx.today), {
    value: row.value === null ? undefined : String(row.value),
    reason: row.reason ?? undefined,
    note: row.note ?? undefined,
  });
  if (!decision.ok) throw new Error(`audit row ${row.id} no longer replays: ${decision.message}`);
  return decision.next;
}

/**
 * The rules as the row was decided under, as far as it shows them: a row is finished as it was
 * recorded, and the rules file may have changed since (a loss reason dropped or renamed, other snooze
 * days). Its reason was on the list then; its snooze runs to the day its note names. Its value and
 * note passed the bounds in force when it was recorded: a release with narrower ones must not refuse
 * it, or every later tap on the customer (each finishes it first) would be refused too.
 */
function rulesOfRow(row: AuditRow, rules: ActionRules, today: string): ActionRules {
  const reason = row.action === 'lost' ? row.reason : null;
  const listed = reason === null || rules.lossReasons.some((r) => r.code === reason);
  const until = row.action === 'snoozed' ? snoozedUntilOf(row) : null;
  return {
    ...rules,
    lossReasons: listed ? rules.lossReasons : [...rules.lossReasons, { code: reason, label: reason }],
    snoozeDays: until === null ? rules.snoozeDays : dayOf(until) - dayOf(today),
    noteMaxLength: Math.max(rules.noteMaxLength, row.note?.length ?? 0),
    maxValue: Math.max(rules.maxValue, row.value ?? 0),
    maxValueMultiple: row.value === null ? rules.maxValueMultiple : Number.POSITIVE_INFINITY,
    // Typed when the team's currency had as many decimals (KWD 1.125 before CURRENCY became USD).
    valueDecimals: Math.max(rules.valueDecimals ?? 0, decimalsOf(row.value ?? 0)),
  };
}

/** How many decimals `value` has (1.125: 3), up to 20; a value of more is refused on replay as before. */
function decimalsOf(value: number): number {
  for (let k = 0; k <= 20; k++) if (Math.round(value * 10 ** k) / 10 ** k === value) return k;
  return 0;
}
