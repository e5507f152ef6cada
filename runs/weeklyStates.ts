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

/** nextState for every scored customer, in the book's order; customers gone from the feed are left alone. */
export function nextStates(
  customers: readonly ScoredCustomer[],
  previous: ReadonlyMap<string, CustomerState>,
  today: string,
): CustomerState[] {
  return customers.map((c) => nextState(c, previous.get(c.customerId), today));
}
