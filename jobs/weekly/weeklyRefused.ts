import type { CustomerState } from '../../rules/customerState';
import type { WeekPlan } from './weeklyPlan';

/** A customer the run left out because storage would refuse their rows. */
export interface RefusedCustomer {
  customerId: string;
  reason: string;
}

/**
 * Takes out of the plan every customer whose state row storage would refuse (`problemOf` says why):
 * their state row, their audit rows and their place on a card. One such row would otherwise fail its
 * whole transaction, and with it the run for everyone; now it is reported and the others go on.
 */
export function setAsideUnstorable(
  plan: WeekPlan,
  problemOf: (state: CustomerState) => string | null,
): { plan: WeekPlan; refused: RefusedCustomer[] } {
  const refused: RefusedCustomer[] = [];
  for (const state of [...plan.first, ...plan.rest]) {
    const reason = problemOf(state);
    if (reason) refused.push({ customerId: state.customerId, reason });
  }
  if (refused.length === 0) return { plan, refused };
  const out = new Set(refused.map((r) => r.customerId));
  const keep = <T extends { customerId: string }>(rows: readonly T[]) =>
    rows.filter((r) => !out.has(r.customerId));
  return {
    plan: {
      ...plan,
      first: keep(plan.first),
      rest: keep(plan.rest),
      surfacedRows: keep(plan.surfacedRows),
      heldOutRows: keep(plan.heldOutRows),
      listedWeeks: keep(plan.listedWeeks),
      weeks: plan.weeks.map((w) => ({ ...w, shown: keep(w.shown), overflow: keep(w.overflow) })),
    },
    refused,
  };
}
