import type { RejectedRecord } from './csvSource';
import type { FeedEngine } from './feedEngine';
import { sqlName, sqlString } from './feedEngine';
import { byPlace, type FileReport, PROBLEM_DETAIL_LIMIT, ProblemLog } from './feedReport';
import type { FeedSource } from './feedSource';
import type { RecordLines, RejectedSpan } from './recordLines';

/**
 * One file's report from its problems table (rid, kind, reason, ref) and the records DuckDB could
 * not split: every problem counted per kind, the first ones listed with their physical line. Lines
 * are found only for the rows listed (one pass over the file, and only when there is a problem).
 */
interface Listed {
  line: number;
  /** The part file it is in, where the file is a folder of Parquet parts. */
  part?: string;
  kind: string;
  reason: string;
  /** The lines of one order it stands for (1 for a row of its own). */
  lines?: number;
}

/** The kind and words of a record DuckDB rejected. */
function rejectedProblem(
  r: RejectedRecord,
  columns: number,
  delimiter: string | undefined,
  span: RejectedSpan | undefined,
): Omit<Listed, 'line'> {
  if (r.errorType === 'MISSING COLUMNS' || r.errorType === 'TOO MANY COLUMNS') {
    const found = span?.fields ?? r.found ?? 0;
    const what =
      delimiter === ',' || delimiter === undefined ? 'comma' : delimiter === ';' ? 'semicolon' : 'delimiter';
    // A line of one field in a file of several columns, or of a tenth of a wide report's, is text,
    // not a broken row: an accounting report's footer under its totals (QuickBooks' `Accrual Basis
    // Monday, ...`), eBay's `20,record(s) downloaded,from Aug-01-26 to Nov-30-26`, or a note.
    const footer = found === 1 ? columns > 2 : found * 10 <= columns;
    const hint =
      found > columns
        ? ` (an unquoted ${what} in a value?)`
        : footer
          ? ` (a report's footer or a note: nothing to fix if it is)`
          : '';
    return {
      kind: 'wrong number of fields',
      reason: `has ${found} ${found === 1 ? 'field' : 'fields'}, the header has ${columns}${hint}`,
    };
  }
  if (r.errorType === 'UNQUOTED VALUE') {
    const what = !/unterminated/i.test(r.message)
      ? 'a quote inside an unquoted value'
      : span?.textAfterQuote && span.first === span.last
        ? 'text after a closing quote (a value holding quotes is quoted whole, each of its quotes doubled: `"Acme" Ltd` as `"""Acme"" Ltd"`)'
        : 'Quoted field unterminated';
    const lines =
      span && span.last > span.first ? ` (lines ${span.first}-${span.last} read as one record)` : '';
    return { kind: 'broken quotes', reason: `broken quotes: ${what}${lines}` };
  }
  if (r.errorType === 'LINE SIZE OVER MAXIMUM')
    return { kind: 'line too long', reason: 'line too long (over 16 MB)' };
  return { kind: r.errorType.toLowerCase(), reason: r.message };
}

/**
 * The report of `source`, whose row problems are in `problemsTable`; refs of "customer skipped" are
 * lines of `customers`. A problems table with an `order_id` column lists an order's lines that share
 * a problem once, on the first of them (`... (and 18 more lines of order "536544")`), and counts the
 * orders of each kind: a line-item export with 135,080 lines of 3,710 cash sales is 3,710 orders
 * to look at, and the first 20 listed are 20 of them, not 20 lines of the first.
 */
export async function reportFile(
  engine: FeedEngine,
  source: FeedSource,
  problemsTable: string,
  customers: FeedSource,
  mergedLines = 0,
): Promise<FileReport> {
  const table = sqlName(problemsTable);
  const [[hasOrders]] = await engine.rows(
    `SELECT count(*) FROM duckdb_columns() WHERE table_name = ${sqlString(problemsTable)} AND column_name = 'order_id'`,
  );
  // An empty order id is no order: each such line is its own.
  const orderId = Number(hasOrders) > 0 ? `NULLIF(order_id, '')` : 'NULL';
  // The lines of one order: its id, customer (its id as matched) and date as written (a duplicate id is another order).
  const order = `${orderId}, ${Number(hasOrders) > 0 ? 'order_customer, order_date, ' : ''}CASE WHEN ${orderId} IS NULL THEN rid END`;
  const counts = await engine.rows(
    `SELECT kind, count(*), min(rid), count(DISTINCT ${Number(hasOrders) > 0 ? '[order_id, order_customer, order_date]' : 'NULL'}) FILTER (WHERE ${orderId} IS NOT NULL) + count(*) FILTER (WHERE ${orderId} IS NULL) FROM ${table} GROUP BY kind ORDER BY 3`,
  );
  // The first rows of each kind: a file's one wrong date must not hide behind a thousand rows of
  // another kind (orders after an earlier as-of date).
  const rows = await engine.rows(`
    SELECT rid, kind, reason, ref, lines, ${Number(hasOrders) > 0 ? 'order_id' : 'NULL'} FROM (
      SELECT *, count(*) OVER (PARTITION BY kind, ${order}) AS lines FROM ${table}
      QUALIFY row_number() OVER (PARTITION BY kind, ${order} ORDER BY rid) = 1)
    QUALIFY row_number() OVER (PARTITION BY kind ORDER BY rid) <= ${PROBLEM_DETAIL_LIMIT} ORDER BY rid`);
  const rejected = source.rejected.slice(0, PROBLEM_DETAIL_LIMIT);
  const ownRefs = rows
    .filter((r) => r[3] !== null && String(r[1]) !== 'customer skipped')
    .map((r) => Number(r[3]));
  const customerRefs = rows.filter((r) => String(r[1]) === 'customer skipped').map((r) => Number(r[3]));
  const lines = await source.lines({
    keptIndices: [...rows.map((r) => Number(r[0])), ...ownRefs],
    rejectedLines: new Set(rejected.map((r) => r.duckLine)),
  });
  const customerLines: RecordLines =
    customerRefs.length > 0
      ? await customers.lines({ keptIndices: customerRefs, rejectedLines: new Set() })
      : { kept: new Map<number, number>(), rejected: new Map() };
  const listed: Listed[] = rows.map(([rid, kind, reason, ref, count, orderId]) => {
    const refLines = String(kind) === 'customer skipped' ? customerLines : lines;
    const refLine = ref === null ? undefined : refLines.kept.get(Number(ref));
    const refPart = ref === null ? undefined : refLines.files?.get(Number(ref));
    const more = Number(count) - 1;
    const part = lines.files?.get(Number(rid));
    return {
      line: lines.kept.get(Number(rid)) ?? -1,
      ...(part === undefined ? {} : { part }),
      kind: String(kind),
      reason:
        String(reason)
          .replace('{customers} line {ref}', `${refPart ?? customers.file} line ${refLine ?? '?'}`)
          .replace('line {ref}', `${refPart === undefined ? '' : `${refPart} `}line ${refLine ?? '?'}`) +
        (more > 0
          ? ` (and ${more.toLocaleString('en-US')} more ${more === 1 ? 'line' : 'lines'} of order ${JSON.stringify(String(orderId))})`
          : ''),
      lines: Number(count),
    };
  });
  for (const r of rejected) {
    const span = lines.rejected.get(r.duckLine);
    listed.push({
      line: span?.first ?? r.duckLine,
      ...(span?.file === undefined ? {} : { part: span.file }),
      ...rejectedProblem(r, source.header.length, source.delimiter, span),
    });
  }
  listed.sort(byPlace);

  const log = new ProblemLog(source.file);
  log.rowsRead = source.rows + source.rejected.length;
  log.notes.push(...source.notes);
  log.figureNotes.push(...(source.figureNotes ?? []));
  log.mergedLines = mergedLines;
  log.rowsLeftOut = source.rowsLeftOut ?? 0;
  for (const p of listed) log.skip(p.line, p.kind, p.reason, p.part, p.lines);
  const shownPerKind = new Map<string, number>();
  for (const p of listed) shownPerKind.set(p.kind, (shownPerKind.get(p.kind) ?? 0) + (p.lines ?? 1));
  // The lines a listed order stands for beyond its first are counted, not listed.
  for (const p of listed) log.countUnlisted(p.kind, (p.lines ?? 1) - 1);
  if (Number(hasOrders) > 0)
    for (const [kind, n, , orders] of counts)
      if (Number(orders) < Number(n)) log.ordersPerKind[String(kind)] = Number(orders);
  const totals = new Map<string, number>(counts.map(([kind, n]) => [String(kind), Number(n)]));
  for (const r of source.rejected) {
    const { kind } = rejectedProblem(r, source.header.length, source.delimiter, undefined);
    totals.set(kind, (totals.get(kind) ?? 0) + 1);
  }
  for (const [kind, total] of totals) log.countUnlisted(kind, total - (shownPerKind.get(kind) ?? 0));
  return log.report();
}
