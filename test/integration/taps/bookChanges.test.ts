import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listsNowFrom } from '../../../jobs/weekly/weeklyPlan';
import { defaultRules } from '../../../rules/rulesSchema';
import type { Storage } from '../../../storage';
import type { TableCardStore } from '../../../storage/cardStore';
import { texts } from '../../unit/cards/cardWalk';
import { slipBook } from '../../unit/weekly/scoredFixture';
import {
  type ActionChat,
  ANA,
  BEN,
  customer,
  openActionStorage,
  saveCard,
  seed,
  startActionChat,
  TODAY,
  tap,
} from './actionHarness';

// The book changes under the product between weeks: a customer on last week's card is moved to
// another rep before the rep taps it.

const greenfield = customer('cust-1', { name: 'Greenfield Cafe' });

describe('a customer reassigned after the card went out', () => {
  let storage: Storage;
  let cards: TableCardStore;
  let chat: ActionChat;
  const lastText = () => chat.lastText();
  const tapAs = (user: typeof ANA, value: Record<string, unknown>, replyToId = 'card-1') =>
    chat.tapAs(user, value, replyToId);

  beforeEach(async () => {
    ({ storage, cards } = await openActionStorage('moved'));
    // Monday's card listed Greenfield for Ana; this week's feed gives Greenfield to Ben, and the
    // weekly run wrote the new owner on the state row.
    await seed(storage, [{ ...greenfield, owner: BEN.email }]);
    await saveCard(cards, 'card-1', ANA, [greenfield]);
    chat = await startActionChat(storage, cards);
  });
  afterEach(async () => {
    await chat.close();
  });

  it('the old rep tapping their own card is told the customer moved, not that the customer is unknown', async () => {
    expect(await tapAs(ANA, tap.reachedOut('cust-1'))).toBe(200);
    expect(lastText()).toBe(
      `Greenfield Cafe is now with ${BEN.name}: the order feed moved them to that rep. Only they or an admin can change it now. Nothing was changed.`,
    );
    expect(await storage.audit.latestForCustomer('cust-1', { limit: 10 })).toEqual([]);
    expect((await storage.state.get('cust-1'))?.state.lastContact).toBeNull();
  });

  it('a tap from a card that never listed the customer still learns nothing of them', async () => {
    await saveCard(cards, 'card-2', ANA, [customer('cust-2')]);
    await tapAs(ANA, tap.reachedOut('cust-1'), 'card-2');
    expect(lastText()).toBe(
      'I do not know that customer (they may have left the feed). Nothing was changed.',
    );
  });

  it('the new owner acts on the customer, and the audit row names them as the owner', async () => {
    await tapAs(BEN, tap.reachedOut('cust-1'), 'ben-card');
    const [row] = await storage.audit.latestForCustomer('cust-1', { limit: 10 });
    expect(row).toMatchObject({ action: 'reached_out', actorId: BEN.userId, owner: BEN.email });
    expect((await storage.state.get('cust-1'))?.state.lastContact).toBe(TODAY);
  });
});

describe('list after the feed moved a customer, before the weekly run stored the move', () => {
  let storage: Storage;
  let cards: TableCardStore;
  let chat: ActionChat;

  beforeEach(async () => {
    ({ storage, cards } = await openActionStorage('movedlist'));
    // Monday's run stored Greenfield as Ana's and put it on her card; Wednesday's feed gives it to Ben.
    await seed(storage, [greenfield]);
    await saveCard(cards, 'card-1', ANA, [greenfield]);
    const book = slipBook([
      { id: 'cust-1', name: 'Greenfield Cafe', owner: BEN.email, monthlyValue: 1200, slip: true },
      { id: 'cust-9', name: 'Other Shop', owner: ANA.email, monthlyValue: 100, slip: false },
    ]);
    chat = await startActionChat(storage, cards, {
      listsNow: listsNowFrom(async () => ({ book }), defaultRules()),
    });
  });
  afterEach(async () => {
    await chat.close();
  });

  it('the new owner’s list shows the customer and its buttons work for them; the old card says where it went', async () => {
    await chat.say(BEN, 'list');
    const listed = chat.connector.sent.filter((s) => s.method === 'POST').at(-1);
    expect(texts(listed?.body.attachments?.[0]?.content)).toContain('Greenfield Cafe');
    expect(texts(listed?.body.attachments?.[0]?.content)).toContain(
      `New on your list (moved from ${ANA.name})`,
    );
    const listCard = `reply-${chat.connector.sent.length}`;

    await chat.tapAs(BEN, tap.reachedOut('cust-1'), listCard);
    const [row] = await storage.audit.latestForCustomer('cust-1', { limit: 10 });
    expect(row).toMatchObject({ action: 'reached_out', actorId: BEN.userId, owner: BEN.email });
    expect((await storage.state.get('cust-1'))?.state).toMatchObject({
      owner: BEN.email,
      lastContact: TODAY,
    });

    await chat.tapAs(ANA, tap.lost('cust-1', 'price'));
    expect(chat.lastText()).toBe(
      `Greenfield Cafe is now with ${BEN.name}: the order feed moved them to that rep. Only they or an admin can change it now. Nothing was changed.`,
    );
  });

  it('the save Ben records on the moved customer is his: refused while stored as Ana’s, his once his `list` stored the move', async () => {
    // Before Ben's `list`, the stored owner is Ana: his tap is refused, so no save is recorded as hers.
    await chat.tapAs(BEN, tap.wonBack('cust-1', 1200));
    expect(chat.lastText()).toBe(
      'I do not know that customer (they may have left the feed). Nothing was changed.',
    );
    expect((await storage.state.get('cust-1'))?.state).toMatchObject({ owner: ANA.email, wonBackAt: null });

    await chat.say(BEN, 'list');
    await chat.tapAs(BEN, tap.wonBack('cust-1', 1200), `reply-${chat.connector.sent.length}`);
    expect((await storage.state.get('cust-1'))?.state).toMatchObject({
      owner: BEN.email,
      wonBackAt: TODAY,
      wonBackOwner: BEN.email,
    });
  });
});

describe('an action taken before the customer moved to another rep', () => {
  let storage: Storage;
  let cards: TableCardStore;
  let chat: ActionChat;

  beforeEach(async () => {
    ({ storage, cards } = await openActionStorage('movedundo'));
    await seed(storage, [greenfield]);
    await saveCard(cards, 'card-1', ANA, [greenfield]);
    chat = await startActionChat(storage, cards);
  });
  afterEach(async () => {
    await chat.close();
  });

  it('is no longer the old rep’s to undo by typing undo: the customer is the new rep’s now', async () => {
    await chat.tapAs(ANA, tap.lost('cust-1', 'price'));
    expect((await storage.state.get('cust-1'))?.state.status).toBe('lost');
    // The weekly run stored the feed's new owner.
    await storage.state.update('cust-1', (s) => s && { ...s, owner: BEN.email });
    await chat.say(ANA, 'undo');
    expect(chat.lastText()).toBe(
      `Greenfield Cafe is now with ${BEN.name}: the order feed moved them to that rep. Only they or an admin can change it now. Nothing was changed.`,
    );
    expect((await storage.state.get('cust-1'))?.state.status).toBe('lost');
  });
});
