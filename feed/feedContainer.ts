import { DefaultAzureCredential } from '@azure/identity';
import type { ContainerClient } from '@azure/storage-blob';
import type { Config } from '../functions/config';
import { feedContainerClient } from './blobFeed';

/** The feed container's client: Azurite by connection string, Azure by the managed identity. */
export function feedContainerFor(config: Config, container: string): ContainerClient {
  const { connectionString, blobEndpoint } = config.storage;
  const settings = connectionString
    ? { connectionString }
    : blobEndpoint
      ? { blobEndpoint, credential: new DefaultAzureCredential() }
      : null;
  if (!settings) throw new Error('FEED_CONTAINER needs STORAGE_CONNECTION_STRING or STORAGE_BLOB_ENDPOINT');
  return feedContainerClient(settings, container);
}
