import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBotAdapter } from '../../../bot/adapter';
import { ProactiveSender } from '../../../bot/proactiveSender';
import { REFRESH_BUDGET_MS, REFRESH_RETRY, refreshCardsInChats } from '../../../bot/taps/cardRefresh';
import { type CustomerOutcome, outcomeKey } from '../../../cards/cardModels';
import type { DigestCardData } from '../../../cards/digestCardModels';
import type { Storage } from '../../../storage';
import { saveSentCard, type TableCardStore } from '../../../storage/cardStore';
import { cardOf, FakeTeamsConnector } from '../../fakes/teamsConnector';
import { bookFromRows } from '../../helpers/bookFromRows';
import { listedWeek } from '../../helpers/listedWeek';
import { weeklyData } from '../../helpers/weeklyCardData';
import { MemoryLog } from '../bot/recordingPorts';
import {
  ADMIN,
  ANA,
  ANA_IN_TAB,
  actionStores,
  BEN,
  customer,
  handlerDeps,
  NOW,
  openActionStorage,
  post,
  seed,
  startActionBotHost,
  submitActivity,
  TIME_ZONE,
  tabServiceOn,
  tap,
  textActivity,
} from './actionHarness';
import { buttonData, cardRow } from './cardRows';

// Every card Ana can see tells the same story after a tap anywhere: the weekly card, a `list` card
// and the follow-up digest in her chat, through the real CloudAdapter over HTTP to a fake Teams
// connector that keeps Teams' published rate limits, on Azurite.

const rowan = customer('rowan', { name: 'Rowan Deli', lastContact: '2026-11-16' });
/** A save of $`value` a month by `by` today, as a row shows it. */
const won = (by: string, value: number): CustomerOutcome => ({
  kind: 'won_back',
  by,
  at: '2026-11-24',
  value,
});
const chat = `a:${ANA.userId}`;

const digest: DigestCardData = {
  kind: 'digest',
  runKey: 'daily-2026-11-24',
  rows: [
    {
      customerId: 'rowan',
      name: 'Rowan Deli',
      monthlyValue: 1200,
      reason: { kind: 'no_order', contactOn: '2026-11-16', days: 8 },
    },
  ],
  quietReason: 'went_quiet',
  lossReasons: weeklyData([]).lossReasons,
};

describe('every card of the rep follows a tap', () => {
  let storage: Storage;
  let cards: TableCardStore;
  let teams: FakeTeamsConnector;
  let bot: Awaited<ReturnType<typeof startActionBotHost>>;
  /** Teams' ids of the cards in Ana's chat. */
  let weekly: string;
  let listCard: string;
  let digestCard: string;

  /** Posts a card into a rep's chat (Ana's unless said) on the fake, as the weekly run and `list` do, and keeps its data. */
  async function sendCard(
    data: Parameters<typeof saveSentCard>[3],
    sentAt = NOW,
    to: { userId: string } = ANA,
  ): Promise<string> {
    const inChat = `a:${to.userId}`;
    const response = await fetch(
      `${teams.serviceUrl}v3/conversations/${encodeURIComponent(inChat)}/activities`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', attachments: [{ content: {} }] }),
      },
    );
    const { id } = (await response.json()) as { id: string };
    await saveSentCard(cards, id, to.userId, data, { conversationId: inChat, now: sentAt });
    return id;
  }

  beforeEach(async () => {
    ({ storage, cards } = await openActionStorage('cardsync'));
    teams = await FakeTeamsConnector.start();
    await seed(storage, [rowan], [ANA], teams.serviceUrl);
    weekly = await sendCard(weeklyData([rowan]));
    listCard = await sendCard({ ...weeklyData([rowan]), kind: 'list' });
    digestCard = await sendCard(digest);
    const stores = actionStores(storage, cards);
    bot = await startActionBotHost(storage, handlerDeps(stores));
  });
  afterEach(async () => {
    await bot.host.close();
    await teams.stop();
  });

  const tapOn = async (messageId: string, value: Record<string, unknown>) =>
    expect(
      await post(bot.host.url, submitActivity(teams.serviceUrl, ANA, value, { replyToId: messageId })),
    ).toBe(200);
  /** The card Teams shows now in message `messageId`: its last update, else as sent. */
  const shown = (messageId: string, inChat = chat) => {
    const last = teams.activities
      .filter((a) => a.activityId === messageId && a.conversationId === inChat)
      .at(-1);
    if (!last) throw new Error(`no message ${messageId} in the chat`);
    return cardOf(last);
  };
  const texts = () =>
    teams.activities
      .filter((a) => a.kind === 'send')
      .flatMap((a) => (a.activity.text ? [String(a.activity.text)] : []));

  /** The tab's service over a book of Rowan's (Ana's unless said), bringing the cards in the chats up to date after a save, as the wiring does. */
  function tabRefreshingCards(owner = ANA.email) {
    const adapter = createBotAdapter(
      { appId: '', appPassword: '', appType: 'MultiTenant', tenantId: '' },
      bot.log,
    );
    const sender = new ProactiveSender({ adapter, appId: '', retry: REFRESH_RETRY });
    const refresh = {
      cards,
      audit: storage.audit,
      conversations: storage.conversations,
      listings: storage.listings,
      replace: (
        reference: Record<string, unknown>,
        messageId: string,
        card: Record<string, unknown>,
        deadline: number,
      ) => sender.updateCard(reference, messageId, card, { deadline }),
      access: handlerDeps(actionStores(storage, cards)).access,
      timeZone: TIME_ZONE,
      clock: () => NOW,
      log: bot.log,
    };
    const book = bookFromRows({
      customers: [{ id: 'rowan', name: 'Rowan Deli', owner }],
      orders: [{ customerId: 'rowan', date: '2026-10-01', amount: 500 }],
    });
    return tabServiceOn(storage, cards, book, {
      refreshCards: (userId, customer) => refreshCardsInChats(refresh, userId, customer),
    });
  }

  it('Won back on the digest: the weekly and list cards show it, and their Undo undoes it', async () => {
    await tapOn(weekly, tap.reachedOut('rowan'));
    await tapOn(digestCard, { ...tap.wonBack('rowan', 1500), runKey: digest.runKey });

    for (const id of [weekly, listCard]) {
      const row = cardRow(shown(id), 'Rowan Deli');
      expect(row.texts.join(' ')).toContain('Won back $1,500/month by Ana Ruiz');
      expect(row.buttons).toEqual(['undo']);
    }

    // The Undo on the weekly card undoes the save, and every card shows the call again.
    await tapOn(weekly, tap.undo('rowan'));
    expect(texts().join('\n')).not.toContain('only that one can be undone');
    expect((await storage.state.get('rowan'))?.state.wonBackAt).toBeNull();
    for (const id of [weekly, listCard, digestCard]) {
      const row = cardRow(shown(id), 'Rowan Deli');
      expect(row.texts.join(' ')).toContain('Reached out by Ana Ruiz');
      expect(row.buttons).toEqual(['undo']);
    }
  });

  it('a tap on a list card brings the weekly card up to date', async () => {
    await tapOn(listCard, tap.lost('rowan', 'price'));
    const row = cardRow(shown(weekly), 'Rowan Deli');
    expect(row.texts.join(' ')).toContain('Lost: Price');
    expect(row.buttons).toEqual(['undo']);
  });

  it('a typed undo puts back every card showing the customer', async () => {
    await tapOn(digestCard, { ...tap.wonBack('rowan', 1500), runKey: digest.runKey });
    expect(await post(bot.host.url, textActivity(teams.serviceUrl, ANA, 'undo'))).toBe(200);
    for (const id of [weekly, listCard, digestCard]) {
      expect(cardRow(shown(id), 'Rowan Deli').buttons).toContain('reached_out');
    }
  });

  it('a refresh Teams refuses with 429 loses nothing: the tap is answered and recorded, the refusal logged', async () => {
    // The tap's own card update is request N+1; the first refresh after it meets a long 429.
    teams.injectAtRequest(teams.stats.requests + 2, { status: 429, retryAfterSeconds: 30 });
    const started = Date.now();
    await tapOn(digestCard, { ...tap.wonBack('rowan', 1500), runKey: digest.runKey });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await storage.state.get('rowan'))?.state.recoveredValue).toBe(1500);
    expect(cardRow(shown(digestCard), 'Rowan Deli').buttons).toEqual(['undo']);
    expect(bot.log.lines.some((l) => l.includes('could not be refreshed') && l.includes('429'))).toBe(true);
    // The refused card's stored data is right: a tap on it shows the save.
    const stored = await cards.get(chat, weekly);
    expect(JSON.stringify(stored?.data)).toContain('"won_back"');
  });

  /** Six more `list` cards after the three above, a minute apart: nine cards showing Rowan Deli. */
  async function sendSixListCards(): Promise<string[]> {
    const lists: string[] = [];
    for (let i = 1; i <= 6; i++) {
      const sentAt = new Date(NOW.getTime() + i * 60_000);
      lists.push(await sendCard({ ...weeklyData([rowan]), kind: 'list' }, sentAt));
      // Paced as the bot paces its sends: the fake keeps Teams' 8 requests per 2 seconds in a chat.
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    return lists;
  }

  it('the cards replaced in Teams are the newest sent, on a second tap as on the first', async () => {
    const lists = await sendSixListCards();
    await tapOn(weekly, tap.reachedOut('rowan'));
    await tapOn(weekly, tap.undo('rowan'));
    // The newest card is among the six replaced after the Undo: it no longer shows the undone call.
    const row = cardRow(shown(lists.at(-1) as string), 'Rowan Deli');
    expect(row.buttons).toContain('reached_out');
  });

  it('a typed undo replaces the card the action was tapped on, however many newer cards show the customer', async () => {
    await sendSixListCards();
    await tapOn(weekly, tap.reachedOut('rowan'));
    expect(await post(bot.host.url, textActivity(teams.serviceUrl, ANA, 'undo'))).toBe(200);
    expect(cardRow(shown(weekly), 'Rowan Deli').buttons).toContain('reached_out');
  });

  it('a card store that fails to list the cards loses no answer: the tap is recorded and its card updated', async () => {
    // A read of the chat's cards that fails (a storage outage, a malformed card row of this week):
    // the other cards are left to their next tap, not the rep's answer.
    const failing = Object.assign(Object.create(cards) as TableCardStore, {
      cardsFrom: async () => {
        throw new Error('Card row for message m-broken has a bad part count: x');
      },
    });
    const log = new MemoryLog();
    const other = await startActionBotHost(storage, handlerDeps(actionStores(storage, failing), { log }));
    try {
      const value = { ...tap.wonBack('rowan', 1500), runKey: digest.runKey };
      expect(
        await post(other.host.url, submitActivity(teams.serviceUrl, ANA, value, { replyToId: digestCard })),
      ).toBe(200);
      expect((await storage.state.get('rowan'))?.state.recoveredValue).toBe(1500);
      expect(cardRow(shown(digestCard), 'Rowan Deli').buttons).toEqual(['undo']);
      expect(texts().join('\n')).not.toContain('something went wrong');
      expect(log.lines.some((l) => l.includes('m-broken'))).toBe(true);
    } finally {
      await other.host.close();
    }
  });

  it('a tab save whose refreshes Teams keeps throttling answers within the refresh budget', async () => {
    const tabs = tabRefreshingCards();
    // Every request in Ana's chat is answered 429 with the longest Retry-After a refresh waits for:
    // three cards tried three times each would hold the tab's save for 24 seconds.
    teams.injectForConversation(chat, { status: 429, retryAfterSeconds: 4 });
    const started = Date.now();
    await tabs.act(ANA_IN_TAB, 'rowan', { action: 'lost', reason: 'price' });
    expect(Date.now() - started).toBeLessThan(REFRESH_BUDGET_MS + 1_000);
    expect((await storage.state.get('rowan'))?.state.status).toBe('lost');
    expect(bot.log.lines.some((l) => l.includes('could not be refreshed'))).toBe(true);
  }, 40_000);

  it('a save in the tab brings the cards in the chat up to date', async () => {
    const tabs = tabRefreshingCards();
    await tabs.act(ANA_IN_TAB, 'rowan', { action: 'lost', reason: 'price' });
    for (const id of [weekly, listCard, digestCard]) {
      const row = cardRow(shown(id), 'Rowan Deli');
      expect(row.texts.join(' ')).toContain('Lost: Price');
      expect(row.buttons).toEqual(['undo']);
    }
  });

  it('cards of earlier weeks are left as they were', async () => {
    const old = await sendCard({ ...weeklyData([rowan]), runKey: 'weekly-2026-W47' });
    await tapOn(weekly, tap.reachedOut('rowan'));
    expect(teams.activities.filter((a) => a.kind === 'update' && a.activityId === old)).toEqual([]);
    expect(JSON.stringify((await cards.get(chat, old))?.data)).not.toContain('reached_out"');
  });

  it('an Undo tapped on such a card, when a later action stands, is refused and the card shows that action', async () => {
    const old = await sendCard({ ...weeklyData([rowan]), runKey: 'weekly-2026-W47' });
    await tapOn(old, { ...tap.reachedOut('rowan'), runKey: 'weekly-2026-W47' });
    await tapOn(digestCard, { ...tap.wonBack('rowan', 1500), runKey: digest.runKey });
    await tapOn(old, { ...tap.undo('rowan'), runKey: 'weekly-2026-W47' });
    expect(texts().at(-1)).toContain('only that one can be undone');
    const row = cardRow(shown(old), 'Rowan Deli');
    expect(row.texts.join(' ')).toContain('Won back $1,500/month by Ana Ruiz');
    expect(row.buttons).toEqual(['undo']);
  });
  describe("an admin's or a manager's save on Ana's customer", () => {
    const adminChat = `a:${ADMIN.userId}`;
    const adaInTab = {
      userId: ADMIN.userId,
      name: ADMIN.name,
      email: ADMIN.email,
      tenantId: ANA_IN_TAB.tenantId,
    };
    /** Ada's save on a card: with its Undo in her own chat; in Ana's, who can undo it instead (Ana may not). */
    const wonBackByAda = (id: string, inChat = chat) => {
      const row = cardRow(shown(id, inChat), 'Rowan Deli');
      // The tab's book holds one order of Rowan's: the save reads as an order won back there.
      expect(row.texts.join(' ')).toMatch(/Won back (\$1,500\/month|another \$1,500 order) by Ada Admin/);
      const adas = inChat === adminChat;
      expect(row.buttons).toEqual(adas ? ['undo'] : []);
      expect(row.texts.join(' ').endsWith(' · Ada Admin or an admin can undo')).toBe(!adas);
    };

    it("a tap on a card in her own chat brings Ana's cards up to date without an Undo she cannot use; Ada's typed undo puts them back", async () => {
      // Ada's chat holds a card listing Rowan Deli (a weekly card of a customer she had last week).
      const adasCard = await sendCard(weeklyData([rowan]), NOW, ADMIN);
      const value = tap.wonBack('rowan', 1500);
      expect(
        await post(bot.host.url, submitActivity(teams.serviceUrl, ADMIN, value, { replyToId: adasCard })),
      ).toBe(200);
      expect((await storage.state.get('rowan'))?.state.recoveredValue).toBe(1500);
      wonBackByAda(adasCard, adminChat);
      for (const id of [weekly, listCard, digestCard]) wonBackByAda(id);

      // An Undo Ana forges from the row's data is refused all the same: only Ada or an admin may.
      const forged = tap.undo('rowan', outcomeKey(won(ADMIN.name, 1500)));
      await tapOn(weekly, forged);
      expect(texts().at(-1)).toContain('Only Ada Admin or an admin can undo');
      expect((await storage.state.get('rowan'))?.state.recoveredValue).toBe(1500);
      wonBackByAda(weekly);

      // Ana does not record a second save: her card shows Ada's, not Won back.
      expect(await post(bot.host.url, textActivity(teams.serviceUrl, ADMIN, 'undo'))).toBe(200);
      for (const id of [weekly, listCard, digestCard]) {
        expect(cardRow(shown(id), 'Rowan Deli').buttons).toContain('reached_out');
      }
    });

    it("a save in the tab brings Ana's cards up to date", async () => {
      const tabs = tabRefreshingCards();
      await tabs.act(adaInTab, 'rowan', { action: 'won_back', value: '1500' });
      expect((await storage.state.get('rowan'))?.state.recoveredValue).toBe(1500);
      for (const id of [weekly, listCard, digestCard]) wonBackByAda(id);
    });

    it("Ana's chat throttled by Teams holds up neither the answer nor Ada's own cards", async () => {
      const adasCard = await sendCard(weeklyData([rowan]), NOW, ADMIN);
      const adasOther = await sendCard({ ...weeklyData([rowan]), kind: 'list' }, NOW, ADMIN);
      teams.injectForConversation(chat, { status: 429, retryAfterSeconds: 4 });
      const started = Date.now();
      const value = tap.wonBack('rowan', 1500);
      expect(
        await post(bot.host.url, submitActivity(teams.serviceUrl, ADMIN, value, { replyToId: adasCard })),
      ).toBe(200);
      // Inside the 15 seconds after which Teams delivers the tap again.
      expect(Date.now() - started).toBeLessThan(15_000);
      for (const id of [adasCard, adasOther]) wonBackByAda(id, adminChat);
      expect(bot.log.lines.some((l) => l.includes('could not be refreshed') && l.includes('429'))).toBe(true);
      // Ana's cards Teams refused have their stored data right: a tap on one shows the save.
      for (const id of [weekly, listCard, digestCard])
        expect(JSON.stringify((await cards.get(chat, id))?.data)).toContain('"won_back"');
    }, 30_000);

    it("Ana's Undo on a card Teams did not refresh reverses what it showed, not Ada's save behind it", async () => {
      await tapOn(weekly, tap.reachedOut('rowan'));
      const adasCard = await sendCard(weeklyData([rowan]), NOW, ADMIN);
      // Teams refuses every replacement in Ana's chat during Ada's save (a wait too long to retry in).
      teams.injectForConversation(chat, { status: 429, retryAfterSeconds: 30 }, 3);
      const lost = tap.lost('rowan', 'price');
      expect(
        await post(bot.host.url, submitActivity(teams.serviceUrl, ADMIN, lost, { replyToId: adasCard })),
      ).toBe(200);
      // Ana's weekly card still shows her own call, with its Undo; she taps that Undo.
      expect(cardRow(shown(weekly), 'Rowan Deli').texts.join(' ')).toContain('by Ana Ruiz');
      await tapOn(weekly, buttonData(shown(weekly), 'Rowan Deli', 'undo'));
      // She is told the loss stands now, and her card shows it: not a refusal to undo a loss she never saw.
      expect(texts().at(-1)).toMatch(
        /The latest action on Rowan Deli is "lost" .* by Ada Admin; only that one can be undone\./,
      );
      // Ada's loss is not Ana's to undo: the row says who can, with no Undo to tap.
      const row = cardRow(shown(weekly), 'Rowan Deli');
      expect(row.texts.join(' ')).toContain('Marked by Ada Admin');
      expect(row.texts.join(' ')).toContain(' · Ada Admin or an admin can undo');
      expect(row.buttons).toEqual([]);
      expect((await storage.state.get('rowan'))?.state.status).toBe('lost');
    });

    it("Ada's typed undo brings back the card of her own chat she tapped on, not a card of Ana's under the same id", async () => {
      const adasCard = await sendCard(weeklyData([rowan]), NOW, ADMIN);
      // Teams numbers messages per chat: Ana's card of last week, showing her call then, has the same id.
      const lastWeek = weeklyData([rowan]);
      const call = { kind: 'reached_out' as const, by: ANA.name, at: '2026-11-17' };
      const hers = {
        ...lastWeek,
        runKey: 'weekly-2026-W47',
        customers: [{ ...lastWeek.customers[0], outcome: call }],
      };
      await saveSentCard(cards, adasCard, ANA.userId, hers, { conversationId: chat, now: NOW });
      const value = tap.reachedOut('rowan');
      expect(
        await post(bot.host.url, submitActivity(teams.serviceUrl, ADMIN, value, { replyToId: adasCard })),
      ).toBe(200);
      expect(await post(bot.host.url, textActivity(teams.serviceUrl, ADMIN, 'undo'))).toBe(200);
      expect(texts().at(-1)).toMatch(/^Undone on Rowan Deli/);
      // Ana's card of last week still shows her call: cards of earlier weeks are left as they were.
      const kept = await cards.get(chat, adasCard);
      expect(kept?.data.kind !== 'digest' && kept?.data.customers[0].outcome).toEqual(call);
    });

    it("Ada's cards that cannot be read leave Ana's refreshed", async () => {
      const adasCard = await sendCard(weeklyData([rowan]), NOW, ADMIN);
      // A read of Ada's chat's cards fails (a malformed card row of this week); Ana's reads well.
      const failing = Object.assign(Object.create(cards) as TableCardStore, {
        cardsFrom: async (conversationId: string, from: Parameters<TableCardStore['cardsFrom']>[1]) => {
          if (conversationId === adminChat)
            throw new Error('Card row for message m-broken has a bad part count: x');
          return cards.cardsFrom(conversationId, from);
        },
      });
      const log = new MemoryLog();
      const other = await startActionBotHost(storage, handlerDeps(actionStores(storage, failing), { log }));
      try {
        const value = tap.wonBack('rowan', 1500);
        expect(
          await post(other.host.url, submitActivity(teams.serviceUrl, ADMIN, value, { replyToId: adasCard })),
        ).toBe(200);
        wonBackByAda(adasCard, adminChat);
        for (const id of [weekly, listCard, digestCard]) wonBackByAda(id);
        expect(log.lines.some((l) => l.includes('m-broken'))).toBe(true);
      } finally {
        await other.host.close();
      }
    });
  });

  describe("a customer the feed moved from Ana to Ben after Monday's run", () => {
    const benChat = `a:${BEN.userId}`;
    let bensList: string;

    beforeEach(async () => {
      await seed(storage, [], [BEN], teams.serviceUrl);
      // Monday's run listed Rowan Deli on Ana's card (the weekly card above), and recorded the week.
      await storage.listings.append([
        { customerId: 'rowan', week: listedWeek('weekly-2026-W48', '2026-11-23', ANA.email) },
      ]);
      // A new export on Tuesday names Ben: his `list` takes the row over, as it does for a moved customer.
      await storage.state.update('rowan', (s) =>
        s ? { ...s, owner: BEN.email, surfacedAt: null, listedAt: null, segment: null } : null,
      );
      bensList = await sendCard({ ...weeklyData([rowan]), kind: 'list' }, NOW, BEN);
    });

    /** Ben's save on a card: with its Undo in his chat; in Ana's, who can undo it instead (Rowan Deli is not hers now). */
    const wonBackByBen = (id: string, inChat = chat) => {
      const row = cardRow(shown(id, inChat), 'Rowan Deli');
      expect(row.texts.join(' ')).toMatch(/Won back (\$1,500\/month|another \$1,500 order) by Ben Ortiz/);
      const bens = inChat === benChat;
      expect(row.buttons).toEqual(bens ? ['undo'] : []);
      expect(row.texts.join(' ').endsWith(' · Ben Ortiz or an admin can undo')).toBe(!bens);
    };

    it("Ben's tap brings Ana's cards of this week up to date, once each, as a manager's save does", async () => {
      const value = tap.wonBack('rowan', 1500);
      expect(
        await post(bot.host.url, submitActivity(teams.serviceUrl, BEN, value, { replyToId: bensList })),
      ).toBe(200);
      expect((await storage.state.get('rowan'))?.state.recoveredValue).toBe(1500);
      wonBackByBen(bensList, benChat);
      for (const id of [weekly, listCard, digestCard]) wonBackByBen(id);
      const updates = teams.activities.filter((a) => a.kind === 'update' && a.conversationId === chat);
      expect(updates.map((a) => a.activityId).sort()).toEqual([weekly, listCard, digestCard].sort());

      // Ana's card offers no second save, and no Undo: it is Ben's to make now. One she forges is refused.
      await tapOn(weekly, tap.undo('rowan', outcomeKey(won(BEN.name, 1500))));
      expect(texts().at(-1)).toContain('Rowan Deli is now with Ben Ortiz');
      expect((await storage.state.get('rowan'))?.state.recoveredValue).toBe(1500);
      wonBackByBen(weekly);

      // Ben's Undo on his own card undoes it, and Ana's cards show the customer open again.
      await post(
        bot.host.url,
        submitActivity(teams.serviceUrl, BEN, buttonData(shown(bensList, benChat), 'Rowan Deli', 'undo'), {
          replyToId: bensList,
        }),
      );
      expect((await storage.state.get('rowan'))?.state.recoveredValue).toBeNull();
      for (const id of [weekly, listCard])
        expect(cardRow(shown(id), 'Rowan Deli').buttons).toContain('reached_out');
    });

    it("Ben's save in the tab brings Ana's cards of this week up to date", async () => {
      const tabs = tabRefreshingCards(BEN.email);
      const benInTab = {
        userId: BEN.userId,
        name: BEN.name,
        email: BEN.email,
        tenantId: ANA_IN_TAB.tenantId,
      };
      await tabs.act(benInTab, 'rowan', { action: 'won_back', value: '1500' });
      expect((await storage.state.get('rowan'))?.state.recoveredValue).toBe(1500);
      for (const id of [weekly, listCard, digestCard]) wonBackByBen(id);
    });

    it('a week Ana had them held out puts no card of hers in the refresh: her chat is not read', async () => {
      const anasWeek = await storage.listings.read('rowan');
      expect(anasWeek).toHaveLength(1);
      const reads: string[] = [];
      const counting = Object.assign(Object.create(cards) as TableCardStore, {
        cardsFrom: async (conversationId: string, from: Parameters<TableCardStore['cardsFrom']>[1]) => {
          reads.push(conversationId);
          return cards.cardsFrom(conversationId, from);
        },
      });
      const stores = {
        ...actionStores(storage, counting),
        listings: {
          read: async () => anasWeek.map((w) => ({ ...w, rank: null, page: null, heldOut: true })),
        },
      };
      const other = await startActionBotHost(storage, handlerDeps(stores));
      try {
        const value = tap.wonBack('rowan', 1500);
        expect(
          await post(other.host.url, submitActivity(teams.serviceUrl, BEN, value, { replyToId: bensList })),
        ).toBe(200);
        expect(reads).toEqual([benChat]);
      } finally {
        await other.host.close();
      }
    });

    it("listings that cannot be read leave Ben's tap answered and his own cards refreshed", async () => {
      const log = new MemoryLog();
      const stores = {
        ...actionStores(storage, cards),
        listings: {
          read: async (): Promise<never> => {
            throw new Error('listed weeks are not JSON');
          },
        },
      };
      const bensOther = await sendCard(weeklyData([rowan]), NOW, BEN);
      const other = await startActionBotHost(storage, handlerDeps(stores, { log }));
      try {
        const value = tap.wonBack('rowan', 1500);
        expect(
          await post(other.host.url, submitActivity(teams.serviceUrl, BEN, value, { replyToId: bensList })),
        ).toBe(200);
        for (const id of [bensList, bensOther]) wonBackByBen(id, benChat);
        expect(log.lines.some((l) => l.includes('listed weeks are not JSON'))).toBe(true);
      } finally {
        await other.host.close();
      }
    });
  });
});
