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

/** One feed file: its name as the user knows it ("orders.xlsx"), its path and its format. */
export interface FeedFile {
  kind: FeedKind;
  name: string;
  path: string;
  format: FileFormat;
}

/** The file names a kind may have, e.g. customers.csv, customers.parquet, customers.xlsx. */
export function namesOf(kind: FeedKind): string[] {
  return EXTENSIONS.map(({ extension }) => `${kind}.${extension}`);
}

const REQUIRED_HINT =
  'A feed needs customers and orders (tickets are optional), each as .csv (or a .txt or .tsv text export), .parquet or .xlsx.';

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
  const find = (kind: FeedKind, required: boolean): FeedFile | undefined => {
    const found = EXTENSIONS.flatMap(({ extension, format }) => {
      const real = names.get(`${kind}.${extension}`);
      return real ? [{ kind, name: real, path: join(dir, real), format }] : [];
    });
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
        `The feed folder "${dir}" has no ${kind}.csv (nor ${kind}.txt, ${kind}.tsv, ${kind}.parquet or ${kind}.xlsx). ${REQUIRED_HINT}`,
        `${kind}.csv`,
      );
    }
    return found[0];
  };
  const customers = find('customers', true) as FeedFile;
  const orders = find('orders', true) as FeedFile;
  const tickets = find('tickets', false);
  // A folder with a feed file's name would reach the readers, which fail on it without naming it.
  for (const file of [customers, orders, tickets]) {
    if (file && (await stat(file.path)).isDirectory())
      throw new FeedError(
        'unreadable_file',
        `${file.name} is a folder, not a file (in "${dir}").`,
        file.name,
      );
  }
  return tickets ? { customers, orders, tickets } : { customers, orders };
}

/**
 * What the feed's files in `dir` are now, without reading them: each file's name, size and last
 * change. Another export written over a file (or a file added or removed) gives another value.
 */
export async function folderFeedVersion(dir: string): Promise<string> {
  const files = await findFeedFiles(dir);
  const parts = await Promise.all(
    [files.customers, files.orders, files.tickets].flatMap((file) =>
      file ? [stat(file.path).then((s) => `${file.name} ${s.size} ${s.mtimeMs}`)] : [],
    ),
  );
  return parts.join('\n');
}
