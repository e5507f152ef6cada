import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { likeliestHeader } from './feedColumns';
import type { FeedEngine } from './feedEngine';
import { sqlName, sqlString } from './feedEngine';
import { FeedError } from './feedError';
import type { RecordLines } from './recordLines';
import { countLineBreaks } from './textEncoding';

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
  /**
   * The same lines as DuckDB's `skip` counts them, as records: a title cell of two lines in quotes
   * (a spreadsheet's, saved as CSV) is one, and skipping `skip` would skip the header and a row too.
   */
  skipRecords: number;
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
async function leadingLines(
  path: string,
  count: number,
): Promise<{ found: LeadingLine[]; lines: string[]; bom: boolean }> {
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
  return {
    found: found.length === 1 && found[0].text.trim() === '' ? [] : found,
    lines,
    bom: text.startsWith('\ufeff'),
  };
}

/**
 * How many records `lines` hold as DuckDB splits them: a quote opens a field only at its start (or
 * after one space there, as recordLines.ts reads it), a line break inside one continues the record, and a blank line is a record. DuckDB's `skip` takes a
 * byte-order mark for the first field's text (as Excel's "CSV UTF-8" writes it before a quoted
 * title), so after `bom` a quote opening the first line opens nothing.
 */
function recordsIn(lines: readonly string[], delimiter: string, bom: boolean): number {
  let records = 0;
  let quoted = false;
  for (const [at, line] of lines.entries()) {
    if (!quoted) records++;
    let fieldStart = !quoted && !(bom && at === 0);
    let spaced = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') i++;
        else if (ch === '"') quoted = false;
      } else if (ch === '"' && (fieldStart || spaced)) quoted = true;
      spaced = fieldStart && ch === ' ';
      fieldStart = !quoted && ch === delimiter;
    }
  }
  return records;
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
  const { found, lines, bom } = await leadingLines(path, HEADER_SEARCH_LINES);
  if (found.length === 0) return undefined;
  const headers = found.map((line) => headerOf(line.text).names);
  const taken = headers.findIndex(isHeader);
  const at = taken >= 0 ? taken : likeliestHeader(headers);
  const header = headerOf(found[at].text);
  const skip = found[at].before;
  return {
    ...header,
    skip,
    skipRecords: recordsIn(lines.slice(0, skip), header.delimiter, bom),
    titleLines: at,
  };
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
      delim = ${sqlString(header.delimiter)}, quote = '"', escape = '"', skip = ${header.skipRecords},
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

/** Where a part of a folder of CSV parts begins in the file they are joined into. */
export interface JoinedPart {
  /** The part as the report names it (`orders/part-00001-....csv`). */
  name: string;
  /** The joined file's line of the part's first line after its header (of the header for the first part). */
  firstLine: number;
  /** What to take off a joined file's line for the part's own. */
  offset: number;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Writes the CSV parts (`read` opens each one's bytes, unpacked) one after another to `out`, each
 * part's header line left out but the first's, and returns where each begins. Every part's header
 * must be the first's: a part with another is a FeedError naming it (the parts are one table, and
 * its rows would be read under the wrong columns). Empty parts (Spark writes one per empty task)
 * add nothing.
 */
export async function joinCsvParts(
  parts: readonly { name: string; read: () => Readable }[],
  out: string,
): Promise<JoinedPart[]> {
  const output = createWriteStream(out);
  const written = { lines: 0, last: LF };
  const write = async (bytes: Buffer) => {
    if (bytes.length === 0) return;
    // Line breaks as recordLines counts them: LF, CR, and CRLF as one. Most parts have no CR.
    if (bytes.indexOf(CR) < 0 && written.last !== CR) written.lines += countLineBreaks(bytes);
    else {
      let previous = written.last;
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i];
        if (b === CR || (b === LF && previous !== CR)) written.lines++;
        previous = b;
      }
    }
    written.last = bytes[bytes.length - 1];
    if (!output.write(bytes)) await once(output, 'drain');
  };
  const joined: JoinedPart[] = [];
  let header: string | undefined;
  let firstName = '';
  try {
    for (const part of parts) {
      let head = Buffer.alloc(0);
      let headerRead = false;
      for await (const chunk of part.read()) {
        if (headerRead) {
          await write(chunk as Buffer);
          continue;
        }
        head = Buffer.concat([head, chunk as Buffer]);
        const end = head.findIndex((b) => b === LF || b === CR);
        // A CR at the end of what is read may be half a CRLF: wait for the next byte.
        if (end < 0 || (head[end] === CR && end + 1 === head.length)) continue;
        const first = header === undefined;
        await begin(head.subarray(0, end), part.name);
        await write(first ? head : head.subarray(end + (head[end] === CR && head[end + 1] === LF ? 2 : 1)));
        headerRead = true;
      }
      // A part of a header alone, with no line break after it.
      if (!headerRead && head.length > 0) {
        const first = header === undefined;
        await begin(head.subarray(0, head[head.length - 1] === CR ? -1 : head.length), part.name);
        if (first) await write(head);
      }
    }
  } finally {
    output.end();
    await once(output, 'finish');
  }
  return joined;

  /** Checks a part's header line against the first part's and notes where its rows begin. */
  async function begin(line: Buffer, name: string): Promise<void> {
    const text = line.toString('utf8').replace(/^\ufeff/, '');
    if (header === undefined) {
      header = text;
      firstName = name;
      joined.push({ name, firstLine: 1, offset: 0 });
      return;
    }
    if (text !== header)
      throw new FeedError(
        'unreadable_file',
        `${name} has another header than ${firstName} ("${text.slice(0, 200)}" against "${header.slice(0, 200)}"): the parts of a folder are one table. Write them again together.`,
        name,
      );
    // The part's rows start on a line of their own.
    if (written.last !== LF && written.last !== CR) await write(Buffer.from('\n'));
    joined.push({ name, firstLine: written.lines + 1, offset: written.lines - 1 });
  }
}

/** `lines` of the file the parts were joined into, as lines of each part, named by it. */
export function partLines(lines: RecordLines, parts: readonly JoinedPart[]): RecordLines {
  const partOf = (line: number) => {
    let at = 0;
    while (at + 1 < parts.length && parts[at + 1].firstLine <= line) at++;
    return parts[at];
  };
  const files = new Map<number, string>();
  const kept = new Map<number, number>();
  for (const [index, line] of lines.kept) {
    const part = partOf(line);
    kept.set(index, line - part.offset);
    files.set(index, part.name);
  }
  const rejected = new Map(
    [...lines.rejected].map(([duckLine, span]) => {
      const part = partOf(span.first);
      return [
        duckLine,
        { ...span, first: span.first - part.offset, last: span.last - part.offset, file: part.name },
      ];
    }),
  );
  return { kept, files, rejected };
}
