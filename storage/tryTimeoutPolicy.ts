import { RestError } from '@azure/data-tables';
import type { PolicyConfig } from './tableClients';

/**
 * Table Storage ends every operation within 30 seconds (its documented maximum server timeout,
 * "Setting timeouts for Table service operations"); a try with no answer some seconds later is
 * lost (a dropped connection, a hung proxy), and without a limit the run would wait for it until
 * the Functions host stops it. Each try gets TRY_TIMEOUT_MS; one that runs out fails as ETIMEDOUT,
 * which the SDK's retry policy retries with its backoff like any network error.
 */
export const TRY_TIMEOUT_MS = 35_000;

export const TRY_TIMEOUT_POLICY_NAME = 'churnTryTimeout';

/** The policy, placed per retry so each try has its own limit. */
export function tryTimeoutPolicy(timeoutMs = TRY_TIMEOUT_MS): PolicyConfig {
  const policy: PolicyConfig['policy'] = {
    name: TRY_TIMEOUT_POLICY_NAME,
    async sendRequest(request, next) {
      if (!(request.timeout > 0)) request.timeout = timeoutMs;
      try {
        return await next(request);
      } catch (error) {
        // The HTTP client ends a timed-out try with an AbortError, which the retry policy passes
        // straight up; the caller's own abort (its signal aborted) still does.
        if ((error as Error).name !== 'AbortError' || request.abortSignal?.aborted) throw error;
        throw new RestError(`No answer from Table Storage within ${request.timeout} ms`, {
          code: 'ETIMEDOUT',
          request,
        });
      }
    },
  };
  return { policy, position: 'perRetry' };
}
