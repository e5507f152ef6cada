import type { FeedEngine } from './feedEngine';
import type { FeedSource } from './feedSource';

// Checks of an orders file that accounting exports need: amounts in several currencies, a credit
// note known only by its type, and an invoice's total repeated on each of its lines. Each reads the
// tables readFeed builds (`orders_in`, `orders_ids`) and says what it found in the
// file's notes.

const lines = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'line' : 'lines'}`;

/**
 * Where the orders' `currency` column names more than one currency, the one most of the lines read
 * are in (upper case: Stripe writes `gbp`), noted with the others in the file's notes; undefined
 * where it names one or none. Lines in another are then bad rows (currencyChecks). `leftOut` and
 * `notOrders` are the tables of orders left out by their status and of a report's headings.
 */
export async function bookCurrency(
  engine: FeedEngine,
  source: FeedSource,
  leftOut: string | undefined,
  notOrders: string | undefined,
): Promise<string | undefined> {
  const counts = await engine.rows(`
    SELECT upper(currency) AS c, count(*) AS n FROM orders_in o
    ${leftOut ? `ANTI JOIN ${leftOut} x ON x.order_id = o.order_id` : ''}
    ${notOrders ? `ANTI JOIN ${notOrders} r ON r.rid = o.rid` : ''}
    WHERE currency <> '' GROUP BY c ORDER BY n DESC, c`);
  if (counts.length < 2) return undefined;
  const [[book, n], ...others] = counts;
  source.notes.push(
    `currency: amounts in ${counts.length} currencies, ${String(book)} on ${lines(Number(n))}, ${others.map(([c, k]) => `${String(c)} on ${lines(Number(k))}`).join(', ')}: the lines not in ${String(book)} are skipped (their amounts cannot be added to it)`,
  );
  return String(book);
}

/**
 * The number of lines of orders_in that `credit` (SQL over the row `o`) says are credit notes by
 * their type, noted in the file's notes where there are any.
 */
export async function creditNoteLines(
  engine: FeedEngine,
  source: FeedSource,
  credit: string,
): Promise<number> {
  const [[count]] = await engine.rows(`SELECT count(*) FROM orders_in o WHERE ${credit}`);
  const n = Number(count);
  if (n > 0)
    source.notes.push(
      `type: ${n === 1 ? '1 line is a credit note by its type' : `${lines(n)} are credit notes by their type`}, read as credits whatever the sign of ${n === 1 ? 'its amount' : 'their amounts'}`,
    );
  return n;
}

/**
 * Notes where every order of several lines (two at least) has one amount on all of its lines: an
 * order's total repeated on each of its lines (Xero's `Total` in its export of invoice lines) is
 * summed once per line, a three-line invoice of 100.00 read as 300.00. An order's lines can be
 * alike (two of one product), so it is a warning, not a change of what is read.
 */
export async function noteRepeatedTotals(
  engine: FeedEngine,
  source: FeedSource,
  header: string,
): Promise<void> {
  // orders_ids: the ids on several rows, `alike` where their amounts are one.
  const [[orders, alike]] = await engine.rows(
    'SELECT count(*), count(*) FILTER (WHERE alike) FROM orders_ids WHERE uniform AND filled > 1',
  );
  const n = Number(orders);
  if (n < 2 || Number(alike) < n) return;
  source.notes.push(
    `amount: every line of each of the ${n.toLocaleString('en-US')} orders of several lines has the same amount ("${header}"): if it is the order's total repeated on each line (Xero's Total), map the line's own amount (Xero's LineAmount) instead, or each order counts its total once per line`,
  );
}
