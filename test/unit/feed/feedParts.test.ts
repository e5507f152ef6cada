import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeFeedReport } from '../../../feed/describeFeedReport';
import { confirmDuplicates, rowsWithSharedHash } from '../../../feed/duplicateIds';
import { ProblemLog } from '../../../feed/feedReport';
import { groupByCustomer } from '../../../feed/groupByCustomer';
import { type GrowableArray, growableFloat64, growableInt32 } from '../../../feed/growableArray';
import { cyrb53, idHash, secondIdHash } from '../../../feed/idHash';
import { readFeed } from '../../../feed/readFeed';

describe('ProblemLog', () => {
  it('keeps the first problems in detail and counts every one', () => {
    const log = new ProblemLog('orders.csv', 3);
    log.rowsRead = 10;
    for (let line = 9; line >= 2; line--) log.skip(line, line % 2 ? 'odd' : 'even', `line ${line}`);
    const report = log.report();
    expect(report.problems).toEqual([
      { file: 'orders.csv', line: 7, reason: 'line 7' },
      { file: 'orders.csv', line: 8, reason: 'line 8' },
      { file: 'orders.csv', line: 9, reason: 'line 9' },
    ]);
    expect(report).toMatchObject({ rowsRead: 10, rowsSkipped: 8, rowsKept: 2, problemsNotListed: 5 });
    expect(report.problemCounts).toEqual({ odd: 4, even: 4 });
  });
});

function growable(...values: number[]): GrowableArray<Float64Array> {
  const out = growableFloat64();
  for (const v of values) out.push(v);
  return out;
}

describe('GrowableArray', () => {
  it('holds values across chunks, reads and writes by index, copies and takes them whole', () => {
    const a = growableInt32();
    const n = 2_500_000; // past two full chunks of 2^20
    for (let i = 0; i < n; i++) a.push(i * 3);
    expect(a.length).toBe(n);
    expect([a.get(0), a.get(1_048_575), a.get(1_048_576), a.get(n - 1)]).toEqual([
      0,
      3_145_725,
      3_145_728,
      (n - 1) * 3,
    ]);
    a.set(2_000_000, -7);
    const copy = a.copy();
    expect(copy.length).toBe(n);
    expect(copy[2_000_000]).toBe(-7);
    expect(copy[1_048_576]).toBe(3_145_728);
    const taken = a.take();
    expect(Array.from(taken.subarray(n - 2))).toEqual([(n - 2) * 3, (n - 1) * 3]);
    expect(taken[2_000_000]).toBe(-7);
    expect(a.length).toBe(0);
  });
});

describe('id hashes', () => {
  it('are 53-bit integers, stable, and differ by seed', () => {
    const h = idHash('O-17');
    expect(Number.isSafeInteger(h)).toBe(true);
    expect(h).toBe(cyrb53('O-17'));
    expect(idHash('O-17')).not.toBe(idHash('O-71'));
    expect(secondIdHash('O-17')).not.toBe(h);
  });
});

describe('duplicate ids', () => {
  it('finds the rows whose hash is shared, in row order', () => {
    expect(Array.from(rowsWithSharedHash(growable(5, 1, 5, 2, 1, 9)))).toEqual([0, 1, 2, 4]);
    expect(rowsWithSharedHash(growable(1, 2, 3)).length).toBe(0);
  });

  it('pairs each later row with the first row of the same id, not merely the same hash', () => {
    // Rows 0, 2, 3, 5 all hash to 1: ids A, B, A, B.
    const hashes = Float64Array.of(1, 8, 1, 1, 9, 1);
    const hashOf = (row: number) => hashes[row];
    const candidates = Int32Array.of(0, 2, 3, 5);
    expect(confirmDuplicates(candidates, hashOf, ['A', 'B', 'A', 'B'])).toEqual([
      { row: 3, firstRow: 0, candidate: 2 },
      { row: 5, firstRow: 2, candidate: 3 },
    ]);
    expect(confirmDuplicates(candidates, hashOf, ['A', 'B', 'C', 'D'])).toEqual([]);
  });
});

describe('groupByCustomer', () => {
  it('groups by customer with a counting sort, sorts by day, keeps ties in file order, leaves out -1', () => {
    const customer = Int32Array.of(1, 0, 1, -1, 0, 0, 2);
    const day = Int32Array.of(30, 20, 10, 5, 20, 1, 7);
    const { start, order } = groupByCustomer(4, customer, day);
    expect(Array.from(start)).toEqual([0, 3, 5, 6, 6]);
    expect(Array.from(order)).toEqual([5, 1, 4, 2, 0, 6]);
  });
});

describe('describeFeedReport', () => {
  it('gives counts per file and kind, then the first problems with file and line', async () => {
    const { report } = await readFeed(join(__dirname, '../../fixtures/feeds/bad-rows'));
    const lines = describeFeedReport(report, { maxListed: 2 });
    expect(lines.slice(0, 2)).toEqual([
      'customers.csv: 6 rows read, 2 kept, 4 skipped',
      '  1 x owner: not an email or UPN',
    ]);
    expect(lines).toContain('orders.csv: 14 rows read, 2 kept, 12 skipped');
    expect(lines).toContain('  2 x ordered_at: not a date');
    expect(lines.slice(-3)).toEqual([
      'customers.csv line 3: owner: not an email or UPN: "not-an-email"',
      'customers.csv line 4: duplicate customer_id "C-1" (first on line 2)',
      '... and 18 more skipped rows not listed',
    ]);
  });
});
