import { createServer } from 'node:net';
import { RestError } from '@azure/data-tables';
import { describe, expect, inject, it } from 'vitest';
import { openStorage, type PolicyConfig, StorageUnavailableError } from '../../../storage';
import { azuriteConnectionString } from '../../helpers/azurite';
import { openTestStorage } from './support';

/** A port nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  return address.port;
}

/** A policy that throws the given error for requests matching `when` (what Azurite itself cannot produce). */
function failing(when: (method: string, path: string) => boolean, error: () => Error): PolicyConfig {
  return {
    position: 'perCall',
    policy: {
      name: 'injectFault',
      sendRequest: async (request, next) => {
        if (when(request.method, new URL(request.url).pathname)) throw error();
        return next(request);
      },
    },
  };
}

describe('storage faults', () => {
  it('unreachable storage: a StorageUnavailableError naming the endpoint, cause kept', async () => {
    const port = await closedPort();
    const connectionString = azuriteConnectionString({ table: port, blob: port, queue: port });
    const attempt = openStorage(
      { connectionString, tablePrefix: 'unreachable' },
      { retry: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 20 } },
    );
    await expect(attempt).rejects.toBeInstanceOf(StorageUnavailableError);
    const err = await attempt.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageUnavailableError);
    const unavailable = err as StorageUnavailableError;
    expect(unavailable.endpoint).toBe(`http://127.0.0.1:${port}/devstoreaccount1`);
    expect(unavailable.message).toContain(`http://127.0.0.1:${port}/devstoreaccount1`);
    expect(unavailable.cause).toBeInstanceOf(RestError);
  });

  it('unreachable storage during reads and writes is the same clear error', async () => {
    const port = await closedPort();
    const connectionString = azuriteConnectionString({ table: port, blob: port, queue: port });
    const storage = await openStorage(
      { connectionString, tablePrefix: 'unreachable' },
      { skipCreate: true, retry: { maxRetries: 1, retryDelayInMs: 10, maxRetryDelayInMs: 20 } },
    );
    await expect(storage.state.get('x')).rejects.toThrow(
      `Table Storage unreachable at http://127.0.0.1:${port}`,
    );
    await expect(storage.audit.readMonth('2026-11')).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(storage.runs.getRun('weekly-2026-W48')).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(storage.requests().requests).toBe(6); // three calls, each tried twice (one retry)
  });

  it('creating tables: 409 TableAlreadyExists is fine, any other error is thrown', async () => {
    const connectionString = inject('azuriteConnectionString');
    const isCreate = (method: string, path: string) => method === 'POST' && path.endsWith('/Tables');
    const exists = failing(
      isCreate,
      () => new RestError('exists', { statusCode: 409, code: 'TableAlreadyExists' }),
    );
    await expect(
      openStorage({ connectionString, tablePrefix: 'fakeExists' }, { policies: [exists] }),
    ).resolves.toBeTruthy();

    const forbidden = failing(
      isCreate,
      () => new RestError('forbidden', { statusCode: 403, code: 'AuthorizationFailure' }),
    );
    await expect(
      openStorage({ connectionString, tablePrefix: 'fakeDenied' }, { policies: [forbidden] }),
    ).rejects.toThrow('forbidden');
    const otherConflict = failing(
      isCreate,
      () => new RestError('being deleted', { statusCode: 409, code: 'TableBeingDeleted' }),
    );
    await expect(
      openStorage({ connectionString, tablePrefix: 'fakeDeleting' }, { policies: [otherConflict] }),
    ).rejects.toThrow('being deleted');
  });

  it('a 503 from the service is retried by the SDK and the call succeeds', async () => {
    let busy = 1;
    const busyOnce: PolicyConfig = {
      position: 'perRetry',
      policy: {
        name: 'busyOnce',
        sendRequest: async (request, next) => {
          const response = await next(request);
          if (request.method === 'GET' && busy > 0) {
            busy--;
            return { ...response, status: 503 };
          }
          return response;
        },
      },
    };
    const storage = await openTestStorage('errBusy', { policies: [busyOnce] });
    storage.resetRequestCount();
    expect(await storage.state.get('nobody')).toBeNull();
    expect(busy).toBe(0);
    expect(storage.requests().requests).toBe(2);
  });

  it('errors other than the ones a store expects are rethrown unchanged', async () => {
    const boom = failing(
      (method) => method === 'GET',
      () => new RestError('server exploded', { statusCode: 500 }),
    );
    const storage = await openTestStorage('errRethrow', { policies: [boom] });
    await expect(storage.state.get('x')).rejects.toThrow('server exploded');
    await expect(storage.conversations.getRep('x')).rejects.toThrow('server exploded');
    await expect(storage.audit.get('c', 'id')).rejects.toThrow('server exploded');
  });

  it('rejects a table prefix that makes an invalid table name', async () => {
    await expect(
      openStorage({ connectionString: inject('azuriteConnectionString'), tablePrefix: '9bad' }),
    ).rejects.toThrow(/Invalid table name/);
  });
});
