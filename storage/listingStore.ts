import type { TableClient, TransactionAction } from '@azure/data-tables';
import { type ListedWeek, listedWeekSchema, parseListedWeeks, withListedWeek } from '../rules/listedWeeks';
import { runLimited, transactionChunks } from './batches';
import { naming, statusOf } from './errors';
import { idKey } from './keys';
import { MAX_STRING_CHARS } from './stateEntity';
import { endpointOf, readEntity } from './tableClients';

/**
 * Each customer's weeks on the lists (rules/listedWeeks.ts), one row a customer in one partition (as
 * the state rows): RowKey the customer's key, the weeks as JSON. One row keeps the customer page to
 * one point read and the size bounded. The weekly run reads the rows of everyone it listed (a point
 * read each), adds its week to them, and writes the changed rows 100 to a transaction, each guarded by
 * the ETag it read; a week already there is left as it was, so rerunning a week adds nothing.
 */
export interface ListingStore {
  /**
   * Adds each customer's week unless that run's week is already in their row; how many were new.
   * `concurrency`: reads and transactions in flight (default 2).
   */
  append(
    weeks: readonly { customerId: string; week: ListedWeek }[],
    options?: { concurrency?: number },
  ): Promise<{ recorded: number; alreadyThere: number }>;
  /** One customer's weeks, oldest first (none for a customer never listed, or listed before these were kept). */
  read(customerId: string): Promise<ListedWeek[]>;
}

const PARTITION = 'weeks';
/** Tries of one customer's read-and-write when another writer changed the row in between. */
const MAX_TRIES = 3;

// A type, not an interface: a transaction's entity is a Record, which only a type alias satisfies.
type ListingEntity = {
  customerId: string;
  weeks: string;
};

interface Stored {
  weeks: ListedWeek[];
  etag: string | undefined;
}

/** Table Storage implementation of ListingStore. */
export class TableListingStore implements ListingStore {
  private readonly endpoint: string;

  constructor(private readonly client: TableClient) {
    this.endpoint = endpointOf(client);
  }

  async append(
    weeks: readonly { customerId: string; week: ListedWeek }[],
    { concurrency = 2 }: { concurrency?: number } = {},
  ): Promise<{ recorded: number; alreadyThere: number }> {
    const byCustomer = checkedByCustomer(weeks);
    if (byCustomer.size === 0) return { recorded: 0, alreadyThere: 0 };
    const stored = await this.readRows(byCustomer.keys(), concurrency);
    const changed: {
      customerId: string;
      entity: ListingEntity & { partitionKey: string; rowKey: string };
      etag?: string;
      added: number;
    }[] = [];
    for (const [customerId, theirs] of byCustomer) {
      const before = stored.get(customerId);
      const { next, added } = adding(before?.weeks ?? [], theirs);
      if (added === 0) continue;
      const entity = {
        partitionKey: PARTITION,
        rowKey: idKey(customerId),
        customerId,
        weeks: JSON.stringify(next),
      };
      changed.push({ customerId, entity, etag: before?.etag, added });
    }
    const tasks = [...transactionChunks(changed, (c) => c.entity.weeks.length * 2)].map(
      (chunk) => async () => {
        const actions: TransactionAction[] = chunk.map((c) =>
          c.etag ? ['update', c.entity, 'Replace', { etag: c.etag }] : ['create', c.entity],
        );
        try {
          await naming(this.endpoint, () => this.client.submitTransaction(actions));
          return chunk.reduce((n, c) => n + c.added, 0);
        } catch (err) {
          // A row written since the read (412 changed, 409 created, 404 removed) fails the whole
          // transaction: its rows are redone one by one from a fresh read.
          const status = statusOf(err);
          if (status !== 412 && status !== 409 && status !== 404) throw err;
          let n = 0;
          for (const c of chunk) n += await this.appendTo(c.customerId, byCustomer.get(c.customerId) ?? []);
          return n;
        }
      },
    );
    const recorded = (await runLimited(tasks, concurrency)).reduce((n, k) => n + k, 0);
    return { recorded, alreadyThere: weeks.length - recorded };
  }

  async read(customerId: string): Promise<ListedWeek[]> {
    const entity = await naming(this.endpoint, () =>
      readEntity<ListingEntity>(this.client, PARTITION, idKey(customerId)),
    );
    return entity ? parseListedWeeks(entity.weeks) : [];
  }

  /**
   * The rows of `customers`, by customer id: one point read each, `concurrency` at a time. The
   * partition holds everyone ever listed and grows every week; a run needs the rows of those it
   * lists, so it reads those alone, whatever the partition holds.
   */
  private async readRows(customers: Iterable<string>, concurrency: number): Promise<Map<string, Stored>> {
    const rows = new Map<string, Stored>();
    const reads = [...customers].map((customerId) => async () => {
      const entity = await naming(this.endpoint, () =>
        readEntity<ListingEntity>(this.client, PARTITION, idKey(customerId)),
      );
      if (entity) rows.set(customerId, { weeks: parseListedWeeks(entity.weeks), etag: entity.etag });
    });
    await runLimited(reads, concurrency);
    return rows;
  }

  /** One customer's read, add, write guarded by the ETag (or create); how many of `weeks` were new. */
  private async appendTo(customerId: string, weeks: readonly ListedWeek[]): Promise<number> {
    const rowKey = idKey(customerId);
    for (let attempt = 1; ; attempt++) {
      const entity = await naming(this.endpoint, () =>
        readEntity<ListingEntity>(this.client, PARTITION, rowKey),
      );
      const { next, added } = adding(entity ? parseListedWeeks(entity.weeks) : [], weeks);
      if (added === 0) return 0;
      const row = { partitionKey: PARTITION, rowKey, customerId, weeks: JSON.stringify(next) };
      try {
        await naming(this.endpoint, () =>
          entity
            ? this.client.updateEntity(row, 'Replace', { etag: entity.etag })
            : this.client.createEntity(row),
        );
        return added;
      } catch (err) {
        const status = statusOf(err);
        // 412: changed since the read; 409: created since the read. Either way, read it again.
        if ((status !== 412 && status !== 409) || attempt >= MAX_TRIES) throw err;
      }
    }
  }
}

/** The weeks by customer, each checked before any is written: a clear error names the customer and the field. */
function checkedByCustomer(
  weeks: readonly { customerId: string; week: ListedWeek }[],
): Map<string, ListedWeek[]> {
  const byCustomer = new Map<string, ListedWeek[]>();
  for (const { customerId, week } of weeks) {
    const checked = listedWeekSchema.safeParse(week);
    if (!checked.success) {
      const issues = checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`The week listed for ${customerId} is not valid: ${issues}`);
    }
    byCustomer.set(customerId, [...(byCustomer.get(customerId) ?? []), checked.data]);
  }
  return byCustomer;
}

/**
 * `stored` with each of `weeks` not yet there added (withListedWeek), and how many were. The oldest
 * weeks drop off too while the row's JSON is longer than one property holds: a long rep address
 * would otherwise make a year of weeks a row Table Storage refuses, failing its whole transaction.
 */
function adding(stored: ListedWeek[], weeks: readonly ListedWeek[]): { next: ListedWeek[]; added: number } {
  let next = stored;
  for (const week of weeks) next = withListedWeek(next, week) ?? next;
  let chars = JSON.stringify(next).length;
  while (next.length > 0 && chars > MAX_STRING_CHARS) {
    chars -= JSON.stringify(next[0]).length + 1;
    next = next.slice(1);
  }
  const before = new Set(stored.map((w) => w.run));
  const added = next.filter((w) => !before.has(w.run)).length;
  return { next, added };
}
