import { wonBackThisCycle } from '../../bot/taps/staleReason';
import type { CustomerState } from '../../rules/customerState';
import type { CustomerKind } from './tabTypes';

/** Days without an order after which a customer counts as lapsed rather than slipping. */
export const LAPSED_AFTER_DAYS = 180;

/**
 * The one place that sorts a customer into a kind for "My customers". Today it reads the stored
 * state and the score's band; when the book's segments (slipping, not back yet, lapsed) land, this
 * function is what they replace, and nothing else in the tabs changes.
 */
export function customerKind(state: CustomerState, daysSinceLastOrder: number | null): CustomerKind {
  if (state.status === 'lost') return 'lost';
  if (wonBackThisCycle(state)) return 'won_back';
  if (state.lastContact !== null && (state.surfacedAt === null || state.lastContact >= state.surfacedAt))
    return 'not_back_yet';
  if (daysSinceLastOrder !== null && daysSinceLastOrder > LAPSED_AFTER_DAYS) return 'lapsed';
  if (state.band === 'at_risk') return 'slipping';
  if (state.band === 'watch') return 'watch';
  return 'steady';
}
