import type { ColumnMapping } from '../rules/columnMapping';
import { ORDER_COLUMNS } from '../rules/columnMapping';
import { growableFloat64 } from './growableArray';
import {
  type CustomerLookup,
  type DatedRowsRead,
  type DuplicateCheckOptions,
  readDatedRows,
} from './readDatedRows';
import { type OrderRow, orderRowSchema } from './rowSchemas';

export const ORDERS_FILE = 'orders.csv';

/** orders.csv read: per kept row its customer, day and amount (duplicates marked customer -1). */
export interface OrdersRead extends DatedRowsRead {
  amount: Float64Array;
}

/** Reads and validates orders.csv against the customers already read. */
export async function readOrders(
  path: string,
  mapping: ColumnMapping['orders'],
  lookup: CustomerLookup,
  onRowRead: () => void,
  options: DuplicateCheckOptions,
): Promise<OrdersRead> {
  const amount = growableFloat64();
  const read = await readDatedRows<keyof OrderRow, OrderRow>(
    path,
    {
      columns: { file: ORDERS_FILE, mappingKey: 'orders', required: ORDER_COLUMNS },
      idColumn: 'order_id',
      schema: orderRowSchema,
      idOf: (row) => row.order_id,
      customerIdOf: (row) => row.customer_id,
      dayOf: (row) => row.ordered_at,
      keep: (row) => amount.push(row.amount),
    },
    mapping,
    lookup,
    onRowRead,
    options,
  );
  return { ...read, amount: amount.take() };
}
