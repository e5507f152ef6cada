import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the proxy passed on: its method, path and query, and the bytes of the answer's body. */
export interface ProxiedRequest {
  method: string;
  url: string;
  bytes: number;
}

export interface CountingProxy {
  /** The proxy's base URL with the target's path (e.g. `http://127.0.0.1:PORT/devstoreaccount1`). */
  url: string;
  requests: ProxiedRequest[];
  stop(): Promise<void>;
}

/**
 * An HTTP proxy on 127.0.0.1 in front of `target` (Azurite's blob endpoint) that passes every request
 * on as it is and records what went through: how a test sees what a reader downloaded without
 * reaching into it.
 */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const to = new URL(target);
  const requests: ProxiedRequest[] = [];
  const server = createServer((req, res) => {
    const seen: ProxiedRequest = { method: req.method ?? '', url: req.url ?? '', bytes: 0 };
    requests.push(seen);
    const upstream = request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.on('data', (chunk: Buffer) => {
          seen.bytes += chunk.length;
        });
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => res.destroy(error));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${to.pathname.replace(/\/$/, '')}`,
    requests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** The connection string with its blob endpoint moved to `blobEndpoint`. */
export function withBlobEndpoint(connectionString: string, blobEndpoint: string): string {
  return connectionString.replace(/BlobEndpoint=[^;]*/, `BlobEndpoint=${blobEndpoint}`);
}

/** The connection string's blob endpoint. */
export function blobEndpointOf(connectionString: string): string {
  const found = /BlobEndpoint=([^;]*)/.exec(connectionString);
  if (!found) throw new Error('the connection string names no BlobEndpoint');
  return found[1];
}
