import { addressKey } from '../../rules/addresses';
import { dayOf } from '../../rules/book';
import { type CustomerState, initialState } from '../../rules/customerState';
import type { ScoredCustomer } from '../../rules/scoreBook';

/**
 * The state row the weekly run stores for one scored customer. The run owns the scoring fields
 * (name, owner, monthlyValue, score, band, segment, reasons) and sets `surfacedAt` on the first listing (or
 * holdout draw) of a slip cycle and `listedAt` on the first week on the list (any page; cleared off it, unless the slip goes on: listedAtOf); the fields the reps' actions write (status, lastContact, wonBackAt, recoveredValue,
 * lost*) are carried over untouched, so a run never undoes a tap. `newCycle`: listed (or drawn) as
 * the start of a new slip cycle though an old one's surfacedAt is stored (weeklyPlan.ts); `newListing`:
 * listed as new on this week's list (a move from another rep's list, a slip after ordering).
 */
export function nextState(
  customer: ScoredCustomer,
  previous: CustomerState | undefined,
  today: string,
  holdout: HoldoutMarks = NO_HOLDOUT,
  newCycle = false,
  newListing = false,
): CustomerState {
  const base =
    previous ??
    initialState({
      customerId: customer.customerId,
      name: customer.name,
      owner: customer.owner,
      monthlyValue: customer.monthlyValue,
    });
  const surfacedAt = surfacedAtOf(customer, base, today, holdout, newCycle);
  return {
    ...base,
    name: customer.name,
    owner: customer.owner,
    monthlyValue: customer.monthlyValue,
    valueKind: customer.valueKind,
    score: customer.score,
    band: customer.band,
    segment: customer.segment,
    reasons: customer.reasons,
    surfacedAt,
    listedAt: listedAtOf(customer, base, today, surfacedAt, newListing),
  };
}

/**
 * The first week on the list of this slip: today for a listing the card calls new, else as stored.
 * Off the list it is cleared, except while the slip goes on without an order (paused after a call,
 * cooling down, a week under the bar): back on the list, its "(week N)" counts on from the first
 * listing, where a row first listed past the card and paused after a call read "week 5", then
 * "Back on your list", then "week 4", counted from its first card. A flagged row's slip ends with
 * its cycle (surfacedAt cleared: won back, moved to another rep, a held-out cycle over); a row
 * never flagged, on the pages past the card, has no cycle: its slip ends with a save or a move.
 */
function listedAtOf(
  customer: ScoredCustomer,
  base: CustomerState,
  today: string,
  surfacedAt: string | null,
  newListing: boolean,
): string | null {
  if (customer.rank !== null) return newListing || base.listedAt === null ? today : base.listedAt;
  if (base.listedAt === null) return null;
  const since = dayOf(base.listedAt);
  const ordered = customer.lastOrderDay !== null && customer.lastOrderDay >= since;
  const ended =
    base.surfacedAt !== null
      ? surfacedAt === null
      : (base.wonBackAt !== null && dayOf(base.wonBackAt) >= since) ||
        addressKey(base.owner) !== addressKey(customer.owner);
  return ordered || ended ? null : base.listedAt;
}

/** Which customers the holdout drew this week, and whose held-out cycle ended (see splitHoldout). */
export interface HoldoutMarks {
  heldOutIds: ReadonlySet<string>;
  cycleEnded: ReadonlySet<string>;
}

const NO_HOLDOUT: HoldoutMarks = { heldOutIds: new Set(), cycleEnded: new Set() };

/**
 * The first listing of a slip cycle sets surfacedAt; so does the first holdout draw (the held out
 * stay in one arm for the cycle); a held-out cycle that ended clears it. A listing (or draw) the
 * card calls new starts a cycle too: a customer who left the list by ordering and slipped again is
 * not "still on your list (week 6)" of the slip they recovered from, and the untouched and tab views
 * count them as listed this week (the holdout drew them as a new slip: weeklyPlan.ts); a customer
 * moved to another rep off the list ends the old cycle with none begun. Otherwise it stays.
 */
function surfacedAtOf(
  customer: ScoredCustomer,
  base: CustomerState,
  today: string,
  holdout: HoldoutMarks,
  newCycle: boolean,
): string | null {
  if (holdout.cycleEnded.has(customer.customerId)) return null;
  const selected = customer.surfaced || holdout.heldOutIds.has(customer.customerId);
  if (newCycle) return selected ? today : null;
  return selected && base.surfacedAt === null ? today : base.surfacedAt;
}

/**
 * A score that moved by less than this (points of 100), with everything else unchanged, is not
 * rewritten: scores drift a little every day for every customer, and rewriting all of them weekly
 * would make the state write, not the sends, the cost of a run. The stored score is then at most
 * this stale; band, reasons, value and dates are always current.
 */
export const SCORE_WRITE_THRESHOLD = 1;

/** True when `next` differs from `previous` only by a score drift below SCORE_WRITE_THRESHOLD. */
export function onlyScoreDrift(previous: CustomerState, next: CustomerState): boolean {
  if (Math.abs(previous.score - next.score) >= SCORE_WRITE_THRESHOLD) return false;
  const { score: _a, reasons: ra, ...restPrevious } = previous;
  const { score: _b, reasons: rb, ...restNext } = next;
  if (ra.length !== rb.length || ra.some((r, i) => r !== rb[i])) return false;
  return (Object.keys(restNext) as (keyof typeof restNext)[]).every((k) =>
    Object.is(restNext[k], restPrevious[k]),
  );
}

/** nextState for every scored customer, in the book's order (the stored state where only the score drifted); customers gone from the feed are left alone. */
export function nextStates(
  customers: readonly ScoredCustomer[],
  previous: ReadonlyMap<string, CustomerState>,
  today: string,
  holdout: HoldoutMarks = NO_HOLDOUT,
  newCycles: ReadonlySet<string> = new Set(),
  newListings: ReadonlySet<string> = new Set(),
): CustomerState[] {
  return customers.map((c) => {
    const before = previous.get(c.customerId);
    const id = c.customerId;
    const next = nextState(c, before, today, holdout, newCycles.has(id), newListings.has(id));
    return before && onlyScoreDrift(before, next) ? before : next;
  });
}
