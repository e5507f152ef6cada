import type { Customer } from '../rules/book';
import type { ColumnMapping } from '../rules/columnMapping';
import type { ColumnSpec } from './feedColumns';
import { ProblemLog } from './feedReport';
import { readRows } from './readRows';
import { checkRow, customerRowSchema, quote } from './rowSchemas';

/** customers.csv: the book's customers in file order, and what was skipped. */
export interface CustomersRead {
  customers: Customer[];
  indexById: Map<string, number>;
  /** Ids of customers whose row was skipped as bad -> its line, so their orders can say why. */
  skippedIds: Map<string, number>;
  log: ProblemLog;
}

export const CUSTOMERS_FILE = 'customers.csv';

const spec: ColumnSpec<'customer_id' | 'name' | 'owner' | 'monthly_value'> = {
  file: CUSTOMERS_FILE,
  mappingKey: 'customers',
  required: ['customer_id', 'name', 'owner'],
  optional: ['monthly_value'],
};

/** Reads and validates customers.csv; duplicate ids after the first are skipped and reported. */
export async function readCustomers(
  path: string,
  mapping: ColumnMapping['customers'],
  onRowRead: () => void,
): Promise<CustomersRead> {
  const log = new ProblemLog(CUSTOMERS_FILE);
  const customers: Customer[] = [];
  const lines: number[] = [];
  const indexById = new Map<string, number>();
  const skippedIds = new Map<string, number>();
  await readRows(
    path,
    spec,
    mapping,
    log,
    (fields, line) => {
      const check = checkRow(customerRowSchema, fields);
      if (!check.ok) {
        log.skip(line, check.kind, check.reason);
        if (fields.customer_id !== '' && !skippedIds.has(fields.customer_id))
          skippedIds.set(fields.customer_id, line);
        return;
      }
      const { customer_id: id, name, owner, monthly_value: monthlyValue } = check.row;
      const first = indexById.get(id);
      if (first !== undefined) {
        log.skip(
          line,
          'duplicate customer_id',
          `duplicate customer_id ${quote(id)} (first on line ${lines[first]})`,
        );
        return;
      }
      indexById.set(id, customers.length);
      customers.push({ id, name, owner, monthlyValue });
      lines.push(line);
    },
    onRowRead,
  );
  // A skipped row whose id a good row also has is just a duplicate; orders belong to the good one.
  for (const id of indexById.keys()) skippedIds.delete(id);
  return { customers, indexById, skippedIds, log };
}
