import { randomBytes } from 'node:crypto';
import type { CustomerState } from '../../rules/customerState';
import { initialState } from '../../rules/customerState';
import { openStorage, type Storage } from '../../storage';
import { startAzurite } from '../../test/helpers/azurite';

/**
 * Table Storage write costs on Azurite: a run's state rows written in entity group transactions
 * (100 per `$batch`) against one upsert per row, and the transactions of a weekly run where 5% of
 * 10k customers changed. Both modes use the same concurrency, so the ratio is the batching alone.
 *
 * 100k is opt-in (`npx tsx bench/storageBench.ts 10000 100000`): Azurite's in-memory store (LokiJS)
 * slows down as one partition grows (a batch of 100 took ~0.3 s into a 10k-row partition and
 * 0.5-3 s into a 20k one here), so 100k rows in the book's single partition takes far over 10
 * minutes. Real Table Storage does not degrade that way: that figure measures the emulator.
 */

export interface WriteMeasure {
  rows: number;
  mode: 'batched' | 'one-by-one';
  /** Rows actually written and timed (one-by-one on 100k times a 10k sample). */
  measuredRows: number;
  ms: number;
  requests: number;
  /** True when `ms`/`requests` are scaled up from the sample. */
  extrapolated: boolean;
}

export interface StorageBenchReport {
  writes: WriteMeasure[];
  weekly: {
    customers: number;
    changed: number;
    transactions: number;
    writeRequests: number;
    readRequests: number;
    ms: number;
  };
}

export interface StorageBenchOptions {
  sizes?: number[];
  /** Largest size written one by one in full; bigger sizes time a sample of this many and scale. */
  oneByOneSample?: number;
  concurrency?: number;
  connectionString?: string;
  log?: (line: string) => void;
}

function states(n: number): CustomerState[] {
  return Array.from({ length: n }, (_, i) => {
    return {
      ...initialState({
        customerId: `cust-${String(i).padStart(6, '0')}`,
        name: `Customer ${i}`,
        owner: `rep${i % 200}@example.com`,
        monthlyValue: 100 + (i % 5000),
      }),
      score: (i % 100) / 100,
      band: i % 10 === 0 ? 'at_risk' : 'steady',
      reasons: i % 10 === 0 ? ['no order in 34 days (usually every 9)', 'one negative ticket'] : [],
    };
  });
}

async function fresh(connectionString: string): Promise<Storage> {
  return openStorage({ connectionString, tablePrefix: `bench${randomBytes(4).toString('hex')}` });
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** Runs the storage benchmark against a given Azurite (or one it starts) and returns the figures. */
export async function storageBench(options: StorageBenchOptions = {}): Promise<StorageBenchReport> {
  const { sizes = [10_000], oneByOneSample = 10_000, concurrency = 4, log = console.log } = options;
  const azurite = options.connectionString ? undefined : await startAzurite();
  const connectionString = options.connectionString ?? azurite?.connectionString ?? '';
  try {
    log(`Table Storage on Azurite (in memory), ${concurrency} requests in flight in both modes`);
    log('rows     mode         time (s)  requests  rows/s');
    const writes: WriteMeasure[] = [];
    const push = (w: WriteMeasure) => {
      writes.push(w);
      log(formatMeasure(w));
    };
    for (const rows of sizes) {
      const batchedStore = await fresh(connectionString);
      batchedStore.resetRequestCount();
      const batched = await timed(() =>
        batchedStore.state.writeChanged(new Map(), states(rows), { concurrency }),
      );
      push({
        rows,
        mode: 'batched',
        measuredRows: rows,
        ms: batched.ms,
        requests: batchedStore.requests().requests,
        extrapolated: false,
      });

      const sample = Math.min(rows, oneByOneSample);
      // Full size: a fresh table. Bigger: rewrite a sample of rows in the table just filled, so each
      // single write still lands in a table of the real size (and the bench does not fill it twice).
      const eachStore = sample < rows ? batchedStore : await fresh(connectionString);
      eachStore.resetRequestCount();
      const each = await timed(() => eachStore.state.writeEach(states(sample), { concurrency }));
      const scale = rows / sample;
      push({
        rows,
        mode: 'one-by-one',
        measuredRows: sample,
        ms: each.ms * scale,
        requests: Math.round(eachStore.requests().requests * scale),
        extrapolated: sample < rows,
      });
    }

    const weeklyStore = await fresh(connectionString);
    const customers = 10_000;
    await weeklyStore.state.writeChanged(new Map(), states(customers), { concurrency });
    weeklyStore.resetRequestCount();
    const run = await timed(async () => {
      const previous = await weeklyStore.state.getAll();
      const readRequests = weeklyStore.requests().requests;
      // 5% changed, spread over the book (every 20th customer's score moved).
      const next = [...previous.values()].map((s, i) => (i % 20 === 0 ? { ...s, score: s.score + 0.01 } : s));
      const result = await weeklyStore.state.writeChanged(previous, next, { concurrency });
      return { ...result, readRequests };
    });
    const totals = weeklyStore.requests();
    const weekly = {
      customers,
      changed: run.value.written,
      transactions: totals.transactions,
      writeRequests: totals.requests - run.value.readRequests,
      readRequests: run.value.readRequests,
      ms: run.ms,
    };
    printSummary({ writes, weekly }, log);
    return { writes, weekly };
  } finally {
    await azurite?.stop();
  }
}

function formatMeasure(w: WriteMeasure): string {
  const note = w.extrapolated ? `  (extrapolated from ${w.measuredRows} rows timed)` : '';
  const rate = Math.round((w.rows / w.ms) * 1000);
  const secs = (w.ms / 1000).toFixed(1).padStart(8);
  return `${String(w.rows).padEnd(8)} ${w.mode.padEnd(12)} ${secs}  ${String(w.requests).padStart(8)}  ${String(rate).padStart(6)}${note}`;
}

function printSummary(report: StorageBenchReport, log: (line: string) => void): void {
  for (const rows of new Set(report.writes.map((w) => w.rows))) {
    const b = report.writes.find((w) => w.rows === rows && w.mode === 'batched');
    const e = report.writes.find((w) => w.rows === rows && w.mode === 'one-by-one');
    if (b && e) {
      log(
        `${rows} rows: batched is ${(e.ms / b.ms).toFixed(1)}x faster with ${(e.requests / b.requests).toFixed(0)}x fewer requests`,
      );
    }
  }
  const w = report.weekly;
  log(
    `weekly run, ${w.customers} customers, ${w.changed} changed (5%): ${w.transactions} transactions (${w.writeRequests} write requests) + ${w.readRequests} page reads, ${(w.ms / 1000).toFixed(2)} s`,
  );
}

if (require.main === module) {
  // Ctrl-C / kill: exit normally, so startAzurite's exit hook stops Azurite instead of orphaning it.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  storageBench(sizes.length > 0 ? { sizes } : {}).then(
    () => undefined,
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
