import { join } from 'node:path';
import type { FeedFormats } from '../rules/feedFormats';
import { joinCsvParts, loadCsv, partLines, type RejectedRecord, readCsvHeader } from './csvSource';
import type { FeedEngine } from './feedEngine';
import { sqlName, sqlString } from './feedEngine';
import { FeedError } from './feedError';
import type { FeedFile } from './feedFiles';
import { readUnpacked, unpackFeedFile } from './packedFile';
import { type RecordLineRequest, type RecordLines, recordLines } from './recordLines';
import { convertToUtf8, settleEncoding } from './textEncoding';
import { loadXlsx, type SheetLabel, textShapedNumbers, WorkbookError } from './xlsxSource';

/**
 * One feed file loaded into DuckDB as text, whatever its format: a table whose rowid 0 holds the
 * header and rowids 1.. the data rows in file order, columns c0..c(n-1) VARCHAR. It also knows the
 * line each row came from (for the report), the records that could not be split into fields, and
 * what was settled about the file (delimiter, encoding) for the report's notes.
 */
export interface FeedSource {
  file: string;
  table: string;
  header: string[];
  /** The CSV's delimiter; undefined for Parquet and Excel. */
  delimiter?: string;
  rejected: RejectedRecord[];
  /** Data rows loaded (rejected records not included). */
  rows: number;
  notes: string[];
  /** True for a workbook, whose date cells may hold Excel's date serial as a number. */
  serialDates?: boolean;
  /**
   * For a workbook, whose number cells read as numbers, its table of text cells shaped like a number
   * cell's text (textShapedNumbers): `1.201` typed as text reads as a text file's `1.201` does.
   */
  textShapedNumbers?: string;
  /**
   * For Parquet, the headers of its text columns: an amount there is text as a tool kept it
   * (`1.200,50` from a `;` file read without its decimal comma), whose mark must be settled.
   */
  textHeaders?: readonly string[];
  /** Rows left out as orders never placed (by their status), counted apart from bad rows. */
  rowsLeftOut?: number;
  /** Of `notes`, those that say what was left out of the orders or taken off them (noteFigures). */
  figureNotes?: string[];
  /** Physical lines of loaded rows (by rowid) and of rejected records (by DuckDB's line). */
  lines(request: RecordLineRequest): Promise<RecordLines>;
}

const describeDelimiter = (d: string) => (d === '\t' ? 'tab' : `"${d}"`);

/**
 * Loads `file` into table `table`; throws FeedError for an empty file (no header at all) and for a
 * file that cannot be read (not a workbook, not a Parquet file, a folder, no permission).
 */
export async function loadSource(...args: Parameters<typeof loadFile>): Promise<FeedSource> {
  const [engine, file, table, formats, workDir, ...rest] = args;
  // Errors name the file as the user knows it (`orders.zip › orders.csv`), never the unpacked copy.
  let plain = file;
  try {
    plain = await unpackFeedFile(file, workDir, table);
    return await loadFile(engine, plain, table, formats, workDir, ...rest);
  } catch (error) {
    throw readError(plain, error);
  }
}

/** DuckDB's CSV reader on a file whose lines end both in CRLF and in LF. */
const MIXED_LINE_BREAKS = /CSV Parser state machine reached an invalid state/;

// DuckDB's errors about the bytes it was given; a Parser, Binder or Catalog error is about the SQL.
const DUCKDB_READ_ERROR = /^(?:IO|Invalid Input|Invalid) Error: ([^\n]*)/;

/**
 * An error of reading `file` as a FeedError naming it (the weekly run stops cleanly on one, the
 * CLI exits with 2); any other error, a bug rather than the file, is returned as it is.
 */
function readError(file: FeedFile, error: unknown): unknown {
  if (error instanceof FeedError) return error;
  const fail = (message: string) => new FeedError('unreadable_file', message, file.name);
  if (error instanceof WorkbookError)
    return fail(`${file.name} is not an Excel workbook (${error.message}).`);
  const system = error as NodeJS.ErrnoException;
  if (system.code === 'EISDIR') return fail(`${file.name} is a folder, not a file.`);
  if (typeof system.code === 'string' && system.path === file.path)
    return fail(`${file.name} cannot be read (${system.message.replaceAll(file.path, file.name)}).`);
  const duckdb = error instanceof Error ? DUCKDB_READ_ERROR.exec(error.message) : null;
  if (!duckdb) return error;
  // A part of a folder is named by its path in the folder, `orders/part-00001-....parquet`.
  const reason = duckdb[1].replaceAll(`${file.path}/`, file.name).replaceAll(file.path, file.name);
  if (file.format !== 'parquet') return fail(`${file.name} cannot be read as a CSV file (${reason}).`);
  // A Parquet file whose text is in another encoding (a legacy writer's Windows-1252) is Parquet still.
  return fail(
    /Invalid string encoding/.test(reason)
      ? `${file.name} holds text that is not UTF-8 (${reason}): write it again with its text as UTF-8.`
      : file.parts
        ? `${file.name} holds a part file that is not Parquet, or parts that do not fit together (${reason}).`
        : `${file.name} is not a Parquet file (${reason}).`,
  );
}

async function loadFile(
  engine: FeedEngine,
  file: FeedFile,
  table: string,
  formats: FeedFormats,
  workDir: string,
  expectedHeader: string,
  /** The columns the feed reads, by place in the header (throws FeedError when one is missing). */
  keep: (header: string[]) => number[],
): Promise<FeedSource> {
  // A row is the header when it has the feed's columns: rows above it are a report's title.
  const isHeader = (names: string[]) => {
    try {
      keep(names);
      return true;
    } catch (error) {
      if (error instanceof FeedError && error.code === 'missing_column') return false;
      return true;
    }
  };
  const titleNote = (lines: number, header: number) =>
    `header on line ${header}: the ${lines === 1 ? 'line' : `${lines} lines`} above it (a title?) not read`;
  const empty = () =>
    new FeedError(
      'empty_file',
      `${file.name} is empty: expected a header line like "${expectedHeader}"`,
      file.name,
    );
  if (file.format === 'csv') {
    const notes: string[] = [];
    // A folder of CSV parts is read as the one file they make, each part's lines its own.
    const unpacked = { label: file.name, bytes: 0 };
    const raw = file.parts ? join(workDir, `${table}.parts.csv`) : file.path;
    const csvParts = file.parts
      ? await joinCsvParts(
          file.parts.map((part) => ({
            name: partName(file, part),
            read: () => readUnpacked(part, partName(file, part), { soFar: unpacked }),
          })),
          raw,
        )
      : undefined;
    if (csvParts)
      notes.push(`read from ${csvParts.length} CSV part ${csvParts.length === 1 ? 'file' : 'files'}`);
    const encoding = await settleEncoding(raw, file.name, formats.encoding);
    let path = raw;
    if (encoding.encoding !== 'utf-8') {
      path = join(workDir, `${table}.csv`);
      await convertToUtf8(raw, encoding.encoding, path);
      const why = encoding.how === 'detected' ? 'not valid UTF-8' : encoding.how;
      notes.push(`read as ${encoding.encoding === 'windows-1252' ? 'Windows-1252' : 'UTF-16'} (${why})`);
    }
    const header = await readCsvHeader(path, isHeader);
    if (!header) throw empty();
    if (header.titleLines > 0) notes.push(titleNote(header.titleLines, header.skip + 1));
    if (header.delimiter !== ',') notes.push(`fields separated by ${describeDelimiter(header.delimiter)}`);
    const load = () => loadCsv(engine, path, header, table, keep(header.names));
    const rejected = dedupeByLine(
      await load().catch(async (error: unknown) => {
        // Lines ending both in CRLF and in LF (a header written on Linux above rows cut from a
        // Windows export, or two exports joined) stop DuckDB's reader: read a copy with LF alone.
        if (!(error instanceof Error && MIXED_LINE_BREAKS.test(error.message))) throw error;
        const lf = join(workDir, `${table}.lf.csv`);
        await convertToUtf8(path, 'utf-8', lf, { crlfToLf: true });
        path = lf;
        notes.push('lines end both in CRLF and in LF (files joined?): read alike');
        return load();
      }),
    );
    const rows = await countRows(engine, table);
    return {
      file: file.name,
      table,
      header: header.names,
      delimiter: header.delimiter,
      rejected,
      rows,
      notes,
      lines: async (request) => {
        const lines = await recordLines(path, request, header.skip, header.delimiter);
        return csvParts ? partLines(lines, csvParts) : lines;
      },
    };
  }
  if (file.format === 'parquet') {
    const paths = file.parts ?? [file.path];
    // Hive, Impala and older Spark store text as binary without Parquet's UTF-8 mark, which DuckDB
    // reads as BLOB and casts to text as escaped bytes ("Caf\xC3\xA9"): read as the text it is.
    // A folder's parts are read as one table, a column missing from some parts empty there; the
    // `key=value` folders of a partitioned table are its columns, as text (`customer_id=00042` is
    // "00042", not 42). The feed's own folder is no partition, whatever its path.
    const partitioned =
      file.parts?.some((part) => /[\\/][^\\/=]+=[^\\/]*[\\/]/.test(part.slice(file.path.length))) ?? false;
    const scan = `read_parquet([${paths.map(sqlString).join(', ')}], binary_as_string = true, hive_partitioning = ${partitioned}${file.parts ? ', hive_types_autocast = false, union_by_name = true' : ''})`;
    const described = await engine.rows(`DESCRIBE SELECT * FROM ${scan}`);
    const names = described.map((r) => String(r[0]));
    const types = described.map((r) => String(r[1]));
    if (names.length === 0) throw empty();
    const kept = keep(names);
    await engine.run(
      `CREATE OR REPLACE TABLE ${sqlName(table)} (${kept.map((i) => `c${i} VARCHAR`).join(', ')})`,
    );
    await engine.run(
      `INSERT INTO ${sqlName(table)} VALUES (${kept.map((i) => sqlString(names[i])).join(', ')})`,
    );
    const casts = kept.map((i) => parquetText(sqlName(names[i]), types[i])).join(', ');
    await engine.run(`INSERT INTO ${sqlName(table)} SELECT ${casts} FROM ${scan}`);
    const rows = await countRows(engine, table);
    const parts = file.parts ? await partStarts(engine, file.parts, file) : undefined;
    if (parts && parts.at(-1)?.end !== rows + 1)
      throw new Error(
        `${file.name}: ${rows} rows loaded, the parts' metadata says ${(parts.at(-1)?.end ?? 1) - 1}`,
      );
    return {
      file: file.name,
      table,
      header: names,
      rejected: [],
      rows,
      textHeaders: kept.filter((i) => types[i] === 'VARCHAR').map((i) => names[i]),
      notes: parts ? [`read from ${parts.length} Parquet part ${parts.length === 1 ? 'file' : 'files'}`] : [],
      // A Parquet file has no lines: row N of the data is reported as line N + 1, as if its column
      // names were line 1, and so is row N of a part file, named with its path in the folder.
      lines: async ({ keptIndices }) => {
        if (!parts) return { kept: new Map(keptIndices.map((rid) => [rid, rid + 1])), rejected: new Map() };
        const partOf = (rid: number) => parts.find((part) => rid < part.end) ?? parts[parts.length - 1];
        return {
          kept: new Map(keptIndices.map((rid) => [rid, rid - partOf(rid).start + 2])),
          files: new Map(keptIndices.map((rid) => [rid, partOf(rid).name])),
          rejected: new Map(),
        };
      },
    };
  }
  const loaded = await loadXlsx(engine, file.path, table, isHeader);
  if (!loaded) throw empty();
  const sheetName = (sheet: SheetLabel) =>
    'name' in sheet ? JSON.stringify(sheet.name) : String(sheet.number);
  const read = loaded.sheet;
  return {
    file: file.name,
    table,
    header: loaded.header,
    rejected: [],
    rows: loaded.rowNumbers.length - 1,
    serialDates: true,
    textShapedNumbers: textShapedNumbers(table),
    notes: [
      ...(loaded.readHidden && read
        ? [`read from hidden sheet ${sheetName(read.at)}: no sheet shown has the feed's columns`]
        : []),
      ...(read && !read.first && !loaded.readHidden
        ? [`read from sheet ${sheetName(read.at)}: the sheets before it lack the feed's columns`]
        : []),
      // A hidden sheet is not what the user sees: the shown one is read, the hidden one named.
      ...loaded.hiddenSheets.map(
        (sheet) =>
          `hidden sheet ${sheetName(sheet)} has the feed's columns too and was not read: the sheet shown, ${read ? sheetName(read.at) : '1'}, is`,
      ),
      ...(loaded.titleRows > 0 ? [titleNote(loaded.titleRows, loaded.rowNumbers[0])] : []),
      // The first sheet in the file, which is not always the first tab: name the one read.
      ...loaded.unreadSheets.map(
        (sheet) =>
          `sheet ${sheetName(sheet)} has the feed's columns too and was not read: only sheet ${read ? sheetName(read.at) : '1'} is (put the rows of every sheet on one)`,
      ),
    ],
    lines: async ({ keptIndices }) => ({
      kept: new Map(keptIndices.map((rid) => [rid, loaded.rowNumbers[rid]])),
      rejected: new Map(),
    }),
  };
}

/**
 * The rows of each part of a folder, as rowids of the loaded table (its first, and the one after its
 * last), from the parts' own row counts: DuckDB reads a list of files into a table in the list's
 * order. `name` is the part's path as the report gives it (`orders/part-00001-....parquet`).
 */
async function partStarts(
  engine: FeedEngine,
  parts: string[],
  file: FeedFile,
): Promise<{ name: string; start: number; end: number }[]> {
  const counts = await engine.rows(
    `SELECT file_name, num_rows FROM parquet_file_metadata([${parts.map(sqlString).join(', ')}])`,
  );
  const rowsOf = new Map(counts.map(([name, n]) => [String(name), Number(n)]));
  let start = 1;
  return parts.map((part) => {
    const end = start + (rowsOf.get(part) ?? 0);
    const range = { name: partName(file, part), start, end };
    start = end;
    return range;
  });
}

/** A part of a folder as the report names it, by its path in the folder (`orders/part-00001-....parquet`). */
const partName = (file: FeedFile, part: string) => `${file.name}${part.slice(file.path.length + 1)}`;

/** Integers a DOUBLE holds exactly (2^53). */
const EXACT_INTEGERS = 9007199254740992;

/**
 * SQL: a Parquet column's value as the text the feed's checks read. pandas writes a column of
 * integer ids with one missing as float64, whose text is `17850.0`: a float holding a whole number
 * reads as that integer, so that it matches the same id in a customers file that typed it as one.
 */
function parquetText(column: string, type: string): string {
  if (type !== 'DOUBLE' && type !== 'FLOAT') return `CAST(${column} AS VARCHAR)`;
  return `CASE WHEN isfinite(${column}) AND ${column} = trunc(${column}) AND abs(${column}) < ${EXACT_INTEGERS} THEN CAST(${column}::BIGINT AS VARCHAR) ELSE CAST(${column} AS VARCHAR) END`;
}

/** Data rows in a loaded table (the header row not counted). */
async function countRows(engine: FeedEngine, table: string): Promise<number> {
  const [[n]] = await engine.rows(`SELECT count(*) FROM ${sqlName(table)}`);
  return Math.max(0, Number(n) - 1);
}

/** DuckDB may list several errors for one record: one record, one problem. */
function dedupeByLine(rejected: RejectedRecord[]): RejectedRecord[] {
  const seen = new Set<number>();
  return rejected.filter((r) => !seen.has(r.duckLine) && seen.add(r.duckLine));
}
