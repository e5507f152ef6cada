import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_UNCONFIRMED_SENDS } from '../../../jobs/weekly/weeklyClaims';
import { claimedNoticeLine } from '../../../jobs/weekly/weeklyReport';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { listingsBusy } from './refusedListings';
import {
  completed,
  conversationOf,
  depsFor,
  dyingAt,
  installReps,
  openWeeklyWorld,
  repEmails,
  slippingBook,
  TIME_ZONE,
  type WeeklyWorld,
} from './weeklyWorld';

// A team whose card goes out on Sunday at 23:03 (Chicago): the run's attempts for a rep whose sends
// keep failing come at 23:18 and 23:33, and the week's last tick, 23:48, posts the admins' notice.
// When the host is down at 23:48 (a deploy, an outage), next week's first tick posts it instead,
// once. Through the weekly run, the real proactive sender and the fake Teams connector, on Azurite.

const [ANA, BEN] = ['ana@x.com', 'ben@x.com'];
const RUN_KEY = 'weekly-2026-W48';
/** Sunday 29 November 2026, 23:03 in Chicago: the send time. */
const SUNDAY = new Date('2026-11-30T05:03:00Z');
/** The timer tick `n` quarter hours after the send time: 3 is the week's last (23:48), 4 next week's first. */
const tick = (n: number) => new Date(SUNDAY.getTime() + n * 15 * 60_000);

describe("the week's last tick does not run", () => {
  let world: WeeklyWorld;
  let notices: string[];
  let answer: 'posted' | 'failed';
  beforeEach(async () => {
    world = await openWeeklyWorld('missedlast');
    notices = [];
    answer = 'posted';
    await installReps(world, [ANA, BEN]);
    world.fake.injectForConversation(conversationOf(BEN), { status: 503 });
  });
  afterEach(async () => {
    await world.stop();
  });
  const deps = (storage = world.storage) =>
    depsFor(world, slippingBook([ANA, BEN], { slipping: 1 }), {
      storage,
      config: { timeZone: TIME_ZONE, weeklySendAt: { weekday: 7, hour: 23, minute: 3 } },
      notifyAdmins: async (text) => {
        if (answer === 'posted') notices.push(text);
        return answer;
      },
    });
  const at = (n: number) => runWeekly(deps(), { now: tick(n) });

  it("next week's first tick tells the admins of last week's rep with no card, once", async () => {
    for (let n = 0; n < 3; n++) expect(completed(await at(n))).toMatchObject({ adminNotice: 'deferred' });
    expect(notices).toEqual([]);
    // 23:48 never runs. Monday 00:03 is next week's first tick, long before its send time.
    expect(await at(4)).toMatchObject({ status: 'not_due', runKey: 'weekly-2026-W49' });
    expect(notices).toHaveLength(1);
    const [title, ...lines] = notices[0].split('\n');
    expect(title).toBe(
      `Weekly run ${RUN_KEY} (last week's run): 1 rep got no card, and the admins were not told: the run's last tick did not complete.`,
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^- Rep ${BEN} \\(${BEN}\\): `));
    expect(notices[0]).not.toContain(ANA);
    // Recorded under last week's run key: its later ticks, and a rerun of this one, post nothing.
    for (let n = 4; n < 8; n++) await at(n);
    expect(notices).toHaveLength(1);
    expect([...(await world.storage.runs.namedInNotices(RUN_KEY))]).toEqual([`failed:${BEN}`]);
    expect(world.fake.sentTo(conversationOf(ANA))).toHaveLength(1);
  });

  it("the last tick starts and dies before its notice: next week's first tick tells of the rep, not that the tick did not run", async () => {
    for (let n = 0; n < 3; n++) completed(await at(n));
    // 23:48 runs and the process dies when it comes to Ben's send (a deploy, the host's time limit).
    const dying = { ...world.storage, runs: dyingAt(world.storage.runs, 'claimSend') };
    await expect(runWeekly(deps(dying), { now: tick(3) })).rejects.toThrow('injected crash');
    expect(notices).toEqual([]);
    await at(4);
    expect(notices).toHaveLength(1);
    const [title, ...lines] = notices[0].split('\n');
    expect(title).toBe(
      `Weekly run ${RUN_KEY} (last week's run): 1 rep got no card, and the admins were not told: the run's last tick did not complete.`,
    );
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^- Rep ${BEN} \\(${BEN}\\): HTTP 503`))]);
  });

  it("many reps without the app: next week's notice names the rep whose sends failed first, and says how many the run's row does not list", async () => {
    // 60 reps have never installed the app, more than the run's row lists; Zed's sends keep failing.
    const ZED = 'zed@x.com';
    const noApp = repEmails(60);
    await installReps(world, [ZED]);
    world.fake.injectForConversation(conversationOf(ZED), { status: 503 });
    const book = slippingBook([ANA, ...noApp, ZED], { slipping: 1 });
    const many = (n: number) =>
      runWeekly(
        { ...deps(), readBook: async () => ({ book, report: { files: [], rowsSkipped: 0 } }) },
        { now: tick(n) },
      );
    for (let n = 0; n < 3; n++) expect(completed(await many(n))).toMatchObject({ adminNotice: 'deferred' });
    await many(4);
    expect(notices).toHaveLength(1);
    const [title, ...lines] = notices[0].split('\n');
    expect(title).toMatch(/^Weekly run weekly-2026-W48 \(last week's run\): \d+ reps got no card, /);
    expect(lines[0]).toMatch(new RegExp(`^- Rep ${ZED} \\(${ZED}\\): HTTP 503`));
    const listed = Number(/: (\d+) reps got no card/.exec(title)?.[1]);
    expect(listed).toBeLessThan(61);
    expect(lines.at(-1)).toBe(
      `- the run's row lists ${listed} of its 61 reps with no card: the others, some perhaps told of before, are in the run's log`,
    );
  });

  it('the last tick runs: its notice is the only one, next week posts nothing', async () => {
    for (let n = 0; n < 4; n++) completed(await at(n));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(new RegExp(`^Weekly run ${RUN_KEY} \\(2026-11-29\\): `));
    for (let n = 4; n < 8; n++) await at(n);
    expect(notices).toHaveLength(1);
  });

  it("next week's first tick cannot post it: a later tick of the week does, once", async () => {
    for (let n = 0; n < 3; n++) completed(await at(n));
    answer = 'failed';
    await at(4);
    expect(notices).toEqual([]);
    answer = 'posted';
    for (let n = 5; n < 8; n++) await at(n);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(new RegExp(`^Weekly run ${RUN_KEY} \\(last week's run\\): 1 rep got no card`));
  });

  it("next week's posts of it never recorded, its tries spent: the log warns the admins may not have it", async () => {
    for (let n = 0; n < 3; n++) completed(await at(n));
    // Teams takes each post; storage refuses each record of it (the ticks are past the claim's hold).
    const refusing = { ...world.storage, runs: dyingAt(world.storage.runs, 'recordNotice') };
    for (let n = 4; n < 4 + MAX_UNCONFIRMED_SENDS; n++)
      await expect(runWeekly(deps(refusing), { now: tick(n) })).rejects.toThrow('injected crash');
    expect(notices).toHaveLength(MAX_UNCONFIRMED_SENDS);
    await runWeekly(deps(refusing), { now: tick(4 + MAX_UNCONFIRMED_SENDS) });
    expect(notices).toHaveLength(MAX_UNCONFIRMED_SENDS);
    expect(world.log.lines).toContainEqual({
      level: 'warn',
      message: `run ${RUN_KEY}: ${claimedNoticeLine('unconfirmed')}`,
    });
  });
});

describe("a rep's card after a wait Teams asked for is left to the week's last tick, which does not run", () => {
  let world: WeeklyWorld;
  let notices: string[];
  let clock: number;
  /** Sunday 29 November 2026, 22:03 in Chicago: the send time, an hour before the week's last attempts. */
  const sendTime = new Date('2026-11-30T04:03:00Z');
  const tickAt = (n: number) => new Date(sendTime.getTime() + n * 15 * 60_000);
  beforeEach(async () => {
    clock = sendTime.getTime();
    world = await openWeeklyWorld('missedwait', { fakeNow: () => clock });
    notices = [];
    await installReps(world, [ANA, BEN]);
  });
  afterEach(async () => {
    await world.stop();
  });
  const at = (n: number, storage = world.storage) => {
    clock = tickAt(n).getTime();
    return runWeekly(
      depsFor(world, slippingBook([ANA, BEN], { slipping: 1 }), {
        storage,
        config: { timeZone: TIME_ZONE, weeklySendAt: { weekday: 7, hour: 22, minute: 3 } },
        notifyAdmins: async (text) => {
          notices.push(text);
          return 'posted';
        },
      }),
      { now: tickAt(n) },
    );
  };

  it("the admins read his card goes out after the wait; next week's first tick tells them it did not, once", async () => {
    // 22:03: Teams asks to wait 100 minutes (until 23:43); the week's attempts end at 22:48, whose
    // notice says his card goes out once the wait is over: on 23:48's tick, which never runs.
    world.fake.injectForConversation(conversationOf(BEN), { status: 429, retryAfterSeconds: 6000 }, 1);
    for (let n = 0; n < 7; n++) await at(n);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('their card goes out once the wait is over, after Sun 29 Nov at 11:43 PM');
    for (let n = 8; n < 12; n++) await at(n);
    expect(notices).toHaveLength(2);
    const [title, ...lines] = notices[1].split('\n');
    expect(title).toBe(
      `Weekly run ${RUN_KEY} (last week's run): 1 rep got no card, and the admins were not told: the run's last tick did not complete.`,
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^- Rep ${BEN} \\(${BEN}\\): Teams asked to wait `));
    expect(lines[0]).not.toContain('their card goes out');
    expect(world.fake.sentTo(conversationOf(BEN))).toHaveLength(0);
  });

  it("the last tick runs: he gets his card after the wait, and next week's ticks post nothing", async () => {
    world.fake.injectForConversation(conversationOf(BEN), { status: 429, retryAfterSeconds: 6000 }, 1);
    for (let n = 0; n < 12; n++) await at(n);
    expect(world.fake.sentTo(conversationOf(BEN))).toHaveLength(1);
    expect(notices).toHaveLength(1);
  });

  it("the week's listings refused too: the run's notice tells of them, and next week's first tick names the rep alone", async () => {
    const storage = await listingsBusy(world, () => true);
    world.fake.injectForConversation(conversationOf(BEN), { status: 429, retryAfterSeconds: 6000 }, 1);
    for (let n = 0; n < 7; n++) await at(n, storage);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain("This week's listings could not be recorded after 4 attempts");
    for (let n = 8; n < 12; n++) await at(n, storage);
    expect(notices).toHaveLength(2);
    expect(notices[1]).toMatch(new RegExp(`^Weekly run ${RUN_KEY} \\(last week's run\\): 1 rep got no card`));
  });
});
