import { odata, type TableClient } from '@azure/data-tables';
import { type AuditRow, auditColumns, fromAuditEntity, type NewAuditRow, parseAuditRow } from './auditRow';
import { chunkForTransactions, runLimited } from './batches';
import { naming, statusOf } from './errors';
import { idKey, monthOf, newestFirstKey } from './keys';
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
 * recordMany() is the bulk form for the weekly run's own rows: the same guard per row (in parallel,
 * bounded), then the month rows of the new ones in transactions of up to 100 per month partition.
 */

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const GUARD = 'k_';
const LISTING = 't_';
// The character after '_', so `RowKey lt 't`'` ends the listing rows.
const LISTING_END = 't`';

/** Guard transactions in flight at once in recordMany (default). */
const DEFAULT_RECORD_MANY_CONCURRENCY = 8;

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
   * record() for many rows, with fewer requests; results in input order. A repeated id (in the
   * input or already stored) is one row, as with record().
   */
  recordMany(rows: readonly NewAuditRow[], options?: { concurrency?: number }): Promise<RecordResult[]>;
  /** Every row of one month (`YYYY-MM`), oldest first. */
  readMonth(month: string): Promise<AuditRow[]>;
  /** The most recent actions on one customer, newest first. */
  latestForCustomer(customerId: string, options?: { limit?: number }): Promise<AuditRow[]>;
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

  async recordMany(
    inputs: readonly NewAuditRow[],
    options: { concurrency?: number } = {},
  ): Promise<RecordResult[]> {
    const { concurrency = DEFAULT_RECORD_MANY_CONCURRENCY } = options;
    const rows = inputs.map(parseAuditRow);
    // One guard per (customer, id): a repeat in the input gets the first one's row, as a second record() would.
    const firstOf = new Map<string, number>();
    rows.forEach((row, i) => {
      if (!firstOf.has(rowIdentity(row))) firstOf.set(rowIdentity(row), i);
    });
    const unique = [...firstOf.values()];
    const guarded = await runLimited(
      unique.map((i) => () => this.insertGuarded(rows[i])),
      concurrency,
    );
    // New rows get their month rows in transactions; a row already there may lack its month row
    // (a crash between the two writes), which is healed one by one as record() does.
    await this.insertMonthRows(guarded.filter((r) => r.recorded).map((r) => r.row));
    await runLimited(
      guarded.filter((r) => !r.recorded).map((r) => () => this.ensureMonthRow(r.row)),
      concurrency,
    );
    const resultOf = new Map(unique.map((i, n) => [i, guarded[n]]));
    return rows.map((row, i) => {
      const first = firstOf.get(rowIdentity(row)) ?? i;
      const result = resultOf.get(first);
      if (!result) throw new Error(`recordMany: no result for row ${JSON.stringify(row.id)}`);
      return first === i ? result : { recorded: false, row: result.row };
    });
  }

  async readMonth(month: string): Promise<AuditRow[]> {
    if (!MONTH.test(month)) throw new Error(`Not a month (YYYY-MM): ${JSON.stringify(month)}`);
    return naming(this.endpoint, async () => {
      const rows: AuditRow[] = [];
      const pages = this.months
        .listEntities({ queryOptions: { filter: odata`PartitionKey eq ${month}` } })
        .byPage({ maxPageSize: 1000 });
      for await (const page of pages) for (const e of page) rows.push(fromAuditEntity(e));
      return rows;
    });
  }

  async latestForCustomer(customerId: string, options: { limit?: number } = {}): Promise<AuditRow[]> {
    const { limit = 10 } = options;
    const filter = odata`PartitionKey eq ${idKey(customerId)} and RowKey ge ${LISTING} and RowKey lt ${LISTING_END}`;
    return naming(this.endpoint, async () => {
      const rows: AuditRow[] = [];
      const pages = this.byCustomer.listEntities({ queryOptions: { filter } }).byPage({ maxPageSize: limit });
      for await (const page of pages) {
        for (const e of page) {
          rows.push(fromAuditEntity(e));
          if (rows.length === limit) return rows;
        }
      }
      return rows;
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

  /** Month rows of stored rows, in transactions of up to 100 per month; a transaction that meets a 409 goes row by row. */
  private async insertMonthRows(rows: readonly AuditRow[]): Promise<void> {
    const byMonth = new Map<string, MonthEntity[]>();
    const seen = new Set<string>();
    for (const row of rows) {
      const entity = this.monthEntity(row);
      // Two customers' rows with the same id and time share a month key: record() keeps the first too.
      if (seen.has(`${entity.partitionKey}\n${entity.rowKey}`)) continue;
      seen.add(`${entity.partitionKey}\n${entity.rowKey}`);
      const group = byMonth.get(entity.partitionKey);
      if (group) group.push(entity);
      else byMonth.set(entity.partitionKey, [entity]);
    }
    for (const entities of byMonth.values()) {
      for (const chunk of chunkForTransactions(entities, (e) =>
        Buffer.byteLength(JSON.stringify(e), 'utf8'),
      )) {
        try {
          await naming(this.endpoint, () =>
            this.months.submitTransaction(chunk.map((e) => ['create', e] as ['create', MonthEntity])),
          );
        } catch (err) {
          if (statusOf(err) !== 409) throw err;
          // Some row of the chunk is already there: the whole transaction was rolled back.
          for (const entity of chunk) await this.createMonthEntity(entity);
        }
      }
    }
  }

  private monthEntity(row: AuditRow): MonthEntity {
    return {
      partitionKey: monthOf(row.at, this.timeZone),
      rowKey: `${row.at}_${idKey(row.id)}`,
      ...auditColumns(row),
    };
  }

  private async ensureMonthRow(row: AuditRow): Promise<void> {
    await this.createMonthEntity(this.monthEntity(row));
  }

  private async createMonthEntity(entity: MonthEntity): Promise<void> {
    try {
      await naming(this.endpoint, () => this.months.createEntity(entity));
    } catch (err) {
      if (statusOf(err) !== 409) throw err; // 409: written by an earlier attempt, same content
    }
  }
}

/** What makes two audit rows the same row: the customer's partition and the id's guard. */
function rowIdentity(row: AuditRow): string {
  return `${idKey(row.customerId)}\n${idKey(row.id)}`;
}

type MonthEntity = { partitionKey: string; rowKey: string } & ReturnType<typeof auditColumns>;
