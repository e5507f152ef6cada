import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import Papa from 'papaparse';
import { generateLargeFeed } from './generateLargeFeed';

/**
 * csv-parse against papaparse on a large orders.csv, streaming, each handing every record to a
 * callback as an array of strings (what the feed reader needs). Also checks each one on the awkward
 * cases a real export has: a BOM, CRLF, quoted commas, quoted newlines, a multi-byte character split
 * across chunks.
 */
type RecordSink = (fields: string[]) => void;
type StreamParser = (input: Readable, sink: RecordSink) => Promise<void>;

const parsers: Record<string, StreamParser> = {
  'csv-parse': async (input, sink) => {
    await pipeline(
      input,
      parse({
        bom: true,
        relax_column_count: true,
        on_record: (record: string[]) => {
          sink(record);
          return null;
        },
      }),
    );
  },
  'papaparse (step)': (input, sink) =>
    new Promise((resolve, reject) => {
      Papa.parse<string[]>(input as unknown as File, {
        delimiter: ',',
        step: (result) => sink(result.data),
        complete: () => resolve(),
        error: reject,
      });
    }),
  'papaparse (chunk)': (input, sink) =>
    new Promise((resolve, reject) => {
      Papa.parse<string[]>(input as unknown as File, {
        delimiter: ',',
        chunk: (result) => {
          for (const row of result.data) sink(row);
        },
        complete: () => resolve(),
        error: reject,
      });
    }),
};

const TRICKY = '\ufeffid,name,amount\r\n1,"Cafe, Ltd",3\r\n2,"two\r\nlines",4\r\n3,Café Ü,5\r\n';
const TRICKY_EXPECTED = [
  ['id', 'name', 'amount'],
  ['1', 'Cafe, Ltd', '3'],
  ['2', 'two\r\nlines', '4'],
  ['3', 'Café Ü', '5'],
];

type TrickyVerdict = 'right' | 'right once the BOM is stripped' | 'wrong';

/** Whether the parser gives exactly the expected records, with the input split mid-character. */
async function handlesTricky(parser: StreamParser): Promise<TrickyVerdict> {
  const bytes = Buffer.from(TRICKY, 'utf8');
  const cut = bytes.indexOf(Buffer.from('é')) + 1;
  const records: string[][] = [];
  // A text stream, as the feed reader would give it (decoded by a StringDecoder).
  const input = Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]).setEncoding('utf8');
  await parser(input, (r) => records.push(r));
  const got = records.filter((r) => !(r.length === 1 && r[0] === ''));
  const expected = JSON.stringify(TRICKY_EXPECTED);
  if (JSON.stringify(got) === expected) return 'right';
  // papaparse strips a BOM only from string input, not streams; the feed reader strips it itself.
  if (got.length > 0) got[0] = [got[0][0].replace(/^\ufeff/, ''), ...got[0].slice(1)];
  return JSON.stringify(got) === expected ? 'right once the BOM is stripped' : 'wrong';
}

export interface ParserFigure {
  parser: string;
  rows: number;
  ms: number;
  rowsPerSecond: number;
  bomCrlfQuotedCommasAndNewlines: TrickyVerdict;
}

/** Times every parser on `ordersCsv` (generated with 2M rows into a temp dir when omitted). */
export async function benchCsvParsers(ordersCsv?: string): Promise<ParserFigure[]> {
  const tempDir = ordersCsv ? undefined : await mkdtemp(join(tmpdir(), 'csv-bench-'));
  try {
    const path =
      ordersCsv ??
      (await generateLargeFeed(tempDir as string, { customers: 100_000, orders: 2_000_000 })).orders;
    const figures: ParserFigure[] = [];
    for (const [name, parser] of Object.entries(parsers)) {
      let rows = 0;
      let chars = 0;
      const started = performance.now();
      await parser(createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 }), (r) => {
        rows++;
        chars += r[0].length;
      });
      const ms = performance.now() - started;
      if (chars === 0) throw new Error(`${name} read no data`);
      figures.push({
        parser: name,
        rows,
        ms: Math.round(ms),
        rowsPerSecond: Math.round(rows / (ms / 1000)),
        bomCrlfQuotedCommasAndNewlines: await handlesTricky(parser),
      });
    }
    return figures;
  } finally {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchCsvParsers(process.argv[2]).then(
    (figures) => console.table(figures),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
