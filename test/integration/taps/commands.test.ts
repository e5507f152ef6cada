import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionHandlerDeps } from '../../../bot/taps/actionHandler';
import { HELP_TEXT, NOTHING_TO_UNDO, SUMMARY_NOT_AVAILABLE } from '../../../bot/taps/replies';
import type { Storage } from '../../../storage';
import type { TableCardStore } from '../../../storage/cardStore';
import { texts } from '../../unit/cards/cardWalk';
import {
  ANA,
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
  TODAY,
  tap,
  textActivity,
} from './actionHarness';

// Text commands in the 1:1 chat, through the real CloudAdapter over HTTP, on Azurite.

const states = [
  customer('cust-1', { name: 'Greenfield Cafe', monthlyValue: 1200, score: 70 }),
  customer('cust-2', { name: 'Blue Door Bakery', monthlyValue: 2500, score: 60 }),
  customer('cust-3', { name: 'Paused Pantry', lastContact: '2026-11-20' }),
  customer('cust-4', { name: 'Lost Larder', status: 'lost', lostReason: 'price', lostAt: '2026-11-01' }),
  customer('cust-5', { name: 'Steady Store', band: 'steady', score: 10 }),
  customer('cust-6', { name: 'Harbour Deli', owner: BEN.email }),
];

describe('text commands', () => {
  let storage: Storage;
  let cards: TableCardStore;
  let connector: Awaited<ReturnType<typeof startConnector>>;
  let host: Awaited<ReturnType<typeof startActionBotHost>>;

  async function start(overrides: Partial<ActionHandlerDeps> = {}): Promise<void> {
    const stores = {
      state: storage.state,
      audit: storage.audit,
      conversations: storage.conversations,
      cards,
    };
    host = await startActionBotHost(storage, handlerDeps(stores, overrides));
  }
  const say = (text: string, user = ANA) => post(host.host.url, textActivity(connector.url, user, text));
  const replies = () => connector.sent.filter((s) => s.method === 'POST');
  const lastReply = () => replies().at(-1)?.body;

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
    await say('please delete everything');
    expect(lastReply()?.text).toBe(`I did not get "please delete everything".\n\n${HELP_TEXT}`);
  });

  it('list: my at-risk, active customers through today’s gates, ranked by value at risk, as a card', async () => {
    await say('list');
    const card = lastReply()?.attachments?.[0]?.content;
    const shown = texts(card);
    expect(shown.indexOf('Blue Door Bakery')).toBeGreaterThan(-1);
    expect(shown.indexOf('Blue Door Bakery')).toBeLessThan(shown.indexOf('Greenfield Cafe'));
    for (const hidden of ['Paused Pantry', 'Lost Larder', 'Steady Store', 'Harbour Deli']) {
      expect(shown).not.toContain(hidden);
    }
  });

  it('list says so plainly when nobody is slipping', async () => {
    await say('list', BEN);
    expect(lastReply()?.attachments?.[0]?.content).toBeDefined();
    await storage.state.writeChanged(new Map(), [{ ...states[5], band: 'steady' }]);
    await say('list', BEN);
    expect(lastReply()?.text).toBe('Nobody on your list is slipping right now.');
  });

  it('undo: my last action, even from the chat; the stored card data forgets its outcome', async () => {
    await post(host.host.url, submitActivity(connector.url, ANA, tap.reachedOut('cust-1')));
    await post(host.host.url, submitActivity(connector.url, ANA, tap.lost('cust-2', 'price', '', 1)));
    await say('undo');
    expect(lastReply()?.text).toBe(
      `Undone: "lost" on ${TODAY} on Blue Door Bakery. It is back as it was before.`,
    );
    expect((await storage.state.get('cust-2'))?.state).toEqual(states[1]);
    expect((await cards.get(`a:${ANA.userId}`, 'card-1'))?.data.customers[1].outcome ?? null).toBeNull();
    await say('undo');
    expect((await storage.state.get('cust-1'))?.state).toEqual(states[0]);
    await say('undo');
    expect(lastReply()?.text).toBe(NOTHING_TO_UNDO);
  });

  it('undo refuses when someone acted on the customer after me', async () => {
    await post(host.host.url, submitActivity(connector.url, ANA, tap.reachedOut('cust-1')));
    await saveCard(cards, 'card-admin', { userId: 'aad-admin' }, states.slice(0, 1));
    await post(
      host.host.url,
      submitActivity(
        connector.url,
        { userId: 'aad-admin', name: 'Ada Admin', channelId: '29:ada' },
        tap.lost('cust-1', 'other'),
        {
          replyToId: 'card-admin',
        },
      ),
    );
    await say('undo');
    expect(lastReply()?.text).toBe(
      `Your last action, "reached out" on ${TODAY} on Greenfield Cafe, can no longer be undone: since then Ada Admin recorded "lost" on ${TODAY}. Nothing was changed.`,
    );
    expect((await storage.state.get('cust-1'))?.state.status).toBe('lost');
  });

  it('summary: not available until wired; then last month’s card from the injected builder', async () => {
    await say('summary');
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
    await say('summary');
    expect(asked).toEqual(['2026-10']);
    expect(texts(lastReply()?.attachments?.[0]?.content)).toEqual(['October']);
  });
});
