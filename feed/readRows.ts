import { readCsvRecords } from './csvRecords';
import { type ColumnSpec, resolveColumns } from './feedColumns';
import { FeedError } from './feedError';
import type { ProblemLog } from './feedReport';
import { fieldCountProblem, fieldsByColumn } from './recordFields';

/**
 * Reads one feed file's data rows as text fields by column name: finds the columns in the header
 * (FeedError when one is missing or the file has no header), counts every row, and skips with a
 * reported problem the records that cannot be a row at all (broken quotes, wrong field count).
 */
export async function readRows<C extends string>(
  path: string,
  spec: ColumnSpec<C>,
  mapping: Partial<Record<C, string | undefined>> | undefined,
  log: ProblemLog,
  onRow: (row: Record<C, string>, line: number) => void,
  onRowRead: () => void,
): Promise<void> {
  let headerLength = -1;
  let rowOf: ((fields: string[]) => Record<C, string>) | undefined;
  await readCsvRecords(path, (fields, line, brokenQuotes) => {
    if (rowOf === undefined) {
      rowOf = fieldsByColumn(resolveColumns(spec, fields, mapping));
      headerLength = fields.length;
      return;
    }
    log.rowsRead++;
    onRowRead();
    if (brokenQuotes !== undefined) {
      log.skip(line, 'broken quotes', `broken quotes: ${brokenQuotes}`);
      return;
    }
    const countProblem = fieldCountProblem(fields, headerLength);
    if (countProblem !== undefined) {
      log.skip(line, 'wrong number of fields', countProblem);
      return;
    }
    onRow(rowOf(fields), line);
  });
  if (rowOf === undefined) {
    const columns = [...spec.required, ...(spec.optional ?? [])].join(',');
    throw new FeedError(
      'empty_file',
      `${spec.file} is empty: expected a header line like "${columns}"`,
      spec.file,
    );
  }
}
