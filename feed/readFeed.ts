import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Book } from '../rules/book';
import type { ColumnMapping } from '../rules/columnMapping';
import { FeedError } from './feedError';
import type { FeedReport } from './feedReport';
import { gather, groupByCustomer } from './groupByCustomer';
import { growableFloat64, growableInt8, growableUint8 } from './growableArray';
import { CUSTOMERS_FILE, readCustomers } from './readCustomers';
import { type DatedFileSpec, type DuplicateCheckOptions, readDatedRows } from './readDatedRows';
import { type OrderRow, orderRowSchema, type TicketRow, ticketRowSchema } from './rowSchemas';

/**
 * Reads a feed folder (customers.csv, orders.csv, optional tickets.csv) into the compact Book, row by
 * row so no file is ever whole in memory. Bad rows are skipped and reported; a missing required file
 * or column, or a file without a header, throws FeedError.
 *
 * Choices: amounts of 0 are kept (a free replacement is still an order), negative amounts are bad
 * rows (credits belong in tickets); a date-time counts on the calendar date written in it; orders and
 * tickets of a customer missing from customers.csv are bad rows; of two rows with the same id the
 * first is kept.
 */
export interface ReadFeedOptions extends DuplicateCheckOptions {
  /** Renames of the export's headers (feed column -> export header), from the rules file. */
  columns?: ColumnMapping;
  /** Called with the number of data rows read so far (all files), every 65,536 rows and per file. */
  onProgress?: (rowsRead: number) => void;
}

export interface FeedResult {
  book: Book;
  report: FeedReport;
}

export const ORDERS_FILE = 'orders.csv';
export const TICKETS_FILE = 'tickets.csv';

const PROGRESS_EVERY = 1 << 16;

/** True when `path` is a file; false when nothing is there. Other errors propagate. */
async function fileExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function requireFile(dir: string, file: string): Promise<string> {
  const path = join(dir, file);
  if (!(await fileExists(path))) {
    throw new FeedError(
      'missing_file',
      `The feed folder "${dir}" has no ${file}. A feed needs customers.csv and orders.csv (tickets.csv is optional).`,
      file,
    );
  }
  return path;
}

/** Reads the feed in `dir` into a Book plus a report of every skipped row. */
export async function readFeed(dir: string, options: ReadFeedOptions = {}): Promise<FeedResult> {
  const { columns = {}, onProgress } = options;
  const customersPath = await requireFile(dir, CUSTOMERS_FILE);
  const ordersPath = await requireFile(dir, ORDERS_FILE);
  const ticketsPath = join(dir, TICKETS_FILE);
  const hasTickets = await fileExists(ticketsPath);

  let rowsRead = 0;
  const onRowRead = () => {
    rowsRead++;
    if (onProgress && rowsRead % PROGRESS_EVERY === 0) onProgress(rowsRead);
  };
  const fileDone = () => onProgress?.(rowsRead);

  const customersRead = await readCustomers(customersPath, columns.customers, onRowRead);
  fileDone();
  const lookup = { ...customersRead, customersFile: CUSTOMERS_FILE };

  const amount = growableFloat64();
  const orderSpec: DatedFileSpec<keyof OrderRow, OrderRow> = {
    columns: {
      file: ORDERS_FILE,
      mappingKey: 'orders',
      required: ['order_id', 'customer_id', 'ordered_at', 'amount'],
    },
    idColumn: 'order_id',
    schema: orderRowSchema,
    idOf: (row) => row.order_id,
    customerIdOf: (row) => row.customer_id,
    dayOf: (row) => row.ordered_at,
    keep: (row) => amount.push(row.amount),
  };
  const orders = await readDatedRows(ordersPath, orderSpec, columns.orders, lookup, onRowRead, options);
  fileDone();

  const sentiment = growableInt8();
  const open = growableUint8();
  const ticketSpec: DatedFileSpec<keyof TicketRow, TicketRow> = {
    columns: {
      file: TICKETS_FILE,
      mappingKey: 'tickets',
      required: ['ticket_id', 'customer_id', 'opened_at', 'sentiment', 'status'],
    },
    idColumn: 'ticket_id',
    schema: ticketRowSchema,
    idOf: (row) => row.ticket_id,
    customerIdOf: (row) => row.customer_id,
    dayOf: (row) => row.opened_at,
    keep: (row) => {
      sentiment.push(row.sentiment);
      open.push(row.status);
    },
  };
  const tickets = hasTickets
    ? await readDatedRows(ticketsPath, ticketSpec, columns.tickets, lookup, onRowRead, options)
    : undefined;
  if (hasTickets) fileDone();

  const customerCount = customersRead.customers.length;
  const orderGroups = groupByCustomer(customerCount, orders.customer, orders.day);
  const ticketGroups = tickets
    ? groupByCustomer(customerCount, tickets.customer, tickets.day)
    : { start: new Int32Array(customerCount + 1), order: new Int32Array(0) };
  const book: Book = {
    customers: customersRead.customers,
    orderStart: orderGroups.start,
    orderDay: gather(orders.day, orderGroups.order, (n) => new Int32Array(n)),
    orderAmount: gather(amount.take(), orderGroups.order, (n) => new Float64Array(n)),
    ticketStart: ticketGroups.start,
    ticketDay: tickets
      ? gather(tickets.day, ticketGroups.order, (n) => new Int32Array(n))
      : new Int32Array(0),
    ticketSentiment: gather(sentiment.take(), ticketGroups.order, (n) => new Int8Array(n)),
    ticketOpen: gather(open.take(), ticketGroups.order, (n) => new Uint8Array(n)),
  };
  const files = [customersRead.log.report(), orders.log.report(), ...(tickets ? [tickets.log.report()] : [])];
  return { book, report: { files, rowsSkipped: files.reduce((sum, f) => sum + f.rowsSkipped, 0) } };
}
