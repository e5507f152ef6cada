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

const QUARTER_HOUR = 15 * 60_000;

describe('a rep Teams can no longer reach, on Azurite and the fake Teams connector', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('gone');
  });
  afterEach(async () => {
    await world.stop();
  });

  it.each([
    ['left the tenant: their chat is gone (404 ConversationNotFound)', { status: 404 } as const],
    [
      'the app is not in their personal scope (403 ForbiddenOperationException)',
      { status: 403, code: 'ForbiddenOperationException' } as const,
    ],
  ])('%s: one try that week, no resend on the later ticks, the admins told once', async (_, answer) => {
    const [gone, stays] = ['gone@x.com', 'stays@x.com'];
    await installReps(world, [gone, stays]);
    world.fake.injectForConversation(conversationOf(gone), answer);
    const notices: string[] = [];
    const deps = depsFor(world, slippingBook([gone, stays], { slipping: 1 }), {
      notifyAdmins: async (text) => {
        notices.push(text);
        return 'posted';
      },
    });

    const first = completed(await runWeekly(deps, { now: SEND_TIME }));
    expect(first.outcomes.find((o) => o.rep === gone)).toMatchObject({ status: 'unreachable' });
    expect(first.retry).toBe('none');
    for (let tick = 1; tick <= 4; tick++)
      await runWeekly(deps, { now: new Date(SEND_TIME.getTime() + tick * QUARTER_HOUR) });

    expect(world.fake.stats.requests - world.fake.stats.accepted).toBe(1);
    expect(world.fake.sentTo(conversationOf(stays))).toHaveLength(1);
    expect(notices).toHaveLength(1);
  });

  it('the notice after the last attempt still says why, when another rep’s failures made the run try again', async () => {
    const [removed, flaky, stays] = ['removed@x.com', 'flaky@x.com', 'stays@x.com'];
    await installReps(world, [removed, flaky, stays]);
    world.fake.injectForConversation(conversationOf(removed), {
      status: 403,
      code: 'BotNotInConversationRoster',
    });
    world.fake.injectForConversation(conversationOf(flaky), { status: 400 });
    const notices: string[] = [];
    const deps = depsFor(world, slippingBook([removed, flaky, stays], { slipping: 1 }), {
      notifyAdmins: async (text) => {
        notices.push(text);
        return 'posted';
      },
    });
    for (let tick = 0; tick <= 3; tick++)
      await runWeekly(deps, { now: new Date(SEND_TIME.getTime() + tick * QUARTER_HOUR) });

    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(
      // The admins read each rep by their Teams name with the address the feed knows them by.
      `- Rep ${removed} (${removed}): the app was removed for them (BotNotInConversationRoster: uninstalled, or they left the team it came with)`,
    );
    expect(world.fake.stats.requests - world.fake.stats.accepted).toBe(1 + 4);
  });
});
