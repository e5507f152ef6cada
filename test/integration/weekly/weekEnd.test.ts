import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NoticeResult } from '../../../jobs/weekly/weeklyNotice';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import {
  completed,
  conversationOf,
  depsFor,
  installReps,
  openWeeklyWorld,
  SEND_TIME,
  slippingBook,
  type WeeklyWorld,
} from './weeklyWorld';

// The week's ticks end with Sunday's last (23:48 in Chicago); the admins still hear of every rep
// who got no card: the last tick defers nothing, a notice no admin could take by then is posted by
// the next week's ticks, under last week's title, and so is the one a last tick that never ran (the
// host down) would have posted. Through the weekly run on the fake Teams connector and Azurite.

const ANA = 'ana@x.com';
const CARL = 'carl@x.com';
const MINUTE = 60_000;
/** Sunday 29 November 2026, 23:48 in Chicago: the last tick of week 48. */
const LAST_TICK = new Date('2026-11-30T05:48:00Z');
const book = slippingBook([ANA, CARL], { slipping: 1 });

describe("the week's last tick", () => {
  let world: WeeklyWorld;
  let notices: string[];
  let answer: NoticeResult;
  beforeEach(async () => {
    world = await openWeeklyWorld('weekend');
    notices = [];
    answer = 'posted';
    await installReps(world, [ANA]);
  });
  afterEach(async () => {
    await world.stop();
  });
  const run = (now: Date) =>
    runWeekly(
      depsFor(world, book, {
        notifyAdmins: async (text) => {
          if (answer === 'posted') notices.push(text);
          return answer;
        },
      }),
      { now },
    );
  const ticksFrom = async (from: Date, count: number) => {
    for (let i = 1; i <= count; i++) await run(new Date(from.getTime() + i * 15 * MINUTE));
  };

  it('a rep who installs the app late on Sunday and whose card Teams refuses with a 503 is told of on that tick, not deferred past the week', async () => {
    completed(await run(SEND_TIME));
    expect(notices).toHaveLength(1);

    await installReps(world, [CARL]);
    world.fake.injectForConversation(conversationOf(CARL), { status: 503 });
    const last = completed(await run(LAST_TICK));
    expect(last.outcomes.find((o) => o.rep === CARL)?.status).toBe('failed');
    expect(last.retry).toBe('none');
    expect(notices).toHaveLength(2);
    expect(notices[1]).toMatch(
      /^Weekly run weekly-2026-W48: 1 rep got no card since the admins were told of the run\./,
    );
    expect(notices[1]).toMatch(new RegExp(`- Rep ${CARL} \\(${CARL}\\): .*503`));

    // Monday's ticks are week 49's: nothing of week 48 is told again.
    await ticksFrom(LAST_TICK, 4);
    expect(notices).toHaveLength(2);
  });

  it("a notice no admin could take all week is posted by the next week's ticks, under last week's title, once", async () => {
    answer = 'failed';
    completed(await run(SEND_TIME));
    await ticksFrom(SEND_TIME, 4);
    await run(LAST_TICK);
    expect(notices).toEqual([]);

    answer = 'posted';
    await ticksFrom(LAST_TICK, 1);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^Weekly run weekly-2026-W48 \(2026-11-23\):/);
    expect(notices[0]).toContain(`${CARL}: the app is not installed for them`);

    await ticksFrom(new Date(LAST_TICK.getTime() + 15 * MINUTE), 4);
    expect(notices).toHaveLength(1);
  });

  it("a rep refused late on Sunday, the week's last tick not run: next week's first tick tells of him, once", async () => {
    completed(await run(SEND_TIME));
    expect(notices).toHaveLength(1);

    await installReps(world, [CARL]);
    world.fake.injectForConversation(conversationOf(CARL), { status: 503 });
    // 23:33: his card fails, tried again at 23:48, when the host is down.
    const late = completed(await run(new Date(LAST_TICK.getTime() - 15 * MINUTE)));
    expect(late).toMatchObject({ retry: 'next_tick', adminNotice: 'deferred' });
    expect(notices).toHaveLength(1);

    await ticksFrom(LAST_TICK, 4);
    expect(notices).toHaveLength(2);
    expect(notices[1].split('\n')).toEqual([
      "Weekly run weekly-2026-W48 (last week's run): 1 rep got no card, and the admins were not told: the run's last tick did not complete.",
      expect.stringMatching(new RegExp(`^- Rep ${CARL} \\(${CARL}\\): HTTP 503`)),
    ]);
  });
});
