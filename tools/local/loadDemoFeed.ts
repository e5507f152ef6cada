import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { CUSTOMERS_FILE } from '../../feed/readCustomers';
import { ORDERS_FILE, TICKETS_FILE } from '../../feed/readFeed';

/**
 * Uploads a feed folder (demo/feed by default) to a blob container, as a user's export job would in
 * Azure, so the local weekly run reads its feed from Blob Storage exactly like the deployed one.
 */

export interface LoadedFeed {
  container: string;
  /** The blob names written, e.g. ["customers.csv", "orders.csv", "tickets.csv"]. */
  blobs: string[];
  bytes: number;
}

/** Creates the container if needed and uploads customers.csv, orders.csv and (when present) tickets.csv. */
export async function loadFeedIntoContainer(
  connectionString: string,
  container: string,
  feedDir: string,
): Promise<LoadedFeed> {
  const client = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(container);
  await client.createIfNotExists();
  const files = [CUSTOMERS_FILE, ORDERS_FILE, TICKETS_FILE];
  const present = await Promise.all(files.map((file) => exists(join(feedDir, file))));
  const missing = files.slice(0, 2).filter((_, i) => !present[i]);
  if (missing.length > 0) {
    throw new Error(`The feed folder ${feedDir} has no ${missing.join(' or ')}: a feed needs both.`);
  }
  const toUpload = files.filter((_, i) => present[i]);
  const sizes = await Promise.all(
    toUpload.map(async (file) => {
      const blob = client.getBlockBlobClient(file);
      await blob.uploadFile(join(feedDir, file), { blobHTTPHeaders: { blobContentType: 'text/csv' } });
      return (await blob.getProperties()).contentLength ?? 0;
    }),
  );
  return { container, blobs: toUpload, bytes: sizes.reduce((a, b) => a + b, 0) };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
