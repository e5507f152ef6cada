import {
  type GetTableEntityOptions,
  type GetTableEntityResponse,
  RestError,
  TableClient,
  type TableEntityResult,
  type TableServiceClientOptions,
} from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import { type Config, connectionStringTableEndpoint } from '../functions/config';
import { naming, statusOf } from './errors';
import { staleConnectionPolicy } from './staleConnectionPolicy';
import { tryTimeoutPolicy } from './tryTimeoutPolicy';

export type PolicyConfig = NonNullable<TableServiceClientOptions['additionalPolicies']>[number];

/** The SDK's own retry knobs (exponential backoff on 408/429/500/503 and network errors). */
export interface RetrySettings {
  maxRetries: number;
  retryDelayInMs: number;
  maxRetryDelayInMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { maxRetries: 4, retryDelayInMs: 500, maxRetryDelayInMs: 8_000 };

export interface ClientSettings {
  storage: Config['storage'];
  retry: RetrySettings;
  policies: PolicyConfig[];
  /** Used with storage.tableEndpoint (managed identity in Azure). */
  credential?: TokenCredential;
  /** How long one try may go unanswered (default TRY_TIMEOUT_MS). */
  tryTimeoutMs?: number;
}

const TABLE_NAME = /^[A-Za-z][A-Za-z0-9]{2,62}$/;

/** The full table name for a prefix and a concern, checked against the service's naming rule. */
export function tableName(prefix: string, suffix: string): string {
  const name = `${prefix}${suffix}`;
  if (!TABLE_NAME.test(name)) {
    throw new Error(`Invalid table name "${name}": letters and digits, starting with a letter, 3 to 63 long`);
  }
  return name;
}

/** True when the connection string points at a plain-http endpoint (Azurite), never a real account. */
export function connectionStringIsHttp(connectionString: string): boolean {
  return connectionStringTableEndpoint(connectionString)?.toLowerCase().startsWith('http:') ?? false;
}

/**
 * A TableClient for one table, with the configured retries and policies, and on every client a
 * resend over a socket the server had closed and a time limit on each try.
 */
export function createTableClient(settings: ClientSettings, table: string): TableClient {
  const { storage, retry, policies } = settings;
  const base: TableServiceClientOptions = {
    retryOptions: { ...retry },
    additionalPolicies: [staleConnectionPolicy(), tryTimeoutPolicy(settings.tryTimeoutMs), ...policies],
  };
  if (storage.connectionString) {
    const allowInsecureConnection = connectionStringIsHttp(storage.connectionString);
    return TableClient.fromConnectionString(storage.connectionString, table, {
      ...base,
      allowInsecureConnection,
    });
  }
  if (storage.tableEndpoint) {
    const url = new URL(storage.tableEndpoint);
    // Managed identity tokens are only sent over https; http is allowed for a local emulator alone.
    const allowInsecureConnection = url.protocol === 'http:';
    const credential = settings.credential;
    if (!credential)
      throw new Error('A table endpoint needs a credential (openStorage supplies DefaultAzureCredential)');
    return new TableClient(url.toString(), table, credential, {
      ...base,
      allowInsecureConnection,
    });
  }
  throw new Error('Storage configuration needs a connection string or a table endpoint');
}

/** The endpoint a client talks to, without the table name or any query (for error messages). */
export function endpointOf(client: TableClient): string {
  const url = new URL(client.url);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/$/, '')}`;
}

/** Creates the client's table unless it exists: 409 TableAlreadyExists is success, anything else is thrown. */
export async function ensureTable(client: TableClient): Promise<void> {
  try {
    await naming(endpointOf(client), () => client.createTable());
  } catch (err) {
    // The SDK already absorbs a parsed 409 from the service; this covers one surfaced by a proxy or policy.
    if (err instanceof RestError && err.statusCode === 409 && err.code === 'TableAlreadyExists') return;
    throw err;
  }
}

/** One entity, or null when the row does not exist (404); every other error is the caller's. */
export async function readEntity<T extends object = Record<string, unknown>>(
  client: TableClient,
  partitionKey: string,
  rowKey: string,
  options?: GetTableEntityOptions,
): Promise<GetTableEntityResponse<TableEntityResult<T>> | null> {
  try {
    return await client.getEntity<T>(partitionKey, rowKey, options);
  } catch (err) {
    if (statusOf(err) === 404) return null;
    throw err;
  }
}
