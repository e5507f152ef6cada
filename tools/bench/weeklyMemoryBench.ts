import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFeed } from '../../feed/readFeed';
import { planWeek } from '../../jobs/weekly/weeklyPlan';
import type { CustomerState } from '../../rules/customerState';
import { defaultRules } from '../../rules/rulesSchema';
import { fromStateEntity, toStateEntity } from '../../storage/stateEntity';
import { generateLargeFeed } from './generateLargeFeed';
import { AZURE_HEAP_MB } from './pipelineBench';

/**
 * The weekly run's working set at a million customers: the book read from the feed, every stored
 * state with its ETag (as StateStore.readAll holds them), and the week's plan (scores, next states,
 * cards, audit rows), all at once as runWeekly holds them, in a process with Azure's heap cap. The
 * storage and sends are left out: Azurite cannot hold a million rows in reasonable time, and their
 * memory is per request, not per customer. Last week's plan, round-tripped through the table entity,
 * stands in for the stored states.
 *
 * `npm run bench weeklyMemory` (1M customers / 20M orders), or one size:
 * `node --max-old-space-size=1536 --import tsx bench/weeklyMemoryBench.ts 100000 2000000`.
 */
export interface WeeklyMemoryFigures {
  customers: number;
  orders: number;
  readMs: number;
  planMs: number;
  storedStates: number;
  stateRowsToWrite: number;
  cards: number;
  surfacedRows: number;
  peakRssMb: number;
}

const LAST_WEEK = '2025-12-25';
const THIS_WEEK = '2026-01-01';
/** What Table Storage's ETags look like (W/"datetime'...'"), for their share of the memory. */
const ETAG = `W/"datetime'2025-12-25T14%3A03%3A00.1234567Z'"`;

export async function benchWeeklyMemory(size: {
  customers: number;
  orders: number;
}): Promise<WeeklyMemoryFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'weekly-memory-bench-'));
  try {
    await generateLargeFeed(dir, size);
    const rules = defaultRules();
    const t0 = performance.now();
    const { book } = await readFeed(dir);
    const t1 = performance.now();
    const snapshot = storedStates(
      (() => {
        const last = planWeek(book, rules, new Map(), {
          localDate: LAST_WEEK,
          runKey: 'weekly-2025-W52',
          runAt: `${LAST_WEEK}T14:03:00.000Z`,
        });
        return [...last.first, ...last.rest];
      })(),
    );
    const t2 = performance.now();
    const plan = planWeek(book, rules, snapshot.states, {
      localDate: THIS_WEEK,
      runKey: 'weekly-2026-W01',
      runAt: `${THIS_WEEK}T14:03:00.000Z`,
    });
    const t3 = performance.now();
    return {
      customers: book.customers.length,
      orders: book.orderDay.length,
      readMs: Math.round(t1 - t0),
      planMs: Math.round(t3 - t2),
      storedStates: snapshot.states.size,
      stateRowsToWrite:
        plan.first.length + plan.rest.filter((s) => snapshot.states.get(s.customerId) !== s).length,
      cards: plan.weeks.filter((w) => w.shown.length > 0).length,
      surfacedRows: plan.surfacedRows.length,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The states as readAll returns them: fresh objects parsed from table entities, each with an ETag. */
function storedStates(states: readonly CustomerState[]): {
  states: Map<string, CustomerState>;
  etags: Map<string, string>;
} {
  const snapshot = { states: new Map<string, CustomerState>(), etags: new Map<string, string>() };
  for (const s of states) {
    // As the SDK hands a read row over: typed values ({ value, type: 'Double' }) come back as numbers.
    const entity = Object.fromEntries(
      Object.entries(toStateEntity('book', s)).map(([k, v]) => [k, isTyped(v) ? Number(v.value) : v]),
    );
    const read = fromStateEntity(JSON.parse(JSON.stringify(entity)) as Record<string, unknown>);
    snapshot.states.set(read.customerId, read);
    snapshot.etags.set(read.customerId, ETAG.slice(0)); // one string per row, as each page parse makes
  }
  return snapshot;
}

function isTyped(v: unknown): v is { value: string; type: string } {
  return typeof v === 'object' && v !== null && 'type' in v && 'value' in v;
}

const SIZES = [{ customers: 1_000_000, orders: 20_000_000, limitMb: 2048 }];

if (require.main === module) {
  const [customers, orders] = process.argv.slice(2).map(Number);
  if (customers && orders) {
    benchWeeklyMemory({ customers, orders }).then(
      (f) => console.log(JSON.stringify(f)),
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  } else {
    for (const size of SIZES) {
      const execArgv = process.execArgv.filter((a) => !a.startsWith('--max-old-space-size'));
      const child = spawnSync(
        process.execPath,
        [
          ...execArgv,
          `--max-old-space-size=${AZURE_HEAP_MB}`,
          __filename,
          String(size.customers),
          String(size.orders),
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      if (child.status !== 0) {
        console.log(
          `weekly working set at ${size.customers} customers: FAILED (exit ${child.status ?? child.signal})`,
        );
        process.exitCode = 1;
        continue;
      }
      const f = JSON.parse(child.stdout.trim().split('\n').pop() as string) as WeeklyMemoryFigures;
      console.log(
        `weekly working set, ${f.customers.toLocaleString('en-US')} customers / ${f.orders.toLocaleString('en-US')} orders: ` +
          `read ${(f.readMs / 1000).toFixed(1)} s, plan ${(f.planMs / 1000).toFixed(1)} s ` +
          `(${f.storedStates.toLocaleString('en-US')} stored states held, ${f.stateRowsToWrite.toLocaleString('en-US')} rows to write, ` +
          `${f.cards} cards, ${f.surfacedRows} surfaced rows); peak RSS ${f.peakRssMb} MB against the ${size.limitMb} MB ` +
          `of a Flex instance: ${f.peakRssMb < size.limitMb ? 'within' : 'OVER'} (--max-old-space-size=${AZURE_HEAP_MB})`,
      );
    }
  }
}
