import type { FeedReport } from '../feed/feedReport';

/** The feed report for a person: rows per file and every skipped row with file, line and reason. */
export function formatFeedReport(report: FeedReport): string {
  const lines: string[] = [];
  for (const f of report.files) {
    lines.push(
      `${f.file}: ${f.rowsRead.toLocaleString('en-US')} rows, ${f.rowsKept.toLocaleString('en-US')} kept, ${f.rowsSkipped.toLocaleString('en-US')} skipped`,
    );
  }
  for (const f of report.files) {
    for (const p of f.problems) lines.push(`  skipped ${p.file} line ${p.line}: ${p.reason}`);
    if (f.problemsNotListed > 0) {
      lines.push(`  ... and ${f.problemsNotListed.toLocaleString('en-US')} more skipped rows in ${f.file}:`);
      for (const [kind, n] of Object.entries(f.problemCounts))
        lines.push(`      ${kind}: ${n.toLocaleString('en-US')}`);
    }
  }
  return lines.join('\n');
}
