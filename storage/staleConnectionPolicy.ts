import type { PolicyConfig } from './tableClients';

/**
 * Resends a request once when it failed because the kept-alive socket under it had been closed by
 * the server (Azurite drops idle connections after 5 s): `EPIPE` / `ECONNRESET` on send. The SDK's
 * own retry policy does not count EPIPE as transient, so a write after an idle pause would fail.
 * Table requests carry string bodies, so resending is safe; writes stay idempotent through their
 * keys and ETags.
 */
const STALE_SOCKET_CODES = new Set(['EPIPE', 'ECONNRESET']);

export const STALE_CONNECTION_POLICY_NAME = 'churnStaleConnectionRetry';

/** The policy, placed per call so the SDK's own retries run inside each attempt. */
export function staleConnectionPolicy(): PolicyConfig {
  const policy: PolicyConfig['policy'] = {
    name: STALE_CONNECTION_POLICY_NAME,
    async sendRequest(request, next) {
      try {
        return await next(request);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code !== 'string' || !STALE_SOCKET_CODES.has(code)) throw error;
        return next(request);
      }
    },
  };
  return { policy, position: 'perCall' };
}
