import type { CustomerState } from '../../rules/customerState';
import { type ListShape, markRanks, rankPerRep } from '../../rules/ranking';
import type { ListedCustomer, ScoredCustomer } from '../../rules/scoreBook';
import { isHeldOut } from '../monthly/holdout';
import { weeklyRunKeyOfDay } from '../schedule';

/** The holdout knobs of the rules file. */
export interface HoldoutRules {
  holdoutPercent: number;
  holdoutSeed: string;
}

/**
 * The week a customer's slip cycle began: the week of their stored surfacedAt, or this run's week
 * for a slip that starts now. Drawing on it keeps a customer in one arm for the whole cycle.
 */
export function slipWeekKey(state: CustomerState | undefined, runKey: string): string {
  return state?.surfacedAt ? weeklyRunKeyOfDay(state.surfacedAt) : runKey;
}

/**
 * Whether the holdout keeps a customer who passes the gates off the lists in the week `runKey`.
 * Anything that lists customers (the weekly card, the `list` command) must ask this, or the held
 * out would be shown after all.
 */
export function heldOutInWeek(
  customerId: string,
  state: CustomerState | undefined,
  rules: HoldoutRules,
  runKey: string,
): boolean {
  return isHeldOut(customerId, slipWeekKey(state, runKey), rules.holdoutPercent, rules.holdoutSeed);
}

/** The book after the holdout draw. */
export interface HoldoutSplit {
  /** Every customer, in book order; rank and surfaced re-computed without the held out (who get neither). */
  customers: ScoredCustomer[];
  /** Passed the gates, drawn into the holdout: no card, no "+N more", a `held_out` audit row. */
  heldOut: ScoredCustomer[];
  heldOutIds: ReadonlySet<string>;
  /**
   * Held out in a cycle that has ended (back to steady on their own): their surfacedAt is cleared so
   * their next slip is a new draw. Listed customers end a cycle by a Won back tap; these cannot.
   */
  cycleEnded: ReadonlySet<string>;
}

/**
 * Draws the holdout among the customers who passed the gates and re-ranks each rep's list without
 * them, so the card fills up to the cap from the rest. With percent 0 the book is returned as scored.
 * `newCycles`: customers whose stored cycle is over though its surfacedAt is still there (they left
 * the list by ordering and slipped again, or the feed moved them to another rep: rules/listChanges.ts
 * calls them new), drawn as a slip that starts now, so the arm they get this week is the one their
 * new cycle keeps.
 */
export function splitHoldout(
  customers: readonly ScoredCustomer[],
  previous: ReadonlyMap<string, CustomerState>,
  rules: HoldoutRules & ListShape,
  runKey: string,
  newCycles: ReadonlySet<string> = new Set(),
): HoldoutSplit {
  if (rules.holdoutPercent === 0)
    return { customers: [...customers], heldOut: [], heldOutIds: new Set(), cycleEnded: new Set() };
  const drawn = (c: ScoredCustomer) =>
    heldOutInWeek(
      c.customerId,
      newCycles.has(c.customerId) ? undefined : previous.get(c.customerId),
      rules,
      runKey,
    );

  const heldOutIds = new Set<string>();
  const cycleEnded = new Set<string>();
  for (const c of customers) {
    if (c.gate.surfaced && drawn(c)) heldOutIds.add(c.customerId);
    else if (c.band === 'steady' && previous.get(c.customerId)?.surfacedAt && drawn(c))
      cycleEnded.add(c.customerId);
  }
  // Copies: scoreBook's objects are left as scored.
  const out = customers.map((c) => (c.gate.surfaced ? { ...c, rank: null, surfaced: false } : c));
  const { ranked } = rankPerRep(
    out.filter(
      (c): c is ListedCustomer => c.gate.surfaced && c.segment !== null && !heldOutIds.has(c.customerId),
    ),
    rules,
  );
  markRanks(ranked, rules.capPerRep);
  return { customers: out, heldOut: out.filter((c) => heldOutIds.has(c.customerId)), heldOutIds, cycleEnded };
}
