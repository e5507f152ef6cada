import { odata, type TableClient } from '@azure/data-tables';
import { type AuditRow, auditColumns, fromAuditEntity, type NewAuditRow, parseAuditRow } from './auditRow';
import { naming, statusOf } from './errors';
import { idKey, monthOf, newestFirstKey } from './keys';
import { endpointOf } from './tableClients';

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
 */

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const GUARD = 'k_';
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
    const row = parseAuditRow(input);
    const partitionKey = idKey(row.customerId);
    const columns = auditColumns(row);
    let stored = row;
    let recorded = true;
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
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
      const existing = await this.get(row.customerId, row.id);
      if (!existing) throw err; // 409 without a guard row: not a double tap, something else
      stored = existing;
      recorded = false;
    }
    await this.ensureMonthRow(stored);
    return { recorded, row: stored };
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
      try {
        return fromAuditEntity(await this.byCustomer.getEntity(idKey(customerId), GUARD + idKey(id)));
      } catch (err) {
        if (statusOf(err) === 404) return null;
        throw err;
      }
    });
  }

  private async ensureMonthRow(row: AuditRow): Promise<void> {
    const entity = {
      partitionKey: monthOf(row.at, this.timeZone),
      rowKey: `${row.at}_${idKey(row.id)}`,
      ...auditColumns(row),
    };
    try {
      await naming(this.endpoint, () => this.months.createEntity(entity));
    } catch (err) {
      if (statusOf(err) !== 409) throw err; // 409: written by an earlier attempt, same content
    }
  }
}
