import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../../../storage';
import type { TableCardStore } from '../../../storage/cardStore';
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
} from './actionHarness';

// The book changes under the product between weeks: a customer on last week's card is moved to
// another rep before the rep taps it.

const greenfield = customer('cust-1', { name: 'Greenfield Cafe' });

describe('a customer reassigned after the card went out', () => {
  let storage: Storage;
  let cards: TableCardStore;
  let connector: Awaited<ReturnType<typeof startConnector>>;
  let host: Awaited<ReturnType<typeof startActionBotHost>>;
  const lastText = () => connector.sent.filter((s) => s.method === 'POST' && s.body.text).at(-1)?.body.text;
  const tapAs = (user: typeof ANA, value: Record<string, unknown>, replyToId = 'card-1') =>
    post(host.host.url, submitActivity(connector.url, user, value, { replyToId }));

  beforeEach(async () => {
    ({ storage, cards } = await openActionStorage('moved'));
    // Monday's card listed Greenfield for Ana; this week's feed gives Greenfield to Ben, and the
    // weekly run wrote the new owner on the state row.
    await seed(storage, [{ ...greenfield, owner: BEN.email }]);
    await saveCard(cards, 'card-1', ANA, [greenfield]);
    connector = await startConnector();
    const stores = {
      state: storage.state,
      audit: storage.audit,
      conversations: storage.conversations,
      cards,
    };
    host = await startActionBotHost(storage, handlerDeps(stores));
  });
  afterEach(async () => {
    await host.host.close();
    await connector.close();
  });

  it('the old rep tapping their own card is told the customer moved, not that the customer is unknown', async () => {
    expect(await tapAs(ANA, tap.reachedOut('cust-1'))).toBe(200);
    expect(lastText()).toBe(
      `Greenfield Cafe has moved to ${BEN.email} since this card was sent: only they or an admin can change it now. Nothing was changed.`,
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
