import type { SendClaim } from '../../storage/runLedger';

/**
 * Each rep's send is claimed in the run ledger (an insert, so one caller wins) before the card goes
 * out, and the outcome row follows the answer. A claim with no outcome row is either a send under
 * way elsewhere (a second instance on the same run) or one whose answer never reached the ledger (a
 * crash, or storage refusing the write after Teams took the card).
 */

/**
 * A claim younger than this is taken for a send still under way: under the 15-minute timer, so the
 * next tick always settles what an earlier tick left, and well over one send with its retries.
 */
export const CLAIM_HOLD_MS = 10 * 60_000;

/**
 * Sends one rep's card may get without an outcome in the ledger: the first and one more. Past it the
 * card is not sent again, so a storage outage costs each rep in flight at most one duplicate, never
 * one per tick.
 */
export const MAX_UNCONFIRMED_SENDS = 2;

/**
 * What a tick does with a rep whose send is already claimed: leave it to the send under way, or
 * look in the card store for the card (found: it was delivered), and failing that send once more
 * or give up on it.
 */
export type ClaimDecision = 'under_way' | 'resend_unless_found' | 'give_up_unless_found';

/** Decides from the claim alone; `now` and the claim's `at` are both read off the run's clock as it goes on. */
export function decideClaim(claim: SendClaim, now: Date): ClaimDecision {
  if (now.getTime() - Date.parse(claim.at) < CLAIM_HOLD_MS) return 'under_way';
  return claim.sends < MAX_UNCONFIRMED_SENDS ? 'resend_unless_found' : 'give_up_unless_found';
}
