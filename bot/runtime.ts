import type { CloudAdapter, ConversationReference } from 'botbuilder';
import type { Config } from '../functions/config';
import { createBotAdapter } from './adapter';
import { ChurnBot, type ChurnBotDeps } from './churnBot';
import { type BotHttpRequest, type BotHttpResponse, processBotRequest } from './httpAdapter';
import { type ActionHandler, type ConversationStore, consoleLog, type Log } from './ports';
import { ProactiveSender } from './proactiveSender';
import { RateLimiter } from './rateLimiter';
import { type CardReplacer, REFRESH_RETRY, REFRESH_TIMEOUT_MS } from './taps/cardRefresh';

/** The bot as the HTTP endpoint uses it: one adapter and one bot, built once. */
export interface BotRuntime {
  adapter: CloudAdapter;
  bot: ChurnBot;
  /**
   * Replaces a card through a chat's stored reference with the refreshes' short retries, paced by the
   * bot's limiter: the bot's refreshes in another chat than the turn's use it, and the tab's saves.
   */
  replaceCard: CardReplacer;
  /** Handles one POSTed activity: authenticates, runs the bot, returns the HTTP answer. */
  handle(request: BotHttpRequest): Promise<BotHttpResponse>;
}

export interface BotRuntimeOptions {
  bot: Config['bot'];
  store: ConversationStore;
  actions: ActionHandler;
  log?: Log;
  /** An adapter already built from the same settings (the wiring shares one with the senders). */
  adapter?: CloudAdapter;
  /** Who may move the summary channel (`summary here`), and how they hear of a move. */
  admins?: Pick<ChurnBotDeps, 'adminUserIds' | 'notifyAdmins'>;
  /** Claims a message once by its activity, so one Teams delivers again acts once. */
  claimDelivery?: ChurnBotDeps['claimDelivery'];
  /** Paces the refreshes of other cards after an answer (the wiring shares one with the tab's). */
  limiter?: ChurnBotDeps['limiter'];
}

/** Builds the adapter and the bot from the settings and the ports they need. */
export function createBotRuntime(options: BotRuntimeOptions): BotRuntime {
  const log = options.log ?? consoleLog;
  const adapter = options.adapter ?? createBotAdapter(options.bot, log);
  const limiter = options.limiter ?? new RateLimiter();
  const replaceCard = refresherOn(adapter, options.bot.appId, limiter);
  const bot = new ChurnBot({
    store: options.store,
    actions: options.actions,
    log,
    tenantId: options.bot.tenantId,
    ...options.admins,
    ...(options.claimDelivery ? { claimDelivery: options.claimDelivery } : {}),
    limiter,
    replaceElsewhere: replaceCard,
  });
  return {
    adapter,
    replaceCard,
    bot,
    handle: (request) => processBotRequest(adapter, request, (context) => bot.run(context)),
  };
}

/**
 * Replaces cards through stored references with the refreshes' short retries and request deadline,
 * paced by `limiter` in one count per chat with the turn's own requests.
 */
function refresherOn(adapter: CloudAdapter, appId: string, limiter: RateLimiter): CardReplacer {
  const sender = new ProactiveSender({
    adapter,
    appId,
    limiter,
    retry: REFRESH_RETRY,
    requestTimeoutMs: REFRESH_TIMEOUT_MS,
  });
  return (reference, messageId, card, deadline) =>
    sender.updateCard(reference as Partial<ConversationReference>, messageId, card, { deadline });
}
