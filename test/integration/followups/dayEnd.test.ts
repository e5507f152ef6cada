import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runFollowUps } from '../../../jobs/followups/followUpsRun';
import type { NoticeResult } from '../../../jobs/weekly/weeklyNotice';
import { initialState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import { bookFromRows } from '../../helpers/bookFromRows';
import {
  conversationOf,
  installReps,
  openWeeklyWorld,
  type WeeklyWorld,
  weeklyOrders,
} from '../weekly/weeklyWorld';
import { completed, dailyDeps } from './dailyRun';

// The digest's day ends with its last tick (23:48 in Chicago), as the week does: a digest sent on
// it that Teams refuses is told of then, not deferred to a tick of the next day, and a notice no
// admin could take is posted by the next day's ticks, under its own day's title. On Azurite and
// the fake Teams connector.

const ANA = 'ana@example.com';
const MINUTE = 60_000;
/** Tuesday 24 November 2026, 23:48 in Chicago: the digest's send time, and the day's last tick. */
const LAST_TICK = new Date('2026-11-25T05:48:00Z');

const book = bookFromRows({
  customers: [{ id: 'quiet', name: 'Quiet Deli', owner: ANA, monthlyValue: 800 }],
  orders: weeklyOrders('quiet', '2026-06-01', '2026-10-12'),
});

describe("the digest's day ends", () => {
  let world: WeeklyWorld;
  let notices: string[];
  let answer: NoticeResult;
  beforeEach(async () => {
    world = await openWeeklyWorld('dayend');
    notices = [];
    answer = 'posted';
    await installReps(world, [ANA]);
    // Ana reached out to Quiet Deli 35 days ago; nothing since: a follow-up is due.
    await world.storage.state.writeChanged(new Map(), [
      {
        ...initialState({ customerId: 'quiet', name: 'Quiet Deli', owner: ANA, monthlyValue: 800 }),
        lastContact: '2026-10-20',
      },
    ]);
    world.fake.injectForConversation(conversationOf(ANA), { status: 503 });
  });
  afterEach(async () => {
    await world.stop();
  });
  const rules = defaultRules();
  /** The tick at `now` of a team whose digest goes out at 23:48, or at `minute` past 23. */
  const run = (now: Date, minute = 48) =>
    runFollowUps(
      dailyDeps(world, async () => ({ book, report: { files: [], rowsSkipped: 0 } }), {
        rules: { ...rules, followUps: { ...rules.followUps, sendAt: { hour: 23, minute } } },
        notifyAdmins: async (text) => {
          if (answer === 'posted') notices.push(text);
          return answer;
        },
      }),
      { now },
    );

  it('a digest Teams refuses on the day’s last tick is told of on it', async () => {
    const last = completed(await run(LAST_TICK));
    expect(last.counts.failed).toBe(1);
    expect(last.retry).toBe('none');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^Follow-ups daily-2026-11-24: /);
    expect(notices[0]).toContain(ANA);
  });

  it("a notice no admin could take on the day's last tick is posted by the next day's ticks, once", async () => {
    answer = 'failed';
    completed(await run(LAST_TICK));
    expect(notices).toEqual([]);

    answer = 'posted';
    for (let i = 1; i <= 3; i++) await run(new Date(LAST_TICK.getTime() + i * 15 * MINUTE));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^Follow-ups daily-2026-11-24: /);
    expect(notices[0]).toContain(ANA);
  });

  it("the day's last tick does not run: the next day's first tick tells the admins of yesterday's rep with no digest, once", async () => {
    // Sent at 23:18 and tried again at 23:33, the notice deferred to 23:48, which never runs.
    for (const minutes of [-30, -15]) {
      const attempt = completed(await run(new Date(LAST_TICK.getTime() + minutes * MINUTE), 18));
      expect(attempt).toMatchObject({ adminNotice: 'deferred', retry: 'next_tick' });
    }
    expect(notices).toEqual([]);
    for (let i = 1; i <= 3; i++) await run(new Date(LAST_TICK.getTime() + i * 15 * MINUTE), 18);
    expect(notices).toHaveLength(1);
    const [title, ...lines] = notices[0].split('\n');
    expect(title).toBe(
      "Follow-ups daily-2026-11-24 (yesterday's run): 1 rep got no digest, and the admins were not told: the run's last tick did not complete.",
    );
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^- Rep ${ANA} \\(${ANA}\\): HTTP 503`))]);
  });
});
