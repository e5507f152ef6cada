import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvocationContext, type Timer } from '@azure/functions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../functions/config';
import { createDailyFollowUpsHandler } from '../../../functions/dailyFollowUps';
import { createMonthlySummaryHandler } from '../../../functions/monthlySummary';
import { createWeeklyRunHandler } from '../../../functions/weeklyRun';
import { type Wiring, wire } from '../../../functions/wiring';
import { MemoryLog } from '../bot/recordingPorts';
import {
  installReps,
  openWeeklyWorld,
  setSummaryChannel,
  TIME_ZONE,
  type WeeklyWorld,
} from '../weekly/weeklyWorld';

// A bad export arrives: the operator reads the function app's log of each timer run that read it,
// the weekly run, the daily follow-ups and the monthly summary alike. The timers through the wiring
// as the Functions host runs them: the demo feed copied to a folder, Table Storage on Azurite.

const DEMO = join(__dirname, '../../../demo/feed');
const ANA = 'ana.ruiz@contoso.example';
const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: undefined as never,
};

/** One invocation's log lines as the Functions host gets them: the level and the message. */
function invocation(functionName: string): { context: InvocationContext; lines: string[] } {
  const lines: string[] = [];
  const context = new InvocationContext({
    functionName,
    logHandler: (level, message) => lines.push(`${level}: ${String(message)}`),
  });
  return { context, lines };
}

describe('the feed report in the log of every timer run that reads the feed', () => {
  let world: WeeklyWorld;
  let feedDir: string;
  let wiring: Wiring;
  let now = Date.parse('2026-11-20T15:00:00Z');
  beforeEach(async () => {
    world = await openWeeklyWorld('feedlog');
    feedDir = await mkdtemp(join(tmpdir(), 'feed-log-'));
    await cp(DEMO, feedDir, { recursive: true });
    const config = loadConfig({
      STORAGE_CONNECTION_STRING: world.connectionString,
      TABLE_PREFIX: `tfeedlog${randomBytes(3).toString('hex')}`,
      FEED_DIR: feedDir,
      TIME_ZONE,
      MicrosoftAppTenantId: 'tenant-1',
    });
    wiring = await wire(config, { clock: () => new Date(now), log: new MemoryLog(), sender: world.sender });
    await installReps({ ...world, storage: wiring.storage }, [ANA]);
    await setSummaryChannel({ ...world, storage: wiring.storage });
  });
  afterEach(async () => {
    await world.stop();
  });

  /** The three timers' log lines on their due ticks: Monday's run, Tuesday's follow-ups, the 1st's summary. */
  async function ticks(): Promise<Record<'weekly' | 'daily' | 'monthly', string[]>> {
    now = Date.parse('2026-11-23T14:03:00Z');
    const weekly = invocation('weeklyRun');
    await createWeeklyRunHandler(
      (log) => wiring.weekly(log),
      () => new Date(now),
    )(timer, weekly.context);
    now = Date.parse('2026-11-24T15:03:00Z');
    const daily = invocation('dailyFollowUps');
    await createDailyFollowUpsHandler(
      (log) => wiring.followUps(log),
      () => new Date(now),
    )(timer, daily.context);
    now = Date.parse('2026-12-01T15:03:00Z');
    const monthly = invocation('monthlySummary');
    await createMonthlySummaryHandler(
      (at, log) => wiring.monthly(at, log),
      () => new Date(now),
    )(timer, monthly.context);
    return { weekly: weekly.lines, daily: daily.lines, monthly: monthly.lines };
  }

  it('a row skipped: a warning with its file, line and reason in each run', async () => {
    const orders = join(feedDir, 'orders.csv');
    await writeFile(orders, `${await readFile(orders, 'utf8')}SO-999999,C-1001,20/11/2026,99.00\n`);
    const logs = await ticks();
    for (const lines of Object.values(logs))
      expect(lines).toContainEqual(
        expect.stringMatching(
          /^warning: feed: 1 row skipped\n[\s\S]*orders\.csv line 11474: ordered_at: not a date: "20\/11\/2026"/,
        ),
      );
  });

  it('nothing skipped but lines merged into their orders: told in each run, as information', async () => {
    const orders = join(feedDir, 'orders.csv');
    // The order's second line (same id, customer and date): merged, as a line-item export's are.
    await writeFile(orders, `${await readFile(orders, 'utf8')}SO-111472,C-1286,2026-11-20,10.00\n`);
    const logs = await ticks();
    for (const lines of Object.values(logs))
      expect(lines).toContainEqual(
        expect.stringMatching(
          /^information: feed: 0 rows skipped\n[\s\S]*1 order line merged into its order \(same order id, customer and date\)/,
        ),
      );
  });
});
