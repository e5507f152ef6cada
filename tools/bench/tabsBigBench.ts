import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { folderFeedVersion } from '../../feed/feedFiles';
import { feedOptionsFrom } from '../../feed/feedOptions';
import { keptFeed } from '../../feed/keptFeed';
import { readFeed } from '../../feed/readFeed';
import { planWeek } from '../../jobs/weekly/weeklyPlan';
import { defaultRules } from '../../rules/rulesSchema';
import { openStorage } from '../../storage';
import { openCardStore } from '../../storage/cardStore';
import { keptStates } from '../../storage/keptStates';
import { fromStateEntity } from '../../storage/stateEntity';
import type { ChangedState } from '../../storage/stateStore';
import { createTabService } from '../../tabs/api/tabService';
import type { TabUser } from '../../tabs/api/tabToken';
import { startAzurite } from '../local/azurite';
import { generateLargeFeed } from './generateLargeFeed';
import { AZURE_HEAP_MB } from './pipelineBench';
import { liveHeap, peakRssMb, readRow } from './weeklyMemoryBench';

/**
 * The tab API on a large book, in a process with Azure's heap cap (--max-old-space-size=1536): a
 * manager's first "My customers" list (the feed read and scored as of today; the week-by-week chart,
 * the book as of each of the last twelve Mondays, is then worked out in the background), the Team tab
 * (the accuracy check replayed, beside the chart's Mondays), one customer's page, and its chart (what is
 * left of the background work), each cold and then again warm, with the wall and CPU time, the peak RSS so far
 * and the heap still in use after a full collection (what the instance holds between requests).
 * The feed is the feed bench's generator (50 reps); the stored customers are last week's weekly
 * plan round-tripped through the table entity, handed to the tabs' kept states as Table Storage
 * would (Azurite cannot hold a million rows in reasonable time); the audit, the installs and the
 * run ledger are on Azurite, empty.
 *
 * `npm run bench tabsBig` (100k customers / 2M orders), or any sizes:
 * `node --import tsx tools/bench/tabsBigBench.ts 300000 6000000 1000000 20000000`.
 */

/** A Wednesday, a week after the generated orders end (30 December); the chart's Mondays run back from the 5th. */
const NOW = new Date('2026-01-07T12:00:00Z');
const LAST_WEEK = '2025-12-29';
const MANAGER: TabUser = {
  userId: 'aad-manager',
  name: 'Maria Manager',
  email: 'maria@contoso.example',
  tenantId: '',
};
/** A customer with many orders (the generator favours low indices). */
const CUSTOMER = 'C1';
const OTHER_CUSTOMER = 'C2';

interface Step {
  step: string;
  ms: number;
  /** CPU time of the process (all threads, DuckDB's included): on a shared machine, wall time says little. */
  cpuMs: number;
  peakRssMb: number;
  liveHeapMb: number;
}

const STATES_FILE = 'states.ndjson';
const DEFAULT_SIZES = [{ customers: 100_000, orders: 2_000_000 }];

/**
 * Last week's stored customers, as the weekly run wrote them and the tabs read them back: one table
 * row a line in `dir`/states.ndjson. Run in a process of its own, so its scoring's peak is not the
 * tab API's.
 */
async function writeStoredStates(dir: string): Promise<void> {
  const rules = defaultRules();
  const { book } = await readFeed(dir, feedOptionsFrom(rules, LAST_WEEK));
  const last = planWeek(book, rules, new Map(), {
    localDate: LAST_WEEK,
    runKey: 'weekly-2026-W01',
    runAt: `${LAST_WEEK}T14:03:00.000Z`,
  });
  const out = createWriteStream(join(dir, STATES_FILE));
  for (const [k, state] of [...last.first, ...last.rest].entries())
    if (!out.write(`${JSON.stringify(readRow(state, k))}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

/** The stored rows, each parsed as the state store parses a row read from the table. */
async function readStoredStates(dir: string): Promise<ChangedState[]> {
  const rows: ChangedState[] = [];
  const lines = createInterface({ input: createReadStream(join(dir, STATES_FILE)) });
  for await (const line of lines)
    rows.push({
      state: fromStateEntity(JSON.parse(line) as Record<string, unknown>),
      writtenAt: `2025-12-29T14:03:${String(rows.length % 60).padStart(2, '0')}.${String(rows.length).padStart(7, '0')}Z`,
    });
  return rows;
}

async function measureInProcess(dir: string, connectionString: string): Promise<void> {
  const rules = defaultRules();
  const stored = await readStoredStates(dir);
  const states = keptStates({
    readChangedSince: async (since) => ({ rows: since === null ? stored.splice(0) : [], askedAt: NOW }),
  });
  const config = { connectionString, tablePrefix: 'tabsbig' };
  const [storage, cards] = await Promise.all([openStorage(config), openCardStore(config)]);
  // The customer pages read their customer's row from the table itself.
  const paged = [CUSTOMER, OTHER_CUSTOMER].map((id) => stored.find((r) => r.state.customerId === id));
  await storage.state.writeChanged(
    new Map(),
    paged.flatMap((r) => (r ? [r.state] : [])),
  );
  const clock = () => NOW;
  const service = createTabService({
    storage,
    cards,
    rules,
    readBook: (asOf, current) => readFeed(dir, feedOptionsFrom(current, asOf)),
    feed: keptFeed({ version: () => folderFeedVersion(dir), clock }),
    states,
    timeZone: 'UTC',
    access: { tenantId: '', adminUserIds: [], managerUserIds: [MANAGER.userId] },
    clock,
  });
  const step = async (name: string, run: () => Promise<unknown>) => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    await run();
    const ms = Math.round(performance.now() - started);
    const { user, system } = process.cpuUsage(cpu);
    const cpuMs = Math.round((user + system) / 1000);
    const figures: Step = { step: name, ms, cpuMs, peakRssMb: peakRssMb(), liveHeapMb: liveHeap() };
    console.log(JSON.stringify(figures));
  };
  console.log(
    JSON.stringify({ step: 'ready', ms: 0, cpuMs: 0, peakRssMb: peakRssMb(), liveHeapMb: liveHeap() }),
  );
  await step('first My customers list', () => service.customers(MANAGER));
  await step('Team tab', () => service.team(MANAGER, { rep: null, month: null }));
  await step('customer page', () => service.customer(MANAGER, CUSTOMER));
  await step('its chart', () => service.chart(MANAGER, CUSTOMER));
  await step('My customers again', () => service.customers(MANAGER));
  await step('Team tab again', () => service.team(MANAGER, { rep: null, month: null }));
  await step('customer page again', () => service.customer(MANAGER, OTHER_CUSTOMER));
  await step('its chart again', () => service.chart(MANAGER, OTHER_CUSTOMER));
}

/** A child process of this file with the heap capped as in Azure. */
function child(args: readonly string[]) {
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--max-old-space-size'));
  return spawnSync(
    process.execPath,
    [...execArgv, '--expose-gc', `--max-old-space-size=${AZURE_HEAP_MB}`, __filename, ...args],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
  );
}

/** Measures one size (the feed and the stored states made first) and prints its steps. */
async function measureSize(size: { customers: number; orders: number }): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), 'tabs-big-bench-'));
  // Started here, not in the measured process: a process dead at the heap cap would leave it running.
  const azurite = await startAzurite();
  try {
    await generateLargeFeed(dir, size);
    const written = child(['--states', dir]);
    if (written.status !== 0) throw new Error(`writing the stored states failed (exit ${written.status})`);
    const started = Date.now();
    const measured = child(['--measure', dir, azurite.connectionString]);
    const steps = measured.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Step);
    console.log(
      `${size.customers.toLocaleString('en-US')} customers / ${size.orders.toLocaleString('en-US')} orders, ` +
        `a manager, heap capped at ${AZURE_HEAP_MB} MB (${((Date.now() - started) / 1000).toFixed(0)} s in all):`,
    );
    for (const s of steps)
      console.log(
        `  ${s.step.padEnd(26)} ${`${(s.ms / 1000).toFixed(1)} s`.padStart(7)} wall, ${`${(s.cpuMs / 1000).toFixed(1)} s`.padStart(7)} CPU  ` +
          `peak RSS ${String(s.peakRssMb).padStart(5)} MB, live heap ${String(s.liveHeapMb).padStart(5)} MB`,
      );
    if (measured.status === 0) return true;
    console.log(
      `  FAILED after "${steps.at(-1)?.step ?? 'start'}" (exit ${measured.status ?? measured.signal})`,
    );
    return false;
  } finally {
    await azurite.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(args: readonly string[]): Promise<void> {
  if (args[0] === '--states') return writeStoredStates(args[1]);
  if (args[0] === '--measure') return measureInProcess(args[1], args[2]);
  const pairs = args.map(Number);
  const sizes =
    pairs.length >= 2
      ? Array.from({ length: Math.floor(pairs.length / 2) }, (_, k) => ({
          customers: pairs[2 * k],
          orders: pairs[2 * k + 1],
        }))
      : DEFAULT_SIZES;
  let ok = true;
  for (const size of sizes) ok = (await measureSize(size)) && ok;
  if (!ok) process.exitCode = 1;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
