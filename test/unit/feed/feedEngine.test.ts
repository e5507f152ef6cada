import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openFeedEngine } from '../../../feed/feedEngine';

describe('openFeedEngine', () => {
  it('keeps the rows one read spilled while another read on the machine spills and closes', async () => {
    // Both engines hold more than their memory limit, so both spill.
    const table = (salt: number) =>
      `CREATE TABLE t AS SELECT i, md5((i + ${salt})::VARCHAR) || md5((i * 7 + ${salt})::VARCHAR) AS s FROM range(1500000) r(i)`;
    const first = await openFeedEngine({ memoryLimitMb: 32, threads: 1 });
    try {
      await first.run(table(1));
      const second = await openFeedEngine({ memoryLimitMb: 32, threads: 1 });
      await second.run(table(2));
      second.close();
      const [[rows, wrong]] = await first.rows(
        'SELECT count(*), count(*) FILTER (WHERE s <> md5((i + 1)::VARCHAR) || md5((i * 7 + 1)::VARCHAR)) FROM t',
      );
      expect([Number(rows), Number(wrong)]).toEqual([1_500_000, 0]);
    } finally {
      first.close();
    }
  }, 60_000);

  it('removes its spill folder on close', async () => {
    const engine = await openFeedEngine({ memoryLimitMb: 32, threads: 1 });
    const [[folder]] = await engine.rows("SELECT current_setting('temp_directory')");
    expect(existsSync(String(folder))).toBe(true);
    engine.close();
    expect(existsSync(String(folder))).toBe(false);
  });

  it('removes the spill folders a read killed mid-way left (a day old), and leaves a recent one alone', async () => {
    const base = mkdtempSync(join(tmpdir(), 'spill-base-'));
    try {
      // What a read killed while spilling leaves (the host's timeout, out of memory): nothing closed it.
      const folder = (name: string, daysOld: number) => {
        const dir = join(base, name);
        mkdirSync(dir);
        writeFileSync(join(dir, 'duckdb_temp_storage_DEFAULT-0.tmp'), 'x'.repeat(1024));
        const at = new Date(Date.now() - daysOld * 86_400_000);
        utimesSync(dir, at, at);
        return dir;
      };
      const killed = folder('churn-duckdb-AbC123', 2);
      // Another read's, still running (a read takes minutes at most).
      const running = folder('churn-duckdb-XyZ789', 0);
      const other = folder('something-else', 2);
      const engine = await openFeedEngine({ memoryLimitMb: 32, threads: 1, tempDirectory: base });
      engine.close();
      expect([existsSync(killed), existsSync(running), existsSync(other)]).toEqual([false, true, true]);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
