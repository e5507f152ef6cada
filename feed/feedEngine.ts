import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';

/**
 * The DuckDB engine the feed is read with: one in-memory database per read, sized for a 2 GB
 * Functions instance that shares its memory with Node's heap. DuckDB would otherwise take 80% of
 * the machine's memory and every core, so both are set here, with a temp folder to spill to.
 */
export interface EngineOptions {
  /** DuckDB's buffer pool (default 600 MB); beyond it, DuckDB spills to `tempDirectory`. */
  memoryLimitMb?: number;
  /** Worker threads (default: the cores, at most 2). */
  threads?: number;
  /**
   * The folder in which each engine makes its own spill folder, removed on close (default: the OS
   * temp folder); one a killed read left is removed by a later open, once a day old.
   */
  tempDirectory?: string;
}

/**
 * A 20M-order feed read in 48 s with a peak RSS of 1.28 GB at 600 MB, against 54 s and 1.8 GB with
 * the tables in a database file at 1,024 MB: the instance's 2 GB also holds Node's heap.
 */
export const DEFAULT_MEMORY_LIMIT_MB = 600;

/** An open engine: run statements, read small results as rows, and close. */
export interface FeedEngine {
  run(sql: string, values?: DuckDBValue[]): Promise<void>;
  /** Every row of a (small) result as plain values. */
  rows(sql: string, values?: DuckDBValue[]): Promise<DuckDBValue[][]>;
  /** Streams a result chunk by chunk; `onChunk` gets each chunk's columns' getters and row count. */
  chunks(
    sql: string,
    onChunk: (column: (i: number) => (row: number) => DuckDBValue, rows: number) => void,
  ): Promise<void>;
  connection: DuckDBConnection;
  close(): void;
}

const SPILL_PREFIX = 'churn-duckdb-';

/**
 * A spill folder untouched this long is a read's that was killed while it spilled (the host's
 * timeout, out of memory): a read takes minutes, and the host stops a run within half an hour.
 */
const ABANDONED_SPILL_MS = 24 * 60 * 60 * 1000;

/**
 * Removes the spill folders in `folder` that killed reads left: nothing closed them, and with a
 * folder per read no later read deletes their files (spilled text, up to gigabytes) either.
 */
async function removeAbandonedSpills(folder: string, now: number): Promise<void> {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (!entry.isDirectory() || !entry.name.startsWith(SPILL_PREFIX)) continue;
    const path = join(folder, entry.name);
    try {
      if (now - (await stat(path)).mtimeMs > ABANDONED_SPILL_MS)
        await rm(path, { recursive: true, force: true });
    } catch (error) {
      // Gone meanwhile (another read removed it), or another user's in a shared temp folder.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EACCES' && code !== 'EPERM') throw error;
    }
  }
}

/**
 * Opens an in-memory DuckDB with the memory limit, thread count and spill folder set: a 20M-row
 * orders file held as text is several times the limit, and what does not fit goes to the spill
 * folder.
 */
export async function openFeedEngine(options: EngineOptions = {}): Promise<FeedEngine> {
  const {
    memoryLimitMb = DEFAULT_MEMORY_LIMIT_MB,
    threads = Math.min(2, availableParallelism()),
    tempDirectory = tmpdir(),
  } = options;
  // DuckDB names its spill files alike in every database and, closing, deletes every such file in
  // its folder: two reads spilling into one folder (two runs on one machine) overwrote and deleted
  // each other's spilled rows. Each engine spills into a folder of its own.
  await mkdir(tempDirectory, { recursive: true });
  await removeAbandonedSpills(tempDirectory, Date.now());
  const spill = await mkdtemp(join(tempDirectory, SPILL_PREFIX));
  const removeSpill = () => rmSync(spill, { recursive: true, force: true });
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: `${memoryLimitMb}MB`,
    threads: String(threads),
    temp_directory: spill,
    preserve_insertion_order: 'true',
    // Nothing is fetched at run time: no extension downloads (Excel is read in Node instead).
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  }).catch((error: unknown) => {
    removeSpill();
    throw error;
  });
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  return {
    connection,
    async run(sql, values) {
      await connection.run(sql, values);
    },
    async rows(sql, values) {
      const reader = await connection.runAndReadAll(sql, values);
      return reader.getRows();
    },
    async chunks(sql, onChunk) {
      const result = await connection.stream(sql);
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const vectors = Array.from({ length: chunk.columnCount }, (_, i) => chunk.getColumnVector(i));
        onChunk((i) => (row) => vectors[i].getItem(row), chunk.rowCount);
      }
    },
    close() {
      try {
        connection.closeSync();
        instance.closeSync();
      } finally {
        removeSpill();
      }
    },
  };
}

/** A string as a SQL literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** An identifier as SQL (double-quoted). */
export function sqlName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
