import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initialState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import { createTabService } from '../../../tabs/api/tabService';
import type { TabUser } from '../../../tabs/api/tabToken';
import { bookFromRows } from '../../helpers/bookFromRows';
import { openWeeklyWorld, TIME_ZONE, type WeeklyWorld, weeklyOrders, wonBackBy } from '../weekly/weeklyWorld';

// Ana won Greenfield back in November, then left: the feed gave all her customers to Ben. In
// December the manager still finds Ana among the reps of the Team tab, with her November.

const ANA = 'ana@example.com';
const BEN = 'ben@example.com';
const MANAGER: TabUser = { userId: 'aad-maria', name: 'Maria', email: 'maria@example.com', tenantId: 't' };
const rules = defaultRules();

/** The tab service over the world's storage and `book`, on 3 December 2026, with Maria as manager. */
function tabsOn(world: WeeklyWorld, book: ReturnType<typeof bookFromRows>) {
  return createTabService({
    storage: world.storage,
    cards: world.cards,
    rules,
    readBook: async () => ({ book, report: { files: [], rowsSkipped: 0 } }),
    timeZone: TIME_ZONE,
    access: { tenantId: '', adminUserIds: [], managerUserIds: [MANAGER.userId] },
    clock: () => new Date('2026-12-03T15:00:00Z'),
  });
}

describe('the Team tab after a rep left', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('teamleft');
    const greenfield = {
      ...initialState({ customerId: 'C-1', name: 'Greenfield Cafe', owner: ANA, monthlyValue: 1200 }),
      band: 'at_risk' as const,
      surfacedAt: '2026-11-09',
    };
    await world.storage.state.writeChanged(new Map(), [greenfield]);
    await wonBackBy(
      world,
      greenfield,
      { userId: 'aad-ana', name: 'Ana Ruiz' },
      { at: '2026-11-16T15:00:00.000Z', card: 'card-ana', value: '900' },
    );
    await world.storage.state.update('C-1', (s) => s && { ...s, owner: BEN });
  });
  afterEach(async () => {
    await world.stop();
  });

  it('lists the rep who left among the reps, and their month under their name', async () => {
    const book = bookFromRows({
      customers: [{ id: 'C-1', name: 'Greenfield Cafe', owner: BEN, monthlyValue: 1200 }],
      orders: weeklyOrders('C-1', '2026-01-05', '2026-12-01'),
    });
    const tabs = tabsOn(world, book);
    const team = await tabs.team(MANAGER, { rep: null, month: '2026-11' });
    expect(team.reps.map((r) => r.owner)).toEqual([ANA, BEN]);
    const anas = await tabs.team(MANAGER, { rep: ANA, month: '2026-11' });
    expect(anas.monthly.at(-1)).toMatchObject({ month: '2026-11', saves: 1, valueWonBack: 900 });
    const bens = await tabs.team(MANAGER, { rep: BEN, month: '2026-11' });
    expect(bens.monthly.at(-1)).toMatchObject({ month: '2026-11', saves: 0 });
  });
});

describe('the customer page of a customer the feed dropped', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('dropped');
    const greenfield = initialState({
      customerId: 'C-1',
      name: 'Greenfield Cafe',
      owner: BEN,
      monthlyValue: 1200,
    });
    await world.storage.state.writeChanged(new Map(), [greenfield]);
  });
  afterEach(async () => {
    await world.stop();
  });

  it('still opens, with the stored customer and no figures from orders the feed no longer has', async () => {
    const book = bookFromRows({
      customers: [{ id: 'C-2', name: 'Blue Door', owner: BEN, monthlyValue: 800 }],
      orders: weeklyOrders('C-2', '2026-01-05', '2026-12-01'),
    });
    const tabs = tabsOn(world, book);
    const ben: TabUser = { userId: 'aad-ben', name: 'Ben', email: BEN, tenantId: 't' };
    const page = await tabs.customer(ben, 'C-1');
    expect(page.customer).toMatchObject({ customerId: 'C-1', name: 'Greenfield Cafe', kind: 'not_in_feed' });
    expect(page.facts).toMatchObject({ orders: 0, spend: 0, lastOrder: null, expectedNextOrder: null });
    expect([page.ordersByMonth, page.timeline]).toEqual([[], []]);
    expect((await tabs.chart(ben, 'C-1')).weeks).toEqual([]);
    expect(page.lossReasons.length).toBeGreaterThan(0);
  });
});
