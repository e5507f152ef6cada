import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { feedOptionsFrom } from '../../feed/feedOptions';
import { readFeed } from '../../feed/readFeed';
import { parseRules } from '../../rules/rulesSchema';
import { generateLargeFeed } from './generateLargeFeed';

/**
 * `npm run bench feed`: the feed engine's figures, both sides measured in the same run.
 *
 * 1. Read + score 100k customers / 2M orders as a whole `score` process (the built CLI, heap capped
 *    as in Azure) beside DuckDB computing recency / frequency / spend from the same orders.csv as a
 *    whole process (bench/duckdbRfmProcess.cjs): wall time and CPU time (all threads), and ours /
 *    DuckDB. On a shared machine the wall ratio moves with the load; the CPU ratio much less.
 * 2. 1M / 20M: the same `score` process's wall time, CPU time and peak RSS.
 * Beside each, the read alone as a process (readFeedProcess.cjs), to show the read's share.
 * 3. The corpus of real exports (test/fixtures/exports): orders read and rows skipped per export.
 *
 * One size only: `npx tsx tools/bench/feedBench.ts 100000 2000000`. Needs `npm run build` (done first).
 */
const ROOT = join(__dirname, '..', '..');
const AS_OF = '2026-01-01';
/** The heap cap Azure runs the worker with (infra/modules/functionApp.bicep). */
export const AZURE_HEAP_MB = 1536;
const SIZES = [
  { customers: 100_000, orders: 2_000_000 },
  { customers: 1_000_000, orders: 20_000_000 },
];

export interface ProcessFigures {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
}

/** Runs a node script as its own process with processStats.cjs preloaded; its wall time, CPU time and peak RSS. */
function timeProcess(args: string[]): ProcessFigures {
  const started = performance.now();
  const child = spawnSync(
    process.execPath,
    [`--max-old-space-size=${AZURE_HEAP_MB}`, '--require', join(__dirname, 'processStats.cjs'), ...args],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 },
  );
  const wallMs = Math.round(performance.now() - started);
  if (child.status !== 0)
    throw new Error(`${args.join(' ')} exited ${child.status}: ${child.stderr.slice(-2000)}`);
  const line = child.stderr.split('\n').find((l) => l.startsWith('PROCESS_STATS '));
  if (!line) throw new Error(`no PROCESS_STATS from ${args.join(' ')}`);
  const { cpuMs, peakRssMb } = JSON.parse(line.slice('PROCESS_STATS '.length)) as Omit<
    ProcessFigures,
    'wallMs'
  >;
  return { wallMs, cpuMs, peakRssMb };
}

/**
 * DuckDB's per-customer recency, frequency and monetary value from an orders.csv, in this process
 * (bench/pipelineBench.ts uses it); returns the time taken.
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
    await connection.run(`
      CREATE TABLE rfm AS
      SELECT customer_id, date_diff('day', max(order_day), DATE '${asOfIsoDate}') AS recency_days,
             count(*) AS frequency, sum(amount) AS monetary_sum, avg(amount) AS monetary_mean
      FROM (SELECT customer_id, CAST(left(ordered_at, 10) AS DATE) AS order_day, amount
            FROM read_csv('${path}', header = true,
              columns = {'order_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'ordered_at': 'VARCHAR', 'amount': 'DOUBLE'}))
      WHERE order_day <= DATE '${asOfIsoDate}'
      GROUP BY customer_id`);
    const reader = await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM rfm');
    return { ms: Math.round(performance.now() - started), customers: Number(reader.getRows()[0][0]) };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export interface FeedBenchFigures {
  customers: number;
  orders: number;
  megabytes: number;
  score: ProcessFigures;
  /** The read alone (readFeedProcess.cjs): the rest of `score` is fitting the book's model and scoring. */
  read: ProcessFigures;
  duckdb: ProcessFigures;
}

/** Generates a feed of the given size, then times the `score` process and the DuckDB RFM process on it. */
export async function benchFeed(size: { customers: number; orders: number }): Promise<FeedBenchFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'feed-bench-'));
  try {
    const files = await generateLargeFeed(dir, size);
    let bytes = 0;
    for (const path of [files.customers, files.orders, files.tickets]) bytes += (await stat(path)).size;
    const score = timeProcess(['bin/churn-predictor.js', 'score', '--feed', dir, '--as-of', AS_OF]);
    const read = timeProcess([join(__dirname, 'readFeedProcess.cjs'), dir, AS_OF]);
    const duckdb = timeProcess([join(__dirname, 'duckdbRfmProcess.cjs'), files.orders, AS_OF]);
    return { ...size, megabytes: Math.round(bytes / 1048576), score, read, duckdb };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Each export of the corpus: orders read and rows skipped. */
async function corpusLines(): Promise<string[]> {
  const root = join(ROOT, 'test/fixtures/exports');
  const lines: string[] = [];
  for (const name of readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)) {
    const rules = parseRules(JSON.parse(readFileSync(join(root, name, 'rules.json'), 'utf8')));
    const { book, report } = await readFeed(join(root, name), feedOptionsFrom(rules));
    const merged = report.files.reduce((sum, f) => sum + f.mergedLines, 0);
    lines.push(
      `  ${name}: ${book.customers.length} customers, ${book.orderDay.length} orders (${merged} lines merged), ${report.rowsSkipped} rows skipped`,
    );
  }
  return lines;
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function describe(f: FeedBenchFigures): string {
  const size = `${f.customers.toLocaleString('en-US')} customers / ${f.orders.toLocaleString('en-US')} orders (${f.megabytes} MB of CSV)`;
  return [
    `${size}:`,
    `  score process  ${s(f.score.wallMs)} wall, ${s(f.score.cpuMs)} CPU, peak RSS ${f.score.peakRssMb} MB (--max-old-space-size=${AZURE_HEAP_MB})`,
    `  read alone     ${s(f.read.wallMs)} wall, ${s(f.read.cpuMs)} CPU, peak RSS ${f.read.peakRssMb} MB (the rest of score: fitting the book's model, scoring, the lists)`,
    `  DuckDB RFM     ${s(f.duckdb.wallMs)} wall, ${s(f.duckdb.cpuMs)} CPU, peak RSS ${f.duckdb.peakRssMb} MB`,
    `  ours / DuckDB  ${(f.score.wallMs / f.duckdb.wallMs).toFixed(1)}x wall, ${(f.score.cpuMs / f.duckdb.cpuMs).toFixed(1)}x CPU (score); ${(f.read.wallMs / f.duckdb.wallMs).toFixed(1)}x wall, ${(f.read.cpuMs / f.duckdb.cpuMs).toFixed(1)}x CPU (read alone)`,
  ].join('\n');
}

if (require.main === module) {
  const [customers, orders] = process.argv.slice(2).map(Number);
  const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  (async () => {
    const sizes = customers && orders ? [{ customers, orders }] : SIZES;
    for (const size of sizes) console.log(describe(await benchFeed(size)));
    if (!(customers && orders))
      console.log(['corpus of real exports (test/fixtures/exports):', ...(await corpusLines())].join('\n'));
  })().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
