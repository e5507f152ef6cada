import { open } from 'node:fs/promises';
import { likeliestHeader } from './feedColumns';
import type { FeedEngine } from './feedEngine';
import { sqlName, sqlString } from './feedEngine';

/**
 * A CSV export loaded into DuckDB as text: every field a VARCHAR, rows in file order (rowid), the
 * records DuckDB cannot split into the header's fields kept aside with DuckDB's reason.
 *
 * The delimiter comes from the header line (the one line every feed file must have): the most
 * frequent of `,` `;` tab `|` outside quotes. Quoting is the usual `"`-doubling. DuckDB's own
 * sniffer was tried for both: on a comma file with one unterminated quote it chose `|` and no
 * quoting, which turns a broken row into a whole file of wrong values.
 */
export const DELIMITERS = [',', ';', '\t', '|'] as const;

export interface CsvHeader {
  names: string[];
  delimiter: string;
  /** Physical lines before the header line: blank lines, and an accounting report's title lines. */
  skip: number;
  /** Lines with text above the header line (a report's title), for the report's notes. */
  titleLines: number;
}

/** Splits one CSV record's text into fields (`"` quoting, `""` inside quotes). */
export function splitRecord(text: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

/** How many lines with text above the header are looked through for it (a report's title and notes). */
const HEADER_SEARCH_LINES = 20;

/** A line of a file with text in it, and the number of physical lines before it. */
interface LeadingLine {
  text: string;
  before: number;
}

/**
 * The first lines of a UTF-8 file (BOM dropped) that are not blank, up to `count`; none when the
 * file has no text but spaces and line breaks. Lines of spaces are passed over (DuckDB rejects them
 * as records of one field); a line of tabs is not, as in a tab-separated file it is a record.
 */
async function leadingLines(path: string, count: number): Promise<LeadingLine[]> {
  const handle = await open(path, 'r');
  let text = '';
  let ended = false;
  try {
    const buffer = Buffer.alloc(1 << 16);
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) {
        ended = true;
        break;
      }
      position += bytesRead;
      text += buffer.subarray(0, bytesRead).toString('utf8');
      const complete = text
        .replace(/^\ufeff/, '')
        .split(/\r\n|\r|\n/)
        .slice(0, -1);
      if (complete.filter((line) => /[^ ]/.test(line)).length >= count) break;
      if (position > 1 << 22) break; // a 4 MB header: take it as it is
    }
  } finally {
    await handle.close();
  }
  const lines = text.replace(/^\ufeff/, '').split(/\r\n|\r|\n/);
  // The last piece is a whole line only at the end of the file (or of the 4 MB read).
  if (!ended && lines.length > 1) lines.pop();
  const found: LeadingLine[] = [];
  lines.forEach((line, before) => {
    if (found.length < count && /[^ ]/.test(line)) found.push({ text: line, before });
  });
  // A file of nothing but whitespace is empty, however many lines it has.
  return found.length === 1 && found[0].text.trim() === '' ? [] : found;
}

/** Counts `ch` outside double quotes. */
function countOutsideQuotes(text: string, ch: string): number {
  let n = 0;
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === ch) n++;
  }
  return n;
}

/** A line read as a header: its delimiter (the most frequent of DELIMITERS) and its names. */
function headerOf(line: string): { names: string[]; delimiter: string } {
  let delimiter: string = DELIMITERS[0];
  let most = 0;
  for (const candidate of DELIMITERS) {
    const n = countOutsideQuotes(line, candidate);
    if (n > most) {
      most = n;
      delimiter = candidate;
    }
  }
  return { names: splitRecord(line, delimiter), delimiter };
}

/**
 * The header's names and the file's delimiter; undefined for an empty file. The header is the first
 * line with text that `isHeader` takes (it has the feed's columns) among the first lines: the lines
 * above it are an accounting report's title, date range or company name. When none is taken, the
 * line with the most names is the header (likeliestHeader), and the missing columns are reported on it.
 */
export async function readCsvHeader(
  path: string,
  isHeader: (names: string[]) => boolean = () => true,
): Promise<CsvHeader | undefined> {
  const lines = await leadingLines(path, HEADER_SEARCH_LINES);
  if (lines.length === 0) return undefined;
  const headers = lines.map((line) => headerOf(line.text).names);
  const taken = headers.findIndex(isHeader);
  const at = taken >= 0 ? taken : likeliestHeader(headers);
  return { ...headerOf(lines[at].text), skip: lines[at].before, titleLines: at };
}

/** One record DuckDB rejected, with its line as DuckDB counts lines (see recordLines.ts). */
export interface RejectedRecord {
  duckLine: number;
  errorType: string;
  message: string;
  /** Fields the record has, when the error is about the count. */
  found: number | null;
}

/**
 * Loads the CSV at `path` (UTF-8) into `table`, keeping the columns `keep` (as c<i>, i their place in
 * the header; a wide export's other columns are parsed, not stored), the header as rowid 0, and
 * returns the rejected records. Quoted line breaks, doubled quotes, CRLF and a BOM are read as any
 * export writes them; blank lines are passed over.
 */
/**
 * The longest record read (a 16 MB note in a quoted field is read, not rejected). DuckDB reads its
 * buffer of the file, by default 16 times this, on one thread: a 700 MB orders file was parsed in
 * buffers of 256 MB, a 70 MB one on one thread. Buffers of one record's size are parsed in
 * parallel (on 2 cores about half the wall time, the same CPU time).
 */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

export async function loadCsv(
  engine: FeedEngine,
  path: string,
  header: CsvHeader,
  table: string,
  keep: readonly number[],
): Promise<RejectedRecord[]> {
  const columns = header.names.map((_, i) => `${sqlString(`c${i}`)}: 'VARCHAR'`).join(', ');
  const rejectsTable = `${table}_rejects`;
  const scanTable = `${table}_scans`;
  await engine.run(`
    CREATE OR REPLACE TABLE ${sqlName(table)} AS
    SELECT ${keep.map((i) => `c${i}`).join(', ')} FROM read_csv(${sqlString(path)},
      auto_detect = false, header = false, columns = {${columns}},
      delim = ${sqlString(header.delimiter)}, quote = '"', escape = '"', skip = ${header.skip},
      strict_mode = true, null_padding = false,
      max_line_size = ${MAX_RECORD_BYTES}, buffer_size = ${MAX_RECORD_BYTES},
      store_rejects = true, rejects_table = ${sqlString(rejectsTable)}, rejects_scan = ${sqlString(scanTable)})`);
  const rows = await engine.rows(
    `SELECT line, error_type::VARCHAR, error_message FROM ${sqlName(rejectsTable)} ORDER BY line`,
  );
  await engine.run(
    `DROP TABLE IF EXISTS ${sqlName(rejectsTable)}; DROP TABLE IF EXISTS ${sqlName(scanTable)}`,
  );
  return rows.map(([line, type, message]) => {
    const found = /Found: (\d+)/.exec(String(message));
    return {
      duckLine: Number(line),
      errorType: String(type),
      message: String(message),
      found: found ? Number(found[1]) : null,
    };
  });
}
