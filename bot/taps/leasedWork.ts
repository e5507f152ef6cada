import type { CardStore } from '../../storage/cardStore';
import type { BotReply, Delivery, Log } from '../ports';
import { type AskedFor, stillWorking, workedOutAgain } from './replies';

/**
 * How long a claim on a message being worked out holds without a renewal (ms). Teams delivers a
 * message again when the bot has not answered within 15 seconds, and again about 15 seconds later
 * (two deliveries of one activity about 30 seconds apart,
 * https://github.com/microsoft/botbuilder-dotnet/issues/5005): with a claim renewed every
 * LEASE_RENEW_MS, a worker that died in the first 15 seconds has let its claim go by the second
 * delivery, which then works the message out itself.
 */
const LEASE_MS = 15_000;
/** How often a worker renews its claim while the thread is free (a feed read, a table write). */
const LEASE_RENEW_MS = 4_000;
/**
 * Planning holds the thread, so no renewal fires during it: before it starts, the claim is held for
 * the plan's expected time. About 0.1 ms a customer was measured on a busy 2-core machine (`npm run
 * bench list`: 9.8 s for 100,000 customers with the feed already read; 27-34 s for each plan at
 * 1,000,000, docs/scale.md); three times that, so a slow plan is not taken for a dead one: 30 s at
 * 100,000 customers, 5 minutes at 1,000,000.
 */
export const PLAN_MS_PER_CUSTOMER = 0.3;

/** What a leased piece of work may ask while it runs: to hold its claim `ms` more before a long stretch that renews nothing. */
export interface Lease {
  holdFor(ms: number): Promise<void>;
}

export interface LeasedWorkOptions {
  cards: Pick<CardStore, 'claimWork' | 'renewWork' | 'finishWork'>;
  /** What is being worked out: "your list", "the summary". */
  what: AskedFor;
  /** Milliseconds since the epoch: leases are compared across instances by the wall clock. */
  now?: () => number;
  leaseMs?: number;
  renewMs?: number;
  log?: Log;
}

/**
 * `work` for a message Teams may deliver again, done once however many deliveries come and
 * whichever instance each reaches: a delivery while it is worked out is told so (no second card),
 * one after its answer gets nothing more, and one after its worker died (its claim not renewed)
 * works it out anew, the rep told why it came late. A worker that finds its claim taken over when it
 * is done sends nothing, so the answer is never sent twice.
 */
export async function leasedWork(
  delivery: Delivery,
  options: LeasedWorkOptions,
  work: (lease: Lease) => Promise<BotReply>,
): Promise<BotReply> {
  const { cards, what, log } = options;
  const now = options.now ?? Date.now;
  const leaseMs = options.leaseMs ?? LEASE_MS;
  const { conversationId, activityId } = delivery;
  const claim = await cards.claimWork(conversationId, activityId, { now: now(), leaseMs });
  if (claim.outcome === 'answered') {
    log?.info('a message delivered again: answered already, nothing sent', { activityId });
    return {};
  }
  if (claim.outcome === 'working') {
    log?.info('a message delivered again while it is worked out: told so', { activityId });
    return { text: stillWorking(what, claim.until - now()) };
  }
  const { holder } = claim;
  if (claim.outcome === 'resumed')
    log?.warn('a message delivered again after its worker stopped: worked out again', { activityId });
  // A hold (holdFor) is a floor the timer's renewals do not lower: one may fire after the hold is
  // written and before the plan takes the thread (while another request joining the plan writes its
  // own hold), and would otherwise cut the plan's claim back to leaseMs. So a worker that dies after
  // its plan, within the hold, is not taken over: the delivery again is told when to ask anew.
  let heldUntil = 0;
  const renew = (ms: number) =>
    cards.renewWork(conversationId, activityId, holder, Math.max(now() + ms, heldUntil)).then(
      () => undefined,
      (error: unknown) =>
        log?.warn('could not renew the claim on a message being worked out', {
          activityId,
          error: error instanceof Error ? error.message : String(error),
        }),
    );
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewing.then(() => renew(leaseMs));
  }, options.renewMs ?? LEASE_RENEW_MS);
  const stopRenewing = async () => {
    clearInterval(timer);
    await renewing;
  };
  let reply: BotReply;
  try {
    reply = await work({
      holdFor: async (ms) => {
        heldUntil = Math.max(heldUntil, now() + ms);
        renewing = renewing.then(() => renew(leaseMs));
        await renewing;
      },
    });
  } catch (error) {
    await stopRenewing();
    // The failure is answered by the bot's error reply: a delivery again must not work it out anew.
    await cards.finishWork(conversationId, activityId, holder).catch((finishing: unknown) =>
      log?.warn('could not mark a failed message answered', {
        activityId,
        error: finishing instanceof Error ? finishing.message : String(finishing),
      }),
    );
    throw error;
  }
  await stopRenewing();
  // The answer goes out only while the claim is still this worker's.
  if (!(await cards.finishWork(conversationId, activityId, holder))) {
    log?.warn('a message was taken over by its delivery again: this answer not sent', { activityId });
    return {};
  }
  return claim.outcome === 'resumed' && reply.text === undefined
    ? { ...reply, text: workedOutAgain(what) }
    : reply;
}
