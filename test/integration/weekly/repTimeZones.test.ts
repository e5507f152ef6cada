import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBotRuntime } from '../../../bot';
import { FeedError } from '../../../feed/feedError';
import type { WeeklyReport } from '../../../jobs/weekly/weeklyReport';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import type { Book } from '../../../rules/book';
import { MemoryLog, RecordingActions } from '../bot/recordingPorts';
import {
  completed,
  conversationOf,
  depsFor,
  installReps,
  ledgerRefusing,
  openWeeklyWorld,
  slippingBook,
  type WeeklyWorld,
} from './weeklyWorld';

// Each rep's weekly card at the send time in their own zone, as their Teams client tells it.

const TEAM_ZONE = 'America/New_York';
const [ann, bob] = ['ann@example.com', 'bob@example.com'];

/** Monday 23 November 2026: 08:03 in New York (EST, UTC-5) and in Los Angeles (PST, UTC-8). */
const NY_0803 = new Date('2026-11-23T13:03:00Z');
const LA_0803 = new Date('2026-11-23T16:03:00Z');

/** The timer's ticks (every 15 minutes) from `from` to `to`, both included. */
function ticks(from: Date, to: Date): Date[] {
  const out: Date[] = [];
  for (let t = from.getTime(); t <= to.getTime(); t += 15 * 60_000) out.push(new Date(t));
  return out;
}

describe("each rep's weekly card at the send time in their own zone", () => {
  let world: WeeklyWorld;
  let notices: string[];
  let feedReads: number;
  beforeEach(async () => {
    world = await openWeeklyWorld('tz');
    notices = [];
    feedReads = 0;
  });
  afterEach(async () => {
    await world.stop();
  });

  function deps(book: Book, timeZone = TEAM_ZONE, overrides: Parameters<typeof depsFor>[2] = {}) {
    return depsFor(world, book, {
      config: { timeZone, weeklySendAt: { weekday: 1, hour: 8, minute: 3 } },
      readBook: async () => {
        feedReads++;
        return { book, report: { files: [], rowsSkipped: 0 } };
      },
      notifyAdmins: async (text) => {
        notices.push(text);
        return 'posted';
      },
      ...overrides,
    });
  }

  /** The bot, on the world's conversation table, through the real CloudAdapter. */
  const bot = () =>
    createBotRuntime({
      bot: { appId: '', appPassword: '', appType: 'MultiTenant', tenantId: '' },
      store: world.storage.conversations,
      actions: new RecordingActions(),
      log: new MemoryLog(),
    });

  /** An activity of the rep's in their 1:1 chat, as Teams sends it, with their client's zone. */
  async function fromRep(
    runtime: ReturnType<typeof bot>,
    email: string,
    localTimezone: unknown,
    extra: Record<string, unknown> = { text: 'help' },
  ): Promise<void> {
    const answer = await runtime.handle({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: {
        type: 'message',
        id: `activity-${Math.random()}`,
        channelId: 'msteams',
        serviceUrl: world.fake.serviceUrl,
        from: { id: `29:${email}`, name: `Rep ${email}`, aadObjectId: `aad-${email}` },
        recipient: { id: '28:churn-bot', name: 'Churn Predictor' },
        conversation: { id: conversationOf(email), conversationType: 'personal', tenantId: 'tenant-1' },
        channelData: { tenant: { id: 'tenant-1' } },
        ...(localTimezone === undefined ? {} : { localTimezone }),
        ...extra,
      },
    });
    expect(answer.status).toBeLessThan(300);
  }

  /** The weekly cards the rep got (the bot's text replies left out), with when they came. */
  const cardsOf = (email: string) =>
    world.fake
      .sentTo(conversationOf(email))
      .filter((a) => a.kind === 'send' && Array.isArray(a.activity.attachments));

  /** Runs every tick in `at`, and the instant of each tick that sent the rep a card. */
  async function runTicks(d: ReturnType<typeof deps>, at: Date[], email: string) {
    const reports: WeeklyReport[] = [];
    const cameAt: string[] = [];
    for (const now of at) {
      const before = cardsOf(email).length;
      reports.push(await runWeekly(d, { now }));
      if (cardsOf(email).length > before) cameAt.push(now.toISOString());
    }
    return { reports, cameAt };
  }

  it('a New York team: a rep whose client is in Los Angeles gets it at 08:03 there, a rep of no known zone at 08:03 New York', async () => {
    await installReps(world, [ann, bob]);
    const runtime = bot();
    await fromRep(runtime, ann, 'America/Los_Angeles');
    expect((await world.storage.conversations.getRep(`aad-${ann}`))?.timeZone).toBe('America/Los_Angeles');
    const d = deps(slippingBook([ann, bob], { slipping: 2 }));

    const first = completed(await runWeekly(d, { now: NY_0803 }));
    expect(cardsOf(bob)).toHaveLength(1);
    expect(cardsOf(ann)).toHaveLength(0);
    // Waiting for her time is no failure: nobody is "not reached", and the admins hear nothing yet.
    expect(first.counts).toMatchObject({ delivered: 1, waiting: 1, failed: 0 });
    expect(first).toMatchObject({
      retry: 'rep_time',
      nextSendAt: LA_0803.toISOString(),
      adminNotice: 'deferred',
      notReached: [],
    });

    const reads = feedReads;
    const later = ticks(new Date(NY_0803.getTime() + 15 * 60_000), new Date('2026-11-23T18:03:00Z'));
    const { reports, cameAt } = await runTicks(d, later, ann);
    expect(cameAt).toEqual([LA_0803.toISOString()]);
    // The ticks before her time read nothing: the run row says when the next card is due.
    expect(feedReads).toBe(reads + 1);
    const atLa = completed(reports[later.findIndex((t) => t.getTime() === LA_0803.getTime())]);
    expect(atLa.counts).toMatchObject({ delivered: 2, waiting: 0, failed: 0 });
    expect(atLa).toMatchObject({ deliveredEarlier: 1, retry: 'none', attempt: 1, localDate: '2026-11-23' });
    expect(cardsOf(bob)).toHaveLength(1);
    expect(cardsOf(ann)).toHaveLength(1);
    expect(notices).toEqual([]);
  });

  it('on ticks the timer fires milliseconds early, each card still comes at 08:03, not a quarter hour later', async () => {
    await installReps(world, [ann, bob]);
    await fromRep(bot(), ann, 'America/Los_Angeles');
    const d = deps(slippingBook([ann, bob], { slipping: 2 }));
    const early = (tick: Date) => new Date(tick.getTime() - 5);

    const first = completed(await runWeekly(d, { now: early(NY_0803) }));
    expect(first.counts).toMatchObject({ delivered: 1, waiting: 1, failed: 0 });
    expect(first).toMatchObject({ nextSendAt: LA_0803.toISOString() });
    expect(cardsOf(bob)).toHaveLength(1);
    // The tick before Ann's, fired early too, leaves her waiting; hers sends her card.
    await runWeekly(d, { now: early(new Date(LA_0803.getTime() - 15 * 60_000)) });
    expect(cardsOf(ann)).toHaveLength(0);
    const atLa = completed(await runWeekly(d, { now: early(LA_0803) }));
    expect(atLa.counts).toMatchObject({ delivered: 2, waiting: 0, failed: 0 });
    expect(cardsOf(ann)).toHaveLength(1);
  });

  it('a crash at the rep’s time sends her card once: the claim and the saved card settle it on the next tick', async () => {
    await installReps(world, [ann, bob]);
    await fromRep(bot(), ann, 'America/Los_Angeles');
    const book = slippingBook([ann, bob], { slipping: 2 });
    let failing = false;
    const d = deps(book, TEAM_ZONE, {
      storage: { ...world.storage, runs: ledgerRefusing(world, () => failing) },
    });
    completed(await runWeekly(d, { now: NY_0803 }));
    // A rerun between the two times (the host restarted) sends nothing twice, and nothing early.
    await runWeekly(d, { now: new Date('2026-11-23T14:33:00Z') });
    expect(cardsOf(bob)).toHaveLength(1);
    expect(cardsOf(ann)).toHaveLength(0);

    failing = true;
    await expect(runWeekly(d, { now: LA_0803 })).rejects.toThrow();
    expect(cardsOf(ann)).toHaveLength(1);
    failing = false;
    for (const now of ticks(new Date(LA_0803.getTime() + 15 * 60_000), new Date('2026-11-23T17:33:00Z')))
      await runWeekly(d, { now });
    expect(cardsOf(ann)).toHaveLength(1);
    expect(cardsOf(bob)).toHaveLength(1);
    const run = JSON.parse((await world.storage.runs.getRun('weekly-2026-W48'))?.report ?? '{}');
    expect(run).toMatchObject({ counts: { delivered: 2, waiting: 0, failed: 0 }, retry: 'none' });
  });

  it('a DST week: a London team’s New York rep gets it at 08:03 New York both before and after the US clocks went back', async () => {
    // 26 Oct 2026: London is on GMT (UTC+0) since Sunday, New York still on EDT (UTC-4); on 2 Nov on EST (UTC-5).
    await installReps(world, [ann]);
    await fromRep(bot(), ann, 'America/New_York');
    const book = slippingBook([ann], { slipping: 2 });
    const d = deps(book, 'Europe/London');
    const week44 = await runTicks(
      d,
      ticks(new Date('2026-10-26T08:03:00Z'), new Date('2026-10-26T14:03:00Z')),
      ann,
    );
    expect(week44.cameAt).toEqual(['2026-10-26T12:03:00.000Z']);
    const week45 = await runTicks(
      d,
      ticks(new Date('2026-11-02T08:03:00Z'), new Date('2026-11-02T14:03:00Z')),
      ann,
    );
    expect(week45.cameAt).toEqual(['2026-11-02T13:03:00.000Z']);
  });

  it('a rep whose time falls on the team’s next day: a Sydney team’s Los Angeles rep gets Monday’s card, as of the team’s Monday', async () => {
    // Monday 08:03 in Sydney (AEDT, UTC+11) is Sunday 21:03 UTC; Monday 08:03 in Los Angeles is Tuesday 03:03 in Sydney.
    await installReps(world, [ann, bob]);
    await fromRep(bot(), ann, 'America/Los_Angeles');
    const book = slippingBook([ann, bob], { slipping: 2 });
    const asOf: string[] = [];
    const d = deps(book, 'Australia/Sydney', {
      readBook: async (day) => {
        asOf.push(day);
        return { book, report: { files: [], rowsSkipped: 0 } };
      },
    });
    const { reports, cameAt } = await runTicks(
      d,
      ticks(new Date('2026-11-22T21:03:00Z'), new Date('2026-11-23T17:03:00Z')),
      ann,
    );
    expect(cameAt).toEqual([LA_0803.toISOString()]);
    expect(cardsOf(bob)).toHaveLength(1);
    expect(asOf).toEqual(['2026-11-23', '2026-11-23']);
    const last = reports.filter((r) => r.status === 'completed').at(-1);
    expect(last).toMatchObject({ localDate: '2026-11-23', runKey: 'weekly-2026-W48', retry: 'none' });
  });

  it('a rep who wrote to the bot in a team channel before installing it: her zone is kept once she has', async () => {
    const runtime = bot();
    // Not a rep yet: an @mention in the team's channel, from Los Angeles.
    await fromRep(runtime, ann, 'America/Los_Angeles', {
      text: 'help',
      conversation: { id: '19:sales@thread.tacv2', conversationType: 'channel', tenantId: 'tenant-1' },
    });
    await installReps(world, [ann, bob]);
    await fromRep(runtime, ann, 'America/Los_Angeles');
    expect((await world.storage.conversations.getRep(`aad-${ann}`))?.timeZone).toBe('America/Los_Angeles');
    const d = deps(slippingBook([ann, bob], { slipping: 2 }));
    const { cameAt } = await runTicks(d, ticks(NY_0803, new Date('2026-11-23T17:03:00Z')), ann);
    expect(cameAt).toEqual([LA_0803.toISOString()]);
  });

  it('a feed broken at the rep’s time: the admins hear that her card waits for it, not that no card went out', async () => {
    await installReps(world, [ann, bob]);
    await fromRep(bot(), ann, 'America/Los_Angeles');
    const book = slippingBook([ann, bob], { slipping: 2 });
    let broken = false;
    const d = deps(book, TEAM_ZONE, {
      readBook: async () => {
        if (broken) throw new FeedError('missing_file', 'orders.csv is missing from the feed.', 'orders.csv');
        return { book, report: { files: [], rowsSkipped: 0 } };
      },
    });
    completed(await runWeekly(d, { now: NY_0803 }));
    broken = true;
    expect(await runWeekly(d, { now: LA_0803 })).toMatchObject({ status: 'stopped' });
    expect(cardsOf(ann)).toHaveLength(0);
    expect(notices).toHaveLength(1);
    expect(notices[0].split('\n')).toEqual([
      'The weekly run weekly-2026-W48 could not go on.',
      'orders.csv is missing from the feed.',
      'The 1 card sent earlier this week stands; 1 rep waiting for their own send time gets theirs once the feed reads again.',
      'Fix the feed: the run tries again every 15 minutes this week.',
    ]);
    broken = false;
    const { cameAt } = await runTicks(
      d,
      ticks(new Date('2026-11-23T16:18:00Z'), new Date('2026-11-23T17:03:00Z')),
      ann,
    );
    expect(cameAt).toEqual(['2026-11-23T16:18:00.000Z']);
    expect(cardsOf(bob)).toHaveLength(1);
  });

  it('a travelling rep: her card follows the zone her taps last carried, week by week; a bad zone changes nothing', async () => {
    await installReps(world, [ann]);
    const runtime = bot();
    await fromRep(runtime, ann, 'America/Los_Angeles');
    const d = deps(slippingBook([ann], { slipping: 2 }));
    const week48 = await runTicks(d, ticks(NY_0803, new Date('2026-11-23T17:03:00Z')), ann);
    expect(week48.cameAt).toEqual([LA_0803.toISOString()]);

    // She taps the card from Denver (MST, UTC-7); then a client sends a zone that is none, or none at all.
    const card = cardsOf(ann)[0];
    await fromRep(runtime, ann, 'America/Denver', {
      replyToId: card.activityId,
      value: { action: 'reached_out', customerId: `${ann}#s0` },
    });
    await fromRep(runtime, ann, 'Mars/Olympus_Mons');
    await fromRep(runtime, ann, undefined);
    expect((await world.storage.conversations.getRep(`aad-${ann}`))?.timeZone).toBe('America/Denver');

    const week49 = await runTicks(
      d,
      ticks(new Date('2026-11-30T13:03:00Z'), new Date('2026-11-30T17:03:00Z')),
      ann,
    );
    expect(week49.cameAt).toEqual(['2026-11-30T15:03:00.000Z']);
  });
});
