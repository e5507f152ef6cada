import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { feedOptionsFrom } from '../../../feed/feedOptions';
import { readFeed } from '../../../feed/readFeed';
import { initialState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import type { TabUser } from '../../../tabs/api/tabToken';
import { bookFromRows } from '../../helpers/bookFromRows';
import { openWeeklyWorld, tabsOver, type WeeklyWorld } from '../weekly/weeklyWorld';

// How a customer page words the time since the last order, beside the facts it states: "Orders 3"
// is not "Ordered once", and an order placed today is not "No order in 0 days".

// UCI Online Retail (a UK wholesaler; SOURCE.md beside the feed), as of Monday 12 Sep 2011.
const RETAIL = join(__dirname, '..', '..', 'fixtures', 'online-retail', 'feed');

const user = (email: string): TabUser => ({ userId: `aad-${email}`, name: email, email, tenantId: '' });
const access = { tenantId: '', adminUserIds: [], managerUserIds: [] };

describe('the silence a customer page states, beside its facts', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('silencereasons');
  });
  afterEach(async () => {
    await world.stop();
  });

  it("Online Retail's 15098, three invoices on 10 June 2011: '3 orders on one day, 94 days ago', not 'Ordered once'", async () => {
    const rules = defaultRules();
    const { book } = await readFeed(RETAIL, feedOptionsFrom(rules, '2011-09-12'));
    const rep = 'uk3@example.com';
    await world.storage.state.writeChanged(new Map(), [
      initialState({
        customerId: '15098',
        name: 'Customer 15098 (United Kingdom)',
        owner: rep,
        monthlyValue: 0,
      }),
    ]);
    const tabs = tabsOver(world, book, { access, clock: () => new Date('2011-09-12T14:03:00Z') });
    const page = await tabs.customer(user(rep), '15098');
    expect(page.facts).toMatchObject({ orders: 3, firstOrder: '2011-06-10', lastOrder: '2011-06-10' });
    expect(page.timeline.filter((e) => e.kind === 'order')).toHaveLength(3);
    expect(page.customer.reasons).toContain('3 orders on one day, 94 days ago');
    expect(page.customer.reasons.join(' ')).not.toContain('Ordered once');
  });

  it('a small book: two orders on one day read "2 orders on one day", one order still "Ordered once"', async () => {
    const ana = 'ana@example.com';
    const customers = [
      { id: 'C-2', name: 'Two Invoices', owner: ana, monthlyValue: 500 },
      { id: 'C-1', name: 'One Invoice', owner: ana, monthlyValue: 500 },
    ];
    // Regulars keep the book's usual time to a second order short, so both are late.
    const regulars = Array.from({ length: 6 }, (_, k) => ({
      id: `R-${k}`,
      name: `Regular ${k}`,
      owner: ana,
      monthlyValue: 300,
    }));
    const regularOrders = regulars.flatMap((c) =>
      Array.from({ length: 20 }, (_, w) => ({
        customerId: c.id,
        date: new Date(Date.UTC(2026, 5, 1) + w * 7 * 86_400_000).toISOString().slice(0, 10),
        amount: 300,
      })),
    );
    const book = bookFromRows({
      customers: [...customers, ...regulars],
      orders: [
        ...regularOrders,
        { customerId: 'C-2', date: '2026-09-01', amount: 200 },
        { customerId: 'C-2', date: '2026-09-01', amount: 300 },
        { customerId: 'C-1', date: '2026-09-01', amount: 500 },
      ],
    });
    await world.storage.state.writeChanged(
      new Map(),
      customers.map((c) => initialState({ customerId: c.id, name: c.name, owner: ana, monthlyValue: 500 })),
    );
    const tabs = tabsOver(world, book, { access, clock: () => new Date('2026-10-19T14:03:00Z') });
    const two = await tabs.customer(user(ana), 'C-2');
    expect(two.facts.orders).toBe(2);
    expect(two.customer.reasons).toContain('2 orders on one day, 48 days ago');
    const one = await tabs.customer(user(ana), 'C-1');
    expect(one.customer.reasons).toContain('Ordered once, 48 days ago');
  });

  it("Online Retail's 16984, worth a look for a second order placed this afternoon: 'Ordered today', not 'No order in 0 days'", async () => {
    const rules = defaultRules();
    const { book } = await readFeed(RETAIL, feedOptionsFrom(rules, '2011-09-12'));
    const rep = 'uk1@example.com';
    await world.storage.state.writeChanged(new Map(), [
      initialState({
        customerId: '16984',
        name: 'Customer 16984 (United Kingdom)',
        owner: rep,
        monthlyValue: 0,
      }),
    ]);
    // The evening of 12 September: the order of 13:43 is placed.
    const tabs = tabsOver(world, book, { access, clock: () => new Date('2011-09-12T20:00:00Z') });
    const page = await tabs.customer(user(rep), '16984');
    expect(page.facts).toMatchObject({ orders: 2, lastOrder: '2011-09-12' });
    expect(page.customer.daysSinceLastOrder).toBe(0);
    expect(page.customer.band).toBe('watch');
    expect(page.customer.reasons).toEqual(['Ordered today']);
  });
});
