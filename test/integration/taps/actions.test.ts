import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionHandlerDeps } from '../../../bot/taps/actionHandler';
import type { CustomerState } from '../../../rules/customerState';
import type { Storage } from '../../../storage';
import type { TableCardStore } from '../../../storage/cardStore';
import { weeklyRows } from '../../helpers/weeklyCardData';
import {
  ADMIN,
  ANA,
  actionStores,
  BEN,
  customer,
  handlerDeps,
  openActionStorage,
  post,
  type Sent,
  saveCard,
  seed,
  startActionBotHost,
  startConnector,
  submitActivity,
  TODAY,
  tap,
} from './actionHarness';
import { cardRow } from './cardRows';

// Each action through the real CloudAdapter over HTTP (the local Functions host), with the real
// handler and stores on Azurite, and a node:http Bot Connector stand-in receiving replies and updates.

interface World {
  storage: Storage;
  cards: TableCardStore;
  connector: Awaited<ReturnType<typeof startConnector>>;
  host: Awaited<ReturnType<typeof startActionBotHost>>;
  /** Taps a button as `user` on card `card-1` (or `replyToId`); resolves with the HTTP status. */
  tap(
    user: typeof ANA,
    value: Record<string, unknown>,
    options?: { replyToId?: string | null; tenantId?: string },
  ): Promise<number>;
}

const greenfield = customer('cust-1', { name: 'Greenfield Cafe', lastContact: '2026-10-01' });
const blueDoor = customer('cust-2', { name: 'Blue Door Bakery', monthlyValue: 2500 });
const bensCustomer = customer('cust-3', { name: 'Harbour Deli', owner: BEN.email });

async function makeWorld(
  states: CustomerState[],
  overrides: Partial<ActionHandlerDeps> = {},
): Promise<World> {
  const { storage, cards } = await openActionStorage('act');
  await seed(storage, states);
  await saveCard(cards, 'card-1', ANA, [greenfield, blueDoor]);
  const connector = await startConnector();
  const stores = actionStores(storage, cards);
  const host = await startActionBotHost(storage, handlerDeps(stores, overrides));
  return {
    storage,
    cards,
    connector,
    host,
    tap: (user, value, options) => post(host.host.url, submitActivity(connector.url, user, value, options)),
  };
}

async function closeWorld(w: World | undefined): Promise<void> {
  await w?.host.host.close();
  await w?.connector.close();
}

const audit = (w: World, customerId = 'cust-1') =>
  w.storage.audit.latestForCustomer(customerId, { limit: 50 });
const stateOf = async (w: World, customerId = 'cust-1') => (await w.storage.state.get(customerId))?.state;
const lastUpdate = (w: World): Sent | undefined => w.connector.sent.filter((s) => s.method === 'PUT').at(-1);
const lastText = (w: World): string | undefined =>
  w.connector.sent.filter((s) => s.method === 'POST' && s.body.text).at(-1)?.body.text;
const updatedCard = (w: World) => lastUpdate(w)?.body.attachments?.[0]?.content;

describe('card actions over HTTP on Azurite', () => {
  let w: World;
  beforeEach(async () => {
    w = await makeWorld([greenfield, blueDoor, bensCustomer]);
  });
  afterEach(async () => {
    await closeWorld(w);
  });

  it('reached out: lastContact = today, score untouched, one audit row, the card updated in place', async () => {
    expect(await w.tap(ANA, tap.reachedOut('cust-1'))).toBe(200);
    expect(await stateOf(w)).toEqual({ ...greenfield, lastContact: TODAY });
    const rows = await audit(w);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: 'card-1|cust-1|reached_out|1',
      action: 'reached_out',
      actorId: ANA.userId,
      actorName: ANA.name,
      at: expect.stringMatching(/^2026-11-24T15:00:/),
      snapshot: greenfield,
      cardMessageId: 'card-1',
    });
    const update = lastUpdate(w);
    expect(update?.url).toBe('/v3/conversations/a%3Aaad-ana/activities/card-1');
    const card = updatedCard(w);
    expect(cardRow(card, 'Greenfield Cafe')).toMatchObject({
      texts: expect.arrayContaining(['Reached out by Ana Ruiz, Tue 24 Nov']),
      buttons: ['undo'],
    });
    // The other rows keep their buttons.
    expect(cardRow(card, 'Blue Door Bakery').buttons).toEqual(['reached_out', 'Won back', 'Lost']);
    // The stored card data now carries the outcome, so the next tap renders it too.
    const stored = await w.cards.get(`a:${ANA.userId}`, 'card-1');
    expect(weeklyRows(stored)[0].outcome).toEqual({ kind: 'reached_out', by: 'Ana Ruiz', at: TODAY });
  });

  it('won back on a one-order customer: the row records a second order, not monthly revenue', async () => {
    const once = customer('cust-9', { name: 'Corner Shop', monthlyValue: 1829, valueKind: 'second_order' });
    await seed(w.storage, [once]);
    await saveCard(w.cards, 'card-9', ANA, [once]);
    await w.tap(ANA, tap.wonBack('cust-9'), { replyToId: 'card-9' });
    expect((await audit(w, 'cust-9'))[0]).toMatchObject({
      value: 1829,
      snapshot: { valueKind: 'second_order' },
    });
    expect(cardRow(updatedCard(w), 'Corner Shop').texts).toContain(
      'Won back another $1,829 order by Ana Ruiz, Tue 24 Nov',
    );
  });

  it('won back on a customer valued at $0, saved empty: says what to type and records nothing', async () => {
    const gone = customer('cust-8', { name: 'Old Mill Bakery', monthlyValue: 0 });
    await seed(w.storage, [gone]);
    await saveCard(w.cards, 'card-8', ANA, [gone]);
    await w.tap(ANA, tap.wonBack('cust-8', ''), { replyToId: 'card-8' });
    expect(lastText(w)).toBe(
      "Type the value won back in the box, e.g. 1,250.50: the customer's value is 0 (no order in the value's window), so there is none to record as it stands. Nothing was recorded on Old Mill Bakery.",
    );
    expect(await audit(w, 'cust-8')).toEqual([]);
    expect(await stateOf(w, 'cust-8')).toEqual(gone);
  });

  it('won back with the typed value: steady, cycle cleared, wonBackAt, its owner and recoveredValue set', async () => {
    await w.tap(ANA, tap.wonBack('cust-1', '1500'));
    expect(await stateOf(w)).toEqual({
      ...greenfield,
      score: 0,
      band: 'steady',
      reasons: [],
      surfacedAt: null,
      lastContact: null,
      wonBackAt: TODAY,
      wonBackOwner: greenfield.owner,
      recoveredValue: 1500,
    });
    expect(await audit(w)).toMatchObject([{ action: 'won_back', value: 1500, snapshot: greenfield }]);
    expect(cardRow(updatedCard(w), 'Greenfield Cafe').texts).toContain(
      'Won back $1,500/month by Ana Ruiz, Tue 24 Nov',
    );
  });

  it('won back without a value defaults to the monthly value (a number input arrives as a number too)', async () => {
    await w.tap(ANA, tap.wonBack('cust-2', 2600, 1));
    await w.tap(ANA, tap.wonBack('cust-1'));
    expect((await stateOf(w))?.recoveredValue).toBe(1200);
    expect((await stateOf(w, 'cust-2'))?.recoveredValue).toBe(2600);
  });

  it('lost with a reason and a note: status lost, audit row with both, card says why', async () => {
    await w.tap(ANA, tap.lost('cust-1', 'competitor', 'Moved to Sysco'));
    expect(await stateOf(w)).toEqual({
      ...greenfield,
      status: 'lost',
      lostAt: TODAY,
      lostReason: 'competitor',
      lostNote: 'Moved to Sysco',
    });
    expect(await audit(w)).toMatchObject([{ action: 'lost', reason: 'competitor', note: 'Moved to Sysco' }]);
    expect(cardRow(updatedCard(w), 'Greenfield Cafe').texts).toContain(
      'Lost: Went to a competitor (Moved to Sysco). Marked by Ana Ruiz, Tue 24 Nov',
    );
  });

  it.each([
    ['reached out', tap.reachedOut('cust-1')],
    ['won back', tap.wonBack('cust-1', '900')],
    ['lost', tap.lost('cust-1', 'price')],
  ])(
    'undo of %s restores the snapshot, writes an undo row pointing at it, and gives the buttons back',
    async (_, value) => {
      await w.tap(ANA, value);
      const [done] = await audit(w);
      await w.tap(ANA, tap.undo('cust-1'));
      expect(await stateOf(w)).toEqual(greenfield);
      const rows = await audit(w);
      expect(rows.map((r) => r.action)).toEqual(['undo', done.action]);
      expect(rows[0]).toMatchObject({ id: `undo|${done.id}`, undoes: done.id, actorId: ANA.userId });
      expect(cardRow(updatedCard(w), 'Greenfield Cafe').buttons).toEqual(['reached_out', 'Won back', 'Lost']);
    },
  );

  it('after an undo, the same button records a new action (a fresh key), and that can be undone too', async () => {
    await w.tap(ANA, tap.reachedOut('cust-1'));
    await w.tap(ANA, tap.undo('cust-1'));
    await w.tap(ANA, tap.reachedOut('cust-1'));
    expect((await stateOf(w))?.lastContact).toBe(TODAY);
    await w.tap(ANA, tap.undo('cust-1'));
    expect(await stateOf(w)).toEqual(greenfield);
    expect((await audit(w)).map((r) => r.id)).toEqual([
      'undo|card-1|cust-1|reached_out|2',
      'card-1|cust-1|reached_out|2',
      'undo|card-1|cust-1|reached_out|1',
      'card-1|cust-1|reached_out|1',
    ]);
  });

  it('a double tap (two identical requests at once) records one row and changes the state once', async () => {
    const statuses = await Promise.all([
      w.tap(ANA, tap.wonBack('cust-1', '1500')),
      w.tap(ANA, tap.wonBack('cust-1', '1500')),
    ]);
    expect(statuses).toEqual([200, 200]);
    expect(await audit(w)).toHaveLength(1);
    expect((await stateOf(w))?.recoveredValue).toBe(1500);
    // Both taps answer with the updated card; neither says anything went wrong.
    const updates = w.connector.sent.filter((s) => s.method === 'PUT');
    expect(updates).toHaveLength(2);
    expect(w.connector.sent.filter((s) => s.method === 'POST')).toHaveLength(0);
  });

  it('a second tap after the first finished changes nothing and re-shows the card', async () => {
    await w.tap(ANA, tap.lost('cust-1', 'price'));
    const before = await w.storage.state.get('cust-1');
    await w.tap(ANA, tap.lost('cust-1', 'price'));
    expect(await audit(w)).toHaveLength(1);
    expect((await w.storage.state.get('cust-1'))?.etag).toBe(before?.etag);
    expect(cardRow(updatedCard(w), 'Greenfield Cafe').buttons).toEqual(['undo']);
  });

  it('a double tap on Undo undoes once', async () => {
    await w.tap(ANA, tap.reachedOut('cust-1'));
    await Promise.all([w.tap(ANA, tap.undo('cust-1')), w.tap(ANA, tap.undo('cust-1'))]);
    await w.tap(ANA, tap.undo('cust-1'));
    expect((await audit(w)).map((r) => r.action)).toEqual(['undo', 'reached_out']);
    expect(await stateOf(w)).toEqual(greenfield);
    expect(lastText(w)).toBe('There is nothing to undo on Greenfield Cafe.');
  });

  it('an admin may act on any customer and undo anyone’s action; another rep may not undo', async () => {
    await w.tap(ADMIN, tap.reachedOut('cust-3'));
    expect((await stateOf(w, 'cust-3'))?.lastContact).toBe(TODAY);
    await w.tap(BEN, tap.undo('cust-3'), { replyToId: 'card-1' });
    expect(lastText(w)).toBe(
      `Only Ada Admin or an admin can undo "reached out" on Tue 24 Nov on Harbour Deli.`,
    );
    expect((await audit(w, 'cust-3')).map((r) => r.action)).toEqual(['reached_out']);
    await w.tap(ADMIN, tap.reachedOut('cust-1'));
    await w.tap(ADMIN, tap.undo('cust-1'));
    expect(await stateOf(w)).toEqual(greenfield);
  });

  it('a stale card (customer lost elsewhere) is refused with the current state; nothing written', async () => {
    // Ben's admin colleague marked Greenfield lost from another card (card-2).
    await saveCard(w.cards, 'card-2', ADMIN, [greenfield]);
    await w.tap(ADMIN, tap.lost('cust-1', 'price'), { replyToId: 'card-2' });
    const rowsBefore = await audit(w);
    const stateBefore = await w.storage.state.get('cust-1');
    await w.tap(ANA, tap.wonBack('cust-1', '1000'));
    expect(lastText(w)).toBe(
      `Greenfield Cafe is already marked lost (Price, on Tue 24 Nov). Nothing was changed.`,
    );
    expect(await audit(w)).toEqual(rowsBefore);
    expect((await w.storage.state.get('cust-1'))?.etag).toBe(stateBefore?.etag);
    // Ana's card shows the admin's Lost (the admin's save refreshed it), and its Undo is the admin's.
    await w.tap(ANA, tap.undo('cust-1'));
    expect(lastText(w)).toBe('Only Ada Admin or an admin can undo "lost" on Tue 24 Nov on Greenfield Cafe.');
    expect(await audit(w)).toEqual(rowsBefore);
  });

  it('a stale card (customer won back elsewhere) is refused too', async () => {
    await saveCard(w.cards, 'card-2', ADMIN, [greenfield]);
    await w.tap(ADMIN, tap.wonBack('cust-1'), { replyToId: 'card-2' });
    await w.tap(ANA, tap.reachedOut('cust-1'));
    expect(lastText(w)).toBe(`Greenfield Cafe was already won back on Tue 24 Nov. Nothing was changed.`);
    expect(await audit(w)).toHaveLength(1);
  });

  it('a customer not on the tapped card is still recorded, with a text answer instead of a card update', async () => {
    await w.tap(BEN, tap.reachedOut('cust-3'), { replyToId: 'card-1' });
    expect((await stateOf(w, 'cust-3'))?.lastContact).toBe(TODAY);
    expect(lastUpdate(w)).toBeUndefined();
    expect(lastText(w)).toBe('Recorded "reached out": Harbour Deli.');
  });
});

describe('forged and malformed submissions: a clear reply, nothing written', () => {
  let w: World;
  beforeEach(async () => {
    w = await makeWorld([greenfield, blueDoor, bensCustomer]);
  });
  afterEach(async () => {
    await closeWorld(w);
  });

  async function expectNothingWritten(): Promise<void> {
    for (const id of ['cust-1', 'cust-2', 'cust-3']) {
      expect(await audit(w, id)).toEqual([]);
    }
    expect(await stateOf(w)).toEqual(greenfield);
    expect(await w.cards.recentActions(ANA.userId)).toEqual([]);
    expect(lastUpdate(w)).toBeUndefined();
  }

  it.each<[string, typeof ANA, Record<string, unknown>, { tenantId?: string } | undefined, string]>([
    [
      // Word for word the unknown customer's answer: a forged tap learns neither the id nor the name.
      'another rep’s customer',
      BEN,
      tap.lost('cust-1', 'price'),
      undefined,
      'I do not know that customer (they may have left the feed). Nothing was changed.',
    ],
    [
      'another tenant',
      ANA,
      tap.reachedOut('cust-1'),
      { tenantId: 'tenant-evil' },
      'This app only works for its own organisation. Nothing was changed.',
    ],
    [
      'an unknown action',
      ANA,
      { ...tap.reachedOut('cust-1'), action: 'delete_customer' },
      undefined,
      'I could not read that button press (the card may be from an older version). Nothing was changed.',
    ],
    [
      'a negative value',
      ANA,
      tap.wonBack('cust-1', '-1200'),
      undefined,
      'The value won back must be a number greater than 0: a negative value cannot be won back. Nothing was recorded on Greenfield Cafe.',
    ],
    [
      'a NaN value',
      ANA,
      tap.wonBack('cust-1', 'NaN'),
      undefined,
      'The value won back must be a number greater than 0: "NaN" is not a plain number. Nothing was recorded on Greenfield Cafe.',
    ],
    [
      'an absurd value',
      ANA,
      tap.wonBack('cust-1', '99999999'),
      undefined,
      'The value won back must be at most $12,000 per month. Nothing was recorded on Greenfield Cafe.',
    ],
    [
      'a reason not in the list',
      ANA,
      tap.lost('cust-1', 'alien_abduction'),
      undefined,
      'Pick a reason from the list (Price, Went to a competitor, Went quiet, Other). Nothing was recorded on Greenfield Cafe.',
    ],
    [
      'a 100 KB note',
      ANA,
      tap.lost('cust-1', 'price', 'x'.repeat(100_000)),
      undefined,
      'The note is 100000 characters long; keep it to 500 at most. Nothing was recorded on Greenfield Cafe.',
    ],
    [
      // The card's box sends text; a list or an object in its place is no note, and must not be
      // dropped so the loss is recorded as if nothing had been written.
      'a note that is not text',
      ANA,
      { ...tap.lost('cust-1', 'price'), note_0: { text: 'Moved to Sysco' } },
      undefined,
      'The note must be text, as typed in the box. Nothing was recorded on Greenfield Cafe.',
    ],
    [
      'an unknown customer',
      ANA,
      tap.reachedOut('cust-404'),
      undefined,
      'I do not know that customer (they may have left the feed). Nothing was changed.',
    ],
  ])('%s', async (_, user, value, options, message) => {
    expect(await w.tap(user, value, options)).toBe(200);
    expect(lastText(w)).toBe(message);
    await expectNothingWritten();
  });

  it('`__proto__` keys neither pollute nor smuggle inputs in', async () => {
    const body = `{"type":"message","id":"x1","channelId":"msteams","serviceUrl":"${w.connector.url}","replyToId":"card-1",
      "value":{"action":"lost","customerId":"cust-1","runKey":"weekly-2026-W48","v":1,
        "fields":{"reason":"reason_0","note":"note_0"},"__proto__":{"reason_0":"price","isAdmin":true}},
      "from":{"id":"29:ana","name":"Ana Ruiz","aadObjectId":"aad-ana"},"recipient":{"id":"28:bot"},
      "conversation":{"id":"a:aad-ana","conversationType":"personal","tenantId":"tenant-1"},
      "channelData":{"tenant":{"id":"tenant-1"}}}`;
    const response = await fetch(`${w.host.host.url}/api/messages`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(lastText(w)).toContain('Pick a reason from the list');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    await expectNothingWritten();
  });

  it('a 5 KB replyToId is named by its hash in the trail, not an error', async () => {
    await w.tap(ANA, tap.reachedOut('cust-1'), { replyToId: 'm'.repeat(5000) });
    expect(lastText(w)).toBe('Recorded "reached out": Greenfield Cafe.');
    const [recorded] = await audit(w);
    expect(recorded.cardMessageId).toMatch(/^h\|[0-9a-f]{64}$/);
  });

  it('a replyToId of a card in another chat does not touch that card', async () => {
    // Ben's card lists Ana's customer (Ben's chat is neither the tapper's nor the owner's).
    await saveCard(w.cards, 'bens-card', BEN, [greenfield]);
    await w.tap(ADMIN, tap.reachedOut('cust-1'), { replyToId: 'bens-card' });
    expect((await stateOf(w, 'cust-1'))?.lastContact).toBe(TODAY);
    expect(weeklyRows(await w.cards.get(`a:${BEN.userId}`, 'bens-card'))[0].outcome ?? null).toBeNull();
    expect(lastUpdate(w)).toBeUndefined();
  });

  it('two reps whose cards got the same message id (ids are per conversation in Teams) keep their own cards', async () => {
    await saveCard(w.cards, 'same-id', ANA, [greenfield]);
    await saveCard(w.cards, 'same-id', BEN, [bensCustomer]);
    await w.tap(ANA, tap.reachedOut('cust-1'), { replyToId: 'same-id' });
    const anas = await w.cards.get(`a:${ANA.userId}`, 'same-id');
    const bens = await w.cards.get(`a:${BEN.userId}`, 'same-id');
    expect(weeklyRows(anas)[0]).toMatchObject({ customerId: 'cust-1', outcome: { kind: 'reached_out' } });
    expect(weeklyRows(bens).map((c) => [c.customerId, c.outcome ?? null])).toEqual([['cust-3', null]]);
    expect(cardRow(updatedCard(w), 'Greenfield Cafe').buttons).toEqual(['undo']);
  });
});

describe('a missing token when an app id is set', () => {
  it('is 401 and nothing is written', async () => {
    const { storage, cards } = await openActionStorage('tok');
    await seed(storage, [greenfield]);
    const stores = actionStores(storage, cards);
    const host = await startActionBotHost(storage, handlerDeps(stores), {
      appId: '11111111-2222-3333-4444-555555555555',
      appPassword: 'not-a-real-secret',
      appType: 'MultiTenant',
      tenantId: '',
    });
    try {
      expect(
        await post(host.host.url, submitActivity('http://127.0.0.1:9/', ANA, tap.lost('cust-1', 'price'))),
      ).toBe(401);
      expect(await storage.audit.latestForCustomer('cust-1')).toEqual([]);
      expect((await storage.state.get('cust-1'))?.state).toEqual(greenfield);
    } finally {
      await host.host.close();
    }
  });
});

describe('the reads a tap waits on', () => {
  it('reads the tapping rep once, for a save and for its Undo alike', async () => {
    const { storage, cards } = await openActionStorage('reps');
    await seed(storage, [greenfield]);
    await saveCard(cards, 'card-1', ANA, [greenfield]);
    const stores = actionStores(storage, cards);
    const { conversations } = stores;
    // Who asked for the tapping rep: a second read of her would be one more round trip before the answer.
    const repReads: string[] = [];
    const counted = {
      ...stores,
      conversations: {
        getRep: (userId: string) => {
          repReads.push(userId);
          return conversations.getRep(userId);
        },
        getRepByEmail: (email: string) => conversations.getRepByEmail(email),
        listReps: () => conversations.listReps(),
      },
    };
    const connector = await startConnector();
    const host = await startActionBotHost(storage, handlerDeps(counted));
    const tapAs = (value: Record<string, unknown>) =>
      post(host.host.url, submitActivity(connector.url, ANA, value));
    try {
      expect(await tapAs(tap.reachedOut('cust-1'))).toBe(200);
      expect((await storage.state.get('cust-1'))?.state.lastContact).toBe(TODAY);
      expect(repReads).toEqual([ANA.userId]);
      expect(await tapAs(tap.undo('cust-1'))).toBe(200);
      expect((await storage.state.get('cust-1'))?.state).toEqual(greenfield);
      expect(repReads).toEqual([ANA.userId, ANA.userId]);
    } finally {
      await host.host.close();
      await connector.close();
    }
  });
});
