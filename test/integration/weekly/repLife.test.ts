import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBotRuntime } from '../../../bot';
import { createActionHandler } from '../../../bot/taps/actionHandler';
import { weeklySendText } from '../../../functions/config';
import { listsNowFrom } from '../../../jobs/weekly/weeklyPlan';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { defaultRules } from '../../../rules/rulesSchema';
import type { FunctionsHost } from '../../../tools/local/functionsHost';
import { bookFromRows } from '../../helpers/bookFromRows';
import { startBotHost } from '../../helpers/botOnPlayground';
import { texts } from '../../unit/cards/cardWalk';
import { MemoryLog } from '../bot/recordingPorts';
import { advancingClock, handlerDeps, post, tap } from '../taps/actionHarness';
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
  tabsOver,
  type WeeklyWorld,
  weeklyOrders,
} from './weeklyWorld';

// A rep's life in the team, through the real bot over HTTP (CloudAdapter) and the weekly run, both
// talking to the fake Teams connector, on Azurite: Dan joins, gets his cards at 08:03 his time
// (Denver, an hour behind the team's Chicago), uninstalls the app, and comes back.

const DAN = 'dan@x.com';
const ANA = 'ana@x.com';
const DAN_ACCOUNT = { id: '29:dan', name: 'Dan Reyes', aadObjectId: 'aad-dan', email: DAN };
const DENVER = 'America/Denver';
const WEEK = 7 * 86_400_000;
const HOUR = 3_600_000;
/** Wednesday 18 November 2026, 10:00 in Chicago: Dan joins the team. */
const WEDNESDAY = new Date('2026-11-18T16:00:00Z');
const book = () => slippingBook([ANA, DAN], { slipping: 1 });

describe('a rep who uninstalls the app and installs it again', () => {
  let world: WeeklyWorld;
  let host: FunctionsHost;
  const notices: string[] = [];
  beforeEach(async () => {
    world = await openWeeklyWorld('life');
    world.fake.addMember(DAN_ACCOUNT);
    const stores = actionStoresOf(world);
    const runtime = createBotRuntime({
      bot: { appId: '', appPassword: '', appType: 'MultiTenant', tenantId: 'tenant-1' },
      store: world.storage.conversations,
      actions: createActionHandler(
        handlerDeps(stores, {
          timeZone: TIME_ZONE,
          clock: advancingClock(WEDNESDAY),
          listsNow: listsNowFrom(
            async () => ({ book: book() }),
            defaultRules(),
            () => WEDNESDAY,
          ),
          weeklySendText: (rep) =>
            weeklySendText({ timeZone: TIME_ZONE, weeklySendAt: { weekday: 1, hour: 8, minute: 3 } }, rep),
        }),
      ),
      log: new MemoryLog(),
    });
    host = await startBotHost(runtime);
    await installReps(world, [ANA]);
  });
  afterEach(async () => {
    await host.close();
    await world.stop();
  });

  const fromDan = (type: string, extra: Record<string, unknown>) =>
    personalActivity(world, DAN_ACCOUNT, type, extra);
  const install = (action: 'add' | 'remove', timestamp: string) =>
    post(host.url, fromDan('installationUpdate', { action, timestamp }));
  const say = (text: string) =>
    post(host.url, fromDan('message', { text, localTimezone: DENVER, timestamp: new Date().toISOString() }));
  const cardsToDan = () =>
    world.fake.sentTo(conversationOf(DAN)).filter((a) => a.activity.summary !== undefined);
  const run = (now: Date) =>
    runWeekly(
      depsFor(world, book(), {
        notifyAdmins: async (text) => {
          notices.push(text);
          return 'posted';
        },
      }),
      { now },
    );

  it('joins on a Wednesday (list and help at once, Monday’s card at his time); uninstalls: named to the admins as having removed the app; reinstalls: cards back at his time', async () => {
    expect(await install('add', WEDNESDAY.toISOString())).toBe(200);
    expect(await say('list')).toBe(200);
    const listed = world.fake.sentTo(conversationOf(DAN)).at(-1)?.activity;
    const listCard = (listed?.attachments as { content: Record<string, unknown> }[] | undefined)?.[0]
      ?.content;
    expect(texts(listCard)).toContain(`Slipping 0 of ${DAN}`);
    expect(await say('help')).toBe(200);
    expect(world.fake.sentTo(conversationOf(DAN)).at(-1)?.activity.text).toContain(
      'Your list comes on Mondays at 08:03 your time (America/Denver).',
    );
    const chatBeforeMonday = world.fake.sentTo(conversationOf(DAN)).length;

    // Monday: the team's tick at 08:03 in Chicago; Dan's card at 08:03 in Denver, an hour later.
    completed(await run(SEND_TIME));
    expect(world.fake.sentTo(conversationOf(DAN))).toHaveLength(chatBeforeMonday);
    completed(await run(new Date(SEND_TIME.getTime() + HOUR)));
    expect(world.fake.sentTo(conversationOf(DAN))).toHaveLength(chatBeforeMonday + 1);

    // Wednesday 21:30 in Chicago, already Thursday in UTC: the notice gives the team's day.
    expect(await install('remove', '2026-11-26T03:30:00Z')).toBe(200);
    const gone = completed(await run(new Date(SEND_TIME.getTime() + WEEK)));
    expect(gone.outcomes.find((o) => o.rep === DAN)?.status).toBe('no_conversation');
    expect(notices.at(-1)).toContain(
      `- Dan Reyes (${DAN}): they removed the app on Wed 25 Nov: ask them to add Churn Predictor again, or, if they left, move their customers to another rep in the order feed`,
    );
    expect(cardsToDan()).toHaveLength(1);

    // Back on Thursday, without a word to the bot since: Monday's card at 08:03 his time, as before.
    expect(await install('add', '2026-12-03T16:00:00Z')).toBe(200);
    const back = SEND_TIME.getTime() + 2 * WEEK;
    completed(await run(new Date(back)));
    expect(cardsToDan()).toHaveLength(1);
    completed(await run(new Date(back + HOUR)));
    expect(cardsToDan()).toHaveLength(2);
  });

  it('leaves after a call, and the feed gives the customer to Ana: his tap on his old card changes nothing and says where they went; his call stays on the customer’s page', async () => {
    await installReps(world, [DAN]);
    const owned = (owner: string) =>
      bookFromRows({
        customers: [
          { id: 'C-1', name: 'Greenfield Cafe', owner, monthlyValue: 1000 },
          { id: 'ana#ok', owner: ANA, monthlyValue: 900 },
        ],
        orders: [
          ...weeklyOrders('C-1', '2026-01-05', '2026-09-14'),
          ...weeklyOrders('ana#ok', '2026-01-05', '2026-11-27'),
        ],
      });
    const week1 = completed(await runWeekly(depsFor(world, owned(DAN)), { now: SEND_TIME }));
    const danCard = (await world.storage.runs.listRun(week1.runKey)).find((d) => d.repId === DAN)?.activityId;
    const tapAsDan = (value: Record<string, unknown>) =>
      post(
        host.url,
        fromDan('message', {
          value,
          replyToId: danCard,
          from: { id: `29:${DAN}`, name: 'Dan', aadObjectId: `aad-${DAN}` },
        }),
      );
    expect(await tapAsDan(tap.reachedOut('C-1'))).toBe(200);

    const week2 = completed(
      await runWeekly(depsFor(world, owned(ANA)), { now: new Date(SEND_TIME.getTime() + WEEK) }),
    );
    expect(week2.bookChanges.moved).toEqual([{ customerId: 'C-1', from: DAN, to: ANA }]);

    const before = world.fake.sentTo(conversationOf(DAN)).length;
    expect(await tapAsDan(tap.lost('C-1', 'price'))).toBe(200);
    expect(
      world.fake
        .sentTo(conversationOf(DAN))
        .slice(before)
        .map((a) => a.activity.text),
    ).toEqual([
      `Greenfield Cafe is now with Rep ${ANA}: the order feed moved them to that rep. Only they or an admin can change it now. Nothing was changed.`,
    ]);
    expect((await world.storage.state.get('C-1'))?.state).toMatchObject({ owner: ANA, status: 'active' });

    const tabs = tabsOver(world, owned(ANA), { clock: () => new Date(SEND_TIME.getTime() + WEEK + HOUR) });
    const page = await tabs.customer(
      { userId: `aad-${ANA}`, name: 'Ana', email: ANA, tenantId: 'tenant-1' },
      'C-1',
    );
    expect(page.timeline.filter((e) => e.kind === 'action').map((e) => e.title)).toContain('Reached out');
  });
});
