import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProactiveSender } from '../../../bot/proactiveSender';
import type { WeeklyRunDone } from '../../../jobs/weekly/weeklyReport';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import {
  completed,
  conversationOf,
  depsFor,
  installReps,
  openWeeklyWorld,
  slippingBook,
  tickAfterSend,
  type WeeklyWorld,
} from './weeklyWorld';

const RUN_KEY = 'weekly-2026-W48';
const [ann, bob, cat] = ['ann@example.com', 'bob@example.com', 'cat@example.com'];

describe('a week whose run left reps failed is run again on later ticks', () => {
  let world: WeeklyWorld;
  let notices: string[];
  beforeEach(async () => {
    world = await openWeeklyWorld('retry');
    notices = [];
  });
  afterEach(async () => {
    await world.stop();
  });

  function deps(reps: readonly string[], sender?: ProactiveSender) {
    return depsFor(world, slippingBook(reps, { slipping: 2 }), {
      ...(sender ? { sender: (reference, card, summary) => sender.sendCard(reference, card, summary) } : {}),
      notifyAdmins: async (text) => {
        notices.push(text);
        return 'posted';
      },
    });
  }

  it('a rep whose sends failed gets exactly one card on the next tick, the others none twice', async () => {
    await installReps(world, [ann, bob, cat]);
    const d = deps([ann, bob, cat]);
    world.fake.injectForConversation(conversationOf(bob), { status: 503 });
    const first = completed(await runWeekly(d, { now: tickAfterSend(0) }));
    expect(first).toMatchObject({ attempt: 1, retry: 'next_tick', adminNotice: 'deferred' });
    expect(first.counts).toMatchObject({ delivered: 2, failed: 1 });
    expect(world.fake.sentTo(conversationOf(bob))).toHaveLength(0);

    world.fake.injectForConversation(conversationOf(bob), { status: 503 }, 0);
    const second = completed(await runWeekly(d, { now: tickAfterSend(1) }));
    expect(second).toMatchObject({ attempt: 2, retry: 'none', resumed: true, adminNotice: 'not_needed' });
    expect(second.counts).toMatchObject({ delivered: 3, failed: 0 });
    expect(second.deliveredEarlier).toBe(2);
    expect(second.surfacedRows).toEqual({ recorded: 0, alreadyThere: 6 });
    for (const rep of [ann, bob, cat]) expect(world.fake.sentTo(conversationOf(rep))).toHaveLength(1);
    expect(world.fake.activities).toHaveLength(3);
    // Nobody is left unreached, so the admins hear nothing at all.
    expect(notices).toEqual([]);

    expect(await runWeekly(d, { now: tickAfterSend(2) })).toEqual({
      status: 'not_due',
      runKey: RUN_KEY,
      reason: 'already_ran',
    });
    const run = await world.storage.runs.getRun(RUN_KEY);
    expect(JSON.parse(run?.report ?? '{}')).toMatchObject({
      attempt: 2,
      retry: 'none',
      counts: { failed: 0 },
    });
    expect(world.fake.activities).toHaveLength(3);
  });

  it('stops after the attempt cap, and tells the admins once, on the last attempt, who never got a card', async () => {
    await installReps(world, [ann, bob]);
    // Two sends per attempt, not the world's five: the limiter paces a conversation's retries, and
    // four attempts of five would take ten seconds for the same verdict.
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '' }));
    const sender = new ProactiveSender({ adapter, appId: '', retry: { baseDelayMs: 20, maxAttempts: 2 } });
    const d = deps([ann, bob, cat], sender);
    world.fake.injectForConversation(conversationOf(bob), { status: 503 });
    const reports: WeeklyRunDone[] = [];
    for (let n = 0; n < 4; n++) reports.push(completed(await runWeekly(d, { now: tickAfterSend(n) })));

    expect(reports.map((r) => [r.attempt, r.retry, r.adminNotice, r.counts.failed])).toEqual([
      [1, 'next_tick', 'deferred', 1],
      [2, 'next_tick', 'deferred', 1],
      [3, 'next_tick', 'deferred', 1],
      [4, 'none', 'posted', 1],
    ]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`- Rep ${bob} (${bob}): `);
    expect(notices[0]).toContain(`${cat}: the app is not installed for them`);
    expect(notices[0]).toContain('1 rep got no card after 4 attempts');
    expect(world.fake.sentTo(conversationOf(ann))).toHaveLength(1);
    expect(world.fake.stats.injected).toBe(4 * 2);

    const requestsBefore = world.fake.stats.requests;
    expect(await runWeekly(d, { now: tickAfterSend(4) })).toEqual({
      status: 'not_due',
      runKey: RUN_KEY,
      reason: 'already_ran',
    });
    expect(await runWeekly(d, { now: tickAfterSend(40) })).toMatchObject({
      status: 'not_due',
      reason: 'already_ran',
    });
    expect(world.fake.stats.requests).toBe(requestsBefore);
    const run = await world.storage.runs.getRun(RUN_KEY);
    expect(JSON.parse(run?.report ?? '{}')).toMatchObject({ attempt: 4, counts: { failed: 1 } });
  });

  it('a run with no failures is not run again, even with reps not reached', async () => {
    await installReps(world, [ann]);
    const d = deps([ann, bob]);
    const first = completed(await runWeekly(d, { now: tickAfterSend(0) }));
    expect(first).toMatchObject({ attempt: 1, retry: 'none', adminNotice: 'posted' });
    expect(first.counts).toMatchObject({ delivered: 1, no_conversation: 1, failed: 0 });
    const requestsBefore = world.fake.stats.requests;
    expect(await runWeekly(d, { now: tickAfterSend(1) })).toMatchObject({
      status: 'not_due',
      reason: 'already_ran',
    });
    expect(world.fake.stats.requests).toBe(requestsBefore);
    expect(notices).toHaveLength(1);
  });
});
