import { existsSync } from 'node:fs';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY_HEADER, adminKeyHeaders } from '../../../tools/local/adminKey';
import {
  type FunctionRoute,
  type FunctionsHost,
  startFunctionsHost,
} from '../../../tools/local/functionsHost';
import { localTabs } from '../../../tools/local/tabRoutes';

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

const routes: FunctionRoute[] = [
  { name: 'messages', path: '/api/messages', methods: ['POST', 'HEAD'], handler: record('messages') },
  {
    name: 'admin-monthlySummary',
    path: '/admin/functions/monthlySummary',
    methods: ['POST'],
    handler: record('summary'),
  },
];

/** Stands for this start's admin key in the cases below. */
const KEY = '<the admin key>';

describe('local Functions host: only this machine', () => {
  let host: FunctionsHost;
  let stateDir: string;
  const withKey = (headers: Record<string, string>) =>
    Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v === KEY ? (host.adminKey ?? '') : v]));
  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'host-state-'));
    host = await startFunctionsHost({
      port: 0,
      stateDir,
      log: () => undefined,
      publicHosts: ['abc123.devtunnels.ms'],
      routes,
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
    // A dev tunnel forwards with Host: localhost and no Origin: without the key, nothing runs.
    ['/admin/functions/monthlySummary', {}],
    ['/admin/functions/monthlySummary', { host: 'localhost:3978' }],
    ['/admin/functions/monthlySummary', { [ADMIN_KEY_HEADER]: 'guessed' }],
    ['/api/../admin/functions/monthlySummary', {}],
    // Forwarded by a proxy or tunnel: refused even with the key.
    ['/admin/functions/monthlySummary', { [ADMIN_KEY_HEADER]: KEY, 'x-forwarded-for': '203.0.113.9' }],
    [
      '/admin/functions/monthlySummary',
      { [ADMIN_KEY_HEADER]: KEY, 'x-forwarded-host': 'abc123.devtunnels.ms' },
    ],
    ['/admin/functions/monthlySummary', { [ADMIN_KEY_HEADER]: KEY, forwarded: 'for=203.0.113.9' }],
  ])('refuses POST %s with %j: 403, the function never runs', async (path, headers) => {
    calls.length = 0;
    const response = await post(host, path, withKey(headers));
    expect(response).toEqual({ status: 403, body: '{"error":"forbidden"}' });
    expect(calls).toEqual([]);
  });

  it.each([
    ['/api/messages', {}, 'messages'],
    ['/admin/functions/monthlySummary', { [ADMIN_KEY_HEADER]: KEY }, 'summary'],
    ['/api/messages', { origin: 'http://127.0.0.1:56150' }, 'messages'],
    [
      '/admin/functions/monthlySummary',
      { origin: 'http://localhost:3978', host: 'localhost:3978', [ADMIN_KEY_HEADER]: KEY },
      'summary',
    ],
    ['/api/messages', { host: 'abc123.devtunnels.ms' }, 'messages'],
  ])(
    'answers POST %s with %j from this machine (or the tunnel, on /api/ only)',
    async (path, headers, ran) => {
      calls.length = 0;
      expect((await post(host, path, withKey(headers))).status).toBe(200);
      expect(calls).toEqual([ran]);
    },
  );

  it('writes a fresh key for each start to a file only this user can read, which the commands send, and removes it on close', async () => {
    const file = join(stateDir, `admin-key-${host.port}`);
    expect(host.adminKey).toMatch(/^[\w-]{40,}$/);
    expect(await readFile(file, 'utf8')).toBe(host.adminKey);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await adminKeyHeaders(host.port, stateDir)).toEqual({ [ADMIN_KEY_HEADER]: host.adminKey });
    const other = await startFunctionsHost({ port: 0, stateDir, log: () => undefined, routes });
    expect(other.adminKey).not.toBe(host.adminKey);
    await other.close();
    expect(existsSync(join(stateDir, `admin-key-${other.port}`))).toBe(false);
  });
});

describe('local Functions host through a tunnel (Host: localhost, X-Forwarded-*)', () => {
  // A dev tunnel rewrites Host to localhost and adds X-Forwarded-*: by its names alone, a request
  // from anywhere on the internet would pass for this machine's own.
  const tunnelled = {
    host: 'localhost:3978',
    'x-forwarded-for': '203.0.113.9',
    'x-forwarded-proto': 'https',
  };
  let hosts: FunctionsHost[] = [];
  const start = async (options: { forwardedToApi?: boolean }) => {
    const tabs = await localTabs({ userId: 'aad-ana', name: 'Ana', email: 'ana@x.example', tenantId: '' });
    const host = await startFunctionsHost({
      port: 0,
      log: () => undefined,
      routes: [...routes, ...tabs.routes],
      ...options,
    });
    hosts.push(host);
    return host;
  };
  const get = async (host: FunctionsHost, path: string, headers: Record<string, string>) => {
    const response = await fetch(`${host.url}${path}`, { headers });
    return response.status;
  };
  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.close()));
    hosts = [];
  });

  it('without the bot token check (npm start, npm run host with no MicrosoftAppId): refused everywhere, so no one signs in as the local user or posts as Teams', async () => {
    const host = await start({});
    calls.length = 0;
    expect(await post(host, '/api/messages', tunnelled)).toEqual({
      status: 403,
      body: '{"error":"forbidden"}',
    });
    expect(await get(host, '/tab/dev-token', tunnelled)).toBe(403);
    expect(calls).toEqual([]);
    // The same requests from this machine are answered.
    expect((await post(host, '/api/messages', {})).status).toBe(200);
    expect(await get(host, '/tab/dev-token', {})).toBe(200);
  });

  it('with the bot token check on (npm run host with MicrosoftAppId): /api/ only, never the local sign-in or the timers', async () => {
    const host = await start({ forwardedToApi: true });
    calls.length = 0;
    expect((await post(host, '/api/messages', tunnelled)).status).toBe(200);
    expect(calls).toEqual(['messages']);
    expect(await get(host, '/tab/dev-token', tunnelled)).toBe(403);
    expect((await post(host, '/api/../tab/dev-token', tunnelled)).status).toBe(403);
    expect((await post(host, '/admin/functions/monthlySummary', tunnelled)).status).toBe(403);
  });
});
