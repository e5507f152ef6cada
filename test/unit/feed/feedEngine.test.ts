import { existsSync } from 'node:fs';
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
});
