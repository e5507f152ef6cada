import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { localMonth } from '../../../rules/calendar';
import { weeklyRows } from '../../helpers/weeklyCardData';
import {
  completed,
  conversationOf,
  depsFor,
  installReps,
  openWeeklyWorld,
  repEmails,
  SEND_TIME,
  slippingBook,
  TIME_ZONE,
  type WeeklyWorld,
  weeklyOrders,
} from './weeklyWorld';

describe('runWeekly on Azurite and the fake Teams connector', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('run');
  });
  afterEach(async () => {
    await world.stop();
  });

  it('delivers exactly one card to every rep, stores states, audits who surfaced, records the ledger', async () => {
    const reps = repEmails(6);
    await installReps(world, reps);
    const book = slippingBook(reps, { slipping: 3, steady: 2 });
    const report = completed(await runWeekly(depsFor(world, book), { now: SEND_TIME }));

    expect(report.runKey).toBe('weekly-2026-W48');
    expect(report.localDate).toBe('2026-11-23');
    expect(report.counts).toEqual({
      delivered: 6,
      nothing_to_send: 0,
      unreachable: 0,
      no_conversation: 0,
      failed: 0,
      waiting: 0,
    });
    for (const rep of reps) expect(world.fake.sentTo(conversationOf(rep))).toHaveLength(1);
    expect(world.fake.activities).toHaveLength(6);

    // States: every customer stored; the slipping ones with today's surfacedAt.
    const states = await world.storage.state.getAll();
    expect(states.size).toBe(30);
    const slip = states.get(`${reps[0]}#s0`);
    expect(slip).toMatchObject({ band: 'at_risk', surfacedAt: '2026-11-23', status: 'active' });
    expect(states.get(`${reps[0]}#ok0`)).toMatchObject({ band: 'steady', surfacedAt: null });
    expect(report.stateWrites.written).toBe(30);

    // One `surfaced` audit row per customer on a list, in the team's month.
    const audit = await world.storage.audit.readMonth(localMonth(SEND_TIME.toISOString(), TIME_ZONE));
    expect(audit.filter((r) => r.action === 'surfaced')).toHaveLength(18);
    expect(report.surfacedRows).toEqual({ recorded: 18, alreadyThere: 0 });

    // Ledger rows carry the activity ids, and the card data is saved under each for in-place updates.
    const ledger = await world.storage.runs.listRun('weekly-2026-W48');
    expect(ledger).toHaveLength(6);
    for (const row of ledger) {
      expect(row.status).toBe('delivered');
      const saved = await world.cards.get(conversationOf(row.repId), row.activityId ?? '');
      expect(saved?.repUserId).toBe(`aad-${row.repId}`);
      expect(saved?.conversationId).toBe(conversationOf(row.repId));
      expect(
        weeklyRows(saved)
          .map((c) => c.customerId)
          .sort(),
      ).toEqual([0, 1, 2].map((k) => `${row.repId}#s${k}`));
    }
    const run = await world.storage.runs.getRun('weekly-2026-W48');
    expect(run?.finishedAt).toBeDefined();
    expect(JSON.parse(run?.report ?? '{}')).toMatchObject({ counts: { delivered: 6 } });
  });

  it('a second tick in the same week does nothing; a forced rerun sends nothing twice and adds no audit rows', async () => {
    const reps = repEmails(3);
    await installReps(world, reps);
    const deps = depsFor(world, slippingBook(reps, { slipping: 2 }));
    completed(await runWeekly(deps, { now: SEND_TIME }));

    const later = new Date(SEND_TIME.getTime() + 15 * 60_000);
    expect(await runWeekly(deps, { now: later })).toEqual({
      status: 'not_due',
      runKey: 'weekly-2026-W48',
      reason: 'already_ran',
    });
    const forced = completed(await runWeekly(deps, { now: later, force: true }));
    expect(forced.counts.delivered).toBe(3);
    expect(forced.deliveredEarlier).toBe(3);
    expect(forced.surfacedRows).toEqual({ recorded: 0, alreadyThere: 6 });
    expect(world.fake.activities).toHaveLength(3);
  });

  it('a forced rerun in the next month writes its rows in that month, stamped at its start, once', async () => {
    const reps = repEmails(2);
    await installReps(world, reps);
    // A customer ordering every Monday up to the run keeps the feed current into December.
    const current = { id: 'current', name: 'Current Co', owner: reps[0], monthlyValue: 900 };
    const book = slippingBook(
      reps,
      { slipping: 2 },
      { customers: [current], orders: weeklyOrders('current', '2026-01-05', '2026-11-30') },
    );
    const deps = depsFor(world, book);
    // Monday 30 November 08:03 in Chicago, then forced on Wednesday 2 and Thursday 3 December (same ISO week).
    const first = completed(await runWeekly(deps, { now: new Date('2026-11-30T14:03:00Z') }));
    const n = first.surfacedRows.recorded;
    expect(n).toBeGreaterThanOrEqual(4);
    expect(first.surfacedRows.alreadyThere).toBe(0);
    const december = completed(await runWeekly(deps, { now: new Date('2026-12-02T15:00:00Z'), force: true }));
    expect(december.runKey).toBe(first.runKey);
    expect(december.surfacedRows).toEqual({ recorded: n, alreadyThere: 0 });
    const again = completed(await runWeekly(deps, { now: new Date('2026-12-03T15:00:00Z'), force: true }));
    expect(again.surfacedRows).toEqual({ recorded: 0, alreadyThere: n });

    const at = async (month: string) =>
      (await world.storage.audit.readMonth(month)).filter((r) => r.action === 'surfaced').map((r) => r.at);
    // November's rows keep the run's start; December's carry midnight of 1 December in Chicago, not
    // the November start (whose month's summary would already have been posted).
    expect(await at('2026-11')).toEqual(Array(n).fill('2026-11-30T14:03:00.000Z'));
    expect(await at('2026-12')).toEqual(Array(n).fill('2026-12-01T06:00:00.000Z'));
    expect(world.fake.activities).toHaveLength(2);
  });

  it('is not due before Monday 08:03 local, and sends nothing', async () => {
    const reps = repEmails(1);
    await installReps(world, reps);
    const deps = depsFor(world, slippingBook(reps, { slipping: 1 }));
    const before = new Date(SEND_TIME.getTime() - 60_000);
    expect(await runWeekly(deps, { now: before })).toMatchObject({
      status: 'not_due',
      reason: 'before_send_time',
    });
    expect(world.fake.stats.requests).toBe(0);
    expect(await world.storage.runs.getRun('weekly-2026-W48')).toBeNull();
  });

  it('accounts for every rep: 403 is unreachable (recorded), no install is no_conversation, an empty list sends no card', async () => {
    const [blocked, missing, quiet, fine] = ['blocked@x.com', 'missing@x.com', 'quiet@x.com', 'fine@x.com'];
    await installReps(world, [blocked, quiet, fine]);
    world.fake.injectForConversation(conversationOf(blocked), {
      status: 403,
      code: 'ConversationBlockedByUser',
    });
    const withQuiet = slippingBook(
      [blocked, missing, fine],
      { slipping: 1 },
      {
        customers: [{ id: 'quiet#ok', owner: quiet, monthlyValue: 500 }],
        orders: [{ customerId: 'quiet#ok', date: '2026-11-20', amount: 100 }],
      },
    );
    const notices: string[] = [];
    const deps = depsFor(world, withQuiet, {
      notifyAdmins: async (text) => {
        notices.push(text);
        return 'posted';
      },
    });
    const report = completed(await runWeekly(deps, { now: SEND_TIME }));

    expect(report.outcomes).toEqual([
      { rep: blocked, status: 'unreachable', code: 'ConversationBlockedByUser', earlier: false },
      expect.objectContaining({ rep: fine, status: 'delivered', customers: 1, earlier: false }),
      { rep: missing, status: 'no_conversation' },
      { rep: quiet, status: 'nothing_to_send', earlier: false },
    ]);
    expect(report.notReached.map((n) => [n.rep, n.status])).toEqual([
      [blocked, 'unreachable'],
      [missing, 'no_conversation'],
    ]);
    expect(report.adminNotice).toBe('posted');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(
      `- Rep ${blocked} (${blocked}): they blocked the app's chat (ConversationBlockedByUser)`,
    );
    expect(notices[0]).toContain(`${missing}: the app is not installed for them`);
    expect(world.fake.sentTo(conversationOf(quiet))).toHaveLength(0);
    expect(world.log.lines.some((l) => l.level === 'warn' && l.message.includes(missing))).toBe(true);

    const ledger = new Map((await world.storage.runs.listRun(report.runKey)).map((d) => [d.repId, d.status]));
    expect(Object.fromEntries(ledger)).toEqual({
      [blocked]: 'unreachable',
      [fine]: 'delivered',
      [quiet]: 'nothing_to_send',
    });

    // Once installed, a rerun of the week reaches the missing rep; the blocked one is not retried.
    await installReps(world, [missing]);
    const rerun = completed(await runWeekly(deps, { now: SEND_TIME, force: true }));
    expect(rerun.outcomes.find((o) => o.rep === missing)).toMatchObject({
      status: 'delivered',
      earlier: false,
    });
    expect(rerun.outcomes.find((o) => o.rep === blocked)).toMatchObject({
      status: 'unreachable',
      earlier: true,
    });
    expect(world.fake.sentTo(conversationOf(fine))).toHaveLength(1);
    expect(world.fake.stats.injected).toBe(1);
  });
});
