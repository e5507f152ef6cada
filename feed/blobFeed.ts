import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TokenCredential } from '@azure/identity';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { FeedError } from './feedError';
import {
  feedFilesInZip,
  isCsvPartFile,
  isDeltaLog,
  isFeedZip,
  isPartFile,
  isZip,
  KINDS,
  namesOf,
} from './feedFiles';
import { escapesFolder } from './packedFile';
import { type FeedResult, type ReadFeedOptions, readFeed } from './readFeed';

/** Where a feed lives in Blob Storage: a container, and optionally a folder-like prefix in it (`feed/`). */
export interface BlobFeedOptions extends ReadFeedOptions {
  prefix?: string;
  /** The zips found to hold no feed file, kept across reads so an unchanged one is not downloaded again. */
  zipsNotFeed?: ZipsNotFeed;
}

/**
 * The zips at the top of a feed container found to hold no feed file (a backup or a photo archive
 * beside the exports), by the blob's URL -> its ETag then. What a zip holds is known only once it
 * is downloaded, and a read downloads every zip there, each time the feed changed or is read as of
 * another day: kept across the reads of one process, a zip is downloaded again only once its ETag
 * (which the listing gives) changes, that is once something was uploaded over it. One that could
 * not be read is not kept: each read says why it was passed over.
 */
export type ZipsNotFeed = Map<string, string>;

/** How to reach the blob service: a connection string (Azurite), or an endpoint with a credential (managed identity). */
export type BlobServiceSettings =
  | { connectionString: string }
  | { blobEndpoint: string; credential: TokenCredential };

/** A ContainerClient for the feed container. */
export function feedContainerClient(settings: BlobServiceSettings, container: string): ContainerClient {
  const service =
    'connectionString' in settings
      ? BlobServiceClient.fromConnectionString(settings.connectionString)
      : new BlobServiceClient(new URL(settings.blobEndpoint).toString(), settings.credential);
  return service.getContainerClient(container);
}

/**
 * Whether a blob name (below the prefix) is of a folder of parts, as Spark or pandas writes a table
 * to a container (`orders/part-00000-....parquet`, `orders.parquet/region=West/....parquet`,
 * `orders/part-00000-....csv`): a part file, or a Delta table's log (which the read then refuses,
 * naming it).
 */
function inPartsFolder(name: string): boolean {
  const slash = name.indexOf('/');
  if (slash < 0) return false;
  const folder = name.slice(0, slash).toLowerCase();
  const below = name.slice(slash + 1);
  return KINDS.some(
    (kind) =>
      (folder === kind || folder === `${kind}.parquet`) &&
      (isPartFile(below) || isDeltaLog(below) || (folder === kind && isCsvPartFile(below))),
  );
}

const FEED_NAMES = new Set(KINDS.flatMap(namesOf));

/**
 * Whether a blob name (below the prefix) is one the feed is read from: a feed file's name, a part of
 * a folder of parts, or a zip at the top, which may hold the whole feed (`export.zip`).
 */
export function isFeedBlob(name: string): boolean {
  // The name becomes the download's path in the read's folder: one with `..` would write outside it.
  if (escapesFolder(name)) return false;
  return FEED_NAMES.has(name.toLowerCase()) || inPartsFolder(name) || (isZip(name) && !name.includes('/'));
}

/**
 * The feed's blob names under the prefix (orders, optional customers and tickets; each .csv, .csv.gz,
 * .zip, .parquet or .xlsx, or a folder of Parquet or CSV parts; and any zip at the top, which may
 * hold the whole feed), read as the runs read them. A missing container or required blob is a FeedError naming
 * the container and blob; a refused identity is the storage error itself.
 */
export async function feedBlobNames(container: ContainerClient, prefix = ''): Promise<string[]> {
  return (await feedBlobs(container, prefix)).map((b) => b.name);
}

/**
 * What the feed's blobs are now, without downloading them: each blob's name, ETag and last change,
 * from one listing of the container. A new upload of any file (or a file added or removed) gives
 * another value, so a reader that kept the book can tell whether to read it again.
 */
export async function blobFeedVersion(container: ContainerClient, prefix = ''): Promise<string> {
  return (await feedBlobs(container, prefix))
    .map((b) => `${b.name} ${b.etag} ${b.lastModified}`)
    .sort()
    .join('\n');
}

/** The feed's blobs under the prefix with what the listing says of each (see feedBlobNames). */
async function feedBlobs(
  container: ContainerClient,
  prefix: string,
): Promise<{ name: string; etag: string; lastModified: string }[]> {
  if (!(await container.exists())) {
    throw new FeedError(
      'missing_file',
      `The feed container "${container.containerName}" does not exist at ${container.url}. Create it and upload orders.csv (and customers.csv, when you export your customers).`,
      'orders.csv',
    );
  }
  const found: { name: string; etag: string; lastModified: string }[] = [];
  for await (const blob of container.listBlobsFlat({ prefix, includeMetadata: true })) {
    const name = blob.name.slice(prefix.length);
    // A storage account with a hierarchical namespace (Data Lake) lists each folder as a blob too.
    if (blob.metadata?.hdi_isfolder === 'true') continue;
    if (isFeedBlob(name))
      found.push({
        name,
        etag: blob.properties.etag ?? '',
        lastModified: blob.properties.lastModified?.toISOString() ?? '',
      });
  }
  // What a zip holds is known once it is downloaded: the read then names what it lacks.
  const zipped = found.some(({ name }) => isFeedZip(name));
  // Customers are optional: a shop that exports its orders alone has its customers taken from them.
  for (const kind of zipped ? [] : (['orders'] as const)) {
    const ofKind = (name: string) =>
      ['.', '/'].some((after) => name.toLowerCase().startsWith(`${kind}${after}`));
    if (!found.some(({ name }) => ofKind(name))) {
      throw new FeedError(
        'missing_file',
        `The feed container "${container.containerName}" has no blob "${prefix}${kind}.csv" (nor .csv.gz, .zip, .parquet, .xlsx, a folder ${prefix}${kind}/ of Parquet or CSV part files, or a zip holding ${kind}.csv). A feed needs orders (customers are taken from the orders when there is no customers file; tickets are optional).`,
        `${kind}.csv`,
      );
    }
  }
  return found;
}

/**
 * Reads a feed stored as blobs (feedBlobNames) by downloading them to a temporary folder and
 * reading it as readFeed reads a folder; the folder is removed afterwards.
 */
export async function readBlobFeed(
  container: ContainerClient,
  options: BlobFeedOptions = {},
): Promise<FeedResult> {
  const { prefix = '', zipsNotFeed, ...feedOptions } = options;
  const urlOf = (name: string) => container.getBlobClient(`${prefix}${name}`).url;
  const found = (await feedBlobs(container, prefix)).filter(
    ({ name, etag }) => !(etag !== '' && zipsNotFeed?.get(urlOf(name)) === etag),
  );
  const dir = await mkdtemp(join(tmpdir(), 'churn-feed-'));
  try {
    // allSettled, not all: a failed download must not leave the others writing into the folder
    // that `finally` is removing (rm then fails with ENOTEMPTY and hides the real error).
    const downloads = await Promise.allSettled(
      found.map(async ({ name }) => {
        // A part's folders, made first: `orders/part-00000-....parquet`.
        await mkdir(dirname(join(dir, name)), { recursive: true });
        return container.getBlobClient(`${prefix}${name}`).downloadToFile(join(dir, name));
      }),
    );
    for (const d of downloads) if (d.status === 'rejected') throw d.reason;
    if (zipsNotFeed)
      for (const { name, etag } of found.filter((b) => isFeedZip(b.name) && b.etag !== '')) {
        const held = await feedFilesInZip(dir, name).catch((error: unknown) => {
          if (error instanceof FeedError) return undefined;
          throw error;
        });
        if (held?.length === 0) zipsNotFeed.set(urlOf(name), etag);
      }
    return await readFeed(dir, feedOptions).catch((error: unknown) => {
      // A zip's files are known only once downloaded: what it lacks is told of the container, not
      // of the temporary folder it was read in.
      if (!(error instanceof FeedError)) throw error;
      const where = `feed container "${container.containerName}"${prefix ? ` (under "${prefix}")` : ''}`;
      throw new FeedError(
        error.code,
        error.message.replaceAll(`feed folder "${dir}"`, where).replaceAll(`"${dir}"`, `the ${where}`),
        error.file,
      );
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
