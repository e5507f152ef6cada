import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { sharedStrings } from '../rules/book';
import type { CustomerState } from '../rules/customerState';
import { sameCustomerState } from '../rules/customerState';
import { runLimited, transactionChunks } from './batches';
import { ConflictError, naming, statusOf } from './errors';
import { idKey } from './keys';
import { fromStateEntity, type StateEntity, toStateEntity } from './stateEntity';
import { endpointOf, readEntity } from './tableClients';

/** One customer's stored state and the ETag it was read with. */
export interface StateRead {
  state: CustomerState;
  etag: string;
}

/** A stored state and when the service last wrote it (its Timestamp, ISO 8601). */
export interface ChangedState {
  state: CustomerState;
  writtenAt: string;
}

/** Every stored state and the ETag each was read with, keyed by customer id (what a run works from). */
export interface StateSnapshot {
  states: Map<string, CustomerState>;
  etags: Map<string, string>;
}

/**
 * A snapshot filled row by row as the pages come in, each rep's address and each reason's words
 * kept once (sharedStrings).
 */
export function snapshotBuilder(): { snapshot: StateSnapshot; add(row: StateRead): void } {
  const snapshot: StateSnapshot = { states: new Map(), etags: new Map() };
  const owner = sharedStrings();
  const reason = sharedStrings();
  return {
    snapshot,
    add({ state, etag }) {
      state.owner = owner(state.owner);
      state.reasons = state.reasons.map(reason);
      snapshot.states.set(state.customerId, state);
      snapshot.etags.set(state.customerId, etag);
    },
  };
}

/**
 * What to store for a row that changed since the snapshot was read: given the row as it is now
 * (null when there is none), the state the writer meant to store and the state it had read (undefined
 * for a row it saw as new). Return the state to write over the fresh row, or null to leave it as it is.
 */
export type ResolveStale = (row: {
  fresh: CustomerState | null;
  intended: CustomerState;
  read: CustomerState | undefined;
}) => CustomerState | null;

/** What a guarded write did. */
export interface GuardedWriteResult {
  /** Rows stored (in transactions, or one by one after a conflict, re-resolved ones included). */
  written: number;
  /** Transactions submitted, failed ones included. */
  transactions: number;
  /** Transactions that hit a changed row and were redone row by row. */
  fallbacks: number;
  /** Rows that had changed and were written again after resolve (ids). */
  resolved: string[];
  /** Rows that had changed and were left as found, because resolve said so (ids). */
  kept: string[];
}

export interface UpdateResult {
  /** The state now stored (null when decide returned null for a missing customer). */
  state: CustomerState | null;
  /** False when decide returned null: nothing was written. */
  written: boolean;
  /** Reads it took (1 when nobody raced us). */
  attempts: number;
}

/** Customer state: one row per customer, one partition per book. */
export interface StateStore {
  /** Every customer's state, keyed by customer id (pages through the partition). */
  getAll(): Promise<Map<string, CustomerState>>;
  /** Every customer's state and ETag (pages through the partition), for writeGuarded. */
  readAll(): Promise<StateSnapshot>;
  /**
   * The states written at or after `since` (every state when null), each with the time the service
   * wrote it (its Timestamp, ISO), and the service's time when it was asked (its Date header; null
   * when it sent none): what a reader that keeps the states asks for what changed.
   */
  readChangedSince(since: Date | null): Promise<{ rows: ChangedState[]; askedAt: Date | null }>;
  /** One customer's state and ETag, or null. */
  get(customerId: string): Promise<StateRead | null>;
  /**
   * Writes the states that differ from `previous`, in transactions of <= 100, overwriting whatever is
   * stored (no ETag): for seeding and tests. A writer racing the reps' actions uses writeGuarded.
   */
  writeChanged(
    previous: ReadonlyMap<string, CustomerState>,
    next: readonly CustomerState[],
    options?: { concurrency?: number },
  ): Promise<{ written: number; transactions: number }>;
  /**
   * Writes the states that differ from the snapshot, in transactions of <= 100, never over a row
   * changed since the snapshot was read: existing rows go as ETag-conditional Replace updates, new
   * ones as creates. A transaction that fails on a changed row (412, 409, 404) is redone row by row;
   * each changed row is re-read and `resolve` decides what, if anything, to write over it.
   */
  writeGuarded(
    snapshot: StateSnapshot,
    next: readonly CustomerState[],
    options: { resolve: ResolveStale; concurrency?: number },
  ): Promise<GuardedWriteResult>;
  /** Writes one row per request, no batching (the baseline the benchmark compares against). */
  writeEach(
    states: readonly CustomerState[],
    options?: { concurrency?: number },
  ): Promise<{ written: number }>;
  /** Read, decide, write with the ETag; on a lost race re-read and re-decide, up to maxAttempts, then ConflictError. */
  update(
    customerId: string,
    decide: (current: CustomerState | null) => CustomerState | null,
    options?: { maxAttempts?: number },
  ): Promise<UpdateResult>;
}

/** Table Storage implementation of StateStore. */
export class TableStateStore implements StateStore {
  private readonly endpoint: string;

  constructor(
    private readonly client: TableClient,
    private readonly partition: string,
  ) {
    this.endpoint = endpointOf(client);
  }

  async getAll(): Promise<Map<string, CustomerState>> {
    return (await this.readAll()).states;
  }

  async readAll(): Promise<StateSnapshot> {
    const snapshot = snapshotBuilder();
    let continuationToken: string | undefined;
    do {
      const page = await this.readPage(1000, continuationToken);
      for (const row of page.rows) snapshot.add(row);
      continuationToken = page.continuationToken;
    } while (continuationToken);
    return snapshot.snapshot;
  }

  async readChangedSince(since: Date | null): Promise<{ rows: ChangedState[]; askedAt: Date | null }> {
    // Timestamp is no key: the service scans the partition, but sends only the rows that match. A
    // page may hold none and still carry a continuation token, so every page is asked for.
    const filter =
      since === null
        ? odata`PartitionKey eq ${this.partition}`
        : odata`PartitionKey eq ${this.partition} and Timestamp ge ${since}`;
    const rows: ChangedState[] = [];
    let askedAt: Date | null = null;
    // The service's clock, which stamps the rows too: the next ask starts from it, whatever this host's clock says.
    const onResponse = (response: { headers: { get(name: string): string | undefined } }) => {
      const date = Date.parse(response.headers.get('date') ?? '');
      if (askedAt === null && Number.isFinite(date)) askedAt = new Date(date);
    };
    let continuationToken: string | undefined;
    do {
      const page = await this.readPage(1000, continuationToken, filter, onResponse);
      for (const row of page.rows) rows.push({ state: row.state, writtenAt: row.writtenAt });
      continuationToken = page.continuationToken;
    } while (continuationToken);
    return { rows, askedAt };
  }

  private async readPage(
    pageSize: number,
    continuationToken: string | undefined,
    filter = odata`PartitionKey eq ${this.partition}`,
    onResponse?: (response: { headers: { get(name: string): string | undefined } }) => void,
  ): Promise<{ rows: (StateRead & { writtenAt: string })[]; continuationToken?: string }> {
    return naming(this.endpoint, async () => {
      const pages = this.client
        .listEntities({ queryOptions: { filter }, ...(onResponse ? { onResponse } : {}) })
        .byPage({ maxPageSize: pageSize, continuationToken });
      const first = await pages.next();
      if (first.done) return { rows: [] };
      return {
        rows: first.value.map((e) => ({
          state: fromStateEntity(e),
          etag: e.etag,
          writtenAt: e.timestamp ?? '',
        })),
        continuationToken: first.value.continuationToken,
      };
    });
  }

  async get(customerId: string): Promise<StateRead | null> {
    return naming(this.endpoint, async () => {
      const entity = await readEntity(this.client, this.partition, idKey(customerId));
      return entity && { state: fromStateEntity(entity), etag: entity.etag };
    });
  }

  async writeChanged(
    previous: ReadonlyMap<string, CustomerState>,
    next: readonly CustomerState[],
    options: { concurrency?: number } = {},
  ): Promise<{ written: number; transactions: number }> {
    const changed = changedStates('writeChanged', previous, next);
    const entities = mapped(changed, (s) => toStateEntity(this.partition, s));
    let transactions = 0;
    const tasks = mapped(transactionChunks(entities, entityBytes), (chunk) => async () => {
      transactions++;
      const actions: TransactionAction[] = chunk.map((e) => ['upsert', e, 'Replace']);
      await naming(this.endpoint, () => this.client.submitTransaction(actions));
    });
    await runLimited(tasks, options.concurrency ?? 4);
    return { written: changed.length, transactions };
  }

  async writeGuarded(
    snapshot: StateSnapshot,
    next: readonly CustomerState[],
    options: { resolve: ResolveStale; concurrency?: number },
  ): Promise<GuardedWriteResult> {
    const changed = changedStates('writeGuarded', snapshot.states, next);
    // Each row's entity is made as its transaction is put together, not all before the first is
    // sent: a million rows' entities (about 375 MB) beside the run's plan would not fit Node's heap.
    const rows = mapped(changed, (state) => ({
      state,
      entity: toStateEntity(this.partition, state),
      etag: snapshot.etags.get(state.customerId),
    }));
    const result: GuardedWriteResult = { written: 0, transactions: 0, fallbacks: 0, resolved: [], kept: [] };
    const chunks = transactionChunks(rows, (r) => entityBytes(r.entity));
    const tasks = mapped(chunks, (chunk) => async () => {
      // A row read without an ETag is one the writer saw as new: create it, so a row someone else
      // created meanwhile fails (409) instead of being replaced.
      const actions: TransactionAction[] = chunk.map((r) =>
        r.etag === undefined ? ['create', r.entity] : ['update', r.entity, 'Replace', { etag: r.etag }],
      );
      result.transactions++;
      try {
        await naming(this.endpoint, () => this.client.submitTransaction(actions));
        result.written += chunk.length;
        return;
      } catch (err) {
        if (!isStaleRow(err)) throw err;
      }
      // The transaction was all or nothing: redo its rows one by one, so only the changed ones are held back.
      result.fallbacks++;
      for (const r of chunk) {
        const outcome = await this.writeOneGuarded(
          r,
          snapshot.states.get(r.state.customerId),
          options.resolve,
        );
        if (outcome !== 'kept') result.written++;
        if (outcome === 'resolved') result.resolved.push(r.state.customerId);
        if (outcome === 'kept') result.kept.push(r.state.customerId);
      }
    });
    await runLimited(tasks, options.concurrency ?? 4);
    return result;
  }

  /** One row of a failed transaction: the conditional write alone, then (if the row changed) re-read and resolve. */
  private async writeOneGuarded(
    row: { state: CustomerState; entity: StateEntity; etag: string | undefined },
    read: CustomerState | undefined,
    resolve: ResolveStale,
  ): Promise<'written' | 'resolved' | 'kept'> {
    const { etag } = row;
    try {
      await naming(this.endpoint, () =>
        etag === undefined
          ? this.client.createEntity(row.entity)
          : this.client.updateEntity(row.entity, 'Replace', { etag }),
      );
      return 'written';
    } catch (err) {
      if (!isStaleRow(err)) throw err;
    }
    const customerId = row.state.customerId;
    const outcome = await this.update(customerId, (fresh) => resolve({ fresh, intended: row.state, read }));
    return outcome.written ? 'resolved' : 'kept';
  }

  async writeEach(
    states: readonly CustomerState[],
    options: { concurrency?: number } = {},
  ): Promise<{ written: number }> {
    const tasks = states.map((s) => async () => {
      await naming(this.endpoint, () =>
        this.client.upsertEntity(toStateEntity(this.partition, s), 'Replace'),
      );
    });
    await runLimited(tasks, options.concurrency ?? 4);
    return { written: states.length };
  }

  async update(
    customerId: string,
    decide: (current: CustomerState | null) => CustomerState | null,
    options: { maxAttempts?: number } = {},
  ): Promise<UpdateResult> {
    const { maxAttempts = 5 } = options;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const current = await this.get(customerId);
      const decided = decide(current?.state ?? null);
      if (decided === null) return { state: current?.state ?? null, written: false, attempts: attempt };
      if (decided.customerId !== customerId) {
        throw new Error(`decide() returned customer ${decided.customerId} for ${customerId}`);
      }
      const entity = toStateEntity(this.partition, decided);
      try {
        await naming(this.endpoint, () =>
          current
            ? this.client.updateEntity(entity, 'Replace', { etag: current.etag })
            : this.client.createEntity(entity),
        );
        return { state: decided, written: true, attempts: attempt };
      } catch (err) {
        // 412: the row changed since we read it; 409: someone created it first. Re-read and re-decide.
        const status = statusOf(err);
        if (status !== 412 && status !== 409) throw err;
      }
    }
    throw new ConflictError(`customer ${JSON.stringify(customerId)}`, maxAttempts);
  }
}

/** The states of `next` that differ from `previous` (or are new); throws when one customer is listed twice. */
function changedStates(
  caller: string,
  previous: ReadonlyMap<string, CustomerState>,
  next: readonly CustomerState[],
): CustomerState[] {
  const seen = new Set<string>();
  for (const s of next) {
    // Two rows for one entity would fail the whole transaction with a 400; say which id instead.
    if (seen.has(s.customerId))
      throw new Error(`${caller}: customer ${JSON.stringify(s.customerId)} appears twice`);
    seen.add(s.customerId);
  }
  return next.filter((s) => {
    const before = previous.get(s.customerId);
    return before === undefined || !sameCustomerState(before, s);
  });
}

/** `items` mapped one at a time as they are read. */
function* mapped<T, U>(items: Iterable<T>, map: (item: T) => U): Generator<U> {
  for (const item of items) yield map(item);
}

/** Estimated request bytes of an entity (UTF-16 upper bound), for the transaction size budget. */
function entityBytes(entity: StateEntity): number {
  return JSON.stringify(entity).length * 2;
}

/** 412: changed since read; 409: created since read; 404: deleted since read. */
function isStaleRow(err: unknown): boolean {
  const status = statusOf(err);
  return status === 412 || status === 409 || status === 404;
}
