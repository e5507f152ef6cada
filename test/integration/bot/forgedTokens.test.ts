import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBotAdapter, createBotRuntime } from '../../../bot';
import type { Config } from '../../../functions/config';
import { createMessagesHandler } from '../../../functions/messages';
import { type FunctionsHost, registeredRoute, startFunctionsHost } from '../../../tools/local/functionsHost';
import { MemoryLog, RecordingActions, RecordingStore } from './recordingPorts';

// The real CloudAdapter, over HTTP through the local Functions host, checking Bot Framework tokens
// against an OpenID metadata document and key set served here on loopback (as login.botframework.com
// serves them): a token signed with the published key is accepted, so each refusal below is the
// token's fault, not the setup's.

const APP_ID = '6f0d7b5e-2c1a-4f8e-9b3d-1a2b3c4d5e6f';
const ISSUER = 'https://api.botframework.com';
/** An issuer botbuilder routes to its emulator check (a second code path with its own key lookup). */
const EMULATOR_ISSUER = 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/';
const bot: Config['bot'] = {
  appId: APP_ID,
  appPassword: 'not-a-real-secret',
  appType: 'MultiTenant',
  tenantId: '',
};

interface Keys {
  privateKey: KeyObject;
  publicKey: KeyObject;
}
const rsa = (): Keys => generateKeyPairSync('rsa', { modulusLength: 2048 });
const published = rsa(); // kid "k1", endorsed for msteams
const webchatOnly = rsa(); // kid "k3", endorsed for webchat only
const unpublished = rsa();

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function jwt(
  claims: Record<string, unknown>,
  options: { key?: KeyObject; kid?: string | null; alg?: string } = {},
): string {
  const { key = published.privateKey, kid = 'k1', alg = 'RS256' } = options;
  const header = { alg, typ: 'JWT', ...(kid === null ? {} : { kid }) };
  const body = `${b64(header)}.${b64(claims)}`;
  if (alg === 'none') return `${body}.`;
  if (alg === 'HS256') {
    // The classic confusion: HMAC keyed with the RSA public key, as text.
    const secret = published.publicKey.export({ type: 'spki', format: 'pem' });
    return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
  }
  return `${body}.${sign('sha256', Buffer.from(body), key).toString('base64url')}`;
}

/** Serves /.well-known/openidconfiguration and /keys on 127.0.0.1, as the Bot Framework does. */
async function startOpenIdServer(): Promise<{ url: string; server: Server; requests: number }> {
  const state = { url: '', server: undefined as unknown as Server, requests: 0 };
  const jwk = (k: Keys, kid: string, endorsements: string[]) => ({
    kty: 'RSA',
    use: 'sig',
    kid,
    ...(k.publicKey.export({ format: 'jwk' }) as { n: string; e: string }),
    endorsements,
  });
  state.server = createServer((req, res) => {
    state.requests++;
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.url === '/keys') {
      res.end(
        JSON.stringify({
          keys: [jwk(published, 'k1', ['msteams', 'webchat']), jwk(webchatOnly, 'k3', ['webchat'])],
        }),
      );
    } else {
      res.end(JSON.stringify({ issuer: ISSUER, jwks_uri: `${state.url}/keys` }));
    }
  });
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', () => resolve()));
  state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}`;
  return state;
}

/** A connector that counts what reaches it: a refused request must cause no call at all. */
async function startCountingConnector(): Promise<{ url: string; server: Server; calls: string[] }> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"id":"x"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, calls };
}

interface Harness {
  host: FunctionsHost;
  store: RecordingStore;
  actions: RecordingActions;
  log: MemoryLog;
}

async function startBot(openIdMetadataUrl: string): Promise<Harness> {
  const store = new RecordingStore();
  const actions = new RecordingActions();
  const log = new MemoryLog();
  const adapter = createBotAdapter(bot, log, { openIdMetadataUrl, tokenIssuer: ISSUER });
  const runtime = createBotRuntime({ bot, store, actions, log, adapter });
  const routes = [
    registeredRoute(
      'messages',
      createMessagesHandler(async () => runtime),
    ),
  ];
  return { host: await startFunctionsHost({ port: 0, routes, log: () => undefined }), store, actions, log };
}

function activity(serviceUrl: string, type: 'message' | 'typing'): Record<string, unknown> {
  return {
    type,
    id: 'activity-1',
    channelId: 'msteams',
    serviceUrl,
    ...(type === 'message' ? { text: 'help' } : {}),
    from: { id: '29:user', name: 'Ana Ruiz', aadObjectId: 'aad-ana' },
    recipient: { id: '28:bot', name: 'Churn Predictor' },
    conversation: { id: 'a:personal-1', conversationType: 'personal', tenantId: 'tenant-1' },
    channelData: { tenant: { id: 'tenant-1' } },
  };
}

async function post(
  url: string,
  body: Record<string, unknown>,
  authorization: string | null,
): Promise<{ status: number; body: string }> {
  const response = await fetch(`${url}/api/messages`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(authorization === null ? {} : { authorization }) },
  });
  return { status: response.status, body: await response.text() };
}

describe('forged and unverifiable tokens over HTTP (real CloudAdapter, local OpenID keys)', () => {
  let openId: Awaited<ReturnType<typeof startOpenIdServer>>;
  let connector: Awaited<ReturnType<typeof startCountingConnector>>;
  let h: Harness;
  let unreachable: Harness;
  const now = Math.floor(Date.now() / 1000);
  let good: Record<string, unknown>;

  beforeAll(async () => {
    [openId, connector] = await Promise.all([startOpenIdServer(), startCountingConnector()]);
    good = {
      iss: ISSUER,
      aud: APP_ID,
      serviceurl: connector.url,
      nbf: now - 60,
      iat: now - 60,
      exp: now + 3600,
    };
    h = await startBot(`${openId.url}/v1/.well-known/openidconfiguration`);
    // A key endpoint nobody answers: a port that was listening a moment ago and is now closed.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/openid`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    unreachable = await startBot(closedUrl);
  });

  afterAll(async () => {
    await Promise.all([h.host.close(), unreachable.host.close()]);
    connector.server.close();
    openId.server.close();
  });

  it('accepts a token signed with the published key (so the refusals below can fail)', async () => {
    const response = await post(h.host.url, activity(connector.url, 'typing'), `Bearer ${jwt(good)}`);
    expect(response.status, h.log.lines.join('\n')).toBe(200);
    expect(h.store.serviceUrlRefreshes).toEqual([{ userId: 'aad-ana', serviceUrl: connector.url }]);
  });

  it('answers 401 with an empty body to every token that cannot be verified, with no connector call and no write', async () => {
    const bad: [string, string | null, Harness?][] = [
      ['no Authorization header', null],
      ['an empty bearer', 'Bearer '],
      ['a Basic credential', 'Basic dXNlcjpwYXNz'],
      ['not a JWT', 'Bearer not.a.jwt'],
      ['alg none', `Bearer ${jwt(good, { alg: 'none' })}`],
      ['HS256 keyed with the public key', `Bearer ${jwt(good, { alg: 'HS256' })}`],
      ['the known key id, signed by another key', `Bearer ${jwt(good, { key: unpublished.privateKey })}`],
      ['an unknown key id', `Bearer ${jwt(good, { key: unpublished.privateKey, kid: 'k2' })}`],
      ['no key id', `Bearer ${jwt(good, { kid: null })}`],
      ['a payload changed after signing', `Bearer ${tamper(jwt(good), { ...good, aud: 'other' })}`],
      ['the signature cut off', `Bearer ${jwt(good).split('.').slice(0, 2).join('.')}.`],
      ['expired an hour ago', `Bearer ${jwt({ ...good, exp: now - 3600 })}`],
      ['not valid for another hour', `Bearer ${jwt({ ...good, nbf: now + 3600 })}`],
      ['an exp that is not a number', `Bearer ${jwt({ ...good, exp: 'never' })}`],
      ['another issuer', `Bearer ${jwt({ ...good, iss: 'https://evil.example' })}`],
      ['another audience', `Bearer ${jwt({ ...good, aud: '11111111-2222-3333-4444-555555555555' })}`],
      ['no audience', `Bearer ${jwt({ ...good, aud: undefined })}`],
      ['no serviceUrl claim', `Bearer ${jwt({ ...good, serviceurl: undefined })}`],
      ['another serviceUrl', `Bearer ${jwt({ ...good, serviceurl: 'https://evil.example/' })}`],
      [
        'a key endorsed for another channel',
        `Bearer ${jwt(good, { key: webchatOnly.privateKey, kid: 'k3' })}`,
      ],
      [
        'an emulator issuer, signed by an unpublished key',
        `Bearer ${jwt({ ...good, iss: EMULATOR_ISSUER, ver: '1.0', appid: APP_ID }, { key: unpublished.privateKey })}`,
      ],
      ['a valid token while the key endpoint is unreachable', `Bearer ${jwt(good)}`, unreachable],
      ['alg none while the key endpoint is unreachable', `Bearer ${jwt(good, { alg: 'none' })}`, unreachable],
      [
        'a bad signature while the key endpoint is unreachable',
        `Bearer ${jwt(good, { key: unpublished.privateKey })}`,
        unreachable,
      ],
      ['garbage while the key endpoint is unreachable', 'Bearer a.b.c', unreachable],
    ];
    const refreshesBefore = h.store.serviceUrlRefreshes.length;
    const results: { label: string; status: number; body: string }[] = [];
    for (const [label, authorization, target = h] of bad) {
      for (const type of ['message', 'typing'] as const) {
        const response = await post(target.host.url, activity(connector.url, type), authorization);
        results.push({ label: `${label} (${type})`, ...response });
      }
    }
    const answered401 = results.filter((r) => r.status === 401 && r.body === '').length;
    const statuses = results.map((r) => r.status);
    console.log(
      `bad tokens answered 401 with an empty body: ${answered401}/${results.length} (401: ${statuses.filter((s) => s === 401).length}, 500: ${statuses.filter((s) => s === 500).length})`,
    );
    expect(results.filter((r) => r.status !== 401 || r.body !== '')).toEqual([]);
    expect(connector.calls).toEqual([]);
    expect(h.store.serviceUrlRefreshes).toHaveLength(refreshesBefore);
    expect(unreachable.store.serviceUrlRefreshes).toEqual([]);
    expect([...h.actions.commands, ...unreachable.actions.commands]).toEqual([]);
  });

  it('a verified activity from another channel (Web Chat, Direct Line) changes nothing: its Teams ids are the client’s word', async () => {
    // The Azure Bot's Web Chat channel is always on, and its clients set `from` and `channelData`
    // themselves; only Teams vouches for a user's Entra id and tenant.
    const webchat = (value?: Record<string, unknown>) => ({
      ...activity(connector.url, 'message'),
      channelId: 'webchat',
      from: { id: 'dl_attacker', name: 'Ada Admin', aadObjectId: 'aad-ada' },
      ...(value ? { value, text: undefined } : {}),
    });
    const refreshesBefore = h.store.serviceUrlRefreshes.length;
    const callsBefore = connector.calls.length;
    for (const body of [webchat(), webchat({ action: 'lost', customerId: 'C-1', reason: 'price' })]) {
      const response = await post(h.host.url, body, `Bearer ${jwt(good)}`);
      expect(response.status).toBe(200);
    }
    expect(h.actions.submits).toEqual([]);
    expect(h.actions.commands).toEqual([]);
    expect(h.store.serviceUrlRefreshes).toHaveLength(refreshesBefore);
    expect(connector.calls).toHaveLength(callsBefore);
  });
});

/** The token with its payload swapped for `claims`, keeping the original header and signature. */
function tamper(token: string, claims: Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  return `${header}.${b64(claims)}.${signature}`;
}
