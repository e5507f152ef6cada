import type { CardJson, CardSender } from '../../bot/ports';
import { type DateWording, dayWords } from '../../bot/taps/actionWords';
import { buildWeeklyCard } from '../../cards/buildWeeklyCard';
import { isDigest, type RepCardData } from '../../cards/renderCard';
import type { Rules } from '../../rules/rulesSchema';
import { bothSettled } from '../../storage/batches';
import { type CardStore, saveSentCard } from '../../storage/cardStore';
import { type ConversationStore, conversationIdOf } from '../../storage/conversationStore';
import type { RunLedger } from '../../storage/runLedger';
import { timeHasCome } from '../schedule/timerSchedule';
import { type CardPageOptions, weeklyCardDataFor, weeklyNotificationText } from './weeklyCardFor';
import { decideClaim } from './weeklyClaims';
import type { RepWeek } from './weeklyLists';
import type { RepOutcome } from './weeklyReport';

/** What delivering one rep's card needs. */
export interface DeliveryContext {
  runKey: string;
  /** ISO instant of the run, stored on the ledger rows. */
  at: string;
  now: Date;
  /**
   * The time as the run goes on (the tick's time plus what has passed since), for the send claims
   * and a 429's wait: a claim's age must count from its send, not from the tick, or a long run's
   * fresh claims would look stale to a second instance. Default: `now`.
   */
  clock?: () => Date;
  rules: Pick<Rules, 'lossReasons'>;
  /**
   * When a rep's card goes out, from the zone their client last sent (none known: undefined), see
   * repSendAt; missing (a forced run): now. Before it the rep is `waiting`, and nothing is recorded.
   */
  sendAt?: (repTimeZone: string | undefined) => Date;
  card: CardPageOptions;
  /** How the admins' notice words a day (the team's zone, LOCALE). */
  wording: DateWording;
  /** Where each rep is reached, and who removed the app (for the admins). */
  conversations: Pick<ConversationStore, 'getRepByEmail' | 'getRemoved'>;
  runs: Pick<RunLedger, 'recordDelivery' | 'claimSend' | 'retakeClaim' | 'releaseClaim'>;
  cards: CardStore;
  sender: CardSender;
}

/** Reps handled at once by a run whose config does not say; the rate limiter paces the sends themselves. */
export const DEFAULT_SEND_CONCURRENCY = 16;

/** The tally of one rep's send, for the report. */
export interface DeliveryTally {
  attempts: number;
  retries: number;
  throttled: number;
  cardSaves: number;
}

/**
 * Delivers one rep's week. Order: find the conversation (none: `no_conversation`, not recorded so a
 * later attempt tries again once the app is installed); before the rep's own send time, `waiting`
 * (not recorded either); an empty list is recorded `nothing_to_send`;
 * else build, size-check, claim the send in the ledger, send, and right after a 201 record
 * `delivered` in the ledger together with the card data the bot needs to update the card in place.
 * A 403 is recorded `unreachable`; a failed send records nothing and drops its claim, so a rerun of
 * the run retries it as a first send.
 *
 * Teams has no idempotent send, so a send whose answer never reached the ledger (a crash, storage
 * refusing the write) is settled by the claim (weeklyClaims.ts): a later tick looks for the card the
 * send saved and records it, and only when none was saved sends once more. A rep gets at most one
 * duplicate, and only if they were in flight when the run failed (never more than the send
 * concurrency, 16 by default), however many ticks storage keeps failing; a claim still fresh means
 * another instance is sending, and the rep is left to it. `npm run bench crash` kills the run at
 * random points and measures it.
 */
export async function deliverRepWeek(
  week: RepWeek,
  ctx: DeliveryContext,
  tally: DeliveryTally,
): Promise<RepOutcome> {
  const rep = week.owner;
  const conversation = await ctx.conversations.getRepByEmail(rep);
  if (!conversation) return noConversation(rep, ctx);
  const sendAt = ctx.sendAt?.(conversation.timeZone);
  // Nothing is recorded, so the tick at the rep's own time plans and sends their card as a rerun
  // plans a failed rep's: their list is of that time, and their claim keeps it to one card.
  if (sendAt && !timeHasCome(ctx.now, sendAt)) return { rep, status: 'waiting', until: sendAt.toISOString() };
  if (week.shown.length === 0) {
    await ctx.runs.recordDelivery(ctx.runKey, rep, { at: ctx.at, status: 'nothing_to_send' });
    return { rep, status: 'nothing_to_send', earlier: false };
  }
  const data = weeklyCardDataFor(week, ctx.rules, ctx.runKey, ctx.card);
  // The page holds only the rows that fit; a card still over (one row too large alone) is refused
  // by the sender without a request, and recorded as failed.
  const card = buildWeeklyCard(data);
  return sendClaimed(ctx, rep, conversation, { card, summary: weeklyNotificationText(data), data }, tally);
}

/**
 * A rep with no stored conversation, the weekly card's and the daily digest's alike: nothing is
 * recorded (an install before a later tick still gets it); the admins are told the day they removed
 * the app, when they did.
 */
export async function noConversation(
  rep: string,
  ctx: Pick<DeliveryContext, 'conversations' | 'wording'>,
): Promise<RepOutcome> {
  const removed = await ctx.conversations.getRemoved(rep);
  if (!removed) return { rep, status: 'no_conversation' };
  return {
    rep,
    status: 'no_conversation',
    removedOn: dayWords(removed.removedAt, ctx.wording),
    removedName: removed.name,
  };
}

/** What a claimed send needs: the weekly card and the daily digest alike. */
export type ClaimedSendContext = Pick<
  DeliveryContext,
  'runKey' | 'at' | 'now' | 'clock' | 'runs' | 'cards' | 'sender'
>;

/**
 * The time as the run goes on (DeliveryContext.clock): a send claim is taken or judged at it, and the
 * end of a wait Teams asked for counts from it.
 */
const runTime = (ctx: Pick<DeliveryContext, 'now' | 'clock'>): Date => ctx.clock?.() ?? ctx.now;

/**
 * Sends one rep's built card under a claim (see deliverRepWeek): the claim taken, or an earlier one
 * settled without sending; then the send, and its outcome recorded in the ledger. The weekly run and
 * the daily follow-ups both send through it, so neither resends a card a failing ledger lost.
 */
export async function sendClaimed(
  ctx: ClaimedSendContext,
  rep: string,
  conversation: { reference: Record<string, unknown>; userId: string },
  message: { card: CardJson; summary: string; data: RepCardData },
  tally: DeliveryTally,
): Promise<RepOutcome> {
  const turn = await takeSendClaim(ctx, rep, () => recordSavedCard(ctx, rep, conversation));
  if (!turn.send)
    return 'earlier' in turn
      ? turn.earlier
      : { rep, status: 'failed', error: turn.error, ...(turn.elsewhere ? { elsewhere: true } : {}) };
  const sent = await ctx.sender(conversation.reference, message.card, message.summary);
  tally.attempts += sent.attempts ?? 1;
  tally.retries += sent.retries ?? 0;
  tally.throttled += sent.throttled ?? 0;
  switch (sent.status) {
    case 'delivered': {
      await recordDelivered(ctx, rep, conversation, sent.activityId, message.data);
      tally.cardSaves++;
      return {
        rep,
        status: 'delivered',
        activityId: sent.activityId,
        customers: customerIdsOf(message.data).length,
        earlier: false,
      };
    }
    case 'unreachable':
      await ctx.runs.recordDelivery(ctx.runKey, rep, { at: ctx.at, status: 'unreachable', code: sent.code });
      // Teams' answer says the card is not in the chat: a send after the rep installs the app again
      // is a first send, not one of the unconfirmed ones the claim limits.
      await ctx.runs.releaseClaim(ctx.runKey, rep);
      return { rep, status: 'unreachable', code: sent.code, earlier: false };
    case 'failed':
      // An error answer: a later tick's retry is a send of its own, not one of the unconfirmed ones
      // the claim limits. No answer: the card may be in the chat, so the claim counts this send.
      if (!sent.unanswered) await ctx.runs.releaseClaim(ctx.runKey, rep);
      return {
        rep,
        status: 'failed',
        error: sent.error,
        ...(sent.retryAfterMs === undefined
          ? {}
          : { retryAt: new Date(runTime(ctx).getTime() + sent.retryAfterMs).toISOString() }),
      };
  }
}

/**
 * Whether this caller sends now, or what stands instead: the send found to have happened, or why not
 * (`elsewhere`: another instance is sending it, and answers for it).
 */
export type ClaimTurn<T> =
  | { send: true }
  | { send: false; earlier: T }
  | { send: false; error: string; elsewhere?: true };

/**
 * Claims one recipient's send of this run in the ledger before it goes out (an insert: of two
 * instances, one sends). A claim already there (an earlier tick's send with no outcome recorded, or
 * another instance's) is settled without sending when it is still under way, when `findEarlier`
 * finds the send it covered, or when it has had its sends (weeklyClaims.ts); else it is taken over
 * for one more send. The weekly card, the daily digest, the monthly summary and the admins' notices
 * (postOnce) all go through it.
 */
export async function takeSendClaim<T>(
  ctx: Pick<DeliveryContext, 'runKey' | 'now' | 'clock'> & {
    runs: Pick<RunLedger, 'claimSend' | 'retakeClaim'>;
  },
  recipient: string,
  findEarlier: () => Promise<T | null>,
): Promise<ClaimTurn<T>> {
  const claimed = await ctx.runs.claimSend(ctx.runKey, recipient, runTime(ctx).toISOString());
  if (claimed.claimed) return { send: true };
  const claim = claimed.claim;
  const decision = decideClaim(claim, runTime(ctx));
  if (decision === 'under_way')
    return {
      send: false,
      error: `a send started at ${claim.at} is still under way: settled on a later tick`,
      elsewhere: true,
    };
  const earlier = await findEarlier();
  if (earlier !== null) return { send: false, earlier };
  if (decision === 'give_up_unless_found')
    return {
      send: false,
      error: `sent ${claim.sends} times with no answer recorded: not sent again (it may have arrived)`,
    };
  if (await ctx.runs.retakeClaim(ctx.runKey, recipient, claim, runTime(ctx).toISOString()))
    return { send: true };
  return {
    send: false,
    error: 'another instance took over the send: settled on a later tick',
    elsewhere: true,
  };
}

/**
 * The card an earlier send of this run saved for the rep, recorded as delivered: Teams took it, only
 * its ledger row is missing, so it is recorded rather than sent again. Null when none was saved.
 */
async function recordSavedCard(
  ctx: ClaimedSendContext,
  rep: string,
  conversation: { reference: Record<string, unknown> },
): Promise<RepOutcome | null> {
  const conversationId = conversationIdOf(conversation.reference);
  const found = conversationId ? await ctx.cards.findRunCard(conversationId, ctx.runKey) : null;
  if (!found) return null;
  const customerIds = customerIdsOf(found.data);
  await ctx.runs.recordDelivery(ctx.runKey, rep, {
    at: ctx.at,
    status: 'delivered',
    activityId: found.messageId,
    customerIds,
  });
  return {
    rep,
    status: 'delivered',
    activityId: found.messageId,
    customers: customerIds.length,
    earlier: true,
  };
}

/**
 * Right after a 201: records `delivered` in the ledger, with the customers the card lists, and keeps
 * the card's data, so taps on it update it in place (the weekly card and the daily digest alike).
 */
export async function recordDelivered(
  ctx: Pick<DeliveryContext, 'runKey' | 'at' | 'now' | 'cards'> & { runs: Pick<RunLedger, 'recordDelivery'> },
  rep: string,
  conversation: { reference: Record<string, unknown>; userId: string },
  activityId: string,
  data: RepCardData,
): Promise<void> {
  const conversationId = conversationIdOf(conversation.reference);
  const customerIds = customerIdsOf(data);
  // Both settle before a failure is thrown: the saved card is how a later tick finds this send
  // when the ledger write is the one that failed.
  await bothSettled(
    ctx.runs.recordDelivery(ctx.runKey, rep, { at: ctx.at, status: 'delivered', activityId, customerIds }),
    // A stored reference always names its conversation (conversationRefSchema); without one the
    // card could not be found again, so there is nothing to save and taps answer in text.
    conversationId
      ? saveSentCard(ctx.cards, activityId, conversation.userId, data, { conversationId, now: ctx.now })
      : Promise.resolve(),
  );
}

/** The customers a card lists (the weekly card's rows or the digest's). */
function customerIdsOf(data: RepCardData): string[] {
  return (isDigest(data) ? data.rows : data.customers).map((c) => c.customerId);
}
