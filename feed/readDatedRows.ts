import type { z } from 'zod';
import { readCsvRecords } from './csvRecords';
import { confirmDuplicates, rowsWithSharedHash } from './duplicateIds';
import { type ColumnSpec, resolveColumns } from './feedColumns';
import { ProblemLog } from './feedReport';
import { type GrowableArray, growableFloat64, growableInt32 } from './growableArray';
import { idHash as defaultIdHash, type IdHash, secondIdHash } from './idHash';
import { readRows } from './readRows';
import { checkRow, quote } from './rowSchemas';

/**
 * orders.csv and tickets.csv: rows that each belong to a customer and a day and carry their own id.
 * Rows are kept column-wise in typed arrays; ids only as 53-bit hashes, checked for duplicates at
 * the end (see duplicateIds.ts).
 */
export interface DatedFileSpec<C extends string, R> {
  columns: ColumnSpec<C>;
  /** The column holding the row's own id (order_id, ticket_id). */
  idColumn: C;
  schema: z.ZodType<R, Record<C, string>>;
  idOf(row: R): string;
  customerIdOf(row: R): string;
  dayOf(row: R): number;
  /** Appends the row's other values (amount, sentiment...) to the caller's arrays, in row order. */
  keep(row: R): void;
}

export interface CustomerLookup {
  indexById: Map<string, number>;
  skippedIds: Map<string, number>;
  customersFile: string;
}

export interface DuplicateCheckOptions {
  /** The id hash (tests pass a constant to force collisions). */
  hashId?: IdHash;
  /** Above this many candidate rows, a second hash stands in for holding their exact ids. */
  exactIdLimit?: number;
}

export interface DatedRowsRead {
  /** Customer index per kept row; -1 for a row dropped as a duplicate. */
  customer: Int32Array;
  day: Int32Array;
  log: ProblemLog;
}

const DEFAULT_EXACT_ID_LIMIT = 1_000_000;

/** Reads one dated file, validating each row, resolving its customer and dropping duplicate ids. */
export async function readDatedRows<C extends string, R>(
  path: string,
  spec: DatedFileSpec<C, R>,
  mapping: Partial<Record<C, string | undefined>> | undefined,
  lookup: CustomerLookup,
  onRowRead: () => void,
  options: DuplicateCheckOptions = {},
): Promise<DatedRowsRead> {
  const { hashId = defaultIdHash } = options;
  const file = spec.columns.file;
  const log = new ProblemLog(file);
  const customer = growableInt32();
  const day = growableInt32();
  const hashes = growableFloat64();
  const line = growableInt32();
  await readRows(
    path,
    spec.columns,
    mapping,
    log,
    (fields, at) => {
      const check = checkRow(spec.schema, fields);
      if (!check.ok) {
        log.skip(at, check.kind, check.reason);
        return;
      }
      const customerId = spec.customerIdOf(check.row);
      const index = lookup.indexById.get(customerId);
      if (index === undefined) {
        const skippedOn = lookup.skippedIds.get(customerId);
        if (skippedOn === undefined)
          log.skip(at, 'unknown customer', `unknown customer ${quote(customerId)}`);
        else {
          const where = `${lookup.customersFile} line ${skippedOn}`;
          log.skip(at, 'customer skipped', `customer ${quote(customerId)} was skipped (bad row on ${where})`);
        }
        return;
      }
      customer.push(index);
      day.push(spec.dayOf(check.row));
      hashes.push(hashId(spec.idOf(check.row)));
      line.push(at);
      spec.keep(check.row);
    },
    onRowRead,
  );
  const duplicates = await findDuplicates(path, spec, mapping, hashes, line, options);
  for (const { row, firstRow, id } of duplicates) {
    customer.set(row, -1);
    const what = id === undefined ? '' : ` ${quote(id)}`;
    const reason = `duplicate ${spec.idColumn}${what} (first on line ${line.get(firstRow)})`;
    log.skip(line.get(row), `duplicate ${spec.idColumn}`, reason);
  }
  return { customer: customer.take(), day: day.take(), log };
}

/** Duplicate rows, confirmed by a second read of only the candidate rows' ids. */
async function findDuplicates<C extends string, R>(
  path: string,
  spec: DatedFileSpec<C, R>,
  mapping: Partial<Record<C, string | undefined>> | undefined,
  hashes: GrowableArray<Float64Array>,
  lines: GrowableArray<Int32Array>,
  options: DuplicateCheckOptions,
): Promise<{ row: number; firstRow: number; id: string | undefined }[]> {
  const candidates = rowsWithSharedHash(hashes);
  if (candidates.length === 0) return [];
  const exact = candidates.length <= (options.exactIdLimit ?? DEFAULT_EXACT_ID_LIMIT);
  const ids: string[] = [];
  const secondHashes = new Float64Array(exact ? 0 : candidates.length);
  let idColumn = -1;
  let next = 0;
  // Candidates are in file order, so one pointer walks them as the file is read again.
  await readCsvRecords(path, (fields, at) => {
    if (idColumn < 0) {
      idColumn = resolveColumns(spec.columns, fields, mapping)[spec.idColumn];
      return;
    }
    if (next >= candidates.length || at !== lines.get(candidates[next])) return;
    const id = fields[idColumn].trim();
    if (exact) ids.push(id);
    else secondHashes[next] = secondIdHash(id);
    next++;
  });
  if (next !== candidates.length) throw new Error(`${spec.columns.file} changed while it was being read`);
  return confirmDuplicates(candidates, (row) => hashes.get(row), exact ? ids : secondHashes).map((d) => ({
    ...d,
    id: exact ? ids[d.candidate] : undefined,
  }));
}
