import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APOLOGY } from '../../../bot';
import type { TableCardStore } from '../../../storage/cardStore';
import { FakeTeamsConnector } from '../../fakes/teamsConnector';
import { findAll, type Node } from '../../unit/cards/cardWalk';
import {
  ANA,
  actionStores,
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
} from './actionHarness';
import { cardRow } from './cardRows';

// Taps that go wrong, through the real CloudAdapter over HTTP with the real handler and stores on
// Azurite: wrong-typed values, a note written to look like a link, and ten taps of one button at once.

const greenfield = customer('cust-1', { name: 'Greenfield Cafe', lastContact: '2026-10-01' });

interface World {
  storage: Awaited<ReturnType<typeof openActionStorage>>['storage'];
  connector: Awaited<ReturnType<typeof startConnector>>;
  host: Awaited<ReturnType<typeof startActionBotHost>>;
  tap(value: Record<string, unknown>): Promise<number>;
}

async function makeWorld(): Promise<World> {
  const { storage, cards } = await openActionStorage('wrong');
  await seed(storage, [greenfield]);
  await saveCard(cards, 'card-1', ANA, [greenfield]);
  const connector = await startConnector();
  const stores = actionStores(storage, cards);
  const host = await startActionBotHost(storage, handlerDeps(stores));
  return {
    storage,
    connector,
    host,
    tap: (value) => post(host.host.url, submitActivity(connector.url, ANA, value)),
  };
}

const texts = (w: World): string[] =>
  w.connector.sent.filter((s) => s.method === 'POST' && s.body.text).map((s) => String(s.body.text));
const updates = (w: World) => w.connector.sent.filter((s) => s.method === 'PUT');

describe('taps that go wrong', () => {
  let w: World;
  beforeEach(async () => {
    w = await makeWorld();
  });
  afterEach(async () => {
    await w.host.host.close();
    await w.connector.close();
  });

  it.each([
    ['a list', [500]],
    ['an object', {}],
    ['true', true],
    ['null', null],
    ['"1,2,3"', '1,2,3'],
    ['-50', -50],
    ['"-50"', '-50'],
  ])('won back with %s as the value: refused with a reason, nothing recorded', async (_label, value) => {
    const submit = { ...tap.wonBack('cust-1'), value_0: value };
    expect(await w.tap(submit)).toBe(200);
    expect(texts(w)).toHaveLength(1);
    expect(texts(w)[0]).toMatch(
      /^The value won back must be a number greater than 0.*Nothing was recorded on Greenfield Cafe\.$/,
    );
    expect(await w.storage.audit.latestForCustomer('cust-1', { limit: 5 })).toEqual([]);
    expect((await w.storage.state.get('cust-1'))?.state).toEqual(greenfield);
  });

  it('won back 12.5: recorded as 12.5 and shown as $12.50', async () => {
    await w.tap(tap.wonBack('cust-1', '12.5'));
    expect((await w.storage.state.get('cust-1'))?.state.recoveredValue).toBe(12.5);
    const card = updates(w).at(-1)?.body.attachments?.[0]?.content;
    expect(cardRow(card, 'Greenfield Cafe').texts).toContain('Won back $12.50/month by Ana Ruiz, Tue 24 Nov');
  });

  it('a Lost note with a link, markdown and control characters is stored without the controls and shown as plain text', async () => {
    const note = '[Click to verify](https://evil.example/phish) **URGENT**\u0007\u001b';
    await w.tap(tap.lost('cust-1', 'price', note));
    const [row] = await w.storage.audit.latestForCustomer('cust-1', { limit: 5 });
    expect(row.note).toBe('[Click to verify](https://evil.example/phish) **URGENT**');
    const card = updates(w).at(-1)?.body.attachments?.[0]?.content;
    const markdownCapable = findAll(card, (n: Node) => n.type === 'TextBlock').map((n) => String(n.text));
    expect(markdownCapable.some((t) => t.includes('evil.example'))).toBe(false);
    const runs = findAll(card, (n: Node) => n.type === 'TextRun').map((n) => String(n.text));
    expect(runs).toContain(
      'Lost: Price ([Click to verify](https://evil.example/phish) **URGENT**). Marked by Ana Ruiz, Tue 24 Nov',
    );
  });

  it('ten parallel taps of one button: one audit row, each answered with the recorded outcome, no apology', async () => {
    const statuses = await Promise.all(Array.from({ length: 10 }, () => w.tap(tap.reachedOut('cust-1'))));
    expect(statuses).toEqual(Array(10).fill(200));
    const rows = await w.storage.audit.latestForCustomer('cust-1', { limit: 50 });
    expect(rows.map((r) => r.action)).toEqual(['reached_out']);
    console.log(
      `ten parallel taps: ${rows.length} audit row, ${updates(w).length} card updates + ${texts(w).length} texts, ${texts(w).filter((t) => t === APOLOGY).length} apologies`,
    );
    expect(texts(w).filter((t) => t === APOLOGY)).toEqual([]);
    // Every tap is answered: the card updated in place showing the outcome, or words saying it is recorded.
    const answers = updates(w).length + texts(w).length;
    expect(answers).toBe(10);
    for (const text of texts(w)) expect(text).toMatch(/Reached out|Recorded/);
    for (const update of updates(w)) {
      expect(cardRow(update.body.attachments?.[0]?.content, 'Greenfield Cafe').texts).toContain(
        'Reached out by Ana Ruiz, Tue 24 Nov',
      );
    }
    expect(w.host.log.lines.filter((l) => l.startsWith('error'))).toEqual([]);
  });
});

describe('a tap while Teams is busy with the same chat', () => {
  let fake: FakeTeamsConnector;
  let host: Awaited<ReturnType<typeof startActionBotHost>>;
  let storage: World['storage'];
  let cardId: string;
  let cards: TableCardStore;
  beforeEach(async () => {
    const opened = await openActionStorage('busy');
    storage = opened.storage;
    cards = opened.cards;
    await seed(storage, [greenfield]);
    fake = await FakeTeamsConnector.start();
    // The weekly card, posted to the rep's chat as the weekly run posts it, and kept under its id.
    const posted = await fetch(
      `${fake.serviceUrl}v3/conversations/${encodeURIComponent(`a:${ANA.userId}`)}/activities`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'the weekly card' }),
      },
    );
    cardId = ((await posted.json()) as { id: string }).id;
    await saveCard(opened.cards, cardId, ANA, [greenfield]);
    const stores = actionStores(storage, opened.cards);
    host = await startActionBotHost(storage, handlerDeps(stores));
  });
  afterEach(async () => {
    await host.host.close();
    await fake.stop();
  });

  it('a card Teams will not update (404: no such message there any more): the rep is told the tap was recorded, not sorry', async () => {
    // The card store still has the card's data, but Teams answers 404 ActivityNotFoundInConversation to its update.
    await saveCard(cards, 'activity-gone', ANA, [greenfield]);
    const tapped = submitActivity(fake.serviceUrl, ANA, tap.reachedOut('cust-1'), {
      replyToId: 'activity-gone',
    });
    expect(await post(host.host.url, tapped)).toBe(200);
    expect((await storage.audit.latestForCustomer('cust-1', { limit: 5 })).map((r) => r.action)).toEqual([
      'reached_out',
    ]);
    const said = fake.activities.filter((a) => a.kind === 'send').map((a) => a.activity.text);
    expect(said).not.toContain(APOLOGY);
    expect(said).toContain('Recorded "reached out": Greenfield Cafe.');
  });

  it('a 412 on the card update (another operation on the chat at that moment) is retried: the card shows the tap, no apology', async () => {
    // Teams answers 412 PreconditionFailed when operations on one conversation overlap, and asks for a retry.
    fake.injectForConversation(`a:${ANA.userId}`, { status: 412 }, 1);
    const tapped = submitActivity(fake.serviceUrl, ANA, tap.reachedOut('cust-1'), { replyToId: cardId });
    expect(await post(host.host.url, tapped)).toBe(200);
    expect((await storage.audit.latestForCustomer('cust-1', { limit: 5 })).map((r) => r.action)).toEqual([
      'reached_out',
    ]);
    const said = fake.activities.filter((a) => a.kind === 'send').map((a) => a.activity.text);
    expect(said).not.toContain(APOLOGY);
    const updated = fake.activities.filter((a) => a.kind === 'update' && a.activityId === cardId);
    expect(updated).toHaveLength(1);
    const card = (updated[0].activity.attachments as { content: Record<string, unknown> }[])[0].content;
    expect(cardRow(card, 'Greenfield Cafe').texts).toContain('Reached out by Ana Ruiz, Tue 24 Nov');
  });
});
