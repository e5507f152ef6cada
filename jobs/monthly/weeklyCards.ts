import { addressKey } from '../../rules/addresses';
import type { Delivery, RunRecord } from '../../storage/runLedger';
import { runSettled } from '../weekly/weeklyRetry';

/**
 * What a weekly run's ledger says of its cards: the reps (address keys) it delivered one to, those
 * it could not reach (no chat with the app, or Teams refused the card), and whether it is settled
 * (it will send no more: no rep waits for their own send time, no failed send is tried again).
 */
export interface RunCards {
  delivered: ReadonlySet<string>;
  notReached: ReadonlySet<string>;
  settled: boolean;
}

/**
 * A run's cards from its row and its ledger's rows. Only a run still `open` (this week's: a later
 * tick may send its cards yet) can be unsettled; an earlier week's is over, finished or not.
 */
export function runCards(run: RunRecord, handled: readonly Delivery[], open: boolean): RunCards {
  const reps = (status: Delivery['status'][]) =>
    new Set(handled.filter((d) => status.includes(d.status)).map((d) => addressKey(d.repId)));
  return {
    delivered: reps(['delivered']),
    notReached: reps(['no_conversation', 'unreachable']),
    settled: !open || runSettled(run),
  };
}

export type CardOutcome = 'delivered' | 'not_delivered' | 'pending';

/**
 * Whether the owner's card of a run (`cards`, undefined for a run the ledger does not know: its flags
 * count as delivered, as before the ledger) reached them, reached no one, or may still go out (a rep
 * waiting for their own send time, or whose failed send is tried again): a flag on a card still to
 * come is neither counted nor said to have reached no rep.
 */
export function cardOutcome(cards: RunCards | undefined, owner: string): CardOutcome {
  if (cards === undefined) return 'delivered';
  const rep = addressKey(owner);
  if (cards.delivered.has(rep)) return 'delivered';
  return cards.settled || cards.notReached.has(rep) ? 'not_delivered' : 'pending';
}
