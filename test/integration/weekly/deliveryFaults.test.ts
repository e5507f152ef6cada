import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProactiveSender } from '../../../bot/proactiveSender';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import {
  completed,
  conversationOf,
  depsFor,
  installReps,
  openWeeklyWorld,
  repEmails,
  SEND_TIME,
  slippingBook,
  type WeeklyWorld,
} from './weeklyWorld';

// Delivery when Teams never answers: the weekly run on Azurite against the fake connector, which
// holds chosen requests open without a word (having posted the message, or not).

const REPS = repEmails(16);
const REQUEST_TIMEOUT_MS = 400;
const MAX_ATTEMPTS = 3;

function sender(): ProactiveSender {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '' }));
  return new ProactiveSender({
    adapter,
    appId: '',
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    retry: { baseDelayMs: 20, maxAttempts: MAX_ATTEMPTS },
  });
}

describe('a Teams request that never answers', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('hang');
    await installReps(world, REPS);
  });
  afterEach(async () => {
    await world.stop();
  });

  it('times out, is not sent again on that tick (it may have been posted), counts as a failure, and the run still ends with its report', async () => {
    const stuck = REPS[5];
    world.fake.injectForConversation(conversationOf(stuck), { status: 'hang' });
    const s = sender();
    const deps = depsFor(world, slippingBook(REPS, { slipping: 1 }), {
      sender: (reference, card, summary) => s.sendCard(reference, card, summary),
    });
    const started = performance.now();
    const report = completed(await runWeekly(deps, { now: SEND_TIME }));
    const hangToReportMs = Math.round(performance.now() - started);
    console.log(`hang to report: ${hangToReportMs} ms (request timeout ${REQUEST_TIMEOUT_MS} ms)`);
    expect(report.counts).toMatchObject({ delivered: REPS.length - 1, failed: 1 });
    expect(report.outcomes.find((o) => o.rep === stuck)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining(`no answer from the connector within ${REQUEST_TIMEOUT_MS} ms`),
    });
    // One request of the stuck rep reached the fake and was held; it is counted in the report.
    expect(world.fake.stats.hung).toBe(1);
    expect(report.sends.attempts - report.sends.retries).toBe(REPS.length);
    expect(hangToReportMs).toBeLessThan(REQUEST_TIMEOUT_MS + 1_000 + 5_000);
  }, 30_000);

  it('a request that hangs once is sent again by the tick after the claim’s hold: one card', async () => {
    const slow = REPS[2];
    world.fake.injectForConversation(conversationOf(slow), { status: 'hang' }, 1);
    const s = sender();
    const deps = depsFor(world, slippingBook(REPS, { slipping: 1 }), {
      sender: (reference, card, summary) => s.sendCard(reference, card, summary),
    });
    const first = completed(await runWeekly(deps, { now: SEND_TIME }));
    expect(first.counts).toMatchObject({ delivered: REPS.length - 1, failed: 1 });
    const next = completed(await runWeekly(deps, { now: new Date(SEND_TIME.getTime() + 15 * 60_000) }));
    expect(next.counts).toMatchObject({ delivered: REPS.length, failed: 0 });
    expect(world.fake.sentTo(conversationOf(slow))).toHaveLength(1);
  }, 30_000);

  it('Teams takes the card but its answer never comes back: the rep that card once on the tick, and at most once more over the week’s later ticks', async () => {
    const reps = REPS.slice(0, 4);
    const unlucky = reps[1];
    world.fake.injectForConversation(conversationOf(unlucky), { status: 'lost_answer' });
    const s = sender();
    const deps = depsFor(world, slippingBook(reps, { slipping: 1 }), {
      sender: (reference, card, summary) => s.sendCard(reference, card, summary),
    });
    const first = completed(await runWeekly(deps, { now: SEND_TIME }));
    expect(first.counts).toMatchObject({ delivered: reps.length - 1, failed: 1 });
    // The unanswered send may have been posted (here it was): sending it again now would post it twice.
    expect(world.fake.sentTo(conversationOf(unlucky))).toHaveLength(1);
    // The week's retry ticks, 15 minutes apart, and one more.
    for (const minutes of [15, 30, 45, 60]) {
      await runWeekly(deps, { now: new Date(SEND_TIME.getTime() + minutes * 60_000) });
    }
    expect(world.fake.sentTo(conversationOf(unlucky))).toHaveLength(2);
    for (const rep of reps.filter((r) => r !== unlucky))
      expect(world.fake.sentTo(conversationOf(rep))).toHaveLength(1);
  }, 60_000);
});

describe('one customer storage refuses', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('refuse');
    await installReps(world, REPS.slice(0, 4));
  });
  afterEach(async () => {
    await world.stop();
  });

  it.each([
    ['a 70,000-character name (over the 64 KiB string limit)', { name: 'N'.repeat(70_000) }],
    ['a non-finite monthly value', { monthlyValue: Number.POSITIVE_INFINITY }],
    ['a NaN monthly value', { monthlyValue: Number.NaN }],
  ])(
    '%s: that customer is reported, every other one is written and every rep gets a card',
    async (_label, bad) => {
      const reps = REPS.slice(0, 4);
      const victim = `${reps[1]}#s0`;
      const book = slippingBook(reps, { slipping: 2 });
      const index = book.customers.findIndex((c) => c.id === victim);
      book.customers[index] = { ...book.customers[index], ...bad };
      const report = completed(await runWeekly(depsFor(world, book), { now: SEND_TIME }));
      expect(report.refused).toEqual([{ customerId: victim, reason: expect.any(String) }]);
      expect(report.counts).toMatchObject({ delivered: reps.length, failed: 0 });
      const states = await world.storage.state.getAll();
      expect(states.has(victim)).toBe(false);
      expect(states.size).toBe(book.customers.length - 1);
      const audit = await world.storage.audit.readMonth('2026-11');
      expect(audit.filter((r) => r.customerId === victim)).toEqual([]);
      expect(audit.filter((r) => r.action === 'surfaced')).toHaveLength(reps.length * 2 - 1);
      expect(world.log.lines.some((l) => l.level === 'warn' && l.message.includes(victim))).toBe(true);
    },
    30_000,
  );
});
