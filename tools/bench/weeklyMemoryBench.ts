import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { TableClient } from '@azure/data-tables';
import { readFeed } from '../../feed/readFeed';
import { planWeek, planWeekOfCards } from '../../jobs/weekly/weeklyPlan';
import { plannedRun } from '../../jobs/weekly/weeklyRun';
import { resolveStaleRow } from '../../jobs/weekly/weeklyStaleRows';
import type { CustomerState } from '../../rules/customerState';
import { defaultRules } from '../../rules/rulesSchema';
import { fromStateEntity, toStateEntity } from '../../storage/stateEntity';
import { type StateSnapshot, snapshotBuilder, TableStateStore } from '../../storage/stateStore';
import { generateLargeFeed } from './generateLargeFeed';
import { AZURE_HEAP_MB } from './pipelineBench';

/**
 * The weekly run's working set at a million customers: the book read from the feed, every stored
 * state with its ETag (as StateStore.readAll holds them), and the week's plan (scores, next states,
 * cards, audit rows), all at once as runWeekly holds them when planned, in a process with Azure's
 * heap cap; then, with what runWeekly keeps of the plan (plannedRun), the state rows written as
 * runWeekly writes them (StateStore.writeGuarded) to a table client that takes each transaction
 * without sending it: Azurite cannot hold a million rows in reasonable time,
 * and the sends' memory is per request, not per customer. Last week's plan, round-tripped through
 * the table entity, stands in for the stored states.
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
  /** The peak RSS up to the end of the planning, before the state rows are written. */
  planPeakRssMb: number;
  /**
   * The heap still in use after a full collection with the book, the stored states and the plan all
   * held: what the run cannot give back. It must stay under the heap cap, or the run dies out of
   * memory; peak RSS moves by tens of MB with when the collector happens to run, this does not.
   */
  liveHeapMb: number;
  /**
   * The same while the state rows are being written (at the write's middle transaction), with what
   * runWeekly keeps of the plan then: what the writes and the sends have to spare.
   */
  writeLiveHeapMb: number;
  writeMs: number;
}

const LAST_WEEK = '2025-12-25';
const THIS_WEEK = '2026-01-01';
/**
 * A Table Storage ETag (W/"datetime'...'": the row's write time), parsed with its row as each page
 * is: one string per row. (A copy of one constant would not do: V8 hands back the same string, which
 * left out about 60 MB of the run's memory at a million rows.)
 */
const etagOf = (row: number) =>
  `W/"datetime'2025-12-25T14%3A03%3A${String(row % 60).padStart(2, '0')}.${String(row).padStart(7, '0')}Z'"`;

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
    // Planned as the weekly run plans (again with the cards' rows when a list does not fit its
    // card); the live heap is taken while the whole plan is held, before the run keeps only its part.
    let liveHeapMb = 0;
    const plan = (() => {
      const whole = planWeekOfCards(book, { date: THIS_WEEK }, (planned) => planned, rules, snapshot.states, {
        localDate: THIS_WEEK,
        runKey: 'weekly-2026-W01',
        runAt: `${THIS_WEEK}T14:03:00.000Z`,
      });
      liveHeapMb = liveHeap();
      return plannedRun(whole);
    })();
    const t3 = performance.now();
    const planPeakRssMb = peakRssMb();
    const write = await writeStates(snapshot, plan.first, plan.rest);
    const t4 = performance.now();
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
      peakRssMb: peakRssMb(),
      planPeakRssMb,
      liveHeapMb,
      writeLiveHeapMb: write.liveHeapMb,
      writeMs: Math.round(t4 - t3),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The process's peak resident set so far, in MB. */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** The heap in use after a full collection (with --expose-gc), in MB. */
export function liveHeap(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round(process.memoryUsage().heapUsed / 1048576);
}

/**
 * The week's state rows written as runWeekly writes them: `first`, then `rest` two transactions at
 * a time, to a client that takes each transaction on the next turn without sending it. The live
 * heap is taken at the middle transaction of `rest`.
 */
async function writeStates(
  snapshot: StateSnapshot,
  first: readonly CustomerState[],
  rest: readonly CustomerState[],
): Promise<{ liveHeapMb: number }> {
  let transactions = 0;
  let liveHeapMb = 0;
  let middle = Number.POSITIVE_INFINITY;
  const client = {
    url: 'http://127.0.0.1:10002/devstoreaccount1/state',
    async submitTransaction() {
      await nextTurn();
      if (++transactions === middle) liveHeapMb = liveHeap();
      return { status: 202, subResponses: [] };
    },
  } as unknown as TableClient;
  const store = new TableStateStore(client, 'book');
  await store.writeGuarded(snapshot, first, { concurrency: 8, resolve: resolveStaleRow });
  middle = transactions + Math.max(1, Math.floor(rest.length / 200));
  await store.writeGuarded(snapshot, rest, { concurrency: 2, resolve: resolveStaleRow });
  return { liveHeapMb };
}

/** The states as readAll returns them: fresh objects parsed from table entities, each with an ETag. */
export function storedStates(states: readonly CustomerState[]): StateSnapshot {
  const snapshot = snapshotBuilder();
  for (const [row, s] of states.entries()) {
    const read = JSON.parse(JSON.stringify(readRow(s, row))) as Record<string, unknown>;
    snapshot.add({ state: fromStateEntity(read), etag: read.etag as string });
  }
  return snapshot.snapshot;
}

/**
 * A state's table row as the SDK hands a read row over: typed values ({ value, type: 'Double' })
 * come back as numbers, and the ETag is a property of the row.
 */
export function readRow(s: CustomerState, row: number): Record<string, unknown> {
  const entity = Object.fromEntries(
    Object.entries(toStateEntity('book', s)).map(([k, v]) => [k, isTyped(v) ? Number(v.value) : v]),
  );
  return { ...entity, etag: etagOf(row) };
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
          '--expose-gc',
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
          `${f.cards} cards, ${f.surfacedRows} surfaced rows); peak RSS ${f.peakRssMb} MB (${f.planPeakRssMb} MB up to the plan) against the ${size.limitMb} MB ` +
          `of a Flex instance: ${f.peakRssMb < size.limitMb ? 'within' : 'OVER'}; live heap after a full collection ${f.liveHeapMb} MB planned, ` +
          `${f.writeLiveHeapMb} MB while writing the state rows (${(f.writeMs / 1000).toFixed(1)} s), of the ${AZURE_HEAP_MB} MB heap cap (--max-old-space-size)`,
      );
    }
  }
}
