import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage, type Storage } from '../../../storage';

// Servers that take connections and never finish answering: a hung proxy or a connection lost
// without a reset (nothing at all), and a response whose body stops midway (headers, then nothing).
// No status code or socket error reports either.
interface Hung {
  server: Server;
  sockets: Set<Socket>;
  tries: number;
  port: number;
}

function hungServer(answer: (socket: Socket) => void): Hung {
  const hung: Hung = { server: createServer(), sockets: new Set(), tries: 0, port: 0 };
  hung.server.on('connection', (socket) => {
    hung.sockets.add(socket);
    socket.on('data', (chunk) => {
      const requests = (chunk.toString('latin1').match(/ HTTP\/1\.1\r\n/g) ?? []).length;
      hung.tries += requests;
      if (requests > 0) answer(socket);
    });
    socket.on('close', () => hung.sockets.delete(socket));
  });
  return hung;
}

const silent = hungServer(() => {});
const stalledBody = hungServer((socket) =>
  socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"Partit'),
);

beforeAll(async () => {
  for (const hung of [silent, stalledBody]) {
    await new Promise<void>((resolve) => hung.server.listen(0, '127.0.0.1', resolve));
    hung.port = (hung.server.address() as { port: number }).port;
  }
});
afterAll(async () => {
  for (const hung of [silent, stalledBody]) {
    for (const socket of hung.sockets) socket.destroy();
    await new Promise<void>((resolve) => hung.server.close(() => resolve()));
  }
});

const ACCOUNT = 'devstoreaccount1';
const KEY = Buffer.from('not a real key, the server never reads it').toString('base64');

function storageAt(port: number): Promise<Storage> {
  return openStorage(
    {
      connectionString: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};TableEndpoint=http://127.0.0.1:${port}/${ACCOUNT};`,
      tablePrefix: 'hung',
    },
    {
      skipCreate: true,
      tryTimeoutMs: 300,
      retry: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 20 },
    },
  );
}

describe('a storage call that gets no whole answer', () => {
  it.each([
    ['no answer at all', silent],
    ['headers, then a body that stops midway', stalledBody],
  ])(
    '%s: each try ends at the time limit, is retried with backoff, then fails naming the endpoint',
    async (_, hung) => {
      const storage = await storageAt(hung.port);
      const started = Date.now();
      const error = await storage.state.get('C1').then(
        () => null,
        (e: unknown) => e as Error & { cause?: { code?: string } },
      );
      // Named as storage being unreachable, as a refused or reset connection is.
      expect(error?.name).toBe('StorageUnavailableError');
      expect(error?.message).toBe(
        `Table Storage unreachable at http://127.0.0.1:${hung.port}/${ACCOUNT}: No answer from Table Storage within 300 ms`,
      );
      expect(error?.cause?.code).toBe('ETIMEDOUT');
      // One try and two retries, each cut at 300 ms: not the minutes a hung socket would hold.
      expect(hung.tries).toBe(3);
      expect(Date.now() - started).toBeLessThan(5_000);
    },
  );
});
