import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import type { Config } from '../functions/config';
import { type AuditStore, TableAuditStore } from './auditStore';
import { type ConversationStore, TableConversationStore } from './conversationStore';
import { type ListingStore, TableListingStore } from './listingStore';
import { RequestCounter, type RequestCounts } from './requestCounter';
import { type RunLedger, TableRunLedger } from './runLedger';
import { type StateStore, TableStateStore } from './stateStore';
import {
  createTableClient,
  DEFAULT_RETRY,
  ensureTable,
  type PolicyConfig,
  type RetrySettings,
  tableName,
} from './tableClients';
import { TRY_TIMEOUT_MS } from './tryTimeoutPolicy';

/** Everything the product keeps, behind one handle. */
export interface Storage {
  state: StateStore;
  audit: AuditStore;
  conversations: ConversationStore;
  runs: RunLedger;
  /** Each customer's weeks on the lists, as the weekly runs recorded them. */
  listings: ListingStore;
  /** HTTP requests and `$batch` transactions sent since open (or the last reset). */
  requests(): RequestCounts;
  resetRequestCount(): void;
  /** The table names in use (for logs and clean-up in tests). */
  tables: Readonly<
    Record<'state' | 'audit' | 'auditByCustomer' | 'conversations' | 'runs' | 'listings', string>
  >;
}

export interface OpenStorageOptions {
  /** The state partition: one per book (default `book`). */
  book?: string;
  /** IANA zone whose calendar month names an audit partition (default UTC). */
  timeZone?: string;
  /** The SDK's retry settings (defaults: 4 retries, 0.5 s doubling to 8 s). */
  retry?: Partial<RetrySettings>;
  /** Extra pipeline policies (tests inject faults with these). */
  policies?: PolicyConfig[];
  /** Credential for a table endpoint; DefaultAzureCredential when missing. */
  credential?: TokenCredential;
  /** Skip creating tables (when something else already did). */
  skipCreate?: boolean;
  /** How long one try may go unanswered before it is retried (default TRY_TIMEOUT_MS). */
  tryTimeoutMs?: number;
}

/** Opens storage from the config: builds the clients and creates the tables if they are missing. */
export async function openStorage(
  config: Config['storage'],
  options: OpenStorageOptions = {},
): Promise<Storage> {
  const {
    book = 'book',
    timeZone = 'UTC',
    retry = {},
    policies = [],
    credential,
    skipCreate = false,
    tryTimeoutMs = TRY_TIMEOUT_MS,
  } = options;
  const counter = new RequestCounter();
  const settings = {
    storage: config,
    retry: { ...DEFAULT_RETRY, ...retry },
    policies: [counter.policy, ...policies],
    tryTimeoutMs,
    // One credential for every client, so tokens are fetched and cached once.
    credential: credential ?? (config.tableEndpoint ? new DefaultAzureCredential() : undefined),
  };
  const tables = {
    state: tableName(config.tablePrefix, 'State'),
    audit: tableName(config.tablePrefix, 'Audit'),
    auditByCustomer: tableName(config.tablePrefix, 'AuditByCustomer'),
    conversations: tableName(config.tablePrefix, 'Conversations'),
    runs: tableName(config.tablePrefix, 'Runs'),
    listings: tableName(config.tablePrefix, 'Listings'),
  } as const;
  const clients = {
    state: createTableClient(settings, tables.state),
    audit: createTableClient(settings, tables.audit),
    auditByCustomer: createTableClient(settings, tables.auditByCustomer),
    conversations: createTableClient(settings, tables.conversations),
    runs: createTableClient(settings, tables.runs),
    listings: createTableClient(settings, tables.listings),
  };
  if (!skipCreate) await Promise.all(Object.values(clients).map((c) => ensureTable(c)));
  return {
    state: new TableStateStore(clients.state, book),
    audit: new TableAuditStore(clients.audit, clients.auditByCustomer, timeZone),
    conversations: new TableConversationStore(clients.conversations),
    runs: new TableRunLedger(clients.runs),
    listings: new TableListingStore(clients.listings),
    requests: () => counter.snapshot(),
    resetRequestCount: () => counter.reset(),
    tables,
  };
}
