import { TZDate } from '@date-fns/tz';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMonthlySummary, summaryCardFor } from '../../../jobs';
import { surfacedRowId } from '../../../jobs/weekly/weeklySurfaced';
import { defaultRules } from '../../../rules/rulesSchema';
import type { Storage } from '../../../storage';
import { saveSentCard, type TableCardStore } from '../../../storage/cardStore';
import { bookFromRows } from '../../helpers/bookFromRows';
import { weeklyData } from '../../helpers/weeklyCardData';
import { perRepFigures } from '../../unit/cards/cardWalk';
import {
  ADMIN,
  ANA,
  actionStores,
  BEN,
  customer,
  handlerDeps,
  openActionStorage,
  post,
  seed,
  startActionBotHost,
  startConnector,
  submitActivity,
  TENANT,
  tabServiceOn,
  tap,
} from '../taps/actionHarness';
import { weeklyOrders } from '../weekly/weeklyWorld';

// A rep changes their mind: Won back, Undo, Won back again with another amount; Lost, Undo, Won back.
// Tapped over HTTP through the real bot in the team's currency, then summed up by the 1st's run:
// each customer is one save, at the amount standing, in the team's currency. A dinar has three
// decimals and a yen none, so the amounts typed are ones only that currency writes.
const teams = [
  {
    timeZone: 'Europe/Berlin',
    currency: 'EUR',
    locale: 'de-DE',
    value: 1000,
    first: '1.234,56',
    second: '2.500,75',
    headline:
      'The team won back 3.500,75\u00a0€ of monthly revenue in Oktober from 2 at-risk customers. None lost.',
    ana: 'Flagged 2 · Reached out 0 · Won back 2 · Lost 0 · Value won back 3.500,75\u00a0€',
  },
  {
    timeZone: 'Asia/Tokyo',
    currency: 'JPY',
    locale: 'en-US',
    value: 5000,
    first: '12,345',
    second: '23,456',
    headline: 'The team won back ¥28,456 of monthly revenue in October from 2 at-risk customers. None lost.',
    ana: 'Flagged 2 · Reached out 0 · Won back 2 · Lost 0 · Value won back ¥28,456',
  },
  {
    timeZone: 'Asia/Kuwait',
    currency: 'KWD',
    locale: 'en-GB',
    value: 2,
    first: '1.125',
    second: '2.250',
    headline:
      'The team won back KWD\u00a04.250 of monthly revenue in October from 2 at-risk customers. None lost.',
    ana: 'Flagged 2 · Reached out 0 · Won back 2 · Lost 0 · Value won back KWD\u00a04.250',
  },
];

describe.each(teams)('a save redone after an Undo, in $currency ($locale)', (team) => {
  const { timeZone } = team;
  const money = { currency: team.currency, locale: team.locale };
  const local = (d: number, h: number) => new Date(new TZDate(2026, 9, d, h, 0, 0, timeZone).getTime());
  const states = ['a', 'b'].map((id) =>
    customer(id, { name: `Customer ${id}`, monthlyValue: team.value, surfacedAt: '2026-10-05' }),
  );
  let storage: Storage;
  let cards: TableCardStore;
  let connector: Awaited<ReturnType<typeof startConnector>>;
  let host: Awaited<ReturnType<typeof startActionBotHost>>;
  let now = new Date(0);
  const tapAs = async (value: Record<string, unknown>) => {
    const before = connector.sent.length;
    expect(await post(host.host.url, submitActivity(connector.url, ANA, value))).toBe(200);
    // Each tap updates the card in place; a reply in the chat would be a refusal or an error.
    return connector.sent
      .slice(before)
      .map((s) => s.body.text ?? '')
      .filter((t) => t !== '');
  };

  beforeAll(async () => {
    ({ storage, cards } = await openActionStorage('redone', timeZone));
    await seed(storage, states);
    await saveSentCard(
      cards,
      'card-1',
      ANA.userId,
      { ...weeklyData(states), ...money },
      {
        conversationId: `a:${ANA.userId}`,
      },
    );
    connector = await startConnector();
    const stores = actionStores(storage, cards);
    const clock = () => {
      const reading = now;
      now = new Date(now.getTime() + 1000);
      return reading;
    };
    host = await startActionBotHost(storage, handlerDeps(stores, { clock, timeZone, cardFormat: money }));
    for (const s of states)
      await storage.audit.record({
        id: surfacedRowId('weekly-2026-W41', s.customerId),
        action: 'surfaced',
        customerId: s.customerId,
        customerName: s.name,
        owner: ANA.email,
        actorId: 'churn-predictor:weekly',
        actorName: 'Churn Predictor',
        at: local(5, 8).toISOString(),
      });
  });
  afterAll(async () => {
    await host?.host.close();
    await connector?.close();
  });

  it('counts each customer once, at the amount standing, and no tap is refused', async () => {
    now = local(10, 10);
    expect(await tapAs(tap.wonBack('a', team.first))).toEqual([]);
    expect(await tapAs(tap.undo('a'))).toEqual([]);
    expect(await tapAs(tap.wonBack('a', team.second))).toEqual([]);
    now = local(12, 10);
    expect(await tapAs(tap.lost('b', 'price'))).toEqual([]);
    expect(await tapAs(tap.undo('b'))).toEqual([]);
    expect(await tapAs(tap.wonBack('b'))).toEqual([]);

    await storage.conversations.setSummaryChannel({
      channelId: 'team-1',
      tenantId: 'tenant-1',
      serviceUrl: connector.url,
      reference: { channelId: 'msteams', serviceUrl: connector.url, conversation: { id: 'team-1' } },
    });
    const posted: { card: Record<string, unknown>; text: string }[] = [];
    const report = await runMonthlySummary({
      storage,
      sender: async (_reference, card, text) => {
        posted.push({ card, text });
        return { status: 'delivered', activityId: 'post-1' };
      },
      now: new Date(new TZDate(2026, 10, 1, 9, 0, 0, timeZone).getTime()),
      config: {
        schedule: { timeZone, hour: 9, minute: 0 },
        timeZone,
        lossReasons: defaultRules().lossReasons,
        ...money,
      },
    });
    expect(report).toMatchObject({ status: 'delivered', month: '2026-10', headline: team.headline });
    expect(perRepFigures(posted[0].card)).toEqual({ 'Ana Ruiz': team.ana });
  });
});

// A save undone long after its month (the card's Undo has no time limit): the month's figures, read
// again later (the Team tab, `churn-predictor summary --month`), no longer count it.
describe('a save undone two months later', () => {
  const timeZone = 'America/Chicago';
  const local = (month: number, day: number) =>
    new Date(new TZDate(2026, month - 1, day, 10, 0, 0, timeZone).getTime());
  const states = [customer('a', { name: 'Customer a', monthlyValue: 1000, surfacedAt: '2026-10-05' })];

  it("is out of October's summary once undone in December", async () => {
    const { storage, cards } = await openActionStorage('lateundo', timeZone);
    await seed(storage, states);
    await saveSentCard(cards, 'card-1', ANA.userId, weeklyData(states), {
      conversationId: `a:${ANA.userId}`,
    });
    const connector = await startConnector();
    let now = local(10, 10);
    const stores = actionStores(storage, cards);
    const host = await startActionBotHost(storage, handlerDeps(stores, { clock: () => now, timeZone }));
    try {
      const options = { timeZone, lossReasons: defaultRules().lossReasons };
      expect(await post(host.host.url, submitActivity(connector.url, ANA, tap.wonBack('a')))).toBe(200);
      expect((await summaryCardFor(storage, '2026-10', options)).summary).toMatchObject({
        saves: 1,
        recoveredValue: 1000,
      });
      now = local(12, 15);
      expect(await post(host.host.url, submitActivity(connector.url, ANA, tap.undo('a')))).toBe(200);
      expect((await storage.state.get('a'))?.state.wonBackAt).toBeNull();
      const { summary } = await summaryCardFor(storage, '2026-10', options);
      expect(summary).toMatchObject({ saves: 0, recoveredValue: 0, undone: 1 });
      expect(summary.headline).not.toContain('$1,000');

      // The Team tab, on the 20th: October as the month picked, and as one of December's six.
      const book = bookFromRows({
        customers: [{ id: 'a', name: 'Customer a', owner: ANA.email, monthlyValue: 1000 }],
        orders: weeklyOrders('a', '2026-01-05', '2026-12-14'),
      });
      const tabs = tabServiceOn(storage, cards, book, { timeZone, clock: () => local(12, 20) });
      const admin = { userId: ADMIN.userId, name: ADMIN.name, email: ADMIN.email, tenantId: TENANT };
      for (const shown of ['2026-10', '2026-12']) {
        const team = await tabs.team(admin, { rep: null, month: shown });
        expect(team.monthly.find((m) => m.month === '2026-10')).toMatchObject({ saves: 0, valueWonBack: 0 });
      }
    } finally {
      await host.host.close();
      await connector.close();
    }
  });
});

// Ana saved two customers in October; both were handed to Ben, who found the saves were not real and
// undid them (the owner now may undo what the previous owner did): one in October, one in November.
// Ana's October on the Team tab, as she or a manager reads it, no longer counts them.
describe('saves undone by the rep the customers were handed to', () => {
  const timeZone = 'America/Chicago';
  const local = (month: number, day: number) =>
    new Date(new TZDate(2026, month - 1, day, 10, 0, 0, timeZone).getTime()).toISOString();

  it("are out of the saver's month on the Team tab", async () => {
    const { storage, cards } = await openActionStorage('handedundo', timeZone);
    const states = ['a', 'b'].map((id) =>
      customer(id, { monthlyValue: 1000, surfacedAt: '2026-10-05', owner: BEN.email }),
    );
    await seed(storage, states);
    const row = (s: (typeof states)[number]) => ({ customerId: s.customerId, customerName: s.name });
    for (const [k, s] of states.entries()) {
      await storage.audit.record({
        ...row(s),
        id: surfacedRowId('weekly-2026-W41', s.customerId),
        action: 'surfaced',
        owner: ANA.email,
        actorId: 'churn-predictor:weekly',
        actorName: 'Churn Predictor',
        at: local(10, 5),
      });
      await storage.audit.record({
        ...row(s),
        id: `save-${s.customerId}`,
        action: 'won_back',
        owner: ANA.email,
        actorId: ANA.userId,
        actorName: ANA.name,
        at: local(10, 10),
        value: 1000,
        snapshot: { ...s, owner: ANA.email },
      });
      await storage.audit.record({
        ...row(s),
        id: `undo-${s.customerId}`,
        action: 'undo',
        undoes: `save-${s.customerId}`,
        owner: BEN.email,
        actorId: BEN.userId,
        actorName: BEN.name,
        at: k === 0 ? local(10, 20) : local(11, 3),
        snapshot: s,
      });
    }
    const book = bookFromRows({
      customers: states.map((s) => ({
        id: s.customerId,
        name: s.name,
        owner: BEN.email,
        monthlyValue: 1000,
      })),
      orders: states.flatMap((s) => weeklyOrders(s.customerId, '2026-01-05', '2026-11-16')),
    });
    const tabs = tabServiceOn(storage, cards, book, { timeZone, clock: () => new Date(local(11, 20)) });
    const admin = { userId: ADMIN.userId, name: ADMIN.name, email: ADMIN.email, tenantId: TENANT };
    const ana = { userId: ANA.userId, name: ANA.name, email: ANA.email, tenantId: TENANT };
    for (const [user, rep] of [
      [admin, null],
      [admin, ANA.email],
      [ana, null],
    ] as const) {
      const team = await tabs.team(user, { rep, month: '2026-10' });
      expect(team.monthly.find((m) => m.month === '2026-10')).toMatchObject({ saves: 0, valueWonBack: 0 });
    }
  });
});
