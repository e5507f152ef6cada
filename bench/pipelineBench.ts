import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFeed } from '../feed/readFeed';
import { dayOf, defaultRules, scoreBook } from '../rules';
import { duckdbRfm } from './feedBench';
import { generateLargeFeed } from './generateLargeFeed';

/**
 * The weekly scoring end to end, as the timer runs it: read a generated feed from CSV into the
 * book, then score every customer as of a date. Reported beside DuckDB computing recency,
 * frequency and monetary value from the same orders.csv in the same process. Each size runs in its
 * own child process so its peak RSS is its own.
 *
 * Run alone: `npx tsx bench/pipelineBench.ts` (100k/2M and 1M/20M) or `... 100000 2000000` (one size).
 */
export interface PipelineFigures {
  customers: number;
  orders: number;
  readMs: number;
  scoreMs: number;
  totalMs: number;
  ordersPerSecond: number;
  customersPerSecond: number;
  peakRssMb: number;
  atRisk: number;
  duckdbMs: number;
}

const AS_OF = '2026-01-01';

/** Generates a feed of the given size, reads and scores it, then runs DuckDB's RFM on it. */
export async function benchPipeline(size: { customers: number; orders: number }): Promise<PipelineFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'pipeline-bench-'));
  try {
    const files = await generateLargeFeed(dir, size);
    const rules = defaultRules();
    const t0 = performance.now();
    const { book } = await readFeed(dir);
    const t1 = performance.now();
    const scored = scoreBook(book, rules, dayOf(AS_OF));
    const t2 = performance.now();
    // Peak RSS before DuckDB runs, so the figure is ours alone.
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    const duck = await duckdbRfm(files.orders, AS_OF);
    const totalMs = t2 - t0;
    return {
      customers: book.customers.length,
      orders: book.orderDay.length,
      readMs: Math.round(t1 - t0),
      scoreMs: Math.round(t2 - t1),
      totalMs: Math.round(totalMs),
      ordersPerSecond: Math.round(book.orderDay.length / (totalMs / 1000)),
      customersPerSecond: Math.round(book.customers.length / (totalMs / 1000)),
      peakRssMb,
      atRisk: scored.customers.filter((c) => c.band === 'at_risk').length,
      duckdbMs: duck.ms,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const PIPELINE_SIZES = [
  { customers: 100_000, orders: 2_000_000, limitMb: 1024 },
  { customers: 1_000_000, orders: 20_000_000, limitMb: 2048 },
];

/** Runs each size in a child process and prints the table with the ratio to DuckDB and the memory limits. */
export function runPipelineBench(log: (line: string) => void = console.log): PipelineFigures[] {
  const rows: PipelineFigures[] = [];
  for (const size of PIPELINE_SIZES) {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, __filename, String(size.customers), String(size.orders)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
    );
    if (child.status !== 0)
      throw new Error(`pipeline bench of ${size.orders} orders failed (exit ${child.status})`);
    const f = JSON.parse(child.stdout.trim().split('\n').pop() as string) as PipelineFigures;
    rows.push(f);
    log(
      `${f.customers.toLocaleString('en-US')} customers / ${f.orders.toLocaleString('en-US')} orders: ` +
        `read ${(f.readMs / 1000).toFixed(1)} s + score ${(f.scoreMs / 1000).toFixed(1)} s = ${(f.totalMs / 1000).toFixed(1)} s; ` +
        `${f.ordersPerSecond.toLocaleString('en-US')} orders/s, ${f.customersPerSecond.toLocaleString('en-US')} customers/s; ` +
        `peak RSS ${f.peakRssMb} MB (limit ${size.limitMb} MB: ${f.peakRssMb < size.limitMb ? 'within' : 'OVER'}); ` +
        `DuckDB RFM from the same CSV ${(f.duckdbMs / 1000).toFixed(1)} s; ours / DuckDB = ${(f.totalMs / f.duckdbMs).toFixed(2)}x`,
    );
  }
  return rows;
}

if (require.main === module) {
  const [customers, orders] = process.argv.slice(2).map(Number);
  if (customers && orders) {
    benchPipeline({ customers, orders }).then(
      (f) => console.log(JSON.stringify(f)),
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  } else {
    runPipelineBench();
  }
}
