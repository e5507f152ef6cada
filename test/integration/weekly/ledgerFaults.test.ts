import { join } from 'node:path';
import { RestError } from '@azure/data-tables';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFeed } from '../../../feed/readFeed';
import type { WeeklyReport } from '../../../jobs/weekly/weeklyReport';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import type { TableCardStore } from '../../../storage/cardStore';
import {
  completed,
  conversationOf,
  depsFor,
  installReps,
  ledgerRefusing,
  openWeeklyWorld,
  repEmails,
  SEND_TIME,
  slippingBook,
  tickAfterSend,
  type WeeklyWorld,
  weeklyOrders,
} from './weeklyWorld';

// The run ledger and the admins' notice when storage or Teams fail between the steps of a run.

const RUN_KEY = 'weekly-2026-W48';

function throttled(): RestError {
  return new RestError('Server Busy (injected)', { statusCode: 503 });
}

describe('the ledger under faults', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('ledger');
  });
  afterEach(async () => {
    await world.stop();
  });

  /** The world's card store, with saves refused while `failing()` says so. */
  function cardsRefusing(failing: () => boolean): TableCardStore {
    const cards = world.cards;
    return Object.assign(Object.create(cards) as TableCardStore, {
      save: async (...args: Parameters<TableCardStore['save']>) => {
        if (failing()) throw throttled();
        return cards.save(...args);
      },
    });
  }

  it('ledger writes throttled for three ticks: each rep still gets one card (the saved card settles the send)', async () => {
    const reps = repEmails(40);
    await installReps(world, reps);
    let n = 0;
    const deps = depsFor(world, slippingBook(reps, { slipping: 1 }), {
      storage: { ...world.storage, runs: ledgerRefusing(world, () => n < 3) },
    });
    for (; n < 3; n++)
      await expect(runWeekly(deps, { now: tickAfterSend(n) })).rejects.toThrow('Server Busy');
    const report = completed(await runWeekly(deps, { now: tickAfterSend(n) }));
    expect(report.counts).toMatchObject({ delivered: 40, failed: 0 });
    for (const rep of reps) expect(world.fake.sentTo(conversationOf(rep))).toHaveLength(1);
    // The sends whose rows were missing are recorded as delivered by the earlier tick that sent them.
    expect(report.deliveredEarlier).toBe(16);
    expect(report.sends.attempts - report.sends.retries).toBe(40 - 16);
  }, 30_000);

  it('ledger and card saves both refused: a rep in flight gets at most one duplicate, however many ticks fail', async () => {
    const reps = repEmails(40);
    await installReps(world, reps);
    let n = 0;
    const deps = depsFor(world, slippingBook(reps, { slipping: 1 }), {
      storage: { ...world.storage, runs: ledgerRefusing(world, () => n < 3) },
      cards: cardsRefusing(() => n < 3),
    });
    for (; n < 3; n++)
      await expect(runWeekly(deps, { now: tickAfterSend(n) })).rejects.toThrow('Server Busy');
    const reports: WeeklyReport[] = [];
    for (; n < 6; n++) reports.push(await runWeekly(deps, { now: tickAfterSend(n) }));
    const perRep = reps.map((rep) => world.fake.sentTo(conversationOf(rep)).length);
    expect(Math.max(...perRep)).toBe(2);
    expect(perRep.every((count) => count >= 1)).toBe(true);
    // Only the reps in flight when a tick failed were sent twice: 16 per failing tick that sent anew.
    expect(perRep.filter((count) => count === 2).length).toBeLessThanOrEqual(32);
    const last = completed(reports[0]);
    expect(last.outcomes.filter((o) => o.status === 'failed')).toEqual(
      expect.arrayContaining([expect.objectContaining({ error: expect.stringContaining('not sent again') })]),
    );
  }, 60_000);

  it('two instances on the same tick: one runs the week, the other leaves it, and each rep gets one card', async () => {
    const reps = repEmails(12);
    await installReps(world, reps);
    const deps = depsFor(world, slippingBook(reps, { slipping: 1 }));
    const [a, b] = await Promise.all([
      runWeekly(deps, { now: SEND_TIME }),
      runWeekly(deps, { now: SEND_TIME, force: true }),
    ]);
    expect([a.status, b.status].sort()).toEqual(['completed', 'not_due']);
    expect([a, b].find((r) => r.status === 'not_due')).toMatchObject({ reason: 'in_progress' });
    for (const rep of reps) expect(world.fake.sentTo(conversationOf(rep))).toHaveLength(1);
  });

  it('two instances on a retry attempt both go ahead, and the claims still send each card once', async () => {
    const reps = repEmails(6);
    await installReps(world, reps);
    const deps = depsFor(world, slippingBook(reps, { slipping: 1 }));
    const failing = reps.slice(0, 3);
    for (const rep of failing) world.fake.injectForConversation(conversationOf(rep), { status: 503 });
    const first = completed(await runWeekly(deps, { now: tickAfterSend(0) }));
    expect(first.counts.failed).toBe(3);
    for (const rep of failing) world.fake.injectForConversation(conversationOf(rep), { status: 503 }, 0);
    const both = await Promise.all([
      runWeekly(deps, { now: tickAfterSend(1) }),
      runWeekly(deps, { now: tickAfterSend(1) }),
    ]);
    for (const rep of reps) expect(world.fake.sentTo(conversationOf(rep))).toHaveLength(1);
    const delivered = both.map((r) => completed(r).counts.delivered - completed(r).deliveredEarlier);
    expect(delivered[0] + delivered[1]).toBe(3);
  }, 30_000);

  it('a rep delivered in an earlier attempt: customers the feed added since are not audited as flagged', async () => {
    const [ann, bob] = ['ann@example.com', 'bob@example.com'];
    await installReps(world, [ann, bob]);
    world.fake.injectForConversation(conversationOf(bob), { status: 503 });
    const before = slippingBook([ann, bob], { slipping: 1 });
    const first = completed(await runWeekly(depsFor(world, before), { now: tickAfterSend(0) }));
    expect(first).toMatchObject({ retry: 'next_tick', counts: { delivered: 1, failed: 1 } });

    world.fake.injectForConversation(conversationOf(bob), { status: 503 }, 0);
    const late = `${ann}#late`;
    const after = slippingBook(
      [ann, bob],
      { slipping: 1 },
      {
        customers: [{ id: late, name: 'Added later', owner: ann, monthlyValue: 5000 }],
        orders: weeklyOrders(late, '2026-01-05', '2026-09-14'),
      },
    );
    const second = completed(await runWeekly(depsFor(world, after), { now: tickAfterSend(1) }));
    expect(second.counts).toMatchObject({ delivered: 2, failed: 0 });
    expect(world.fake.sentTo(conversationOf(ann))).toHaveLength(1);
    const surfaced = (await world.storage.audit.readMonth('2026-11')).filter((r) => r.action === 'surfaced');
    expect(surfaced.map((r) => r.customerId).sort()).toEqual([`${ann}#s0`, `${bob}#s0`]);
    const states = (await world.storage.state.readAll()).states;
    expect(states.get(late)?.surfacedAt ?? null).toBeNull();
    expect(states.get(`${bob}#s0`)?.surfacedAt).toBe('2026-11-23');
  });
});

describe("the admins' notices when posting fails", () => {
  let world: WeeklyWorld;
  let told: string[];
  let answers: ('posted' | 'failed')[];
  beforeEach(async () => {
    world = await openWeeklyWorld('notice');
    told = [];
    answers = [];
  });
  afterEach(async () => {
    await world.stop();
  });

  async function notifyAdmins(text: string) {
    told.push(text);
    return answers.shift() ?? 'posted';
  }

  it('a feed-stop notice that failed is posted on a later tick, then not again', async () => {
    const reps = ['ana@example.com'];
    await installReps(world, reps);
    const broken = depsFor(world, slippingBook(reps, { slipping: 1 }), {
      readBook: (asOf) => readFeed(join(__dirname, '../../fixtures/feeds/header-only-orders'), { asOf }),
      notifyAdmins,
    });
    answers = ['failed'];
    expect(await runWeekly(broken, { now: tickAfterSend(0) })).toMatchObject({
      status: 'stopped',
      adminNotice: 'failed',
    });
    expect(await runWeekly(broken, { now: tickAfterSend(1) })).toMatchObject({
      status: 'stopped',
      adminNotice: 'posted',
    });
    expect(await runWeekly(broken, { now: tickAfterSend(2) })).toMatchObject({
      status: 'stopped',
      adminNotice: 'told_earlier',
    });
    expect(told).toHaveLength(2);
    expect(told[1]).toBe(told[0]);
  });

  it('an end-of-run notice that failed is said in the log and posted on a later tick of the week, once', async () => {
    const [ann, bob] = ['ann@example.com', 'bob@example.com'];
    await installReps(world, [ann, bob]);
    world.fake.injectForConversation(conversationOf(bob), { status: 403, code: 'ConversationBlockedByUser' });
    const deps = depsFor(world, slippingBook([ann, bob], { slipping: 1 }), { notifyAdmins });
    answers = ['failed', 'failed'];
    const first = completed(await runWeekly(deps, { now: tickAfterSend(0) }));
    expect(first).toMatchObject({ adminNotice: 'failed', retry: 'none' });
    const logged = world.log.lines.find((l) => l.message.startsWith(`Weekly run ${RUN_KEY}`));
    expect(logged?.message).toContain("The admins' notice could not be posted");
    expect(told[0]).not.toContain("admins' notice");

    expect(await runWeekly(deps, { now: tickAfterSend(1) })).toMatchObject({
      status: 'not_due',
      reason: 'already_ran',
      adminNotice: 'failed',
    });
    expect(await runWeekly(deps, { now: tickAfterSend(2) })).toMatchObject({
      status: 'not_due',
      adminNotice: 'posted',
    });
    expect(await runWeekly(deps, { now: tickAfterSend(3) })).toMatchObject({
      status: 'not_due',
      reason: 'already_ran',
    });
    expect(told).toHaveLength(3);
    expect(new Set(told).size).toBe(1);
    expect(told[0]).toContain(`Rep ${bob} (${bob}): they blocked the app's chat (ConversationBlockedByUser)`);
    expect(world.fake.sentTo(conversationOf(ann))).toHaveLength(1);
    expect(await world.storage.runs.noticeSent(RUN_KEY)).toBe(true);
  });
});
