import { type Clock, systemClock } from './rateLimiter';

/** What to do about one failed call to the Bot Connector. */
export type FailureClass =
  | { kind: 'retry'; status: number | null; retryAfterMs: number | null }
  | { kind: 'unreachable'; status: 403 | 404; code: string }
  | { kind: 'fatal'; status: number | null };

/**
 * Statuses worth another try, with the same backoff. Microsoft's rate-limit guidance for Teams bots
 * asks for 429 with exponential backoff and random jitter, and for 412, 502 and 504 to be retried as
 * well; 500 and 503 are the same passing server-side failure of the Bot Connector, not an answer
 * about the request, so a run retries them too rather than dropping the rep's card on one blip.
 */
const RETRYABLE_STATUS = new Set([412, 429, 500, 502, 503, 504]);
/**
 * 403 codes meaning the user blocked or removed the app: retrying cannot help, the rep is unreachable
 * (Microsoft's table of status codes from bot conversational APIs: not to be retried).
 */
const UNREACHABLE_CODES = new Set([
  'ConversationBlockedByUser',
  'MessageWritesBlocked',
  'BotDisabledByAdmin',
  // Teams' answer once the app is uninstalled for the user or removed from the team.
  'BotNotInConversationRoster',
  // The app is not installed in the user's personal scope (never added, or taken away by a policy).
  'ForbiddenOperationException',
]);
/**
 * The 404 code of a conversation that no longer exists (the user left the organisation, the chat was
 * deleted): as unreachable as a 403, and not to be retried. A 404 for a message id the conversation
 * does not hold (ActivityNotFoundInConversation, a card update) is a failure of that call alone.
 */
const GONE_CODE = 'ConversationNotFound';
/** Network failures (no HTTP status) worth another try. */
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'REQUEST_SEND_ERROR',
]);

interface HttpErrorLike {
  statusCode?: unknown;
  code?: unknown;
  response?: { headers?: { get?: (name: string) => string | undefined | null }; bodyAsText?: unknown };
}

/** `Retry-After` as milliseconds: delta-seconds (fractions accepted) or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value == null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** JSON text parsed, or null when it is none (a non-JSON body, HTML from a proxy, has no code). */
function parsedJson(text: unknown): unknown {
  if (typeof text !== 'string' || text === '') return null;
  try {
    return JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}

/**
 * The code in an answer's body: the connector's `error.code`, else the `subCode` Teams puts inside
 * `message` (itself JSON text) when a user blocked or uninstalled the bot, as the proactive-messages
 * page shows it: `{"errorCode":209,"message":"{ \"subCode\": \"MessageWritesBlocked\", ... }"}`.
 */
function errorCodeFromBody(body: unknown): string | null {
  const parsed = parsedJson(body) as { error?: { code?: unknown }; message?: unknown } | null;
  if (typeof parsed?.error?.code === 'string') return parsed.error.code;
  const inner = parsedJson(parsed?.message) as { subCode?: unknown } | null;
  return typeof inner?.subCode === 'string' ? inner.subCode : null;
}

/** Teams' error code of an answer: the body's `error.code`, else the error's own. */
function errorCodeOf(e: HttpErrorLike): string | null {
  return errorCodeFromBody(e.response?.bodyAsText) ?? (typeof e.code === 'string' ? e.code : null);
}

/** Classifies an error thrown by the connector client (a core-rest-pipeline RestError or a network error). */
export function classifySendError(error: unknown, now: number): FailureClass {
  const e = (error ?? {}) as HttpErrorLike;
  const status = typeof e.statusCode === 'number' ? e.statusCode : null;
  if (status === null) {
    const retryable = typeof e.code === 'string' && RETRYABLE_NETWORK_CODES.has(e.code);
    return retryable ? { kind: 'retry', status: null, retryAfterMs: null } : { kind: 'fatal', status: null };
  }
  if (status === 403) {
    const code = errorCodeOf(e);
    if (code && UNREACHABLE_CODES.has(code)) return { kind: 'unreachable', status: 403, code };
    return { kind: 'fatal', status };
  }
  if (status === 404 && errorCodeOf(e) === GONE_CODE) return { kind: 'unreachable', status, code: GONE_CODE };
  if (RETRYABLE_STATUS.has(status)) {
    const header = e.response?.headers?.get?.('retry-after');
    return { kind: 'retry', status, retryAfterMs: parseRetryAfter(header, now) };
  }
  return { kind: 'fatal', status };
}

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts?: number;
  /** Backoff cap for attempt n is min(maxDelayMs, baseDelayMs * 2^(n-1)); the wait is uniform in [0, cap) ("full jitter"). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A Retry-After above this is not waited for: the send fails instead of stalling the run. */
  maxRetryAfterMs?: number;
  /**
   * No wait that would end after this instant (the clock's milliseconds): the call fails instead, so
   * the retries of a request someone is waiting on end in time (a tap's refreshes).
   */
  deadline?: number;
  clock?: Clock;
  random?: () => number;
}

/** The knobs' defaults: 5 attempts, 500 ms base, 30 s cap, at most 60 s for one Retry-After. */
export const DEFAULT_RETRY: Required<Omit<RetryOptions, 'clock' | 'random' | 'deadline'>> = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};

/** Full-jitter exponential backoff for retry number `retry` (1 = first retry). */
export function backoffDelayMs(retry: number, options: RetryOptions = {}): number {
  const {
    baseDelayMs = DEFAULT_RETRY.baseDelayMs,
    maxDelayMs = DEFAULT_RETRY.maxDelayMs,
    random = Math.random,
  } = options;
  const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * cap);
}

/** How a call ended after its retries. */
export type RetryOutcome<T> =
  | { ok: true; value: T; attempts: number; retries: number; throttled: number; waitedMs: number }
  | {
      ok: false;
      reason: 'unreachable';
      code: string;
      attempts: number;
      retries: number;
      throttled: number;
      waitedMs: number;
    }
  | {
      ok: false;
      reason: 'failed';
      error: unknown;
      /** The wait Teams asked for, when it was longer than maxRetryAfterMs and the call gave up rather than wait. */
      retryAfterMs?: number;
      attempts: number;
      retries: number;
      throttled: number;
      waitedMs: number;
    };

/**
 * Runs `call` until it succeeds, is classed unreachable or fatal, or runs out of attempts. A 429 waits
 * its Retry-After (when given), anything else retryable waits the jittered backoff.
 */
export async function withRetry<T>(
  call: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<RetryOutcome<T>> {
  const {
    maxAttempts = DEFAULT_RETRY.maxAttempts,
    maxRetryAfterMs = DEFAULT_RETRY.maxRetryAfterMs,
    clock = systemClock,
  } = options;
  let throttled = 0;
  let waitedMs = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      const value = await call(attempt);
      return { ok: true, value, attempts: attempt, retries: attempt - 1, throttled, waitedMs };
    } catch (error) {
      const verdict = classifySendError(error, clock.now());
      // Counted before any give-up below, so the report's throttled figure includes the last 429.
      if (verdict.kind === 'retry' && verdict.status === 429) throttled++;
      const tally = { attempts: attempt, retries: attempt - 1, throttled, waitedMs };
      if (verdict.kind === 'unreachable')
        return { ok: false, reason: 'unreachable', code: verdict.code, ...tally };
      if (verdict.kind === 'fatal' || attempt >= maxAttempts)
        return { ok: false, reason: 'failed', error, ...tally };
      const wait = verdict.retryAfterMs ?? backoffDelayMs(attempt, options);
      if (wait > maxRetryAfterMs) return { ok: false, reason: 'failed', error, retryAfterMs: wait, ...tally };
      if (options.deadline !== undefined && clock.now() + wait > options.deadline)
        return { ok: false, reason: 'failed', error, ...tally };
      waitedMs += wait;
      await clock.sleep(wait);
    }
  }
}

/** Tries in all of a reply in a turn that Teams answered 412: few and short, inside Teams' 15 seconds. */
const PRECONDITION_ATTEMPTS = 3;
const PRECONDITION_BASE_DELAY_MS = 250;

/**
 * Runs one call of a turn's reply (a card updated in place, a text), again when Teams answers 412:
 * another operation on the same conversation at that moment (two taps' updates of one card), which
 * Microsoft asks bots to retry. The turn's connector client retries 429 and 5xx by itself, not 412.
 */
export async function retryingPreconditionFailed<T>(
  call: () => Promise<T>,
  options: Pick<RetryOptions, 'clock' | 'random'> = {},
): Promise<T> {
  const { clock = systemClock } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const status = (error as HttpErrorLike | null)?.statusCode;
      if (status !== 412 || attempt >= PRECONDITION_ATTEMPTS) throw error;
      await clock.sleep(backoffDelayMs(attempt, { ...options, baseDelayMs: PRECONDITION_BASE_DELAY_MS }));
    }
  }
}
