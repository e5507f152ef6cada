import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotRuntime, createBotRuntime } from '../../../bot';
import { ProactiveSender } from '../../../bot/proactiveSender';
import { type ActionStores, createActionHandler } from '../../../bot/taps/actionHandler';
import { buildWeeklyCard } from '../../../cards/buildWeeklyCard';
import type { Storage } from '../../../storage';
import { saveSentCard, type TableCardStore } from '../../../storage/cardStore';
import type { FunctionsHost } from '../../../tools/local/functionsHost';
import type { Playground } from '../../../tools/local/playground';
import { startBotOnPlayground } from '../../helpers/botOnPlayground';
import {
  type EventStream,
  isCreate,
  isUpdateOf,
  type PlaygroundClient,
  type PlaygroundConfig,
} from '../../helpers/playground';
import { weeklyData } from '../../helpers/weeklyCardData';
import { eventually, MemoryLog } from '../bot/recordingPorts';
import { actionStores, customer, handlerDeps, openActionStorage, TODAY, tap } from './actionHarness';
import { cardRow } from './cardRows';

// The whole loop with a real Teams client stand-in: the Agents Playground installs the app (the rep
// lands in the Table Storage conversation store), the weekly card is sent proactively and its data
// saved, and the rep's taps come back through the Playground, the local Functions host and the real
// CloudAdapter to the handler, which writes Azurite and updates the card in the Playground.

const rep = { id: 'user-ana', name: 'Ana Ruiz', email: 'Ana.Ruiz@demo.example', aadObjectId: 'aad-ana-ruiz' };
const TENANT = 'tenant-demo';
const greenfield = customer('cust-1', { name: 'Greenfield Cafe', owner: 'ana.ruiz@demo.example' });
const blueDoor = customer('cust-2', {
  name: 'Blue Door Bakery',
  owner: 'ana.ruiz@demo.example',
  monthlyValue: 2500,
});
const harbour = customer('cust-3', { name: 'Harbour Deli', owner: 'ana.ruiz@demo.example' });

describe('rep actions through the Agents Playground', () => {
  let storage: Storage;
  let cards: TableCardStore;
  let runtime: BotRuntime;
  let host: FunctionsHost;
  let playground: Playground;
  let client: PlaygroundClient;
  let stream: EventStream;
  let config: PlaygroundConfig;
  let cardId: string;

  beforeAll(async () => {
    ({ storage, cards } = await openActionStorage('pg'));
    await storage.state.writeChanged(new Map(), [greenfield, blueDoor, harbour]);
    const stores: ActionStores = actionStores(storage, cards);
    runtime = createBotRuntime({
      bot: { appId: '', appPassword: '', appType: 'MultiTenant', tenantId: '' },
      store: storage.conversations,
      actions: createActionHandler(handlerDeps(stores, { access: { tenantId: TENANT, adminUserIds: [] } })),
      log: new MemoryLog(),
    });
    ({ host, playground, client, config, stream } = await startBotOnPlayground(runtime, rep, TENANT));
  });

  afterAll(async () => {
    await stream?.close();
    await playground?.stop();
    await host?.close();
  });

  it('install stores the rep, with the roster email, in the Table Storage conversation store', async () => {
    await client.install(config.personalChat.id);
    const stored = await waitForRep(storage, rep.aadObjectId);
    expect(stored).toMatchObject({
      userId: rep.aadObjectId,
      email: 'ana.ruiz@demo.example',
      tenantId: TENANT,
    });
    expect((await storage.conversations.getRepByEmail('ana.ruiz@demo.example'))?.userId).toBe(
      rep.aadObjectId,
    );
  });

  it('the weekly card, sent proactively, is updated in place by Reached out', async () => {
    const stored = await waitForRep(storage, rep.aadObjectId);
    const data = weeklyData([greenfield, blueDoor, harbour]);
    const since = stream.mark();
    const sender = new ProactiveSender({ adapter: runtime.adapter, appId: '' });
    // The stored reference is the Bot Framework shape as JSON (validated when it was stored).
    const reference = stored.reference as Parameters<ProactiveSender['sendCard']>[0];
    const sent = await sender.sendCard(reference, buildWeeklyCard(data));
    if (sent.status !== 'delivered') throw new Error(`card not delivered: ${JSON.stringify(sent)}`);
    cardId = sent.activityId;
    await saveSentCard(cards, cardId, stored.userId, data, { conversationId: config.personalChat.id });
    await stream.waitFor(isCreate(config.personalChat.id), 10_000, since);

    const before = stream.mark();
    await client.submit(config.personalChat.id, cardId, tap.reachedOut('cust-1'));
    const update = await stream.waitFor(isUpdateOf(cardId), 10_000, before);
    const card = update.message?.attachments[0]?.content;
    expect(cardRow(card, 'Greenfield Cafe').texts).toContain('Reached out by Ana Ruiz, Tue 24 Nov');
    expect(cardRow(card, 'Blue Door Bakery').buttons).toEqual(['reached_out', 'Won back', 'Lost']);
    expect((await storage.state.get('cust-1'))?.state.lastContact).toBe(TODAY);
    expect(await storage.audit.latestForCustomer('cust-1')).toMatchObject([
      { action: 'reached_out', actorId: rep.aadObjectId, actorName: rep.name, cardMessageId: cardId },
    ]);
  });

  it('Lost with a reason and a note, then Undo, each update the card in place', async () => {
    let since = stream.mark();
    await client.submit(config.personalChat.id, cardId, {
      ...tap.lost('cust-2', 'price', 'asked for 20% off', 1),
    });
    let update = await stream.waitFor(isUpdateOf(cardId), 10_000, since);
    expect(cardRow(update.message?.attachments[0]?.content, 'Blue Door Bakery').texts).toContain(
      'Lost: Price (asked for 20% off). Marked by Ana Ruiz, Tue 24 Nov',
    );
    expect((await storage.state.get('cust-2'))?.state).toMatchObject({ status: 'lost', lostReason: 'price' });

    since = stream.mark();
    await client.submit(config.personalChat.id, cardId, tap.undo('cust-2'));
    update = await stream.waitFor(isUpdateOf(cardId), 10_000, since);
    expect(cardRow(update.message?.attachments[0]?.content, 'Blue Door Bakery').buttons).toEqual([
      'reached_out',
      'Won back',
      'Lost',
    ]);
    expect((await storage.state.get('cust-2'))?.state).toEqual(blueDoor);
  });

  it('a double tap on Won back records one action', async () => {
    const since = stream.mark();
    await Promise.all([
      client.submit(config.personalChat.id, cardId, tap.wonBack('cust-3', '1300', 2)),
      client.submit(config.personalChat.id, cardId, tap.wonBack('cust-3', '1300', 2)),
    ]);
    await stream.waitFor(isUpdateOf(cardId), 10_000, since);
    await eventually(
      () => (stream.events.slice(since).filter(isUpdateOf(cardId)).length >= 2 ? true : undefined),
      10_000,
      'both taps answered',
    );
    expect(await storage.audit.latestForCustomer('cust-3')).toHaveLength(1);
    expect((await storage.state.get('cust-3'))?.state.recoveredValue).toBe(1300);
  });

  it.each([
    ['a reason not in the list', tap.lost('cust-2', 'alien_abduction', '', 1), 'Pick a reason from the list'],
    ['a 100 KB note', tap.lost('cust-2', 'price', 'x'.repeat(100_000), 1), 'keep it to 500 at most'],
    ['a negative value', tap.wonBack('cust-2', '-5', 1), 'must be a number greater than 0'],
    [
      'an unknown action',
      { ...tap.reachedOut('cust-1'), action: 'erase' },
      'could not read that button press',
    ],
  ])('a forged submission (%s) is refused in words; nothing is written', async (_, value, words) => {
    const rowsBefore = await storage.audit.latestForCustomer('cust-2');
    const stateBefore = await storage.state.get('cust-2');
    const since = stream.mark();
    await client.submit(config.personalChat.id, cardId, value);
    const reply = await stream.waitFor(isCreate(config.personalChat.id), 10_000, since);
    expect(reply.message?.text).toContain(words);
    expect(await storage.audit.latestForCustomer('cust-2')).toEqual(rowsBefore);
    expect((await storage.state.get('cust-2'))?.etag).toBe(stateBefore?.etag);
  });
});

async function waitForRep(storage: Storage, userId: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const rep = await storage.conversations.getRep(userId);
    if (rep) return rep;
    if (Date.now() > deadline) throw new Error(`rep ${userId} was not stored`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
