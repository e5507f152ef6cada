import type { CustomersFromOrders, FeedReport } from './feedReport';

/**
 * The feed report in plain lines for a terminal or a log: what was passed over in the folder (a zip
 * that cannot be read), then per file the row counts and the counts
 * per kind of problem, then the first problems with file and line: at most `maxListed` in all, and
 * at most `maxPerKind` of each kind in each file (the count line above already gives every kind's
 * total: a thousand lines of "after the as-of date" when scoring an earlier week would bury the one
 * row that is wrong).
 */
export function describeFeedReport(
  report: FeedReport,
  { maxListed = 20, maxPerKind = Number.POSITIVE_INFINITY }: { maxListed?: number; maxPerKind?: number } = {},
): string[] {
  // What was passed over first: a file the user looks for below may be in it.
  const lines: string[] = [...(report.notes ?? [])];
  if (report.customersFromOrders) lines.push(describeCustomersFromOrders(report.customersFromOrders));
  for (const file of report.files) {
    // The skipped count shows even when 0: "0 skipped" is a statement, not an omission.
    lines.push(
      `${file.file}: ${file.rowsRead.toLocaleString('en-US')} ${file.rowsRead === 1 ? 'row' : 'rows'} read, ${file.rowsKept.toLocaleString('en-US')} kept, ${file.rowsSkipped.toLocaleString('en-US')} skipped`,
    );
    for (const note of file.notes) lines.push(`  ${note}`);
    if (file.mergedLines > 0)
      lines.push(
        file.mergedLines === 1
          ? '  1 order line merged into its order (same order id, customer and date)'
          : `  ${file.mergedLines.toLocaleString('en-US')} order lines merged into their orders (same order id, customer and date)`,
      );
    const kinds = Object.entries(file.problemCounts).sort((a, b) => b[1] - a[1]);
    for (const [kind, count] of kinds) {
      const orders = file.ordersPerKind?.[kind];
      const of =
        orders === undefined
          ? ''
          : ` (lines of ${orders.toLocaleString('en-US')} ${orders === 1 ? 'order' : 'orders'})`;
      lines.push(`  ${count.toLocaleString('en-US')} x ${kind}${of}`);
    }
  }
  const listed = report.files.flatMap((file) => {
    const shown = new Map<string, number>();
    return file.problems.filter((p) => {
      const n = shown.get(p.kind) ?? 0;
      shown.set(p.kind, n + 1);
      return n < maxPerKind;
    });
  });
  const problems = listed.slice(0, maxListed);
  for (const p of problems) lines.push(`${p.file} line ${p.line}: ${p.reason}`);
  // A listed order's other lines are named on its line (`and 1 more line of order ...`): not unlisted.
  const unlisted = report.rowsSkipped - problems.reduce((n, p) => n + (p.lines ?? 1), 0);
  if (unlisted > 0)
    lines.push(
      `... and ${unlisted.toLocaleString('en-US')} more skipped ${unlisted === 1 ? 'row' : 'rows'} not listed`,
    );
  return lines;
}

/** Where the customers came from when the feed has no customers file, in the place its line would have. */
function describeCustomersFromOrders(from: CustomersFromOrders): string {
  const count = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'customer' : 'customers'}`;
  const byId = (n: number) => (n === 1 ? '1 by their id' : `${n.toLocaleString('en-US')} by their id`);
  const named =
    from.namedFrom === undefined
      ? 'named by their id'
      : from.namedById === 0
        ? `named from ${from.namedFrom}`
        : `named from ${from.namedFrom} (${byId(from.namedById)}: none of their orders names them)`;
  return `customers: no customers file, so ${count(from.customers)} taken from ${from.file}, ${named}, ${from.customers === 1 ? 'given' : 'each given'} to ${from.owner} (defaultOwner)`;
}
