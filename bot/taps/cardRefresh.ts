import type { CardJson, CustomerOutcome } from '../../cards/cardModels';
import { outcomeOnCard, renderRepCard, undoLeftToOnCard, withOutcome } from '../../cards/renderCard';
import { repName, repNamesOf } from '../../cards/repNames';
import { weeklyRunKey } from '../../jobs/schedule/weeklyRunDue';
import { sameAddress } from '../../rules/addresses';
import { localDate, mondayOf, zonedNow } from '../../rules/calendar';
import { listedOnCardOf } from '../../rules/listedWeeks';
import type { AuditRow } from '../../storage/auditRow';
import type { AuditStore } from '../../storage/auditStore';
import type { CardStore, SentCard } from '../../storage/cardStore';
import { type ConversationStore, conversationIdOf } from '../../storage/conversationStore';
import { ConflictError } from '../../storage/errors';
import type { ListingStore } from '../../storage/listingStore';
import type { BotReply, Log, SendResult } from '../ports';
import type { RetryOptions } from '../retryPolicy';
import { HISTORY_LIMIT } from './auditHistory';
import type { AccessPolicy } from './authorise';
import { currentAction, outcomeOfRow } from './cardOutcome';
import { ownerAddressesFrom, type RowUndo, undoLeftToReader } from './undoOnCard';

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

/**
 * A chat whose saved cards may list the customer: a rep's 1:1 chat, where every card the bot sends
 * them (weekly, digest, `list` pages) is kept, and the stored reference to reach it (null: the chat
 * the tap came in, answered through its own turn).
 */
export interface CardChat {
  conversationId: string;
  repUserId: string;
  /** The rep's addresses, as their install stored them ('' when none): who may undo on their cards. */
  email: string;
  upn: string;
  reference: Record<string, unknown> | null;
}

/** Where chatsShowing finds the reps whose cards may list the customer. */
export interface ChatStores {
  conversations: Pick<ConversationStore, 'getRep' | 'getRepByEmail'>;
  /** Each customer's weeks on the lists, with whose list each week was. */
  listings: Pick<ListingStore, 'read'>;
}

/**
 * When chatsShowing looks (the lists it reads are this week's run's), and where listings it cannot
 * read are logged.
 */
export interface ShowingWeek {
  now: Date;
  timeZone: string;
  log?: Pick<Log, 'warn'>;
}

/**
 * The chats whose cards may list the customer after a save by `userId`: the saver's own, the owning
 * rep's (the feed's `owner`), and that of the rep whose card this week's run listed them on, once
 * each. A manager's or an admin's save thus reaches the rep's cards as well as their own; and when a
 * new export moved the customer to another rep since Monday, the rep whose card still lists them sees
 * the save rather than a customer left open to act on again. The week's owner is one point read of
 * the customer's listings, not a read of every chat. A rep who has not installed the app has no chat
 * to refresh; listings that cannot be read are logged, and the other chats refreshed all the same.
 */
export async function chatsShowing(
  stores: ChatStores,
  saver: { userId: string; chat?: CardChat | null },
  customer: { customerId: string; owner: string },
  week: ShowingWeek,
): Promise<CardChat[]> {
  const { conversations } = stores;
  const { owner } = customer;
  const [mine, owners, lister] = await Promise.all([
    saver.chat ? null : conversations.getRep(saver.userId),
    owner ? conversations.getRepByEmail(owner) : null,
    // Looked up only when the week's list was another rep's (in most weeks it is the owner's), and
    // as soon as the week is read, beside the owner's lookup: the tap's answer waits on all three.
    listedThisWeekBy(stores.listings, customer.customerId, week).then((listedBy) =>
      listedBy && !(owner && sameAddress(listedBy, owner)) ? conversations.getRepByEmail(listedBy) : null,
    ),
  ]);
  const chats: CardChat[] = saver.chat ? [saver.chat] : [];
  for (const rep of [mine, owners, lister]) {
    const conversationId = rep ? conversationIdOf(rep.reference) : null;
    if (rep && conversationId && !chats.some((c) => c.conversationId === conversationId))
      chats.push({
        conversationId,
        repUserId: rep.userId,
        email: rep.email,
        upn: rep.upn,
        reference: rep.reference,
      });
  }
  return chats;
}

/** The owner whose card this week's run listed the customer on (listedOnCardOf); null when none, or unreadable (logged). */
async function listedThisWeekBy(
  listings: Pick<ListingStore, 'read'>,
  customerId: string,
  { now, timeZone, log }: ShowingWeek,
): Promise<string | null> {
  try {
    return listedOnCardOf(await listings.read(customerId), refreshFrom(now, timeZone).weeklyFrom);
  } catch (error) {
    log?.warn("the customer's weeks on the lists not read: a rep the feed moved them from keeps their card", {
      customerId,
      error: error instanceof Error ? error.message : String(error),
    });
    return null;
  }
}

export interface RefreshRequest {
  /** The rep's 1:1 chat, where every card the bot sends them is kept. */
  conversationId: string;
  repUserId: string;
  customerId: string;
  /** What every card's row of the customer shows now (null: the buttons). */
  outcome: CustomerOutcome | null;
  /** Whom the rep's cards leave the outcome's Undo to (WeeklyCardCustomer.undoLeftTo); none: the rep may undo it. */
  undoLeftTo?: string;
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
  const { conversationId, repUserId, customerId, except, also } = request;
  const shown = { outcome: request.outcome, undoLeftTo: request.undoLeftTo };
  const found = await cards.cardsFrom(conversationId, refreshFrom(request.now, request.timeZone));
  if (also && also !== except && !found.some((c) => c.messageId === also)) {
    const card = await cards.get(conversationId, also);
    if (card) found.push(card);
  }
  // `also` first (the card the reply names), then the newest sent.
  const first = (c: SentCard) => (c.messageId === also ? 0 : 1);
  const stale = found
    .filter((c) => c.messageId !== except && c.repUserId === repUserId && showsOther(c, customerId, shown))
    .sort((a, b) => first(a) - first(b) || b.savedAt.localeCompare(a.savedAt));
  const refreshed: RefreshedCard[] = [];
  for (const card of stale) {
    const saved = await setOutcome(cards, card, customerId, shown, log);
    if (saved && refreshed.length < MAX_CARDS_REFRESHED)
      refreshed.push({ messageId: saved.messageId, conversationId, card: renderRepCard(saved.data) });
  }
  return refreshed;
}

/** What one save brings up to date in every chat: the customer's outcome, and the cards to leave or put first. */
export interface ChatsRefreshRequest {
  customerId: string;
  outcome: CustomerOutcome | null;
  /** What decides whom each chat's cards leave the outcome's Undo to (none: every reader may undo it). */
  undo?: RowUndo | null;
  /** The card the tap was made on, in the chat it was made in: answered already. */
  except?: { conversationId: string; messageId: string } | null;
  /**
   * The card the undone action was tapped on (RefreshRequest.also), in the chat of the rep who tapped
   * it: cards are kept in their 1:1 chat, and Teams numbers messages per chat, so the same id in
   * another chat is another card.
   */
  also?: { messageId: string; repUserId: string } | null;
  now: Date;
  timeZone: string;
}

/**
 * refreshRepCards in each chat, each card carrying the chat's reference. A chat whose cards cannot be
 * read or written (the store out, a malformed row) is logged and left to its next tap; the others
 * are refreshed all the same, and the save stands either way.
 */
export async function refreshChats(
  cards: CardStore,
  chats: readonly CardChat[],
  request: ChatsRefreshRequest,
  log?: Pick<Log, 'warn'>,
): Promise<RefreshedCard[]> {
  const { except, also, undo, ...rest } = request;
  const perChat = await Promise.all(
    chats.map(async ({ conversationId, repUserId, email, upn, reference }) => {
      try {
        // Each chat is one rep's: their cards offer the Undo only when they may use it.
        const undoLeftTo = rest.outcome
          ? await undoLeftToReader({ userId: repUserId, email, upn }, undo)
          : undefined;
        const refreshed = await refreshRepCards(
          cards,
          {
            ...rest,
            ...(undoLeftTo ? { undoLeftTo } : {}),
            conversationId,
            repUserId,
            except: except?.conversationId === conversationId ? except.messageId : null,
            also: also?.repUserId === repUserId ? also.messageId : null,
          },
          log,
        );
        return refreshed.map((card) => (reference ? { ...card, reference } : card));
      } catch (error) {
        log?.warn('cards showing the customer not refreshed after a save', {
          customerId: request.customerId,
          conversationId,
          error: error instanceof Error ? error.message : String(error),
        });
        return [];
      }
    }),
  );
  return perChat.flat();
}

/** What a card's row of the customer is to show: the outcome, and whom its Undo is left to. */
interface RowShown {
  outcome: CustomerOutcome | null;
  undoLeftTo?: string | undefined;
}

/** True when the card lists the customer with another outcome, or its Undo left to another, than `shown`. */
function showsOther(card: SentCard, customerId: string, shown: RowShown): boolean {
  const outcome = outcomeOnCard(card.data, customerId);
  return (
    outcome !== undefined &&
    (JSON.stringify(outcome) !== JSON.stringify(shown.outcome) ||
      undoLeftToOnCard(card.data, customerId) !== (shown.outcome ? shown.undoLeftTo : undefined))
  );
}

async function setOutcome(
  cards: CardStore,
  card: SentCard,
  customerId: string,
  shown: RowShown,
  log?: Pick<Log, 'warn'>,
): Promise<SentCard | null> {
  let wrote = false;
  try {
    const saved = await cards.update(card.conversationId, card.messageId, (current) => {
      if (!showsOther(current, customerId, shown)) return null;
      const data = withOutcome(current.data, customerId, shown.outcome, shown.undoLeftTo);
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
 * Replaces the refreshed cards in Teams within REFRESH_BUDGET_MS: one chat's cards one after another
 * (newest first, paced by that chat's limits), the chats side by side under the one deadline, so a chat
 * Teams throttles holds up no other. `replace` gets the instant its retries must end by and answers
 * null when Teams took the card, else what to log. A card Teams refuses, those left when the time is
 * up, and a chat whose replacing failed outright are logged: their stored data is right, and each
 * shows it when next tapped.
 */
export async function replaceInTime(
  refreshed: readonly RefreshedCard[],
  replace: (card: RefreshedCard, deadline: number) => Promise<Record<string, unknown> | null>,
  log?: Pick<Log, 'warn'>,
): Promise<void> {
  const deadline = Date.now() + REFRESH_BUDGET_MS;
  const chats = new Map<string, RefreshedCard[]>();
  for (const card of refreshed)
    chats.set(card.conversationId, [...(chats.get(card.conversationId) ?? []), card]);
  const inChat = async (cards: readonly RefreshedCard[]) => {
    for (const [i, card] of cards.entries()) {
      if (Date.now() >= deadline) {
        log?.warn('cards showing the customer left to their next tap: out of time', {
          conversationId: card.conversationId,
          left: cards.length - i,
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
  };
  const done = await Promise.allSettled([...chats.values()].map(inChat));
  for (const [i, result] of done.entries())
    if (result.status === 'rejected')
      log?.warn('a card showing the customer could not be refreshed', {
        conversationId: [...chats.keys()][i],
        error: result.reason instanceof Error ? result.reason.message : String(result.reason),
      });
}

/**
 * Replaces a message's card through a chat's stored reference, its retries ended by `deadline` (a
 * ProactiveSender's updateCard fits).
 */
export type CardReplacer = (
  reference: Record<string, unknown>,
  messageId: string,
  card: CardJson,
  deadline: number,
) => Promise<SendResult>;

/** replaceInTime's step for a card reached through its chat's stored reference: null when Teams took it, else what to log. */
export async function replaceThroughReference(
  replace: CardReplacer | undefined,
  { reference, messageId, card }: RefreshedCard,
  deadline: number,
): Promise<Record<string, unknown> | null> {
  if (!replace || !reference) return { error: 'no stored reference to reach the chat' };
  const result = await replace(reference, messageId, card, deadline);
  if (result.status === 'delivered') return null;
  return result.status === 'failed' ? { error: result.error } : { code: result.code };
}

export interface ChatRefreshDeps extends ChatStores {
  conversations: ChatStores['conversations'] & Pick<ConversationStore, 'listReps'>;
  cards: CardStore;
  /** Who may act and undo: each chat's cards offer the Undo only to a rep who may use it. */
  access: AccessPolicy;
  audit: Pick<AuditStore, 'latestForCustomer'>;
  replace: CardReplacer;
  timeZone: string;
  clock: () => Date;
  log?: Pick<Log, 'warn'>;
}

/**
 * After a save made outside a chat (the tab): the cards that show the customer in the saver's 1:1
 * chat, the owning rep's and that of the rep this week's card lists them for (chatsShowing), set to
 * what the customer shows now and replaced in Teams. Best effort: a card Teams refuses is logged, its
 * stored data right for the next tap on it.
 */
export async function refreshCardsInChats(
  deps: ChatRefreshDeps,
  userId: string,
  customer: { customerId: string; owner: string },
): Promise<void> {
  const now = deps.clock();
  const week = { now, timeZone: deps.timeZone, ...(deps.log ? { log: deps.log } : {}) };
  const chats = await chatsShowing(deps, { userId }, customer, week);
  if (chats.length === 0) return;
  const history = await deps.audit.latestForCustomer(customer.customerId, { limit: HISTORY_LIMIT });
  const standing = currentAction(history, deps.timeZone, weekStart(now, deps.timeZone));
  const shown = rowShowing(
    standing,
    {
      customer: { owner: customer.owner, name: standing?.customerName ?? '' },
      policy: deps.access,
      repName: repNameFrom(deps.conversations),
      ownerAddresses: ownerAddressesFrom(deps.conversations),
    },
    deps.timeZone,
  );
  const request = { customerId: customer.customerId, ...shown, now, timeZone: deps.timeZone };
  const refreshed = await refreshChats(deps.cards, chats, request, deps.log);
  await replaceInTime(
    refreshed,
    (card, deadline) => replaceThroughReference(deps.replace, card, deadline),
    deps.log,
  );
}

/** How a rep is named to another (by the feed's owner address), the stored reps read only when asked. */
export function repNameFrom(
  conversations: Pick<ConversationStore, 'listReps'>,
): (owner: string) => Promise<string> {
  return async (owner) => repName(repNamesOf(await conversations.listReps()), owner);
}

/** What this week's cards show on a customer's row (null: the buttons), and what decides who may undo it. */
export interface RowNow {
  outcome: CustomerOutcome | null;
  undo: RowUndo | null;
}

/**
 * The row showing `standing`'s outcome (null: the buttons), with what decides whom each reader's card
 * leaves its Undo to.
 */
export function rowShowing(
  standing: AuditRow | null,
  undo: Omit<RowUndo, 'standing'>,
  timeZone: string,
): RowNow {
  return standing
    ? { outcome: outcomeOfRow(standing, timeZone), undo: { ...undo, standing } }
    : { outcome: null, undo: null };
}
