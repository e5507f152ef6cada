import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { FEED_RECHECK_MS } from '../../../feed/keptFeed';
import { loadConfig } from '../../../functions/config';
import { type Wiring, wire } from '../../../functions/wiring';
import { initialState } from '../../../rules/customerState';
import { createLocalSigner, LOCAL_POLICY } from '../../../tabs/api/localTokens';
import { createTokenVerifier, localKeys, type TabUser } from '../../../tabs/api/tabToken';
import { type FunctionsHost, registeredRoutes, startFunctionsHost } from '../../../tools/local/functionsHost';
import { texts } from '../../unit/cards/cardWalk';
import { MemoryLog } from '../bot/recordingPorts';

// An admin changes the rules file while an instance runs (on Flex Consumption an always-ready one
// lives for days): the bot's taps and `list`, and the tabs, follow it as the timer runs do, within
// FEED_RECHECK_MS and without a restart. The registered functions over HTTP through the local
// Functions host, the bot through the real CloudAdapter, Table Storage and the blobs on Azurite.

const DEMO = join(__dirname, '../../../demo/feed');
const TENANT = 'tenant-1';
const ANA: TabUser = {
  userId: 'aad-ana',
  name: 'Ana Ruiz',
  email: 'ana.ruiz@contoso.example',
  tenantId: TENANT,
};
/** A customer of Ana's the taps are made on (not in the demo feed: taps read the stored state). */
const SHOP = initialState({ customerId: 'X-1', name: 'Test Shop', owner: ANA.email, monthlyValue: 900 });

const MOVED = { code: 'moved', label: 'Moved away' };
const BEFORE = { capPerRep: 3, pauseDays: 14, lossReasons: [{ code: 'price', label: 'Price' }] };
const AFTER = { capPerRep: 5, pauseDays: 21, lossReasons: [{ code: 'price', label: 'Price' }, MOVED] };
/** Ana's customer in the demo feed, slipping: she reached them 17 days before the instance's today. */
const GREENFIELD = {
  ...initialState({ customerId: 'C-1001', name: 'Greenfield Cafe', owner: ANA.email, monthlyValue: 2400 }),
  lastContact: '2026-11-06',
};

/** A Bot Connector that records what the bot sends (replies go to the activity's serviceUrl). */
async function recordingConnector(): Promise<{
  url: string;
  sent: Record<string, unknown>[];
  server: Server;
}> {
  const sent: Record<string, unknown>[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      if (body) sent.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `reply-${sent.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    sent,
    server,
  };
}

interface World {
  wiring: Wiring;
  host: FunctionsHost;
  connector: Awaited<ReturnType<typeof recordingConnector>>;
  log: MemoryLog;
  token: string;
  /** Moves the instance's clock on. */
  wait(ms: number): void;
}

let open: World | undefined;
let containerName: string | undefined;
afterEach(async () => {
  await open?.host.close();
  await new Promise<void>((resolve) => (open ? open.connector.server.close(() => resolve()) : resolve()));
  open = undefined;
  if (containerName)
    await BlobServiceClient.fromConnectionString(inject('azuriteConnectionString'))
      .getContainerClient(containerName)
      .deleteIfExists();
  containerName = undefined;
});

async function start(env: Record<string, string>): Promise<World> {
  let now = new Date('2026-11-23T09:00:00Z').getTime();
  const log = new MemoryLog();
  const signer = await createLocalSigner();
  const wiring = await wire(
    loadConfig({
      STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
      TABLE_PREFIX: `trlive${randomBytes(3).toString('hex')}`,
      MicrosoftAppTenantId: TENANT,
      ...env,
    }),
    {
      clock: () => new Date(now),
      log,
      tabVerify: createTokenVerifier(localKeys(signer.jwks), LOCAL_POLICY),
    },
  );
  const host = await startFunctionsHost({ port: 0, routes: registeredRoutes(wiring), log: () => undefined });
  const connector = await recordingConnector();
  await wiring.storage.conversations.saveRep({
    userId: ANA.userId,
    channelAccountId: '29:ana',
    name: ANA.name,
    email: ANA.email,
    tenantId: TENANT,
    serviceUrl: connector.url,
    reference: {
      channelId: 'msteams',
      serviceUrl: connector.url,
      conversation: { id: 'a:ana' },
      bot: { id: '28:bot' },
    },
    source: 'roster',
  });
  await wiring.storage.state.writeChanged(new Map(), [SHOP, GREENFIELD]);
  open = {
    wiring,
    host,
    connector,
    log,
    token: await signer.sign(ANA),
    wait: (ms) => {
      now += ms;
    },
  };
  return open;
}

/** Sends Ana's message (text, or a card's submit value) to /api/messages; the bot's reply as sent to the connector. */
async function say(w: World, message: { text?: string; value?: Record<string, unknown> }) {
  const before = w.connector.sent.length;
  const response = await fetch(`${w.host.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id: `act-${randomBytes(3).toString('hex')}`,
      channelId: 'msteams',
      serviceUrl: w.connector.url,
      ...message,
      from: { id: '29:ana', name: ANA.name, aadObjectId: ANA.userId },
      recipient: { id: '28:bot', name: 'Churn Predictor' },
      conversation: { id: 'a:ana', conversationType: 'personal', tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
    }),
  });
  expect(response.status).toBeLessThan(300);
  const replies = w.connector.sent.slice(before);
  return replies
    .flatMap((r) => [
      String(r.text ?? ''),
      ...((r.attachments as { content: unknown }[] | undefined) ?? []).flatMap((a) => texts(a.content)),
    ])
    .join('\n');
}

/** Ana's Lost tap on her shop with `reason`: the bot's answer. */
const tapLost = (w: World, reason: string) =>
  say(w, {
    value: {
      action: 'lost',
      customerId: SHOP.customerId,
      runKey: 'weekly-2026-W48',
      v: 1,
      fields: { reason: 'reason_0', note: 'note_0' },
      reason_0: reason,
    },
  });

/** The loss reasons Ana's tab offers on her shop's page. */
async function tabReasons(w: World): Promise<string[]> {
  const response = await fetch(`${w.host.url}/api/tab/customer?id=${SHOP.customerId}`, {
    headers: { authorization: `Bearer ${w.token}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { lossReasons: { code: string }[] }).lossReasons.map((r) => r.code);
}

async function followsTheEdits(w: World, edit: (rules: unknown) => Promise<void>) {
  expect(await tapLost(w, 'moved')).toMatch(/Pick a reason from the list \(Price\)/);
  // A pause of 14 days is over: Greenfield is back on the list, which shows 3.
  const cardBefore = await say(w, { text: 'list' });
  expect(cardBefore).toMatch(/the first 3 shown\n/);
  expect(cardBefore).toContain('Greenfield Cafe');
  expect(await tabReasons(w)).toEqual(['price']);

  await edit(AFTER);
  // Not read on every request: within FEED_RECHECK_MS of the last look the rules are as they were.
  w.wait(FEED_RECHECK_MS - 1000);
  expect(await tabReasons(w)).toEqual(['price']);
  w.wait(1000);
  expect(await tabReasons(w)).toEqual(['price', 'moved']);
  const cardAfter = await say(w, { text: 'list' });
  expect(cardAfter).toMatch(/the first 5 shown\n/);
  expect(cardAfter).not.toContain('Greenfield Cafe');
  expect(await tapLost(w, 'moved')).toMatch(/Recorded "lost"/);
  expect((await w.wiring.storage.state.get(SHOP.customerId))?.state.lostReason).toBe('moved');

  // An edit that is not valid rules: the instance keeps the rules it has, and says so.
  await edit({ ...AFTER, capPerRep: 0 });
  w.wait(FEED_RECHECK_MS);
  expect(await tabReasons(w)).toEqual(['price', 'moved']);
  expect(await say(w, { text: 'list' })).toEqual(cardAfter);
  expect(w.log.lines.filter((l) => l.startsWith('error'))).toEqual([
    expect.stringMatching(/The rules file .* is not valid, so it is not in force.*capPerRep/s),
  ]);
  // The timer runs go on with the same rules, and are given what is wrong to tell the admins.
  const weekly = await w.wiring.weekly(w.log);
  expect(weekly.rules.capPerRep).toBe(5);
  expect(weekly.rulesFile?.problems).toEqual([expect.stringMatching(/^capPerRep: /)]);
  // The same bad file is not read, nor logged, again at each check; its fix is taken at the next.
  w.wait(FEED_RECHECK_MS);
  expect(await say(w, { text: 'list' })).toEqual(cardAfter);
  expect(w.log.lines.filter((l) => l.startsWith('error'))).toHaveLength(1);
  await edit({ ...AFTER, capPerRep: 4 });
  w.wait(FEED_RECHECK_MS);
  expect(await say(w, { text: 'list' })).toMatch(/the first 4 shown\n/);
}

describe('the bot and the tabs follow the rules file as it changes', () => {
  it('a rules file (RULES_FILE)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rlive-'));
    const path = join(dir, 'rules.json');
    await writeFile(path, JSON.stringify(BEFORE));
    const w = await start({ FEED_DIR: DEMO, RULES_FILE: path });
    await followsTheEdits(w, (rules) => writeFile(path, JSON.stringify(rules, null, 2)));
  });

  it('a blob beside the feed (FEED_CONTAINER + RULES_BLOB)', async () => {
    containerName = `rlive${randomBytes(4).toString('hex')}`;
    const container = BlobServiceClient.fromConnectionString(
      inject('azuriteConnectionString'),
    ).getContainerClient(containerName);
    await container.create();
    const upload = (name: string, text: string | Buffer) =>
      container.getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
    for (const file of ['customers.csv', 'orders.csv', 'tickets.csv'])
      await upload(file, await readFile(join(DEMO, file)));
    await upload('rules.json', JSON.stringify(BEFORE));
    const w = await start({ FEED_CONTAINER: containerName, RULES_BLOB: 'rules.json' });
    await followsTheEdits(w, async (rules) => {
      await upload('rules.json', JSON.stringify(rules));
    });
  });
});
