import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBotRuntime } from '../../../bot';
import { createActionHandler } from '../../../bot/taps/actionHandler';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import type { Book } from '../../../rules/book';
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
  openWeeklyWorld,
  personalActivity,
  SEND_TIME,
  TIME_ZONE,
  type WeeklyWorld,
  weeklyOrders,
} from './weeklyWorld';

// Reps are named to each other by the display name Teams gives the bot, through the real bot over
// HTTP (CloudAdapter) and the weekly run, both talking to the fake Teams connector, on Azurite: Ana
// and Ben install the app (the member lookup answers their names), Carl never does.

const ANA = 'ana@x.com';
const BEN = 'ben@x.com';
const CARL = 'carl@x.com';
const ACCOUNTS = {
  [ANA]: { id: '29:ana', name: 'Ana Ruiz', aadObjectId: 'aad-ana', email: ANA },
  [BEN]: { id: '29:ben', name: 'Ben Ode', aadObjectId: 'aad-ben', email: BEN },
};
const WEEK = 7 * 86_400_000;

/** Greenfield Cafe, slipping since September, with `owner`; each rep also has a steady customer. */
function book(owner: string): Book {
  return bookFromRows({
    customers: [
      { id: 'C-1', name: 'Greenfield Cafe', owner, monthlyValue: 1000 },
      ...[ANA, BEN, CARL].map((rep) => ({ id: `${rep}#ok`, owner: rep, monthlyValue: 900 })),
      { id: 'carl#s', name: 'Corner Shop', owner: CARL, monthlyValue: 800 },
    ],
    orders: [
      ...weeklyOrders('C-1', '2026-01-05', '2026-09-14'),
      ...weeklyOrders('carl#s', '2026-01-05', '2026-09-14'),
      ...[ANA, BEN, CARL].flatMap((rep) => weeklyOrders(`${rep}#ok`, '2026-01-05', '2026-11-27')),
    ],
  });
}

describe('reps named by their Teams names', () => {
  let world: WeeklyWorld;
  let host: FunctionsHost;
  const notices: string[] = [];
  beforeEach(async () => {
    world = await openWeeklyWorld('names');
    for (const account of Object.values(ACCOUNTS)) world.fake.addMember(account);
    const runtime = createBotRuntime({
      bot: { appId: '', appPassword: '', appType: 'MultiTenant', tenantId: 'tenant-1' },
      store: world.storage.conversations,
      actions: createActionHandler(
        handlerDeps(actionStoresOf(world), { timeZone: TIME_ZONE, clock: advancingClock(SEND_TIME) }),
      ),
      log: new MemoryLog(),
    });
    host = await startBotHost(runtime);
  });
  afterEach(async () => {
    await host.close();
    await world.stop();
  });

  const from = (email: keyof typeof ACCOUNTS, type: string, extra: Record<string, unknown>) =>
    personalActivity(world, ACCOUNTS[email], type, { timestamp: new Date().toISOString(), ...extra });
  const install = (email: keyof typeof ACCOUNTS, action: 'add' | 'remove' = 'add', timestamp?: string) =>
    post(host.url, from(email, 'installationUpdate', { action, ...(timestamp ? { timestamp } : {}) }));
  const run = (weeks: number, owner: string) =>
    runWeekly(
      depsFor(world, book(owner), {
        notifyAdmins: async (text) => {
          notices.push(text);
          return 'posted';
        },
      }),
      { now: new Date(SEND_TIME.getTime() + weeks * WEEK) },
    );
  const cardOf = async (runKey: string, rep: string) => {
    const id = (await world.storage.runs.listRun(runKey)).find((d) => d.repId === rep)?.activityId;
    const sent = world.fake.sentTo(conversationOf(rep)).find((a) => a.activityId === id)?.activity;
    return { id, texts: texts((sent?.attachments as { content: unknown }[] | undefined)?.[0]?.content) };
  };

  it('the card, the reply to a tap and the admins’ notice name Ana and Ben as Teams does, Carl (never installed) by his address', async () => {
    // Both installed the day before the first run: Teams stamps each install with when it was sent.
    const installed = new Date(SEND_TIME.getTime() - 86_400_000).toISOString();
    expect(await install(ANA, 'add', installed)).toBe(200);
    expect(await install(BEN, 'add', installed)).toBe(200);

    const week1 = completed(await run(0, BEN));
    const bensCard = await cardOf(week1.runKey, BEN);
    expect(bensCard.texts).toContain('Greenfield Cafe');
    // Carl has no app: the admins read who, by the address the feed knows him by.
    expect(notices.at(-1)).toContain(`- ${CARL}: the app is not installed for them`);

    // The feed gives Greenfield to Ana.
    const week2 = completed(await run(1, ANA));
    expect(week2.bookChanges.moved).toEqual([{ customerId: 'C-1', from: BEN, to: ANA }]);
    expect((await cardOf(week2.runKey, ANA)).texts).toContain('New on your list (moved from Ben Ode)');
    expect(notices.at(-1)).toContain(`- C-1: Ben Ode (${BEN}) to Ana Ruiz (${ANA})`);

    const tapOldCard = () =>
      post(host.url, from(BEN, 'message', { value: tap.lost('C-1', 'price'), replyToId: bensCard.id }));
    const before = world.fake.sentTo(conversationOf(BEN)).length;
    expect(await tapOldCard()).toBe(200);
    expect(world.fake.sentTo(conversationOf(BEN)).at(before)?.activity.text).toBe(
      'Greenfield Cafe is now with Ana Ruiz: the order feed moved them to that rep. Only they or an admin can change it now. Nothing was changed.',
    );

    // Ana is renamed in Teams after her install: her next message carries the new name.
    const renamed = { ...ACCOUNTS[ANA], name: 'Ana Ruiz-Ortega' };
    expect(await post(host.url, personalActivity(world, renamed, 'message', { text: 'help' }))).toBe(200);
    expect(await tapOldCard()).toBe(200);
    expect(world.fake.sentTo(conversationOf(BEN)).at(-1)?.activity.text).toContain(
      'Greenfield Cafe is now with Ana Ruiz-Ortega:',
    );

    // Ben removes the app: the admins read his name beside the address they act on in the feed.
    expect(
      await install(BEN, 'remove', new Date(SEND_TIME.getTime() + WEEK + 86_400_000).toISOString()),
    ).toBe(200);
    completed(await run(2, ANA));
    expect(notices.at(-1)).toMatch(
      new RegExp(`- Ben Ode \\(${BEN.replace('.', '\\.')}\\): they removed the app on `),
    );
    expect(notices.at(-1)).toContain(`- ${CARL}: the app is not installed for them`);
  });
});
