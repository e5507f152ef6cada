import type { Activity, ConversationReference, TurnContext } from 'botbuilder';
import { cardAttachment } from '../cards/cardAttachment';
import type { SendOutcome, SendTally } from './ports';
import { RateLimiter } from './rateLimiter';
import { type RetryOptions, type RetryOutcome, withRetry } from './retryPolicy';

/** The one part of CloudAdapter the sender needs (a CloudAdapter fits). */
export interface ProactiveAdapter {
  continueConversationAsync(
    botAppId: string,
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void>;
}

/** How one send or update ended, always with its tally. */
export type TalliedSendResult = SendOutcome & SendTally;

export interface ProactiveSenderOptions {
  adapter: ProactiveAdapter;
  /** The bot's app id; empty for local runs without authentication. */
  appId: string;
  limiter?: RateLimiter;
  retry?: RetryOptions;
}

/**
 * core-client's default pipeline retries 429 and 5xx by itself (up to 3 times, out of the limiter's
 * sight, and uncounted). The sender owns retries, so it removes that policy from the turn's connector client.
 */
function disableBuiltInRetries(context: TurnContext): void {
  const connector = context.turnState.get(context.adapter.ConnectorClientKey) as
    | { client?: { pipeline?: { removePolicy(options: { name: string }): unknown } } }
    | undefined;
  const pipeline = connector?.client?.pipeline;
  if (!pipeline) throw new Error('Cannot reach the connector client pipeline: botbuilder internals changed');
  pipeline.removePolicy({ name: 'defaultRetryPolicy' });
}

/** Sends and updates Adaptive Cards proactively through stored conversation references, paced and retried. */
export class ProactiveSender {
  private readonly adapter: ProactiveAdapter;
  private readonly appId: string;
  private readonly limiter: RateLimiter;
  private readonly retry: RetryOptions;

  constructor(options: ProactiveSenderOptions) {
    this.adapter = options.adapter;
    this.appId = options.appId;
    this.limiter = options.limiter ?? new RateLimiter();
    this.retry = options.retry ?? {};
  }

  /** Sends `card` as a new message in the reference's conversation. */
  async sendCard(
    reference: Partial<ConversationReference>,
    card: object,
    summary?: string,
  ): Promise<TalliedSendResult> {
    const activity: Partial<Activity> = { type: 'message', attachments: [cardAttachment(card)], summary };
    return this.run(reference, async (context) => {
      const response = await context.sendActivity(activity);
      if (!response?.id) throw new Error('The connector accepted the message but returned no activity id');
      return response.id;
    });
  }

  /** Replaces the card of an earlier message (`activityId`) in place. */
  async updateCard(
    reference: Partial<ConversationReference>,
    activityId: string,
    card: object,
  ): Promise<TalliedSendResult> {
    const activity: Partial<Activity> = {
      type: 'message',
      id: activityId,
      attachments: [cardAttachment(card)],
    };
    return this.run(reference, async (context) => {
      await context.updateActivity(activity);
      return activityId;
    });
  }

  private async run(
    reference: Partial<ConversationReference>,
    act: (context: TurnContext) => Promise<string>,
  ): Promise<TalliedSendResult> {
    const conversationId = reference.conversation?.id;
    if (!conversationId || !reference.serviceUrl) {
      return {
        status: 'failed',
        error: 'conversation reference lacks conversation.id or serviceUrl',
        ...noTally,
      };
    }
    // Without activityId the send is a new message, not a reply to the install event the reference came from.
    const target: Partial<ConversationReference> = { ...reference, activityId: undefined };
    const outcome = await withRetry(async () => {
      const permit = await this.limiter.acquire(conversationId);
      let failure: { error: unknown } | null = null;
      let id = '';
      try {
        await this.adapter.continueConversationAsync(this.appId, target, async (context) => {
          // Caught here so the adapter's onTurnError never sees (and swallows) a send failure.
          try {
            disableBuiltInRetries(context);
            id = await act(context);
          } catch (error) {
            failure = { error };
          }
        });
      } finally {
        permit.done();
      }
      if (failure) throw (failure as { error: unknown }).error;
      return id;
    }, this.retry);
    return toResult(outcome);
  }
}

const noTally: SendTally = { attempts: 0, retries: 0, throttled: 0, waitedMs: 0 };

function toResult(outcome: RetryOutcome<string>): TalliedSendResult {
  const tally: SendTally = {
    attempts: outcome.attempts,
    retries: outcome.retries,
    throttled: outcome.throttled,
    waitedMs: outcome.waitedMs,
  };
  if (outcome.ok) return { status: 'delivered', activityId: outcome.value, ...tally };
  if (outcome.reason === 'unreachable') return { status: 'unreachable', code: outcome.code, ...tally };
  return { status: 'failed', error: describe(outcome.error), ...tally };
}

function describe(error: unknown): string {
  const status = (error as { statusCode?: unknown })?.statusCode;
  const message = error instanceof Error ? error.message : String(error);
  return typeof status === 'number' ? `HTTP ${status}: ${message}` : message;
}
