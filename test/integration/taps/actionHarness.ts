import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { inject } from 'vitest';
import { type BotRuntime, createBotRuntime } from '../../../bot';
import {
  type ActionHandlerDeps,
  type ActionStores,
  createActionHandler,
} from '../../../bot/taps/actionHandler';
import type { Config } from '../../../functions/config';
import type { ListsNow, ListsNowRequest } from '../../../jobs/weekly/weeklyPlan';
import type { Book } from '../../../rules/book';
import { type CustomerState, initialState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import { openStorage, type Storage } from '../../../storage';
import { openCardStore, saveSentCard, type TableCardStore } from '../../../storage/cardStore';
import { keptStates } from '../../../storage/keptStates';
import type { PolicyConfig } from '../../../storage/tableClients';
import type { TabActionDeps } from '../../../tabs/api/tabActions';
import { createTabService, type TabServiceDeps } from '../../../tabs/api/tabService';
import type { FunctionsHost } from '../../../tools/local/functionsHost';
import { actionStores } from '../../helpers/actionStores';
import { startBotHost } from '../../helpers/botOnPlayground';
import { weeklyData } from '../../helpers/weeklyCardData';
import { slipBook } from '../../unit/weekly/scoredFixture';
import { MemoryLog } from '../bot/recordingPorts';

export { actionStores };

/** Teams ids of the people in these tests. */
export const TENANT = 'tenant-1';
export const ANA = { userId: 'aad-ana', name: 'Ana Ruiz', email: 'ana@demo.example', channelId: '29:ana' };
export const BEN = { userId: 'aad-ben', name: 'Ben Ortiz', email: 'ben@demo.example', channelId: '29:ben' };
export const ADMIN = {
  userId: 'aad-admin',
  name: 'Ada Admin',
  email: 'ada@demo.example',
  channelId: '29:ada',
};
/** Twelve of the admin's customers who stopped ordering in September: two pages of their `list`. */
export function adminSlipping() {
  return Array.from({ length: 12 }, (_, k) => ({
    id: `many-${k}`,
    name: `Many ${k}`,
    owner: ADMIN.email,
    monthlyValue: 100 + k,
    slip: true,
  }));
}

/**
 * A book of two pages for the admin's `list` (adminSlipping); Ben's customer still orders every
 * week, which keeps the feed current.
 */
export function adminSlipBook(): Book {
  return slipBook([
    ...adminSlipping(),
    { id: 'steady-1', name: 'Harbour Deli', owner: BEN.email, monthlyValue: 800, slip: false },
  ]);
}

/** Tuesday 24 Nov 2026, 09:00 in Chicago. */
export const NOW = new Date('2026-11-24T15:00:00.000Z');
export const TODAY = '2026-11-24';
export const TIME_ZONE = 'America/Chicago';

/** Storage on the suite's Azurite with tables of its own. */
export async function openActionStorage(
  name: string,
  timeZone = TIME_ZONE,
  /** Another instance's view of tables opened before (their prefix), its card table through `cardPolicies`. */
  options: { tablePrefix?: string; cardPolicies?: PolicyConfig[] } = {},
): Promise<{ storage: Storage; cards: TableCardStore; tablePrefix: string }> {
  const config = {
    connectionString: inject('azuriteConnectionString'),
    tablePrefix: options.tablePrefix ?? `t${name}${randomBytes(4).toString('hex')}`,
  };
  const retry = { maxRetries: 1, retryDelayInMs: 10, maxRetryDelayInMs: 50 };
  const [storage, cards] = await Promise.all([
    openStorage(config, { timeZone, retry }),
    openCardStore(config, { retry, ...(options.cardPolicies ? { policies: options.cardPolicies } : {}) }),
  ]);
  return { storage, cards, tablePrefix: config.tablePrefix };
}

/** An at-risk customer surfaced this week. */
export function customer(id: string, overrides: Partial<CustomerState> = {}): CustomerState {
  return {
    ...initialState({ customerId: id, name: `Customer ${id}`, owner: ANA.email, monthlyValue: 1200 }),
    score: 72,
    band: 'at_risk',
    reasons: ['No order in 34 days (usually every 9)'],
    surfacedAt: '2026-11-23',
    ...overrides,
  };
}

/** The tab's service on the same storage, reading `book` as the feed, at NOW; money as the cards' by default. */
export function tabServiceOn(
  storage: Storage,
  cards: TableCardStore,
  book: Book,
  options: Partial<
    Pick<
      TabServiceDeps,
      'currency' | 'locale' | 'statesRereadMs' | 'timeZone' | 'clock' | 'refreshCards' | 'log'
    >
  > = {},
): ReturnType<typeof createTabService> {
  return createTabService({
    storage,
    cards,
    rules: defaultRules(),
    readBook: async () => ({ book, report: { files: [], rowsSkipped: 0 } }),
    timeZone: TIME_ZONE,
    access: { tenantId: TENANT, adminUserIds: [ADMIN.userId], managerUserIds: [] },
    clock: () => NOW,
    ...options,
  });
}

/** Seeds states and the reps' installs straight through the storage API. */
export async function seed(
  storage: Storage,
  states: readonly CustomerState[],
  reps: readonly { userId: string; name: string; email: string }[] = [ANA, BEN, ADMIN],
  serviceUrl = 'http://127.0.0.1:9/',
): Promise<void> {
  await storage.state.writeChanged(new Map(), states);
  for (const rep of reps) {
    await storage.conversations.saveRep({
      userId: rep.userId,
      name: rep.name,
      email: rep.email,
      tenantId: TENANT,
      serviceUrl,
      reference: {
        channelId: 'msteams',
        serviceUrl,
        conversation: { id: `a:${rep.userId}` },
        bot: { id: '28:bot' },
      },
    });
  }
}

/** A clock from NOW that moves one second per reading, so successive rows sort by time as in life. */
export function advancingClock(start = NOW): () => Date {
  let ms = start.getTime();
  return () => {
    const now = new Date(ms);
    ms += 1000;
    return now;
  };
}

/** Ana as the tab knows her (signed in to tenant-1). */
export const ANA_IN_TAB = { userId: ANA.userId, name: ANA.name, email: ANA.email, tenantId: TENANT };

/** What a tab tap needs over these stores: admin Ada, tenant-1, Chicago, NOW, USD in en-US. */
export function tabActionDeps(storage: Storage, cards: TableCardStore): TabActionDeps {
  return {
    state: storage.state,
    audit: storage.audit,
    cards,
    rules: defaultRules(),
    timeZone: TIME_ZONE,
    access: { tenantId: TENANT, adminUserIds: [ADMIN.userId] },
    clock: () => NOW,
    currency: 'USD',
    locale: 'en-US',
  };
}

/** The ActionHandler deps for these tests: admin Ada, tenant-1, Chicago, a fixed clock. */
export function handlerDeps(
  stores: ActionStores,
  overrides: Partial<ActionHandlerDeps> = {},
): ActionHandlerDeps {
  return {
    stores,
    rules: defaultRules(),
    timeZone: TIME_ZONE,
    access: { tenantId: TENANT, adminUserIds: [ADMIN.userId] },
    clock: advancingClock(),
    ...overrides,
  };
}

/** What a minimal Bot Connector stand-in received: replies (POST) and card updates (PUT). */
export interface Sent {
  method: string;
  url: string;
  body: { text?: string; attachments?: { content: Record<string, unknown> }[] };
}

/** A node:http Bot Connector stand-in that records every call and answers with an activity id. */
export async function startConnector(): Promise<{ url: string; sent: Sent[]; close(): Promise<void> }> {
  const sent: Sent[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      sent.push({ method: req.method ?? '', url: req.url ?? '', body: body ? JSON.parse(body) : {} });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `reply-${sent.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The real bot (CloudAdapter, ChurnBot, the real handler and stores) behind the local Functions host. */
export async function startActionBotHost(
  storage: Storage,
  deps: ActionHandlerDeps,
  bot: Config['bot'] = { appId: '', appPassword: '', appType: 'MultiTenant', tenantId: '' },
): Promise<{ host: FunctionsHost; runtime: BotRuntime; log: MemoryLog }> {
  const log = new MemoryLog();
  const runtime = createBotRuntime({
    bot,
    store: storage.conversations,
    actions: createActionHandler(deps),
    log,
  });
  return { host: await startBotHost(runtime), runtime, log };
}

let activitySeq = 0;

/** A bot answering `list` from `listsNow`, over HTTP to a Bot Connector stand-in, its states on Azurite (the states read through a kept reader, as the wiring reads them). */
export interface ListBot {
  storage: Storage;
  cards: TableCardStore;
  /** The prefix of its tables: another instance opens the same. */
  tablePrefix: string;
  connector: Awaited<ReturnType<typeof startConnector>>;
  host: Awaited<ReturnType<typeof startActionBotHost>>;
  close(): Promise<void>;
}

export async function startListBot(
  name: string,
  listsNow: (request: ListsNowRequest) => Promise<ListsNow>,
): Promise<ListBot> {
  const { storage, cards, tablePrefix } = await openActionStorage(name);
  await seed(storage, []);
  const connector = await startConnector();
  const stores = actionStores(storage, cards);
  const host = await startActionBotHost(
    storage,
    handlerDeps(stores, { listsNow, states: keptStates(storage.state) }),
  );
  return {
    storage,
    cards,
    tablePrefix,
    connector,
    host,
    async close() {
      await host.host.close();
      await connector.close();
    },
  };
}

/** A card tap as Teams delivers it: a message activity with `value` and the card's `replyToId`. */
export function submitActivity(
  serviceUrl: string,
  user: { userId: string; name: string; channelId: string },
  value: Record<string, unknown>,
  options: { replyToId?: string | null; tenantId?: string } = {},
): Record<string, unknown> {
  const tenantId = options.tenantId ?? TENANT;
  activitySeq++;
  return {
    type: 'message',
    id: `activity-${activitySeq}`,
    channelId: 'msteams',
    serviceUrl,
    value,
    ...(options.replyToId === null ? {} : { replyToId: options.replyToId ?? 'card-1' }),
    from: { id: user.channelId, name: user.name, aadObjectId: user.userId },
    recipient: { id: '28:bot', name: 'Churn Predictor' },
    conversation: { id: `a:${user.userId}`, conversationType: 'personal', tenantId },
    channelData: { tenant: { id: tenantId } },
  };
}

/** A typed message in the rep's 1:1 chat. */
export function textActivity(
  serviceUrl: string,
  user: { userId: string; name: string; channelId: string },
  text: string,
): Record<string, unknown> {
  activitySeq++;
  return {
    type: 'message',
    id: `activity-${activitySeq}`,
    channelId: 'msteams',
    serviceUrl,
    text,
    from: { id: user.channelId, name: user.name, aadObjectId: user.userId },
    recipient: { id: '28:bot', name: 'Churn Predictor' },
    conversation: { id: `a:${user.userId}`, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
  };
}

/** POSTs an activity to the bot endpoint; resolves with the HTTP status. */
export async function post(
  hostUrl: string,
  activity: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<number> {
  const response = await fetch(`${hostUrl}/api/messages`, {
    method: 'POST',
    body: JSON.stringify(activity),
    headers: { 'content-type': 'application/json', ...headers },
  });
  await response.arrayBuffer();
  return response.status;
}

/** The card values the weekly card's buttons send. */
export const tap = {
  reachedOut: (customerId: string) => ({
    action: 'reached_out',
    customerId,
    runKey: 'weekly-2026-W48',
    v: 1,
  }),
  wonBack: (customerId: string, value?: string | number, row = 0) => ({
    action: 'won_back',
    customerId,
    runKey: 'weekly-2026-W48',
    v: 1,
    fields: { value: `value_${row}` },
    ...(value === undefined ? {} : { [`value_${row}`]: value }),
  }),
  lost: (customerId: string, reason?: string, note?: string, row = 0) => ({
    action: 'lost',
    customerId,
    runKey: 'weekly-2026-W48',
    v: 1,
    fields: { reason: `reason_${row}`, note: `note_${row}` },
    ...(reason === undefined ? {} : { [`reason_${row}`]: reason }),
    ...(note === undefined ? {} : { [`note_${row}`]: note }),
  }),
  /** `shown`: what the row showed as its Undo carries it (outcomeKey), as a card sent by the bot does. */
  undo: (customerId: string, shown?: string) => ({
    action: 'undo',
    customerId,
    runKey: 'weekly-2026-W48',
    ...(shown ? { shown } : {}),
    v: 1,
  }),
};

/** Saves the weekly card data as the weekly sender does after sending message `messageId`. */
export async function saveCard(
  cards: TableCardStore,
  messageId: string,
  user: { userId: string },
  states: readonly CustomerState[],
): Promise<void> {
  await saveSentCard(cards, messageId, user.userId, weeklyData(states), {
    conversationId: `a:${user.userId}`,
    now: NOW,
  });
}

/** The chat with the real bot that a test drives: its host, the fake connector, and a rep's ways in. */
export interface ActionChat {
  connector: Awaited<ReturnType<typeof startConnector>>;
  host: Awaited<ReturnType<typeof startActionBotHost>>;
  /** Every text reply so far, oldest first. */
  texts(): string[];
  lastText(): string;
  /** A tap on a card (by default card-1) as `user`; resolves with the HTTP status. */
  tapAs(user: typeof ANA, value: Record<string, unknown>, replyToId?: string): Promise<number>;
  /** A message typed by `user` in their chat. */
  say(user: typeof ANA, text: string): Promise<number>;
  close(): Promise<void>;
}

/** The real bot over `storage` and `cards` behind the local host, replying to a fake connector. */
export async function startActionChat(
  storage: Storage,
  cards: TableCardStore,
  overrides: Partial<ActionHandlerDeps> = {},
): Promise<ActionChat> {
  const connector = await startConnector();
  const stores = actionStores(storage, cards);
  const host = await startActionBotHost(storage, handlerDeps(stores, overrides));
  const texts = () =>
    connector.sent.filter((s) => s.method === 'POST' && s.body.text).map((s) => s.body.text ?? '');
  return {
    connector,
    host,
    texts,
    lastText: () => texts().at(-1) ?? '',
    tapAs: (user, value, replyToId = 'card-1') =>
      post(host.host.url, submitActivity(connector.url, user, value, { replyToId })),
    say: (user, text) => post(host.host.url, textActivity(connector.url, user, text)),
    async close() {
      await host.host.close();
      await connector.close();
    },
  };
}
