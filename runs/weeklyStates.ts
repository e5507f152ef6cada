import { type CustomerState, initialState } from '../rules/customerState';
import type { ScoredCustomer } from '../rules/scoreBook';

/**
 * The state row the weekly run stores for one scored customer. The run owns the scoring fields
 * (name, owner, monthlyValue, score, band, reasons) and sets `surfacedAt` on the first listing of a
 * slip cycle; the fields the reps' actions write (status, lastContact, wonBackAt, recoveredValue,
 * lost*) are carried over untouched, so a run never undoes a tap.
 */
export function nextState(
  customer: ScoredCustomer,
  previous: CustomerState | undefined,
  today: string,
): CustomerState {
  const base =
    previous ??
    initialState({
      customerId: customer.customerId,
      name: customer.name,
      owner: customer.owner,
      monthlyValue: customer.monthlyValue,
    });
  return {
    ...base,
    name: customer.name,
    owner: customer.owner,
    monthlyValue: customer.monthlyValue,
    score: customer.score,
    band: customer.band,
    reasons: customer.reasons,
    surfacedAt: customer.surfaced && base.surfacedAt === null ? today : base.surfacedAt,
  };
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
): CustomerState[] {
  return customers.map((c) => {
    const before = previous.get(c.customerId);
    const next = nextState(c, before, today);
    return before && onlyScoreDrift(before, next) ? before : next;
  });
}
