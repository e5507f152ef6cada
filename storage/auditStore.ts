import { odata, type TableClient } from '@azure/data-tables';
import { assertMonthKey, localMonth } from '../rules/calendar';
import {
  type AuditAction,
  type AuditRow,
  auditColumns,
  fromAuditEntity,
  type NewAuditRow,
  parseAuditRow,
} from './auditRow';
import { chunkForTransactions } from './batches';
import { naming, statusOf } from './errors';
import { idKey, newestFirstKey } from './keys';
import { endpointOf, readEntity } from './tableClients';

/**
 * Append-only audit trail, in two tables:
 * - the month table: PartitionKey `YYYY-MM` (the team's month), RowKey `<at ISO UTC>_<id>`, so the
 *   monthly summary reads exactly one partition, already in time order (oldest first);
 * - the customer table: PartitionKey = customer id, holding per action a guard row `k_<id>` and a
 *   listing row `t_<newest-first time>_<id>`, inserted together in one transaction.
 *
 * The guard decides existence: a double tap with a different timestamp collides on `k_<id>` (409)
 * and gets the first row back. The month row is written after, from the stored row, so its key is
 * the same every time; a crash between the two is healed by the next record() of that action.
 *
 * appendRunRows() is for the weekly run's own rows (surfaced, held_out), thousands a week. Their id
 * and time are fixed by the run (one id per run and customer, one time per run: runRowsAt in
 * jobs/weekly/weeklySurfaced.ts), so their month key is the same on every attempt: an attempt reads
 * the keys already stamped with that time and inserts only the rest, without the per-customer guard
 * a double tap needs (a row written meanwhile still collides, 409). They go to the month table only,
 * 100 per transaction: the customer listing holds the actions a rep can undo, which these are not.
 */

const GUARD = 'k_';
/** The most rows the service returns in one page. */
const MAX_PAGE = 1000;
const LISTING = 't_';
// The character after '_', so `RowKey lt 't`'` ends the listing rows.
const LISTING_END = 't`';

export interface RecordResult {
  /** False when a row with this id was already there (a double tap): `row` is that earlier row. */
  recorded: boolean;
  row: AuditRow;
}

/** The append-only audit trail of actions. */
export interface AuditStore {
  /** Inserts the row unless its id is already recorded for that customer. */
  record(row: NewAuditRow): Promise<RecordResult>;
  /**
   * Appends rows whose id and time a run fixed (see above) to the month table, 100 per transaction;
   * per input row, whether it was new. A row already there (an earlier attempt) is kept as it was.
   */
  appendRunRows(rows: readonly NewAuditRow[]): Promise<{ recorded: boolean }[]>;
  /** Every row of one month (`YYYY-MM`), oldest first. */
  readMonth(month: string): Promise<AuditRow[]>;
  /**
   * The `undo` rows of every month after `month`: an undo has no time limit, so a month's figures
   * read again later must know of one made long after it.
   */
  readUndosAfter(month: string): Promise<AuditRow[]>;
  /** The most recent actions on one customer, newest first: `limit` of them (default 10; Infinity: all). */
  latestForCustomer(customerId: string, options?: { limit?: number }): Promise<AuditRow[]>;
  /**
   * The customer's most recent row of one action that `accept` takes (any, without it), or null: for
   * a row older than the latest ones read (a standing loss behind many newer rows). The service reads
   * the customer's rows, newest first, until one matches; rows of the action are then read one at a
   * time until `accept` takes one.
   */
  latestOfAction(
    customerId: string,
    action: AuditAction,
    accept?: (row: AuditRow) => Promise<boolean>,
  ): Promise<AuditRow | null>;
  /** One row by customer and id, or null. */
  get(customerId: string, id: string): Promise<AuditRow | null>;
}

/** Table Storage implementation of AuditStore. */
export class TableAuditStore implements AuditStore {
  private readonly endpoint: string;

  constructor(
    private readonly months: TableClient,
    private readonly byCustomer: TableClient,
    private readonly timeZone: string,
  ) {
    this.endpoint = endpointOf(months);
  }

  async record(input: NewAuditRow): Promise<RecordResult> {
    const result = await this.insertGuarded(parseAuditRow(input));
    await this.ensureMonthRow(result.row);
    return result;
  }

  async appendRunRows(inputs: readonly NewAuditRow[]): Promise<{ recorded: boolean }[]> {
    // Every row is checked before any is written.
    const entities = inputs.map((input) => this.monthEntity(parseAuditRow(input)));
    // A later attempt finds most of its rows there already: one key-only read of the run's time
    // range per month, instead of a transaction that fails and then one insert per row.
    const stored = new Set<string>();
    const ranges = new Set(
      entities.map((e) => `${e.partitionKey}\n${e.rowKey.slice(0, e.rowKey.indexOf('_'))}`),
    );
    for (const range of ranges) {
      const [month, at] = range.split('\n');
      for (const key of await this.monthKeysAt(month, at)) stored.add(`${month}\n${key}`);
    }
    const recorded = await this.insertMonthRows(
      entities.filter((e) => !stored.has(`${e.partitionKey}\n${e.rowKey}`)),
    );
    return entities.map((e) => ({ recorded: recorded.get(e) ?? false }));
  }

  /** RowKeys of the month rows stamped exactly `at` (they start `<at>_`). */
  private async monthKeysAt(month: string, at: string): Promise<string[]> {
    // '`' is the character after '_': the range is every key starting `<at>_`.
    const filter = odata`PartitionKey eq ${month} and RowKey gt ${`${at}_`} and RowKey lt ${`${at}\``}`;
    return naming(this.endpoint, async () => {
      const keys: string[] = [];
      const pages = this.months
        .listEntities({ queryOptions: { filter, select: ['RowKey'] } })
        .byPage({ maxPageSize: 1000 });
      for await (const page of pages) for (const e of page) keys.push(e.rowKey ?? '');
      return keys;
    });
  }

  async readMonth(month: string): Promise<AuditRow[]> {
    assertMonthKey(month);
    return this.monthRows(odata`PartitionKey eq ${month}`);
  }

  async readUndosAfter(month: string): Promise<AuditRow[]> {
    assertMonthKey(month);
    return this.monthRows(odata`PartitionKey gt ${month} and action eq ${'undo'}`);
  }

  /** The month table's rows that `filter` matches, in key order (month, then time). */
  private monthRows(filter: string): Promise<AuditRow[]> {
    return naming(this.endpoint, async () => {
      const rows: AuditRow[] = [];
      const pages = this.months.listEntities({ queryOptions: { filter } }).byPage({ maxPageSize: 1000 });
      for await (const page of pages) for (const e of page) rows.push(fromAuditEntity(e));
      return rows;
    });
  }

  async latestForCustomer(customerId: string, options: { limit?: number } = {}): Promise<AuditRow[]> {
    const { limit = 10 } = options;
    const filter = odata`PartitionKey eq ${idKey(customerId)} and RowKey ge ${LISTING} and RowKey lt ${LISTING_END}`;
    return naming(this.endpoint, async () => {
      const rows: AuditRow[] = [];
      const pages = this.byCustomer
        .listEntities({ queryOptions: { filter } })
        .byPage({ maxPageSize: Math.min(limit, MAX_PAGE) });
      for await (const page of pages) {
        for (const e of page) {
          rows.push(fromAuditEntity(e));
          if (rows.length === limit) return rows;
        }
      }
      return rows;
    });
  }

  async latestOfAction(
    customerId: string,
    action: AuditAction,
    accept: (row: AuditRow) => Promise<boolean> = async () => true,
  ): Promise<AuditRow | null> {
    const filter = odata`PartitionKey eq ${idKey(customerId)} and RowKey ge ${LISTING} and RowKey lt ${LISTING_END} and action eq ${action}`;
    return naming(this.endpoint, async () => {
      // A page may come back empty with a continuation token (the service stops scanning after a
      // while): every page is asked for until one holds a row that is taken.
      const pages = this.byCustomer.listEntities({ queryOptions: { filter } }).byPage({ maxPageSize: 1 });
      for await (const page of pages) {
        for (const e of page) {
          const row = fromAuditEntity(e);
          if (await accept(row)) return row;
        }
      }
      return null;
    });
  }

  async get(customerId: string, id: string): Promise<AuditRow | null> {
    return naming(this.endpoint, async () => {
      const entity = await readEntity(this.byCustomer, idKey(customerId), GUARD + idKey(id));
      return entity && fromAuditEntity(entity);
    });
  }

  /** Creates the guard and listing rows in the customer's partition; on a double tap, returns the stored row. */
  private async insertGuarded(row: AuditRow): Promise<RecordResult> {
    const partitionKey = idKey(row.customerId);
    const columns = auditColumns(row);
    try {
      await naming(this.endpoint, () =>
        this.byCustomer.submitTransaction([
          ['create', { partitionKey, rowKey: GUARD + idKey(row.id), ...columns }],
          [
            'create',
            { partitionKey, rowKey: `${LISTING}${newestFirstKey(row.at)}_${idKey(row.id)}`, ...columns },
          ],
        ]),
      );
      return { recorded: true, row };
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
      const existing = await this.get(row.customerId, row.id);
      if (!existing) throw err; // 409 without a guard row: not a double tap, something else
      return { recorded: false, row: existing };
    }
  }

  /**
   * Inserts month rows in transactions of up to 100 per month; a transaction that meets a 409 goes
   * row by row. Says which entities were new; a repeated key in the input counts once (the first).
   */
  private async insertMonthRows(entities: readonly MonthEntity[]): Promise<Map<MonthEntity, boolean>> {
    const recorded = new Map<MonthEntity, boolean>();
    const byMonth = new Map<string, MonthEntity[]>();
    const seen = new Set<string>();
    for (const entity of entities) {
      const key = `${entity.partitionKey}\n${entity.rowKey}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const group = byMonth.get(entity.partitionKey);
      if (group) group.push(entity);
      else byMonth.set(entity.partitionKey, [entity]);
    }
    for (const group of byMonth.values()) {
      for (const chunk of chunkForTransactions(group, (e) => Buffer.byteLength(JSON.stringify(e), 'utf8'))) {
        try {
          await naming(this.endpoint, () =>
            this.months.submitTransaction(chunk.map((e) => ['create', e] as ['create', MonthEntity])),
          );
          for (const entity of chunk) recorded.set(entity, true);
        } catch (err) {
          if (statusOf(err) !== 409) throw err;
          // Some row of the chunk is already there: the whole transaction was rolled back.
          for (const entity of chunk) recorded.set(entity, await this.createMonthEntity(entity));
        }
      }
    }
    return recorded;
  }

  private monthEntity(row: AuditRow): MonthEntity {
    return {
      partitionKey: localMonth(row.at, this.timeZone),
      rowKey: `${row.at}_${idKey(row.id)}`,
      ...auditColumns(row),
    };
  }

  private async ensureMonthRow(row: AuditRow): Promise<void> {
    await this.createMonthEntity(this.monthEntity(row));
  }

  /** True when inserted, false when the row was there already (an earlier attempt's). */
  private async createMonthEntity(entity: MonthEntity): Promise<boolean> {
    try {
      await naming(this.endpoint, () => this.months.createEntity(entity));
      return true;
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
      return false;
    }
  }
}

type MonthEntity = { partitionKey: string; rowKey: string } & ReturnType<typeof auditColumns>;
