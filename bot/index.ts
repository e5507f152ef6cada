import type { CloudAdapter } from 'botbuilder';
import type { Config } from '../functions/config';
import { type BotTokenEndpoints, createBotAdapter } from './adapter';
import { ChurnBot } from './churnBot';
import { type BotHttpRequest, type BotHttpResponse, processBotRequest } from './httpAdapter';
import { type ActionHandler, type BotLog, type ConversationStore, consoleBotLog } from './ports';

export { APOLOGY, type BotTokenEndpoints, createBotAdapter } from './adapter';
export { ChurnBot, type ParsedText, parseCommand } from './churnBot';
export { type BotHttpRequest, type BotHttpResponse, processBotRequest } from './httpAdapter';
export * from './ports';

/** The bot as the HTTP endpoint uses it: one adapter and one bot, built once. */
export interface BotRuntime {
  adapter: CloudAdapter;
  bot: ChurnBot;
  /** Handles one POSTed activity: authenticates, runs the bot, returns the HTTP answer. */
  handle(request: BotHttpRequest): Promise<BotHttpResponse>;
}

export interface BotRuntimeOptions {
  bot: Config['bot'];
  store: ConversationStore;
  actions: ActionHandler;
  log?: BotLog;
  /** Where incoming tokens are verified; default the Bot Framework's public cloud (tests serve their own). */
  tokenEndpoints?: BotTokenEndpoints;
}

/** Builds the adapter and the bot from the settings and the ports they need. */
export function createBotRuntime(options: BotRuntimeOptions): BotRuntime {
  const log = options.log ?? consoleBotLog;
  const adapter = createBotAdapter(options.bot, log, options.tokenEndpoints);
  const bot = new ChurnBot({
    store: options.store,
    actions: options.actions,
    log,
    tenantId: options.bot.tenantId,
  });
  return {
    adapter,
    bot,
    handle: (request) => processBotRequest(adapter, request, (context) => bot.run(context)),
  };
}
