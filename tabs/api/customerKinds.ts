import { wonBackThisCycle } from '../../bot/taps/staleReason';
import type { CustomerState } from '../../rules/customerState';
import type { CustomerKind } from './tabTypes';

/** For a row stored before the kinds: days without an order after which it reads as lapsed, as it did then. */
export const LEGACY_LAPSED_AFTER_DAYS = 180;

/**
 * The one place that sorts a customer into a kind for "My customers": what the rep did first (lost,
 * won back, reached out and waiting for an order: `lastOrderOn`, the day of their latest order, is
 * not after the contact), then the kind of name the last weekly run gave them, as the
 * card shows it: lapsed whatever the chance (gone is gone); slipping or new and not back yet when the
 * chance of no order puts them at risk (a customer a day late at a 5% chance is worth a look, not a
 * call). A row stored before the kinds existed has none until the next weekly run: it reads as it
 * did then (lapsed after LEGACY_LAPSED_AFTER_DAYS of silence, else at risk as slipping). A listed
 * kind with an order since the listing (`lastOrderOn` on or after `surfacedAt`) is
 * `ordered_since`: "Slipping" beside Wednesday's order would send the rep after a customer who came back.
 * `noOrdersWhy`, for a customer with no order: the feed holds orders of theirs and read none
 * (`not_read`, Book.unreadOrders), or every order they placed was refunded in full (`refunded`,
 * Book.refundedOrders); null when they have not ordered yet.
 */
export function customerKind(
  state: CustomerState,
  daysSinceLastOrder: number | null,
  lastOrderOn: string | null = null,
  noOrdersWhy: NoOrdersWhy = null,
): CustomerKind {
  if (state.status === 'lost') return 'lost';
  if (wonBackThisCycle(state)) return 'won_back';
  // Ordered after the call (the digest's "record the save?"): back, whatever the rep records next.
  const orderedSince = state.lastContact !== null && lastOrderOn !== null && lastOrderOn > state.lastContact;
  const inCycle = state.surfacedAt === null || (state.lastContact ?? '') >= state.surfacedAt;
  if (state.lastContact !== null && inCycle && !orderedSince) return 'not_back_yet';
  const kind = kindOfName(state, daysSinceLastOrder, noOrdersWhy);
  // The kind is the weekly run's, as of its day; an order since the listing (Wednesday's, after
  // Monday's card) makes "Slipping" untrue until the next run scores them again. Orders on the
  // listing day count: nobody who ordered on the day of a run is listed by it (rules/listChanges.ts).
  const listed = kind === 'slipping' || kind === 'new_not_back' || kind === 'lapsed';
  if (listed && state.surfacedAt !== null && lastOrderOn !== null && lastOrderOn >= state.surfacedAt)
    return 'ordered_since';
  return kind;
}

/** Why a customer in the feed has no order (see customerKind). */
export type NoOrdersWhy = 'not_read' | 'refunded' | null;

/** The kind of name the last weekly run gave the customer, as the card shows it (see customerKind). */
function kindOfName(
  state: CustomerState,
  daysSinceLastOrder: number | null,
  noOrdersWhy: NoOrdersWhy,
): CustomerKind {
  if (state.segment === 'lapsed') return 'lapsed';
  const legacy = state.segment === null && state.band !== 'steady';
  if (legacy && daysSinceLastOrder !== null && daysSinceLastOrder > LEGACY_LAPSED_AFTER_DAYS) return 'lapsed';
  if (state.band === 'at_risk') return state.segment === 'not_back' ? 'new_not_back' : 'slipping';
  if (state.band === 'watch') return 'watch';
  // The scoring's days since the last order are null only for a customer with no order: none placed
  // yet, every order line of theirs skipped, or every order refunded in full (noOrdersWhy).
  if (daysSinceLastOrder === null)
    return noOrdersWhy === 'not_read'
      ? 'orders_not_read'
      : noOrdersWhy === 'refunded'
        ? 'refunded_in_full'
        : 'no_orders';
  return 'steady';
}
