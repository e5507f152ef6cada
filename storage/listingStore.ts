import type { TableClient } from '@azure/data-tables';
import { type ListedWeek, listedWeekSchema, parseListedWeeks, withListedWeek } from '../rules/listedWeeks';
import { runLimited } from './batches';
import { naming, statusOf } from './errors';
import { idKey } from './keys';
import { endpointOf, readEntity } from './tableClients';

/**
 * Each customer's weeks on the lists (rules/listedWeeks.ts), one row a customer: PartitionKey the
 * customer's key, RowKey `weeks`, the weeks as JSON. One row keeps the customer page to one point
 * read and the size bounded; the weekly run adds its week to each listed customer's row, and a week
 * already there is left as it was, so rerunning a week adds nothing.
 */
export interface ListingStore {
  /** Adds each customer's week unless that run's week is already in their row; how many were new. */
  append(
    weeks: readonly { customerId: string; week: ListedWeek }[],
    options?: { concurrency?: number },
  ): Promise<{ recorded: number; alreadyThere: number }>;
  /** One customer's weeks, oldest first (none for a customer never listed, or listed before these were kept). */
  read(customerId: string): Promise<ListedWeek[]>;
}

const ROW = 'weeks';
/** Tries of one customer's read-and-write when another writer changed the row in between. */
const MAX_TRIES = 3;

interface ListingEntity {
  customerId: string;
  weeks: string;
}

/** Table Storage implementation of ListingStore. */
export class TableListingStore implements ListingStore {
  private readonly endpoint: string;

  constructor(private readonly client: TableClient) {
    this.endpoint = endpointOf(client);
  }

  async append(
    weeks: readonly { customerId: string; week: ListedWeek }[],
    { concurrency = 8 }: { concurrency?: number } = {},
  ): Promise<{ recorded: number; alreadyThere: number }> {
    // Every week is checked before any is written; one read and write per customer, whatever number
    // of their weeks is given.
    const byCustomer = new Map<string, ListedWeek[]>();
    for (const { customerId, week } of weeks) {
      const checked = listedWeekSchema.safeParse(week);
      if (!checked.success) {
        const issues = checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        throw new Error(`The week listed for ${customerId} is not valid: ${issues}`);
      }
      byCustomer.set(customerId, [...(byCustomer.get(customerId) ?? []), checked.data]);
    }
    const added = await runLimited(
      [...byCustomer].map(
        ([customerId, theirs]) =>
          () =>
            this.appendTo(customerId, theirs),
      ),
      concurrency,
    );
    const recorded = added.reduce((n, k) => n + k, 0);
    return { recorded, alreadyThere: weeks.length - recorded };
  }

  async read(customerId: string): Promise<ListedWeek[]> {
    const entity = await naming(this.endpoint, () =>
      readEntity<ListingEntity>(this.client, idKey(customerId), ROW),
    );
    return entity ? parseListedWeeks(entity.weeks) : [];
  }

  /**
   * Read, add, write guarded by the ETag (or create): a row changed in between is read again. How
   * many of `weeks` were new.
   */
  private async appendTo(customerId: string, weeks: readonly ListedWeek[]): Promise<number> {
    const partitionKey = idKey(customerId);
    for (let attempt = 1; ; attempt++) {
      const entity = await naming(this.endpoint, () =>
        readEntity<ListingEntity>(this.client, partitionKey, ROW),
      );
      let next = entity ? parseListedWeeks(entity.weeks) : [];
      let added = 0;
      for (const week of weeks) {
        const withIt = withListedWeek(next, week);
        if (withIt === null) continue;
        next = withIt;
        added++;
      }
      if (added === 0) return 0;
      const row = { partitionKey, rowKey: ROW, customerId, weeks: JSON.stringify(next) };
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
