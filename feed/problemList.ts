import type { RejectedRecord } from './csvSource';
import type { FeedEngine } from './feedEngine';
import { sqlName } from './feedEngine';
import { type FileReport, PROBLEM_DETAIL_LIMIT, ProblemLog } from './feedReport';
import type { FeedSource } from './feedSource';
import type { RejectedSpan } from './recordLines';

/**
 * One file's report from its problems table (rid, kind, reason, ref) and the records DuckDB could
 * not split: every problem counted per kind, the first ones listed with their physical line. Lines
 * are found only for the rows listed (one pass over the file, and only when there is a problem).
 */
interface Listed {
  line: number;
  kind: string;
  reason: string;
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
    const hint = found > columns ? ` (an unquoted ${what} in a value?)` : '';
    return {
      kind: 'wrong number of fields',
      reason: `has ${found} fields, the header has ${columns}${hint}`,
    };
  }
  if (r.errorType === 'UNQUOTED VALUE') {
    const what = /unterminated/i.test(r.message)
      ? 'Quoted field unterminated'
      : 'a quote inside an unquoted value';
    const lines =
      span && span.last > span.first ? ` (lines ${span.first}-${span.last} read as one record)` : '';
    return { kind: 'broken quotes', reason: `broken quotes: ${what}${lines}` };
  }
  if (r.errorType === 'LINE SIZE OVER MAXIMUM')
    return { kind: 'line too long', reason: 'line too long (over 16 MB)' };
  return { kind: r.errorType.toLowerCase(), reason: r.message };
}

/** The report of `source`, whose row problems are in `problemsTable`; refs of "customer skipped" are lines of `customers`. */
export async function reportFile(
  engine: FeedEngine,
  source: FeedSource,
  problemsTable: string,
  customers: FeedSource,
  mergedLines = 0,
): Promise<FileReport> {
  const table = sqlName(problemsTable);
  const counts = await engine.rows(`SELECT kind, count(*), min(rid) FROM ${table} GROUP BY kind ORDER BY 3`);
  // The first rows of each kind: a file's one wrong date must not hide behind a thousand rows of
  // another kind (orders after an earlier as-of date).
  const rows = await engine.rows(
    `SELECT rid, kind, reason, ref FROM ${table} QUALIFY row_number() OVER (PARTITION BY kind ORDER BY rid) <= ${PROBLEM_DETAIL_LIMIT} ORDER BY rid`,
  );
  const rejected = source.rejected.slice(0, PROBLEM_DETAIL_LIMIT);
  const ownRefs = rows
    .filter((r) => r[3] !== null && String(r[1]) !== 'customer skipped')
    .map((r) => Number(r[3]));
  const customerRefs = rows.filter((r) => String(r[1]) === 'customer skipped').map((r) => Number(r[3]));
  const lines = await source.lines({
    keptIndices: [...rows.map((r) => Number(r[0])), ...ownRefs],
    rejectedLines: new Set(rejected.map((r) => r.duckLine)),
  });
  const customerLines =
    customerRefs.length > 0
      ? (await customers.lines({ keptIndices: customerRefs, rejectedLines: new Set() })).kept
      : new Map();
  const listed: Listed[] = rows.map(([rid, kind, reason, ref]) => {
    const refLine =
      ref === null
        ? undefined
        : (String(kind) === 'customer skipped' ? customerLines : lines.kept).get(Number(ref));
    return {
      line: lines.kept.get(Number(rid)) ?? -1,
      kind: String(kind),
      reason: String(reason)
        .replace('{ref}', String(refLine ?? '?'))
        .replace('{customers}', customers.file),
    };
  });
  for (const r of rejected) {
    const span = lines.rejected.get(r.duckLine);
    listed.push({
      line: span?.first ?? r.duckLine,
      ...rejectedProblem(r, source.header.length, source.delimiter, span),
    });
  }
  listed.sort((a, b) => a.line - b.line);

  const log = new ProblemLog(source.file);
  log.rowsRead = source.rows + source.rejected.length;
  log.notes.push(...source.notes);
  log.mergedLines = mergedLines;
  log.rowsLeftOut = source.rowsLeftOut ?? 0;
  for (const p of listed) log.skip(p.line, p.kind, p.reason);
  const shownPerKind = new Map<string, number>();
  for (const p of listed) shownPerKind.set(p.kind, (shownPerKind.get(p.kind) ?? 0) + 1);
  const totals = new Map<string, number>(counts.map(([kind, n]) => [String(kind), Number(n)]));
  for (const r of source.rejected) {
    const { kind } = rejectedProblem(r, source.header.length, source.delimiter, undefined);
    totals.set(kind, (totals.get(kind) ?? 0) + 1);
  }
  for (const [kind, total] of totals) log.countUnlisted(kind, total - (shownPerKind.get(kind) ?? 0));
  return log.report();
}
