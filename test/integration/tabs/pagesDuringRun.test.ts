import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeedError } from '../../../feed/feedError';
import { feedReadKey, keptFeed } from '../../../feed/keptFeed';
import type { FeedResult } from '../../../feed/readFeed';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { defaultRules } from '../../../rules/rulesSchema';
import type { TabUser } from '../../../tabs/api/tabToken';
import {
  completed,
  depsFor,
  installReps,
  openWeeklyWorld,
  slippingBook,
  tabsOver,
  type WeeklyWorld,
} from '../weekly/weeklyWorld';

// Monday 08:03: a new export came overnight and the weekly run reads it, which on a large book takes
// minutes. The tabs share the run's read of the feed (one read per export): a customer's page and its
// chart opened meanwhile answer from the feed as last read, and say so, rather than wait for the run.
// Then the run sends the cards, rep by rep: the Team tab's counts of this week's cards grow as they go.

const ANA = 'ana@example.com';
const MANAGER: TabUser = {
  userId: 'aad-boss',
  name: 'Boss',
  email: 'boss@example.com',
  tenantId: 'tenant-1',
};
const CUSTOMER = `${ANA}#s0`;

describe('the tabs while the Monday run is under way', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('pagesrun');
  });
  afterEach(async () => {
    await world.stop();
  });

  it('answers every page at once from the feed as last read, saying a newer read is under way; then from the new one', async () => {
    const rules = defaultRules();
    const book = slippingBook([ANA], { slipping: 3 });
    let now = new Date('2026-11-20T15:00:00Z');
    let exportVersion = 'friday';
    const feed = keptFeed({ clock: () => now, version: async () => exportVersion });
    await installReps(world, [ANA]);
    completed(await runWeekly(depsFor(world, book), { now: new Date('2026-11-16T14:03:00Z') }));
    const tabs = tabsOver(world, book, {
      clock: () => now,
      feed,
      access: { tenantId: 'tenant-1', adminUserIds: [], managerUserIds: [MANAGER.userId] },
    });
    // Friday: the page and its chart, read and drawn.
    expect((await tabs.chart(MANAGER, CUSTOMER)).weeks.length).toBeGreaterThan(0);

    // Monday: the run reads the new export, which takes until `release`.
    now = new Date('2026-11-23T14:03:00Z');
    exportVersion = 'monday';
    let release = () => {};
    const downloaded = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slowRead = async (): Promise<FeedResult> => {
      await downloaded;
      return { book, report: { files: [], rowsSkipped: 0 } };
    };
    const run = runWeekly(
      depsFor(world, book, {
        readBook: (asOf) => feed.read({ key: feedReadKey(rules, asOf), read: slowRead, recheck: true }),
      }),
      { now },
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      now = new Date('2026-11-23T14:05:00Z');
      const waited = (ms: number) =>
        new Promise<'still waiting'>((r) => setTimeout(() => r('still waiting'), ms));
      const page = await Promise.race([tabs.customer(MANAGER, CUSTOMER), waited(5_000)]);
      const chart = await Promise.race([tabs.chart(MANAGER, CUSTOMER), waited(5_000)]);
      expect(page === 'still waiting' ? page : page.feedBeingRead).toBe(true);
      expect(chart === 'still waiting' ? chart : chart.feedBeingRead).toBe(true);
      if (chart !== 'still waiting') expect(chart.weeks.length).toBeGreaterThan(0);
      // The list of customers and the Team tab answer from the same last read: they say so too, or
      // Friday's chances read as this morning's beside the cards the run is about to send.
      const list = await Promise.race([tabs.customers(MANAGER), waited(5_000)]);
      const team = await Promise.race([tabs.team(MANAGER, { rep: null, month: null }), waited(5_000)]);
      expect(list === 'still waiting' ? list : list.feedBeingRead).toBe(true);
      expect(team === 'still waiting' ? team : team.feedBeingRead).toBe(true);
    } finally {
      release();
    }
    completed(await run);
    // The run's read done, the page is of it.
    expect((await tabs.customer(MANAGER, CUSTOMER)).feedBeingRead).toBe(false);
    expect((await tabs.chart(MANAGER, CUSTOMER)).feedBeingRead).toBe(false);
    expect((await tabs.customers(MANAGER)).feedBeingRead).toBe(false);
    expect((await tabs.team(MANAGER, { rep: null, month: null })).feedBeingRead).toBe(false);
  });

  it("says on the Team tab that this week's run is still sending, while its counts are of the cards sent so far", async () => {
    const BEN = 'ben@example.com';
    const book = slippingBook([ANA, BEN], { slipping: 2 });
    await installReps(world, [ANA, BEN]);
    const now = new Date('2026-11-23T14:03:00Z');
    let release = () => {};
    const benHeld = new Promise<void>((resolve) => {
      release = resolve;
    });
    let anaSent = () => {};
    const anaDone = new Promise<void>((resolve) => {
      anaSent = resolve;
    });
    const deps = depsFor(world, book);
    const run = runWeekly(
      {
        ...deps,
        sender: async (reference, card, summary) => {
          if (JSON.stringify(reference).includes(BEN)) {
            anaSent();
            await benHeld;
          }
          return deps.sender(reference, card, summary);
        },
      },
      { now },
    );
    const tabs = tabsOver(world, book, {
      clock: () => new Date('2026-11-23T14:05:00Z'),
      access: { tenantId: 'tenant-1', adminUserIds: [], managerUserIds: [MANAGER.userId] },
    });
    try {
      await anaDone;
      const during = await tabs.team(MANAGER, { rep: null, month: null });
      expect([during.weeklyRunUnderWay, during.listedThisWeek]).toEqual([true, 2]);
      // Ben's card is still on its way: not one that reached no rep.
      expect([during.notDeliveredThisWeek, during.weeklyRunDone]).toEqual([0, false]);
    } finally {
      release();
    }
    completed(await run);
    const after = await tabs.team(MANAGER, { rep: null, month: null });
    expect([after.weeklyRunUnderWay, after.listedThisWeek]).toEqual([false, 4]);
  });

  it('does not call a run the feed stopped "under way": it sends nothing until the feed is fixed', async () => {
    const book = slippingBook([ANA], { slipping: 2 });
    await installReps(world, [ANA]);
    const now = new Date('2026-11-23T14:03:00Z');
    const broken = async (): Promise<FeedResult> => {
      throw new FeedError('missing_file', 'No orders file in the feed folder', 'orders.csv');
    };
    const stopped = await runWeekly(depsFor(world, book, { readBook: broken }), { now });
    expect(stopped.status).toBe('stopped');
    const tabs = tabsOver(world, book, {
      clock: () => new Date('2026-11-23T16:00:00Z'),
      access: { tenantId: 'tenant-1', adminUserIds: [], managerUserIds: [MANAGER.userId] },
    });
    // The run row stays open for the next tick to try again, but no card is on its way.
    const team = await tabs.team(MANAGER, { rep: null, month: null });
    expect([team.weeklyRunUnderWay, team.listedThisWeek]).toEqual([false, 0]);
  });
});
