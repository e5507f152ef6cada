import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIST_NOTICE_AFTER_MS } from '../../../bot/taps/listNotice';
import { LIST_COMING } from '../../../bot/taps/replies';
import { keptListsNow } from '../../../jobs/weekly/keptListsNow';
import { defaultRules } from '../../../rules/rulesSchema';
import type { Storage } from '../../../storage';
import { keptStates } from '../../../storage/keptStates';
import type { PolicyConfig } from '../../../storage/tableClients';
import { texts } from '../../unit/cards/cardWalk';
import {
  type ActionChat,
  ADMIN,
  ANA,
  actionStores,
  adminSlipBook,
  customer,
  handlerDeps,
  type ListBot,
  NOW,
  openActionStorage,
  post,
  type Sent,
  saveCard,
  seed,
  startActionBotHost,
  startActionChat,
  startListBot,
  submitActivity,
  TODAY,
  tap,
  textActivity,
} from './actionHarness';
import { cardRow } from './cardRows';

// Teams delivers a message or a card tap again when the bot took longer than 15 seconds to answer
// (or answered with some failure statuses), with the same activity id. Each test POSTs the very
// same activity twice through the real CloudAdapter over HTTP, the stores on Azurite, and reads
// what the Bot Connector stand-in received and what the tables hold.

const cardsPosted = (sent: readonly Sent[]) =>
  sent.filter((s) => s.method === 'POST' && s.body.attachments?.length);
const heading = (s: Sent | undefined) => texts(s?.body.attachments?.[0]?.content)[0];

describe('`list` delivered twice', () => {
  const book = adminSlipBook();
  let bot: ListBot;
  let readMs: number;
  let reads: number;

  beforeEach(async () => {
    readMs = 0;
    reads = 0;
    const readBook = async () => {
      reads++;
      await new Promise((resolve) => setTimeout(resolve, readMs));
      return { book };
    };
    bot = await startListBot(
      'redeliv',
      keptListsNow({ rules: async () => defaultRules(), readBook, clock: () => NOW }),
    );
  });
  afterEach(() => bot.close());

  it('posts one notice and one card when the second delivery comes while the first is worked out, and tells the second so', async () => {
    readMs = LIST_NOTICE_AFTER_MS + 1_500;
    const list = textActivity(bot.connector.url, ADMIN, 'list');
    const statuses = await Promise.all([post(bot.host.host.url, list), post(bot.host.host.url, list)]);
    expect(statuses).toEqual([200, 200]);
    expect(cardsPosted(bot.connector.sent)).toHaveLength(1);
    expect(heading(cardsPosted(bot.connector.sent)[0])).toBe(
      'Your list now · 12 slipping; the first 10 shown',
    );
    expect(bot.connector.sent.filter((s) => s.body.text === LIST_COMING)).toHaveLength(1);
    expect(bot.connector.sent.map((s) => s.body.text).filter((t) => t?.startsWith('Still'))).toEqual([
      'Still working out your list: it comes in a moment. If it has not come in a minute, type `list` again.',
    ]);
  });

  /** A feed read that ends when `release` is called. */
  function heldRead(): { done: Promise<void>; release: () => void } {
    let release = () => {};
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    return { done, release };
  }

  /**
   * Another instance on the same tables and the same Bot Connector, its feed read held until
   * `release` and its lease short; `crash()` cuts it off from the tables for good, as a process
   * that died (its claim renewed no more, nothing it does written).
   */
  async function otherInstance(lease: { ms: number; renewMs: number }, readFor: Promise<void>) {
    let crashed = false;
    const cutOff: PolicyConfig = {
      position: 'perCall',
      policy: {
        name: 'processDied',
        sendRequest: (request, next) => (crashed ? new Promise(() => undefined) : next(request)),
      },
    };
    const { storage, cards } = await openActionStorage('redeliv', undefined, {
      tablePrefix: bot.tablePrefix,
      cardPolicies: [cutOff],
    });
    const stores = actionStores(storage, cards);
    const readBook = async () => {
      await readFor;
      return { book };
    };
    const other = await startActionBotHost(
      storage,
      handlerDeps(stores, {
        listsNow: keptListsNow({ rules: async () => defaultRules(), readBook, clock: () => NOW }),
        states: keptStates(storage.state),
        lease,
      }),
    );
    return {
      url: other.host.url,
      crash: () => {
        crashed = true;
      },
      close: () => other.host.close(),
    };
  }

  it('answers a `list` delivered again after the instance working it out died: the list, and why it came late', async () => {
    const read = heldRead();
    const dying = await otherInstance({ ms: 1_000, renewMs: 200 }, read.done);
    const { release } = read;
    const list = textActivity(bot.connector.url, ADMIN, 'list');
    try {
      // Teams' first delivery: the rep is told the list is coming, then the instance dies.
      const first = post(dying.url, list).catch(() => 0);
      await expect
        .poll(() => bot.connector.sent.map((s) => s.body.text), { timeout: 10_000 })
        .toContain(LIST_COMING);
      dying.crash();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      // Teams delivers it again (no answer came): this instance takes the work over.
      expect(await post(bot.host.host.url, list)).toBe(200);
      release();
      await dying.close();
      await first;
    } finally {
      release();
    }
    expect(bot.connector.sent.map((s) => s.body.text).filter(Boolean)).toEqual([
      LIST_COMING,
      'The first try at your list stopped before it was done, so I worked it out again: here it is.',
    ]);
    expect(cardsPosted(bot.connector.sent).map(heading)).toEqual([
      'Your list now · 12 slipping; the first 10 shown',
    ]);
    // Answered now: a third delivery posts nothing more.
    expect(await post(bot.host.host.url, list)).toBe(200);
    expect(cardsPosted(bot.connector.sent)).toHaveLength(1);
  });

  it('sends one card when a slow first worker is taken over by a delivery again: the first, done late, sends nothing', async () => {
    const read = heldRead();
    // Its lease lapses (renewed too late) while its feed read is still under way.
    const slow = await otherInstance({ ms: 500, renewMs: 60_000 }, read.done);
    const { release } = read;
    const list = textActivity(bot.connector.url, ADMIN, 'list');
    try {
      const first = post(slow.url, list);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await post(bot.host.host.url, list)).toBe(200);
      release();
      expect(await first).toBe(200);
    } finally {
      release();
      await slow.close();
    }
    expect(cardsPosted(bot.connector.sent)).toHaveLength(1);
  });

  it('posts nothing for a delivery after the card was sent, on another instance too', async () => {
    const list = textActivity(bot.connector.url, ADMIN, 'list 2');
    expect(await post(bot.host.host.url, list)).toBe(200);
    // A second instance of the bot on the same tables, as the Functions host scales out.
    const stores = {
      state: bot.storage.state,
      audit: bot.storage.audit,
      conversations: bot.storage.conversations,
      listings: bot.storage.listings,
      cards: bot.cards,
    };
    const readBook = async () => {
      reads++;
      return { book };
    };
    const other = await startActionBotHost(
      bot.storage,
      handlerDeps(stores, {
        listsNow: keptListsNow({ rules: async () => defaultRules(), readBook, clock: () => NOW }),
        states: keptStates(bot.storage.state),
      }),
    );
    try {
      expect(await post(other.host.url, list)).toBe(200);
      expect(await post(bot.host.host.url, list)).toBe(200);
    } finally {
      await other.host.close();
    }
    expect(reads).toBe(1);
    expect(cardsPosted(bot.connector.sent).map(heading)).toEqual([
      'Your list now · 12 slipping; page 2 of 2',
    ]);
    // The rep asking again (a new message, a new id) gets the list as before.
    expect(await post(bot.host.host.url, textActivity(bot.connector.url, ADMIN, 'list 2'))).toBe(200);
    expect(cardsPosted(bot.connector.sent)).toHaveLength(2);
  });

  it('answers every delivery of a message that carries no id, as before', async () => {
    const { id: _, ...list } = textActivity(bot.connector.url, ADMIN, 'list');
    await post(bot.host.host.url, list);
    await post(bot.host.host.url, list);
    expect(cardsPosted(bot.connector.sent)).toHaveLength(2);
  });
});

describe('a card tap delivered twice', () => {
  const greenfield = customer('cust-1', { name: 'Greenfield Cafe', lastContact: '2026-10-01' });
  const blueDoor = customer('cust-2', { name: 'Blue Door Bakery' });
  let storage: Storage;
  let chat: ActionChat;

  beforeEach(async () => {
    const opened = await openActionStorage('tapredeliv');
    storage = opened.storage;
    await seed(storage, [greenfield, blueDoor]);
    await saveCard(opened.cards, 'card-1', ANA, [greenfield, blueDoor]);
    chat = await startActionChat(storage, opened.cards);
  });
  afterEach(() => chat.close());

  const deliver = (activity: Record<string, unknown>) => post(chat.host.host.url, activity);
  const tapOf = (value: Record<string, unknown>) => submitActivity(chat.connector.url, ANA, value);
  const trail = async (customerId = 'cust-1') =>
    (await storage.audit.latestForCustomer(customerId, { limit: 50 })).map((r) => r.action).reverse();
  const stateNow = async () => (await storage.state.get('cust-1'))?.state;
  const lastCard = () =>
    chat.connector.sent.filter((s) => s.method === 'PUT').at(-1)?.body.attachments?.[0]?.content;

  it('a Reached out delivered again after its Undo records nothing and leaves the card as undone', async () => {
    const reachedOut = tapOf(tap.reachedOut('cust-1'));
    expect(await deliver(reachedOut)).toBe(200);
    expect(await deliver(tapOf(tap.undo('cust-1')))).toBe(200);
    const afterUndo = await stateNow();
    const replies = chat.connector.sent.length;

    expect(await deliver(reachedOut)).toBe(200);
    expect(await trail()).toEqual(['reached_out', 'undo']);
    expect(await stateNow()).toEqual(afterUndo);
    expect(afterUndo?.lastContact).toBe('2026-10-01');
    // No new message: at most the card replaced in place, as it stands (its buttons back).
    expect(chat.connector.sent.slice(replies).filter((s) => s.method === 'POST')).toEqual([]);
    expect(cardRow(lastCard(), 'Greenfield Cafe').buttons).toEqual(['reached_out', 'Won back', 'Lost']);
  });

  it('the rep tapping Reached out again after Undo (a new activity) records a second action, as before', async () => {
    await deliver(tapOf(tap.reachedOut('cust-1')));
    await deliver(tapOf(tap.undo('cust-1')));
    expect(await deliver(tapOf(tap.reachedOut('cust-1')))).toBe(200);
    expect(await trail()).toEqual(['reached_out', 'undo', 'reached_out']);
    expect((await stateNow())?.lastContact).toBe(TODAY);
    expect(cardRow(lastCard(), 'Greenfield Cafe').buttons).toEqual(['undo']);
  });

  it('an Undo delivered again after the rep tapped Reached out anew undoes nothing', async () => {
    await deliver(tapOf(tap.reachedOut('cust-1')));
    const undo = tapOf(tap.undo('cust-1'));
    await deliver(undo);
    await deliver(tapOf(tap.reachedOut('cust-1')));
    expect(await deliver(undo)).toBe(200);
    expect(await trail()).toEqual(['reached_out', 'undo', 'reached_out']);
    expect((await stateNow())?.lastContact).toBe(TODAY);
    expect(cardRow(lastCard(), 'Greenfield Cafe').buttons).toEqual(['undo']);
  });

  it('a typed `undo` delivered twice undoes the latest action only', async () => {
    await deliver(tapOf(tap.reachedOut('cust-1')));
    await deliver(tapOf(tap.reachedOut('cust-2')));
    const typed = textActivity(chat.connector.url, ANA, 'undo');
    await deliver(typed);
    await deliver(typed);
    expect(await trail('cust-2')).toEqual(['reached_out', 'undo']);
    expect(await trail('cust-1')).toEqual(['reached_out']);
    expect((await stateNow())?.lastContact).toBe(TODAY);
  });

  it('taps without an id are each acted on, as before', async () => {
    const { id: _a, ...reachedOut } = tapOf(tap.reachedOut('cust-1'));
    const { id: _b, ...undo } = tapOf(tap.undo('cust-1'));
    await deliver(reachedOut);
    await deliver(undo);
    await deliver(reachedOut);
    expect(await trail()).toEqual(['reached_out', 'undo', 'reached_out']);
  });
});
