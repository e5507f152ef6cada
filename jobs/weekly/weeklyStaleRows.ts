import type { CustomerState } from '../../rules/customerState';
import type { ResolveStale } from '../../storage/stateStore';

/**
 * The fields the reps' actions write (reached out, won back, lost, undo) and the run's own cycle
 * marker `surfacedAt`, which won back clears. When any of them differs between the row as it is now
 * and the row the run read, a rep acted on the customer while the run was going.
 */
export const REP_FIELDS = [
  'status',
  'lastContact',
  'wonBackAt',
  'recoveredValue',
  'lostAt',
  'lostReason',
  'lostNote',
  'previousWonBackAt',
  // Not snoozedAt: it is written only with snoozedUntil, and rows snoozed before it was kept have
  // none, which must not read as a snooze never written (settleRow judges actions by these fields).
  'snoozedUntil',
  'surfacedAt',
] as const satisfies readonly (keyof CustomerState)[];

/** What the run makes of a state row that changed between its read and its write. */
export type StaleRowDecision =
  | { kind: 'keep_for_rep' }
  | { kind: 'reapply'; state: CustomerState }
  | { kind: 'write'; state: CustomerState };

/**
 * The rule for a row that changed under the weekly run:
 * - gone (nobody deletes state rows, but if so): write the run's state;
 * - a rep acted (a REP_FIELDS value differs from what the run read; for a row the run saw as new,
 *   from a fresh row's empty values): keep their row exactly as it is. The run's view is obsolete
 *   (won back reset the band, lost stops the scoring, reached out pauses); next week's run scores it
 *   again from the rep's row;
 * - otherwise (something else rewrote it, e.g. a concurrent run): re-apply the run's scoring fields
 *   and cycle markers (surfacedAt, listedAt) onto the fresh row, keeping everything else of it.
 */
export function decideStaleRow(row: {
  fresh: CustomerState | null;
  intended: CustomerState;
  read: CustomerState | undefined;
}): StaleRowDecision {
  const { fresh, intended, read } = row;
  if (fresh === null) return { kind: 'write', state: intended };
  const repActed = REP_FIELDS.some((k) => !Object.is(fresh[k], read ? read[k] : emptyRepField(k)));
  if (repActed) return { kind: 'keep_for_rep' };
  // The fields nextState owns; the rest stays as the fresh row has it.
  const state: CustomerState = {
    ...fresh,
    name: intended.name,
    owner: intended.owner,
    monthlyValue: intended.monthlyValue,
    score: intended.score,
    band: intended.band,
    reasons: intended.reasons,
    surfacedAt: intended.surfacedAt,
    listedAt: intended.listedAt,
  };
  return { kind: 'reapply', state };
}

/** A row nobody has acted on: active, every action date and value empty. */
function emptyRepField(k: (typeof REP_FIELDS)[number]): string | null {
  return k === 'status' ? 'active' : null;
}

/** decideStaleRow as the state store's resolve callback (null = leave the fresh row as it is). */
export const resolveStaleRow: ResolveStale = (row) => {
  const decision = decideStaleRow(row);
  return decision.kind === 'keep_for_rep' ? null : decision.state;
};
