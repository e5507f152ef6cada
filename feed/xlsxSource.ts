import { open } from 'node:fs/promises';
import type ExcelJS from 'exceljs';
import { likeliestHeader } from './feedColumns';
import type { FeedEngine } from './feedEngine';
import { sqlName } from './feedEngine';
import { CELL_NUMBER } from './valueFormats';

/**
 * An Excel workbook's sheet (the first with the feed's header) as text rows, read in Node with exceljs's streaming reader
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
  // A text cell whose shared string was never read: the part is missing, or exceljs's streaming
  // reader lost it. Read on, every such cell would be the text "[object Object]".
  if ('sharedString' in value) throw new SharedStringsLost();
  return String(value);
}

const isFormula = (value: CellValue): value is ExcelJS.CellFormulaValue | ExcelJS.CellSharedFormulaValue =>
  typeof value === 'object' && value !== null && ('formula' in value || 'sharedFormula' in value);

/**
 * A formula cell's text: the result saved with it, as the cell holds it (the formula's `value`
 * leaves out a result that is falsy, which made a total of 0 read as empty). A column filled down
 * with one formula is saved by Excel as a shared formula, its cells below the first with no formula
 * text of their own: exceljs's streaming reader keeps such a cell's value as a plain object, whose
 * result only that object holds (`cell.result` is undefined there). A formula saved with no result
 * (by a script or library that does not calculate) reads as the formula, `=D2*E2`: read as empty,
 * an amount would be "missing" and a monthly value silently derived instead. openpyxl saves such a
 * formula with an empty value (`<v></v>`), which exceljs parses as NaN: no result either (an error
 * Excel saved is text here, see errorCellsAsText).
 */
function formulaText(
  cell: ExcelJS.Cell,
  value: ExcelJS.CellFormulaValue | ExcelJS.CellSharedFormulaValue,
): string {
  const result = cell.result ?? value.result;
  return result === undefined || Number.isNaN(result)
    ? `=${'formula' in value ? value.formula : ''}`
    : cellText(result as CellValue);
}

/** A number format's parts, for zeroPadded: a digit (`0`) or literal text. */
type PaddedFormat = (string | 0)[];
const paddedFormats = new Map<string, PaddedFormat | null>();

/**
 * The parts of a number format made of zeros and literal text only (`00000`, `000-00-0000`,
 * `"C-"0000`), or null for any other (decimals, thousands, `#`, `@`, sections, colours).
 */
function paddedFormat(format: string): PaddedFormat | null {
  const parts: PaddedFormat = [];
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch === '0') parts.push(0);
    else if (ch === '\\' && i + 1 < format.length) parts.push(format[++i]);
    else if (ch === '"') {
      const end = format.indexOf('"', i + 1);
      if (end < 0) return null;
      parts.push(format.slice(i + 1, end));
      i = end;
    } else if ('- ()'.includes(ch)) parts.push(ch);
    else return null;
  }
  return parts.filter((part) => part === 0).length > 1 ? parts : null;
}

/**
 * A whole number as a number format of zeros shows it (`42` formatted `00000` shows `00042`), or
 * undefined when the format does more than pad (it is read as the number). Excel drops the zeros
 * typed before a number, so an id column is formatted `00000` (Excel's own Zip Code format, or a
 * custom one) to show them: read as `42`, the id would not match the `00042` another system's
 * export has as text. Digits beyond the format's zeros go in its first, as Excel shows them.
 */
function zeroPadded(value: number, format: string | undefined): string | undefined {
  if (format === undefined || !Number.isSafeInteger(value) || value < 0) return undefined;
  let parts = paddedFormats.get(format);
  if (parts === undefined) {
    parts = paddedFormat(format);
    paddedFormats.set(format, parts);
  }
  if (parts === null) return undefined;
  const zeros = parts.filter((part) => part === 0).length;
  const digits = String(value).padStart(zeros, '0');
  // The first zero shows every digit beyond the format's others; each later one, one digit.
  let at = 0;
  let shown = '';
  for (const part of parts) {
    if (part !== 0) shown += part;
    else {
      const end = at === 0 ? digits.length - zeros + 1 : at + 1;
      shown += digits.slice(at, end);
      at = end;
    }
  }
  return shown;
}

/**
 * A row's cells as text, one per column from A, '' where there is no cell (exceljs's `row.values` is
 * sparse, and `map` skips its holes). A number is read as its format shows it where the format pads
 * it with zeros (zeroPadded). `textCells` gets the columns (from 0) whose cell holds text.
 */
function rowTexts(row: ExcelJS.Row, textCells?: (column: number) => void): string[] {
  const texts: string[] = [];
  row.eachCell((cell, column) => {
    const value = cell.value;
    const held = isFormula(value) ? (cell.result ?? value.result) : value;
    if (typeof held === 'string' || (typeof held === 'object' && held !== null && !(held instanceof Date)))
      textCells?.(column - 1);
    texts[column - 1] = isFormula(value)
      ? formulaText(cell, value)
      : ((typeof value === 'number' ? zeroPadded(value, cell.numFmt) : undefined) ?? cellText(value));
  });
  return Array.from(texts, (text) => text ?? '');
}

/** A text cell's text that reads as a number cell's would (`1.201`): the feed must not take it for one. */
const NUMBER_SHAPED = new RegExp(`^(?:${CELL_NUMBER})$`);

/**
 * Keeps the texts of a sheet's text cells shaped like a number cell's text (textShapedNumbers), by
 * column of the table: a number cell carries no decimal mark and reads as its number, while text typed
 * as `1.201` by a German export means 1,201 and must be read as a CSV's column reads it. Few cells are
 * such text: they are kept in memory and written once the sheet is read.
 */
class NumberShapedTexts {
  private readonly seen = new Set<string>();
  readonly rows: [number, string][] = [];
  add(column: number, text: string): void {
    const trimmed = text.trim();
    const key = `${column}\u0000${trimmed}`;
    // Whole numbers (`17850`, an account number typed as text) read alike either way.
    if (!/[.e]/.test(trimmed) || !NUMBER_SHAPED.test(trimmed) || this.seen.has(key)) return;
    this.seen.add(key);
    this.rows.push([column, trimmed]);
  }
}

const ERROR_CELL = /(<c\s[^>]*?\st=)(["'])e\2/g;

/**
 * A sheet's XML with its error cells (`<c t="e">`) marked as text cells (`t="str"`), so an error
 * reads as what Excel shows (`#DIV/0!`): exceljs's streaming reader parses the error a formula left
 * as a number (NaN) and drops it, and the cell read as empty ("missing"). The text is cut before a
 * `<`, so a tag is never split between two pieces (nor is a character).
 */
export async function* errorCellsAsText(
  xml: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  for await (const chunk of xml) {
    const text = rest + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    const cut = Math.max(0, text.lastIndexOf('<'));
    rest = text.slice(cut);
    yield text.slice(0, cut).replace(ERROR_CELL, '$1$2str$2');
  }
  yield (rest + decoder.decode()).replace(ERROR_CELL, '$1$2str$2');
}

/** Why a workbook cannot be read, in words for its FeedError (which names the file). */
export class WorkbookError extends Error {}

/** The workbook's shared strings (its cells' text) were not read when a sheet was. */
class SharedStringsLost extends WorkbookError {
  constructor() {
    super(
      "its cells' text, kept in the workbook's shared strings, could not be read: open it in Excel and save it again, or save it as CSV",
    );
  }
}

/**
 * Reads of a workbook before its shared strings are taken as missing. exceljs's streaming reader
 * keeps a sheet stored before the shared strings in a temporary file until it has read them, and
 * now and then loses a part stored after it (a race in its unzipping: 1 read in 40 of Excel's own
 * part order, four reads at a time): read again, it reads whole.
 */
const SHARED_STRINGS_READS = 3;

/**
 * The sheet's XML, passed on as it is, failing when it stops before its end: exceljs reads a cut
 * sheet (a broken copy) up to the cut without an error, which would lose the rows after it.
 */
async function* wholeSheet(xml: AsyncIterable<string>): AsyncGenerator<string> {
  let ended = false;
  for await (const piece of xml) {
    ended ||= /<\/(?:\w+:)?worksheet>/.test(piece);
    yield piece;
  }
  if (!ended) throw new WorkbookError('its sheet stops before its end: an incomplete copy?');
}

/** An error exceljs threw on the workbook, as a WorkbookError; a file system error stays as it is. */
function workbookError(error: unknown): unknown {
  if (error instanceof WorkbookError || typeof (error as NodeJS.ErrnoException).code === 'string')
    return error;
  const message = error instanceof Error ? error.message : String(error);
  return new WorkbookError(
    message === 'FILE_ENDED' ? 'it ends early: an incomplete copy or download?' : message,
  );
}

/** `items` as exceljs produces them, an error in producing one thrown as what it says about the workbook. */
async function* fromWorkbook<T>(items: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = items[Symbol.asyncIterator]();
  let done = false;
  try {
    for (;;) {
      let next: IteratorResult<T>;
      try {
        next = await iterator.next();
      } catch (error) {
        done = true;
        throw workbookError(error);
      }
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) await iterator.return?.();
  }
}

/**
 * Checks the file starts as an .xlsx (a zip archive) does, before exceljs opens it: exceljs's own
 * stream errors (a missing file, a folder) are not passed to the reader but thrown where nothing
 * catches them, which ends the process. False for an empty file.
 */
async function startsAsWorkbook(path: string): Promise<boolean> {
  const head = Buffer.alloc(4);
  const handle = await open(path, 'r');
  try {
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    if (bytesRead === 0) return false;
  } finally {
    await handle.close();
  }
  if (head.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return true;
  // Excel 97-2003 (.xls) and password-protected workbooks are both OLE2 compound files.
  if (head.equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0])))
    throw new WorkbookError(
      "it is in Excel's older (.xls) or password-protected format: save it as an .xlsx workbook without a password, or as CSV",
    );
  throw new WorkbookError('it is not a zip archive, which every .xlsx file is');
}

/**
 * The table of a loaded workbook's text cells shaped like a number cell's text (`1.201`): `col`, the
 * column (c0 is 0), and `v`, the text trimmed, once each.
 */
export const textShapedNumbers = (table: string) => `${table}_text_numbers`;

/** A sheet by its name, or by its place in the file when the workbook's list of sheets comes after it. */
export type SheetLabel = { name: string } | { number: number };

export interface XlsxLoaded {
  header: string[];
  /** Rows with text above the header (a report's title), not read. */
  titleRows: number;
  /**
   * The sheet read, when it has the feed's columns: its name, or its place in the file when the
   * workbook's list of sheets comes after it; `first` unless sheets before it lack the columns.
   */
  sheet?: { at: SheetLabel; first: boolean };
  /** Sheets after the one read that have the feed's header too (a year per sheet): not read. */
  unreadSheets: SheetLabel[];
  /** Hidden sheets that have the feed's header, not read as a visible sheet has it. */
  hiddenSheets: SheetLabel[];
  /** The sheet read is hidden: no visible sheet has the feed's header. */
  readHidden: boolean;
  /** Excel row number of each loaded row (index = rid; 0 is the header). */
  rowNumbers: Int32Array;
}

/** How many rows with text are looked through for the header (a report's title and notes above it). */
const HEADER_SEARCH_ROWS = 20;

/**
 * Loads the first sheet of the workbook at `path` that has the feed's header into `table`
 * (c0..c(n-1), header at rowid 0); undefined when the workbook has no row with text. The header is
 * the first row with text that `isHeader` takes among a sheet's first rows (those above it are a
 * report's title); a workbook whose summary or notes sheet comes first is read from the sheet after
 * it. When no sheet has it, the first sheet's row with the most names is the header. A file that is not
 * a workbook, or a broken one, throws WorkbookError.
 */
export async function loadXlsx(
  engine: FeedEngine,
  path: string,
  table: string,
  isHeader: (names: string[]) => boolean = () => true,
): Promise<XlsxLoaded | undefined> {
  if (!(await startsAsWorkbook(path))) return undefined;
  // Hidden sheets are read only when no visible one has the feed's header: what the user sees is
  // the feed (a hidden sheet first in the file holds last year's list, or a lookup's copy of it).
  let readHidden = false;
  for (let read = 1; ; read++) {
    try {
      const loaded = await readWorkbook(engine, path, table, isHeader, readHidden);
      if (loaded !== 'only hidden sheets have the header') return loaded;
      readHidden = true;
      read = 0;
    } catch (error) {
      if (!(error instanceof SharedStringsLost) || read === SHARED_STRINGS_READS) throw error;
    }
  }
}

/** A sheet the workbook hides (Excel's Hide, or hidden by a macro). */
const isHidden = (sheet: unknown) => {
  const { state } = sheet as { state?: string };
  return state === 'hidden' || state === 'veryHidden';
};

/** loadXlsx's one read of the workbook, once it is known to start as one. */
async function readWorkbook(
  engine: FeedEngine,
  path: string,
  table: string,
  isHeader: (names: string[]) => boolean,
  readHidden: boolean,
): Promise<XlsxLoaded | undefined | 'only hidden sheets have the header'> {
  // Loaded here, not at the top: exceljs takes a third of a second to load, and most feeds are CSV.
  const { default: excel } = await import('exceljs');
  const reader = new excel.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    styles: 'cache',
    worksheets: 'emit',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  // exceljs names a worksheet from the workbook's list of sheets, and reads that list as
  // undefined when the zip has a worksheet before xl/workbook.xml with the shared strings already
  // read (the order is the writer's: exceljs itself writes it either way). An empty list until then
  // leaves such a sheet its default name instead of stopping the read.
  const early = reader as unknown as { model?: { sheets?: unknown[] } };
  early.model ??= { sheets: [] };
  let header: string[] | undefined;
  // The header's first column: columns left of it are unlabelled (a sheet whose table starts in B).
  let first = 0;
  let titleRows = 0;
  const rowNumbers: number[] = [];
  let appender: Awaited<ReturnType<FeedEngine['connection']['createAppender']>> | undefined;
  // Rows with text read while the header is looked for, with the columns whose cells hold text.
  const pending: { texts: string[]; number: number; textColumns: number[] }[] = [];
  const shaped = new NumberShapedTexts();
  const appendRow = (texts: string[], number: number, textColumns: number[]) => {
    for (let i = 0; i < (header?.length ?? 0); i++) {
      const v = texts[first + i] ?? '';
      if (v === '') appender?.appendNull();
      else appender?.appendVarchar(v);
    }
    for (const column of textColumns)
      if (column >= first && column < first + (header?.length ?? 0))
        shaped.add(column - first, texts[column]);
    appender?.endRow();
    rowNumbers.push(number);
  };
  /** Makes pending row `at` the header (rowid 0), the rows after it data. */
  const startTable = async (at: number) => {
    const { texts } = pending[at];
    first = texts.findIndex((v) => v.trim() !== '');
    titleRows = at;
    // A blank header cell between two labelled ones is a column with an empty name, as in a
    // CSV: kept in place (so the others keep theirs) and never matched to a feed column.
    header = texts.slice(first);
    const columns = header.map((_, i) => `c${i} VARCHAR`).join(', ');
    await engine.run(`CREATE OR REPLACE TABLE ${sqlName(table)} (${columns})`);
    appender = await engine.connection.createAppender(table);
    for (const row of pending.slice(at)) appendRow(row.texts, row.number, row.textColumns);
    pending.length = 0;
  };
  let sheets = 0;
  // The first sheet's first rows, taken for the table when no sheet has the feed's header.
  let firstSheet: typeof pending | undefined;
  let sheetRead: XlsxLoaded['sheet'];
  const unreadSheets: XlsxLoaded['unreadSheets'] = [];
  const hiddenSheets: XlsxLoaded['hiddenSheets'] = [];
  // Sheets read through without the feed's header (a summary or notes sheet before the feed's).
  let lacking = 0;
  const sheetOf = (sheet: unknown): SheetLabel =>
    (early.model?.sheets?.length ?? 0) > 0 ? { name: (sheet as { name: string }).name } : { number: sheets };
  try {
    for await (const sheet of fromWorkbook(reader)) {
      sheets++;
      // The sheet's XML, parsed as its rows are read (a property exceljs does not declare).
      const xml = sheet as unknown as { iterator: AsyncIterable<Buffer | string> };
      xml.iterator = wholeSheet(errorCellsAsText(xml.iterator));
      pending.length = 0;
      let looking = true;
      const passedOver = header ? unreadSheets : !readHidden && isHidden(sheet) ? hiddenSheets : undefined;
      if (passedOver) {
        // The feed is read from an earlier sheet, or this one is hidden: one with its header is
        // named in the report, so that a workbook kept a year per sheet does not lose its other
        // years without a word.
        let rows = 0;
        for await (const row of fromWorkbook(sheet)) {
          if (!looking) continue;
          const texts = rowTexts(row);
          const start = texts.findIndex((v) => v.trim() !== '');
          if (start < 0) continue;
          if (isHeader(texts.slice(start))) {
            passedOver.push(sheetOf(sheet));
            looking = false;
          } else if (++rows >= HEADER_SEARCH_ROWS) looking = false;
        }
        continue;
      }
      for await (const row of fromWorkbook(sheet)) {
        // A sheet without the header in its first rows is read through: the next one follows it.
        if (!looking) continue;
        const textColumns: number[] = [];
        const texts = rowTexts(row, (column) => textColumns.push(column));
        if (texts.every((v) => v.trim() === '')) continue; // Excel's blank rows are not rows
        if (header) {
          appendRow(texts, row.number, textColumns);
          continue;
        }
        pending.push({ texts, number: row.number, textColumns });
        if (isHeader(texts.slice(texts.findIndex((v) => v.trim() !== ''))))
          await startTable(pending.length - 1);
        else if (pending.length >= HEADER_SEARCH_ROWS) looking = false;
      }
      // The first sheet with the feed's header is the feed.
      if (header) sheetRead = { at: sheetOf(sheet), first: lacking === 0 };
      if (!header) {
        firstSheet ??= [...pending];
        lacking++;
      }
    }
  } catch (error) {
    // A read that fails leaves no appender on the table the next read replaces.
    appender?.closeSync();
    throw error;
  }
  if (sheets === 0) throw new WorkbookError('it is a zip archive without a worksheet');
  if (!header && hiddenSheets.length > 0) return 'only hidden sheets have the header';
  if (!header && firstSheet && firstSheet.length > 0) {
    // No sheet has the feed's columns: the first sheet's row with the most names is its header,
    // and the read stops naming the columns it lacks.
    pending.splice(0, pending.length, ...firstSheet);
    await startTable(likeliestHeader(pending.map((row) => row.texts)));
  }
  if (!header || !appender) return undefined;
  appender.flushSync();
  appender.closeSync();
  await engine.run(`CREATE OR REPLACE TABLE ${sqlName(textShapedNumbers(table))} (col INTEGER, v VARCHAR)`);
  if (shaped.rows.length > 0) {
    const texts = await engine.connection.createAppender(textShapedNumbers(table));
    for (const [column, text] of shaped.rows) {
      texts.appendInteger(column);
      texts.appendVarchar(text);
      texts.endRow();
    }
    texts.flushSync();
    texts.closeSync();
  }
  return {
    header,
    titleRows,
    sheet: sheetRead,
    unreadSheets,
    hiddenSheets,
    readHidden,
    rowNumbers: Int32Array.from(rowNumbers),
  };
}
