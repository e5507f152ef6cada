import type { ConversationStore } from '../storage/conversationStore';
import type { Log } from './ports';
import type { ProactiveAdapter } from './proactiveSender';

/** Posts a short text to the admins; says what happened, never throws for a send failure. */
export type AdminNotifier = (text: string) => Promise<'posted' | 'no_channel' | 'failed'>;

type Reference = Parameters<ProactiveAdapter['continueConversationAsync']>[1];

/**
 * Posts plain text to the team's summary channel (the admins' channel) through the adapter: one
 * message per run, so it does not go through the card sender's limiter.
 */
export function summaryChannelNotifier(
  adapter: ProactiveAdapter,
  appId: string,
  conversations: Pick<ConversationStore, 'getSummaryChannel'>,
  log: Pick<Log, 'warn'>,
): AdminNotifier {
  return async (text) => {
    const channel = await conversations.getSummaryChannel();
    if (!channel) return 'no_channel';
    const reference = { ...(channel.reference as Reference), activityId: undefined };
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
