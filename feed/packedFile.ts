import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createInflateRaw } from 'node:zlib';
import { FeedError } from './feedError';
import type { FeedFile } from './feedFiles';

/**
 * Feed files that arrive packed: gzipped (`orders.csv.gz`, to fit an upload) or in a zip (a web
 * shop's large export, or the whole feed in one). They are unpacked into the read's own temporary
 * folder before anything reads them, so the encoding check, the header search, the line numbers of
 * bad rows and DuckDB's parallel parse all see the plain file, as for one never packed. DuckDB reads
 * gzip itself, but only as a stream on one thread, and the other readers would each need it too.
 *
 * A zip's files are found from its central directory (at its end, where every zip lists each file's
 * name, method, sizes and place) and inflated by node:zlib. fflate, the zip library the project
 * packs the Teams app with, unzips either a whole file held in memory (an orders zip of a 20M-order
 * book is ~150 MB packed and ~780 MB unpacked, against a 1.5 GB heap) or as a stream that finds
 * where each entry ends, when its sizes follow its data (as Java and many shops write zips), by
 * searching the packed bytes for a signature, which a valid entry can hold by chance. It read a 180
 * MB export 1.6 to 3.5 times slower than zlib, and reads no encryption flag.
 */

/**
 * The most bytes one packed file may unpack to: 4 GiB, five times the largest orders file one
 * instance reads (777 MB at 20M orders, docs/scale.md). A few kilobytes of zip or gzip can unpack
 * to terabytes (a "zip bomb"); without a limit one would fill the instance's disk before any row
 * were read.
 */
const MAX_UNPACKED_BYTES = 4 * 1024 ** 3;

/** One file in a zip, from its central directory. */
export interface ZipEntry {
  /** Its path in the zip, `/`-separated (`orders.csv`, `export/orders.csv`). */
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

/** Whether a path (a zip entry's, a blob's name) leaves the folder it is written in (`../x.csv`, `/etc/x`, `C:\x`). */
export function escapesFolder(name: string): boolean {
  return /^([\\/]|[a-zA-Z]:)/.test(name) || name.split(/[\\/]/).includes('..');
}

/** Reads `length` bytes of the file at `position`. */
async function readAt(path: string, position: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * The files in the zip at `path` (folders left out), read from its central directory without
 * unpacking anything. `label` names the zip in errors: one that is not a zip, is encrypted, or holds
 * a path outside its folder (a zip made to write elsewhere when unpacked: it is refused whole).
 */
export async function zipEntries(path: string, label: string): Promise<ZipEntry[]> {
  const notZip = (why: string) =>
    new FeedError('unreadable_file', `${label} cannot be read as a zip file (${why}).`, label);
  const handle = await open(path, 'r');
  const size = (await handle.stat()).size;
  await handle.close();
  // The end record is the last 22 bytes, unless a comment (up to 64 KB) follows it.
  const tailStart = Math.max(0, size - (22 + 0xffff));
  const tail = await readAt(path, tailStart, size - tailStart);
  let end = -1;
  for (let at = tail.length - 22; at >= 0; at--)
    if (tail.readUInt32LE(at) === EOCD) {
      end = at;
      break;
    }
  if (end < 0) throw notZip('no zip directory at its end: not a zip, or cut short');
  let count = tail.readUInt16LE(end + 10);
  let directorySize = tail.readUInt32LE(end + 12);
  let directoryOffset = tail.readUInt32LE(end + 16);
  // A zip of more than 65,535 files or 4 GB keeps these in its ZIP64 end record.
  if (end >= 20 && tail.readUInt32LE(end - 20) === ZIP64_LOCATOR) {
    const recordOffset = Number(tail.readBigUInt64LE(end - 12));
    const record = recordOffset < size ? await readAt(path, recordOffset, 56) : Buffer.alloc(0);
    if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_END) throw notZip('its directory is damaged');
    count = Number(record.readBigUInt64LE(32));
    directorySize = Number(record.readBigUInt64LE(40));
    directoryOffset = Number(record.readBigUInt64LE(48));
  }
  // The sizes are the zip's own word: a few bytes stating a directory of gigabytes would have it
  // read into memory, so one that does not fit in the file is damaged.
  if (directoryOffset + directorySize > size) throw notZip('its directory is damaged');
  const directory = await readAt(path, directoryOffset, directorySize);
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL)
      throw notZip('its directory is damaged');
    const flags = directory.readUInt16LE(at + 8);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    // Bit 11: the name is UTF-8; otherwise the old DOS code page, which agrees on ASCII names.
    const name = directory
      .subarray(at + 46, at + 46 + nameLength)
      .toString(flags & 0x800 ? 'utf8' : 'latin1')
      .replaceAll('\\', '/');
    const entry = {
      name,
      method: directory.readUInt16LE(at + 10),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      localHeaderOffset: directory.readUInt32LE(at + 42),
    };
    readZip64Extra(directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), entry);
    at += 46 + nameLength + extraLength + commentLength;
    if (escapesFolder(name))
      throw new FeedError(
        'unreadable_file',
        `${label} holds "${name}", a path outside the folder it would be unpacked in: the zip is refused. Zip the export's files again from their own folder.`,
        label,
      );
    if (name.endsWith('/')) continue;
    if (flags & 0x1)
      throw new FeedError(
        'unreadable_file',
        `${label} is password-protected ("${name}" is encrypted): zip the export again without a password.`,
        label,
      );
    entries.push(entry);
  }
  return entries;
}

/** Sizes and offset too large for the central directory's 32 bits, from its ZIP64 extra field. */
function readZip64Extra(extra: Buffer, entry: ZipEntry): void {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let field = at + 4;
      for (const key of ['size', 'compressedSize', 'localHeaderOffset'] as const) {
        if (entry[key] !== 0xffffffff) continue;
        if (field + 8 > at + 4 + length) break;
        entry[key] = Number(extra.readBigUInt64LE(field));
        field += 8;
      }
      return;
    }
    at += 4 + length;
  }
}

/** How much a packed file may unpack to (MAX_UNPACKED_BYTES unless told). */
export interface UnpackOptions {
  maxBytes?: number;
}

/**
 * Bytes unpacked so far from several packed files read as one, named by `label` (a folder of
 * gzipped CSV parts, `orders/`): the limit holds for them together, as a thousand small parts of a
 * bomb unpack to as much as one large one.
 */
export interface UnpackedSoFar {
  label: string;
  bytes: number;
}

/**
 * A stream that passes bytes on and stops with a FeedError naming `label` past `maxBytes`, or
 * naming `soFar`'s label when its bytes and these together pass it.
 */
function sizeLimit(
  label: string,
  maxBytes: number,
  soFar?: UnpackedSoFar,
): { stream: Transform; bytes: () => number } {
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (soFar) soFar.bytes += chunk.length;
      const over = bytes > maxBytes ? label : soFar && soFar.bytes > maxBytes ? soFar.label : undefined;
      done(over === undefined ? null : tooLargeError(over, maxBytes), chunk);
    },
  });
  return { stream, bytes: () => bytes };
}

const tooLargeError = (label: string, maxBytes: number) =>
  new FeedError(
    'unreadable_file',
    `${label} unpacks to more than ${maxBytes % 1024 ** 3 === 0 ? `${maxBytes / 1024 ** 3} GiB` : `${maxBytes.toLocaleString('en-US')} bytes`}: more than a feed can be (or a zip bomb). Export less, or as Parquet.`,
    label,
  );

/** A zlib error (bad header, data cut short) as a FeedError naming the packed file. */
function unpackError(error: unknown, label: string, what: string): unknown {
  if (error instanceof FeedError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code !== 'string' || !code.startsWith('Z_')) return error;
  // Z_BUF_ERROR: the data ends before the stream does (an upload cut short); else it is not that format.
  const why = code === 'Z_BUF_ERROR' ? 'is it cut short? Upload it again' : `is it ${what} at all?`;
  return new FeedError(
    'unreadable_file',
    `${label} cannot be unpacked as ${what} (${(error as Error).message}): ${why}`,
    label,
  );
}

/** Writes the gzip file at `path` unpacked to `out`; `label` names it in errors. */
export async function gunzipTo(
  path: string,
  out: string,
  label: string,
  { maxBytes = MAX_UNPACKED_BYTES }: UnpackOptions = {},
): Promise<void> {
  const limit = sizeLimit(label, maxBytes);
  await pipeline(createReadStream(path), createGunzip(), limit.stream, createWriteStream(out)).catch(
    (error: unknown) => {
      throw unpackError(error, label, 'gzip');
    },
  );
}

/** Writes `entry` of the zip at `path` unpacked to `out`; `label` names it in errors. */
export async function unzipEntryTo(
  path: string,
  entry: ZipEntry,
  out: string,
  label: string,
  { maxBytes = MAX_UNPACKED_BYTES }: UnpackOptions = {},
): Promise<void> {
  if (entry.method !== STORED && entry.method !== DEFLATED)
    throw new FeedError(
      'unreadable_file',
      `${label} is compressed with zip method ${entry.method} (${entry.method === 9 ? 'Deflate64, which Windows uses past 2 GB' : 'not Deflate'}), which cannot be read: zip it again with the usual Deflate, or gzip it.`,
      label,
    );
  // What the zip says is checked first; what it unpacks to is counted too, as a zip may say less.
  if (entry.size > maxBytes) throw tooLargeError(label, maxBytes);
  const local = await readAt(path, entry.localHeaderOffset, 30);
  if (local.length < 30 || local.readUInt32LE(0) !== LOCAL)
    throw new FeedError('unreadable_file', `${label} cannot be read: the zip is damaged.`, label);
  const start = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  const limit = sizeLimit(label, maxBytes);
  // An empty file has no bytes to read (a read stream cannot end before it starts).
  const raw =
    entry.compressedSize === 0
      ? Readable.from([])
      : createReadStream(path, { start, end: start + entry.compressedSize - 1 });
  const unpacked =
    entry.method === DEFLATED
      ? pipeline(raw, createInflateRaw(), limit.stream, createWriteStream(out))
      : pipeline(raw, limit.stream, createWriteStream(out));
  await unpacked.catch((error: unknown) => {
    throw unpackError(error, label, 'a zip');
  });
  if (limit.bytes() !== entry.size)
    throw new FeedError(
      'unreadable_file',
      `${label} unpacks to ${limit.bytes()} bytes where the zip says ${entry.size}: the zip is damaged or cut short. Upload it again.`,
      label,
    );
}

/**
 * `file` as a plain file: a packed one unpacked into `workDir` (as `<table>.unpacked.csv`), under
 * the name the user knows it by; any other as it is.
 */
export async function unpackFeedFile(file: FeedFile, workDir: string, table: string): Promise<FeedFile> {
  if (file.packed === undefined) return file;
  const out = join(workDir, `${table}.unpacked.${file.format}`);
  if (file.packed === 'gzip') await gunzipTo(file.path, out, file.name);
  else await unzipEntryTo(file.path, file.packed, out, file.name);
  const { packed: _, ...plain } = file;
  return { ...plain, path: out };
}

/**
 * The bytes of the file at `path`, gunzipped when it is named `.gz` (Spark's `part-00000-....csv.gz`),
 * counted into `soFar` when given.
 */
export function readUnpacked(
  path: string,
  label: string,
  { maxBytes = MAX_UNPACKED_BYTES, soFar }: UnpackOptions & { soFar?: UnpackedSoFar } = {},
): Readable {
  const file = createReadStream(path);
  if (!path.toLowerCase().endsWith('.gz')) return file;
  const limit = sizeLimit(label, maxBytes, soFar);
  const gunzip = createGunzip();
  // Errors of each stage reach the last one, which the reader sees.
  file.on('error', (error) => limit.stream.destroy(error));
  gunzip.on('error', (error) => limit.stream.destroy(unpackError(error, label, 'gzip') as Error));
  return file.pipe(gunzip).pipe(limit.stream);
}
