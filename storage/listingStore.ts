import type { TableClient, TransactionAction } from '@azure/data-tables';
import {
  type ListedWeek,
  listedWeekSchema,
  parseListedWeeks,
  UnreadableListedWeeks,
  withListedWeek,
} from '../rules/listedWeeks';
import { runLimited, transactionChunks } from './batches';
import { naming, statusOf } from './errors';
import { idKey } from './keys';
import { MAX_STRING_CHARS } from './stateEntity';
import { endpointOf, readEntity } from './tableClients';
import { textPieces } from './textPieces';

/**
 * Each customer's weeks on the lists (rules/listedWeeks.ts), one row a customer in one partition (as
 * the state rows): RowKey the customer's key, the weeks as JSON. One row keeps the customer page to
 * one point read and the size bounded. The weekly run reads the rows of everyone it listed (a point
 * read each), adds its week to them, and writes the changed rows 100 to a transaction, each guarded by
 * the ETag it read; a week already there is left as it was, so rerunning a week adds nothing.
 *
 * A row it cannot read (not JSON, or not the schema: edited by hand, half restored, a later
 * version's) would otherwise stop every week's listings on one customer: the run replaces it by a
 * row starting from its week, and keeps the text it could not read in the row's `unreadableWeeks`,
 * where an admin asking where the customer's weeks went finds them: after any text kept there
 * before (a row damaged again), as much as one column holds.
 */
export interface ListingStore {
  /**
   * Adds each customer's week unless that run's week is already in their row; how many were new.
   * `concurrency`: reads and transactions in flight (default 2). `onUnreadable`: told of each row
   * replaced because it could not be read, once it is.
   */
  append(
    weeks: readonly { customerId: string; week: ListedWeek }[],
    options?: { concurrency?: number; onUnreadable?: (row: UnreadableRow) => void },
  ): Promise<{ recorded: number; alreadyThere: number }>;
  /** One customer's weeks, oldest first (none for a customer never listed, or listed before these were kept). */
  read(customerId: string): Promise<ListedWeek[]>;
  /** `read`, and whether the weekly run started their row again (it keeps an unreadable text): their earlier weeks are not in it. */
  readRow(customerId: string): Promise<{ weeks: ListedWeek[]; startedAgain: boolean }>;
}

/** A customer's row the weekly run replaced: why it could not be read, and its text (kept in the row's `unreadableWeeks`). */
export interface UnreadableRow {
  customerId: string;
  error: string;
  text: string;
  /** False when the column could not hold all of it, with the text kept there before: its end is cut. */
  whole: boolean;
}

const PARTITION = 'weeks';
/** Tries of one customer's read-and-write when another writer changed the row in between. */
const MAX_TRIES = 3;

// A type, not an interface: a transaction's entity is a Record, which only a type alias satisfies.
type ListingEntity = {
  customerId: string;
  weeks: string;
  /**
   * The text of `weeks` when the run found it unreadable and replaced it, after any kept before;
   * kept by every later write (Merge).
   */
  unreadableWeeks?: unknown;
};

interface Stored {
  weeks: ListedWeek[];
  etag: string | undefined;
  /** The row could not be read: written anew, `kept` the column's text to write. */
  unreadable?: Omit<UnreadableRow, 'customerId'> & { kept: string };
}

/** Table Storage implementation of ListingStore. */
export class TableListingStore implements ListingStore {
  private readonly endpoint: string;

  constructor(private readonly client: TableClient) {
    this.endpoint = endpointOf(client);
  }

  async append(
    weeks: readonly { customerId: string; week: ListedWeek }[],
    {
      concurrency = 2,
      onUnreadable = () => {},
    }: { concurrency?: number; onUnreadable?: (row: UnreadableRow) => void } = {},
  ): Promise<{ recorded: number; alreadyThere: number }> {
    const byCustomer = checkedByCustomer(weeks);
    if (byCustomer.size === 0) return { recorded: 0, alreadyThere: 0 };
    const stored = await this.readRows(byCustomer.keys(), concurrency);
    const changed: {
      customerId: string;
      entity: ListingEntity & { partitionKey: string; rowKey: string };
      etag?: string;
      added: number;
      unreadable?: Stored['unreadable'];
    }[] = [];
    for (const [customerId, theirs] of byCustomer) {
      const before = stored.get(customerId);
      const { next, added } = adding(before?.weeks ?? [], theirs);
      if (added === 0) continue;
      const entity = rowOf(customerId, next, before?.unreadable);
      changed.push({ customerId, entity, etag: before?.etag, added, unreadable: before?.unreadable });
    }
    const tasks = [
      ...transactionChunks(changed, (c) => (c.entity.weeks.length + (c.unreadable?.kept.length ?? 0)) * 2),
    ].map((chunk) => async () => {
      // Merge, not Replace: a row's other columns (the unreadable text kept, a later version's) stay.
      const actions: TransactionAction[] = chunk.map((c) =>
        c.etag ? ['update', c.entity, 'Merge', { etag: c.etag }] : ['create', c.entity],
      );
      try {
        await naming(this.endpoint, () => this.client.submitTransaction(actions));
        for (const c of chunk) if (c.unreadable) onUnreadable(reported(c.customerId, c.unreadable));
        return chunk.reduce((n, c) => n + c.added, 0);
      } catch (err) {
        // A row written since the read (412 changed, 409 created, 404 removed) fails the whole
        // transaction: its rows are redone one by one from a fresh read.
        const status = statusOf(err);
        if (status !== 412 && status !== 409 && status !== 404) throw err;
        let n = 0;
        for (const c of chunk)
          n += await this.appendTo(c.customerId, byCustomer.get(c.customerId) ?? [], onUnreadable);
        return n;
      }
    });
    const recorded = (await runLimited(tasks, concurrency)).reduce((n, k) => n + k, 0);
    return { recorded, alreadyThere: weeks.length - recorded };
  }

  async read(customerId: string): Promise<ListedWeek[]> {
    return (await this.readRow(customerId)).weeks;
  }

  async readRow(customerId: string): Promise<{ weeks: ListedWeek[]; startedAgain: boolean }> {
    const entity = await naming(this.endpoint, () =>
      readEntity<ListingEntity>(this.client, PARTITION, idKey(customerId)),
    );
    if (!entity) return { weeks: [], startedAgain: false };
    return { weeks: parseListedWeeks(entity.weeks), startedAgain: entity.unreadableWeeks !== undefined };
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
      if (entity) rows.set(customerId, stored(entity));
    });
    await runLimited(reads, concurrency);
    return rows;
  }

  /** One customer's read, add, write guarded by the ETag (or create); how many of `weeks` were new. */
  private async appendTo(
    customerId: string,
    weeks: readonly ListedWeek[],
    onUnreadable: (row: UnreadableRow) => void,
  ): Promise<number> {
    const rowKey = idKey(customerId);
    for (let attempt = 1; ; attempt++) {
      const entity = await naming(this.endpoint, () =>
        readEntity<ListingEntity>(this.client, PARTITION, rowKey),
      );
      const before = entity ? stored(entity) : undefined;
      const { next, added } = adding(before?.weeks ?? [], weeks);
      if (added === 0) return 0;
      const row = rowOf(customerId, next, before?.unreadable);
      try {
        await naming(this.endpoint, () =>
          entity
            ? this.client.updateEntity(row, 'Merge', { etag: entity.etag })
            : this.client.createEntity(row),
        );
        if (before?.unreadable) onUnreadable(reported(customerId, before.unreadable));
        return added;
      } catch (err) {
        const status = statusOf(err);
        // 412: changed since the read; 409: created since the read. Either way, read it again.
        if ((status !== 412 && status !== 409) || attempt >= MAX_TRIES) throw err;
      }
    }
  }
}

/**
 * A customer's weeks, or none and why when their row cannot be read (UnreadableListedWeeks): for a
 * reader that goes on without them (one bad row must not sink a page or a summary) and says so;
 * `startedAgain` as readRow says. Storage failing the read is thrown.
 */
export async function weeksIfReadable(
  listings: Pick<ListingStore, 'readRow'>,
  customerId: string,
): Promise<{ weeks: ListedWeek[]; unreadable: string | null; startedAgain: boolean }> {
  try {
    return { ...(await listings.readRow(customerId)), unreadable: null };
  } catch (error) {
    if (!(error instanceof UnreadableListedWeeks)) throw error;
    return { weeks: [], unreadable: error.message, startedAgain: false };
  }
}

/** A row as read: its weeks, or none and why with its text when they cannot be read. */
function stored(entity: ListingEntity & { etag: string | undefined }): Stored {
  try {
    return { weeks: parseListedWeeks(entity.weeks), etag: entity.etag };
  } catch (error) {
    if (!(error instanceof UnreadableListedWeeks)) throw error;
    const text = textOf(entity.weeks);
    const earlier = entity.unreadableWeeks === undefined ? undefined : textOf(entity.unreadableWeeks);
    return {
      weeks: [],
      etag: entity.etag,
      unreadable: { error: error.message, text, ...keptText(earlier, text) },
    };
  }
}

/** A column's value as text: a string as it is, bytes (a column an admin made Binary) as Storage Explorer shows them. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return JSON.stringify(value ?? null);
}

/** Between the text kept before and the text of the row damaged again. */
const AGAIN = '\n--- then, unreadable again ---\n';

/**
 * What `unreadableWeeks` holds: the text kept before (a row damaged again must not lose the first
 * history), then this one, cut to what one column holds: a longer value fails the write, and with
 * it the week's listings of the whole transaction.
 */
function keptText(earlier: string | undefined, text: string): { kept: string; whole: boolean } {
  const all = earlier === undefined ? text : `${earlier}${AGAIN}${text}`;
  if (all.length <= MAX_STRING_CHARS) return { kept: all, whole: true };
  // The first piece never ends between the two halves of a character outside the BMP.
  return { kept: `${textPieces(all, MAX_STRING_CHARS - 1)[0]}…`, whole: false };
}

/** What onUnreadable is told of a replaced row. */
function reported(
  customerId: string,
  { error, text, whole }: NonNullable<Stored['unreadable']>,
): UnreadableRow {
  return { customerId, error, text, whole };
}

/** The row to write: the weeks, and the text of an unreadable row they replace (else left as the row has it). */
function rowOf(
  customerId: string,
  weeks: readonly ListedWeek[],
  unreadable: Stored['unreadable'],
): ListingEntity & { partitionKey: string; rowKey: string } {
  return {
    partitionKey: PARTITION,
    rowKey: idKey(customerId),
    customerId,
    weeks: JSON.stringify(weeks),
    ...(unreadable ? { unreadableWeeks: unreadable.kept } : {}),
  };
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
