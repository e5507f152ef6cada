import { describe, expect, it } from 'vitest';
import { saveSentCard } from '../../../storage/cardStore';
import { bookFromRows } from '../../helpers/bookFromRows';
import { weeklyData } from '../../helpers/weeklyCardData';
import {
  ANA,
  ANA_IN_TAB,
  customer,
  NOW,
  openActionStorage,
  seed,
  startActionChat,
  tabServiceOn,
  tap,
} from './actionHarness';

// The tab shows today's scoring of a customer, the stored state the last weekly run's. A customer
// who placed one order since (or whose value the product now words as one visit) reads "another
// $800 order" on the page while the state still says monthly: a Won back records what the rep saw,
// and the month's summary adds it up as that.

const book = bookFromRows({
  // No stated monthly value: one order, so what a call can win is another order like it.
  customers: [{ id: 'v1', name: 'Customer v1', owner: 'ana@demo.example', monthlyValue: null }],
  orders: [{ customerId: 'v1', date: '2026-09-01', amount: 800 }],
});

describe('a Won back records the kind of value the row showed', () => {
  it('the tab showed another order: recorded as one, though the stored state says monthly', async () => {
    const { storage, cards } = await openActionStorage('wbkind');
    await seed(storage, [customer('v1', { owner: ANA_IN_TAB.email })]);
    const tabs = tabServiceOn(storage, cards, book);
    const shown = (await tabs.customer(ANA_IN_TAB, 'v1')).customer;
    expect(shown).toMatchObject({ valueKind: 'second_order', monthlyValue: 800 });

    const answer = await tabs.act(ANA_IN_TAB, 'v1', { action: 'won_back', value: '800' });
    expect(answer.message).toContain('another $800 order');
    const [row] = await storage.audit.latestForCustomer('v1', { limit: 1 });
    expect(row).toMatchObject({ action: 'won_back', value: 800, valueKind: 'second_order' });
  });

  it('a `list` card showed another order: recorded as one, as the card words it after the tap', async () => {
    const { storage, cards } = await openActionStorage('wbkindcard');
    const stored = customer('v2', { monthlyValue: 800 });
    await seed(storage, [stored]);
    // The card's row as `list` words it from today's scoring; the state is still the last run's.
    const data = weeklyData([stored]);
    data.customers[0].valueKind = 'second_order';
    await saveSentCard(cards, 'card-1', ANA.userId, data, { conversationId: `a:${ANA.userId}`, now: NOW });
    const chat = await startActionChat(storage, cards);
    try {
      expect(await chat.tapAs(ANA, tap.wonBack('v2', '800'))).toBe(200);
      const updated = chat.connector.sent.filter((s) => s.method === 'PUT').at(-1);
      expect(JSON.stringify(updated?.body.attachments?.[0]?.content)).toContain('another $800 order');
      const [row] = await storage.audit.latestForCustomer('v2', { limit: 1 });
      expect(row).toMatchObject({ action: 'won_back', value: 800, valueKind: 'second_order' });
    } finally {
      await chat.close();
    }
  });
});
