import { TableClient } from '@azure/data-tables';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runWeekly, type WeeklyRunDeps } from '../../../jobs/weekly/weeklyRun';
import type { Storage } from '../../../storage';
import { idKey } from '../../../storage/keys';
import { listingsBusy } from './refusedListings';
import {
  completed,
  conversationOf,
  depsFor,
  installReps,
  openWeeklyWorld,
  repEmails,
  slippingBook,
  TIME_ZONE,
  tickAfterSend,
  type WeeklyWorld,
} from './weeklyWorld';

// The week's listings write failing (Table Storage busy past the SDK's retries) during a weekly run.

const RUN_KEY = 'weekly-2026-W48';

describe("the week's listings when Table Storage refuses their write", () => {
  let world: WeeklyWorld;
  let notices: string[];
  beforeEach(async () => {
    world = await openWeeklyWorld('listingsFail');
    notices = [];
  });
  afterEach(async () => {
    await world.stop();
  });

  function depsWith(storage: Storage, reps: readonly string[], config?: WeeklyRunDeps['config']) {
    return depsFor(world, slippingBook(reps, { slipping: 2 }), {
      storage,
      ...(config ? { config } : {}),
      notifyAdmins: async (text) => {
        notices.push(text);
        return 'posted';
      },
    });
  }

  /** Four ticks, the listings refused on each: the notice deferred by three, posted by the fourth. */
  async function refusedOnFourTicks(deps: WeeklyRunDeps, at: (n: number) => Date): Promise<void> {
    const reports = [];
    for (let n = 0; n < 4; n++) reports.push(completed(await runWeekly(deps, { now: at(n) })));
    expect(reports.map((r) => [r.attempt, r.retry, r.adminNotice])).toEqual([
      [1, 'next_tick', 'deferred'],
      [2, 'next_tick', 'deferred'],
      [3, 'next_tick', 'deferred'],
      [4, 'none', 'posted'],
    ]);
    expect(notices).toHaveLength(1);
  }

  it('reps get their cards and the audit rows are kept; a later tick records the listings, the admins hear nothing', async () => {
    const reps = repEmails(3);
    await installReps(world, reps);
    let failing = true;
    const deps = depsWith(await listingsBusy(world, () => failing), reps);

    const first = completed(await runWeekly(deps, { now: tickAfterSend(0) }));
    expect(first.counts).toMatchObject({ delivered: 3, failed: 0 });
    expect(first.surfacedRows).toEqual({ recorded: 6, alreadyThere: 0 });
    expect(first).toMatchObject({
      retry: 'next_tick',
      adminNotice: 'deferred',
      listings: { status: 'failed' },
    });
    for (const rep of reps) expect(world.fake.sentTo(conversationOf(rep))).toHaveLength(1);
    const listed = (await world.storage.audit.readMonth('2026-11')).filter((r) => r.action === 'surfaced');
    expect(listed).toHaveLength(6);
    for (const row of listed) await expect(world.storage.listings.read(row.customerId)).resolves.toEqual([]);

    failing = false;
    const second = completed(await runWeekly(deps, { now: tickAfterSend(1) }));
    expect(second).toMatchObject({
      attempt: 2,
      retry: 'none',
      adminNotice: 'not_needed',
      listings: { status: 'recorded', recorded: 6, alreadyThere: 0 },
    });
    expect(second.surfacedRows).toEqual({ recorded: 0, alreadyThere: 6 });
    for (const rep of reps) expect(world.fake.sentTo(conversationOf(rep))).toHaveLength(1);
    for (const row of listed) {
      const weeks = await world.storage.listings.read(row.customerId);
      expect(weeks.map((w) => [w.run, w.owner])).toEqual([[RUN_KEY, row.owner]]);
    }
    expect(notices).toEqual([]);
    // The week is settled: a later tick runs nothing.
    await expect(runWeekly(deps, { now: tickAfterSend(2) })).resolves.toMatchObject({
      status: 'not_due',
      reason: 'already_ran',
    });
  }, 60_000);

  it('its transactions refused, the reads let through: the next tick writes them, after the SDK tried each 3 times', async () => {
    const reps = repEmails(2);
    await installReps(world, reps);
    let failing = true;
    const tries: string[] = [];
    const deps = depsWith(
      await listingsBusy(world, (request) => {
        const batch = failing && request.url.endsWith('/$batch');
        if (batch) tries.push(request.url);
        return batch;
      }),
      reps,
    );
    const first = completed(await runWeekly(deps, { now: tickAfterSend(0) }));
    expect(first).toMatchObject({
      retry: 'next_tick',
      listings: { status: 'failed', error: 'Table Storage answered 503 ServerBusy' },
    });
    // One transaction (4 rows), its first try and the 2 retries the SDK was given.
    expect(tries).toHaveLength(3);
    failing = false;
    const second = completed(await runWeekly(deps, { now: tickAfterSend(1) }));
    expect(second).toMatchObject({ retry: 'none', listings: { status: 'recorded', recorded: 4 } });
    for (const rep of reps) expect(world.fake.sentTo(conversationOf(rep))).toHaveLength(1);
    expect(notices).toEqual([]);
  }, 60_000);

  it('recorded by an earlier attempt, refused on a later one: the week is not run again for them, nor the admins told they are missing', async () => {
    const reps = repEmails(2);
    await installReps(world, reps);
    let failing = false;
    const deps = depsWith(await listingsBusy(world, () => failing), reps);
    // 08:03: the second rep's card fails (Teams 503); the listings are recorded.
    world.fake.injectForConversation(conversationOf(reps[1]), { status: 503 });
    expect(completed(await runWeekly(deps, { now: tickAfterSend(0) }))).toMatchObject({
      retry: 'next_tick',
      listings: { status: 'recorded', recorded: 4 },
    });
    // 08:18: the card goes out; the listings, all there already, cannot be read.
    world.fake.injectForConversation(conversationOf(reps[1]), { status: 503 }, 0);
    failing = true;
    const second = completed(await runWeekly(deps, { now: tickAfterSend(1) }));
    expect(second).toMatchObject({ attempt: 2, retry: 'none', listings: { status: 'failed' } });
    expect(second.counts).toMatchObject({ delivered: 2, failed: 0 });
    await expect(runWeekly(deps, { now: tickAfterSend(2) })).resolves.toMatchObject({ status: 'not_due' });
    expect(notices).toEqual([]);
    for (const rep of reps) expect(world.fake.sentTo(conversationOf(rep))).toHaveLength(1);
  }, 60_000);

  it('refused for a reason a later tick would repeat (403): the run fails loudly once the cards went out', async () => {
    const reps = repEmails(2);
    await installReps(world, reps);
    const denied = { status: 403, code: 'AuthorizationFailure', message: 'Not authorized.' };
    const deps = depsWith(
      await listingsBusy(world, (request) => request.url.endsWith('/$batch'), denied),
      reps,
    );
    await expect(runWeekly(deps, { now: tickAfterSend(0) })).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailure',
    });
    for (const rep of reps) expect(world.fake.sentTo(conversationOf(rep))).toHaveLength(1);
    expect(
      (await world.storage.audit.readMonth('2026-11')).filter((r) => r.action === 'surfaced'),
    ).toHaveLength(4);
    // The run is left unfinished, as after a crash: the invocation's failure raises the alert.
    expect((await world.storage.runs.getRun(RUN_KEY))?.finishedAt).toBeFalsy();
    expect(notices).toEqual([]);
  }, 60_000);

  it('still refused after the last attempt: the admins are told once, and the cards went out once', async () => {
    const reps = repEmails(2);
    await installReps(world, reps);
    const deps = depsWith(await listingsBusy(world, () => true), reps);
    await refusedOnFourTicks(deps, tickAfterSend);
    expect(notices[0]).toContain(
      "This week's listings could not be recorded after 4 attempts (Table Storage answered 503 ServerBusy)",
    );
    for (const rep of reps) expect(world.fake.sentTo(conversationOf(rep))).toHaveLength(1);
    await expect(runWeekly(deps, { now: tickAfterSend(4) })).resolves.toMatchObject({ status: 'not_due' });
    expect(notices).toHaveLength(1);
  }, 60_000);

  /** Sunday 29 November 2026, 23:03 in Chicago, and the ticks after it: 3 is the week's last (23:48), 4 next week's first. */
  const sundayTick = (n: number) => new Date(new Date('2026-11-30T05:03:00Z').getTime() + n * 15 * 60_000);
  const sundaySend = { timeZone: TIME_ZONE, weeklySendAt: { weekday: 7, hour: 23, minute: 3 } };

  it("still refused on the week's last tick, attempts left: that tick tells the admins, and next week's nothing more", async () => {
    const reps = repEmails(2);
    await installReps(world, reps);
    const deps = depsWith(await listingsBusy(world, () => true), reps, { ...sundaySend, extraAttempts: 5 });
    await refusedOnFourTicks(deps, sundayTick);
    expect(notices[0]).toContain("This week's listings could not be recorded after 4 attempts");
    for (let n = 4; n < 8; n++) await runWeekly(deps, { now: sundayTick(n) });
    expect(notices).toHaveLength(1);
  }, 60_000);

  it("still refused when the week's last tick does not run: next week's first tick tells the admins, once", async () => {
    // The attempts come at 23:18 and 23:33, and the week's last tick, 23:48, which would post the
    // notice, does not run (a deploy, an outage).
    const at = sundayTick;
    const reps = repEmails(2);
    await installReps(world, reps);
    const deps = depsWith(await listingsBusy(world, () => true), reps, sundaySend);
    for (let n = 0; n < 3; n++)
      expect(completed(await runWeekly(deps, { now: at(n) }))).toMatchObject({
        adminNotice: 'deferred',
        listings: { status: 'failed' },
      });
    expect(notices).toEqual([]);
    // Monday 00:03: next week's first tick, long before its send time.
    await expect(runWeekly(deps, { now: at(4) })).resolves.toMatchObject({
      status: 'not_due',
      runKey: 'weekly-2026-W49',
    });
    expect(notices).toHaveLength(1);
    expect(notices[0].split('\n')).toEqual([
      `Weekly run ${RUN_KEY} (last week's run): its listings could not be recorded after 3 attempts (Table Storage answered 503 ServerBusy), and the admins were not told: the run's last tick did not complete.`,
      'The customer pages leave that week out.',
    ]);
    // Recorded under last week's run key: later ticks post it no more.
    for (let n = 5; n < 8; n++) await runWeekly(deps, { now: at(n) });
    expect(notices).toHaveLength(1);
    for (const rep of reps) expect(world.fake.sentTo(conversationOf(rep))).toHaveLength(1);
  }, 60_000);
  it("one customer's row that cannot be read: the run records the week, that row starting anew, and warns naming the customer", async () => {
    const reps = repEmails(2);
    await installReps(world, reps);
    const deps = depsWith(world.storage, reps);
    const bad = `${reps[0]}#s0`;
    // Edited by hand in Storage Explorer: not JSON any more.
    const text = `[{"run":"weekly-2026-W47","day":"2026-11-16",${'"owner":"x",'.repeat(100)}`;
    const client = TableClient.fromConnectionString(world.connectionString, world.storage.tables.listings, {
      allowInsecureConnection: true,
    });
    await client.upsertEntity({ partitionKey: 'weeks', rowKey: idKey(bad), customerId: bad, weeks: text });
    const first = completed(await runWeekly(deps, { now: tickAfterSend(0) }));
    expect(first).toMatchObject({
      retry: 'none',
      listings: { status: 'recorded', recorded: 4, alreadyThere: 0 },
    });
    expect((await world.storage.listings.read(bad)).map((w) => w.run)).toEqual([RUN_KEY]);
    const warned = world.log.lines.filter((l) => l.level === 'warn' && l.message.includes(bad));
    expect(warned.map((l) => l.message)).toEqual([
      `customer ${bad}: their weeks on the lists could not be read (listed weeks are not JSON), so their row starts again from this week; the text it held is kept in the row's unreadableWeeks column and begins: ${text.slice(0, 199)}…`,
    ]);
    expect(notices).toEqual([]);
    await expect(runWeekly(deps, { now: tickAfterSend(1) })).resolves.toMatchObject({ status: 'not_due' });
  }, 60_000);
});
