import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionHandlerDeps } from '../../../bot/taps/actionHandler';
import {
  HELP_TEXT,
  NOTHING_TO_UNDO,
  SUMMARY_FOR_MANAGERS,
  SUMMARY_NOT_AVAILABLE,
} from '../../../bot/taps/replies';
import { weeklySendText } from '../../../functions/config';
import { listsNowFrom } from '../../../jobs/weekly/weeklyPlan';
import { defaultRules } from '../../../rules/rulesSchema';
import type { Storage } from '../../../storage';
import type { TableCardStore } from '../../../storage/cardStore';
import { weeklyRows } from '../../helpers/weeklyCardData';
import { ofType, texts } from '../../unit/cards/cardWalk';
import { slipBook } from '../../unit/weekly/scoredFixture';
import {
  ADMIN,
  ANA,
  actionStores,
  adminSlipping,
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
  TENANT,
  TIME_ZONE,
  tap,
  textActivity,
} from './actionHarness';
import { cardRow } from './cardRows';

// Text commands in the 1:1 chat, through the real CloudAdapter over HTTP, on Azurite.

const states = [
  customer('cust-1', { name: 'Greenfield Cafe', monthlyValue: 1200, score: 70 }),
  customer('cust-2', { name: 'Blue Door Bakery', monthlyValue: 2500, score: 60 }),
  customer('cust-3', { name: 'Paused Pantry', lastContact: '2026-11-20' }),
  customer('cust-4', { name: 'Lost Larder', status: 'lost', lostReason: 'price', lostAt: '2026-11-01' }),
  customer('cust-5', { name: 'Steady Store', band: 'steady', score: 10 }),
  customer('cust-6', { name: 'Harbour Deli', owner: BEN.email }),
];

// The order feed behind `list`: weekly orders that stopped in mid-September for the slipping ones.
const book = slipBook([
  { id: 'cust-1', name: 'Greenfield Cafe', owner: ANA.email, monthlyValue: 1200, slip: true },
  { id: 'cust-2', name: 'Blue Door Bakery', owner: ANA.email, monthlyValue: 2500, slip: true },
  { id: 'cust-3', name: 'Paused Pantry', owner: ANA.email, monthlyValue: 9000, slip: true },
  { id: 'cust-4', name: 'Lost Larder', owner: ANA.email, monthlyValue: 9000, slip: true },
  { id: 'cust-5', name: 'Steady Store', owner: ANA.email, monthlyValue: 9000, slip: false },
  { id: 'cust-6', name: 'Harbour Deli', owner: BEN.email, monthlyValue: 800, slip: false },
  ...adminSlipping(),
]);
const listsNow = listsNowFrom(async () => ({ book }), defaultRules());

describe('text commands', () => {
  let storage: Storage;
  let cards: TableCardStore;
  let connector: Awaited<ReturnType<typeof startConnector>>;
  let host: Awaited<ReturnType<typeof startActionBotHost>>;

  async function start(overrides: Partial<ActionHandlerDeps> = {}): Promise<void> {
    const stores = actionStores(storage, cards);
    host = await startActionBotHost(storage, handlerDeps(stores, { listsNow, ...overrides }));
  }
  const say = (text: string, user = ANA) => post(host.host.url, textActivity(connector.url, user, text));
  const replies = () => connector.sent.filter((s) => s.method === 'POST');
  const lastReply = () => replies().at(-1)?.body;
  /** Ana reaches out to Greenfield Cafe, then Ada (an admin) marks it lost from her own card. */
  async function anaReachesOutThenAdaMarksLost(): Promise<void> {
    await post(host.host.url, submitActivity(connector.url, ANA, tap.reachedOut('cust-1')));
    await saveCard(cards, 'card-admin', { userId: 'aad-admin' }, states.slice(0, 1));
    await post(
      host.host.url,
      submitActivity(
        connector.url,
        { userId: 'aad-admin', name: 'Ada Admin', channelId: '29:ada' },
        tap.lost('cust-1', 'other'),
        { replyToId: 'card-admin' },
      ),
    );
  }

  beforeEach(async () => {
    ({ storage, cards } = await openActionStorage('cmd'));
    await seed(storage, states);
    await saveCard(cards, 'card-1', ANA, states.slice(0, 2));
    connector = await startConnector();
    await start();
  });
  afterEach(async () => {
    await host.host.close();
    await connector.close();
  });

  it('help lists the commands; an unknown text names what was not understood', async () => {
    await say('help');
    expect(lastReply()?.text).toBe(HELP_TEXT);
    // What the list holds, in README's words: its three kinds, not "slipping" alone.
    expect(lastReply()?.text?.split('\n')[0]).toBe(
      'Every week I send you a list of the customers worth a call, each slipping (late against their own rhythm, or fading), not back yet (new, past the usual time to a second order) or lapsed (gone well past their rhythm). In this chat you can type:',
    );
    await say('please delete everything');
    expect(lastReply()?.text).toBe(`I did not get "please delete everything".\n\n${HELP_TEXT}`);
  });

  it('help says when the weekly list comes: at 08:03 in the zone the rep’s client sends, or the team’s before it is known', async () => {
    await host.host.close();
    // As the deployed bot words it, for a Chicago team sending on Mondays at 08:03.
    await start({
      weeklySendText: (rep) =>
        weeklySendText({ timeZone: TIME_ZONE, weeklySendAt: { weekday: 1, hour: 8, minute: 3 } }, rep),
    });
    await say('help');
    expect(lastReply()?.text).toBe(`${HELP_TEXT}\n\nYour list comes on Mondays at 08:03 (America/Chicago).`);
    await post(host.host.url, {
      ...textActivity(connector.url, ANA, 'help'),
      localTimezone: 'America/Denver',
    });
    expect(lastReply()?.text).toBe(
      `${HELP_TEXT}\n\nYour list comes on Mondays at 08:03 your time (America/Denver).`,
    );
    // Ahead of the team, her card comes at the team's time: help says that time, not "08:03 your time".
    await post(host.host.url, {
      ...textActivity(connector.url, ANA, 'help'),
      localTimezone: 'America/New_York',
    });
    expect(lastReply()?.text).toBe(`${HELP_TEXT}\n\nYour list comes on Mondays at 08:03 (America/Chicago).`);
  });

  it('list: my customers slipping now, scored from the feed through today’s gates, ranked by value at risk', async () => {
    await say('list');
    const card = lastReply()?.attachments?.[0]?.content;
    const shown = texts(card);
    expect(shown[0]).toBe('Your list now · 2 slipping');
    expect(shown.indexOf('Blue Door Bakery')).toBeGreaterThan(-1);
    expect(shown.indexOf('Blue Door Bakery')).toBeLessThan(shown.indexOf('Greenfield Cafe'));
    for (const hidden of ['Paused Pantry', 'Lost Larder', 'Steady Store', 'Harbour Deli']) {
      expect(shown).not.toContain(hidden);
    }
  });

  it('list scores now before the first weekly run, and its card updates in place after a tap, with Undo', async () => {
    // No weekly run yet: no state rows at all.
    ({ storage, cards } = await openActionStorage('first'));
    await seed(storage, []);
    await host.host.close();
    await start();
    await say('list');
    const sent = replies().at(-1);
    expect(texts(sent?.body.attachments?.[0]?.content)).toContain('Greenfield Cafe');
    // The card was saved under the id Teams gave the message, and the row has a state to act on.
    const messageId = `reply-${connector.sent.length}`;
    expect((await cards.get(`a:${ANA.userId}`, messageId))?.data.kind).toBe('list');
    await post(
      host.host.url,
      submitActivity(connector.url, ANA, tap.reachedOut('cust-1'), { replyToId: messageId }),
    );
    const update = connector.sent.at(-1);
    expect(update?.method).toBe('PUT');
    const updated = update?.body.attachments?.[0]?.content;
    expect(texts(updated)).toContain(`Reached out by Ana Ruiz, Tue 24 Nov`);
    expect(ofType(updated, 'Action.Submit').map((a) => a.title)).toContain('Undo');
    // Asked again, the customer stays on the list with the outcome, not gone.
    await say('list');
    expect(texts(lastReply()?.attachments?.[0]?.content)).toContain('Reached out by Ana Ruiz, Tue 24 Nov');
  });

  it('Undo on a list card undoes the action taken on the weekly card that it shows', async () => {
    await post(host.host.url, submitActivity(connector.url, ANA, tap.wonBack('cust-1', '750')));
    await say('list');
    const listId = `reply-${connector.sent.length}`;
    const listed = lastReply()?.attachments?.[0]?.content;
    expect(texts(listed)).toContain('Won back $750/month by Ana Ruiz, Tue 24 Nov');
    await post(host.host.url, submitActivity(connector.url, ANA, tap.undo('cust-1'), { replyToId: listId }));
    const update = connector.sent.at(-1);
    expect(update?.method).toBe('PUT');
    expect(texts(update?.body.attachments?.[0]?.content)).not.toContain(
      'Won back $750/month by Ana Ruiz, Tue 24 Nov',
    );
    expect((await storage.audit.latestForCustomer('cust-1', { limit: 5 })).map((r) => r.action)).toEqual([
      'undo',
      'won_back',
    ]);
    expect((await storage.state.get('cust-1'))?.state).toEqual(states[0]);
    // The weekly card's data no longer shows the save either.
    const weekly = await cards.get(`a:${ANA.userId}`, 'card-1');
    expect(weekly?.data.kind === 'digest' ? null : weekly?.data.customers[0].outcome).toBeNull();
  });

  it('Undo tapped on a list card puts the weekly card the action was tapped on back as it was, as a typed undo does', async () => {
    await post(host.host.url, submitActivity(connector.url, ANA, tap.lost('cust-2', 'price', '', 1)));
    await say('list');
    const listId = `reply-${connector.sent.length}`;
    const listed = connector.sent.length;
    await post(host.host.url, submitActivity(connector.url, ANA, tap.undo('cust-2'), { replyToId: listId }));
    const updates = connector.sent.slice(listed).filter((s) => s.method === 'PUT');
    // The list card tapped, and the weekly card above it, which would otherwise still say "Lost" with an Undo button.
    expect(updates.map((s) => s.url)).toEqual([
      `/v3/conversations/a%3A${ANA.userId}/activities/${listId}`,
      `/v3/conversations/a%3A${ANA.userId}/activities/card-1`,
    ]);
    const weekly = updates[1].body.attachments?.[0]?.content;
    expect(cardRow(weekly, 'Blue Door Bakery').buttons).toEqual(['reached_out', 'Won back', 'Lost']);
  });

  it('pages: the footer button and `list 2` show the next customers', async () => {
    await say('list', ADMIN);
    const first = lastReply()?.attachments?.[0]?.content;
    expect(texts(first)[0]).toBe('Your list now · 12 slipping; the first 10 shown');
    const button = ofType(first, 'Action.Submit').find((a) => a.title === 'Show the next 2');
    // The next page goes on after the card's last customer.
    const lastRow = ofType(first, 'Action.Submit')
      .map((a) => a.data as { action?: string; customerId?: string })
      .filter((d) => d.action === 'reached_out')
      .at(-1)?.customerId;
    expect(button?.data).toEqual({
      action: 'list_page',
      page: 2,
      start: 10,
      after: lastRow,
      runKey: 'weekly-2026-W48',
      v: 1,
    });
    await post(
      host.host.url,
      submitActivity(connector.url, ADMIN, button?.data as Record<string, unknown>, { replyToId: 'x' }),
    );
    const second = texts(lastReply()?.attachments?.[0]?.content);
    expect(second[0]).toBe('Your list now · 12 slipping; page 2 of 2');
    expect(second).toContain('Many 0');
    expect(second).not.toContain('Many 11');
    await say('list 2', ADMIN);
    expect(texts(lastReply()?.attachments?.[0]?.content)).toEqual(second);
    // The page after the last is none: said so, not an empty card.
    await say('list 3', ADMIN);
    expect(lastReply()?.text).toBe(
      'Your list has 2 pages (12 customers), so there is no page 3: type **list** for the first.',
    );
  });

  it('list says so plainly when nobody is listed, what a list holds, and that it scored just now', async () => {
    await say('list', BEN);
    expect(lastReply()?.text).toBe(
      'Nobody on your list right now: no customer worth a call (slipping, not back yet or lapsed). I scored your customers from the order feed just now.',
    );
  });

  it("list past the last page counts in the cards' locale: a German rep reads 1.005 customers, not 1005", async () => {
    await host.host.close();
    // Ben's 1,005 slipping customers, and Ana's steady ones keeping the feed current.
    const many = slipBook([
      ...Array.from({ length: 1005 }, (_, k) => ({
        id: `de-${k}`,
        name: `Kunde ${k}`,
        owner: BEN.email,
        monthlyValue: 100 + k,
        slip: true,
      })),
      ...Array.from({ length: 20 }, (_, k) => ({
        id: `ok-${k}`,
        name: `Stammkunde ${k}`,
        owner: ANA.email,
        monthlyValue: 500,
        slip: false,
      })),
    ]);
    await start({
      listsNow: listsNowFrom(async () => ({ book: many }), defaultRules()),
      cardFormat: { currency: 'EUR', locale: 'de-DE' },
    });
    await say('list 999', BEN);
    expect(lastReply()?.text).toBe(
      'Your list has 101 pages (1.005 customers), so there is no page 999: type **list** for the first.',
    );
  });

  it('list to a rep who owns no customer in the feed says so, never "nobody is slipping"', async () => {
    await host.host.close();
    // The feed names Ben nowhere (his customer's owner column holds another address).
    const withoutBen = slipBook([
      { id: 'cust-1', name: 'Greenfield Cafe', owner: ANA.email, monthlyValue: 1200, slip: true },
      { id: 'cust-6', name: 'Harbour Deli', owner: 'b.ortiz@demo.example', monthlyValue: 800, slip: false },
    ]);
    await start({ listsNow: listsNowFrom(async () => ({ book: withoutBen }), defaultRules()) });
    await say('list', BEN);
    expect(lastReply()?.text).toBe(
      'No customer in the order feed has you (ben@demo.example) as their owner, so you have no list. If some are yours, ask an admin to check the owner column of the customers export.',
    );
  });

  it('list without a feed to score says so and when the weekly list comes, never "nobody is slipping"', async () => {
    await host.host.close();
    await start({ listsNow: undefined, weeklySendText: () => 'Mondays at 08:03 (America/Chicago)' });
    await say('list');
    expect(lastReply()?.text).toBe(
      'I cannot read the order feed from here, so I cannot score your list now. Your list comes on Mondays at 08:03 (America/Chicago).',
    );
  });

  it('list on a feed that stopped weeks ago says so, and shows no list where everyone would look late', async () => {
    await host.host.close();
    // Every order of this book is from mid-September: two months without one in a weekly book.
    const stopped = slipBook(
      Array.from({ length: 12 }, (_, k) => ({
        id: `cust-${k}`,
        name: `Cafe ${k}`,
        owner: ANA.email,
        slip: true,
      })),
    );
    await start({ listsNow: listsNowFrom(async () => ({ book: stopped }), defaultRules()) });
    await say('list');
    expect(lastReply()?.attachments ?? []).toEqual([]);
    expect(lastReply()?.text).toBe(
      'The order feed looks out of date: its newest order is from Mon 14 Sep, 71 days ago, and your book never went more than 7 days without one in the year before. ' +
        'Scored now, every customer would look late, so there is no list until the feed is updated. The weekly run stops on it too and tells your admins.',
    );
  });

  it('undo: my last action, even from the chat; the stored card data forgets its outcome', async () => {
    await post(host.host.url, submitActivity(connector.url, ANA, tap.reachedOut('cust-1')));
    await post(host.host.url, submitActivity(connector.url, ANA, tap.lost('cust-2', 'price', '', 1)));
    await say('undo');
    expect(lastReply()?.text).toBe(
      `Undone on Blue Door Bakery: "lost" on Tue 24 Nov. It is back as it was before.`,
    );
    expect((await storage.state.get('cust-2'))?.state).toEqual(states[1]);
    expect(weeklyRows(await cards.get(`a:${ANA.userId}`, 'card-1'))[1].outcome ?? null).toBeNull();
    await say('undo');
    expect((await storage.state.get('cust-1'))?.state).toEqual(states[0]);
    await say('undo');
    expect(lastReply()?.text).toBe(NOTHING_TO_UNDO);
  });

  it('undo typed in the chat puts the card the action was tapped on back as it was: the buttons, not the outcome', async () => {
    await post(host.host.url, submitActivity(connector.url, ANA, tap.lost('cust-2', 'price', '', 1)));
    const tapped = connector.sent.length;
    await say('undo');
    // The reply says it is undone: the card above it must not still say "Lost" with an Undo button.
    const updates = connector.sent.slice(tapped).filter((s) => s.method === 'PUT');
    expect(updates.map((s) => s.url)).toEqual([`/v3/conversations/a%3A${ANA.userId}/activities/card-1`]);
    const card = updates[0].body.attachments?.[0]?.content;
    expect(cardRow(card, 'Blue Door Bakery').buttons).toEqual(['reached_out', 'Won back', 'Lost']);
    expect(lastReply()?.text).toBe(
      `Undone on Blue Door Bakery: "lost" on Tue 24 Nov. It is back as it was before.`,
    );
  });

  it('undo refuses when someone acted on the customer after me', async () => {
    await anaReachesOutThenAdaMarksLost();
    await say('undo');
    expect(lastReply()?.text).toBe(
      `Your last action, "reached out" on Tue 24 Nov on Greenfield Cafe, can no longer be undone: since then Ada Admin recorded "lost" on Tue 24 Nov. Nothing was changed.`,
    );
    expect((await storage.state.get('cust-1'))?.state.status).toBe('lost');
  });

  it('undo refused in a German team ends its sentence once after the German date ("24. Nov.", not "24. Nov..")', async () => {
    await host.host.close();
    await start({ cardFormat: { currency: 'EUR', locale: 'de-DE' } });
    await anaReachesOutThenAdaMarksLost();
    await say('undo');
    expect(lastReply()?.text).toBe(
      `Your last action, "reached out" on Di., 24. Nov. on Greenfield Cafe, can no longer be undone: since then Ada Admin recorded "lost" on Di., 24. Nov. Nothing was changed.`,
    );
  });

  it('undo in a German team ends its sentence once after the German date', async () => {
    await host.host.close();
    await start({ cardFormat: { currency: 'EUR', locale: 'de-DE' } });
    await post(host.host.url, submitActivity(connector.url, ANA, tap.reachedOut('cust-1')));
    await say('undo');
    expect(lastReply()?.text).toBe(
      'Undone on Greenfield Cafe: "reached out" on Di., 24. Nov. It is back as it was before.',
    );
  });

  it('summary: not available until wired; then last month’s card from the injected builder', async () => {
    await say('summary', ADMIN);
    expect(lastReply()?.text).toBe(SUMMARY_NOT_AVAILABLE);
    const asked: string[] = [];
    await host.host.close();
    await start({
      summaryCard: async (month) => {
        asked.push(month);
        return month === '2026-10'
          ? { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'October' }] }
          : null;
      },
    });
    await say('summary', ADMIN);
    expect(asked).toEqual(['2026-10']);
    expect(texts(lastReply()?.attachments?.[0]?.content)).toEqual(['October']);
  });

  it('summary: the team’s figures go to managers and admins only, as on the tabs', async () => {
    const asked: string[] = [];
    await host.host.close();
    await start({
      access: { tenantId: TENANT, adminUserIds: [ADMIN.userId], managerUserIds: [BEN.userId] },
      summaryCard: async (month) => {
        asked.push(month);
        return { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'October' }] };
      },
    });
    await say('summary', ANA);
    expect(lastReply()?.text).toBe(SUMMARY_FOR_MANAGERS);
    expect(lastReply()?.attachments ?? []).toEqual([]);
    expect(asked).toEqual([]);
    await say('summary', BEN);
    expect(texts(lastReply()?.attachments?.[0]?.content)).toEqual(['October']);
    await say('summary', ADMIN);
    expect(texts(lastReply()?.attachments?.[0]?.content)).toEqual(['October']);
  });
});
