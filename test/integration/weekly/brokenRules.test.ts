import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvocationContext, type Timer } from '@azure/functions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../functions/config';
import { createDailyFollowUpsHandler } from '../../../functions/dailyFollowUps';
import { createMonthlySummaryHandler } from '../../../functions/monthlySummary';
import { createWeeklyRunHandler } from '../../../functions/weeklyRun';
import { type Wiring, wire } from '../../../functions/wiring';
import type { WaitingForRulesReport } from '../../../jobs/weekly/rulesFileNotice';
import { type WeeklyReport, weeklyReportText } from '../../../jobs/weekly/weeklyReport';
import { RulesError } from '../../../rules';
import { heldNotifier } from '../../helpers/heldNotifier';
import { texts } from '../../unit/cards/cardWalk';
import { MemoryLog } from '../bot/recordingPorts';
import {
  completed,
  conversationOf,
  installReps,
  openWeeklyWorld,
  SEND_TIME,
  setSummaryChannel,
  TIME_ZONE,
  type WeeklyWorld,
} from './weeklyWorld';

// An admin saves the rules file with a mistake in it (a trailing comma, a value the schema refuses).
// The weekly timer through the wiring, as the Functions host runs it: the rules file on disk, the
// demo feed, Table Storage on Azurite and the fake Teams connector for the admin's and Ana's chats.

const DEMO = join(__dirname, '../../../demo/feed');
const ANA = 'ana.ruiz@contoso.example';
const ADMIN = 'admin@contoso.example';
const TICK = 15 * 60_000;
const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: undefined as never,
};

describe('a rules file saved broken, told to the admins in Teams', () => {
  let world: WeeklyWorld;
  let dir: string;
  let now: number;
  let tablePrefix: string;
  beforeEach(async () => {
    tablePrefix = `tbroken${randomBytes(3).toString('hex')}`;
    world = await openWeeklyWorld('rules');
    dir = await mkdtemp(join(tmpdir(), 'broken-rules-'));
  });
  afterEach(async () => {
    await world.stop();
  });

  const rulesPath = () => join(dir, 'rules.json');
  const save = (text: string) => writeFile(rulesPath(), text);
  /** An instance of the app: the wiring over the world's fake Teams, at the test's clock. */
  const instance = async (
    admins = `aad-${ADMIN}`,
    sender = world.sender,
  ): Promise<{ wiring: Wiring; log: MemoryLog }> => {
    const log = new MemoryLog();
    const config = loadConfig({
      STORAGE_CONNECTION_STRING: world.connectionString,
      TABLE_PREFIX: tablePrefix,
      FEED_DIR: DEMO,
      RULES_FILE: rulesPath(),
      TIME_ZONE,
      ADMIN_USER_IDS: admins,
      MicrosoftAppTenantId: 'tenant-1',
    });
    const wiring = await wire(config, { clock: () => new Date(now), log, sender });
    return { wiring, log };
  };
  const context = (functionName: string) =>
    new InvocationContext({ functionName, logHandler: () => undefined });
  const tick = (wiring: Wiring, log: MemoryLog): Promise<WeeklyReport> =>
    createWeeklyRunHandler(
      async () => wiring.weekly(log),
      () => new Date(now),
    )(timer, context('weeklyRun')) as Promise<WeeklyReport>;
  /** The weekly, daily and monthly timers' ticks as the host calls them, on the run's log. */
  const ticks = (wiring: Wiring, log: MemoryLog) => ({
    weekly: () =>
      createWeeklyRunHandler(
        () => wiring.weekly(log),
        () => new Date(now),
      )(timer, context('weeklyRun')),
    daily: () =>
      createDailyFollowUpsHandler(
        () => wiring.followUps(log),
        () => new Date(now),
      )(timer, context('dailyFollowUps')),
    monthly: () =>
      createMonthlySummaryHandler(
        (at) => wiring.monthly(at, log),
        () => new Date(now),
      )(timer, context('monthlySummary')),
  });
  const adminCards = () =>
    world.fake
      .sentTo(conversationOf(ADMIN))
      .map((a) => texts((a.activity.attachments as { content: unknown }[])[0].content));
  const rulesNotices = () => adminCards().filter((lines) => lines[0].startsWith('The rules file'));

  it('posts one notice per broken version, the runs go on with the last valid file, and a fixed file is in force', async () => {
    // Friday: the rules file is valid; the instance reads it (and keeps it in the run ledger).
    now = Date.parse('2026-11-20T15:00:00Z');
    await save(JSON.stringify({ capPerRep: 2 }, null, 2));
    const first = await instance();
    await installReps({ ...world, storage: first.wiring.storage }, [ADMIN, ANA]);

    // Early on Monday: the admin adds a field and leaves a trailing comma. The next tick, hours
    // before the send, tells them.
    now = Date.parse('2026-11-23T10:00:00Z');
    await save('{\n  "capPerRep": 4,\n  "pauseDays": 21,\n}\n');
    expect(await tick(first.wiring, first.log)).toMatchObject({ status: 'not_due' });
    expect(rulesNotices()).toHaveLength(1);
    const [notice] = rulesNotices();
    expect(notice[0]).toBe(
      `The rules file ${rulesPath()} is not valid, so the last edit of it is not in force.`,
    );
    expect(notice).toContain(
      '- The JSON does not parse: Expected double-quoted property name (line 4, column 1): ' +
        'a comma before a closing } is not allowed in JSON; remove the one at line 3, column 18',
    );
    expect(notice.join('\n')).toContain(
      'go on with the rules file as it was read valid on Fri 20 Nov: the cards go out as usual',
    );
    // A quarter of an hour later: nothing more. The follow-ups and the monthly summary, on the same
    // ticks, go on with Friday's rules too, and post nothing of their own.
    now += TICK;
    await tick(first.wiring, first.log);
    expect((await first.wiring.followUps(first.log)).rules.capPerRep).toBe(2);
    await first.wiring.monthly(new Date(now));
    expect(rulesNotices()).toHaveLength(1);

    // Monday 08:03, on an instance started while the file is broken (a new one, as on Flex
    // Consumption): the week runs with Friday's rules, and the admins are not told again.
    now = SEND_TIME.getTime();
    const monday = await instance();
    const report = await tick(monday.wiring, monday.log);
    expect(report).toMatchObject({
      status: 'completed',
      counts: { delivered: 1 },
      rulesFile: { source: rulesPath(), validOn: 'Fri 20 Nov', adminNotice: 'already_sent' },
    });
    expect(
      weeklyReportText(completed(report), { timeZone: 'UTC', today: completed(report).localDate }),
    ).toContain('this run used it as it was read valid on Fri 20 Nov (the admins were told what is wrong).');
    const anaCard = texts(
      (world.fake.sentTo(conversationOf(ANA))[0].activity.attachments as { content: unknown }[])[0].content,
    );
    expect(anaCard.join('\n')).toMatch(/the first 2 shown/);
    expect(rulesNotices()).toHaveLength(1);

    // Another mistake, a value the schema refuses: a new broken version, told once.
    now += TICK;
    await save(JSON.stringify({ capPerRep: 0 }));
    await tick(monday.wiring, monday.log);
    await tick(monday.wiring, monday.log);
    expect(rulesNotices()).toHaveLength(2);
    expect(rulesNotices()[1]).toContain('- capPerRep: must be >= 1');

    // Fixed: the next run reads it and goes on as usual; nothing more is posted about the rules.
    await save(JSON.stringify({ capPerRep: 3 }));
    now = Date.parse('2026-11-30T14:03:00Z');
    const fixed = await tick(monday.wiring, monday.log);
    expect(fixed).toMatchObject({ status: 'completed', counts: { delivered: 1 } });
    expect(fixed).not.toHaveProperty('rulesFile');
    const nextCard = texts(
      (world.fake.sentTo(conversationOf(ANA))[1].activity.attachments as { content: unknown }[])[0].content,
    );
    expect(nextCard.join('\n')).toMatch(/the first 3 shown/);
    expect(rulesNotices()).toHaveLength(2);
  });

  it('with no valid rules file ever read, the admins are told once and each run waits for a valid one, without failing every tick', async () => {
    now = Date.parse('2026-11-22T18:00:00Z');
    await save('{ "capPerRep": 4 ');
    const { wiring, log } = await instance();
    await installReps({ ...world, storage: wiring.storage }, [ADMIN]);
    const run = ticks(wiring, log);
    const waiting: WaitingForRulesReport = {
      status: 'waiting_for_rules',
      source: rulesPath(),
      problems: [expect.stringMatching(/^.*is not valid JSON: /)] as unknown as string[],
    };
    // The first tick tells the admins, and logs the wait as an error; every tick after ends waiting
    // (no Azure alert each quarter of an hour), its log a warning.
    expect(await run.weekly()).toEqual(waiting);
    const waits = () => log.lines.filter((l) => / weekly run: waiting for a valid rules file: /.test(l));
    expect(waits()).toEqual([expect.stringMatching(/^error weekly run: waiting/)]);
    now += TICK;
    expect(await run.weekly()).toEqual(waiting);
    expect(waits()).toEqual([
      expect.stringMatching(/^error weekly run: waiting/),
      expect.stringMatching(/^warn weekly run: waiting/),
    ]);
    // Monday's follow-ups and the 1st's summary wait alike, and post nothing of their own.
    now = Date.parse('2026-11-24T15:03:00Z');
    expect(await run.daily()).toEqual(waiting);
    now = Date.parse('2026-12-01T15:03:00Z');
    expect(await run.monthly()).toEqual(waiting);
    expect(log.lines).toContainEqual(
      expect.stringMatching(/^warn daily follow-ups: waiting for a valid rules file/),
    );
    expect(log.lines).toContainEqual(
      expect.stringMatching(/^warn monthly summary: waiting for a valid rules file/),
    );
    expect(rulesNotices()).toHaveLength(1);
    expect(rulesNotices()[0].join('\n')).toContain(
      'the weekly run, the daily follow-ups and the monthly summary stop',
    );
    // A direct call of the wiring (the local stack's "run now") still stops on the error.
    await expect(wiring.followUps(log)).rejects.toBeInstanceOf(RulesError);
  });

  it('with no valid rules file, a second instance on the tick, finding the notice being posted, waits too: no alert', async () => {
    now = Date.parse('2026-11-22T18:00:00Z');
    await save('{ "capPerRep": 4 ');
    // The first instance's post to the admin is slow: Teams answers once the second has read the ledger.
    const teams = heldNotifier('posted');
    const slow = Object.assign(Object.create(world.sender), {
      sendCard: async (...args: Parameters<typeof world.sender.sendCard>) => {
        await teams.notify('');
        return world.sender.sendCard(...args);
      },
    });
    const first = await instance(`aad-${ADMIN}`, slow);
    const second = await instance();
    await installReps({ ...world, storage: first.wiring.storage }, [ADMIN]);
    const firstTick = ticks(first.wiring, first.log).weekly();
    await teams.posting;
    const secondTick = ticks(second.wiring, second.log).weekly();
    const waiting = { status: 'waiting_for_rules', source: rulesPath() };
    await expect(secondTick.finally(teams.release)).resolves.toMatchObject(waiting);
    await expect(firstTick).resolves.toMatchObject(waiting);
    expect(second.log.lines).toContainEqual(
      expect.stringMatching(
        /^warn weekly run: waiting for a valid rules file: .*the admins are being told in Teams/,
      ),
    );
    expect(rulesNotices()).toHaveLength(1);
  });

  it('with no valid rules file and no admin to tell, each tick fails: the alert is how anyone hears', async () => {
    now = Date.parse('2026-11-22T18:00:00Z');
    await save('{ "capPerRep": 4 ');
    const { wiring, log } = await instance('');
    const run = ticks(wiring, log);
    await expect(run.weekly()).rejects.toBeInstanceOf(RulesError);
    now += TICK;
    await expect(run.weekly()).rejects.toBeInstanceOf(RulesError);
    await expect(run.daily()).rejects.toBeInstanceOf(RulesError);
    await expect(run.monthly()).rejects.toBeInstanceOf(RulesError);
  });

  it('the daily follow-ups and the monthly summary say in their logs which rules they used', async () => {
    now = Date.parse('2026-11-20T15:00:00Z');
    await save(JSON.stringify({ capPerRep: 2 }, null, 2));
    const { wiring, log } = await instance();
    await installReps({ ...world, storage: wiring.storage }, [ADMIN, ANA]);
    await setSummaryChannel({ ...world, storage: wiring.storage });
    const run = ticks(wiring, log);
    const rulesLines = () => log.lines.filter((l) => /^(info|warn) rules: /.test(l));
    // Friday's follow-ups: the file as it stands.
    now = Date.parse('2026-11-20T15:03:00Z');
    await run.daily();
    expect(rulesLines()).toEqual([
      expect.stringMatching(/^info rules: .*rules\.json \{"runKey":"daily-2026-11-20"\}$/),
    ]);
    log.lines.length = 0;

    // Broken on Monday: Tuesday's follow-ups and the 1st's summary go on with Friday's file, and say so.
    await save('{\n  "capPerRep": 4,\n}\n');
    now = Date.parse('2026-11-23T10:00:00Z');
    await run.weekly();
    expect(rulesNotices()).toHaveLength(1);
    now = Date.parse('2026-11-24T15:03:00Z');
    await run.daily();
    now = Date.parse('2026-12-01T15:03:00Z');
    await run.monthly();
    const used =
      `warn rules: the last valid rules file ${rulesPath()}, as read valid since 2026-11-20T15:00:00.000Z, ` +
      'because the file as saved is not valid: ';
    expect(rulesLines()).toEqual([
      expect.stringContaining(`${used}${rulesPath()} is not valid JSON: `),
      expect.stringContaining(`${used}${rulesPath()} is not valid JSON: `),
    ]);
    expect(rulesLines()[0]).toContain('"runKey":"daily-2026-11-24"');
    expect(rulesLines()[1]).toContain('"runKey":"monthly-2026-11"');
    // No second notice to the admins.
    expect(rulesNotices()).toHaveLength(1);
  });
});
