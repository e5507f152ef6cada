import { type FeedEngine, sqlName } from './feedEngine';
import { FeedError } from './feedError';
import { noteFigures, placeOfRow } from './feedReport';
import type { FeedSource } from './feedSource';

// Checks of an orders file that accounting exports need: amounts in several currencies, a credit
// note known only by its type, and an order's total written on its lines (an invoice's total
// repeated on each line, an order's own line above its items', an order's further lines that name
// no order). Each reads the tables readFeed builds (`orders_in`, `orders_ids`,
// `orders_report_lines`) and says what it found in the file's notes.

const lines = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'line' : 'lines'}`;

/** A book's currency: CURRENCY where `configured`; else CURRENCY's default, or the file's own. */
export interface BookCurrency {
  code: string;
  configured: boolean;
}

/**
 * The currency the orders' lines are read in, where their `currency` column names one or more
 * (upper case: Stripe writes `gbp`), and the lines in another are then bad rows (currencyChecks):
 * CURRENCY where it is configured (`cards`); else the one most of the lines are in. Noted in the
 * file's notes where the lines are in several. Stops the read where no line is in the configured
 * CURRENCY, or, CURRENCY not configured, where most are in another currency than the cards show:
 * a run that skipped every line, or showed pounds as dollars, would hide that CURRENCY wants
 * setting. Undefined where the column names none. `leftOut` and `notOrders` are the tables of the rows of orders
 * left out by their status and of a report's headings.
 */
export async function bookCurrency(
  engine: FeedEngine,
  source: FeedSource,
  {
    leftOut,
    notOrders,
    cards,
  }: { leftOut: string | undefined; notOrders: string | undefined; cards: BookCurrency | undefined },
): Promise<BookCurrency | undefined> {
  const counts = await engine.rows(`
    SELECT upper(currency) AS c, count(*) AS n FROM orders_in o
    ${leftOut ? `ANTI JOIN ${leftOut} x ON x.rid = o.rid` : ''}
    ${notOrders ? `ANTI JOIN ${notOrders} r ON r.rid = o.rid` : ''}
    WHERE currency <> '' GROUP BY c ORDER BY n DESC, c`);
  if (counts.length === 0) return undefined;
  const inWords = (rows: typeof counts) =>
    rows.map(([c, n]) => `${String(c)} on ${lines(Number(n))}`).join(', ');
  const configured = cards?.configured === true;
  const [[most]] = counts;
  const book = configured ? cards.code : String(most);
  const named = counts.some(([c]) => String(c) === book);
  if (configured && !named)
    throw new FeedError(
      'currency_mismatch',
      `${source.file}: no line is in ${book}, the currency CURRENCY sets (the lines are in ${inWords(counts)}): set CURRENCY to the book's currency, or export amounts converted to ${book}. Nothing was scored or changed.`,
      source.file,
    );
  if (!configured && cards && book !== cards.code)
    throw new FeedError(
      'currency_mismatch',
      `${source.file}: the amounts are in ${book} (${inWords(counts)}), and CURRENCY is not set: the cards would show them in ${cards.code}. Set CURRENCY=${book}. Nothing was scored or changed.`,
      source.file,
    );
  if (counts.length > 1) {
    const read = counts.filter(([c]) => String(c) === book);
    const others = counts.filter(([c]) => String(c) !== book);
    source.notes.push(
      `currency: amounts in ${counts.length} currencies, ${inWords(read)}${configured ? ' (CURRENCY)' : ''}, ${inWords(others)}: the lines not in ${book} are skipped (their amounts cannot be added to it)`,
    );
  }
  return { code: book, configured };
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
 * Notes where an order's lines hold its total besides its lines' amounts, which would count the
 * order more than once; lines can look so by chance, so each is a warning, not a change of what is
 * read:
 * - every order of several lines (two at least) has one amount on all of its lines: an order's
 *   total repeated on each of its lines (Xero's and Zoho Books' `Total` in their exports of invoice
 *   lines) is summed once per line, a three-line invoice of 100.00 read as 300.00;
 * - every order of three lines or more (two such orders at least) has one line whose amount is the
 *   sum of its other lines': an order's own line above a line per item, as eBay's Orders report
 *   writes an order of several items (its `Sold For`), is summed with its items, the order counted
 *   twice.
 */
export async function noteOrderTotalsOnLines(
  engine: FeedEngine,
  source: FeedSource,
  /** The amount's header(s) as the notes name them (headerWords). */
  header: string,
): Promise<void> {
  // orders_ids: the ids on several rows, `alike` where their amounts are one, `top` their largest
  // amount and `amount` the sum of them all.
  const [[several, alike, three, summed]] = await engine.rows(`
    SELECT count(*), count(*) FILTER (WHERE alike),
           count(*) FILTER (WHERE filled > 2), count(*) FILTER (WHERE filled > 2 AND abs(2 * top - amount) < 0.005)
    FROM orders_ids WHERE uniform AND filled > 1`);
  const every = (n: unknown, of: unknown) => Number(n) >= 2 && Number(of) === Number(n);
  const orders = (n: unknown) => Number(n).toLocaleString('en-US');
  if (every(several, alike))
    source.notes.push(
      `amount: every line of each of the ${orders(several)} orders of several lines has the same amount (${header}): if it is the order's total repeated on each line (Xero's Total, Zoho Books' Total), map the line's own amount (Xero's LineAmount, Zoho Books' Item Total) instead, or each order counts its total once per line`,
    );
  else if (every(three, summed))
    source.notes.push(
      `amount: each of the ${orders(three)} orders of three lines or more has one line whose amount is the sum of its other lines' (${header}): if it is the order's own line above its items' (eBay's), map the order's total (eBay's Total Price) instead, or each such order counts twice`,
    );
}

/**
 * Notes the lines not read for naming no customer and lacking an order id or a date (a report's
 * headings and totals, `orders_report_lines`) that hold an amount and sit right below an order's
 * lines without being their total: an export that writes an order's own fields on its first line
 * only (Odoo's sales orders exported with their order lines) leaves its further lines so, and their
 * amounts, in no order, would be lost without a word. A report's total line right below the lines
 * it totals (QuickBooks' `Total for`, Xero's `Total`, a ledger's `Summe`) is their sum, and the
 * lines after it in one run of lines not read (the next customer's heading, the report's `TOTAL`)
 * go with it. `amounts` is the table of the amount column's values parsed (`v`, `parsed`).
 */
export async function noteLinesBelowOrders(
  engine: FeedEngine,
  source: FeedSource,
  amounts: string,
): Promise<void> {
  // rc: the lines not read up to a row; kc: the rows read up to it. A run of lines not read (a
  // block) shares its kc; the rows read right above it have the rc of its first line, less one.
  const [[count, first]] = await engine.rows(`
    WITH r AS (
      SELECT o.rid, l.rid IS NOT NULL AS report, a.parsed AS value
      FROM orders_in o LEFT JOIN orders_report_lines l ON l.rid = o.rid LEFT JOIN ${sqlName(amounts)} a ON a.v = o.amount),
    w AS (
      SELECT *, sum(report::INTEGER) OVER (ORDER BY rid) AS rc, sum((NOT report)::INTEGER) OVER (ORDER BY rid) AS kc FROM r),
    runs AS (SELECT rc, coalesce(sum(value), 0) AS total FROM w WHERE NOT report GROUP BY rc),
    blocks AS (
      SELECT kc, arg_min(value, rid) AS first_value, min(rc) AS first_rc, min(rid) AS first_rid,
             count(*) FILTER (WHERE value <> 0) AS amounts
      FROM w WHERE report AND kc > 0 GROUP BY kc)
    SELECT coalesce(sum(b.amounts), 0), min(b.first_rid)
    FROM blocks b JOIN runs u ON u.rc = b.first_rc - 1
    WHERE b.first_value <> 0 AND abs(b.first_value - u.total) > 0.005`);
  const n = Number(count);
  if (n === 0) return;
  const where = await placeOfRow(source, Number(first));
  noteFigures(
    source,
    `amount: ${lines(n)} with an amount and no order id, customer or date, right below an order's lines and not their total, not read (the first on ${where}): if they are more lines of the order above them (Odoo writes an order's own fields on its first line only), their amounts are in no order: export one row per order with its total`,
  );
}
