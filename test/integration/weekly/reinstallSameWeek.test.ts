import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBotRuntime } from '../../../bot';
import { createActionHandler } from '../../../bot/taps/actionHandler';
import { listsNowFrom } from '../../../jobs/weekly/weeklyPlan';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { defaultRules } from '../../../rules/rulesSchema';
import type { FunctionsHost } from '../../../tools/local/functionsHost';
import { startBotHost } from '../../helpers/botOnPlayground';
import { texts } from '../../unit/cards/cardWalk';
import { MemoryLog } from '../bot/recordingPorts';
import { advancingClock, handlerDeps, post } from '../taps/actionHarness';
import {
  actionStoresOf,
  completed,
  conversationOf,
  depsFor,
  installReps,
  openWeeklyWorld,
  personalActivity,
  SEND_TIME,
  slippingBook,
  TIME_ZONE,
  type WeeklyWorld,
} from './weeklyWorld';

// A rep this week's run missed because they had removed the app, who adds it back the same week,
// through the real bot over HTTP (CloudAdapter) and the weekly run's quarter-hour ticks, both on the
// fake Teams connector and Azurite.

const DAN = 'dan@x.com';
const ANA = 'ana@x.com';
const DAN_ACCOUNT = { id: '29:dan', name: 'Dan Reyes', aadObjectId: 'aad-dan', email: DAN };
const MINUTE = 60_000;
/** Tuesday 24 November 2026, 10:00 in Chicago: Dan adds the app back. */
const TUESDAY = new Date('2026-11-24T16:00:00Z');
const book = () => slippingBook([ANA, DAN], { slipping: 1 });

describe('a rep who removed the app and adds it back in the week the run missed them', () => {
  let world: WeeklyWorld;
  let host: FunctionsHost;
  beforeEach(async () => {
    world = await openWeeklyWorld('backweek');
    world.fake.addMember(DAN_ACCOUNT);
    const runtime = createBotRuntime({
      bot: { appId: '', appPassword: '', appType: 'MultiTenant', tenantId: 'tenant-1' },
      store: world.storage.conversations,
      actions: createActionHandler(
        handlerDeps(actionStoresOf(world), {
          timeZone: TIME_ZONE,
          clock: advancingClock(TUESDAY),
          listsNow: listsNowFrom(
            async () => ({ book: book() }),
            defaultRules(),
            () => TUESDAY,
          ),
        }),
      ),
      log: new MemoryLog(),
    });
    host = await startBotHost(runtime);
    await installReps(world, [ANA]);
    expect(await install('add', '2026-11-16T15:00:00Z')).toBe(200);
  });
  afterEach(async () => {
    await host.close();
    await world.stop();
  });

  const install = (action: 'add' | 'remove', timestamp: string) =>
    post(host.url, personalActivity(world, DAN_ACCOUNT, 'installationUpdate', { action, timestamp }));
  const cardsTo = (rep: string) =>
    world.fake.sentTo(conversationOf(rep)).filter((a) => a.activity.summary !== undefined);
  const run = (now: Date) => runWeekly(depsFor(world, book()), { now });

  it('removed after the run read the reps (Teams refused his card): `list` at once, and the week’s card on the next tick, once; Ana none twice', async () => {
    // The run read Dan's chat; he removed the app before his card went out, and Teams refused it.
    world.fake.injectForConversation(conversationOf(DAN), {
      status: 403,
      code: 'BotNotInConversationRoster',
    });
    const monday = completed(await run(SEND_TIME));
    expect(monday.outcomes.find((o) => o.rep === DAN)?.status).toBe('unreachable');
    expect(await install('remove', new Date(SEND_TIME.getTime() + MINUTE).toISOString())).toBe(200);
    world.fake.injectForConversation(
      conversationOf(DAN),
      { status: 403, code: 'BotNotInConversationRoster' },
      0,
    );

    expect(await install('add', TUESDAY.toISOString())).toBe(200);
    expect(await post(host.url, personalActivity(world, DAN_ACCOUNT, 'message', { text: 'list' }))).toBe(200);
    const listed = world.fake.sentTo(conversationOf(DAN)).at(-1)?.activity;
    expect(texts((listed?.attachments as { content: unknown }[] | undefined)?.[0]?.content)).toContain(
      `Slipping 0 of ${DAN}`,
    );

    const tick = completed(await run(new Date(TUESDAY.getTime() + 15 * MINUTE)));
    expect(tick.outcomes.find((o) => o.rep === DAN)?.status).toBe('delivered');
    expect(cardsTo(DAN)).toHaveLength(1);
    expect(cardsTo(ANA)).toHaveLength(1);
    expect(await run(new Date(TUESDAY.getTime() + 30 * MINUTE))).toMatchObject({ status: 'not_due' });
    expect(cardsTo(DAN)).toHaveLength(1);
  });

  it('removed before the run: the week’s card on the next tick after he adds it back, once', async () => {
    expect(await install('remove', new Date(SEND_TIME.getTime() - 60 * MINUTE).toISOString())).toBe(200);
    const monday = completed(await run(SEND_TIME));
    expect(monday.outcomes.find((o) => o.rep === DAN)?.status).toBe('no_conversation');

    expect(await install('add', TUESDAY.toISOString())).toBe(200);
    completed(await run(new Date(TUESDAY.getTime() + 15 * MINUTE)));
    expect(cardsTo(DAN)).toHaveLength(1);
    expect(cardsTo(ANA)).toHaveLength(1);
    expect(await run(new Date(TUESDAY.getTime() + 30 * MINUTE))).toMatchObject({ status: 'not_due' });
    expect(cardsTo(DAN)).toHaveLength(1);
  });

  it('added back but still refused by Teams (an app policy): tried once on the next tick, not on every tick after', async () => {
    world.fake.injectForConversation(conversationOf(DAN), { status: 403, code: 'BotDisabledByAdmin' });
    completed(await run(SEND_TIME));
    expect(await install('add', TUESDAY.toISOString())).toBe(200);
    const tries = () => world.fake.activities.length + world.fake.stats.injected;
    const before = tries();
    const tick = completed(await run(new Date(TUESDAY.getTime() + 15 * MINUTE)));
    expect(tick.outcomes.find((o) => o.rep === DAN)?.status).toBe('unreachable');
    expect(tries()).toBe(before + 1);
    expect(await run(new Date(TUESDAY.getTime() + 30 * MINUTE))).toMatchObject({ status: 'not_due' });
    expect(tries()).toBe(before + 1);
    expect(cardsTo(ANA)).toHaveLength(1);
  });

  it('a rep who never installed the app costs the ticks after the run nothing but a look: no run again', async () => {
    const carl = slippingBook([ANA, DAN, 'carl@x.com'], { slipping: 1 });
    completed(await runWeekly(depsFor(world, carl), { now: SEND_TIME }));
    expect(
      await runWeekly(depsFor(world, carl), { now: new Date(SEND_TIME.getTime() + 15 * MINUTE) }),
    ).toEqual({
      status: 'not_due',
      runKey: 'weekly-2026-W48',
      reason: 'already_ran',
    });
  });
});
