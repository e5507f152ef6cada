import { createReadStream } from 'node:fs';

/**
 * Physical line numbers of CSV records, for the report: DuckDB numbers the rows it keeps (rowid)
 * and gives each rejected record a line that counts blank lines but not the line breaks inside
 * quoted fields. One pass over the bytes tells both apart; it runs only when a problem needs a line.
 */
export interface RecordLineRequest {
  /** Kept records wanted, by their index among kept records (the header is 0). */
  keptIndices: readonly number[];
  /** Rejected records, by the line DuckDB gave them. */
  rejectedLines: ReadonlySet<number>;
}

export interface RecordLines {
  /** Kept record index -> physical line it starts on. */
  kept: Map<number, number>;
  /**
   * Kept record index -> the part file it is in, where the feed file is a folder of Parquet parts
   * (`orders/part-00001-....parquet`): its line is then the part's.
   */
  files?: Map<number, string>;
  /** DuckDB's line of a rejected record -> its physical first and last line and its fields. */
  rejected: Map<number, RejectedSpan>;
}

/**
 * Where a rejected record is in the file, and how many fields it has: DuckDB's message counts a
 * record's fields up to the first one too many ("Found: 5" for six), and when it reads a file in
 * parallel, some records' in full.
 */
export interface RejectedSpan {
  first: number;
  last: number;
  fields: number;
  /** The part file it is in, where the feed file is a folder of CSV parts: its lines are then the part's. */
  file?: string;
  /** Text follows a closing quote (`"Acme" Ltd`), which DuckDB also calls an unterminated quote. */
  textAfterQuote?: boolean;
}

const QUOTE = 0x22;
const SPACE = 0x20;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Scans a UTF-8 CSV (quote `"`, fields separated by `delimiter`, one ASCII character) and returns
 * the physical lines asked for; the `skip` lines before the header (a report's title) hold no records.
 */
export async function recordLines(
  path: string,
  request: RecordLineRequest,
  skip = 0,
  delimiter = ',',
): Promise<RecordLines> {
  const separator = delimiter.charCodeAt(0);
  const wanted = new Set(request.keptIndices);
  const result: RecordLines = { kept: new Map(), rejected: new Map() };
  let remaining = wanted.size + request.rejectedLines.size;
  if (remaining === 0) return result;
  let physical = 1; // line being read
  let duck = 1; // DuckDB's count: unquoted line breaks only
  let inQuotes = false;
  // A quote opens a field's quotes only at its start or after one space there (`C-3, "Acme"`), as
  // DuckDB reads it: the inch mark of `Acme 12" Records` is text, and taken for an opening quote
  // it ran every later line together.
  let fieldStart = true;
  let spaced = false; // the field so far is one space
  let justClosed = false; // the byte before closed quotes: a quote now is a doubled one
  let recordEmpty = true; // nothing read yet in this record
  let recordFirstLine = 1;
  let recordDuckLine = 1;
  let fields = 1;
  let textAfterQuote = false;
  let keptIndex = 0;
  let previousCr = false;
  const endRecord = (lastLine: number) => {
    if (recordEmpty) return; // a blank line is not a record
    if (recordFirstLine <= skip) return; // a title line above the header
    if (request.rejectedLines.has(recordDuckLine)) {
      const span: RejectedSpan = { first: recordFirstLine, last: lastLine, fields };
      if (textAfterQuote) span.textAfterQuote = true;
      result.rejected.set(recordDuckLine, span);
      remaining--;
    } else {
      if (wanted.has(keptIndex)) {
        result.kept.set(keptIndex, recordFirstLine);
        remaining--;
      }
      keptIndex++;
    }
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const bytes = chunk as Buffer;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === LF && previousCr) {
        previousCr = false;
        continue; // the LF of a CRLF: already counted
      }
      previousCr = b === CR;
      if (b === LF || b === CR) {
        physical++;
        if (inQuotes) continue;
        endRecord(physical - 1);
        duck++;
        recordEmpty = true;
        if (remaining === 0) return result;
        continue;
      }
      if (recordEmpty) {
        recordEmpty = false;
        recordFirstLine = physical;
        recordDuckLine = duck;
        fields = 1;
        fieldStart = true;
        spaced = false;
        justClosed = false;
        textAfterQuote = false;
      }
      const closes = inQuotes && b === QUOTE;
      if (closes) inQuotes = false;
      else if (b === QUOTE && (fieldStart || spaced || justClosed)) inQuotes = true;
      else if (b === separator && !inQuotes) fields++;
      else if (justClosed) textAfterQuote = true;
      justClosed = closes;
      spaced = fieldStart && b === SPACE;
      fieldStart = b === separator && !inQuotes;
    }
  }
  // The last record, when the file does not end with a line break (or a quote runs to the end).
  endRecord(inQuotes ? physical - 1 : physical);
  return result;
}
