import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isFeedBlob } from '../../../feed/blobFeed';
import { describeFeedReport } from '../../../feed/describeFeedReport';
import { ProblemLog } from '../../../feed/feedReport';
import { readFeed } from '../../../feed/readFeed';

describe('ProblemLog', () => {
  it('keeps the first problems of each kind in detail and counts every one', () => {
    const log = new ProblemLog('orders.csv', 3);
    log.rowsRead = 12;
    for (let line = 2; line <= 11; line++) log.skip(line, line < 10 ? 'later' : 'not a date', `line ${line}`);
    const report = log.report();
    // Lines 10 and 11 come after more than three of another kind, and are still kept.
    expect(report.problems).toEqual([
      { file: 'orders.csv', line: 2, kind: 'later', reason: 'line 2' },
      { file: 'orders.csv', line: 3, kind: 'later', reason: 'line 3' },
      { file: 'orders.csv', line: 4, kind: 'later', reason: 'line 4' },
      { file: 'orders.csv', line: 10, kind: 'not a date', reason: 'line 10' },
      { file: 'orders.csv', line: 11, kind: 'not a date', reason: 'line 11' },
    ]);
    expect(report).toMatchObject({ rowsRead: 12, rowsSkipped: 10, rowsKept: 2, problemsNotListed: 5 });
    expect(report.problemCounts).toEqual({ later: 8, 'not a date': 2 });
  });
});

describe('describeFeedReport', () => {
  it("counts a listed order's other lines as listed, and says one merged line and one unlisted row in the singular", () => {
    const problem = { file: 'orders.csv', line: 2, kind: 'amount: missing', reason: 'amount: missing' };
    const lines = describeFeedReport(
      {
        rowsSkipped: 4,
        files: [
          {
            file: 'orders.csv',
            rowsRead: 9,
            rowsKept: 5,
            rowsSkipped: 4,
            // Line 5 stands for its order's two lines; line 8 is beyond the two listed.
            problems: [problem, { ...problem, line: 5, lines: 2 }, { ...problem, line: 8 }],
            problemCounts: { 'amount: missing': 4 },
            problemsNotListed: 2,
            notes: [],
            mergedLines: 1,
          },
        ],
      },
      { maxListed: 2 },
    );
    expect(lines).toEqual([
      'orders.csv: 9 rows read, 5 kept, 4 skipped',
      '  1 order line merged into its order (same order id, customer and date)',
      '  4 x amount: missing',
      'orders.csv line 2: amount: missing',
      'orders.csv line 5: amount: missing',
      '... and 1 more skipped row not listed',
    ]);
  });

  it('gives counts per file and kind, then the first problems with file and line', async () => {
    const { report } = await readFeed(join(__dirname, '../../fixtures/feeds/bad-rows'));
    const lines = describeFeedReport(report, { maxListed: 2 });
    expect(lines.slice(0, 3)).toEqual([
      'customers.csv: 6 rows read, 2 kept, 4 skipped',
      `  owner: 1 row names a rep ("not-an-email") rather than giving their Teams sign-in: give each name its rep's sign-in in the rules file, e.g. { "owners": { "not-an-email": "<their Teams sign-in>" } }`,
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

describe('which blobs of a container are the feed', () => {
  it("a blob name with a '..' segment is never the feed's: it would be downloaded outside the read's folder", () => {
    expect(isFeedBlob('orders/part-00000-a1.csv')).toBe(true);
    expect(isFeedBlob('orders.parquet/_delta_log/00000.json')).toBe(true);
    // A Delta log's name is taken at any depth below the folder, so the path is checked itself.
    expect(isFeedBlob('orders/../../../home/site/_delta_log/x.json')).toBe(false);
    expect(isFeedBlob('orders/..\\..\\_delta_log\\x.json')).toBe(false);
  });
});
