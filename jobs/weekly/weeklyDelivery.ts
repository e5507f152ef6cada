import type { CardSender } from '../../bot/ports';
import { buildWeeklyCard } from '../../cards/buildWeeklyCard';
import type { RepCardData } from '../../cards/renderCard';
import type { Rules } from '../../rules/rulesSchema';
import { type CardStore, saveSentCard } from '../../storage/cardStore';
import type { ConversationStore } from '../../storage/conversationStore';
import type { RunLedger } from '../../storage/runLedger';
import {
  type CardPageOptions,
  cardBytes,
  MAX_CARD_BYTES,
  weeklyCardDataFor,
  weeklyNotificationText,
} from './weeklyCardFor';
import type { RepWeek } from './weeklyLists';
import type { RepOutcome } from './weeklyReport';

/** What delivering one rep's card needs. */
export interface DeliveryContext {
  runKey: string;
  /** ISO instant of the run, stored on the ledger rows. */
  at: string;
  now: Date;
  rules: Pick<Rules, 'lossReasons'>;
  card: CardPageOptions;
  conversations: Pick<ConversationStore, 'getRepByEmail'>;
  runs: Pick<RunLedger, 'recordDelivery'>;
  cards: CardStore;
  sender: CardSender;
}

/** The tally of one rep's send, for the report. */
export interface DeliveryTally {
  attempts: number;
  retries: number;
  throttled: number;
  cardSaves: number;
}

/**
 * Delivers one rep's week. Order: find the conversation (none: `no_conversation`, not recorded so a
 * later attempt tries again once the app is installed); an empty list is recorded `nothing_to_send`;
 * else build, size-check, send, and right after a 201 record `delivered` in the ledger together with
 * the card data the bot needs to update the card in place. A 403 is recorded `unreachable`; a failed
 * send records nothing, so a rerun of the run retries it.
 *
 * Teams has no idempotent send, so a crash between Teams accepting a card and the ledger insert can
 * only be resolved one way or the other: we choose at-least-once (a rerun sends that rep's card
 * again) over at-most-once (a "sending" mark written first would leave that rep silently without a
 * card). The ledger row is written as soon as the 201 is back, beside the card save, and the rep's
 * slot in the run's send concurrency is held until it is stored. So the window is not one insert
 * wide: every send in flight is in it (sent, answer not yet back, or ledger insert not yet done),
 * and a crash duplicates at most those, never more than the send concurrency (16 by default).
 * `npm run bench crash` kills the run at random points and measures it.
 */
export async function deliverRepWeek(
  week: RepWeek,
  ctx: DeliveryContext,
  tally: DeliveryTally,
): Promise<RepOutcome> {
  const rep = week.owner;
  const conversation = await ctx.conversations.getRepByEmail(rep);
  if (!conversation) return { rep, status: 'no_conversation' };
  if (week.shown.length === 0) {
    await ctx.runs.recordDelivery(ctx.runKey, rep, { at: ctx.at, status: 'nothing_to_send' });
    return { rep, status: 'nothing_to_send', earlier: false };
  }
  const data = weeklyCardDataFor(week, ctx.rules, ctx.runKey, ctx.card);
  const card = buildWeeklyCard(data);
  const bytes = cardBytes(card);
  if (bytes > MAX_CARD_BYTES) {
    return { rep, status: 'failed', error: `card is ${bytes} bytes, over the ${MAX_CARD_BYTES} limit` };
  }
  const sent = await ctx.sender(conversation.reference, card, weeklyNotificationText(data));
  tally.attempts += sent.attempts ?? 1;
  tally.retries += sent.retries ?? 0;
  tally.throttled += sent.throttled ?? 0;
  switch (sent.status) {
    case 'delivered': {
      await recordDelivered(ctx, rep, conversation, sent.activityId, data);
      tally.cardSaves++;
      return {
        rep,
        status: 'delivered',
        activityId: sent.activityId,
        customers: data.customers.length,
        earlier: false,
      };
    }
    case 'unreachable':
      await ctx.runs.recordDelivery(ctx.runKey, rep, { at: ctx.at, status: 'unreachable' });
      return { rep, status: 'unreachable', code: sent.code, earlier: false };
    case 'failed':
      return { rep, status: 'failed', error: sent.error };
  }
}

/**
 * Right after a 201: records `delivered` in the ledger and keeps the card's data, so taps on it
 * update it in place (the weekly card and the daily digest alike).
 */
export async function recordDelivered(
  ctx: Pick<DeliveryContext, 'runKey' | 'at' | 'now' | 'runs' | 'cards'>,
  rep: string,
  conversation: { reference: Record<string, unknown>; userId: string },
  activityId: string,
  data: RepCardData,
): Promise<void> {
  const conversationId = conversationIdOf(conversation.reference);
  await Promise.all([
    ctx.runs.recordDelivery(ctx.runKey, rep, { at: ctx.at, status: 'delivered', activityId }),
    // A stored reference always names its conversation (conversationRefSchema); without one the
    // card could not be found again, so there is nothing to save and taps answer in text.
    conversationId
      ? saveSentCard(ctx.cards, activityId, conversation.userId, data, { conversationId, now: ctx.now })
      : Promise.resolve(),
  ]);
}

/** The conversation id a stored reference names, or null. */
export function conversationIdOf(reference: Record<string, unknown>): string | null {
  const conversation = reference.conversation as { id?: unknown } | undefined;
  return typeof conversation?.id === 'string' ? conversation.id : null;
}
