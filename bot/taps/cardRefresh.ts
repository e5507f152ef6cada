import type { CardJson, CustomerOutcome } from '../../cards/cardModels';
import { outcomeOnCard, renderRepCard, withOutcome } from '../../cards/renderCard';
import { weeklyRunKey } from '../../jobs/schedule/weeklyRunDue';
import { localDate, mondayOf, zonedNow } from '../../rules/calendar';
import type { AuditStore } from '../../storage/auditStore';
import type { CardStore, SentCard } from '../../storage/cardStore';
import { type ConversationStore, conversationIdOf } from '../../storage/conversationStore';
import { ConflictError } from '../../storage/errors';
import type { BotReply, Log, SendResult } from '../ports';
import type { RetryOptions } from '../retryPolicy';
import { HISTORY_LIMIT } from './auditHistory';
import { currentOutcome } from './cardOutcome';

/**
 * How many of a rep's other cards one tap replaces in Teams, newest first. Teams allows a bot 8
 * requests per 2 seconds in one conversation (and 7 per second); a tap's own answer takes one or
 * two (the card, a line of text), so the answer and these refreshes fit one window, and the turn
 * stays far inside the 15 seconds after which Teams delivers the tap again. Older cards still get
 * their stored data set, so a tap on one of them shows the customer as they are.
 */
export const MAX_CARDS_REFRESHED = 6;

/**
 * How a refresh retries: a 429's Retry-After is waited for only briefly, since the tap's request is
 * still open (Teams delivers a tap again after 15 seconds; the tab waits for its answer).
 */
export const REFRESH_RETRY: RetryOptions = { maxAttempts: 3, maxRetryAfterMs: 4_000 };
/** Deadline of one refresh request, answer included (ms). */
export const REFRESH_TIMEOUT_MS = 5_000;
/**
 * Time in which one tap's refreshes may start a request or wait out a 429 (ms); the cards left get
 * their stored data only. The last request may run REFRESH_TIMEOUT_MS more, so the refreshes end
 * within 11 seconds of the answer: inside Teams' 15 for a tap, and short for the tab's save.
 */
export const REFRESH_BUDGET_MS = 6_000;

/** A saved card of the rep's whose row of the customer changed, rendered to replace the message in Teams. */
export type RefreshedCard = NonNullable<BotReply['refreshCards']>[number];

export interface RefreshRequest {
  /** The rep's 1:1 chat, where every card the bot sends them is kept. */
  conversationId: string;
  repUserId: string;
  customerId: string;
  /** What every card's row of the customer shows now (null: the buttons). */
  outcome: CustomerOutcome | null;
  /** The card the tap was made on, answered already: left out. */
  except?: string | null;
  /**
   * A card to bring up to date whatever its week, and replaced in Teams before the newest others (the
   * card the undone action was tapped on, which the reply says is put back).
   */
  also?: string | null;
  now: Date;
  timeZone: string;
}

/**
 * The first run key of each kind a refresh reaches: this week's weekly run (its `list` cards carry the
 * same key) and the digests from this week's Monday. Cards of earlier weeks are left as they were:
 * the rep works from this week's, and reading every card ever sent would grow with every week.
 */
export function refreshFrom(now: Date, timeZone: string): { weeklyFrom: string; dailyFrom: string } {
  return {
    weeklyFrom: weeklyRunKey(zonedNow(now, timeZone)),
    dailyFrom: `daily-${weekStart(now, timeZone)}`,
  };
}

/** This week's Monday in the team's zone (`YYYY-MM-DD`): this week's cards show actions from it on. */
export function weekStart(now: Date, timeZone: string): string {
  return mondayOf(localDate(now, timeZone));
}

/**
 * Sets the customer's outcome on every saved card of the rep (from this week's run on) that lists them
 * and shows something else, and renders the newest MAX_CARDS_REFRESHED of those for Teams. A card that
 * keeps losing its ETag race to other taps is skipped and logged: the tap itself is recorded.
 */
export async function refreshRepCards(
  cards: CardStore,
  request: RefreshRequest,
  log?: Pick<Log, 'warn'>,
): Promise<RefreshedCard[]> {
  const { conversationId, repUserId, customerId, outcome, except, also } = request;
  const found = await cards.cardsFrom(conversationId, refreshFrom(request.now, request.timeZone));
  if (also && also !== except && !found.some((c) => c.messageId === also)) {
    const card = await cards.get(conversationId, also);
    if (card) found.push(card);
  }
  // `also` first (the card the reply names), then the newest sent.
  const first = (c: SentCard) => (c.messageId === also ? 0 : 1);
  const stale = found
    .filter((c) => c.messageId !== except && c.repUserId === repUserId && showsOther(c, customerId, outcome))
    .sort((a, b) => first(a) - first(b) || b.savedAt.localeCompare(a.savedAt));
  const refreshed: RefreshedCard[] = [];
  for (const card of stale) {
    const saved = await setOutcome(cards, card, customerId, outcome, log);
    if (saved && refreshed.length < MAX_CARDS_REFRESHED)
      refreshed.push({ messageId: saved.messageId, conversationId, card: renderRepCard(saved.data) });
  }
  return refreshed;
}

/** True when the card lists the customer with another outcome than `outcome`. */
function showsOther(card: SentCard, customerId: string, outcome: CustomerOutcome | null): boolean {
  const shown = outcomeOnCard(card.data, customerId);
  return shown !== undefined && JSON.stringify(shown) !== JSON.stringify(outcome);
}

async function setOutcome(
  cards: CardStore,
  card: SentCard,
  customerId: string,
  outcome: CustomerOutcome | null,
  log?: Pick<Log, 'warn'>,
): Promise<SentCard | null> {
  let wrote = false;
  try {
    const saved = await cards.update(card.conversationId, card.messageId, (current) => {
      if (!showsOther(current, customerId, outcome)) return null;
      const data = withOutcome(current.data, customerId, outcome);
      wrote = data !== null;
      return data ? { ...current, data } : null;
    });
    // Another tap set the same outcome first: its own refresh replaces the message.
    return wrote ? saved : null;
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    log?.warn('card not refreshed: too many concurrent taps', { messageId: card.messageId });
    return null;
  }
}

/**
 * Replaces the refreshed cards in Teams one after another within REFRESH_BUDGET_MS: `replace` gets
 * the instant its retries must end by and answers null when Teams took the card, else what to log.
 * A card Teams refuses, and those left when the time is up, are logged: their stored data is right,
 * and each shows it when next tapped.
 */
export async function replaceInTime(
  refreshed: readonly RefreshedCard[],
  replace: (card: RefreshedCard, deadline: number) => Promise<Record<string, unknown> | null>,
  log?: Pick<Log, 'warn'>,
): Promise<void> {
  const deadline = Date.now() + REFRESH_BUDGET_MS;
  for (const [i, card] of refreshed.entries()) {
    if (Date.now() >= deadline) {
      log?.warn('cards showing the customer left to their next tap: out of time', {
        left: refreshed.length - i,
      });
      return;
    }
    const refused = await replace(card, deadline);
    if (refused)
      log?.warn('a card showing the customer could not be refreshed', {
        messageId: card.messageId,
        ...refused,
      });
  }
}

export interface ChatRefreshDeps {
  cards: CardStore;
  audit: Pick<AuditStore, 'latestForCustomer'>;
  conversations: Pick<ConversationStore, 'getRep'>;
  /**
   * Replaces a message's card through the stored reference, its retries ended by `deadline` (a
   * ProactiveSender's updateCard fits).
   */
  replace(
    reference: Record<string, unknown>,
    messageId: string,
    card: CardJson,
    deadline: number,
  ): Promise<SendResult>;
  timeZone: string;
  clock: () => Date;
  log?: Pick<Log, 'warn'>;
}

/**
 * After a tap made outside the chat (the tab): the user's cards in their 1:1 chat that show the
 * customer, set to what the customer shows now and replaced in Teams. Best effort: a card Teams
 * refuses is logged, its stored data right for the next tap on it.
 */
export async function refreshCardsInChat(
  deps: ChatRefreshDeps,
  userId: string,
  customerId: string,
): Promise<void> {
  const rep = await deps.conversations.getRep(userId);
  const chat = rep ? conversationIdOf(rep.reference) : null;
  if (!rep || !chat) return;
  const now = deps.clock();
  const history = await deps.audit.latestForCustomer(customerId, { limit: HISTORY_LIMIT });
  const outcome = currentOutcome(history, deps.timeZone, weekStart(now, deps.timeZone));
  const request = {
    conversationId: chat,
    repUserId: userId,
    customerId,
    outcome,
    now,
    timeZone: deps.timeZone,
  };
  const refreshed = await refreshRepCards(deps.cards, request, deps.log);
  await replaceInTime(
    refreshed,
    async ({ messageId, card }, deadline) => {
      const result = await deps.replace(rep.reference, messageId, card, deadline);
      if (result.status === 'delivered') return null;
      return result.status === 'failed' ? { error: result.error } : { code: result.code };
    },
    deps.log,
  );
}
