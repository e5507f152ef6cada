import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { CustomerState } from '../rules/customerState';
import { chunkForTransactions, runLimited } from './batches';
import { ConflictError, naming, statusOf } from './errors';
import { idKey } from './keys';
import { fromStateEntity, sameState, toStateEntity } from './stateEntity';
import { endpointOf } from './tableClients';

/** One customer's stored state and the ETag it was read with. */
export interface StateRead {
  state: CustomerState;
  etag: string;
}

/** A page of states and the opaque token for the next one (undefined at the end). */
export interface StatePage {
  states: CustomerState[];
  continuationToken?: string;
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
  /** One page of states; pass the returned token back for the next. */
  getPage(options?: { pageSize?: number; continuationToken?: string }): Promise<StatePage>;
  /** One customer's state and ETag, or null. */
  get(customerId: string): Promise<StateRead | null>;
  /** Writes the states that differ from `previous`, in transactions of <= 100; idempotent, so a rerun finishes a failed run. */
  writeChanged(
    previous: ReadonlyMap<string, CustomerState>,
    next: readonly CustomerState[],
    options?: { concurrency?: number },
  ): Promise<{ written: number; transactions: number }>;
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
    const all = new Map<string, CustomerState>();
    let continuationToken: string | undefined;
    do {
      const page = await this.getPage({ pageSize: 1000, continuationToken });
      for (const s of page.states) all.set(s.customerId, s);
      continuationToken = page.continuationToken;
    } while (continuationToken);
    return all;
  }

  async getPage(options: { pageSize?: number; continuationToken?: string } = {}): Promise<StatePage> {
    const { pageSize = 1000, continuationToken } = options;
    return naming(this.endpoint, async () => {
      const pages = this.client
        .listEntities({ queryOptions: { filter: odata`PartitionKey eq ${this.partition}` } })
        .byPage({ maxPageSize: pageSize, continuationToken });
      const first = await pages.next();
      if (first.done) return { states: [] };
      return { states: first.value.map(fromStateEntity), continuationToken: first.value.continuationToken };
    });
  }

  async get(customerId: string): Promise<StateRead | null> {
    return naming(this.endpoint, async () => {
      try {
        const entity = await this.client.getEntity(this.partition, idKey(customerId));
        return { state: fromStateEntity(entity), etag: entity.etag };
      } catch (err) {
        if (statusOf(err) === 404) return null;
        throw err;
      }
    });
  }

  async writeChanged(
    previous: ReadonlyMap<string, CustomerState>,
    next: readonly CustomerState[],
    options: { concurrency?: number } = {},
  ): Promise<{ written: number; transactions: number }> {
    const seen = new Set<string>();
    for (const s of next) {
      // Two rows for one entity would fail the whole transaction with a 400; say which id instead.
      if (seen.has(s.customerId))
        throw new Error(`writeChanged: customer ${JSON.stringify(s.customerId)} appears twice`);
      seen.add(s.customerId);
    }
    const changed = next.filter((s) => {
      const before = previous.get(s.customerId);
      return before === undefined || !sameState(before, s);
    });
    const entities = changed.map((s) => toStateEntity(this.partition, s));
    const chunks = chunkForTransactions(entities, (e) => JSON.stringify(e).length * 2);
    const tasks = chunks.map((chunk) => async () => {
      const actions: TransactionAction[] = chunk.map((e) => ['upsert', e, 'Replace']);
      await naming(this.endpoint, () => this.client.submitTransaction(actions));
    });
    await runLimited(tasks, options.concurrency ?? 4);
    return { written: entities.length, transactions: chunks.length };
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
    throw new ConflictError(customerId, maxAttempts);
  }
}
