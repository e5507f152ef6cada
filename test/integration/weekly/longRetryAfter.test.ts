import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type WeeklyReport, weeklyReportText } from '../../../jobs/weekly/weeklyReport';
import { runSettled } from '../../../jobs/weekly/weeklyRetry';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import type { TabUser } from '../../../tabs/api/tabToken';
import {
  completed,
  conversationOf,
  depsFor,
  dyingAtFinish,
  installReps,
  openWeeklyWorld,
  SEND_TIME,
  slippingBook,
  TIME_ZONE,
  tabsOver,
  type WeeklyWorld,
} from './weeklyWorld';

// A rep Teams throttles with a Retry-After longer than a run waits for one rep (60 s), through the
// weekly run, the real proactive sender and the fake Teams connector (on the ticks' clock), on Azurite.

const [ANA, BEN] = ['ana@x.com', 'ben@x.com'];
/** The timer tick `n` quarter hours after the send time (Monday 23 November 2026, 08:03 in Chicago). */
const tick = (n: number) => new Date(SEND_TIME.getTime() + n * 15 * 60_000);
const BOSS: TabUser = { userId: 'aad-boss', name: 'Boss', email: 'boss@x.com', tenantId: 'tenant-1' };
const TOLD = `${BEN}: Teams asked to wait 2 minutes before the next message to them (HTTP 429, too many messages), longer than a run waits for one rep`;

describe('a rep Teams asks to wait longer than a run waits', () => {
  let world: WeeklyWorld;
  let notices: string[];
  let clock: number;
  beforeEach(async () => {
    clock = SEND_TIME.getTime();
    world = await openWeeklyWorld('longwait', { fakeNow: () => clock });
    notices = [];
    await installReps(world, [ANA, BEN]);
  });
  afterEach(async () => {
    await world.stop();
  });
  const book = slippingBook([ANA, BEN], { slipping: 1 });
  const deps = () =>
    depsFor(world, book, {
      notifyAdmins: async (text) => {
        notices.push(text);
        return 'posted';
      },
    });
  /** The weekly tick `n`, with the fake connector's clock set to it. */
  const at = async (n: number): Promise<WeeklyReport> => {
    clock = tick(n).getTime();
    return runWeekly(deps(), { now: tick(n) });
  };
  const bens = () => world.fake.sentTo(conversationOf(BEN));

  describe('for 2 minutes (Retry-After 120 s)', () => {
    it('gets the card on the next tick of the day, once, Ana none twice; the account says why in words', async () => {
      world.fake.injectForConversation(conversationOf(BEN), { status: 429, retryAfterSeconds: 120 }, 1);
      const first = completed(await at(0));
      expect(first).toMatchObject({ retry: 'next_tick', counts: { delivered: 1, failed: 1 } });
      const text = weeklyReportText(first, { timeZone: 'UTC', today: first.localDate });
      expect(text).toContain(`- ${TOLD}`);
      expect(text).toContain('The 1 failed rep is tried again on the next tick.');
      expect(world.fake.sentTo(conversationOf(BEN))).toHaveLength(0);

      const second = completed(await at(1));
      expect(second).toMatchObject({ retry: 'none', counts: { delivered: 2, failed: 0 } });
      expect(world.fake.sentTo(conversationOf(BEN))).toHaveLength(1);
      expect(world.fake.sentTo(conversationOf(ANA))).toHaveLength(1);
      expect(notices).toEqual([]);
    });

    it('still throttled at the last attempt of the day (the wait ends 2 minutes on): the admins read when he gets it, and he does, once', async () => {
      world.fake.injectForConversation(conversationOf(BEN), { status: 429, retryAfterSeconds: 120 }, 4);
      for (let n = 0; n < 4; n++) completed(await at(n));
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain('1 rep Teams asked to wait gets their card once the wait is over.');
      expect(notices[0]).not.toContain('none follows this week');
      expect(notices[0]).toContain(
        `- Rep ${TOLD.replace(BEN, `${BEN} (${BEN})`)}: their card goes out once the wait is over, after Mon 23 Nov at 8:50 AM`,
      );
      expect(world.fake.sentTo(conversationOf(BEN))).toHaveLength(0);

      const after = completed(await at(4));
      expect(after).toMatchObject({ retry: 'none', counts: { delivered: 2, failed: 0 } });
      expect(world.fake.sentTo(conversationOf(BEN))).toHaveLength(1);
      expect(world.fake.sentTo(conversationOf(ANA))).toHaveLength(1);
      expect(await at(5)).toMatchObject({ status: 'not_due' });
      expect(world.fake.sentTo(conversationOf(BEN))).toHaveLength(1);
      expect(notices).toHaveLength(1);
    });
  });

  // Teams answers 429 again on every try until the wait is over, as it does.
  describe('for hours', () => {
    /**
     * The ticks of a team of Ana, Ben and `cal` (installed now, in `calZone` when given, so his card
     * goes out at 08:03 there), the admins' notices answered `posted`.
     */
    const withCal = async (cal: string, calZone?: string) => {
      await installReps(world, [cal]);
      if (calZone) await world.storage.conversations.learnTimeZone(`aad-${cal}`, calZone);
      const three = depsFor(world, slippingBook([ANA, BEN, cal], { slipping: 1 }), {
        notifyAdmins: async (text) => {
          notices.push(text);
          return 'posted';
        },
      });
      return async (n: number) => {
        clock = tick(n).getTime();
        return runWeekly(three, { now: tick(n) });
      };
    };

    it("gets the week's card on the first tick after the wait, once; the admins are told when, in the team's words", async () => {
      // Two hours from 08:03, past the run's own retries at 08:18, 08:33 and 08:48.
      world.fake.throttleConversationUntil(conversationOf(BEN), tick(8).getTime());
      for (let n = 0; n < 4; n++) completed(await at(n));
      expect(bens()).toHaveLength(0);
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain('1 rep Teams asked to wait gets their card once the wait is over.');
      expect(notices[0]).toContain(
        '- Rep ben@x.com (ben@x.com): Teams asked to wait before the next message to them (HTTP 429, too many messages), longer than a run waits for one rep, so this tick sent nothing: their card goes out once the wait is over, after Mon 23 Nov at 10:03 AM',
      );
      // Asked once at 08:03: the day's later attempts leave his chat alone until the wait is over.
      expect(world.fake.stats.throttled).toBe(1);
      expect(notices[0]).not.toContain('none follows this week');
      // Meanwhile the Team tab says his card is still to come, not that it reached nobody.
      const benOnTab = () =>
        tabsOver(world, book, {
          clock: () => tick(6),
          access: { tenantId: 'tenant-1', adminUserIds: [], managerUserIds: ['aad-boss'] },
        }).team(BOSS, { rep: BEN, month: null });
      const waiting = await benOnTab();
      expect([waiting.listedThisWeek, waiting.notDeliveredThisWeek, waiting.weeklyRunDone]).toEqual([
        0,
        0,
        false,
      ]);

      // Nothing goes to Ben while the wait lasts.
      for (let n = 4; n < 8; n++) expect(await at(n)).toMatchObject({ status: 'not_due' });
      expect(bens()).toHaveLength(0);
      // 10:03, the wait's end, or the tick after (the wait counts from the answer, moments after 08:48).
      const sent = [await at(8), await at(9)].find((r) => r.status === 'completed');
      expect(sent).toMatchObject({ retry: 'none', counts: { delivered: 2, failed: 0 } });
      expect(bens()).toHaveLength(1);
      expect(world.fake.sentTo(conversationOf(ANA))).toHaveLength(1);
      for (let n = 10; n < 14; n++) expect(await at(n)).toMatchObject({ status: 'not_due' });
      expect(bens()).toHaveLength(1);
      expect(notices).toHaveLength(1);
      const done = await benOnTab();
      expect([done.listedThisWeek, done.notDeliveredThisWeek, done.weeklyRunDone]).toEqual([1, 0, true]);
    });

    it("the account tells the reps tried on the next tick from those waiting for Teams, until when in the team's words", async () => {
      world.fake.throttleConversationUntil(conversationOf(BEN), tick(8).getTime());
      world.fake.injectForConversation(conversationOf(ANA), { status: 503 });
      const first = completed(await at(0));
      expect(first).toMatchObject({ retry: 'next_tick', counts: { delivered: 0, failed: 2 } });
      const wording = { timeZone: TIME_ZONE, today: first.localDate };
      const text = weeklyReportText(first, wording);
      expect(text).toContain('The 1 failed rep is tried again on the next tick.');
      expect(text).toContain(
        '1 rep waits for Teams, tried once the wait is over: ben@x.com until Mon 23 Nov at 10:03 AM.',
      );
      // Ana gets hers at 08:18; Ben alone is left, and he is not tried on the next tick.
      world.fake.injectForConversation(conversationOf(ANA), { status: 503 }, 0);
      const second = completed(await at(1));
      expect(second).toMatchObject({ retry: 'next_tick', counts: { delivered: 1, failed: 1 } });
      const alone = weeklyReportText(second, wording);
      expect(alone).not.toContain('tried again on the next tick');
      expect(alone).toContain(
        '1 rep waits for Teams, tried once the wait is over: ben@x.com until Mon 23 Nov at 10:03 AM.',
      );
    });

    it('two instances on the tick after the wait send him one card', async () => {
      world.fake.throttleConversationUntil(conversationOf(BEN), tick(8).getTime());
      for (let n = 0; n < 4; n++) completed(await at(n));
      // Both on the same tick, the connector's clock at it.
      clock = tick(9).getTime();
      const both = await Promise.all([
        runWeekly(deps(), { now: tick(9) }),
        runWeekly(deps(), { now: tick(9) }),
      ]);
      expect(both.some((r) => r.status === 'completed')).toBe(true);
      for (let n = 10; n < 14; n++) await at(n);
      expect(bens()).toHaveLength(1);
      expect(world.fake.sentTo(conversationOf(ANA))).toHaveLength(1);
      // The instance that found his send under way does not tell the admins he got no card.
      expect(notices).toHaveLength(1);
    });

    it('throttled again after the wait: tried once only, nothing more that week', async () => {
      world.fake.throttleConversationUntil(conversationOf(BEN), tick(8).getTime());
      for (let n = 0; n < 4; n++) completed(await at(n));
      world.fake.throttleConversationUntil(conversationOf(BEN), tick(20).getTime());
      const again = completed(await at(9));
      expect(again).toMatchObject({ counts: { delivered: 1, failed: 1 } });
      expect(again.notReached[0].detail).toContain(
        'once more after the wait Teams asked for: no card follows this week unless the run is forced',
      );
      const requests = world.fake.stats.requests;
      for (let n = 10; n < 30; n++) await at(n);
      expect(world.fake.stats.requests).toBe(requests);
      expect(bens()).toHaveLength(0);
      // The admins were told at 08:48 his card would follow: they are told, once, that it did not.
      expect(notices).toHaveLength(2);
      expect(notices[1]).toContain(
        'Weekly run weekly-2026-W48: 1 rep got no card since the admins were told of the run.',
      );
      expect(notices[1]).toMatch(
        /\n- Rep ben@x\.com \(ben@x\.com\): Teams asked to wait 3 hours before the next message to them \(HTTP 429, too many messages\).*no card follows this week/,
      );
      expect(notices[1]).not.toContain(ANA);
    });

    it('refused with a 503 after the wait: the admins are told once, in words, even when two instances run the tick', async () => {
      world.fake.throttleConversationUntil(conversationOf(BEN), tick(8).getTime());
      for (let n = 0; n < 4; n++) completed(await at(n));
      world.fake.injectForConversation(conversationOf(BEN), { status: 503 });
      // Two instances on the tick after the wait: each may find him failed, the admins hear it once.
      clock = tick(9).getTime();
      const both = await Promise.all([
        runWeekly(deps(), { now: tick(9) }),
        runWeekly(deps(), { now: tick(9) }),
      ]);
      expect(both.filter((r) => r.status === 'completed').length).toBeGreaterThan(0);
      expect(notices).toHaveLength(2);
      expect(notices[1]).toContain('1 rep got no card since the admins were told of the run');
      expect(notices[1]).toMatch(/- Rep ben@x\.com \(ben@x\.com\): .*503/);
      for (let n = 10; n < 14; n++) await at(n);
      expect(bens()).toHaveLength(0);
      expect(notices).toHaveLength(2);
    });

    it("a rep who adds the app after the day's last attempt, and whom Teams then asks to wait, gets the card after the wait", async () => {
      const CAL = 'cal@x.com';
      const withCal = depsFor(world, slippingBook([ANA, BEN, CAL], { slipping: 1 }));
      const tickWithCal = async (n: number) => {
        clock = tick(n).getTime();
        return runWeekly(withCal, { now: tick(n) });
      };
      // Ben's sends fail all day (503), so the day's four attempts are spent by 08:48.
      world.fake.injectForConversation(conversationOf(BEN), { status: 503 });
      for (let n = 0; n < 4; n++) await tickWithCal(n);
      // Cal adds the app at 09:00; Teams throttles his new chat for an hour from then.
      await installReps(world, [CAL]);
      world.fake.throttleConversationUntil(conversationOf(CAL), tick(4).getTime() + 57 * 60_000);
      expect(completed(await tickWithCal(4)).counts).toMatchObject({ delivered: 1, failed: 2 });
      for (let n = 5; n < 8; n++) await tickWithCal(n);
      expect(world.fake.sentTo(conversationOf(CAL))).toHaveLength(0);
      for (let n = 8; n < 10; n++) await tickWithCal(n);
      expect(world.fake.sentTo(conversationOf(CAL))).toHaveLength(1);
    });

    it('removes the app during the wait and adds it back before its end: one card, after the wait', async () => {
      world.fake.throttleConversationUntil(conversationOf(BEN), tick(8).getTime());
      for (let n = 0; n < 4; n++) completed(await at(n));
      await world.storage.conversations.removeRep(`aad-${BEN}`, tick(5).toISOString());
      for (let n = 4; n < 6; n++) await at(n);
      clock = tick(6).getTime();
      await installReps(world, [BEN]);
      for (let n = 6; n < 8; n++) expect(await at(n)).toMatchObject({ status: 'not_due' });
      expect(bens()).toHaveLength(0);
      for (let n = 8; n < 14; n++) await at(n);
      expect(bens()).toHaveLength(1);
      expect(runSettled(await world.storage.runs.getRun('weekly-2026-W48'))).toBe(true);
    });

    it('removes the app during the wait: no card, the run settles after the wait, and adding it back that week brings the card', async () => {
      world.fake.throttleConversationUntil(conversationOf(BEN), tick(8).getTime());
      for (let n = 0; n < 4; n++) completed(await at(n));
      await world.storage.conversations.removeRep(`aad-${BEN}`, tick(5).toISOString());
      for (let n = 4; n < 14; n++) await at(n);
      expect(bens()).toHaveLength(0);
      expect(runSettled(await world.storage.runs.getRun('weekly-2026-W48'))).toBe(true);
      // Told at 08:48 his card would follow the wait, the admins are told, once, that it did not.
      expect(notices).toHaveLength(2);
      expect(notices[1]).toContain('1 rep got no card since the admins were told of the run');
      expect(notices[1]).toContain('they removed the app on Mon 23 Nov');
      // Adding it back still brings the week's card: the notice does not say none follows.
      expect(notices[1]).not.toContain('none follows this week');
      clock = tick(14).getTime();
      await installReps(world, [BEN]);
      await at(15);
      expect(bens()).toHaveLength(1);
    });

    it('the notice of no card after the wait cannot be posted: a later tick posts it, once', async () => {
      world.fake.throttleConversationUntil(conversationOf(BEN), tick(8).getTime());
      for (let n = 0; n < 4; n++) completed(await at(n));
      world.fake.injectForConversation(conversationOf(BEN), { status: 503 });
      let answer: 'posted' | 'failed' = 'failed';
      const tried: string[] = [];
      const flaky = depsFor(world, book, {
        notifyAdmins: async (text) => {
          tried.push(text);
          if (answer === 'posted') notices.push(text);
          return answer;
        },
      });
      const flakyAt = async (n: number) => {
        clock = tick(n).getTime();
        return runWeekly(flaky, { now: tick(n) });
      };
      for (let n = 8; n < 10; n++) await flakyAt(n);
      expect(tried.filter((t) => t.includes('got no card since the admins were told'))).toHaveLength(1);
      expect(notices).toHaveLength(1);
      answer = 'posted';
      for (let n = 10; n < 14; n++) await flakyAt(n);
      expect(notices).toHaveLength(2);
      expect(notices[1]).toContain('1 rep got no card since the admins were told of the run');
      expect(notices[1]).toContain(`Rep ${BEN} (${BEN})`);
    });

    it('two reps whose waits end at different times, each refused after it: the admins hear of each, once', async () => {
      const CAL = 'cal@x.com';
      await installReps(world, [CAL]);
      const three = depsFor(world, slippingBook([ANA, BEN, CAL], { slipping: 1 }), {
        notifyAdmins: async (text) => {
          notices.push(text);
          return 'posted';
        },
      });
      const threeAt = async (n: number) => {
        clock = tick(n).getTime();
        return runWeekly(three, { now: tick(n) });
      };
      world.fake.throttleConversationUntil(conversationOf(BEN), tick(8).getTime());
      world.fake.throttleConversationUntil(conversationOf(CAL), tick(12).getTime());
      for (let n = 0; n < 4; n++) completed(await threeAt(n));
      expect(notices).toHaveLength(1);
      world.fake.injectForConversation(conversationOf(BEN), { status: 503 });
      world.fake.injectForConversation(conversationOf(CAL), { status: 503 });
      for (let n = 4; n < 11; n++) await threeAt(n);
      expect(notices).toHaveLength(2);
      expect(notices[1]).toContain(`Rep ${BEN} (${BEN})`);
      expect(notices[1]).not.toContain(CAL);
      for (let n = 11; n < 20; n++) await threeAt(n);
      expect(notices).toHaveLength(3);
      expect(notices[2]).toContain('1 rep got no card since the admins were told of the run');
      expect(notices[2]).toContain(`Rep ${CAL} (${CAL})`);
      expect(notices[2]).not.toContain(BEN);
      expect(world.fake.sentTo(conversationOf(CAL))).toHaveLength(0);
    });

    it('the process dies after the notice of Ben, refused after his wait, went out; Cal’s wait ends before the tick after: each is told of once', async () => {
      const CAL = 'cal@x.com';
      await installReps(world, [CAL]);
      const threeAt = async (n: number, crash = false) => {
        clock = tick(n).getTime();
        const three = depsFor(world, slippingBook([ANA, BEN, CAL], { slipping: 1 }), {
          storage: crash ? { ...world.storage, runs: dyingAtFinish(world.storage.runs) } : world.storage,
          notifyAdmins: async (text) => {
            notices.push(text);
            return 'posted';
          },
        });
        return runWeekly(three, { now: tick(n) });
      };
      world.fake.throttleConversationUntil(conversationOf(BEN), tick(8).getTime());
      world.fake.throttleConversationUntil(conversationOf(CAL), tick(9).getTime());
      for (let n = 0; n < 4; n++) completed(await threeAt(n));
      expect(notices).toHaveLength(1);
      world.fake.injectForConversation(conversationOf(BEN), { status: 503 });
      world.fake.injectForConversation(conversationOf(CAL), { status: 503 });
      // Ben's wait is over on tick 9, Cal's on tick 10.
      for (let n = 4; n < 9; n++) await threeAt(n);
      expect(notices).toHaveLength(1);
      await expect(threeAt(9, true)).rejects.toThrow('process died');
      expect(notices).toHaveLength(2);
      expect(notices[1]).toContain(`Rep ${BEN} (${BEN})`);
      expect(notices[1]).not.toContain(CAL);
      for (let n = 10; n < 16; n++) await threeAt(n);
      expect(notices).toHaveLength(3);
      expect(notices[2]).toContain('1 rep got no card since the admins were told of the run');
      expect(notices[2]).toContain(`Rep ${CAL} (${CAL})`);
      expect(notices[2]).not.toContain(BEN);
    });

    /**
     * Ben's wait ends at 10:03, Cal's at 11:02, each refused after it; no admin can be reached from
     * 09:03 until tick `reachable`: before 11:03 the two notices go out apart (`posted` 2), after it
     * together (1).
     */
    const unreachableAdmins = async (reachable: number, posted: number) => {
      const CAL = 'cal@x.com';
      await installReps(world, [CAL]);
      let answer: 'posted' | 'no_recipient' = 'posted';
      const three = depsFor(world, slippingBook([ANA, BEN, CAL], { slipping: 1 }), {
        notifyAdmins: async (text) => {
          if (answer === 'posted') notices.push(text);
          return answer;
        },
      });
      const threeAt = async (n: number) => {
        clock = tick(n).getTime();
        return runWeekly(three, { now: tick(n) });
      };
      world.fake.throttleConversationUntil(conversationOf(BEN), tick(8).getTime());
      world.fake.throttleConversationUntil(conversationOf(CAL), tick(12).getTime() - 60_000);
      for (let n = 0; n < 4; n++) completed(await threeAt(n));
      expect(notices).toHaveLength(1);
      world.fake.injectForConversation(conversationOf(BEN), { status: 503 });
      world.fake.injectForConversation(conversationOf(CAL), { status: 503 });
      answer = 'no_recipient';
      for (let n = 4; n < reachable; n++) await threeAt(n);
      answer = 'posted';
      for (let n = reachable; n < 20; n++) await threeAt(n);
      const afterWait = notices.slice(1);
      expect(afterWait).toHaveLength(posted);
      expect(afterWait.filter((t) => t.includes(`Rep ${BEN} (${BEN})`))).toHaveLength(1);
      expect(afterWait.filter((t) => t.includes(`Rep ${CAL} (${CAL})`))).toHaveLength(1);
    };

    it("a notice of no card after one rep's wait that cannot be posted survives the ticks of another's wait", () =>
      unreachableAdmins(12, 2));

    it('two notices of no card after a wait, neither of which an admin could take: both reach them later, once', () =>
      unreachableAdmins(13, 1));

    it('another instance holds his send on the tick after the wait: its words are left as they were, no "no card follows"', async () => {
      world.fake.throttleConversationUntil(conversationOf(BEN), tick(8).getTime());
      for (let n = 0; n < 4; n++) completed(await at(n));
      // Another instance claimed his send a moment ago on this tick.
      await world.storage.runs.claimSend('weekly-2026-W48', BEN, tick(9).toISOString());
      const report = completed(await at(9));
      const ben = report.notReached.find((n) => n.rep === BEN);
      expect(ben?.detail).toMatch(/^a send started at .* is still under way/);
      expect(ben?.detail).not.toContain('no card follows');
      expect(notices).toHaveLength(1);
    });

    it('refused after the wait while a rep waits for their own send time: the account does not say none follows, and he is tried at that time', async () => {
      const CAL = 'cal@x.com';
      // Cal's client is in Los Angeles: his card goes out at 08:03 there, 10:03 in Chicago (tick 8).
      const threeAt = await withCal(CAL, 'America/Los_Angeles');
      world.fake.throttleConversationUntil(conversationOf(BEN), tick(6).getTime() - 60_000);
      for (let n = 0; n < 4; n++) completed(await threeAt(n));
      world.fake.injectForConversation(conversationOf(BEN), { status: 503 });
      for (let n = 4; n < 6; n++) await threeAt(n);
      const afterWait = completed(await threeAt(6));
      expect(afterWait).toMatchObject({ retry: 'rep_time', counts: { failed: 1, waiting: 1 } });
      const text = weeklyReportText(afterWait, { timeZone: TIME_ZONE, today: afterWait.localDate });
      expect(text).toContain('The 1 failed rep is tried again when the next card goes out.');
      expect(text).not.toContain('no card follows');
      expect(notices).toHaveLength(0);
      const sends = world.fake.stats.requests;
      for (let n = 7; n < 12; n++) await threeAt(n);
      expect(world.fake.sentTo(conversationOf(CAL))).toHaveLength(1);
      // Tried once more with Cal's card, as the account said; the run's notice names him, once.
      expect(world.fake.stats.requests).toBeGreaterThan(sends + 1);
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain(`Rep ${BEN} (${BEN})`);
    });

    it('asked to wait again after the wait while a rep waits for their own send time: nothing goes to him before the new end, then his card', async () => {
      const threeAt = await withCal('cal@x.com', 'America/Los_Angeles');
      world.fake.throttleConversationUntil(conversationOf(BEN), tick(6).getTime() - 60_000);
      for (let n = 0; n < 6; n++) await threeAt(n);
      // At 09:33, the first tick after the wait, Teams asks him to wait until 10:32.
      world.fake.throttleConversationUntil(conversationOf(BEN), tick(10).getTime() - 60_000);
      await threeAt(6);
      await threeAt(7);
      // 10:03, Cal's time: the run goes on, and keeps to the wait Teams asked for.
      const atCal = completed(await threeAt(8));
      expect(atCal.outcomes.find((o) => o.rep === BEN)).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('so this tick sent nothing'),
      });
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain('their card goes out once the wait is over, after Mon 23 Nov at 10:32 AM');
      for (let n = 9; n < 14; n++) await threeAt(n);
      expect(bens()).toHaveLength(1);
      expect(notices).toHaveLength(1);
    });

    it('refused with a 403 after the wait (he blocked the chat): the admins are told once, with what to do', async () => {
      world.fake.throttleConversationUntil(conversationOf(BEN), tick(8).getTime());
      for (let n = 0; n < 4; n++) completed(await at(n));
      world.fake.injectForConversation(conversationOf(BEN), {
        status: 403,
        code: 'ConversationBlockedByUser',
      });
      for (let n = 8; n < 14; n++) await at(n);
      expect(bens()).toHaveLength(0);
      expect(notices).toHaveLength(2);
      expect(notices[1]).toContain(
        "- Rep ben@x.com (ben@x.com): they blocked the app's chat (ConversationBlockedByUser): ask them to unblock it and write to it",
      );
    });

    it('a team with many reps without the app: he still gets the card after the wait, and the run settles', async () => {
      // Eighty reps never added the app: the run's row keeps only the first of those it did not reach.
      const absent = Array.from({ length: 80 }, (_, i) => `absent${String(i).padStart(3, '0')}@x.com`);
      const big = depsFor(world, slippingBook([...absent, ANA, BEN], { slipping: 1 }));
      const bigAt = async (n: number) => {
        clock = tick(n).getTime();
        return runWeekly(big, { now: tick(n) });
      };
      world.fake.throttleConversationUntil(conversationOf(BEN), tick(8).getTime());
      for (let n = 0; n < 4; n++) completed(await bigAt(n));
      for (let n = 4; n < 12; n++) await bigAt(n);
      expect(bens()).toHaveLength(1);
      expect(runSettled(await world.storage.runs.getRun('weekly-2026-W48'))).toBe(true);
    });

    it("a wait that ends after the week's last tick (Sunday 23:55): no card promised, and the run is settled", async () => {
      // Sunday 29 November, 23:55 in Chicago: the week's last tick is 23:48, the next is next week's.
      const lastTick = 6 * 96 + 63;
      world.fake.throttleConversationUntil(conversationOf(BEN), tick(lastTick).getTime() + 7 * 60_000);
      for (let n = 0; n < 4; n++) completed(await at(n));
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain(
        "the wait ends Sun 29 Nov at 11:55 PM, after the week's last quarter-hour tick, so no card follows this week unless the run is forced",
      );
      expect(notices[0]).not.toContain('once the wait is over');
      // The run will send nothing more: the Team tab says so on Sunday, not that his card is to come.
      const onSunday = await tabsOver(world, book, {
        clock: () => tick(lastTick),
        access: { tenantId: 'tenant-1', adminUserIds: [], managerUserIds: ['aad-boss'] },
      }).team(BOSS, { rep: BEN, month: null });
      expect(onSunday.weeklyRunDone).toBe(true);
      expect(await at(lastTick)).toMatchObject({ status: 'not_due' });
      expect(bens()).toHaveLength(0);
    });

    it('a wait that ends after the week: no card this week, and the admins are told so', async () => {
      // Until Monday 30 November, 08:03 in Chicago: next week's run sends its own card.
      world.fake.throttleConversationUntil(conversationOf(BEN), tick(7 * 96).getTime());
      for (let n = 0; n < 4; n++) completed(await at(n));
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain(
        "the wait ends Mon 30 Nov at 8:03 AM, after the week's last quarter-hour tick, so no card follows this week unless the run is forced",
      );
      expect(notices[0]).toContain(
        '1 rep got no card after 4 attempts: none follows this week unless the run is forced.',
      );
      expect(notices[0]).not.toContain('once the wait is over');
      // Sunday's last tick of the week sends nothing to him.
      expect(await at(7 * 96 - 1)).toMatchObject({ status: 'not_due' });
      expect(bens()).toHaveLength(0);
    });
  });
});
