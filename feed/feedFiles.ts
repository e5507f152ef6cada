import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FeedError } from './feedError';

/**
 * Which files make a feed: customers, orders and tickets, each as CSV, Parquet or an Excel
 * workbook, found by name and extension (`orders.csv`, `orders.parquet`, `orders.xlsx`). Text
 * exports named `.txt` or `.tsv` (Excel's "Unicode Text" and "Text (Tab delimited)" save as
 * `.txt`) are read as CSV: the delimiter comes from the header line either way.
 */
export type FeedKind = 'customers' | 'orders' | 'tickets';
export type FileFormat = 'csv' | 'parquet' | 'xlsx';

/** The extensions a feed file may have, and the format each is read as. */
const EXTENSIONS: readonly { extension: string; format: FileFormat }[] = [
  { extension: 'csv', format: 'csv' },
  { extension: 'txt', format: 'csv' },
  { extension: 'tsv', format: 'csv' },
  { extension: 'parquet', format: 'parquet' },
  { extension: 'xlsx', format: 'xlsx' },
];

/** One feed file: its name as the user knows it ("orders.xlsx", "orders/" for a folder), its path and its format. */
export interface FeedFile {
  kind: FeedKind;
  name: string;
  path: string;
  format: FileFormat;
  /**
   * A folder of Parquet part files: each part's path below `path` (`part-00000-....parquet`,
   * `region=West/....parquet`), in name order, the order their rows are read in.
   */
  parts?: string[];
}

/** The file names a kind may have, e.g. customers.csv, customers.parquet, customers.xlsx. */
export function namesOf(kind: FeedKind): string[] {
  return EXTENSIONS.map(({ extension }) => `${kind}.${extension}`);
}

const REQUIRED_HINT =
  'A feed needs customers and orders (tickets are optional), each as .csv (or a .txt or .tsv text export), .parquet (or a folder of Parquet part files) or .xlsx.';

/** Names in `dir` (lower-cased) -> their real name; FeedError when `dir` is missing, a file or unreadable. */
async function listNames(dir: string): Promise<Map<string, string>> {
  const folderError = (error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return new FeedError('missing_folder', `The feed folder "${dir}" does not exist.`, dir);
    const message = `The feed folder "${dir}" cannot be read (${(error as Error).message}).`;
    return typeof code === 'string' ? new FeedError('unreadable_file', message, dir) : error;
  };
  const found = await stat(dir).catch((error: unknown) => {
    throw folderError(error);
  });
  if (!found.isDirectory())
    throw new FeedError(
      'missing_folder',
      `The feed folder "${dir}" is a file, not a folder: give the folder that holds the feed's files. ${REQUIRED_HINT}`,
      dir,
    );
  const names = await readdir(dir).catch((error: unknown) => {
    throw folderError(error);
  });
  return new Map(names.map((name) => [name.toLowerCase(), name]));
}

/**
 * The feed files in `dir`: customers and orders required, tickets optional. Two files for one kind
 * (orders.csv and orders.xlsx) is an error: which one is the feed cannot be guessed.
 */
export async function findFeedFiles(
  dir: string,
): Promise<{ customers: FeedFile; orders: FeedFile; tickets?: FeedFile }> {
  const names = await listNames(dir);
  const find = async (kind: FeedKind, required: boolean): Promise<FeedFile | undefined> => {
    const files = EXTENSIONS.flatMap(({ extension, format }) => {
      const real = names.get(`${kind}.${extension}`);
      return real ? [{ kind, name: real, path: join(dir, real), format }] : [];
    });
    const found = await Promise.all(files.map((file) => asPartsFolder(file, dir)));
    const folder = names.get(kind);
    const parts = folder === undefined ? undefined : await partsFolder(kind, dir, folder, false);
    if (parts) found.push(parts);
    if (found.length > 1) {
      throw new FeedError(
        'ambiguous_file',
        `The feed folder "${dir}" has ${found.map((f) => f.name).join(' and ')}: keep one of them.`,
        found[0].name,
      );
    }
    if (found.length === 0 && required) {
      throw new FeedError(
        'missing_file',
        `The feed folder "${dir}" has no ${kind}.csv (nor ${kind}.txt, ${kind}.tsv, ${kind}.parquet, ${kind}.xlsx or a folder ${kind}/ of Parquet part files). ${REQUIRED_HINT}`,
        `${kind}.csv`,
      );
    }
    return found[0];
  };
  const customers = (await find('customers', true)) as FeedFile;
  const orders = (await find('orders', true)) as FeedFile;
  const tickets = await find('tickets', false);
  // A folder with a feed file's name would reach the readers, which fail on it without naming it.
  for (const file of [customers, orders, tickets]) {
    if (file && !file.parts && (await stat(file.path)).isDirectory())
      throw new FeedError(
        'unreadable_file',
        `${file.name} is a folder, not a file (in "${dir}").`,
        file.name,
      );
  }
  return tickets ? { customers, orders, tickets } : { customers, orders };
}

/**
 * Whether a path below a folder of parts is a part file: a `.parquet` file none of whose folders or
 * own name starts with `_` or `.`, which Spark, Hadoop and pyarrow keep for what is not data
 * (`_SUCCESS`, `_temporary/` of a job still writing, `.part-00000....crc` checksums, `_metadata`).
 */
export function isPartFile(relativePath: string): boolean {
  const segments = relativePath.split(/[\\/]/);
  return (
    segments.every((segment) => !segment.startsWith('_') && !segment.startsWith('.')) &&
    relativePath.toLowerCase().endsWith('.parquet')
  );
}

/** A Delta table's log folder: its part files hold the versions it replaced, beside the current ones. */
export const isDeltaLog = (relativePath: string) => /(^|[\\/])_delta_log([\\/]|$)/.test(relativePath);

/** `file`, or a folder named `orders.parquet` (pandas' partitioned table) read as its parts. */
async function asPartsFolder(file: FeedFile, dir: string): Promise<FeedFile> {
  if (file.format !== 'parquet' || !(await stat(file.path)).isDirectory()) return file;
  return (await partsFolder(file.kind, dir, file.name, true)) as FeedFile;
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
  if (parts.length === 0) {
    if (!named) return undefined;
    throw new FeedError(
      'unreadable_file',
      `${label} is a folder with no Parquet part files (.parquet) in it (in "${dir}").`,
      label,
    );
  }
  return { kind, name: label, path, format: 'parquet', parts: parts.map((part) => join(path, part)) };
}

/**
 * What the feed's files in `dir` are now, without reading them: each file's name, size and last
 * change. Another export written over a file (or a file added or removed) gives another value.
 */
export async function folderFeedVersion(dir: string): Promise<string> {
  const files = await findFeedFiles(dir);
  const parts = await Promise.all(
    [files.customers, files.orders, files.tickets].flatMap((file) =>
      // A folder's parts each: Spark rewrites them and keeps the folder.
      (file ? (file.parts ?? [file.path]) : []).map((path) =>
        stat(path).then((s) => `${path.slice(dir.length + 1)} ${s.size} ${s.mtimeMs}`),
      ),
    ),
  );
  return parts.join('\n');
}
