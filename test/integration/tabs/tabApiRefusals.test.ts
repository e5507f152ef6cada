import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createRemoteJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../../functions/config';
import { type Wiring, wire } from '../../../functions/wiring';
import { initialState } from '../../../rules/customerState';
import { createLocalSigner, LOCAL_POLICY, type LocalSigner } from '../../../tabs/api/localTokens';
import {
  createTokenVerifier,
  entraPolicy,
  localKeys,
  type TabUser,
  type TokenVerifier,
} from '../../../tabs/api/tabToken';
import type { WeekPoint } from '../../../tabs/api/tabTypes';
import { type FunctionsHost, registeredRoutes, startFunctionsHost } from '../../../tools/local/functionsHost';

// The tab API as Azure runs it (the registered functions, built by the wiring from a config, on
// Azurite and the demo feed) over HTTP through the local Functions host, signed in with the local
// host's development tokens: what a curious rep can send it.

const DEMO = join(__dirname, '../../../demo/feed');
const ANA: TabUser = {
  userId: 'aad-ana',
  name: 'Ana Ruiz',
  email: 'ana.ruiz@contoso.example',
  tenantId: 'tenant-1',
};

/** Ana's customer on this week's card. */
const GREENFIELD = {
  ...initialState({ customerId: 'C-1001', name: 'Greenfield Cafe', owner: ANA.email, monthlyValue: 2400 }),
  band: 'at_risk' as const,
  surfacedAt: '2026-11-23',
};

/** The registered functions over tables of their own on Monday 23 November, Greenfield stored as Ana's. */
async function startTabApi(
  prefix: string,
  /** More settings (admins, managers). */
  env: Record<string, string> = {},
): Promise<{ host: FunctionsHost; signer: LocalSigner; wiring: Wiring }> {
  const signer = await createLocalSigner();
  const wiring = await wire(
    loadConfig({
      STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
      TABLE_PREFIX: `${prefix}${randomBytes(3).toString('hex')}`,
      FEED_DIR: DEMO,
      ...env,
    }),
    {
      clock: () => new Date('2026-11-23T09:00:00Z'),
      tabVerify: createTokenVerifier(localKeys(signer.jwks), LOCAL_POLICY),
    },
  );
  const host = await startFunctionsHost({ port: 0, routes: registeredRoutes(wiring), log: () => undefined });
  await wiring.storage.state.writeChanged(new Map(), [GREENFIELD]);
  return { host, signer, wiring };
}

describe('the tab API over HTTP, as a rep', () => {
  let host: FunctionsHost;
  let token: string;
  let wiring: Wiring;

  beforeAll(async () => {
    let signer: LocalSigner;
    ({ host, signer, wiring } = await startTabApi('ttabapi'));
    token = await signer.sign(ANA);
  });

  afterAll(async () => {
    await host?.close();
  });

  const get = (path: string) =>
    fetch(`${host.url}/api/tab${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('a Team tab month long before any tap is refused with 400, as one after this month is, never a 500', async () => {
    const answers: string[] = [];
    for (const month of ['0000-01', '0000-06', '0001-01', '1969-12', '9999-12']) {
      const response = await get(`/team?month=${month}`);
      answers.push(`${month}: ${response.status} ${await response.text()}`);
    }
    expect(answers).toEqual([
      '0000-01: 400 {"error":"month 0000-01 is before 1970-01"}',
      '0000-06: 400 {"error":"month 0000-06 is before 1970-01"}',
      '0001-01: 400 {"error":"month 0001-01 is before 1970-01"}',
      '1969-12: 400 {"error":"month 1969-12 is before 1970-01"}',
      '9999-12: 400 {"error":"month 9999-12 is after this month (2026-11)"}',
    ]);
    expect((await get('/team?month=1970-01')).status).toBe(200);
  });

  it('a customer id with a slash, a dot-dot or a hash opens and takes a tap, as it will in Azure', async () => {
    // Deployed, Functions decodes `%2F` before it matches a route (the local host does so too): an id
    // in the path, `ACME/01`, would find no function.
    for (const customerId of ['ACME/01', '..', 'Nº 7 #2?']) {
      await wiring.storage.state.writeChanged(new Map(), [
        { ...GREENFIELD, customerId, name: `Shop ${customerId}` },
      ]);
      const id = new URLSearchParams({ id: customerId });
      const page = await get(`/customer?${id}`);
      expect(page.status).toBe(200);
      expect(((await page.json()) as { customer: { name: string } }).customer.name).toBe(
        `Shop ${customerId}`,
      );
      const tap = await fetch(`${host.url}/api/tab/customer/actions?${id}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'reached_out' }),
      });
      expect(tap.status).toBe(200);
      expect((await wiring.storage.state.get(customerId))?.state.lastContact).toBe('2026-11-23');
    }
    // The old form of the address is no route at all, as in Azure.
    expect((await get('/customers/ACME%2F01')).status).toBe(404);
  });

  it('a tap whose value or reason cannot be recorded is the request’s fault: 400, nothing written', async () => {
    const act = (body: unknown) =>
      fetch(`${host.url}/api/tab/customer/actions?id=C-1001`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const answers: string[] = [];
    for (const body of [
      { action: 'won_back', value: '1e400' },
      { action: 'won_back', value: -5 },
      { action: 'lost', reason: '__proto__' },
    ])
      answers.push(`${JSON.stringify(body)}: ${(await act(body)).status}`);
    expect(answers).toEqual([
      '{"action":"won_back","value":"1e400"}: 400',
      '{"action":"won_back","value":-5}: 400',
      '{"action":"lost","reason":"__proto__"}: 400',
    ]);
    expect((await wiring.storage.state.get('C-1001'))?.state).toEqual(GREENFIELD);
    expect(await wiring.storage.audit.latestForCustomer('C-1001')).toEqual([]);
  });

  it('a tap whose body is far larger than any tap (a 20 KB note) is refused with 413, as the bot endpoint refuses one, nothing written', async () => {
    const tap = await fetch(`${host.url}/api/tab/customer/actions?id=C-1001`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'lost', reason: 'price', note: 'x'.repeat(20_000) }),
    });
    expect(tap.status).toBe(413);
    expect(await tap.json()).toEqual({ error: 'request body too large' });
    expect((await wiring.storage.state.get('C-1001'))?.state).toEqual(GREENFIELD);
    expect(await wiring.storage.audit.latestForCustomer('C-1001')).toEqual([]);
  });

  it('a tap not sent as JSON (text, a form, no type) is refused with 415, nothing written', async () => {
    const body = JSON.stringify({ action: 'lost', reason: 'price' });
    for (const type of ['text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', null]) {
      const tap = await fetch(`${host.url}/api/tab/customer/actions?id=C-1001`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, ...(type === null ? {} : { 'content-type': type }) },
        body: type === null ? new TextEncoder().encode(body) : body,
      });
      expect(tap.status, String(type)).toBe(415);
      expect(await tap.json()).toEqual({ error: 'Content-Type must be application/json' });
    }
    expect((await wiring.storage.state.get('C-1001'))?.state).toEqual(GREENFIELD);
    expect(await wiring.storage.audit.latestForCustomer('C-1001')).toEqual([]);
  });
});

describe('a My customers page cached from before the sort by score became the sort by chance', () => {
  // Teams keeps a tab's page, its code included, for a while: during and after a deploy a rep's open
  // tab still offers "Score" and sends sort=score. It gets its rows in that order, not an error.
  let host: FunctionsHost;
  let token: string;

  beforeAll(async () => {
    let signer: LocalSigner;
    let wiring: Wiring;
    ({ host, signer, wiring } = await startTabApi('ttabold'));
    token = await signer.sign(ANA);
    const more = [
      ['C-1004', 'Rosemary Diner'],
      ['C-1009', 'Chestnut Sushi Bar'],
      ['C-1010', 'Brick Lane Cafe'],
      ['C-1011', 'Evergreen Taqueria'],
      ['C-1015', 'Elm Street Primary School'],
    ].map(([customerId, name]) => initialState({ customerId, name, owner: ANA.email, monthlyValue: 500 }));
    await wiring.storage.state.writeChanged(new Map(), more);
  });

  afterAll(async () => {
    await host?.close();
  });

  it('asks sort=score and is answered with the rows, highest score first in each kind', async () => {
    const response = await fetch(`${host.url}/api/tab/customers?sort=score&whose=mine`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const { groups } = (await response.json()) as { groups: { rows: { score: number | null }[] }[] };
    const scores = groups.map((g) => g.rows.map((r) => r.score ?? -1));
    expect(scores.flat()).toHaveLength(6);
    expect(scores).toEqual(scores.map((list) => [...list].sort((a, b) => b - a)));
  });
});

describe('who may open and who may save a customer, over HTTP', () => {
  const BEN: TabUser = {
    userId: 'aad-ben',
    name: 'Ben Okafor',
    email: 'ben@contoso.example',
    tenantId: 'tenant-1',
  };
  const MAYA: TabUser = {
    userId: 'aad-maya',
    name: 'Maya Chen',
    email: 'maya@contoso.example',
    tenantId: 'tenant-1',
  };
  const ADA: TabUser = {
    userId: 'aad-ada',
    name: 'Ada Admin',
    email: 'ada@contoso.example',
    tenantId: 'tenant-1',
  };
  let host: FunctionsHost;
  let signer: LocalSigner;
  let wiring: Wiring;

  beforeAll(async () => {
    ({ host, signer, wiring } = await startTabApi('ttabrights', {
      MANAGER_USER_IDS: MAYA.userId,
      ADMIN_USER_IDS: ADA.userId,
    }));
  });
  afterAll(async () => {
    await host?.close();
  });

  const open = async (user: TabUser) =>
    (
      await fetch(`${host.url}/api/tab/customer?id=C-1001`, {
        headers: { authorization: `Bearer ${await signer.sign(user)}` },
      })
    ).status;
  const save = async (user: TabUser) => {
    const response = await fetch(`${host.url}/api/tab/customer/actions?id=C-1001`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await signer.sign(user)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'lost', reason: 'price' }),
    });
    return `${response.status} ${((await response.json()) as { error?: string; message?: string }).error ?? 'saved'}`;
  };

  it('another rep neither opens nor saves; a manager opens but may not save; an admin saves', async () => {
    expect(await open(BEN)).toBe(404);
    expect(await save(BEN)).toBe('404 No such customer of yours.');
    expect(await open(MAYA)).toBe(200);
    expect(await save(MAYA)).toBe(
      '403 Greenfield Cafe belongs to another rep; only they or an admin can change it. Nothing was changed.',
    );
    expect((await wiring.storage.state.get('C-1001'))?.state).toEqual(GREENFIELD);
    expect(await wiring.storage.audit.latestForCustomer('C-1001')).toEqual([]);

    expect(await save(ADA)).toBe('200 saved');
    expect(
      (await wiring.storage.audit.latestForCustomer('C-1001')).map((r) => [r.action, r.actorId]),
    ).toEqual([['lost', ADA.userId]]);
  });
});

/** A tab SSO app registration, as Entra ID's policy names it. */
const SSO = {
  tenantId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  clientId: '6f0d7b5e-2c1a-4f8e-9b3d-1a2b3c4d5e6f',
  audience: 'api://h.example/6f0d7b5e-2c1a-4f8e-9b3d-1a2b3c4d5e6f',
};
const POLICY = entraPolicy(SSO);

/** The registered functions on the demo feed, over HTTP, with `verify` as the tabs' token check. */
async function hostVerifying(verify: TokenVerifier): Promise<FunctionsHost> {
  const wiring = await wire(
    loadConfig({
      STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
      TABLE_PREFIX: `ttabentra${randomBytes(3).toString('hex')}`,
      FEED_DIR: DEMO,
    }),
    { tabVerify: verify },
  );
  return startFunctionsHost({ port: 0, routes: registeredRoutes(wiring), log: () => undefined });
}

describe('the tab API over HTTP, with Entra ID’s policy', () => {
  it('refuses a token whose tenant (tid) is not the app’s, even under the app’s issuer, with 401', async () => {
    const signer = await createLocalSigner();
    const host = await hostVerifying(createTokenVerifier(localKeys(signer.jwks), POLICY));
    try {
      const me = async (tenantId: string) =>
        fetch(`${host.url}/api/tab/me`, {
          headers: {
            authorization: `Bearer ${await signer.sign({ ...ANA, tenantId }, { issuer: POLICY.issuers[0], audience: SSO.audience })}`,
          },
        });
      const other = await me('9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f');
      expect(other.status).toBe(401);
      expect(await other.json()).toEqual({ error: 'sign-in required', reason: 'invalid' });
      expect((await me(SSO.tenantId)).status).toBe(200);
    } finally {
      await host.close();
    }
  });
});

describe("a customer's page and its week-by-week chart over HTTP", () => {
  let host: FunctionsHost;
  let signer: LocalSigner;

  beforeAll(async () => {
    ({ host, signer } = await startTabApi('ttabchart'));
  });
  afterAll(async () => {
    await host?.close();
  });

  const get = async (path: string, authorization?: string) => {
    const response = await fetch(`${host.url}/api/tab${path}`, {
      headers: authorization === undefined ? {} : { authorization },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const bearer = async (user: TabUser) => `Bearer ${await signer.sign(user)}`;

  it('answers the page without the chart, and the chart from its own route: the last twelve Mondays', async () => {
    const auth = await bearer(ANA);
    const page = await get('/customer?id=C-1001', auth);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ asOf: '2026-11-23', customer: { name: 'Greenfield Cafe' } });
    expect(page.body).not.toHaveProperty('weeks');

    const chart = await get('/customer/chart?id=C-1001', auth);
    expect(chart.status).toBe(200);
    const weeks = chart.body.weeks as WeekPoint[];
    // Monday 7 September to this Monday, 23 November, each in the horizon the page's facts state.
    expect(weeks.map((w) => w.week)).toEqual(
      Array.from({ length: 12 }, (_, k) => new Date(Date.UTC(2026, 8, 7 + 7 * k)).toISOString().slice(0, 10)),
    );
    expect(new Set(weeks.map((w) => w.horizonDays))).toEqual(new Set([page.body.horizonDays]));
    // Greenfield has ordered for years: a chance every week.
    expect(weeks.every((w) => w.noOrderProbability !== null)).toBe(true);
  });

  it('refuses the chart to whoever the page refuses, with the same answer', async () => {
    const other = await createLocalSigner();
    const ben: TabUser = {
      userId: 'aad-ben',
      name: 'Ben Okafor',
      email: 'ben@contoso.example',
      tenantId: '',
    };
    const cases: [string, string, string | undefined][] = [
      ['no sign-in', 'id=C-1001', undefined],
      ['a token this API did not sign', 'id=C-1001', `Bearer ${await other.sign(ANA)}`],
      ["another rep's customer", 'id=C-1001', await bearer(ben)],
      ['a customer nobody has', 'id=C-9999', await bearer(ANA)],
      ['no id', '', await bearer(ANA)],
      ['an id too long', `id=${'x'.repeat(401)}`, await bearer(ANA)],
      // Table Storage refuses control characters in keys: such an id is no customer, not a 500.
      ['an id with a NUL after it', 'id=C-1001%00', await bearer(ANA)],
      ['an id with a control character', 'id=C-%011001', await bearer(ANA)],
      ['a byte that is no UTF-8', 'id=%FF', await bearer(ANA)],
      ['the id in Cyrillic look-alikes', `id=${encodeURIComponent('С-1001')}`, await bearer(ANA)],
    ];
    const answers: string[] = [];
    for (const [what, query, auth] of cases) {
      const page = await get(`/customer?${query}`, auth);
      const chart = await get(`/customer/chart?${query}`, auth);
      expect(chart, what).toEqual(page);
      answers.push(`${what}: ${chart.status}`);
    }
    expect(answers).toEqual([
      'no sign-in: 401',
      'a token this API did not sign: 401',
      "another rep's customer: 404",
      'a customer nobody has: 404',
      'no id: 400',
      'an id too long: 400',
      'an id with a NUL after it: 404',
      'an id with a control character: 404',
      'a byte that is no UTF-8: 404',
      'the id in Cyrillic look-alikes: 404',
    ]);
  });
});

describe('the tab API over HTTP while Entra ID’s key set cannot be reached', () => {
  it('refuses the token with 401 (sign-in required), as the bot endpoint does, not a 500', async () => {
    // A port that was listening a moment ago and is closed now: the keys out of reach (network, DNS).
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const keysUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/discovery/v2.0/keys`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const host = await hostVerifying(createTokenVerifier(createRemoteJWKSet(new URL(keysUrl)), POLICY));
    try {
      const signer = await createLocalSigner();
      const token = await signer.sign(ANA, { issuer: POLICY.issuers[0], audience: SSO.audience });
      const response = await fetch(`${host.url}/api/tab/me`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'sign-in required', reason: 'invalid' });
    } finally {
      await host.close();
    }
  });
});
