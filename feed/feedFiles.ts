import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { FeedError } from './feedError';
import { type ZipEntry, zipEntries } from './packedFile';

/**
 * Which files make a feed: customers, orders and tickets, each as CSV, Parquet or an Excel
 * workbook, found by name and extension (`orders.csv`, `orders.parquet`, `orders.xlsx`). Text
 * exports named `.txt` or `.tsv` (Excel's "Unicode Text" and "Text (Tab delimited)" save as
 * `.txt`) are read as CSV: the delimiter comes from the header line either way. A text export may
 * come gzipped (`orders.csv.gz`) or zipped (`orders.zip` holding one file, or any other zip in the
 * folder holding the feed's files by their names).
 */
export type FeedKind = 'customers' | 'orders' | 'tickets';
export type FileFormat = 'csv' | 'parquet' | 'xlsx';

/** The kinds of feed file, in the order they are read. */
export const KINDS: readonly FeedKind[] = ['customers', 'orders', 'tickets'];

/** The extensions a feed file may have, and the format each is read as. */
const EXTENSIONS: readonly { extension: string; format: FileFormat }[] = [
  { extension: 'csv', format: 'csv' },
  { extension: 'txt', format: 'csv' },
  { extension: 'tsv', format: 'csv' },
  { extension: 'parquet', format: 'parquet' },
  { extension: 'xlsx', format: 'xlsx' },
];

/** The text extensions, read gzipped too (`orders.csv.gz`): a workbook or Parquet file is compressed already. */
const TEXT_EXTENSIONS = EXTENSIONS.filter(({ format }) => format === 'csv');

/** The format a file name's extension is read as (`.csv.gz` as CSV); undefined for any other name. */
function formatOf(name: string): FileFormat | undefined {
  const lower = name.toLowerCase();
  return (
    plainFormatOf(lower) ??
    TEXT_EXTENSIONS.find(({ extension }) => lower.endsWith(`.${extension}.gz`))?.format
  );
}

/** The format of a file name with a plain (not gzipped, not zipped) extension; undefined for any other name. */
function plainFormatOf(name: string): FileFormat | undefined {
  const lower = name.toLowerCase();
  return EXTENSIONS.find(({ extension }) => lower.endsWith(`.${extension}`))?.format;
}

/** One feed file: its name as the user knows it ("orders.xlsx", "orders/" for a folder), its path and its format. */
export interface FeedFile {
  kind: FeedKind;
  name: string;
  path: string;
  format: FileFormat;
  /**
   * A folder of part files: each part's path below `path` (`part-00000-....parquet`,
   * `region=West/....parquet`, `part-00000-....csv`), in name order, the order their rows are read in.
   */
  parts?: string[];
  /**
   * How the file at `path` is packed: gzipped (`orders.csv.gz`), or as this file of a zip
   * (`orders.zip › orders.csv`, its `name`); undefined for a plain file.
   */
  packed?: 'gzip' | ZipEntry;
}

/** The names a kind may have unpacked: customers.csv, customers.parquet, customers.xlsx. */
const plainNamesOf = (kind: FeedKind) => EXTENSIONS.map(({ extension }) => `${kind}.${extension}`);

/** The file names a kind may have, e.g. customers.csv, customers.csv.gz, customers.parquet, customers.zip. */
export function namesOf(kind: FeedKind): string[] {
  return [
    ...plainNamesOf(kind),
    ...TEXT_EXTENSIONS.map(({ extension }) => `${kind}.${extension}.gz`),
    `${kind}.zip`,
  ];
}

/** Whether a file name is a zip's. */
export const isZip = (name: string) => name.toLowerCase().endsWith('.zip');

/**
 * Whether a file name is a zip that may hold the whole feed (`export.zip`): any zip but a kind's own
 * (`orders.zip`, which holds that kind's one file).
 */
export const isFeedZip = (name: string) =>
  isZip(name) && !KINDS.some((kind) => name.toLowerCase() === `${kind}.zip`);

const REQUIRED_HINT =
  'A feed needs orders (customers are taken from the orders when there is no customers file; tickets are optional), each as .csv (or a .txt or .tsv text export, any of them gzipped as .csv.gz or zipped), .parquet (or a folder of Parquet or CSV part files) or .xlsx.';

/**
 * The folder the feed's files are in: `dir`, or the folder holding `dir` when `dir` is a zip (the
 * feed given as its zip, `--feed export.zip`); FeedError when `dir` is missing, another file or unreadable.
 */
async function feedFolder(dir: string): Promise<string> {
  const found = await stat(dir).catch((error: unknown) => {
    throw folderError(dir, error);
  });
  if (found.isDirectory()) return dir;
  if (isZip(dir)) return dirname(dir);
  throw new FeedError(
    'missing_folder',
    `The feed folder "${dir}" is a file, not a folder: give the folder that holds the feed's files. ${REQUIRED_HINT}`,
    dir,
  );
}

/** A failed stat or listing of the feed folder `dir` as a FeedError; any other error as it is. */
function folderError(dir: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return new FeedError('missing_folder', `The feed folder "${dir}" does not exist.`, dir);
  const message = `The feed folder "${dir}" cannot be read (${(error as Error).message}).`;
  return typeof code === 'string' ? new FeedError('unreadable_file', message, dir) : error;
}

/** The feed's folder (feedFolder) and the names in it (lower-cased) -> their real name: a zip given as the feed alone. */
async function listNames(dir: string): Promise<{ folder: string; names: Map<string, string> }> {
  const folder = await feedFolder(dir);
  const names =
    folder === dir
      ? await readdir(dir).catch((error: unknown) => {
          throw folderError(dir, error);
        })
      : [basename(dir)];
  return { folder, names: new Map(names.map((name) => [name.toLowerCase(), name])) };
}

/**
 * Files in the folder named like a kind's export but under no name the feed reads: `orders.csv.csv`
 * (a Windows that hides extensions), `tickets (1).csv` (a second download), `orders.xls`. Passed
 * over, tickets would be missing without a word. Excel's lock files (`~$orders.xlsx`), hidden files
 * and zips (read as the whole feed) are not such.
 */
function lookalikes(names: ReadonlyMap<string, string>, kind: FeedKind): string[] {
  const read = new Set(KINDS.flatMap((k) => [k, ...namesOf(k)]));
  return [...names]
    .filter(([lower]) => lower.includes(kind) && !read.has(lower) && !/^[~.]/.test(lower) && !isZip(lower))
    .map(([, real]) => real);
}

/** The name `kind` is read under, in the lookalike's format where it has one (`orders.csv.csv` -> orders.csv). */
function renamedTo(kind: FeedKind, name: string): string {
  const lower = name.toLowerCase();
  const extension = EXTENSIONS.find((e) => lower.endsWith(`.${e.extension}`))?.extension;
  return extension ? `${kind}.${extension}` : `${kind}.csv (or .xlsx, saved from it)`;
}

/** The feed's files, and what the reader tells of the folder: a zip in it passed over (notes, when any). */
export interface FoundFeedFiles {
  /** The folder they are in (feedFolder): the one given, or the one holding the zip given. */
  folder: string;
  /** Undefined for a shop that exports its orders alone: the customers are then the orders' own. */
  customers?: FeedFile;
  orders: FeedFile;
  tickets?: FeedFile;
  notes?: string[];
}

/**
 * The feed files in `dir`: orders required, customers and tickets optional. Two files for one kind
 * (orders.csv and orders.xlsx) is an error: which one is the feed cannot be guessed.
 */
export async function findFeedFiles(dir: string): Promise<FoundFeedFiles> {
  const { folder, names } = await listNames(dir);
  const { files: zipped, unreadable } = await zippedFeedFiles(folder, names);
  const find = async (kind: FeedKind, required: boolean): Promise<FeedFile | undefined> => {
    const files = namesOf(kind).flatMap((lower) => {
      const real = names.get(lower);
      return real ? [{ kind, name: real, path: join(folder, real) }] : [];
    });
    const found = await Promise.all(files.map((file) => asFeedFile(file, folder)));
    found.push(...zipped.filter((file) => file.kind === kind));
    const partsName = names.get(kind);
    const parts = partsName === undefined ? undefined : await partsFolder(kind, folder, partsName, false);
    if (parts) found.push(parts);
    if (found.length > 1) {
      throw new FeedError(
        'ambiguous_file',
        `The feed folder "${dir}" has ${found.map((f) => f.name).join(' and ')}: keep one of them.`,
        found[0].name,
      );
    }
    if (found.length === 0 && required) {
      // The kind may be in the zip that could not be read: what is wrong with it is the news.
      if (unreadable.length > 0) throw unreadable[0];
      const named = lookalikes(names, kind).map(
        (name) =>
          ` The folder has "${name}", which the feed does not read under that name: rename it ${renamedTo(kind, name)}.`,
      );
      throw new FeedError(
        'missing_file',
        `The feed folder "${dir}" has no ${kind}.csv (nor ${kind}.txt, ${kind}.tsv, ${kind}.csv.gz, ${kind}.zip, ${kind}.parquet, ${kind}.xlsx, a folder ${kind}/ of Parquet or CSV part files, or a zip holding ${kind}.csv).${named.join('')} ${REQUIRED_HINT}`,
        `${kind}.csv`,
      );
    }
    return found[0];
  };
  // Customers left out are taken from the orders, unless a zip that could not be read may hold them.
  const customers = await find('customers', unreadable.length > 0);
  const orders = (await find('orders', true)) as FeedFile;
  const tickets = await find('tickets', false);
  // A folder with a feed file's name would reach the readers, which fail on it without naming it.
  for (const file of [customers, orders, tickets]) {
    if (file && !file.parts && !file.packed && (await stat(file.path)).isDirectory())
      throw new FeedError(
        'unreadable_file',
        `${file.name} is a folder, not a file (in "${dir}").`,
        file.name,
      );
  }
  // Passed over, the zip may have held the tickets: an admin who meant it to hears why it was not read.
  const notes = unreadable.map(
    (error) =>
      `${error.message} It is passed over: the feed is read without it${tickets ? '' : ', and the tickets, if they are in it, are not'}.`,
  );
  if (folder === dir)
    for (const kind of KINDS)
      for (const name of lookalikes(names, kind))
        notes.push(
          `"${name}" is not read: the feed reads ${kind} under the name ${kind}.csv (or .txt, .tsv, .parquet, .xlsx, gzipped or zipped); rename it to have it read.`,
        );
  return {
    folder,
    ...(customers ? { customers } : {}),
    orders,
    ...(tickets ? { tickets } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/**
 * Whether a path below a folder of parts is a Parquet part file: a `.parquet` file none of whose
 * folders or own name starts with `_` or `.`, which Spark, Hadoop and pyarrow keep for what is not
 * data (`_SUCCESS`, `_temporary/` of a job still writing, `.part-00000....crc` checksums, `_metadata`).
 */
export function isPartFile(relativePath: string): boolean {
  return isData(relativePath) && relativePath.toLowerCase().endsWith('.parquet');
}

/**
 * Whether a path below a folder of parts is a CSV part file, as Spark's `df.write.csv` names them
 * (`part-00000-....csv`, `.csv.gz` with its gzip option). Only a `part-` file counts: a folder
 * `orders/` of the user's own old exports is not a table of parts.
 */
export function isCsvPartFile(relativePath: string): boolean {
  const base = relativePath.slice(relativePath.search(/[^\\/]*$/));
  return isData(relativePath) && base.toLowerCase().startsWith('part-') && formatOf(base) === 'csv';
}

/** A Delta table's log folder: its part files hold the versions it replaced, beside the current ones. */
export const isDeltaLog = (relativePath: string) => /(^|[\\/])_delta_log([\\/]|$)/.test(relativePath);

/**
 * A file found by its name as a feed file: gzipped or zipped by its extension, or a folder named
 * `orders.parquet` (pandas' partitioned table) read as its parts.
 */
async function asFeedFile(
  file: { kind: FeedKind; name: string; path: string },
  dir: string,
): Promise<FeedFile> {
  if (isZip(file.name)) return zippedFile(file);
  const format = formatOf(file.name) as FileFormat;
  const packed = file.name.toLowerCase().endsWith('.gz') ? { packed: 'gzip' as const } : {};
  if (format !== 'parquet' || !(await stat(file.path)).isDirectory()) return { ...file, format, ...packed };
  return (await partsFolder(file.kind, dir, file.name, true)) as FeedFile;
}

/** Whether a path in a zip or a folder of parts is data: no folder or name of it starts with `_` or `.`. */
const isData = (relativePath: string) =>
  relativePath.split(/[\\/]/).every((segment) => !segment.startsWith('_') && !segment.startsWith('.'));

/** The one feed file in `orders.zip`, whatever its name (a shop's `orders_export_1.csv`). */
async function zippedFile(file: { kind: FeedKind; name: string; path: string }): Promise<FeedFile> {
  // macOS adds `__MACOSX/._orders.csv` beside each file it zips: not data. A file packed twice
  // (a .gz or .zip in the zip) is not something an export writes.
  const inside = (await zipEntries(file.path, file.name)).filter(
    (entry) => isData(entry.name) && plainFormatOf(entry.name) !== undefined,
  );
  if (inside.length !== 1)
    throw new FeedError(
      'unreadable_file',
      inside.length === 0
        ? `${file.name} holds no .csv, .txt, .tsv, .parquet or .xlsx file.`
        : `${file.name} holds ${inside.length} files (${inside.map((e) => e.name).join(', ')}): it is read as the ${file.kind} file, so it must hold one. Name each export by its kind (customers.csv, orders.csv) to zip the feed together.`,
      file.name,
    );
  const [entry] = inside;
  return {
    kind: file.kind,
    name: `${file.name} \u203a ${entry.name}`,
    path: file.path,
    format: plainFormatOf(entry.name) as FileFormat,
    packed: entry,
  };
}

/**
 * The feed files in the folder's other zips (`export.zip`, `feed.zip`): each file named as a feed
 * file (`customers.csv`, `export/orders.xlsx`), at any depth. A zip holding none is not the feed's.
 * Nor, while the feed is whole without it, is one that cannot be read (a backup with a password, a
 * download cut short): `unreadable` keeps why, for a feed that lacks a file it may have held.
 */
async function zippedFeedFiles(
  dir: string,
  names: Map<string, string>,
): Promise<{ files: FeedFile[]; unreadable: FeedError[] }> {
  const zips = [...names.values()].filter(isFeedZip);
  const unreadable: FeedError[] = [];
  const found = await Promise.all(
    zips.map((zip) =>
      feedFilesInZip(dir, zip).catch((error: unknown) => {
        if (!(error instanceof FeedError)) throw error;
        unreadable.push(error);
        return [];
      }),
    ),
  );
  return { files: found.flat(), unreadable };
}

/**
 * The feed files the zip `zip` in `dir` holds (none: not the feed's); a FeedError when it cannot
 * be read.
 */
export async function feedFilesInZip(dir: string, zip: string): Promise<FeedFile[]> {
  return (await zipEntries(join(dir, zip), zip)).flatMap((entry): FeedFile[] => {
    const base = entry.name.slice(entry.name.lastIndexOf('/') + 1).toLowerCase();
    // A gzipped or zipped file inside a zip is packed twice: not something an export writes.
    const kind = KINDS.find((k) => plainNamesOf(k).includes(base));
    if (!kind || !isData(entry.name)) return [];
    return [
      {
        kind,
        name: `${zip} \u203a ${entry.name}`,
        path: join(dir, zip),
        format: plainFormatOf(base) as FileFormat,
        packed: entry,
      },
    ];
  });
}

/**
 * The folder `name` in `dir` as a feed file of Parquet parts; undefined for a folder `orders` that
 * holds none (a folder of the user's own, not the feed), a FeedError for a folder `orders.parquet`
 * that holds none, and for a Delta table, whose parts are not all its rows of today.
 */
async function partsFolder(
  kind: FeedKind,
  dir: string,
  name: string,
  named: boolean,
): Promise<FeedFile | undefined> {
  const path = join(dir, name);
  if (!(await stat(path)).isDirectory()) return undefined;
  const label = `${name}/`;
  const below = (await readdir(path, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(path.length + 1));
  if (below.some(isDeltaLog))
    throw new FeedError(
      'unreadable_file',
      `${label} is a Delta table (it has a _delta_log folder): its part files hold the rows it replaced too. Write it out as plain Parquet (df.write.parquet) or as CSV.`,
      label,
    );
  const parts = below.filter(isPartFile).sort();
  if (parts.length === 0 && named)
    throw new FeedError(
      'unreadable_file',
      `${label} is a folder with no Parquet part files (.parquet) in it (in "${dir}").`,
      label,
    );
  if (parts.length === 0) return csvPartsFolder(kind, path, label, below);
  return { kind, name: label, path, format: 'parquet', parts: parts.map((part) => join(path, part)) };
}

/**
 * The folder at `path` as a feed file of CSV parts (Spark's `df.write.csv`), undefined when it holds
 * none: a folder `orders/` of the user's own, not the feed.
 */
function csvPartsFolder(kind: FeedKind, path: string, label: string, below: string[]): FeedFile | undefined {
  const parts = below.filter(isCsvPartFile).sort();
  if (parts.length === 0) return undefined;
  // Spark's partitionBy keeps a column's value in the folder's name only (`country=UK/`).
  const nested = parts.find((part) => /[\\/]/.test(part));
  if (nested)
    throw new FeedError(
      'unreadable_file',
      `${label} holds CSV parts in folders of their own (${nested}): a partitioned table's column is in its folders' names, not in the CSV. Write it without partitionBy, or as Parquet.`,
      label,
    );
  return { kind, name: label, path, format: 'csv', parts: parts.map((part) => join(path, part)) };
}

/**
 * What the feed's files in `dir` are now, without reading them: each file's name, size and last
 * change. Another export written over a file (or a file added or removed) gives another value.
 */
export async function folderFeedVersion(dir: string): Promise<string> {
  const { folder, ...files } = await findFeedFiles(dir);
  const parts = await Promise.all(
    [files.customers, files.orders, files.tickets].flatMap((file) =>
      // A folder's parts each: Spark rewrites them and keeps the folder.
      (file ? (file.parts ?? [file.path]) : []).map((path) =>
        stat(path).then((s) => `${relative(folder, path)} ${s.size} ${s.mtimeMs}`),
      ),
    ),
  );
  return parts.join('\n');
}
