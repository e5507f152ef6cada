import { relative, sep } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { isFeedBlob } from '../../feed/blobFeed';
import { type FeedFile, findFeedFiles, isZip } from '../../feed/feedFiles';

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
 * (customers and orders, tickets when present; each .csv, .txt, .tsv, .parquet or .xlsx, gzipped or
 * zipped, under its own name, or a folder of parts, each under its path), after removing the container's feed blobs of another name: a day's feed in orders.xlsx
 * after one in orders.csv would otherwise leave both, which the run refuses.
 */
export async function loadFeedIntoContainer(
  connectionString: string,
  container: string,
  feedDir: string,
): Promise<LoadedFeed> {
  const client = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(container);
  await client.createIfNotExists();
  // A zip given as the feed (`--feed export.zip`) is uploaded under its own name.
  const { folder, ...found } = await findFeedFiles(feedDir);
  const files = [found.customers, found.orders, found.tickets].filter((file) => file !== undefined);
  // Each file under its path in the folder: a folder of parts part by part (`orders/part-00000-....parquet`),
  // a zip holding the whole feed once (`export.zip`), as it is.
  const byName = new Map(
    files.flatMap((file) =>
      (file.parts ?? [file.path]).map((path) => {
        const name = relative(folder, path).split(sep).join('/');
        return [name, { name, path, type: contentType(name, file.format) }] as const;
      }),
    ),
  );
  const uploads = [...byName.values()];
  for await (const blob of client.listBlobsFlat())
    if (isFeedBlob(blob.name) && !byName.has(blob.name))
      await client.getBlockBlobClient(blob.name).deleteIfExists();
  const sizes = await Promise.all(
    uploads.map(async (upload) => {
      const blob = client.getBlockBlobClient(upload.name);
      await blob.uploadFile(upload.path, {
        blobHTTPHeaders: { blobContentType: upload.type },
      });
      return (await blob.getProperties()).contentLength ?? 0;
    }),
  );
  return { container, blobs: uploads.map((upload) => upload.name), bytes: sizes.reduce((a, b) => a + b, 0) };
}

/** A packed file's type by its extension, any other's by the format it is read as. */
const contentType = (name: string, format: FeedFile['format']) =>
  isZip(name)
    ? 'application/zip'
    : name.toLowerCase().endsWith('.gz')
      ? 'application/gzip'
      : CONTENT_TYPES[format];

const CONTENT_TYPES: Record<FeedFile['format'], string> = {
  csv: 'text/csv',
  parquet: 'application/vnd.apache.parquet',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
