import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postOnce } from '../../../jobs/weekly/weeklyNotice';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import {
  completed,
  conversationOf,
  depsFor,
  dyingAtFinish,
  installReps,
  openWeeklyWorld,
  SEND_TIME,
  slippingBook,
  type WeeklyWorld,
} from './weeklyWorld';

// The admins hear of every rep who got no card this week, once: a rep a later tick of the week
// fails, after the run's notice went out, is named in a notice of their own; the ticks after it
// name them again never. Through the weekly run on the fake Teams connector and Azurite.

const ANA = 'ana@x.com';
const CARL = 'carl@x.com';
const DAN = 'dan@x.com';
const MINUTE = 60_000;
/** Tuesday 24 November 2026, 10:00 in Chicago. */
const TUESDAY = new Date('2026-11-24T16:00:00Z');
const book = slippingBook([ANA, CARL, DAN], { slipping: 1 });

describe('a rep a later tick of the week fails, after the run told the admins', () => {
  let world: WeeklyWorld;
  let notices: string[];
  beforeEach(async () => {
    world = await openWeeklyWorld('toldonce');
    notices = [];
    await installReps(world, [ANA]);
  });
  afterEach(async () => {
    await world.stop();
  });
  /** The weekly tick at `now`; `crash`: the process dies as the run row is finished. */
  const run = (now: Date, crash = false) =>
    runWeekly(
      depsFor(world, book, {
        storage: crash ? { ...world.storage, runs: dyingAtFinish(world.storage.runs) } : world.storage,
        notifyAdmins: async (text) => {
          notices.push(text);
          return 'posted';
        },
      }),
      { now },
    );
  const ticksFrom = async (from: Date, count: number) => {
    for (let i = 1; i <= count; i++) await run(new Date(from.getTime() + i * 15 * MINUTE));
  };

  it('installs the app, and Teams answers 503 to his card: the admins are told of him once more, once', async () => {
    completed(await run(SEND_TIME));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`- ${CARL}: the app is not installed for them`);

    await installReps(world, [CARL]);
    world.fake.injectForConversation(conversationOf(CARL), { status: 503 });
    await ticksFrom(TUESDAY, 8);
    expect(notices).toHaveLength(2);
    expect(notices[1]).toMatch(
      /^Weekly run weekly-2026-W48: 1 rep got no card since the admins were told of the run\./,
    );
    expect(notices[1]).toMatch(new RegExp(`- Rep ${CARL} \\(${CARL}\\): .*503`));
    expect(notices[1]).not.toContain(ANA);
    expect(notices[1]).not.toContain('not installed');

    // Every tick after: nothing new to tell.
    await ticksFrom(new Date(TUESDAY.getTime() + 8 * 15 * MINUTE), 4);
    expect(notices).toHaveLength(2);
  });

  it('installs the app and gets his card: nothing more to tell', async () => {
    completed(await run(SEND_TIME));
    await installReps(world, [CARL]);
    await ticksFrom(TUESDAY, 4);
    expect(world.fake.sentTo(conversationOf(CARL))).toHaveLength(1);
    expect(notices).toHaveLength(1);
  });

  it('installs the app after the run, in Los Angeles, and Teams refuses his card at his own send time: he is told of once more', async () => {
    completed(await run(SEND_TIME));
    expect(notices).toHaveLength(1);
    await installReps(world, [CARL]);
    await world.storage.conversations.learnTimeZone(`aad-${CARL}`, 'America/Los_Angeles');
    world.fake.injectForConversation(conversationOf(CARL), { status: 403, code: 'BotDisabledByAdmin' });
    const waiting = completed(await run(new Date(SEND_TIME.getTime() + 15 * MINUTE)));
    expect(waiting.outcomes.find((o) => o.rep === CARL)?.status).toBe('waiting');
    // 08:03 in Los Angeles, and the ticks after it.
    await ticksFrom(new Date(SEND_TIME.getTime() + 15 * MINUTE), 12);
    expect(notices).toHaveLength(2);
    expect(notices[1]).toMatch(/1 rep got no card since the admins were told of the run\./);
    expect(notices[1]).toContain(
      `- Rep ${CARL} (${CARL}): the organisation's Teams app policy blocks the app for them (BotDisabledByAdmin)`,
    );
  });

  it('the process dies after his notice went out, before the run row is finished, and another rep is refused on the tick after: each is told of once', async () => {
    completed(await run(SEND_TIME));
    expect(notices).toHaveLength(1);
    await installReps(world, [CARL]);
    world.fake.injectForConversation(conversationOf(CARL), { status: 503 });
    await ticksFrom(TUESDAY, 3);
    expect(notices).toHaveLength(1);
    await expect(run(new Date(TUESDAY.getTime() + 4 * 15 * MINUTE), true)).rejects.toThrow('process died');
    expect(notices).toHaveLength(2);
    expect(notices[1]).toContain(`- Rep ${CARL} (${CARL}): `);

    await installReps(world, [DAN]);
    world.fake.injectForConversation(conversationOf(DAN), { status: 503 });
    await ticksFrom(new Date(TUESDAY.getTime() + 4 * 15 * MINUTE), 8);
    expect(notices).toHaveLength(3);
    expect(notices[2]).toMatch(/1 rep got no card since the admins were told of the run\./);
    expect(notices[2]).toContain(`- Rep ${DAN} (${DAN}): `);
    expect(notices[2]).not.toContain(CARL);
  });

  it('a notice of 10,000 reps without the app goes out once: the ticks after it find it recorded', async () => {
    const named = Array.from(
      { length: 10_000 },
      (_, i) => `no_conversation:firstname.lastname${i}@contoso-corporation.example`,
    );
    const notice = { runKey: 'weekly-2026-W48', at: SEND_TIME.toISOString(), kind: 'run' as const, named };
    const deps = {
      runs: world.storage.runs,
      notifyAdmins: async (text: string) => {
        notices.push(text);
        return 'posted' as const;
      },
    };
    expect(await postOnce('Weekly run weekly-2026-W48: 10000 reps', notice, deps)).toBe('posted');
    expect(await postOnce('Weekly run weekly-2026-W48: 10000 reps', notice, deps)).toBe('already_sent');
    expect(notices).toHaveLength(1);
  });
});
