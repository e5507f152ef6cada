import { z } from 'zod';
import type { CardJson } from '../cards/cardModels';
import type { RepInput, RepSeen, RepUpdate, SummaryChannelInput } from '../storage/conversationStore';

export type { CardJson };

/**
 * What the bot needs from the rest of the product. Storage and the action logic implement these
 * interfaces; nothing here depends on botbuilder, so implementers never import it.
 */

/** A conversation reference as plain JSON (the Bot Framework shape), safe to store and read back. */
export const conversationRefSchema = z.object({
  channelId: z.string().min(1),
  serviceUrl: z.string().min(1),
  conversation: z.looseObject({
    id: z.string().min(1),
    conversationType: z.string().optional(),
    tenantId: z.string().optional(),
    isGroup: z.boolean().optional(),
    name: z.string().optional(),
  }),
  bot: z.looseObject({ id: z.string().min(1), name: z.string().optional() }),
  user: z
    .looseObject({ id: z.string().min(1), name: z.string().optional(), aadObjectId: z.string().optional() })
    .optional(),
  locale: z.string().optional(),
});
export type ConversationRef = z.infer<typeof conversationRefSchema>;

/** A rep who installed the app in personal scope, and the team channel for the summary: storage's shapes. */
export type { RepInput, RepSeen, RepUpdate, SummaryChannelInput };

/** Persistence of conversation references, as the bot uses it (storage's Table Storage store fits). */
export interface ConversationStore {
  /**
   * Inserts or replaces the rep (idempotent: Teams may announce one install twice); an uninstall
   * Teams sent after the rep's `installedAt`, handled first, stands (then null is returned).
   */
  saveRep(rep: RepInput): Promise<unknown>;
  /**
   * Removes the rep, keeping that they removed the app at `removedAt` (when Teams sent the
   * uninstall); an unknown user is not an error, and an install Teams sent after it stands.
   */
  removeRep(userId: string, removedAt: string): Promise<void>;
  /**
   * Records what the rep's client sent with an activity (serviceUrl, display name, IANA zone), each
   * when it changed, in one read of the rep's row; `no_rep` when no rep is stored for the user (no error).
   */
  learnFromActivity(userId: string, seen: RepSeen): Promise<RepUpdate>;
  /** Replaces the team's summary channel (an admin's `summary here`). */
  setSummaryChannel(channel: SummaryChannelInput): Promise<void>;
  /** Stores the summary channel only when none is stored yet (an install); true when it was stored. */
  setSummaryChannelIfNone(channel: SummaryChannelInput): Promise<boolean>;
  /** Forgets the summary channel when it is in this team (the app was removed from it); true when it was. */
  clearSummaryChannelOf(teamId: string): Promise<boolean>;
}

/** The person who typed or tapped. */
export interface Actor {
  /** AAD object id. */
  userId: string;
  name: string;
  tenantId: string;
}

export type BotCommand = 'help' | 'list' | 'undo' | 'summary';

/** Where a message came from: the 1:1 chat, a team channel or a group chat. */
export type ConversationKind = 'personal' | 'channel' | 'groupChat';

/**
 * The incoming activity a request came in: Teams' id of it, unique within its conversation. Teams
 * delivers an activity again, with the same id, when the bot took longer than 15 seconds to answer
 * (https://learn.microsoft.com/microsoftteams/platform/bots/bot-basics, the note under "Teams
 * activity handlers"), and also on some failure statuses it does not list
 * (https://github.com/MicrosoftDocs/msteams-docs/issues/8998); an invoke was seen delivered twice
 * with the same id and timestamp (https://github.com/microsoft/botbuilder-dotnet/issues/5005).
 * What acts is therefore done once per delivery id. Missing when the activity carries no id.
 */
export interface Delivery {
  conversationId: string;
  activityId: string;
}

export interface CommandRequest {
  command: BotCommand;
  /** `list 2`: the page of the list asked for (1 when not given). */
  page?: number;
  actor: Actor;
  conversationKind: ConversationKind;
  /** The text the user typed when it was not a known command (the bot answers with help). */
  unrecognised?: string;
  /** Posts a message in the conversation at once, before the answer (which waits for the work). */
  say?: (text: string) => Promise<void>;
  /** The message this command came in: `list`, `summary` and `undo` act once per delivery. */
  delivery?: Delivery;
}

export interface SubmitRequest {
  actor: Actor;
  /** The Action.Submit data merged with the card's inputs, unvalidated: the handler parses it. */
  value: Record<string, unknown>;
  /** The id of the message holding the card that was tapped (to update it in place). */
  replyToId: string | null;
  conversationId: string;
  conversationKind: ConversationKind;
  /** Posts a message in the conversation at once, before the answer (which waits for the work). */
  say?: (text: string) => Promise<void>;
  /** The tap's activity: the same tap delivered again records nothing more. */
  delivery?: Delivery;
}

/** How one send or update ended. */
export type SendOutcome =
  | { status: 'delivered'; activityId: string }
  | { status: 'unreachable'; code: string }
  /**
   * `unanswered`: a new message whose answer never came. Teams may have posted it, so a caller
   * sending it again must count it as sent (the run ledger's claim does). `retryAfterMs`: Teams
   * answered 429 asking for a longer wait than the sender waits, this long from the answer.
   */
  | { status: 'failed'; error: string; unanswered?: true; retryAfterMs?: number };

/** Attempts, retries, 429s met and time spent waiting on backoff, for the run report. */
export interface SendTally {
  attempts: number;
  retries: number;
  throttled: number;
  waitedMs: number;
}

/** How one send ended, with its tally when the sender keeps one (the ProactiveSender does). */
export type SendResult = SendOutcome & Partial<SendTally>;

/** Posts a card as a new message in the conversation of a stored reference (plain JSON). */
export type CardSender = (
  reference: Record<string, unknown>,
  card: CardJson,
  summaryText: string,
) => Promise<SendResult>;

/** What the bot should do in answer; every field optional, applied in the order listed. */
export interface BotReply {
  /** Replaces the tapped card in place (updateActivity on replyToId). */
  updateCard?: CardJson;
  /** Said instead when Teams refuses to replace the card: what the tap did stands all the same. */
  ifNotUpdated?: string;
  text?: string;
  cards?: CardJson[];
  /** A new card whose message id must be kept so later taps update it in place (sent after `cards`). */
  savedCard?: { card: CardJson; onSent(messageId: string, conversationId: string): Promise<void> };
  /**
   * Cards sent earlier, other than the one tapped, that show the customer acted on, in this chat, in
   * the owning rep's and in that of the rep whose card this week's run listed them on: each replaced
   * after the answer, so every card tells what the answer says.
   * A card of another chat carries that chat's stored `reference`, through which it is replaced. Best
   * effort: their stored data is right already, and a card Teams refuses to replace is logged, not
   * retried for ever.
   */
  refreshCards?: {
    messageId: string;
    conversationId: string;
    card: CardJson;
    reference?: Record<string, unknown>;
  }[];
}

/** The product's answers to text commands and card taps (implemented by the action logic). */
export interface ActionHandler {
  /** Answers a text command. */
  command(request: CommandRequest): Promise<BotReply>;
  /** Handles an Action.Submit (validate, authorise, write, return the updated card). */
  submit(request: SubmitRequest): Promise<BotReply>;
}

/** Where the product writes its diagnostics (an InvocationContext or the console fits). */
export interface Log {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

/** Logs to the console (the Functions host captures it). */
export const consoleLog: Log = {
  info: (m, d) => console.info(m, d ?? ''),
  warn: (m, d) => console.warn(m, d ?? ''),
  error: (m, d) => console.error(m, d ?? ''),
};
