import type { FeedReport } from './feedReport';

/**
 * The feed report in plain lines for a terminal or a log: per file the row counts and the counts
 * per kind of problem, then the first problems with file and line.
 */
export function describeFeedReport(
  report: FeedReport,
  { maxListed = 20 }: { maxListed?: number } = {},
): string[] {
  const lines: string[] = [];
  for (const file of report.files) {
    // The skipped count shows even when 0: "0 skipped" is a statement, not an omission.
    lines.push(
      `${file.file}: ${file.rowsRead.toLocaleString('en-US')} ${file.rowsRead === 1 ? 'row' : 'rows'} read, ${file.rowsKept.toLocaleString('en-US')} kept, ${file.rowsSkipped.toLocaleString('en-US')} skipped`,
    );
    for (const note of file.notes) lines.push(`  ${note}`);
    if (file.mergedLines > 0)
      lines.push(
        `  ${file.mergedLines.toLocaleString('en-US')} order lines merged into their orders (same order id, customer and date)`,
      );
    const kinds = Object.entries(file.problemCounts).sort((a, b) => b[1] - a[1]);
    for (const [kind, count] of kinds) lines.push(`  ${count.toLocaleString('en-US')} x ${kind}`);
  }
  const problems = report.files.flatMap((f) => f.problems);
  for (const p of problems.slice(0, maxListed)) lines.push(`${p.file} line ${p.line}: ${p.reason}`);
  const unlisted = report.rowsSkipped - Math.min(problems.length, maxListed);
  if (unlisted > 0) lines.push(`... and ${unlisted.toLocaleString('en-US')} more skipped rows not listed`);
  return lines;
}
