import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Book, Customer } from '../rules/book';
import type { ColumnMapping } from '../rules/columnMapping';
import { FeedError } from './feedError';
import type { FeedReport } from './feedReport';
import { type CustomerGroups, groupByCustomer, permuteInPlace } from './groupByCustomer';
import { CUSTOMERS_FILE, readCustomers } from './readCustomers';
import type { DuplicateCheckOptions } from './readDatedRows';
import { ORDERS_FILE, type OrdersRead, readOrders } from './readOrders';
import { readTickets, TICKETS_FILE, type TicketsRead } from './readTickets';

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

const PROGRESS_EVERY = 1 << 16;

/** True when `path` is a file; false when nothing is there. Other errors propagate. */
async function fileExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    // ENOTDIR: the feed "folder" is a file, so nothing is in it.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
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

/**
 * The Book from what was read: each customer's orders and tickets together, sorted by day. The
 * columns are rearranged where they lie, not copied: at 20M orders a copy of day and amount would
 * be 240 MB more at the read's peak.
 */
function buildBook(customers: Customer[], orders: OrdersRead, tickets: TicketsRead | undefined): Book {
  const orderGroups = groupByCustomer(customers.length, orders.customer, orders.day);
  const visited = new Uint8Array(Math.max(orders.day.length, tickets?.day.length ?? 0));
  const inBookOrder = <T extends Int8Array | Uint8Array | Int32Array | Float64Array>(
    column: T,
    groups: CustomerGroups,
  ): T => permuteInPlace(column, groups.permutation, visited).subarray(0, groups.order.length) as T;
  const orderDay = inBookOrder(orders.day, orderGroups);
  const orderAmount = inBookOrder(orders.amount, orderGroups);
  if (!tickets) {
    return {
      customers,
      orderStart: orderGroups.start,
      orderDay,
      orderAmount,
      ticketStart: new Int32Array(customers.length + 1),
      ticketDay: new Int32Array(0),
      ticketSentiment: new Int8Array(0),
      ticketOpen: new Uint8Array(0),
    };
  }
  const ticketGroups = groupByCustomer(customers.length, tickets.customer, tickets.day);
  return {
    customers,
    orderStart: orderGroups.start,
    orderDay,
    orderAmount,
    ticketStart: ticketGroups.start,
    ticketDay: inBookOrder(tickets.day, ticketGroups),
    ticketSentiment: inBookOrder(tickets.sentiment, ticketGroups),
    ticketOpen: inBookOrder(tickets.open, ticketGroups),
  };
}

// The file names are also part of this module's API (feed/blobFeed.ts imports them from here).
export { ORDERS_FILE, TICKETS_FILE };

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

  const orders = await readOrders(ordersPath, columns.orders, lookup, onRowRead, options);
  fileDone();
  const tickets = hasTickets
    ? await readTickets(ticketsPath, columns.tickets, lookup, onRowRead, options)
    : undefined;
  if (hasTickets) fileDone();

  const book = buildBook(customersRead.customers, orders, tickets);
  const files = [customersRead.log.report(), orders.log.report(), ...(tickets ? [tickets.log.report()] : [])];
  return { book, report: { files, rowsSkipped: files.reduce((sum, f) => sum + f.rowsSkipped, 0) } };
}
