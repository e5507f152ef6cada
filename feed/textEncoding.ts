import { isUtf8 } from 'node:buffer';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { FeedError } from './feedError';

/**
 * The text encodings a CSV export comes in: UTF-8 (with or without a byte-order mark), UTF-16
 * (with its byte-order mark) and Windows-1252 (Excel's "CSV" on a Western European Windows). DuckDB
 * reads UTF-8, so other files are converted to a UTF-8 copy first; nothing is ever replaced by "�".
 */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** What the rules file may declare (`formats.encoding`). */
export type DeclaredEncoding = 'utf-8' | 'utf-16' | 'windows-1252';

const CHUNK = 1 << 20;

/** The encoding a byte-order mark announces, if the file starts with one. */
function bomEncoding(head: Buffer): TextEncoding | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** Bytes at the end of `chunk` that start a UTF-8 sequence the chunk does not finish (0 to 3). */
function unfinishedTail(chunk: Buffer): number {
  for (let back = 1; back <= Math.min(3, chunk.length); back++) {
    const byte = chunk[chunk.length - back];
    if ((byte & 0xc0) !== 0x80) {
      const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
      return length > back ? back : 0;
    }
  }
  return 0;
}

/** Line feeds in `buffer` (indexOf is native; a byte loop in JavaScript cost more than the UTF-8 check). */
export function countLineBreaks(buffer: Buffer): number {
  let count = 0;
  for (let at = buffer.indexOf(0x0a); at >= 0; at = buffer.indexOf(0x0a, at + 1)) count++;
  return count;
}

/** Line breaks in the file's first `bytes` bytes (read again: only a file that is not UTF-8 needs it). */
async function lineBreaksBefore(path: string, bytes: number): Promise<number> {
  if (bytes === 0) return 0;
  let count = 0;
  for await (const read of createReadStream(path, { highWaterMark: CHUNK, start: 0, end: bytes - 1 }))
    count += countLineBreaks(read as Buffer);
  return count;
}

/** The first invalid UTF-8 position in the file as a line number, or undefined when it is all valid UTF-8. */
async function firstInvalidUtf8Line(path: string): Promise<number | undefined> {
  let carry = Buffer.alloc(0);
  // Lines are counted only once the file turns out not to be UTF-8: a valid file (nearly every
  // feed) costs one native check per chunk.
  let offset = 0;
  for await (const read of createReadStream(path, { highWaterMark: CHUNK })) {
    const chunk = carry.length > 0 ? Buffer.concat([carry, read as Buffer]) : (read as Buffer);
    const tail = unfinishedTail(chunk);
    const whole = chunk.subarray(0, chunk.length - tail);
    if (!isUtf8(whole)) {
      // Find the line: decode up to the first bad byte.
      const text = new TextDecoder('utf-8').decode(whole);
      const bad = text.indexOf('\ufffd');
      const within = text.slice(0, Math.max(0, bad)).match(/\n/g)?.length ?? 0;
      return 1 + (await lineBreaksBefore(path, offset)) + within;
    }
    offset += whole.length;
    carry = Buffer.from(chunk.subarray(chunk.length - tail));
  }
  return carry.length > 0 ? 1 + (await lineBreaksBefore(path, offset)) : undefined;
}

export interface EncodingDecision {
  encoding: TextEncoding;
  /** How it was settled, for the report ("detected: not valid UTF-8"). */
  how: 'byte-order mark' | 'declared' | 'detected' | 'default';
}

/**
 * Settles a file's encoding: a byte-order mark, else the declared one, else UTF-8 when every byte
 * is valid UTF-8 and Windows-1252 when not. A file declared UTF-8 that is not stops with the line.
 */
export async function settleEncoding(
  path: string,
  file: string,
  declared: DeclaredEncoding | undefined,
): Promise<EncodingDecision> {
  const head = Buffer.alloc(4);
  const stream = createReadStream(path, { start: 0, end: 3 });
  let got = 0;
  for await (const part of stream) {
    (part as Buffer).copy(head, got);
    got += (part as Buffer).length;
  }
  const bom = bomEncoding(head.subarray(0, got));
  if (bom) return { encoding: bom, how: 'byte-order mark' };
  if (declared === 'utf-16') return { encoding: 'utf-16le', how: 'declared' };
  if (declared === 'windows-1252') return { encoding: 'windows-1252', how: 'declared' };
  const invalidLine = await firstInvalidUtf8Line(path);
  if (invalidLine === undefined) return { encoding: 'utf-8', how: declared ? 'declared' : 'default' };
  if (declared === 'utf-8') {
    throw new FeedError(
      'unreadable_file',
      `${file} is declared UTF-8 (formats.encoding) but line ${invalidLine} is not valid UTF-8. Save it as UTF-8, or declare "windows-1252".`,
      file,
    );
  }
  return { encoding: 'windows-1252', how: 'detected' };
}

/**
 * A small text file (the rules file) read as the feed's files are: its byte-order mark, else UTF-8
 * when every byte is UTF-8, else Windows-1252 (Notepad's "ANSI" on a Western European Windows), so
 * a header such as "Eröffnet am" is never read as "Er\ufffdffnet am".
 */
export function decodeText(bytes: Buffer): string {
  const encoding = bomEncoding(bytes) ?? (isUtf8(bytes) ? 'utf-8' : 'windows-1252');
  return new TextDecoder(encoding).decode(bytes);
}

/**
 * Writes a UTF-8 copy of `path` (read as `encoding`) to `out`, line breaks kept as lines so line
 * numbers stay: as they are, or with `crlfToLf` each CRLF written as LF (a file whose lines end
 * both ways, which DuckDB's CSV reader refuses).
 */
export async function convertToUtf8(
  path: string,
  encoding: TextEncoding,
  out: string,
  { crlfToLf = false }: { crlfToLf?: boolean } = {},
): Promise<void> {
  const decoder = new TextDecoder(encoding);
  const output = createWriteStream(out);
  // A CR at the end of a chunk may be the first half of a CRLF split between two chunks.
  let held = '';
  const lines = (text: string, last = false) => {
    if (!crlfToLf) return text;
    const whole = held + text;
    held = !last && whole.endsWith('\r') ? '\r' : '';
    return (held ? whole.slice(0, -1) : whole).replaceAll('\r\n', '\n');
  };
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
    const text = lines(decoder.decode(chunk as Buffer, { stream: true }));
    if (!output.write(text)) await once(output, 'drain');
  }
  output.end(lines(decoder.decode(), true));
  await once(output, 'finish');
}
