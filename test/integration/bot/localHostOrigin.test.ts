import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FunctionsHost, startFunctionsHost } from '../../../tools/local/functionsHost';

// The local Functions host against cross-origin browser posts and DNS rebinding: a page elsewhere can
// make a browser POST to 127.0.0.1, but it cannot hide its Origin, nor its name in Host.

const calls: string[] = [];
const record = (name: string) => async () => {
  calls.push(name);
  return { status: 200, jsonBody: { ran: name } };
};

function post(
  host: FunctionsHost,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: host.port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString('utf8');
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end('{"type":"message"}');
  });
}

describe('local Functions host: only this machine', () => {
  let host: FunctionsHost;
  beforeAll(async () => {
    host = await startFunctionsHost({
      port: 0,
      log: () => undefined,
      publicHosts: ['abc123.devtunnels.ms'],
      routes: [
        { name: 'messages', path: '/api/messages', methods: ['POST', 'HEAD'], handler: record('messages') },
        {
          name: 'admin-monthlySummary',
          path: '/admin/functions/monthlySummary',
          methods: ['POST'],
          handler: record('summary'),
        },
      ],
    });
  });
  afterAll(async () => {
    await host.close();
  });

  it.each([
    ['/api/messages', { origin: 'http://evil.example' }],
    ['/admin/functions/monthlySummary', { origin: 'http://evil.example' }],
    ['/admin/functions/monthlySummary', { origin: 'null' }],
    ['/api/messages', { host: 'evil.example' }],
    ['/admin/functions/monthlySummary', { host: 'evil.example:3978' }],
    ['/admin/functions/monthlySummary', { host: 'abc123.devtunnels.ms' }],
    ['/api/messages', { origin: 'http://127.0.0.1.evil.example' }],
  ])('refuses POST %s with %j: 403, the function never runs', async (path, headers) => {
    calls.length = 0;
    const response = await post(host, path, headers);
    expect(response).toEqual({ status: 403, body: '{"error":"forbidden"}' });
    expect(calls).toEqual([]);
  });

  it.each([
    ['/api/messages', {}, 'messages'],
    ['/admin/functions/monthlySummary', {}, 'summary'],
    ['/api/messages', { origin: 'http://127.0.0.1:56150' }, 'messages'],
    [
      '/admin/functions/monthlySummary',
      { origin: 'http://localhost:3978', host: 'localhost:3978' },
      'summary',
    ],
    ['/api/messages', { host: 'abc123.devtunnels.ms' }, 'messages'],
  ])(
    'answers POST %s with %j from this machine (or the tunnel, on /api/ only)',
    async (path, headers, ran) => {
      calls.length = 0;
      expect((await post(host, path, headers)).status).toBe(200);
      expect(calls).toEqual([ran]);
    },
  );
});
