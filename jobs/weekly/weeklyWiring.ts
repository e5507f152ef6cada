import { DefaultAzureCredential } from '@azure/identity';
import { createBotAdapter } from '../../bot/adapter';
import { type ProactiveAdapter, ProactiveSender } from '../../bot/proactiveSender';
import { feedContainerClient, readBlobFeed } from '../../feed/blobFeed';
import { type FeedResult, readFeed } from '../../feed/readFeed';
import { readRulesFile } from '../../feed/readRulesFile';
import type { Config } from '../../functions/config';
import type { Rules } from '../../rules/rulesSchema';
import { openStorage } from '../../storage';
import { openCardStore } from '../../storage/cardStore';
import type { ConversationStore } from '../../storage/conversationStore';
import type { AdminNotifier, WeeklyLog, WeeklyRunDeps } from './weeklyRun';

type SendCardReference = Parameters<ProactiveSender['sendCard']>[0];

/** The feed reader the config asks for: the blob container when FEED_CONTAINER is set, else the FEED_DIR folder. */
export function feedReaderFor(config: Config, rules: Rules): () => Promise<FeedResult> {
  const { container, dir } = config.feed;
  const columns = rules.columns;
  if (container) {
    const { connectionString, blobEndpoint } = config.storage;
    const settings = connectionString
      ? { connectionString }
      : blobEndpoint
        ? { blobEndpoint, credential: new DefaultAzureCredential() }
        : null;
    if (!settings) throw new Error('FEED_CONTAINER needs STORAGE_CONNECTION_STRING or STORAGE_BLOB_ENDPOINT');
    const client = feedContainerClient(settings, container);
    return () => readBlobFeed(client, { columns });
  }
  if (dir) return () => readFeed(dir, { columns });
  throw new Error('No feed configured: set FEED_CONTAINER (a blob container) or FEED_DIR (a folder)');
}

/**
 * Posts plain text to the team's summary channel (the admins' channel) through the adapter: one
 * message per run, so it does not go through the card sender's limiter.
 */
export function summaryChannelNotifier(
  adapter: ProactiveAdapter,
  appId: string,
  conversations: Pick<ConversationStore, 'getSummaryChannel'>,
  log: WeeklyLog,
): AdminNotifier {
  return async (text) => {
    const channel = await conversations.getSummaryChannel();
    if (!channel) return 'no_channel';
    const reference = { ...(channel.reference as SendCardReference), activityId: undefined };
    let failure: { error: unknown } | null = null;
    await adapter.continueConversationAsync(appId, reference, async (context) => {
      // Caught here: the production adapter's onTurnError would swallow it and we would say "posted".
      try {
        await context.sendActivity({ type: 'message', text, textFormat: 'plain' });
      } catch (error) {
        failure = { error };
      }
    });
    if (!failure) return 'posted';
    const { error } = failure as { error: unknown };
    // A refused post (an HTTP status) or an unreachable connector (a RestError/system error code) is
    // reported, not fatal: the run is done and its own log has the same text.
    const { statusCode: status, code } = (error ?? {}) as { statusCode?: unknown; code?: unknown };
    if (typeof status !== 'number' && typeof code !== 'string') throw error;
    log.warn('could not post the weekly report to the summary channel', { status, code });
    return 'failed';
  };
}

export interface WeeklyWiringOptions {
  log: WeeklyLog;
  /** A sender to use instead of the ProactiveSender over the bot adapter (tests, benchmarks). */
  sender?: ProactiveSender;
}

/** The real dependencies from the config: Table Storage, the card store, the rules file, the feed, the bot's proactive sender. */
export async function weeklyRunDeps(config: Config, options: WeeklyWiringOptions): Promise<WeeklyRunDeps> {
  const [storage, cards, rules] = await Promise.all([
    openStorage(config.storage, { timeZone: config.timeZone }),
    openCardStore(config.storage),
    readRulesFile(config.rulesFile),
  ]);
  const adapter = createBotAdapter(config.bot);
  const sender = options.sender ?? new ProactiveSender({ adapter, appId: config.bot.appId });
  return {
    storage,
    cards,
    rules,
    readBook: feedReaderFor(config, rules),
    // The stored reference is the Bot Framework shape as JSON (validated when it was stored).
    sender: (reference, card, summary) => sender.sendCard(reference as SendCardReference, card, summary),
    config: {
      timeZone: config.timeZone,
      currency: config.card.currency,
      locale: config.card.locale,
      // The config counts Sunday as 0; the schedule is ISO (Sunday = 7).
      weeklySendAt: { ...config.weeklySendAt, weekday: config.weeklySendAt.weekday || 7 },
    },
    log: options.log,
    notifyAdmins: summaryChannelNotifier(adapter, config.bot.appId, storage.conversations, options.log),
  };
}
