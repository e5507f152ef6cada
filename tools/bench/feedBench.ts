import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { readFeed } from '../../feed/readFeed';
import { generateLargeFeed } from './generateLargeFeed';

/**
 * How fast the feed reader turns a generated feed into a Book, and how much memory it takes at its
 * peak, beside DuckDB computing recency / frequency / monetary straight from the same orders.csv.
 * Run alone: `npx tsx bench/feedBench.ts` (100k/2M then 1M/20M, each in its own process so peak RSS
 * is that size's own), or `npx tsx bench/feedBench.ts 100000 2000000` for one size.
 * V8 collects lazily when the machine has memory to spare, so peak RSS depends on the heap limit:
 * `NODE_OPTIONS=--max-old-space-size=768` shows what a 2 GB instance with that Functions setting
 * (`languageWorkers__node__arguments`) would take.
 */
export interface FeedBenchFigures {
  customers: number;
  orders: number;
  tickets: number;
  /** Size of the generated files. */
  megabytes: number;
  readMs: number;
  rowsPerSecond: number;
  /** Peak resident set of the process (resourceUsage maxRSS), after reading the feed. */
  peakRssMb: number;
  /** Largest heap seen while reading (sampled on progress). */
  peakHeapMb: number;
  /** Largest typed-array memory seen while reading (sampled on progress). */
  peakArrayBuffersMb: number;
  duckdb: { ms: number; customers: number };
}

const MB = 1024 * 1024;

/**
 * DuckDB's per-customer recency (days since the last order as of `asOfIsoDate`), frequency (orders)
 * and monetary value (sum and mean amount) from an orders.csv, materialised; returns the time taken.
 */
export async function duckdbRfm(
  ordersCsvPath: string,
  asOfIsoDate: string,
): Promise<{ ms: number; customers: number }> {
  const started = performance.now();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const path = ordersCsvPath.replaceAll("'", "''");
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOfIsoDate))
      throw new Error(`Expected YYYY-MM-DD, got "${asOfIsoDate}"`);
    // ordered_at may be a date or a date-time: its first ten characters are the calendar date.
    await connection.run(`
      CREATE TABLE rfm AS
      SELECT customer_id,
             date_diff('day', max(order_day), DATE '${asOfIsoDate}') AS recency_days,
             count(*) AS frequency,
             sum(amount) AS monetary_sum,
             avg(amount) AS monetary_mean
      FROM (
        SELECT customer_id, CAST(left(ordered_at, 10) AS DATE) AS order_day, amount
        FROM read_csv('${path}', header = true,
          columns = {'order_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'ordered_at': 'VARCHAR', 'amount': 'DOUBLE'})
      )
      WHERE order_day <= DATE '${asOfIsoDate}'
      GROUP BY customer_id`);
    const reader = await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM rfm');
    const customers = Number(reader.getRows()[0][0]);
    return { ms: Math.round(performance.now() - started), customers };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Generates a feed of the given size into a temp dir, reads it with readFeed, then times DuckDB on it. */
export async function benchFeed(size: { customers: number; orders: number }): Promise<FeedBenchFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'feed-bench-'));
  try {
    const files = await generateLargeFeed(dir, size);
    let bytes = 0;
    for (const path of [files.customers, files.orders, files.tickets]) bytes += (await stat(path)).size;
    let peakHeap = 0;
    let peakArrayBuffers = 0;
    const sample = () => {
      const m = process.memoryUsage();
      peakHeap = Math.max(peakHeap, m.heapUsed);
      peakArrayBuffers = Math.max(peakArrayBuffers, m.arrayBuffers);
    };
    const started = performance.now();
    const { book, report } = await readFeed(dir, { onProgress: sample });
    const readMs = performance.now() - started;
    sample();
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    const rows = report.files.reduce((sum, f) => sum + f.rowsRead, 0);
    if (report.rowsSkipped !== 0) throw new Error(`generated feed had ${report.rowsSkipped} bad rows`);
    const duckdb = await duckdbRfm(files.orders, '2026-01-01');
    return {
      customers: book.customers.length,
      orders: book.orderDay.length,
      tickets: book.ticketDay.length,
      megabytes: Math.round(bytes / MB),
      readMs: Math.round(readMs),
      rowsPerSecond: Math.round(rows / (readMs / 1000)),
      peakRssMb,
      peakHeapMb: Math.round(peakHeap / MB),
      peakArrayBuffersMb: Math.round(peakArrayBuffers / MB),
      duckdb,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const SIZES = [
  { customers: 100_000, orders: 2_000_000 },
  { customers: 1_000_000, orders: 20_000_000 },
];

if (require.main === module) {
  const [customers, orders] = process.argv.slice(2).map(Number);
  if (customers && orders) {
    benchFeed({ customers, orders }).then(
      (figures) => console.log(JSON.stringify(figures)),
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  } else {
    // One child process per size, so each peak RSS is that size's alone.
    const table = SIZES.map((size) => {
      const child = spawnSync(
        process.execPath,
        [...process.execArgv, __filename, String(size.customers), String(size.orders)],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      if (child.status !== 0) throw new Error(`bench of ${size.orders} orders failed`);
      return JSON.parse(child.stdout.trim().split('\n').pop() as string) as FeedBenchFigures;
    });
    console.table(
      table.map(({ duckdb, ...f }) => ({
        ...f,
        duckdbMs: duckdb.ms,
        readVsDuckdb: +(f.readMs / duckdb.ms).toFixed(1),
      })),
    );
  }
}
