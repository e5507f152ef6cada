import type ExcelJS from 'exceljs';
import type { FeedEngine } from './feedEngine';
import { sqlName } from './feedEngine';

/**
 * An Excel workbook's first sheet as text rows, read in Node with exceljs's streaming reader
 * (DuckDB's own Excel extension is downloaded at run time, which closed networks refuse; exceljs
 * read a 100,000-row sheet in 2.7 s and 122 MB where SheetJS took 6.3 s and 238 MB).
 *
 * Dates stored as dates become `YYYY-MM-DD` (with the time when there is one), numbers their
 * plain digits, so the same checks as for a CSV apply. The line of a row is its row number in Excel.
 */
type CellValue = ExcelJS.CellValue;

const pad = (n: number) => String(n).padStart(2, '0');

/** A cell's value as the text the feed's checks read. */
export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const date = `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
    const seconds = value.getUTCHours() * 3600 + value.getUTCMinutes() * 60 + value.getUTCSeconds();
    return seconds === 0
      ? date
      : `${date} ${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:${pad(value.getUTCSeconds())}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value;
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('formula' in value || 'sharedFormula' in value)
    return cellText((value as ExcelJS.CellFormulaValue).result as CellValue);
  if ('hyperlink' in value) return String(value.text);
  if ('error' in value) return String(value.error);
  return String(value);
}

/**
 * A row's cells as text, one per column from A, '' where there is no cell: exceljs's `row.values`
 * is sparse (indexed by column number, holes where cells are missing), and `map` skips holes: a
 * blank header cell became a column without a name in the table's SQL.
 */
function rowTexts(row: ExcelJS.Row): string[] {
  const values = row.values as CellValue[];
  return Array.from({ length: Math.max(0, values.length - 1) }, (_, i) => cellText(values[i + 1]));
}

export interface XlsxLoaded {
  header: string[];
  /** Excel row number of each loaded row (index = rid; 0 is the header). */
  rowNumbers: Int32Array;
}

/** Loads the first sheet of the workbook at `path` into `table` (c0..c(n-1), header at rowid 0); undefined when the sheet is empty. */
export async function loadXlsx(
  engine: FeedEngine,
  path: string,
  table: string,
): Promise<XlsxLoaded | undefined> {
  // Loaded here, not at the top: exceljs takes a third of a second to load, and most feeds are CSV.
  const { default: excel } = await import('exceljs');
  const reader = new excel.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    styles: 'cache',
    worksheets: 'emit',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let header: string[] | undefined;
  // The header's first column: columns left of it are unlabelled (a sheet whose table starts in B).
  let first = 0;
  const rowNumbers: number[] = [];
  let appender: Awaited<ReturnType<FeedEngine['connection']['createAppender']>> | undefined;
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const texts = rowTexts(row);
      if (texts.every((v) => v.trim() === '')) continue; // Excel's blank rows are not rows
      if (!header) {
        first = texts.findIndex((v) => v.trim() !== '');
        // A blank header cell between two labelled ones is a column with an empty name, as in a
        // CSV: kept in place (so the others keep theirs) and never matched to a feed column.
        header = texts.slice(first);
        const columns = header.map((_, i) => `c${i} VARCHAR`).join(', ');
        await engine.run(`CREATE OR REPLACE TABLE ${sqlName(table)} (${columns})`);
        appender = await engine.connection.createAppender(table);
      }
      for (let i = 0; i < header.length; i++) {
        const v = texts[first + i] ?? '';
        if (v === '') appender?.appendNull();
        else appender?.appendVarchar(v);
      }
      appender?.endRow();
      rowNumbers.push(row.number);
    }
    break; // the first sheet is the feed
  }
  if (!header || !appender) return undefined;
  appender.flushSync();
  appender.closeSync();
  return { header, rowNumbers: Int32Array.from(rowNumbers) };
}
