import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenCredential } from '@azure/identity';
import { BlobServiceClient, type ContainerClient, RestError } from '@azure/storage-blob';
import { FeedError } from './feedError';
import {
  CUSTOMERS_FILE,
  type FeedResult,
  ORDERS_FILE,
  type ReadFeedOptions,
  readFeed,
  TICKETS_FILE,
} from './readFeed';

/** Where a feed lives in Blob Storage: a container, and optionally a folder-like prefix in it (`feed/`). */
export interface BlobFeedOptions extends ReadFeedOptions {
  prefix?: string;
}

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
 * Reads a feed stored as blobs (customers.csv, orders.csv, optional tickets.csv) by downloading them
 * to a temporary folder and handing it to readFeed, which streams the files; the folder is removed
 * afterwards. A missing container or required blob is a FeedError naming the container and blob.
 */
export async function readBlobFeed(
  container: ContainerClient,
  options: BlobFeedOptions = {},
): Promise<FeedResult> {
  const { prefix = '', ...feedOptions } = options;
  if (!(await container.exists())) {
    throw new FeedError(
      'missing_file',
      `The feed container "${container.containerName}" does not exist at ${container.url}. Create it and upload customers.csv and orders.csv.`,
      CUSTOMERS_FILE,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'churn-feed-'));
  try {
    // allSettled, not all: a failed download must not leave the others writing into the folder
    // that `finally` is removing (rm then fails with ENOTEMPTY and hides the real error).
    const downloads = await Promise.allSettled([
      download(container, prefix, CUSTOMERS_FILE, dir, true),
      download(container, prefix, ORDERS_FILE, dir, true),
      download(container, prefix, TICKETS_FILE, dir, false),
    ]);
    for (const d of downloads) if (d.status === 'rejected') throw d.reason;
    return await readFeed(dir, feedOptions);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Downloads one blob into `dir`; a missing required blob throws FeedError, a missing optional one is skipped. */
async function download(
  container: ContainerClient,
  prefix: string,
  file: string,
  dir: string,
  required: boolean,
): Promise<void> {
  const blobName = `${prefix}${file}`;
  try {
    await container.getBlobClient(blobName).downloadToFile(join(dir, file));
  } catch (err) {
    if (!(err instanceof RestError && err.statusCode === 404)) throw err;
    if (!required) {
      await rm(join(dir, file), { force: true }); // downloadToFile may leave an empty file behind
      return;
    }
    throw new FeedError(
      'missing_file',
      `The feed container "${container.containerName}" has no blob "${blobName}". A feed needs customers.csv and orders.csv (tickets.csv is optional).`,
      file,
    );
  }
}
