import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../../../storage';

// A server that takes connections and never answers: a hung proxy or a connection lost without a
// reset, which no status code or socket error reports.
const sockets = new Set<Socket>();
let tries = 0;
const blackHole = createServer((socket) => {
  sockets.add(socket);
  socket.on('data', (chunk) => {
    tries += (chunk.toString('latin1').match(/ HTTP\/1\.1\r\n/g) ?? []).length;
  });
  socket.on('close', () => sockets.delete(socket));
});
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  port = (blackHole.address() as { port: number }).port;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => blackHole.close(() => resolve()));
});

describe('a storage call that gets no answer', () => {
  it('gives up on each try after the time limit, retries with backoff, then fails naming the endpoint', async () => {
    const account = 'devstoreaccount1';
    const key = Buffer.from('not a real key, the server never reads it').toString('base64');
    const storage = await openStorage(
      {
        connectionString: `DefaultEndpointsProtocol=http;AccountName=${account};AccountKey=${key};TableEndpoint=http://127.0.0.1:${port}/${account};`,
        tablePrefix: 'hung',
      },
      {
        skipCreate: true,
        tryTimeoutMs: 300,
        retry: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 20 },
      },
    );
    const started = Date.now();
    const error = await storage.state.get('C1').then(
      () => null,
      (e: unknown) => e as Error & { cause?: { code?: string } },
    );
    // Named as storage being unreachable, as a refused or reset connection is.
    expect(error?.name).toBe('StorageUnavailableError');
    expect(error?.message).toBe(
      `Table Storage unreachable at http://127.0.0.1:${port}/devstoreaccount1: No answer from Table Storage within 300 ms`,
    );
    expect(error?.cause?.code).toBe('ETIMEDOUT');
    // One try and two retries, each cut at 300 ms: not the minutes a hung socket would hold.
    expect(tries).toBe(3);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
