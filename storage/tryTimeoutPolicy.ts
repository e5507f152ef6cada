import { RestError } from '@azure/data-tables';
import type { PolicyConfig } from './tableClients';

/**
 * Table Storage ends every operation within 30 seconds (its documented maximum server timeout,
 * "Setting timeouts for Table service operations"); a try with no whole answer some seconds later
 * is lost (a dropped connection, a hung proxy, a body that stops midway), and without a limit the
 * run would wait for it until the Functions host stops it. Each try gets TRY_TIMEOUT_MS, headers
 * and body; one that runs out fails as ETIMEDOUT, which the SDK's retry policy retries with its
 * backoff like any network error.
 */
export const TRY_TIMEOUT_MS = 35_000;

export const TRY_TIMEOUT_POLICY_NAME = 'churnTryTimeout';

/** The policy, placed per retry so each try has its own limit. */
export function tryTimeoutPolicy(timeoutMs = TRY_TIMEOUT_MS): PolicyConfig {
  const policy: PolicyConfig['policy'] = {
    name: TRY_TIMEOUT_POLICY_NAME,
    async sendRequest(request, next) {
      // The HTTP client's own `timeout` stops counting once the headers arrive; this signal also
      // ends a body that stalls. The caller's signal still aborts the try, and is put back after it
      // so the retry policy sees the caller's, not this try's.
      const caller = request.abortSignal;
      const controller = new AbortController();
      const onCallerAbort = () => controller.abort();
      if (caller?.aborted) controller.abort();
      else caller?.addEventListener('abort', onCallerAbort, { once: true });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      request.abortSignal = controller.signal;
      try {
        return await next(request);
      } catch (error) {
        if (!timedOut || caller?.aborted) throw error;
        throw new RestError(`No answer from Table Storage within ${timeoutMs} ms`, {
          code: 'ETIMEDOUT',
          request,
        });
      } finally {
        clearTimeout(timer);
        caller?.removeEventListener('abort', onCallerAbort);
        request.abortSignal = caller;
      }
    },
  };
  return { policy, position: 'perRetry' };
}
