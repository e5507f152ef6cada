import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
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

// Monday's run is done. Ana has the app; Ben, named in the feed as the owner of three slipping
// customers, never installed it, so his card reached nobody. A manager who picks Ben on the Team tab
// read "No weekly card has gone out this week yet" (on the Online Retail book, for four reps of five),
// and so did a rep with no customers at all: the week's untouched box must say which it is.

const ANA = 'ana@example.com';
const BEN = 'ben@example.com';
const MANAGER: TabUser = {
  userId: 'aad-boss',
  name: 'Boss',
  email: 'boss@example.com',
  tenantId: 'tenant-1',
};
/** A rep with the app and no customer in the feed. */
const NEW_REP: TabUser = {
  userId: 'aad-new@example.com',
  name: 'New Rep',
  email: 'new@example.com',
  tenantId: 'tenant-1',
};

describe("the Team tab's week when a rep's card reached nobody", () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('undelivered');
  });
  afterEach(async () => {
    await world.stop();
  });

  it("counts the rep's customers flagged on a card that reached nobody, and says this week's run is done", async () => {
    const book = slippingBook([ANA, BEN], { slipping: 3 });
    await installReps(world, [ANA, NEW_REP.email]);
    completed(await runWeekly(depsFor(world, book), { now: new Date('2026-11-23T14:03:00Z') }));
    const tabs = tabsOver(world, book, {
      clock: () => new Date('2026-11-23T16:00:00Z'),
      access: { tenantId: 'tenant-1', adminUserIds: [], managerUserIds: [MANAGER.userId] },
    });

    const ben = await tabs.team(MANAGER, { rep: BEN, month: null });
    expect([ben.listedThisWeek, ben.notDeliveredThisWeek, ben.weeklyRunDone]).toEqual([0, 3, true]);
    const ana = await tabs.team(MANAGER, { rep: ANA, month: null });
    expect([ana.listedThisWeek, ana.notDeliveredThisWeek, ana.weeklyRunDone]).toEqual([3, 0, true]);
    const everyone = await tabs.team(MANAGER, { rep: null, month: null });
    expect([everyone.listedThisWeek, everyone.notDeliveredThisWeek]).toEqual([3, 3]);
    const newRep = await tabs.team(NEW_REP, { rep: null, month: null });
    expect([newRep.listedThisWeek, newRep.notDeliveredThisWeek, newRep.weeklyRunDone]).toEqual([0, 0, true]);
  });

  it('before the Monday run, no week is done', async () => {
    const book = slippingBook([ANA, BEN], { slipping: 3 });
    await installReps(world, [ANA]);
    const tabs = tabsOver(world, book, {
      clock: () => new Date('2026-11-23T12:00:00Z'),
      access: { tenantId: 'tenant-1', adminUserIds: [], managerUserIds: [MANAGER.userId] },
    });
    const ben = await tabs.team(MANAGER, { rep: BEN, month: null });
    expect([ben.listedThisWeek, ben.notDeliveredThisWeek, ben.weeklyRunDone]).toEqual([0, 0, false]);
  });

  it('a rep waiting for the send time in their own zone is not told their card reached nobody, nor that the week is done', async () => {
    // A New York team: Ben's client is in Los Angeles, so at 09:00 New York his card is three hours off.
    const book = slippingBook([ANA, BEN], { slipping: 3 });
    await installReps(world, [ANA, BEN]);
    const ben = await world.storage.conversations.getRep(`aad-${BEN}`);
    if (!ben) throw new Error('Ben is installed');
    await world.storage.conversations.saveRep({ ...ben, timeZone: 'America/Los_Angeles' });
    const first = completed(
      await runWeekly(
        depsFor(world, book, {
          config: { timeZone: 'America/New_York', weeklySendAt: { weekday: 1, hour: 8, minute: 3 } },
        }),
        { now: new Date('2026-11-23T13:03:00Z') },
      ),
    );
    expect(first.counts).toMatchObject({ delivered: 1, waiting: 1 });
    const tabs = tabsOver(world, book, {
      clock: () => new Date('2026-11-23T14:00:00Z'),
      access: { tenantId: 'tenant-1', adminUserIds: [], managerUserIds: [MANAGER.userId] },
    });
    const benTeam = await tabs.team(MANAGER, { rep: BEN, month: null });
    expect([benTeam.listedThisWeek, benTeam.notDeliveredThisWeek, benTeam.weeklyRunDone]).toEqual([
      0,
      0,
      false,
    ]);
    const everyone = await tabs.team(MANAGER, { rep: null, month: null });
    expect([everyone.listedThisWeek, everyone.notDeliveredThisWeek]).toEqual([3, 0]);
    // Nor does the month's table, as the summary card counts it: his card is still to come.
    expect(everyone.monthly.at(-1)).toMatchObject({ month: '2026-11', surfaced: 3, flaggedNotDelivered: 0 });
  });
});
