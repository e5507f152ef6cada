import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { weeklyReportText } from '../../../jobs/weekly/weeklyReport';
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

// A rep Teams throttles with a Retry-After longer than a run waits for one rep (60 s), through the
// weekly run, the real proactive sender and the fake Teams connector, on Azurite.

const [ANA, BEN] = ['ana@x.com', 'ben@x.com'];
/** The timer tick `n` quarter hours after the send time. */
const tick = (n: number) => new Date(SEND_TIME.getTime() + n * 15 * 60_000);
const TOLD = `${BEN}: Teams asked to wait 2 minutes before the next message to them (HTTP 429, too many messages), longer than a run waits for one rep`;

describe('a rep Teams asks to wait longer than a run waits (429, Retry-After 120 s)', () => {
  let world: WeeklyWorld;
  let notices: string[];
  beforeEach(async () => {
    world = await openWeeklyWorld('longwait');
    notices = [];
    await installReps(world, [ANA, BEN]);
  });
  afterEach(async () => {
    await world.stop();
  });
  const deps = () =>
    depsFor(world, slippingBook([ANA, BEN], { slipping: 1 }), {
      notifyAdmins: async (text) => {
        notices.push(text);
        return 'posted';
      },
    });

  it('gets the card on the next tick of the day, once, Ana none twice; the account says why in words', async () => {
    world.fake.injectForConversation(conversationOf(BEN), { status: 429, retryAfterSeconds: 120 }, 1);
    const first = completed(await runWeekly(deps(), { now: tick(0) }));
    expect(first).toMatchObject({ retry: 'next_tick', counts: { delivered: 1, failed: 1 } });
    const text = weeklyReportText(first);
    expect(text).toContain(`- ${TOLD}`);
    expect(text).toContain('The 1 failed rep is tried again on the next tick.');
    expect(world.fake.sentTo(conversationOf(BEN))).toHaveLength(0);

    const second = completed(await runWeekly(deps(), { now: tick(1) }));
    expect(second).toMatchObject({ retry: 'none', counts: { delivered: 2, failed: 0 } });
    expect(world.fake.sentTo(conversationOf(BEN))).toHaveLength(1);
    expect(world.fake.sentTo(conversationOf(ANA))).toHaveLength(1);
    expect(notices).toEqual([]);
  });

  it('still throttled at the last attempt of the day: the admins read that Teams asked to wait, and that no card follows this week', async () => {
    world.fake.injectForConversation(conversationOf(BEN), { status: 429, retryAfterSeconds: 120 });
    for (let n = 0; n < 4; n++) completed(await runWeekly(deps(), { now: tick(n) }));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(
      '1 rep got no card after 4 attempts: none follows this week unless the run is forced.',
    );
    expect(notices[0]).toContain(`- Rep ${TOLD.replace(BEN, `${BEN} (${BEN})`)}`);
    expect(world.fake.sentTo(conversationOf(BEN))).toHaveLength(0);
  });
});
