import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RestError } from '@azure/data-tables';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { inject } from 'vitest';
import type { Log } from '../../../bot/ports';
import { ProactiveSender } from '../../../bot/proactiveSender';
import type { ActionStores } from '../../../bot/taps/actionHandler';
import { actionRulesFrom } from '../../../bot/taps/actionRules';
import { commitDecision } from '../../../bot/taps/commitAction';
import { decideWonBack } from '../../../bot/taps/decideWonBack';
import { buildWeeklyCard } from '../../../cards/buildWeeklyCard';
import type { WeeklyCardData } from '../../../cards/cardModels';
import { type FeedSettings, feedOptionsFrom } from '../../../feed/feedOptions';
import { type FeedResult, readFeed } from '../../../feed/readFeed';
import { listsNowFrom } from '../../../jobs/weekly/weeklyPlan';
import type { WeeklyReport, WeeklyRunDone } from '../../../jobs/weekly/weeklyReport';
import { runWeekly, type WeeklyRunDeps } from '../../../jobs/weekly/weeklyRun';
import type { Book } from '../../../rules/book';
import type { CustomerState } from '../../../rules/customerState';
import { defaultRules, parseRules, type Rules } from '../../../rules/rulesSchema';
import { openStorage, type RunLedger, type Storage } from '../../../storage';
import { openCardStore, type TableCardStore } from '../../../storage/cardStore';
import { createTabService, type TabServiceDeps } from '../../../tabs/api/tabService';
import { FakeTeamsConnector } from '../../fakes/teamsConnector';
import { actionStores } from '../../helpers/actionStores';
import { bookFromRows, type CustomerRow, type OrderRow } from '../../helpers/bookFromRows';
import { texts } from '../../unit/cards/cardWalk';

/** Monday 23 November 2026, 08:03 in Chicago (CST, UTC-6): the scheduled send. */
export const SEND_TIME = new Date('2026-11-23T14:03:00Z');

/** The timer tick `n` quarter hours after the send time. */
export function tickAfterSend(n: number): Date {
  return new Date(SEND_TIME.getTime() + n * 15 * 60_000);
}
export const TIME_ZONE = 'America/Chicago';

/** Azurite tables of their own, the limit-enforcing fake Teams connector, and a real ProactiveSender to it. */
export interface WeeklyWorld {
  storage: Storage;
  cards: TableCardStore;
  fake: FakeTeamsConnector;
  sender: ProactiveSender;
  connectionString: string;
  log: Log & { lines: { level: string; message: string }[] };
  stop(): Promise<void>;
}

/** The world's tables as the bot's taps and commands read and write them. */
export function actionStoresOf(world: Pick<WeeklyWorld, 'storage' | 'cards'>): ActionStores {
  return actionStores(world.storage, world.cards);
}

/**
 * Opens a fresh world (new table prefix, new fake connector); `fakeNow`: the fake connector's clock
 * (milliseconds), for a test that moves the time on from tick to tick.
 */
export async function openWeeklyWorld(
  name: string,
  { fakeNow }: { fakeNow?: () => number } = {},
): Promise<WeeklyWorld> {
  const connectionString = inject('azuriteConnectionString');
  const tablePrefix = `w${name}${randomBytes(4).toString('hex')}`;
  const retry = { maxRetries: 1, retryDelayInMs: 10, maxRetryDelayInMs: 50 };
  const [storage, cards, fake] = await Promise.all([
    openStorage({ connectionString, tablePrefix }, { timeZone: TIME_ZONE, retry }),
    openCardStore({ connectionString, tablePrefix }, { retry }),
    FakeTeamsConnector.start(fakeNow ? { now: fakeNow } : {}),
  ]);
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '' }));
  const sender = new ProactiveSender({ adapter, appId: '', retry: { baseDelayMs: 20, maxAttempts: 5 } });
  const lines: { level: string; message: string }[] = [];
  const log = {
    lines,
    info: (message: string) => lines.push({ level: 'info', message }),
    warn: (message: string) => lines.push({ level: 'warn', message }),
    error: (message: string) => lines.push({ level: 'error', message }),
  };
  return { storage, cards, fake, sender, connectionString, log, stop: () => fake.stop() };
}

/** The world's ledger, with the `delivered` rows refused (Table Storage throttling) while `failing()` says so. */
export function ledgerRefusing(world: WeeklyWorld, failing: () => boolean): RunLedger {
  const runs = world.storage.runs;
  return Object.assign(Object.create(runs) as RunLedger, {
    recordDelivery: async (...args: Parameters<RunLedger['recordDelivery']>) => {
      if (failing() && args[2].status === 'delivered')
        throw new RestError('Server Busy (injected)', { statusCode: 503 });
      return runs.recordDelivery(...args);
    },
  });
}

/** The conversation id the fake sees for a rep. */
export function conversationOf(email: string): string {
  return `a:conv-${email}`;
}

/**
 * Installs the app for each rep: stores their conversation reference pointing at the fake connector.
 * `installedAt`: when Teams sent the install (none: stored as a seed is, with no install time);
 * `timeZone`: the rep's own (none: the team's).
 */
export async function installReps(
  world: WeeklyWorld,
  emails: readonly string[],
  { installedAt, timeZone }: { installedAt?: string; timeZone?: string } = {},
): Promise<void> {
  for (const email of emails) {
    await world.storage.conversations.saveRep({
      ...(installedAt === undefined ? {} : { installedAt }),
      ...(timeZone === undefined ? {} : { timeZone }),
      userId: `aad-${email}`,
      name: `Rep ${email}`,
      email,
      tenantId: 'tenant-1',
      serviceUrl: world.fake.serviceUrl,
      reference: {
        serviceUrl: world.fake.serviceUrl,
        channelId: 'msteams',
        conversation: { id: conversationOf(email), conversationType: 'personal', isGroup: false },
        bot: { id: '28:churn-bot', name: 'Churn Predictor' },
        user: { id: `29:${email}`, name: `Rep ${email}` },
        activityId: 'install-activity',
      },
    });
  }
}

/** Sets the team channel the monthly summary is posted to, on the fake connector. */
export async function setSummaryChannel(world: Pick<WeeklyWorld, 'storage' | 'fake'>): Promise<void> {
  const channel = '19:sales@thread.tacv2';
  const serviceUrl = world.fake.serviceUrl;
  await world.storage.conversations.setSummaryChannel({
    channelId: channel,
    tenantId: 'tenant-1',
    serviceUrl,
    reference: {
      serviceUrl,
      channelId: 'msteams',
      conversation: { id: channel, conversationType: 'channel', isGroup: true },
      bot: { id: '28:churn-bot', name: 'Churn Predictor' },
    },
  });
}

function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** Weekly orders from `from` to `to` (inclusive). */
export function weeklyOrders(customerId: string, from: string, to: string, amount = 300): OrderRow[] {
  return ordersEvery(customerId, from, to, 7, amount);
}

/** An order every `days` days from `from` to `to` (inclusive). */
export function ordersEvery(
  customerId: string,
  from: string,
  to: string,
  days: number,
  amount: number,
): OrderRow[] {
  const rows: OrderRow[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += days * 86_400_000) {
    rows.push({ customerId, date: isoDay(t / 86_400_000), amount });
  }
  return rows;
}

/**
 * A book where each rep has `slipping` customers who stopped ordering weekly in September (at risk
 * on 2026-11-23) and `steady` ones still ordering; ids are `<rep>#s<k>` and `<rep>#ok<k>`.
 */
export function slippingBook(
  reps: readonly string[],
  counts: { slipping: number; steady?: number },
  extra: { customers?: CustomerRow[]; orders?: OrderRow[] } = {},
): Book {
  const customers: CustomerRow[] = [...(extra.customers ?? [])];
  const orders: OrderRow[] = [...(extra.orders ?? [])];
  for (const rep of reps) {
    for (let k = 0; k < counts.slipping; k++) {
      const id = `${rep}#s${k}`;
      customers.push({ id, name: `Slipping ${k} of ${rep}`, owner: rep, monthlyValue: 1000 + 10 * k });
      orders.push(...weeklyOrders(id, '2026-01-05', '2026-09-14'));
    }
    for (let k = 0; k < (counts.steady ?? 1); k++) {
      const id = `${rep}#ok${k}`;
      customers.push({ id, name: `Steady ${k} of ${rep}`, owner: rep, monthlyValue: 900 });
      orders.push(...weeklyOrders(id, '2026-01-05', '2026-11-20'));
    }
  }
  return bookFromRows({ customers, orders });
}

export function repEmails(n: number, domain = 'example.com'): string[] {
  return Array.from({ length: n }, (_, i) => `rep${String(i).padStart(3, '0')}@${domain}`);
}

/** Deps for runWeekly over the world, a fixed book and the default rules (overrides last). */
export function depsFor(
  world: WeeklyWorld,
  book: Book,
  overrides: Partial<WeeklyRunDeps> = {},
): WeeklyRunDeps {
  const rules: Rules = overrides.rules ?? defaultRules();
  const feed: FeedResult = { book, report: { files: [], rowsSkipped: 0 } };
  return {
    storage: world.storage,
    cards: world.cards,
    readBook: async () => feed,
    rules,
    sender: (reference, card, summary) => world.sender.sendCard(reference, card, summary),
    config: { timeZone: TIME_ZONE, weeklySendAt: { weekday: 1, hour: 8, minute: 3 } },
    log: world.log,
    ...overrides,
  };
}

/**
 * The weekly run of SEND_TIME on a feed folder, read with the rules file `rulesFile` as the app
 * reads a feed (each week's book from the folder), with the team's settings `config` over
 * depsFor's; it must complete.
 */
export async function runOnFeedFolder(
  world: WeeklyWorld,
  folder: string,
  rulesFile: string,
  { settings = {}, config = {} }: { settings?: FeedSettings; config?: Partial<WeeklyRunDeps['config']> } = {},
): Promise<WeeklyRunDone> {
  const rules = parseRules(JSON.parse(readFileSync(rulesFile, 'utf8')));
  const readBook = (asOf: string) => readFeed(folder, feedOptionsFrom(rules, asOf, settings));
  const deps = depsFor(world, (await readBook(SEND_TIME.toISOString().slice(0, 10))).book, {
    readBook,
    rules,
  });
  return completed(await runWeekly({ ...deps, config: { ...deps.config, ...config } }, { now: SEND_TIME }));
}

/**
 * `list` as the deployed bot answers it in `world`: the book as exported on the day asked about
 * (`bookOn`), last week's card read from the run ledger, in the team's zone (TIME_ZONE).
 */
export function listsNowIn(
  world: Pick<WeeklyWorld, 'storage'>,
  bookOn: (day: string) => Book,
  clock: () => Date,
  rules: Rules = defaultRules(),
): ReturnType<typeof listsNowFrom> {
  return listsNowFrom(
    async (asOf) => ({ book: bookOn(asOf) }),
    rules,
    clock,
    async () => world.storage.conversations,
    { runs: world.storage.runs, timeZone: TIME_ZONE },
  );
}

/** The "what changed" line of the row named `name` in a weekly card's texts (`all`); '' when it has none. */
export function changeLineOf(all: readonly string[], name: string): string {
  return all.slice(all.indexOf(name)).find((t) => /^(New on|Still on|Back on your|Worse:)/.test(t)) ?? '';
}

/** Each named row's "what changed" line on a card's texts (`all`), by the rows' names (changeLineOf). */
export function changeLinesOf(all: readonly string[], names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, changeLineOf(all, name)]));
}

/** The texts of the first card sent to a rep, as saved for them. */
export async function firstCardTexts(world: WeeklyWorld, email: string): Promise<string[]> {
  const [sent] = world.fake.sentTo(conversationOf(email));
  const saved = await world.cards.get(conversationOf(email), sent.activityId);
  return texts(buildWeeklyCard(saved?.data as WeeklyCardData));
}

/** The report of a run that completed; throws with the report when it did not. */
export function completed(report: WeeklyReport): WeeklyRunDone {
  if (report.status !== 'completed')
    throw new Error(`expected a completed run, got ${JSON.stringify(report)}`);
  return report;
}

/** The tabs over the world's storage, the feed reading as `book`, at the time `clock` says. */
export function tabsOver(
  world: WeeklyWorld,
  book: Book,
  options: Pick<TabServiceDeps, 'clock'> & Partial<TabServiceDeps>,
) {
  return createTabService({
    storage: world.storage,
    cards: world.cards,
    rules: defaultRules(),
    readBook: async () => ({ book, report: { files: [], rowsSkipped: 0 } }),
    timeZone: TIME_ZONE,
    access: { tenantId: 'tenant-1', adminUserIds: [], managerUserIds: [] },
    ...options,
  });
}

/**
 * `actor`'s Won back of `state` (worth `value` a month, as typed) on card `card` at `at` (its UTC day
 * the tap's day), decided and written as a tap's, in the team's zone under the default rules.
 */
export async function wonBackBy(
  world: Pick<WeeklyWorld, 'storage'>,
  state: CustomerState,
  actor: { userId: string; name: string },
  tap: { at: string; card: string; value: string },
): Promise<void> {
  const rules = actionRulesFrom(defaultRules());
  const decision = decideWonBack(
    {
      current: state,
      actor,
      today: tap.at.slice(0, 10),
      timeZone: TIME_ZONE,
      currency: 'USD',
      at: tap.at,
      key: `${tap.card}|${state.customerId}|won_back|1`,
      cardMessageId: tap.card,
    },
    rules,
    tap.value,
  );
  if (!decision.ok) throw new Error(decision.message);
  await commitDecision(world.storage, decision, { rules, timeZone: TIME_ZONE, currency: 'USD', at: tap.at });
}

/** An activity from `account` in their 1:1 chat with the bot, as Teams posts it to the fake connector's bot. */
export function personalActivity(
  world: Pick<WeeklyWorld, 'fake'>,
  account: { id: string; name: string; aadObjectId: string; email: string },
  type: string,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  return {
    type,
    id: `${type}-${Math.random()}`,
    channelId: 'msteams',
    serviceUrl: world.fake.serviceUrl,
    from: { id: account.id, name: account.name, aadObjectId: account.aadObjectId },
    recipient: { id: '28:churn-bot', name: 'Churn Predictor' },
    conversation: { id: conversationOf(account.email), conversationType: 'personal', tenantId: 'tenant-1' },
    channelData: { tenant: { id: 'tenant-1' } },
    ...extra,
  };
}

/** The ledger, but finishing a run row throws: the process died just before it. */
export function dyingAtFinish(runs: WeeklyWorld['storage']['runs']): WeeklyWorld['storage']['runs'] {
  return dyingAt(runs, 'finishRun');
}

/** The ledger, but its `method` throws: the process died when the run came to it. */
export function dyingAt(
  runs: WeeklyWorld['storage']['runs'],
  method: keyof WeeklyWorld['storage']['runs'],
): WeeklyWorld['storage']['runs'] {
  return new Proxy(runs, {
    get(target, name, receiver) {
      if (name === method)
        return async () => {
          throw new Error('injected crash: the process died');
        };
      const value = Reflect.get(target, name, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
