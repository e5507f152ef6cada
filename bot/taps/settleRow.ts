import { REP_FIELDS } from '../../jobs/weekly/weeklyStaleRows';
import { localDate } from '../../rules/calendar';
import type { CustomerState } from '../../rules/customerState';
import type { AuditRow } from '../../storage/auditRow';
import { isRepAction, type RepAction } from './actionTypes';
import { latestOpenAction, undoneIds } from './auditHistory';
import { CHANGED_FIELDS } from './decideUndo';

/**
 * Whether a recorded rep action is in the customer's state, judged from the state and the trail. Pure.
 *
 * Only the reps' actions write the fields an action is judged on (REP_FIELDS without surfacedAt):
 * the weekly run rewrites the score, reasons and surfacedAt but carries those over, so a re-score
 * neither shows nor hides an action.
 */

/** A rep action row and the state it leads to from its snapshot (replayRow). */
export interface RecordedAction {
  row: AuditRow & { action: RepAction };
  replayed: CustomerState;
}

const MARK_FIELDS: ReadonlySet<keyof CustomerState> = new Set(REP_FIELDS.filter((f) => f !== 'surfacedAt'));

function marksOf(action: RepAction): (keyof CustomerState)[] {
  return CHANGED_FIELDS[action].filter((f) => MARK_FIELDS.has(f));
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || Object.is(a, b);
}

/** True when `state` holds the change the action makes (on the fields only rep actions write). */
export function showsChange(state: CustomerState, action: RecordedAction): boolean {
  return marksOf(action.row.action).every((f) => sameValue(state[f], action.replayed[f]));
}

/** The action's change put on `current`: the fields it writes as it decided them, the rest as they are now. */
export function applyChange(current: CustomerState, action: RecordedAction): CustomerState {
  const next: CustomerState = { ...current };
  for (const field of CHANGED_FIELDS[action.row.action])
    Object.assign(next, { [field]: action.replayed[field] });
  return next;
}

/** True when no rep action changed the customer between `before` and `now`. */
function noRepChange(before: CustomerState, now: CustomerState): boolean {
  return [...MARK_FIELDS].every((f) => sameValue(before[f], now[f]));
}

/** The same action with the same inputs on the same day: it leads to the same change. */
function sameChange(a: AuditRow, b: AuditRow, timeZone: string): boolean {
  return (
    a.action === b.action &&
    localDate(a.at, timeZone) === localDate(b.at, timeZone) &&
    a.value === b.value &&
    a.reason === b.reason &&
    a.note === b.note
  );
}

/**
 * Of the standing rows that made the same change as `action` from a state without it (two taps with
 * the same result: a rep and an admin, one rep on two cards, or a tap whose state write was lost in a
 * crash and the same tap by someone else after it), the one that counts: the oldest. Every path
 * that settles one of them picks the same row, so exactly one stands whichever wrote the state (the
 * state is the same either way). Null when `action` changed nothing (taken on a state that already
 * showed it, it is a second record of the same thing) or has no snapshot.
 */
export function sameChangeKeeper(
  history: readonly AuditRow[],
  action: RecordedAction,
  timeZone: string,
): AuditRow | null {
  const { row } = action;
  if (!row.snapshot || showsChange(row.snapshot, action)) return null;
  const undone = undoneIds(history);
  let keeper: AuditRow | null = null;
  // Newest first: the last match is the oldest.
  for (const r of history) {
    if (
      r.id === row.id ||
      (isRepAction(r.action) &&
        !undone.has(r.id) &&
        r.snapshot !== null &&
        !showsChange(r.snapshot, action) &&
        sameChange(r, row, timeZone))
    )
      keeper = r;
  }
  return keeper;
}

/** The row that counts instead of `action`'s (see sameChangeKeeper); null when `action`'s does. */
export function sameChangeRival(
  history: readonly AuditRow[],
  action: RecordedAction,
  timeZone: string,
): AuditRow | null {
  const keeper = sameChangeKeeper(history, action, timeZone);
  return keeper && keeper.id !== action.row.id ? keeper : null;
}

/** What finishing a recorded action comes to. */
export type Settlement =
  /** The state shows it, or showed it before a later action changed the same fields. */
  | { kind: 'stands' }
  /** It never reached the state and nobody acted since: this is the state with it. */
  | { kind: 'write'; state: CustomerState }
  /**
   * It never reached the state and can no longer: `by` made the same change first (`same`), or acted
   * on the customer since (null when that row is not in the history read). The row is to be cancelled.
   */
  | { kind: 'cancel'; by: AuditRow | null; same: boolean };

/**
 * A recorded action found again under its key (a double tap, a retry after a crash between the audit
 * row and the state write): does it stand, is its state write still to do, or has its moment passed?
 * `history` is the customer's latest rows, newest first, `row` among them.
 */
export function settleRecorded(
  action: RecordedAction,
  history: readonly AuditRow[],
  current: CustomerState,
  timeZone: string,
): Settlement {
  const { row } = action;
  const rival = sameChangeRival(history, action, timeZone);
  if (rival) return { kind: 'cancel', by: rival, same: true };
  if (showsChange(current, action)) return { kind: 'stands' };
  const latest = latestOpenAction(history);
  if (latest?.id === row.id && row.snapshot && noRepChange(row.snapshot, current))
    return { kind: 'write', state: applyChange(current, action) };
  // Someone acted since. Had this action reached the state before them, a later row's snapshot (the
  // state that row was decided on) shows it.
  const at = history.findIndex((r) => r.id === row.id);
  const later = history.slice(0, at < 0 ? history.length : at);
  if (later.some((r) => r.snapshot && showsChange(r.snapshot, action))) return { kind: 'stands' };
  return { kind: 'cancel', by: latest?.id === row.id ? null : latest, same: false };
}
