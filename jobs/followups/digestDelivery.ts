import type { CardSender } from '../../bot/ports';
import { cardMessageKey } from '../../bot/taps/auditHistory';
import { buildDigestCard } from '../../cards/buildDigestCard';
import type { DigestCardData } from '../../cards/digestCardModels';
import { isDigest } from '../../cards/renderCard';
import { MAX_AUDIT_ID_CHARS, type NewAuditRow } from '../../storage/auditRow';
import type { CardStore } from '../../storage/cardStore';
import { conversationIdOf } from '../../storage/conversationStore';
import type { RunLedger } from '../../storage/runLedger';
import {
  type DeliveryContext,
  type DeliveryTally,
  noConversation,
  sendClaimed,
} from '../weekly/weeklyDelivery';
import type { RepOutcome } from '../weekly/weeklyReport';
import { digestNotificationText, FOLLOW_UPS_ACTOR } from './digestFor';

/** What delivering one rep's digest needs. */
export interface DigestDeliveryContext {
  runKey: string;
  /** ISO instant of the run, on the ledger rows. */
  at: string;
  /** The time the run's own audit rows carry (the day's first start, so every attempt writes the same). */
  rowsAt: string;
  now: Date;
  wording: DeliveryContext['wording'];
  conversations: DeliveryContext['conversations'];
  runs: Pick<RunLedger, 'recordDelivery' | 'claimSend' | 'retakeClaim' | 'releaseClaim'>;
  cards: CardStore;
  sender: CardSender;
}

/** The follow_up audit rows of a sent digest: one per row, naming the card, so the summary can count the taps on them. */
export function followUpRows(
  data: DigestCardData,
  owner: string,
  messageId: string,
  rowsAt: string,
): NewAuditRow[] {
  return data.rows.map((r) => ({
    id: `follow_up|${data.runKey}|${r.customerId}`.slice(0, MAX_AUDIT_ID_CHARS),
    action: 'follow_up',
    customerId: r.customerId,
    customerName: r.name.slice(0, 1000),
    owner,
    ...FOLLOW_UPS_ACTOR,
    at: rowsAt,
    value: r.monthlyValue,
    reason: r.reason.kind,
    cardMessageId: cardMessageKey(messageId),
  }));
}

/**
 * Delivers one rep's digest, as the weekly run delivers a card: find the conversation (none:
 * noConversation), build and size-check, then send under the same claim
 * (sendClaimed): right after a 201 `delivered` is recorded in the ledger with the card data the bot
 * updates in place (the run appends the digests' `follow_up` audit rows after the sends), a 403
 * `unreachable`, a failed send nothing. A send whose answer never reached the ledger is settled by a
 * later tick from the saved digest, so a failing ledger costs a rep at most one duplicate digest.
 */
export async function deliverDigest(
  owner: string,
  data: DigestCardData,
  ctx: DigestDeliveryContext,
  tally: DeliveryTally,
): Promise<RepOutcome> {
  const conversation = await ctx.conversations.getRepByEmail(owner);
  if (!conversation) return noConversation(owner, ctx);
  const card = buildDigestCard(data);
  return sendClaimed(ctx, owner, conversation, { card, summary: digestNotificationText(data), data }, tally);
}

/**
 * The data of the digest a rep was sent, as the card store keeps it by activity id (its rows as they
 * went out, with the taps' outcomes since); null when it cannot be found (the rep's chat is no longer
 * stored, or the card's save failed).
 */
export async function sentDigestData(
  ctx: Pick<DigestDeliveryContext, 'conversations' | 'cards'>,
  owner: string,
  activityId: string,
): Promise<DigestCardData | null> {
  const conversation = await ctx.conversations.getRepByEmail(owner);
  const conversationId = conversation && conversationIdOf(conversation.reference);
  if (!conversationId) return null;
  const card = await ctx.cards.get(conversationId, activityId);
  return card && isDigest(card.data) ? card.data : null;
}
