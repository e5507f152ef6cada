import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import {
  type AsyncFlateStreamHandler,
  Unzip,
  type UnzipDecoderConstructor,
  UnzipInflate,
  UnzipPassThrough,
} from 'fflate';
import { FeedError } from './feedError';
import type { FeedFile } from './feedFiles';

/**
 * Feed files that arrive packed: gzipped (`orders.csv.gz`, to fit an upload) or in a zip (a web
 * shop's large export, or the whole feed in one). They are unpacked into the read's own temporary
 * folder before anything reads them, so the encoding check, the header search, the line numbers of
 * bad rows and DuckDB's parallel parse all see the plain file, as for one never packed. DuckDB reads
 * gzip itself, but only as a stream on one thread, and the other readers would each need it too.
 */

/**
 * The most bytes one packed file may unpack to: 4 GiB, five times the largest orders file one
 * instance reads (777 MB at 20M orders, docs/scale.md). A few kilobytes of zip or gzip can unpack
 * to terabytes (a "zip bomb"); without a limit one would fill the instance's disk before any row
 * were read.
 */
export const MAX_UNPACKED_BYTES = 4 * 1024 ** 3;

/** One file in a zip, as its local header states it. */
export interface ZipEntry {
  /** Its path in the zip, `/`-separated (`orders.csv`, `export/orders.csv`). */
  name: string;
  /** How it is compressed: 0 stored, 8 Deflate, 9 Deflate64 (Windows' past 2 GB), 99 AES-encrypted. */
  method: number;
  /** The size it says it unpacks to; undefined when a streaming zipper wrote it after the data. */
  size?: number;
}

const STORED = 0;
const DEFLATED = 8;
const LOCAL = Buffer.from('PK\x03\x04', 'latin1');
const EMPTY_ZIP = Buffer.from('PK\x05\x06', 'latin1');

/** Whether a zip entry's path leaves the folder it is unpacked in (`../x.csv`, `/etc/x`, `C:\x`). */
export function escapesFolder(name: string): boolean {
  return /^([\\/]|[a-zA-Z]:)/.test(name) || name.split(/[\\/]/).includes('..');
}

/**
 * The files in the zip at `path` (folders left out), from one pass over it that unpacks none.
 * `label` names the zip in errors: one that is not a zip, is damaged or cut short, is encrypted, or
 * holds a path outside its folder (a zip made to write elsewhere when unpacked: it is refused whole).
 */
export async function zipEntries(path: string, label: string): Promise<ZipEntry[]> {
  const entries = await passZip(path, label);
  const encrypted = await encryptedEntry(path);
  if (encrypted !== undefined || entries.some((entry) => entry.method === AES))
    throw new FeedError(
      'unreadable_file',
      `${label} is password-protected ("${encrypted ?? entries.find((entry) => entry.method === AES)?.name}" is encrypted): zip the export again without a password.`,
      label,
    );
  return entries;
}

/** The method a file encrypted with AES (WinZip's, 7-Zip's) states in place of its own. */
const AES = 99;

/**
 * The name of the first password-protected file in the zip at `path`, read from the zip's central
 * directory: fflate reads no encryption flag, and a file encrypted the old way (`zip -e`, 7-Zip's
 * ZipCrypto) keeps its method, so fflate would hand back its encrypted bytes as the file's, or fail
 * as on a damaged zip. A zip with no directory at its end is left to the unpacking to tell.
 */
async function encryptedEntry(path: string): Promise<string | undefined> {
  const size = (await stat(path)).size;
  // The end record is the last 22 bytes, unless a comment (up to 64 KB) follows it.
  const tailStart = Math.max(0, size - (22 + 0xffff));
  const tail = await readAt(path, tailStart, size - tailStart);
  const end = tail.lastIndexOf(EMPTY_ZIP);
  if (end < 0 || end + 22 > tail.length) return undefined;
  let length = tail.readUInt32LE(end + 12);
  let offset = tail.readUInt32LE(end + 16);
  // Past 4 GB the zip keeps them in its ZIP64 end record, found by the locator before this one.
  if (end >= 20 && tail.readUInt32LE(end - 20) === 0x07064b50) {
    const record = await readAt(path, Number(tail.readBigUInt64LE(end - 12)), 56);
    if (record.length < 56) return undefined;
    length = Number(record.readBigUInt64LE(40));
    offset = Number(record.readBigUInt64LE(48));
  }
  const directory = await readAt(path, offset, length);
  for (let at = 0; at + 46 <= directory.length && directory.readUInt32LE(at) === 0x02014b50; ) {
    const flags = directory.readUInt16LE(at + 8);
    const nameEnd = at + 46 + directory.readUInt16LE(at + 28);
    // Bit 11: the name is UTF-8; otherwise the old DOS code page, which agrees on ASCII names.
    const name = directory.subarray(at + 46, nameEnd).toString(flags & 0x800 ? 'utf8' : 'latin1');
    if (flags & 0x1 && !name.endsWith('/')) return name.replaceAll('\\', '/');
    at = nameEnd + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
  }
  return undefined;
}

/** Reads `length` bytes of the file at `path` from `position`. */
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
 * fflate keeps in memory every byte of a file it is never asked to start, to the end of the pass: a
 * file passed over is started into this, which drops its bytes rather than unpacking them.
 */
const dropping = (compression: number): UnzipDecoderConstructor =>
  class {
    static compression = compression;
    ondata: AsyncFlateStreamHandler = () => {};
    push() {}
  };

const damaged = (label: string, why: string) =>
  new FeedError(
    'unreadable_file',
    `${label} cannot be unpacked (${why}): the zip is damaged or cut short. Upload it again.`,
    label,
  );

/** One file of a zip to unpack in a pass over it: the first one named `name`, written to `out`. */
interface Unpacking {
  name: string;
  out: string;
  maxBytes: number;
}

/**
 * One pass of fflate's streaming Unzip over the zip at `path`, fed its chunks from a read stream,
 * so that a large zip is never in memory whole; unpacks `unpack`'s file, if given, and passes over
 * the others. Returns the files met (folders left out). `label` names the zip (or the file unpacked,
 * `orders.zip › orders.csv`) in its FeedErrors.
 */
async function passZip(path: string, label: string, unpack?: Unpacking): Promise<ZipEntry[]> {
  const entries: ZipEntry[] = [];
  let out: WriteStream | undefined;
  let stated: number | undefined;
  let written = 0;
  let ended = false;
  let failure: unknown;
  const unzip = new Unzip((file) => {
    const name = file.name.replaceAll('\\', '/');
    if (escapesFolder(name))
      throw new FeedError(
        'unreadable_file',
        `${label} holds "${name}", a path outside the folder it would be unpacked in: the zip is refused. Zip the export's files again from their own folder.`,
        label,
      );
    const entry = { name, method: file.compression, size: file.originalSize };
    if (!name.endsWith('/')) entries.push(entry);
    file.ondata = () => {};
    if (!unpack || out || name !== unpack.name) {
      unzip.register(dropping(file.compression));
      return file.start();
    }
    if (entry.method !== STORED && entry.method !== DEFLATED)
      throw new FeedError(
        'unreadable_file',
        `${label} is compressed with zip method ${entry.method} (${entry.method === 9 ? 'Deflate64, which Windows uses past 2 GB' : 'not Deflate'}), which cannot be read: zip it again with the usual Deflate, or gzip it.`,
        label,
      );
    // What the zip says is checked first; what it unpacks to is counted too, as a zip may say less.
    if (entry.size !== undefined && entry.size > unpack.maxBytes) throw tooLargeError(label, unpack.maxBytes);
    const into = createWriteStream(unpack.out);
    out = into;
    stated = entry.size;
    file.ondata = (error, bytes, final) => {
      if (failure !== undefined) return;
      if (error) {
        failure = damaged(label, error.message);
        return;
      }
      written += bytes.length;
      if (written > unpack.maxBytes) failure = tooLargeError(label, unpack.maxBytes);
      else {
        into.write(bytes);
        ended = final;
      }
    };
    unzip.register(entry.method === STORED ? UnzipPassThrough : UnzipInflate);
    file.start();
  });
  try {
    let first = true;
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      if (first && ![LOCAL, EMPTY_ZIP].some((signature) => chunk.subarray(0, 4).equals(signature)))
        throw new FeedError(
          'unreadable_file',
          `${label} cannot be read as a zip file (it does not begin as one).`,
          label,
        );
      first = false;
      unzip.push(chunk);
      if (failure !== undefined) throw failure;
      if (out?.writableNeedDrain) await once(out, 'drain');
    }
    if (first)
      throw new FeedError('unreadable_file', `${label} cannot be read as a zip file (it is empty).`, label);
    unzip.push(new Uint8Array(0), true);
    if (failure !== undefined) throw failure;
  } catch (error) {
    // fflate's errors carry a numeric code ("invalid zip data": a file cut short); node's a string.
    failure =
      typeof (error as { code?: unknown }).code === 'number'
        ? damaged(label, (error as Error).message)
        : error;
  } finally {
    out?.end();
    if (out)
      await finished(out).catch((error: unknown) => {
        failure ??= error;
      });
  }
  if (failure !== undefined) throw failure;
  if (unpack && !ended)
    throw damaged(label, out ? 'it ends before the file does' : `no file "${unpack.name}" in it`);
  if (stated !== undefined && written !== stated)
    throw new FeedError(
      'unreadable_file',
      `${label} unpacks to ${written} bytes where the zip says ${stated}: the zip is damaged or cut short. Upload it again.`,
      label,
    );
  return entries;
}

/** How much a packed file may unpack to (MAX_UNPACKED_BYTES unless told). */
export interface UnpackOptions {
  maxBytes?: number;
}

/** A stream that passes bytes on and stops with a FeedError naming `label` past `maxBytes`. */
function sizeLimit(label: string, maxBytes: number): { stream: Transform; bytes: () => number } {
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(bytes > maxBytes ? tooLargeError(label, maxBytes) : null, chunk);
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

/** Writes the file `name` of the zip at `path` unpacked to `out`; `label` names it in errors. */
export async function unzipEntryTo(
  path: string,
  name: string,
  out: string,
  label: string,
  { maxBytes = MAX_UNPACKED_BYTES }: UnpackOptions = {},
): Promise<void> {
  await passZip(path, label, { name, out, maxBytes });
}

/**
 * `file` as a plain file: a packed one unpacked into `workDir` (as `<table>.unpacked.csv`), under
 * the name the user knows it by; any other as it is.
 */
export async function unpackFeedFile(file: FeedFile, workDir: string, table: string): Promise<FeedFile> {
  if (file.packed === undefined) return file;
  const out = join(workDir, `${table}.unpacked.${file.format}`);
  if (file.packed === 'gzip') await gunzipTo(file.path, out, file.name);
  else await unzipEntryTo(file.path, file.packed.name, out, file.name);
  const { packed: _, ...plain } = file;
  return { ...plain, path: out };
}

/** The bytes of the file at `path`, gunzipped when it is named `.gz` (Spark's `part-00000-....csv.gz`). */
export function readUnpacked(path: string, label: string): Readable {
  const file = createReadStream(path);
  if (!path.toLowerCase().endsWith('.gz')) return file;
  const limit = sizeLimit(label, MAX_UNPACKED_BYTES);
  const gunzip = createGunzip();
  // Errors of each stage reach the last one, which the reader sees.
  file.on('error', (error) => limit.stream.destroy(error));
  gunzip.on('error', (error) => limit.stream.destroy(unpackError(error, label, 'gzip') as Error));
  return file.pipe(gunzip).pipe(limit.stream);
}
