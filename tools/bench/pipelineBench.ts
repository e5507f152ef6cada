import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { readFeed } from '../../feed/readFeed';
import { dayOf, defaultRules, scoreBook } from '../../rules';
import { duckdbRfm } from './feedBench';
import { generateLargeFeed } from './generateLargeFeed';

/**
 * The weekly scoring end to end, as the timer runs it: read a generated feed from CSV into the
 * book, then score every customer as of a date. Reported beside DuckDB computing recency,
 * frequency and monetary value from the same orders.csv in the same process. Each size runs in its
 * own child process so its peak RSS is its own, with the V8 heap capped as in Azure
 * (`--max-old-space-size=1536`, the `languageWorkers__node__arguments` app setting of
 * infra/modules/functionApp.bicep: a Flex Consumption instance has 2,048 MB in all).
 *
 * Run alone: `npx tsx bench/pipelineBench.ts` (100k/2M and 1M/20M), or one size in this process:
 * `node --max-old-space-size=1536 --import tsx bench/pipelineBench.ts 1000000 20000000`.
 */
export interface PipelineFigures {
  customers: number;
  orders: number;
  readMs: number;
  scoreMs: number;
  totalMs: number;
  ordersPerSecond: number;
  customersPerSecond: number;
  /** Peak RSS of the process once the feed was read. */
  readPeakRssMb: number;
  /** Peak RSS of read + score (before DuckDB runs). */
  peakRssMb: number;
  /** V8's heap limit in the process (old space as capped by --max-old-space-size, plus the young generation). */
  heapLimitMb: number;
  atRisk: number;
  /** Log-likelihood evaluations of the cadence model's fit, and how many customers it read. */
  fitEvaluations: number | null;
  fitCustomers: number | null;
  duckdbMs: number;
}

/** The heap cap Azure runs the worker with (infra/modules/functionApp.bicep). */
export const AZURE_HEAP_MB = 1536;

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
    const readPeakRssMb = peakRssMbSoFar();
    const scored = scoreBook(book, rules, dayOf(AS_OF));
    const t2 = performance.now();
    // Peak RSS before DuckDB runs, so the figure is ours alone.
    const peakRssMb = peakRssMbSoFar();
    const { model } = scored;
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
      readPeakRssMb,
      peakRssMb,
      heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / 1048576),
      atRisk: scored.customers.filter((c) => c.band === 'at_risk').length,
      fitEvaluations: model.status === 'fitted' ? model.evaluations : null,
      fitCustomers: model.status === 'fitted' ? model.fittedOn : null,
      duckdbMs: duck.ms,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function peakRssMbSoFar(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** The sizes the pipeline is held to, each with its RSS limit: under 1 GB at 2M orders, a 2 GB Flex instance at 20M. */
export const PIPELINE_SIZES = [
  { customers: 100_000, orders: 2_000_000, limitMb: 1024 },
  { customers: 1_000_000, orders: 20_000_000, limitMb: 2048 },
];

/** This process's node flags with the heap cap replaced by Azure's. */
function childExecArgv(): string[] {
  const rest = process.execArgv.filter((arg) => !arg.startsWith('--max-old-space-size'));
  return [...rest, `--max-old-space-size=${AZURE_HEAP_MB}`];
}

/** Runs each size in a child process and prints the table with the ratio to DuckDB and the memory limits. */
export function runPipelineBench(log: (line: string) => void = console.log): PipelineFigures[] {
  const rows: PipelineFigures[] = [];
  for (const size of PIPELINE_SIZES) {
    const child = spawnSync(
      process.execPath,
      [...childExecArgv(), __filename, String(size.customers), String(size.orders)],
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
        `peak RSS ${f.peakRssMb} MB (after the read ${f.readPeakRssMb} MB) against the ${size.limitMb} MB limit: ` +
        `${f.peakRssMb < size.limitMb ? 'within' : 'OVER'} (--max-old-space-size=${AZURE_HEAP_MB}: V8 heap limit ${f.heapLimitMb} MB); ` +
        `model fit ${f.fitEvaluations ?? '-'} evaluations on ${f.fitCustomers?.toLocaleString('en-US') ?? '-'} customers; ` +
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
