import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

describe('a rep Teams throttles mid-run (429 with Retry-After), on Azurite and the fake Teams connector', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('throttle');
  });
  afterEach(async () => {
    await world.stop();
  });

  it('waits the Retry-After for that rep alone and still delivers in the run; the others’ cards do not wait', async () => {
    const reps = ['ana@x.com', 'ben@x.com', 'cho@x.com', 'dee@x.com'];
    await installReps(world, reps);
    const throttled = conversationOf('ben@x.com');
    world.fake.injectForConversation(throttled, { status: 429, retryAfterSeconds: 1 }, 2);

    const report = completed(
      await runWeekly(depsFor(world, slippingBook(reps, { slipping: 1 })), { now: SEND_TIME }),
    );

    expect(report.counts.delivered).toBe(4);
    expect(report.retry).toBe('none');
    expect(report.sends.throttled).toBe(2);
    for (const rep of reps) expect(world.fake.sentTo(conversationOf(rep))).toHaveLength(1);
    // Ben's card came after the two seconds Teams asked for; the others' went out before it.
    const runStart = world.fake.requestTimes[0];
    const benAt = world.fake.sentTo(throttled)[0].at;
    expect(benAt - runStart).toBeGreaterThanOrEqual(2_000);
    for (const rep of reps.filter((r) => r !== 'ben@x.com'))
      expect(world.fake.sentTo(conversationOf(rep))[0].at).toBeLessThan(benAt - 1_000);
  });
});
