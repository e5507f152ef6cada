import { RestError } from '@azure/data-tables';

/** Storage could not be reached at all (refused, DNS, reset, timeout): names the endpoint. */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
  constructor(
    readonly endpoint: string,
    options: { cause: unknown },
  ) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`Table Storage unreachable at ${endpoint}: ${reason}`, options);
  }
}

/** An optimistic-concurrency update kept losing the ETag race. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  /** `what` names the row in words, e.g. `customer "c-1"` or `the recent actions of aad-ana`. */
  constructor(
    readonly what: string,
    readonly attempts: number,
  ) {
    super(`${what} was changed by someone else ${attempts} times in a row; gave up`);
  }
}

/** The HTTP status of an SDK error, when it has one (Azurite leaves `code` undefined on 412). */
export function statusOf(err: unknown): number | undefined {
  if (err instanceof RestError) return err.statusCode;
  return undefined;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/** True when the error is a failure to send, i.e. no HTTP response at all. */
export function isUnreachable(err: unknown): boolean {
  if (err instanceof RestError && err.statusCode !== undefined) return false;
  const code = (err as { code?: unknown } | null)?.code;
  // The SDK's node client keeps the system code (ECONNREFUSED...) or uses REQUEST_SEND_ERROR.
  return typeof code === 'string' && (NETWORK_CODES.has(code) || code === RestError.REQUEST_SEND_ERROR);
}

/** Runs one storage call and turns "could not connect" into a StorageUnavailableError naming the endpoint. */
export async function naming<T>(endpoint: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isUnreachable(err)) throw new StorageUnavailableError(endpoint, { cause: err });
    throw err;
  }
}

/** Statuses Table Storage answers for a state that passes: timeout, a lost race, throttling, busy, down. */
const PASSING_STATUSES = new Set([408, 409, 412, 429, 500, 502, 503, 504]);

/**
 * True when the same write may well succeed later: storage unreachable, or a status that passes (after
 * the SDK's own retries); false for a bug (a refused row, a bad request), which a later try repeats.
 */
export function mayPassLater(err: unknown): boolean {
  if (err instanceof StorageUnavailableError || isUnreachable(err)) return true;
  const status = statusOf(err);
  return status !== undefined && PASSING_STATUSES.has(status);
}

/** A storage failure in a few words for a report: the status and the service's code, or the message. */
export function storageFailureWords(err: unknown): string {
  if (err instanceof RestError && err.statusCode !== undefined) {
    // The SDK leaves `code` unset when the body is JSON; the service names it in a header too.
    const code = err.code ?? err.response?.headers.get('x-ms-error-code');
    return `Table Storage answered ${err.statusCode}${code ? ` ${code}` : ''}`;
  }
  return err instanceof Error ? err.message : String(err);
}
