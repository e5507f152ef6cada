import { TZDate } from '@date-fns/tz';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProactiveSender } from '../../../bot/proactiveSender';
import { runMonthlySummary, summaryCardFor } from '../../../jobs';
import { surfacedRowId } from '../../../jobs/weekly/weeklySurfaced';
import { defaultRules } from '../../../rules/rulesSchema';
import type { Storage } from '../../../storage';
import type { TableCardStore } from '../../../storage/cardStore';
import { perRepFigures, texts } from '../../unit/cards/cardWalk';
import {
  ADMIN,
  ANA,
  actionStores,
  BEN,
  customer,
  handlerDeps,
  openActionStorage,
  post,
  saveCard,
  seed,
  startActionBotHost,
  startConnector,
  submitActivity,
  tap,
} from '../taps/actionHarness';

// October's taps driven through the real bot over HTTP (CloudAdapter, the local Functions host,
// Azurite), in two team zones far from UTC, then the 1st's timer ticks posting the summary through
// the real ProactiveSender. Every expected figure is worked out by hand from the taps below.

/** The seven customers, all Ana's and flagged on Monday 5 October: a $100 ... g $700 a month. */
const IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g'] as const;
const states = IDS.map((id, k) =>
  customer(id, { name: `Customer ${id}`, monthlyValue: 100 * (k + 1), surfacedAt: '2026-10-05' }),
);

const zones = [
  { timeZone: 'Pacific/Auckland', currency: 'NZD', locale: 'en-NZ' },
  { timeZone: 'America/Los_Angeles', currency: 'USD', locale: 'en-US' },
];

describe.each(zones)('October in $timeZone, tapped over HTTP, summed up on the 1st', (team) => {
  const { timeZone } = team;
  const money = { currency: team.currency, locale: team.locale };
  /** An instant given as the team's wall-clock time. */
  const local = (y: number, m: number, d: number, h: number, min = 0) =>
    new Date(new TZDate(y, m - 1, d, h, min, 0, timeZone).getTime());
  let storage: Storage;
  let cards: TableCardStore;
  let connector: Awaited<ReturnType<typeof startConnector>>;
  let host: Awaited<ReturnType<typeof startActionBotHost>>;
  let now = new Date(0);
  const at = (instant: Date) => {
    now = instant;
  };
  const tapAs = (user: typeof ANA, value: Record<string, unknown>, card = 'card-1') =>
    post(host.host.url, submitActivity(connector.url, user, value, { replyToId: card }));
  const options = { timeZone, lossReasons: defaultRules().lossReasons, ...money };

  beforeAll(async () => {
    ({ storage, cards } = await openActionStorage('aftertaps', timeZone));
    await seed(storage, states);
    await saveCard(cards, 'card-1', ANA, states);
    connector = await startConnector();
    const stores = actionStores(storage, cards);
    // The clock moves a second per reading, so each tap's rows sort after the one before.
    const clock = () => {
      const reading = now;
      now = new Date(now.getTime() + 1000);
      return reading;
    };
    host = await startActionBotHost(storage, handlerDeps(stores, { clock, timeZone, cardFormat: money }));

    // Monday 5 October, 08:03: the weekly run flagged all seven on Ana's card.
    const monday = local(2026, 10, 5, 8, 3).toISOString();
    for (const s of states)
      await storage.audit.record({
        id: surfacedRowId('weekly-2026-W41', s.customerId),
        action: 'surfaced',
        customerId: s.customerId,
        customerName: s.name,
        owner: ANA.email,
        actorId: 'churn-predictor:weekly',
        actorName: 'Churn Predictor',
        at: monday,
      });

    // g: Ana reaches out on the 5th; the customer is handed to Ben, who wins it back on the 22nd.
    at(local(2026, 10, 5, 10));
    expect(await tapAs(ANA, tap.reachedOut('g'))).toBe(200);
    await storage.state.update('g', (s) => s && { ...s, owner: BEN.email });
    await saveCard(cards, 'card-ben', BEN, [{ ...states[6], owner: BEN.email, lastContact: '2026-10-05' }]);
    // c: Won back, then Undo.
    at(local(2026, 10, 10, 10));
    await tapAs(ANA, tap.wonBack('c'));
    await tapAs(ANA, tap.undo('c'));
    // d: Lost for price, Undo, then Won back.
    at(local(2026, 10, 12, 10));
    await tapAs(ANA, tap.lost('d', 'price'));
    await tapAs(ANA, tap.undo('d'));
    await tapAs(ANA, tap.wonBack('d'));
    // e: Won back with a typed value, the tap delivered twice by Teams.
    at(local(2026, 10, 14, 10));
    const twice = submitActivity(connector.url, ANA, tap.wonBack('e', '1,250.50'));
    expect([await post(host.host.url, twice), await post(host.host.url, twice)]).toEqual([200, 200]);
    // f: the admin reaches out on Ana's customer; Ana's own tap that day changes nothing; Ana marks it lost.
    at(local(2026, 10, 15, 10));
    await tapAs(ADMIN, tap.reachedOut('f'), 'card-ada');
    await tapAs(ANA, tap.reachedOut('f'));
    expect(connector.sent.at(-1)?.body.text).toBe(
      'Customer f was already marked reached out today by Ada Admin. Nothing was changed.',
    );
    at(local(2026, 10, 20, 10));
    await tapAs(ANA, tap.lost('f', 'competitor'));
    at(local(2026, 10, 22, 10));
    expect(await tapAs(BEN, tap.wonBack('g'), 'card-ben')).toBe(200);
    // a: Won back at 23:30 on Saturday 31 October; b: at 00:30 on Sunday 1 November.
    at(local(2026, 10, 31, 23, 30));
    await tapAs(ANA, tap.wonBack('a'));
    at(local(2026, 11, 1, 0, 30));
    await tapAs(ANA, tap.wonBack('b'));
  });
  afterAll(async () => {
    await host?.host.close();
    await connector?.close();
  });

  it('posts one card on the 1st at 09:00, however often the timer ticks, with October counted by hand', async () => {
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '' }));
    const proactive = new ProactiveSender({ adapter, appId: '', retry: { baseDelayMs: 20, maxAttempts: 2 } });
    await storage.conversations.setSummaryChannel({
      channelId: 'team-1',
      tenantId: 'tenant-1',
      serviceUrl: connector.url,
      reference: { channelId: 'msteams', serviceUrl: connector.url, conversation: { id: 'team-1' } },
    });
    const tick = (instant: Date) =>
      runMonthlySummary({
        storage,
        sender: (reference, card, text) => proactive.sendCard(reference, card, text),
        now: instant,
        config: { schedule: { timeZone, hour: 9, minute: 0 }, ...options },
      });
    const statuses = [];
    // 08:45, 09:00, then a rerun of 09:00 (as after a crash) and 09:15.
    for (const instant of [
      local(2026, 11, 1, 8, 45),
      local(2026, 11, 1, 9),
      local(2026, 11, 1, 9),
      local(2026, 11, 1, 9, 15),
    ])
      statuses.push((await tick(instant)).status);
    expect(statuses).toEqual(['not_due', 'delivered', 'already_done', 'already_done']);
    const posts = connector.sent.filter((s) => s.url.startsWith('/v3/conversations/team-1/activities'));
    expect(posts).toHaveLength(1);
    const card = posts[0].body.attachments?.[0]?.content ?? {};

    // By hand. Saves standing: d $400, e $1,250.50 (once), g $700 (Ben's now), a $100 (23:30 on the
    // 31st); c's save and d's loss undone; b's save is November's. Lost: f, to a competitor.
    // Reached out: g by Ana, f by the admin (Ana's second tap that day was refused) = 2 times.
    // Flagged: 7, of whom d, e, g and a were won back after the flag: 4 of 7 = 57%.
    // Days flagged (5 Oct) to saved: 7, 9, 17, 26: median 13. Reached out then won back: g of f, g;
    // g saved 17 days after the reach-out. Per rep (the owner when tapped): Ana's rows and Ben's save.
    const headline =
      'The team won back $2,450.50 of monthly revenue in October from 4 at-risk customers. 1 lost.';
    expect(posts[0].body).toMatchObject({ summary: headline });
    const facts = (card.body as { facts?: { title: string; value: string }[] }[]).find((b) => b.facts)?.facts;
    expect(Object.fromEntries((facts ?? []).map((f) => [f.title, f.value]))).toEqual({
      'Won back': '4 saves',
      'Monthly value recovered': '$2,450.50',
      'Flagged at risk': '7 customers',
      'Reached out': '2 times',
      'Win-back rate': '57% (4 of 7 customers flagged this month won back)',
      'Median days, flagged to won back': '13 (middle of 4 saves)',
      Lost: '1',
      'At risk again after a save': '0',
      'Reached out, then won back': '1 of 2 customers reached out to (50%)',
      'Median days, last reach-out to won back': '17 (1 save)',
      'Undone (not counted)': '2',
    });
    const words = texts(card);
    expect(words.slice(0, 2)).toEqual(['Churn Predictor · October 2026', headline]);
    const json = JSON.stringify(card);
    expect(json).toContain(`"title":"Monthly value won back (${team.currency})"`);
    expect(json).toContain('"legend":"Went to a competitor","value":1');
    // The per-rep figures say which value they give, as the Team tab and the terminal do.
    expect(perRepFigures(card)).toEqual({
      'Ana Ruiz': 'Flagged 7 · Reached out 2 · Won back 3 · Lost 1 · Value won back $1,750.50',
      'Ben Ortiz': 'Flagged 0 · Reached out 0 · Won back 1 · Lost 0 · Value won back $700',
    });
  });

  it("November's card has b's save of 00:30 on the 1st, and nothing of October", async () => {
    const { summary } = await summaryCardFor(storage, '2026-11', options);
    expect(summary.headline).toBe(
      'The team won back $200 of monthly revenue in November from 1 at-risk customer. None lost.',
    );
    expect(summary).toMatchObject({ saves: 1, surfaced: 0, savesOfEarlierFlags: 1, undone: 0 });
  });
});
