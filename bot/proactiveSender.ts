import type { Activity, ConversationReference, TurnContext } from 'botbuilder';
import { cardAttachment } from '../cards/cardAttachment';
import { oversizeError } from '../cards/cardSize';
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
  /** Deadline of one request, answer included (default DEFAULT_REQUEST_TIMEOUT_MS); a miss is a retryable failure. */
  requestTimeoutMs?: number;
}

/** How long one request to the connector may take, answer included, before it counts as failed (ms). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** A request to the connector that did not finish in time; retried like a dropped connection. */
export class SendTimeoutError extends Error {
  override readonly name = 'SendTimeoutError';
  /** A network code, so the retry policy classes it with the other retryable network failures. */
  readonly code = 'ETIMEDOUT';
  constructor(readonly timeoutMs: number) {
    super(`no answer from the connector within ${timeoutMs} ms`);
  }
}

interface PipelineLike {
  removePolicy(options: { name: string }): unknown;
  addPolicy(policy: {
    name: string;
    sendRequest(
      request: { abortSignal?: AbortSignalLike },
      next: (r: unknown) => Promise<unknown>,
    ): Promise<unknown>;
  }): void;
}
interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
}

const TIMEOUT_POLICY = 'churnRequestTimeout';

/**
 * Adapts the turn's connector client: core-client's default pipeline retries 429 and 5xx by itself
 * (up to 3 times, out of the limiter's sight, and uncounted), so that policy is removed (the sender
 * owns retries); and a request has no deadline by default (a connector that never answers would
 * hold the run until the host kills it), so each request is aborted after `timeoutMs`.
 */
export function adaptConnectorClient(context: TurnContext, timeoutMs: number): void {
  const connector = context.turnState.get(context.adapter.ConnectorClientKey) as
    | { client?: { pipeline?: PipelineLike } }
    | undefined;
  const pipeline = connector?.client?.pipeline;
  if (!pipeline) throw new Error('Cannot reach the connector client pipeline: botbuilder internals changed');
  pipeline.removePolicy({ name: 'defaultRetryPolicy' });
  pipeline.removePolicy({ name: TIMEOUT_POLICY });
  pipeline.addPolicy({
    name: TIMEOUT_POLICY,
    async sendRequest(request, next) {
      const controller = new AbortController();
      const upstream = request.abortSignal;
      if (upstream?.aborted) controller.abort();
      else upstream?.addEventListener('abort', () => controller.abort());
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      request.abortSignal = controller.signal;
      try {
        return await next(request);
      } catch (error) {
        if (controller.signal.aborted && !upstream?.aborted) throw new SendTimeoutError(timeoutMs);
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
  });
}

/**
 * Resolves or rejects as `work` does, or rejects with a SendTimeoutError after `ms`: the backstop for
 * what the pipeline's deadline does not cover (the bot's own token fetch, a botbuilder change).
 */
async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SendTimeoutError(ms)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sends and updates Adaptive Cards proactively through stored conversation references, paced and retried. */
export class ProactiveSender {
  private readonly adapter: ProactiveAdapter;
  private readonly appId: string;
  private readonly limiter: RateLimiter;
  private readonly retry: RetryOptions;
  private readonly requestTimeoutMs: number;

  constructor(options: ProactiveSenderOptions) {
    this.adapter = options.adapter;
    this.appId = options.appId;
    this.limiter = options.limiter ?? new RateLimiter();
    this.retry = options.retry ?? {};
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  /**
   * Sends `card` as a new message in the reference's conversation. A send whose answer never came in
   * time is not sent again: Teams has no idempotent send, and it may have posted the message, so a
   * retry could post it twice. It fails `unanswered`, for the caller's claim to settle on a later tick.
   */
  async sendCard(
    reference: Partial<ConversationReference>,
    card: object,
    summary?: string,
  ): Promise<TalliedSendResult> {
    // Teams would refuse it whole (413 MessageSizeTooBig): said here, without a request.
    const oversize = oversizeError(card);
    if (oversize) return { status: 'failed', error: oversize, ...noTally };
    const activity: Partial<Activity> = { type: 'message', attachments: [cardAttachment(card)], summary };
    return this.run(
      reference,
      async (context) => {
        const response = await context.sendActivity(activity);
        if (!response?.id) throw new Error('The connector accepted the message but returned no activity id');
        return response.id;
      },
      { repeatable: false },
    );
  }

  /**
   * Replaces the card of an earlier message (`activityId`) in place; `retry` overrides the sender's
   * retry options for this one (a deadline of its own).
   */
  async updateCard(
    reference: Partial<ConversationReference>,
    activityId: string,
    card: object,
    retry: RetryOptions = {},
  ): Promise<TalliedSendResult> {
    const oversize = oversizeError(card);
    if (oversize) return { status: 'failed', error: oversize, ...noTally };
    const activity: Partial<Activity> = {
      type: 'message',
      id: activityId,
      attachments: [cardAttachment(card)],
    };
    // Replacing a message with the same card twice leaves it as once: a timed-out update is retried.
    return this.run(
      reference,
      async (context) => {
        await context.updateActivity(activity);
        return activityId;
      },
      { repeatable: true, retry },
    );
  }

  private async run(
    reference: Partial<ConversationReference>,
    act: (context: TurnContext) => Promise<string>,
    { repeatable, retry = {} }: { repeatable: boolean; retry?: RetryOptions },
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
    const retryOptions = { ...this.retry, ...retry };
    const outcome = await withRetry(async (): Promise<Attempt> => {
      const permit = await this.limiter.acquire(conversationId);
      let failure: { error: unknown } | null = null;
      let id = '';
      const timeoutMs = this.requestTimeoutMs;
      try {
        const turn = this.adapter.continueConversationAsync(this.appId, target, async (context) => {
          // Caught here so the adapter's onTurnError never sees (and swallows) a send failure.
          try {
            adaptConnectorClient(context, timeoutMs);
            id = await act(context);
          } catch (error) {
            failure = { error };
          }
        });
        // The backstop leaves the turn behind if it never settles; its own request deadline ends it.
        await withDeadline(turn, timeoutMs + 1_000);
      } catch (error) {
        failure = { error };
      } finally {
        permit.done();
      }
      if (!failure) return { id };
      const { error } = failure as { error: unknown };
      // Ended here, not by the retry policy, which would try the request again.
      if (!repeatable && error instanceof SendTimeoutError) return { unanswered: error };
      throw error;
    }, retryOptions);
    return toResult(outcome);
  }
}

/** One try of a request: the activity id, or, for a request that must not be repeated, no answer in time. */
type Attempt = { id: string } | { unanswered: SendTimeoutError };

const noTally: SendTally = { attempts: 0, retries: 0, throttled: 0, waitedMs: 0 };

function toResult(outcome: RetryOutcome<Attempt>): TalliedSendResult {
  const tally: SendTally = {
    attempts: outcome.attempts,
    retries: outcome.retries,
    throttled: outcome.throttled,
    waitedMs: outcome.waitedMs,
  };
  if (outcome.ok) {
    const attempt = outcome.value;
    if ('id' in attempt) return { status: 'delivered', activityId: attempt.id, ...tally };
    return {
      status: 'failed',
      error: `${attempt.unanswered.message}: it may have been posted, so it was not sent again`,
      unanswered: true,
      ...tally,
    };
  }
  if (outcome.reason === 'unreachable') return { status: 'unreachable', code: outcome.code, ...tally };
  if (outcome.retryAfterMs !== undefined)
    return {
      status: 'failed',
      error: askedToWait(outcome.retryAfterMs),
      retryAfterMs: outcome.retryAfterMs,
      ...tally,
    };
  return { status: 'failed', error: describe(outcome.error), ...tally };
}

/**
 * A 429 whose Retry-After is longer than a run waits for one rep, in the words the admins read: the
 * rep is not unreachable, Teams only asked for time, and a later tick tries again (the weekly run's
 * once the wait has passed, weeklyAfterWait.ts; the daily digest's on its next attempt).
 */
function askedToWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  const minutes = Math.ceil(seconds / 60);
  const hours = Math.ceil(minutes / 60);
  const wait = seconds < 120 ? `${seconds} seconds` : minutes < 120 ? `${minutes} minutes` : `${hours} hours`;
  return `Teams asked to wait ${wait} before the next message to them (HTTP 429, too many messages), longer than a run waits for one rep`;
}

function describe(error: unknown): string {
  const status = (error as { statusCode?: unknown })?.statusCode;
  const message = error instanceof Error ? error.message : String(error);
  return typeof status === 'number' ? `HTTP ${status}: ${message}` : message;
}
