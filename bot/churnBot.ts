import {
  type Activity,
  CardFactory,
  Channels,
  type ConversationReference,
  TeamsActivityHandler,
  type TeamsChannelAccount,
  TeamsInfo,
  TurnContext,
  teamsGetChannelId,
  teamsGetTeamInfo,
} from 'botbuilder';
import { timeZoneSchema } from '../rules/calendar';
import type {
  ActionHandler,
  Actor,
  BotCommand,
  BotReply,
  ConversationKind,
  ConversationRef,
  ConversationStore,
  Delivery,
  Log,
  RepInput,
  RepSeen,
  SummaryChannelInput,
} from './ports';
import { adaptConnectorClient } from './proactiveSender';
import { RateLimiter } from './rateLimiter';
import { retryingPreconditionFailed, withRetry } from './retryPolicy';
import { FOREIGN_TENANT } from './taps/authorise';
import {
  type CardReplacer,
  REFRESH_RETRY,
  REFRESH_TIMEOUT_MS,
  replaceInTime,
  replaceThroughReference,
} from './taps/cardRefresh';

/** What a typed message asks for, decided from the text alone. */
export type ParsedText =
  | { kind: 'command'; command: BotCommand; page?: number }
  | { kind: 'summary_here' }
  | { kind: 'unknown'; text: string };

const COMMANDS: ReadonlySet<string> = new Set<BotCommand>(['help', 'list', 'undo', 'summary']);

/** Maps a message text (mention already removed) to a command; exact words only, never substrings. */
export function parseCommand(text: string | undefined): ParsedText {
  const normalised = (text ?? '')
    .replace(/&nbsp;|\u00a0/g, ' ')
    // A tag holds no `<`: each unclosed `<` fails at the next one, where `[^>]*` scanned on to the
    // end from every one of them (minutes for a message of many `<`).
    .replace(/<[^<>]*>/g, ' ')
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase();
  if (normalised === 'summary here') return { kind: 'summary_here' };
  if (COMMANDS.has(normalised)) return { kind: 'command', command: normalised as BotCommand };
  // `list 2` (or `more 2`): a later page of the list.
  const page = /^(?:list|more) (\d{1,3})$/.exec(normalised);
  if (page) return { kind: 'command', command: 'list', page: Number(page[1]) };
  return { kind: 'unknown', text: normalised };
}

export interface ChurnBotDeps {
  store: ConversationStore;
  actions: ActionHandler;
  log: Log;
  /** The one tenant served; empty or missing = any (local runs). */
  tenantId?: string;
  /** Teams user ids (AAD object ids) who may move the summary channel with `summary here`. */
  adminUserIds?: readonly string[];
  /**
   * Tells the admins (the weekly notice's recipients) that the summary channel changed, so a move
   * nobody asked for is seen before the next summary goes out. Missing: the change is only logged.
   */
  notifyAdmins?: (text: string) => Promise<'posted' | 'no_recipient' | 'failed'>;
  /**
   * Claims a message once by its activity (the card table's claimDelivery): false when it was
   * claimed before. A `summary here` Teams delivers again then moves nothing and tells no admin a
   * second time. Missing: every delivery acts.
   */
  claimDelivery?: (delivery: Delivery) => Promise<boolean>;
  /** Paces the refreshes of other cards after an answer (default: Teams' published limits). */
  limiter?: RateLimiter;
  /**
   * Replaces a card in a chat other than the turn's (the owning rep's, after a manager's save) through
   * the chat's stored reference, its retries ended by `deadline` (a ProactiveSender's updateCard
   * paced by `limiter` fits). Missing: such cards are left to their next tap, and logged.
   */
  replaceElsewhere?: CardReplacer;
}

/** What someone who is not an admin is told when they type `summary here`. */
export const SUMMARY_HERE_ADMINS_ONLY =
  'Only an admin can choose where the monthly summary is posted. Nothing was changed.';

/**
 * The Teams side of the product: captures where to reach each rep and the team's summary channel,
 * routes text commands and card taps to the ActionHandler, and applies its replies.
 */
export class ChurnBot extends TeamsActivityHandler {
  private readonly replying: Replying;

  constructor(private readonly deps: ChurnBotDeps) {
    super();
    this.replying = {
      log: deps.log,
      limiter: deps.limiter ?? new RateLimiter(),
      ...(deps.replaceElsewhere ? { replaceElsewhere: deps.replaceElsewhere } : {}),
    };
    this.onTurn(async (context, next) => {
      // Only Teams vouches for who wrote (the Entra id, the tenant): a client of another channel (the
      // Azure Bot's Web Chat is always on) sets `from` and `channelData` itself, so it could act as
      // any rep or admin, or move a rep's serviceUrl. Nothing of it is stored or acted on.
      if (context.activity.channelId !== Channels.Msteams) {
        this.deps.log.warn('activity from another channel than Teams: ignored', {
          channelId: context.activity.channelId,
          type: context.activity.type,
        });
        return;
      }
      // Another tenant's install, channel or serviceUrl must never be stored: the summary channel
      // and the reps' email index would route this team's data to it.
      if (this.isForeignTenant(context.activity)) {
        this.deps.log.warn('activity from another tenant: ignored', { type: context.activity.type });
        if (context.activity.type === 'message') await context.sendActivity(FOREIGN_TENANT);
        return;
      }
      await this.learnFromActivity(context.activity);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await this.captureInstall(context);
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      await this.handleUninstall(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if ((context.activity.membersAdded ?? []).some((m) => m.id === botId))
        await this.captureInstall(context);
      await next();
    });
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
  }

  private isForeignTenant(activity: Activity): boolean {
    const tenantId = this.deps.tenantId ?? '';
    return tenantId !== '' && tenantOf(activity) !== tenantId;
  }

  /**
   * Keeps what the rep's client sends with every message, tap and invoke: the serviceUrl their chat is
   * reached at, their display name (a rename in Teams after the install reaches the cards and notices
   * that name the rep to others), and their zone (`localTimezone`, an IANA name; an install carries
   * none), so their weekly card comes at the send time there. A zone that is no IANA name, or none,
   * changes nothing. Compared with the stored row each time, in one read of it, not with what this
   * instance saw before: another instance may have stored a newer value since, and a rep back on the
   * value this one saw would otherwise keep the newer one. A user who writes before installing the
   * app (in a team channel) has no rep row yet: the install stores all three.
   */
  private async learnFromActivity(activity: Activity): Promise<void> {
    const userId = activity.from?.aadObjectId;
    if (!userId) return;
    const zone = timeZoneSchema.safeParse(activity.localTimezone);
    const name = activity.from?.name?.trim();
    const seen: RepSeen = {
      ...(activity.serviceUrl ? { serviceUrl: activity.serviceUrl } : {}),
      ...(name ? { name } : {}),
      ...(zone.success ? { timeZone: zone.data } : {}),
    };
    if (Object.keys(seen).length > 0) await this.deps.store.learnFromActivity(userId, seen);
  }

  private async captureInstall(context: TurnContext): Promise<void> {
    const kind = conversationKind(context.activity);
    if (kind === 'personal') await this.saveRep(context);
    else if (kind === 'channel') await this.setSummaryChannelToGeneral(context);
    else
      this.deps.log.info('installed in a group chat: nothing to store', {
        id: context.activity.conversation.id,
      });
  }

  private async saveRep(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const member = await getRosterMember(context, activity.from.id, this.deps.log);
    const userId = member?.aadObjectId ?? activity.from.aadObjectId;
    if (!userId) {
      this.deps.log.warn('install without an AAD object id: rep not stored', { from: activity.from.id });
      return;
    }
    const email = member?.email ?? member?.userPrincipalName ?? null;
    const rep: RepInput = {
      userId,
      channelAccountId: activity.from.id,
      name: member?.name ?? activity.from.name ?? '',
      email: email ? email.toLowerCase() : null,
      // The tabs know the rep by their sign-in name: a feed that names them by it finds them here too.
      upn: member?.userPrincipalName ?? null,
      tenantId: tenantOf(activity),
      serviceUrl: activity.serviceUrl,
      reference: toConversationRef(TurnContext.getConversationReference(activity)),
      source: member ? 'roster' : 'activity',
      installedAt: whenSent(activity),
    };
    // null: Teams sent an uninstall after this install, and it was handled first.
    if ((await this.deps.store.saveRep(rep)) === null)
      this.deps.log.info('install sent before the rep removed the app: they stay removed', { userId });
    else this.deps.log.info('rep installed', { userId, source: rep.source });
  }

  private async setSummaryChannelToGeneral(context: TurnContext): Promise<void> {
    const team = teamsGetTeamInfo(context.activity);
    if (!team?.id) {
      this.deps.log.warn('channel install without team info: summary channel not set');
      return;
    }
    // Teams convention: the General channel's conversation id is the team id. Adding the app to
    // another team must not take the company-wide summary there: an install sets it only when unset.
    const channel = summaryChannelOf(context, team.id, team.id, team.name ?? null, 'install');
    if (!(await this.deps.store.setSummaryChannelIfNone(channel))) {
      this.deps.log.info('installed in a team: the summary channel is already set, kept', {
        teamId: team.id,
      });
      return;
    }
    await this.tellAdmins(
      `The monthly summary will be posted in the General channel of ${team.name ?? team.id}: the app was added to that team.`,
      { first: true },
    );
  }

  private async moveSummaryChannel(context: TurnContext, actor: Actor): Promise<void> {
    // The summary carries every rep's figures: only an admin may say where it goes.
    if (!(this.deps.adminUserIds ?? []).includes(actor.userId)) {
      this.deps.log.warn('summary here refused: not an admin', { userId: actor.userId });
      await context.sendActivity(SUMMARY_HERE_ADMINS_ONLY);
      return;
    }
    const team = teamsGetTeamInfo(context.activity);
    const channelId = teamsGetChannelId(context.activity);
    if (!team?.id || !channelId) {
      await context.sendActivity(
        'Type `summary here` in a team channel to have the monthly summary posted there.',
      );
      return;
    }
    const { delivery } = deliveryOf(context.activity);
    if (delivery && this.deps.claimDelivery && !(await this.deps.claimDelivery(delivery))) {
      this.deps.log.info('a message delivered again: answered already, nothing sent', {
        activityId: delivery.activityId,
      });
      return;
    }
    await this.deps.store.setSummaryChannel(
      summaryChannelOf(context, team.id, channelId, team.name ?? null, actor.userId),
    );
    const told = await this.tellAdmins(
      `${actor.name || actor.userId} moved the monthly summary to a channel of ${team.name ?? team.id} (${channelId}).`,
    );
    await context.sendActivity(
      `Done: the monthly summary will be posted in this channel. ${told ? 'The admins were told.' : 'The change is in the log (no admin could be told).'}`,
    );
  }

  /**
   * Logs a change of the summary channel and tells the admins; false when it could not be posted.
   * A first setting (every local start installs the app in a team) is logged at info: only a move
   * or a loss of the channel is worth a warning.
   */
  private async tellAdmins(text: string, { first = false }: { first?: boolean } = {}): Promise<boolean> {
    if (first) this.deps.log.info('summary channel set', { text });
    else this.deps.log.warn('summary channel changed', { text });
    if (!this.deps.notifyAdmins) return false;
    try {
      return (await this.deps.notifyAdmins(text)) === 'posted';
    } catch (error) {
      this.deps.log.error('could not tell the admins the summary channel changed', {
        error: error instanceof Error ? error.message : String(error),
      });
      return false;
    }
  }

  private async handleUninstall(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const kind = conversationKind(activity);
    if (kind === 'channel') {
      await this.forgetSummaryChannelOf(context);
      return;
    }
    if (kind !== 'personal') return;
    const userId = activity.from.aadObjectId;
    if (!userId) {
      this.deps.log.warn('uninstall without an AAD object id: nothing removed', { from: activity.from.id });
      return;
    }
    await this.deps.store.removeRep(userId, whenSent(activity));
  }

  /**
   * The app removed from a team: the bot can post in its channels no more, so a summary channel there
   * is forgotten (the next team install sets its General, as a first install does) and the admins
   * are told. Another team's removal leaves the summary where it is.
   */
  private async forgetSummaryChannelOf(context: TurnContext): Promise<void> {
    const team = teamsGetTeamInfo(context.activity);
    if (!team?.id || !(await this.deps.store.clearSummaryChannelOf(team.id))) return;
    await this.tellAdmins(
      `The app was removed from ${team.name ?? team.id}, where the monthly summary was posted: it has no channel now. Add the app to a team, or type "summary here" in a channel.`,
    );
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const actor = actorOf(activity);
    if (!actor) {
      await context.sendActivity('I cannot tell who you are, so I cannot do that.');
      return;
    }
    const kind = conversationKind(activity);
    const say = sayAtOnce(context);
    const delivery = deliveryOf(activity);
    if (isPlainObject(activity.value)) {
      const reply = await this.deps.actions.submit({
        actor,
        value: activity.value,
        replyToId: activity.replyToId ?? null,
        conversationId: activity.conversation.id,
        conversationKind: kind,
        say,
        ...delivery,
      });
      await applyReply(context, reply, activity.replyToId, this.replying);
      return;
    }
    const parsed = parseCommand(TurnContext.removeRecipientMention(activity));
    if (parsed.kind === 'summary_here') {
      await this.moveSummaryChannel(context, actor);
      return;
    }
    const reply =
      parsed.kind === 'command'
        ? await this.deps.actions.command({
            command: parsed.command,
            actor,
            conversationKind: kind,
            ...(parsed.page ? { page: parsed.page } : {}),
            say,
            ...delivery,
          })
        : await this.deps.actions.command({
            command: 'help',
            actor,
            conversationKind: kind,
            unrecognised: parsed.text,
          });
    await applyReply(context, reply, undefined, this.replying);
  }
}

/** The summary channel as stored: a reference to the channel itself, not to the thread typed in. */
function summaryChannelOf(
  context: TurnContext,
  teamId: string,
  channelId: string,
  teamName: string | null,
  setBy: string,
): SummaryChannelInput {
  const activity = context.activity;
  const base = toConversationRef(TurnContext.getConversationReference(activity));
  const reference: ConversationRef = {
    ...base,
    conversation: { ...base.conversation, id: channelId, isGroup: true, conversationType: 'channel' },
  };
  delete reference.user;
  return {
    teamId,
    teamName,
    channelId,
    tenantId: tenantOf(activity),
    serviceUrl: activity.serviceUrl,
    reference,
    setBy,
  };
}

/**
 * Posts a message in the turn's conversation at once, while the turn goes on working (`list` says its
 * list is coming). What this relies on: in a Teams message turn every sendActivity is its own POST to
 * the Bot Connector (CloudAdapter's sendActivities calls replyToActivity / sendToConversation; only
 * an `expectReplies` delivery is written into the HTTP response), so the rep reads it before the turn
 * ends. The work itself stays in the turn, and so in the function's invocation: an Azure Functions
 * HTTP function's work after it returned is not kept running (the host may freeze or recycle the
 * instance; its maintainers point to a queue-triggered function instead,
 * https://github.com/Azure/Azure-Functions/issues/2463). The HTTP answer therefore still waits for
 * the plan: past Bot Service's 10 to 15 seconds it times out there (the rep has been told and the
 * card still comes as its own POST), and Teams may deliver the message again
 * (https://github.com/MicrosoftDocs/msteams-docs/issues/6084) with the same activity id, which the
 * action handler answers once (ports.ts Delivery): the delivery again is told the list is coming.
 */
function sayAtOnce(context: TurnContext): (text: string) => Promise<void> {
  return async (text) => {
    await retryingPreconditionFailed(() => context.sendActivity(text));
  };
}

/**
 * What applying a reply needs: the log, the pacing of this instance's requests per chat, and how to
 * replace a card in another chat than the turn's (ChurnBotDeps.replaceElsewhere).
 */
interface Replying {
  log: Log;
  limiter: RateLimiter;
  replaceElsewhere?: CardReplacer;
}

/**
 * Applies a handler's reply: card update in place first, then text, then new cards; the other cards
 * it refreshes last, so the rep reads the answer first.
 */
async function applyReply(
  context: TurnContext,
  reply: BotReply,
  replyToId: string | undefined,
  replying: Replying,
): Promise<void> {
  const { log, limiter } = replying;
  const chat = context.activity.conversation.id;
  // The answer is not held back; it is counted, so the refreshes after it leave room for it.
  const counted = <T>(call: () => Promise<T>) => {
    limiter.record(chat);
    return call();
  };
  const send = (activity: Partial<Activity> | string) =>
    retryingPreconditionFailed(() => counted(() => context.sendActivity(activity)));
  if (reply.updateCard) {
    const attachments = [CardFactory.adaptiveCard(reply.updateCard)];
    // Without the tapped message's id the card cannot be replaced: post it so the user still sees it.
    if (replyToId) {
      try {
        await retryingPreconditionFailed(() =>
          counted(() => context.updateActivity({ id: replyToId, type: 'message', attachments })),
        );
      } catch (error) {
        // Teams' refusal (the message gone, still busy after the retries): the tap is recorded, so
        // the rep is told that in words rather than sorry, which would have them tap again.
        const status = (error as { statusCode?: unknown } | null)?.statusCode;
        if (typeof status !== 'number' || !reply.ifNotUpdated) throw error;
        log.warn('the tapped card could not be updated: told in words', { status, replyToId });
        await send(reply.ifNotUpdated);
      }
    } else await send({ type: 'message', attachments });
  }
  if (reply.text) await send(reply.text);
  for (const card of reply.cards ?? []) {
    await send({ type: 'message', attachments: [CardFactory.adaptiveCard(card)] });
  }
  if (reply.savedCard) {
    const sent = await send({
      type: 'message',
      attachments: [CardFactory.adaptiveCard(reply.savedCard.card)],
    });
    // Kept under the message id Teams gave it, so a tap on it updates it in place like the weekly card.
    if (sent?.id) await reply.savedCard.onSent(sent.id, context.activity.conversation.id);
  }
  if (reply.refreshCards) await refreshCards(context, reply.refreshCards, replying);
}

/**
 * Replaces cards sent earlier, after the answer: those of the turn's chat through the turn, those of
 * another chat (the owning rep's) through its stored reference, each chat paced by Teams' limits for
 * it and retried on 429, all within one time budget. A refusal (the message deleted, still throttled)
 * is logged: the action and every card's stored data stand, and the card shows them when next tapped.
 */
async function refreshCards(
  context: TurnContext,
  refreshes: NonNullable<BotReply['refreshCards']>,
  { limiter, log, replaceElsewhere }: Replying,
): Promise<void> {
  const chat = context.activity.conversation.id;
  // The answer is sent: from here the turn's client leaves 429s to REFRESH_RETRY (its own policy
  // would wait out any Retry-After, however long, and hold the turn past Teams' 15 seconds).
  if (refreshes.some((sent) => sent.conversationId === chat))
    adaptConnectorClient(context, REFRESH_TIMEOUT_MS);
  await replaceInTime(
    refreshes,
    async (sent, deadline) => {
      if (sent.conversationId !== chat) return replaceThroughReference(replaceElsewhere, sent, deadline);
      const attachments = [CardFactory.adaptiveCard(sent.card)];
      const outcome = await withRetry(
        async () => {
          const permit = await limiter.acquire(chat);
          try {
            await context.updateActivity({ id: sent.messageId, type: 'message', attachments });
          } finally {
            permit.done();
          }
        },
        { ...REFRESH_RETRY, deadline },
      );
      if (outcome.ok) return null;
      const status = outcome.reason === 'failed' ? statusOf(outcome.error) : outcome.code;
      return { status, attempts: outcome.attempts };
    },
    log,
  );
}

function statusOf(error: unknown): unknown {
  return (error as { statusCode?: unknown } | null)?.statusCode ?? String(error);
}

/** The roster entry of a user, or null when Teams says the member is not in the conversation. */
async function getRosterMember(
  context: TurnContext,
  memberId: string,
  log: Log,
): Promise<TeamsChannelAccount | null> {
  try {
    return await TeamsInfo.getMember(context, memberId);
  } catch (error) {
    if (isMemberNotFound(error)) {
      log.warn('member not in the roster: using what the activity carries', { memberId });
      return null;
    }
    throw error;
  }
}

function isMemberNotFound(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; statusCode?: unknown; body?: { error?: { code?: unknown } } };
  return (
    e.code === 'MemberNotFoundInConversation' ||
    e.body?.error?.code === 'MemberNotFoundInConversation' ||
    e.statusCode === 404
  );
}

/** When Teams sent the activity (its `timestamp`, ISO text on the wire), else now. */
function whenSent(activity: Activity): string {
  const sent = activity.timestamp ? new Date(activity.timestamp) : null;
  return (sent && !Number.isNaN(sent.getTime()) ? sent : new Date()).toISOString();
}

function conversationKind(activity: Activity): ConversationKind {
  const type = activity.conversation?.conversationType;
  if (type === 'channel') return 'channel';
  if (type === 'groupChat') return 'groupChat';
  return 'personal';
}

function tenantOf(activity: Activity): string {
  const channelData = activity.channelData as { tenant?: { id?: string } } | undefined;
  return channelData?.tenant?.id ?? activity.conversation?.tenantId ?? '';
}

function actorOf(activity: Activity): Actor | null {
  const userId = activity.from?.aadObjectId;
  if (!userId) return null;
  return { userId, name: activity.from.name ?? '', tenantId: tenantOf(activity) };
}

/** The activity's delivery id (see Delivery), as a spread: none when the activity carries no id. */
function deliveryOf(activity: Activity): { delivery?: Delivery } {
  const activityId = activity.id;
  const conversationId = activity.conversation?.id;
  return activityId && conversationId ? { delivery: { conversationId, activityId } } : {};
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Drops the activity id: a stored reference is for new messages, not replies to one message. */
function toConversationRef(reference: Partial<ConversationReference>): ConversationRef {
  const { channelId, serviceUrl, conversation, bot, user, locale } = reference;
  if (!channelId || !serviceUrl || !conversation?.id || !bot?.id) {
    throw new Error(
      'incomplete conversation reference in the activity (channelId, serviceUrl, conversation, bot)',
    );
  }
  return {
    channelId,
    serviceUrl,
    conversation: {
      id: conversation.id,
      conversationType: conversation.conversationType,
      tenantId: conversation.tenantId,
      isGroup: conversation.isGroup,
      ...(conversation.name ? { name: conversation.name } : {}),
    },
    bot: { id: bot.id, ...(bot.name ? { name: bot.name } : {}) },
    ...(user?.id
      ? {
          user: {
            id: user.id,
            ...(user.name ? { name: user.name } : {}),
            ...(user.aadObjectId ? { aadObjectId: user.aadObjectId } : {}),
          },
        }
      : {}),
    ...(locale ? { locale } : {}),
  };
}
