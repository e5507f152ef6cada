import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initialState } from '../../../rules/customerState';
import type { TabUser } from '../../../tabs/api/tabToken';
import { bookFromRows } from '../../helpers/bookFromRows';
import { openWeeklyWorld, tabsOver, type WeeklyWorld, weeklyOrders } from '../weekly/weeklyWorld';

// A book whose export began in June (a new order system, or an export of the last six months):
// on 3 December the customer page's "Orders by month" has nothing to say of the months before.

const ANA: TabUser = { userId: 'aad-ana', name: 'Ana', email: 'ana@example.com', tenantId: 't' };

describe('"Orders by month" on a customer page of a feed younger than a year', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('ordersbymonth');
    await world.storage.state.writeChanged(new Map(), [
      initialState({ customerId: 'C-1', name: 'Greenfield Cafe', owner: ANA.email, monthlyValue: 1200 }),
    ]);
  });
  afterEach(async () => {
    await world.stop();
  });

  it('starts at the month of the feed’s first order: no empty months the export never covered', async () => {
    const book = bookFromRows({
      customers: [
        { id: 'C-1', name: 'Greenfield Cafe', owner: ANA.email, monthlyValue: 1200 },
        { id: 'C-2', name: 'Blue Door', owner: ANA.email, monthlyValue: 800 },
      ],
      // Blue Door's first order is the feed's first; Greenfield joined in August.
      orders: [
        ...weeklyOrders('C-2', '2026-06-03', '2026-12-01'),
        ...weeklyOrders('C-1', '2026-08-05', '2026-12-01'),
      ],
    });
    const tabs = tabsOver(world, book, {
      access: { tenantId: '', adminUserIds: [], managerUserIds: [] },
      clock: () => new Date('2026-12-03T15:00:00Z'),
    });
    const page = await tabs.customer(ANA, 'C-1');
    expect(page.ordersByMonth.map((m) => m.month)).toEqual([
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
      '2026-11',
      '2026-12',
    ]);
    // Before Greenfield's first order, inside the feed: months without an order, as they were.
    expect(page.ordersByMonth.slice(0, 2).map((m) => m.orders)).toEqual([0, 0]);
    expect(page.ordersByMonth[2].orders).toBeGreaterThan(0);
  });
});
