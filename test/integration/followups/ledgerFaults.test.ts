import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FollowUpsRunDeps, runFollowUps } from '../../../jobs/followups/followUpsRun';
import { initialState } from '../../../rules/customerState';
import { bookFromRows } from '../../helpers/bookFromRows';
import {
  conversationOf,
  installReps,
  ledgerRefusing,
  openWeeklyWorld,
  repEmails,
  type WeeklyWorld,
  weeklyOrders,
} from '../weekly/weeklyWorld';
import { completed, dailyDeps, TUESDAY } from './dailyRun';

// The daily run when the ledger refuses its writes between a digest's send and its row, and when
// the admins' notice cannot be posted: as the weekly run, nothing is sent twice beyond what was in
// flight, and the notice is posted on a later tick, once.

const RUN_KEY = 'daily-2026-11-24';

/** The timer tick `n` quarter hours after the send time. */
function tick(n: number): Date {
  return new Date(TUESDAY.getTime() + n * 15 * 60_000);
}

describe('the daily run under ledger and notice faults', () => {
  let world: WeeklyWorld;
  let told: string[];
  let answers: ('posted' | 'failed')[];

  beforeEach(async () => {
    world = await openWeeklyWorld('fuledger');
    told = [];
    answers = [];
  });
  afterEach(async () => {
    await world.stop();
  });

  /**
   * Each rep has one customer silent for 31 days since they reached out: one digest row each today.
   * The reps of `installed` (default: all) have the app.
   */
  async function silentCustomers(
    reps: readonly string[],
    installed: readonly string[] = reps,
  ): Promise<FollowUpsRunDeps> {
    await installReps(world, installed);
    const customers = reps.map((owner) => ({ id: `${owner}#q`, name: `Quiet of ${owner}`, owner }));
    await world.storage.state.writeChanged(
      new Map(),
      customers.map((c) => ({
        ...initialState({ customerId: c.id, name: c.name, owner: c.owner, monthlyValue: 800 }),
        lastContact: '2026-10-24',
      })),
    );
    const book = bookFromRows({
      // The rest of the book keeps ordering (a feed whose every order is six weeks old is stale).
      customers: [
        ...customers.map((c) => ({ ...c, monthlyValue: 800 })),
        { id: 'steady', name: 'Steady Co', owner: reps[0], monthlyValue: 500 },
      ],
      orders: [
        ...customers.flatMap((c) => weeklyOrders(c.id, '2026-06-01', '2026-10-12')),
        ...weeklyOrders('steady', '2026-06-01', '2026-11-23'),
      ],
    });
    return dailyDeps(world, async () => ({ book, report: { files: [], rowsSkipped: 0 } }), {
      notifyAdmins: async (text) => {
        told.push(text);
        return answers.shift() ?? 'posted';
      },
    });
  }

  it('ledger writes throttled for three ticks: each rep still gets one digest (the saved digest settles the send)', async () => {
    const reps = repEmails(24);
    const base = await silentCustomers(reps);
    let n = 0;
    const deps = { ...base, storage: { ...world.storage, runs: ledgerRefusing(world, () => n < 3) } };
    for (; n < 3; n++) await expect(runFollowUps(deps, { now: tick(n) })).rejects.toThrow('Server Busy');
    const report = completed(await runFollowUps(deps, { now: tick(n) }));
    expect(report.counts).toMatchObject({ delivered: 24, failed: 0 });
    for (const rep of reps) expect(world.fake.sentTo(conversationOf(rep))).toHaveLength(1);
    // The digests the first tick sent (one per send slot) are recorded from their saved cards.
    expect(report.outcomes.filter((o) => o.status === 'delivered' && o.earlier)).toHaveLength(16);
    expect(report.followUpRows).toEqual({ recorded: 24, alreadyThere: 0 });
  }, 30_000);

  it('a claimed send whose digest was saved is recorded as delivered, not sent again', async () => {
    const [ana] = repEmails(1);
    let failing = true;
    const base = await silentCustomers([ana]);
    const deps = { ...base, storage: { ...world.storage, runs: ledgerRefusing(world, () => failing) } };
    await expect(runFollowUps(deps, { now: tick(0) })).rejects.toThrow('Server Busy');
    failing = false;
    const report = completed(await runFollowUps(deps, { now: tick(1) }));
    const [sent] = world.fake.sentTo(conversationOf(ana));
    expect(world.fake.sentTo(conversationOf(ana))).toHaveLength(1);
    expect(report.outcomes).toEqual([
      expect.objectContaining({ rep: ana, status: 'delivered', earlier: true, customers: 1 }),
    ]);
    expect(report.sends.attempts).toBe(0);
    expect(await world.storage.runs.listRun(RUN_KEY)).toEqual([
      expect.objectContaining({ repId: ana, status: 'delivered', activityId: sent.activityId }),
    ]);
    expect(report.followUpRows).toEqual({ recorded: 1, alreadyThere: 0 });
  }, 30_000);

  it('an end-of-run notice that failed is posted on a later tick of the day, once', async () => {
    const [ann, bob] = ['ann@example.com', 'bob@example.com'];
    const deps = await silentCustomers([ann, bob]);
    world.fake.injectForConversation(conversationOf(bob), { status: 403, code: 'ConversationBlockedByUser' });
    answers = ['failed', 'failed'];
    const first = completed(await runFollowUps(deps, { now: tick(0) }));
    expect(first).toMatchObject({ adminNotice: 'failed', retry: 'none', counts: { unreachable: 1 } });
    const logged = world.log.lines.find((l) => l.message.startsWith(`Follow-ups ${RUN_KEY}`));
    expect(logged?.message).toContain("The admins' notice could not be posted");
    expect(told[0]).not.toContain("admins' notice");
    expect(await runFollowUps(deps, { now: tick(1) })).toMatchObject({
      status: 'not_due',
      reason: 'already_ran',
      adminNotice: 'failed',
    });
    expect(await runFollowUps(deps, { now: tick(2) })).toMatchObject({
      status: 'not_due',
      adminNotice: 'posted',
    });
    // The posted notice is recorded: later ticks find it so and post nothing.
    expect(await runFollowUps(deps, { now: tick(3) })).toMatchObject({
      status: 'not_due',
      reason: 'already_ran',
      adminNotice: 'already_sent',
    });
    expect(told).toHaveLength(3);
    expect(new Set(told).size).toBe(1);
    expect(told[0]).toContain(`Rep ${bob} (${bob}):`);
    expect(world.fake.sentTo(conversationOf(ann))).toHaveLength(1);
    expect(await world.storage.runs.noticeSent(RUN_KEY)).toBe(true);
  }, 30_000);

  it('a kept notice of reps a later attempt left without a digest outlives the attempts after it, and is posted once', async () => {
    const [ann, bob, cal, dan] = ['ann@example.com', 'bob@example.com', 'cal@example.com', 'dan@example.com'];
    const deps = await silentCustomers([ann, bob, cal, dan], [ann, bob]);
    const posted = () => told.filter((_, i) => results[i] === 'posted');
    const results: string[] = [];
    const tracked: FollowUpsRunDeps = {
      ...deps,
      notifyAdmins: async (text) => {
        const result = (await deps.notifyAdmins?.(text)) ?? 'failed';
        results.push(result);
        return result;
      },
    };
    world.fake.injectForConversation(conversationOf(bob), { status: 403, code: 'ConversationBlockedByUser' });
    // 09:03: Bob refused; the day's notice names him.
    completed(await runFollowUps(tracked, { now: tick(0) }));
    expect(posted()).toHaveLength(1);
    // Cal adds the app and an admin runs the day again: Teams refuses him too, and the notice of him
    // cannot be posted, so the run's row keeps it.
    await installReps(world, [cal]);
    world.fake.injectForConversation(conversationOf(cal), { status: 403, code: 'ConversationBlockedByUser' });
    answers = ['failed', 'failed'];
    const calsRun = { now: new Date(tick(0).getTime() + 5 * 60_000), force: true };
    expect(completed(await runFollowUps(tracked, calsRun))).toMatchObject({ laterNotice: 'failed' });
    // Dan adds it too, and the day is run again: his digest fails, tried again on the next tick.
    await installReps(world, [dan]);
    world.fake.injectForConversation(conversationOf(dan), { status: 503 });
    const dansRun = { now: new Date(tick(0).getTime() + 7 * 60_000), force: true };
    expect(completed(await runFollowUps(tracked, dansRun))).toMatchObject({ retry: 'next_tick' });
    expect((await world.storage.runs.getRun(RUN_KEY))?.pendingNotice).toContain(`Rep ${cal} (${cal})`);
    // 09:18, the admins reached: the kept notice of Cal, then the day's last attempt's of Dan.
    completed(await runFollowUps(tracked, { now: tick(1) }));
    await runFollowUps(tracked, { now: tick(2) });
    const [, ofCal, ofDan] = posted();
    expect(posted()).toHaveLength(3);
    expect(ofCal).toContain(`Rep ${cal} (${cal})`);
    expect(ofCal).not.toContain(dan);
    expect(ofDan).toContain(`Rep ${dan} (${dan})`);
    expect(ofDan).not.toContain(cal);
    expect(ofDan).not.toContain(bob);
  }, 30_000);
});
