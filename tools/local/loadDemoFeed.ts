import { relative, sep } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { inPartsFolder } from '../../feed/blobFeed';
import { type FeedFile, findFeedFiles, namesOf } from '../../feed/feedFiles';

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

/**
 * Creates the container if needed and uploads the folder's feed files as readFeed finds them
 * (customers and orders, tickets when present; each .csv, .txt, .tsv, .parquet or .xlsx, under its
 * own name, or a folder of Parquet parts, each under its path), after removing the container's feed blobs of another name: a day's feed in orders.xlsx
 * after one in orders.csv would otherwise leave both, which the run refuses.
 */
export async function loadFeedIntoContainer(
  connectionString: string,
  container: string,
  feedDir: string,
): Promise<LoadedFeed> {
  const client = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(container);
  await client.createIfNotExists();
  const found = await findFeedFiles(feedDir);
  const files = [found.customers, found.orders, ...(found.tickets ? [found.tickets] : [])];
  // A folder of Parquet parts is uploaded part by part, under the folder's name (`orders/part-00000-....parquet`).
  const uploads = files.flatMap((file) =>
    (file.parts ?? [file.path]).map((path) => ({
      name: file.parts ? `${file.name}${relative(file.path, path).split(sep).join('/')}` : file.name,
      path,
      format: file.format,
    })),
  );
  const names = new Set(uploads.map((upload) => upload.name));
  const feedNames = new Set((['customers', 'orders', 'tickets'] as const).flatMap(namesOf));
  for await (const blob of client.listBlobsFlat())
    if ((feedNames.has(blob.name.toLowerCase()) || inPartsFolder(blob.name)) && !names.has(blob.name))
      await client.getBlockBlobClient(blob.name).deleteIfExists();
  const sizes = await Promise.all(
    uploads.map(async (upload) => {
      const blob = client.getBlockBlobClient(upload.name);
      await blob.uploadFile(upload.path, {
        blobHTTPHeaders: { blobContentType: CONTENT_TYPES[upload.format] },
      });
      return (await blob.getProperties()).contentLength ?? 0;
    }),
  );
  return { container, blobs: uploads.map((upload) => upload.name), bytes: sizes.reduce((a, b) => a + b, 0) };
}

const CONTENT_TYPES: Record<FeedFile['format'], string> = {
  csv: 'text/csv',
  parquet: 'application/vnd.apache.parquet',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
