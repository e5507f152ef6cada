import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Book,
  type Customer,
  dayOf,
  isoOfDay,
  MAX_CUSTOMER_ID_CHARS,
  type RefundedOrders,
  SENTIMENT,
  type UnreadOrders,
} from '../rules/book';
import { assertTimeZone } from '../rules/calendar';
import {
  type ColumnMapping,
  type CustomerColumn,
  headersOf,
  type MappedHeaders,
  ORDER_COLUMNS,
  ORDER_CUSTOMER_COLUMNS,
  ORDER_OPTIONAL_COLUMNS,
  TICKET_COLUMNS,
  TICKET_CUSTOMER_COLUMNS,
  TICKET_MAPPED_COLUMNS,
  TICKET_OPTIONAL_COLUMNS,
} from '../rules/columnMapping';
import type { FeedFormats } from '../rules/feedFormats';
import { MAX_OWNER_CHARS, type OwnerNames, ownerNameKey } from '../rules/ownerNames';
import {
  TICKET_SENTIMENTS,
  TICKET_STATUSES,
  type TicketValues,
  ticketSentiments,
  ticketStatuses,
  ticketValueKey,
} from '../rules/ticketValues';
import {
  type BookCurrency,
  bookCurrency,
  creditNoteLines,
  noteLinesBelowOrders,
  noteOrderTotalsOnLines,
} from './accountingChecks';
import { companyNameMatchSql } from './companyNames';
import {
  type FileMapping,
  headerWords,
  normaliseHeader,
  resolveColumns,
  unreadNearHeaders,
} from './feedColumns';
import { type EngineOptions, type FeedEngine, openFeedEngine, sqlName, sqlString } from './feedEngine';
import { FeedError } from './feedError';
import { type FeedFile, type FoundFeedFiles, findFeedFiles } from './feedFiles';
import {
  type CustomersFromOrders,
  type FeedReport,
  type FileReport,
  noteFigures,
  placeOf,
  placeOfRow,
} from './feedReport';
import { type FeedSource, loadSource } from './feedSource';
import { reportFile } from './problemList';
import { type ColumnChecks, currencyChecks, kindSql, longerThan, reasonSql, requiredText } from './rowChecks';
import {
  amountExpression,
  bothReadings,
  creditTypeSql,
  type DateColumnFormat,
  dayExpression,
  EXCEL_SERIAL,
  isoOfCompact,
  MAX_AMOUNT,
  payoutTypeSql,
  quotedSql,
  settleDateColumn,
  settleDecimalMark,
} from './valueFormats';

/**
 * Reads a feed folder (customers, orders and optional tickets, each .csv, .parquet or .xlsx) into
 * the compact Book with DuckDB: each file is loaded as text, checked row by row in SQL, and only
 * the good rows come back, as typed arrays in book order. Bad rows are skipped and reported with
 * file, line and reason; a missing required file or column, an empty or header-only customers or
 * orders file, a column named twice or a date column that reads two ways throws FeedError.
 *
 * Choices: amounts of 0 are kept (a free replacement is still an order); a negative amount is a
 * refund, taken off an order (applyRefunds); orders whose status says they were never placed or
 * were undone are left out (ordersLeftOut); a date-time counts on the calendar date written in it; rows
 * sharing an order id, customer and date are one order's lines (the order's amount is the sum of
 * the amounts given: the total on one line, or each line's own); the same order id with another
 * customer or date is a bad row (the first is kept); orders after the as-of date are bad rows.
 */
export interface ReadFeedOptions {
  /** Renames of the export's headers (feed column -> export header), from the rules file. */
  columns?: ColumnMapping;
  /** Date order, decimal mark and encoding where a file cannot settle them, from the rules file. */
  formats?: FeedFormats;
  /** The reps' sign-ins for the names an owner column holds (`Ana Ruiz`), from the rules file. */
  owners?: OwnerNames;
  /**
   * The rep of every customer whose owner cell is empty, and of every customer when the customers
   * file has no owner column, from the rules file: a shop with one rep, whose export knows no rep.
   */
  defaultOwner?: string;
  /** What the help desk's ticket statuses and ratings mean beyond the known ones, from the rules file. */
  ticketValues?: TicketValues;
  /** YYYY-MM-DD: orders dated after it are reported and not counted (the scoring date). */
  asOf?: string;
  /**
   * YYYY-MM-DD: a refund dated after it (refunded_at) of an order on or before it is not taken
   * off, as it had not been given yet. `asOf` does so too; this is for a backtest's date, when
   * `asOf` is left out (the backtest needs the orders after it).
   */
  refundsAsOf?: string;
  /**
   * The team's IANA zone (TIME_ZONE): a Parquet timestamp with a zone holds an instant, not the
   * time as written, so it is read on its calendar date there, as the team saw it; default UTC.
   */
  timeZone?: string;
  /**
   * The cards' currency, CURRENCY (`configured`) or its default: where the orders' `currency`
   * column is mapped, the lines in another are skipped. Unconfigured (or left out), the file's
   * own currency, the one most lines are in, is read; where the cards would show it as another,
   * the read stops asking for CURRENCY.
   */
  currency?: BookCurrency;
  /** Called with the number of data rows read so far (all files), after each file. */
  onProgress?: (rowsRead: number) => void;
  /** DuckDB's memory limit, threads and spill folder. */
  engine?: EngineOptions;
  /** SQL hashing an order id `i.order_id` for grouping (default: DuckDB's 64-bit hash); tests force collisions with a coarse one. */
  orderIdHash?: string;
}

export interface FeedResult {
  book: Book;
  report: FeedReport;
}

export const CUSTOMERS_FILE = 'customers.csv';
export const ORDERS_FILE = 'orders.csv';
export const TICKETS_FILE = 'tickets.csv';

/** Longest order or ticket id taken (ids are held only while reading, but 100,000 characters is no id). */
export const MAX_ROW_ID_CHARS = 1024;
/** Longest customer name (a card line and a state row property); owners: MAX_OWNER_CHARS. */
export const MAX_NAME_CHARS = 1000;
export { MAX_OWNER_CHARS };

/**
 * SQL: a column's text without the spaces around it ('' for an empty field), as DuckDB's trim()
 * gives it: trim() takes off Unicode's space separators (the space, no-break space, thin and
 * ideographic spaces...), all of them outside ASCII but the space. trim() copies every value it
 * is given, which was half the cost of a pass over 2M orders, so it is called only on a value that
 * starts or ends with a space or holds a character outside ASCII (more bytes than characters).
 * trim() with a character list (tab, CR too) took twice the CPU of trim() alone.
 */
export const trimmedSql = (column: string) =>
  `(CASE WHEN ${column} LIKE ' %' OR ${column} LIKE '% ' OR strlen(${column}) <> length(${column}) THEN trim(${column}) ELSE coalesce(${column}, '') END)`;

/**
 * SQL of a column's text from the record's fields at `indices`: '' for none, the first filled of
 * them for several (a mapping's list of headers).
 */
const text = (indices: readonly number[]) =>
  indices.length === 0
    ? `''`
    : indices.length === 1
      ? trimmedSql(`c${indices[0]}`)
      : `coalesce(${indices.map((i) => `NULLIF(${trimmedSql(`c${i}`)}, '')`).join(', ')}, '')`;

/**
 * SQL of a customer id from the record's fields at `indices` (a mapping's list of headers): the
 * first that names a customer of the customers file (`names`, SQL over a value), else the first
 * filled. A payments account's download names both sides of each payment, the buyer and the
 * account's owner: the buyer is in `From Email Address` on a payment received and in `To Email
 * Address` on a refund sent (PayPal), so no one column holds the customer on every line.
 */
const customerText = (indices: readonly number[], names: (value: string) => string) =>
  indices.length < 2
    ? text(indices)
    : `coalesce(${indices.map((i) => `CASE WHEN ${names(trimmedSql(`c${i}`))} THEN ${trimmedSql(`c${i}`)} END`).join(', ')}, ${text(indices)})`;

/**
 * Creates the view `${kind}_in`: the columns of a source as trimmed text, renamed to the feed's
 * names, with the row's rid. Returns the optional columns the file has. With `customerNamedBy`,
 * a customer_id mapped to several headers is read from the first naming a customer (customerText).
 */
async function inputTable<C extends string>(
  engine: FeedEngine,
  source: FeedSource,
  kind: string,
  required: readonly C[],
  optional: readonly C[],
  mapping: FileMapping<C> | undefined,
  /** More columns, as SQL over the others' text (`quantity` for the column's text). */
  computed = '',
  customerNamedBy?: (value: string) => string,
): Promise<Set<C>> {
  const spec = { file: source.file, mappingKey: kind, required, optional };
  const index = resolveColumns(spec, source.header, mapping);
  source.notes.push(...unreadNearHeaders(spec, source.header, index));
  const namedBy = (column: C) => (column === 'customer_id' ? customerNamedBy : undefined);
  for (const column of [...required, ...optional]) {
    const mapped = mapping?.[column];
    if (mapped !== undefined && index[column].length > 1)
      await noteHeadersRead(engine, source, column, headersOf(mapped), index[column], namedBy(column));
  }
  const columns = [...required, ...optional]
    .map((c) => {
      const names = namedBy(c);
      return `${names ? customerText(index[c], names) : text(index[c])} AS ${c}`;
    })
    .join(', ');
  await engine.run(
    `CREATE OR REPLACE VIEW ${kind}_in AS SELECT *${computed ? `, ${computed}` : ''} FROM (SELECT rowid AS rid, ${columns} FROM ${source.table} WHERE rowid > 0)`,
  );
  return new Set(optional.filter((c) => index[c].length > 0));
}

/**
 * Notes, for a column mapped to a list of headers, the header each line's value was read from
 * (`amount: read from "Adjusted Order Total" on 1 line, from "Order Total" on 21 lines`): the one a
 * user checks when an amount is not what they expected, and the sign that a header meant to be
 * filled only now and then (after a refund) is filled on every line.
 */
async function noteHeadersRead(
  engine: FeedEngine,
  source: FeedSource,
  column: string,
  headers: readonly string[],
  indices: readonly number[],
  /** Where the first naming a customer is read (customerText): SQL over a value, true if it does. */
  customerNamedBy?: (value: string) => string,
): Promise<void> {
  const filled = indices.map((i) => `${trimmedSql(`c${i}`)} <> ''`);
  const firstOf = (conditions: string[]) =>
    conditions.map(
      (f, k) => `(${[...conditions.slice(0, k).map((e) => `NOT coalesce(${e}, false)`), f].join(' AND ')})`,
    );
  const picked = customerNamedBy
    ? firstOf(indices.map((i) => customerNamedBy(trimmedSql(`c${i}`))))
    : firstOf(filled);
  const counts = picked.map((p) => `count(*) FILTER (WHERE ${p})`);
  const [row] = await engine.rows(`SELECT ${counts.join(', ')} FROM ${source.table} WHERE rowid > 0`);
  const read = row.flatMap((n, k) => {
    const lines = Number(n);
    if (lines === 0) return [];
    return [`from "${headers[k]}" on ${lines.toLocaleString('en-US')} ${lines === 1 ? 'line' : 'lines'}`];
  });
  if (read.length > 0)
    source.notes.push(
      `${column}: read ${read.join(', ')}${customerNamedBy ? ' (the first naming a customer)' : ''}`,
    );
}

/**
 * The distinct values of `column` in `input` with their row counts (`v`, `n`): formats are settled
 * and values parsed once per distinct value, not once per row (2M orders hold a few thousand dates).
 */
async function distinctValues(
  engine: FeedEngine,
  input: string,
  column: string,
  table: string,
): Promise<string> {
  await engine.run(
    `CREATE OR REPLACE TABLE ${table} AS SELECT ${column} AS v, count(*) AS n FROM ${input} GROUP BY ${column}`,
  );
  return table;
}

/** A distinct-values table with `parsed`, the SQL `expression` over `v`; returns its name. */
async function parseValues(engine: FeedEngine, table: string, expression: string): Promise<string> {
  const parsed = `${table}_parsed`;
  await engine.run(`CREATE OR REPLACE TABLE ${parsed} AS SELECT v, n, ${expression} AS parsed FROM ${table}`);
  return parsed;
}

/** A column as a message names it: `"amount"`, or `"amount" ("Total" in your file)` when mapped. */
const columnNamed = (column: string, header: MappedHeaders) =>
  typeof header === 'string' && header.toLowerCase() === column
    ? `"${column}"`
    : `"${column}" (${headerWords(header)} in your file)`;

/**
 * Settles how a date column reads dd/mm vs mm/dd and eight-digit dates, or stops naming the column
 * and what to declare: both readings of a dd/mm date, or the YYYYMMDD reading of an eight-digit one.
 */
async function dateFormat(
  engine: FeedEngine,
  source: FeedSource,
  values: string,
  column: string,
  header: MappedHeaders,
  formats: FeedFormats,
): Promise<DateColumnFormat> {
  const format = await settleDateColumn(
    engine,
    values,
    'v',
    formats.date,
    (why) => {
      const where = `${source.file}: the dates in column ${columnNamed(column, header)}`;
      if (why.shape === 'excel serial')
        throw new FeedError(
          'excel_serial_dates',
          `${where} are numbers of five digits, as Excel saves dates in a column formatted as numbers or General: "${why.example}" is Excel's date serial of ${isoOfDay(why.day)}. ` +
            'In Excel, format the column as dates (Format Cells, Date) and save the CSV again, or put the workbook (.xlsx) in the feed in its place: there such numbers are read as dates.',
          source.file,
        );
      if (why.shape === 'yyyymmdd')
        throw new FeedError(
          'undeclared_dates',
          `${where} are written as eight digits, which the feed reads only when told: "${why.example}" is ${isoOfCompact(why.example)} read as year, month and day (YYYYMMDD). ` +
            `If that is how they are written, say so in the rules file: { "formats": { "date": "yyyymmdd" } }.`,
          source.file,
        );
      const { dayFirst, monthFirst } = bothReadings(why.example);
      throw new FeedError(
        'ambiguous_dates',
        `${where} can be read two ways, and no date in the file has a day above 12 to settle it: ` +
          `"${why.example}" is ${dayFirst} day-first, or ${monthFirst} month-first. ` +
          `Say which in the rules file: { "formats": { "date": "day-first" } } or { "formats": { "date": "month-first" } }.`,
        source.file,
      );
    },
    { dateCells: source.serialDates },
  );
  if (format.note) source.notes.push(`${column}: ${format.note}`);
  return format;
}

/** A date column's distinct values parsed into day numbers (table `${kind}_dates`). */
async function parsedDates(
  engine: FeedEngine,
  source: FeedSource,
  kind: string,
  column: string,
  header: MappedHeaders,
  formats: FeedFormats,
  table = `${kind}_dates`,
): Promise<string> {
  const values = await distinctValues(engine, `${kind}_in`, column, table);
  const format = await dateFormat(engine, source, values, column, header, formats);
  const parsed = await parseValues(
    engine,
    values,
    dayExpression('v', { ...format, serials: source.serialDates }),
  );
  if (source.serialDates) {
    const [[count, example, day]] = await engine.rows(
      `SELECT sum(n), min(v), arg_min(parsed, v) FROM ${parsed} WHERE regexp_full_match(v, '${EXCEL_SERIAL}')`,
    );
    const n = Number(count ?? 0);
    if (n > 0)
      source.notes.push(
        `${column}: ${n.toLocaleString('en-US')} ${n === 1 ? 'number' : 'numbers'} read as Excel's date serial (${JSON.stringify(String(example))} is ${isoOfDay(Number(day))})`,
      );
  }
  return parsed;
}

/**
 * An amount column's distinct values parsed into numbers (table `${kind}_amounts`), its decimal mark
 * settled, or a stop naming the column and both readings of a value when the file cannot settle it.
 */
async function parsedAmounts(
  engine: FeedEngine,
  source: FeedSource,
  kind: string,
  column: string,
  header: MappedHeaders,
  formats: FeedFormats,
  table = `${kind}_amounts`,
): Promise<string> {
  const values = await distinctValues(engine, `${kind}_in`, column, table);
  // The column's headers, as the file's headers and Parquet's text headers are matched to them.
  const headers = new Set(headersOf(header).map(normaliseHeader));
  // A workbook's text cells of those columns that read like a number cell's text.
  const columns = source.header.flatMap((h, i) => (headers.has(normaliseHeader(h)) ? [i] : []));
  const numberCells = source.textShapedNumbers
    ? {
        textCells: `SELECT v FROM ${sqlName(source.textShapedNumbers)} WHERE list_contains([${columns.join(', ')}], col)`,
      }
    : undefined;
  const { decimal, note } = await settleDecimalMark(
    engine,
    values,
    'v',
    formats.decimal,
    source.delimiter,
    (why) => {
      if (why.shape === 'decimal comma')
        throw new FeedError(
          'undeclared_decimal_comma',
          `${source.file}: the amounts in column ${columnNamed(column, header)} are written with a decimal comma (${JSON.stringify(why.example)}), which a comma-separated file reads only when told. ` +
            `If that is how they are written, say so in the rules file: { "formats": { "decimal": "," } }.`,
          source.file,
        );
      throw new FeedError(
        'ambiguous_amounts',
        `${source.file}: the amounts in column ${columnNamed(column, header)} can be read two ways, and no amount in the file settles it: ` +
          `${JSON.stringify(why.example)} is ${why.withComma} with a decimal comma, or ${why.withPoint} with a decimal point. ` +
          `Say which in the rules file: { "formats": { "decimal": "," } } or { "formats": { "decimal": "." } }.`,
        source.file,
      );
    },
    {
      numberCells,
      textColumn: source.textHeaders?.some((t) => headers.has(normaliseHeader(t))) ?? false,
    },
  );
  if (note) source.notes.push(`${column}: ${note}`);
  return parseValues(engine, values, amountExpression('v', decimal, numberCells));
}

/**
 * Checks of an amount column already parsed into `value` (NULL when not a number); a negative value
 * is a bad row unless `refunds` (an order's amount, where it is a refund or a credit note).
 */
function amountChecks(column: string, value: string, required: boolean, refunds = false): ColumnChecks {
  return {
    column,
    text: column,
    checks: [
      ...(required ? [{ when: `${column} = ''`, problem: 'missing', quote: false }] : []),
      { when: `${column} <> '' AND (${value} IS NULL OR NOT isfinite(${value}))`, problem: 'not a number' },
      ...(refunds ? [] : [{ when: `${column} <> '' AND ${value} < 0`, problem: 'negative' }]),
      {
        when: `${column} <> '' AND ${value} > ${MAX_AMOUNT}`,
        problem: `over ${MAX_AMOUNT.toLocaleString('en-US')}`,
      },
    ],
  };
}

/** Checks of a date column already parsed into `value`. */
function dateChecks(
  column: string,
  value: string,
  asOfDay: number | undefined,
  asOf: string | undefined,
): ColumnChecks {
  return {
    column,
    text: column,
    checks: [
      { when: `${column} = ''`, problem: 'missing', quote: false },
      { when: `${value} IS NULL`, problem: 'not a date' },
      ...(asOfDay === undefined
        ? []
        : [{ when: `${value} > ${asOfDay}`, problem: `after the as-of date ${asOf}` }]),
    ],
  };
}

// An email address or a UPN: exactly one @, with text on either side and no space in it (`Tom @
// Acme` is a name, `a@b@c` no address). No stricter check: the addresses in a feed were taken by a
// shop, a CRM or Entra ID already; the shape only tells them from account numbers and names. An
// owner is one: a rep's Teams sign-in.
const EMAIL = '[^\\s@]+@[^\\s@]+';

/**
 * SQL: a customer id (trimmed) is an email address, matched whatever its case across customers,
 * orders and tickets. A shop that keys its customers by email (WooCommerce's guests, Squarespace,
 * many CRMs) stores the address as each checkout typed it, `Ana.Ruiz@Contoso.com` on
 * one order and `ana.ruiz@contoso.com` on the next, and mail providers deliver both to one mailbox
 * (the standard lets a server tell the part before the @ apart by case; the providers in use do not).
 * Any other id matches only as written: some systems hold both `C-42` and `c-42`. Most ids of
 * most feeds hold no @: the pattern is matched only on those that do, by a CASE (an AND computed
 * as a column matched it on every id, at three times the CPU of contains()).
 */
const emailIdSql = (id: string) =>
  `(CASE WHEN contains(${id}, '@') THEN regexp_full_match(${id}, '${EMAIL}') ELSE false END)`;

/** SQL of the key (`id_key`) of the customer that an order's or a ticket's customer id (SQL) names. */
type CustomerKey = (id: string) => string;

/**
 * How an order's or a ticket's customer id finds its customer, as cheaply as the customers file
 * (customers_chk) allows: as written where no customer id there holds an @ (account numbers);
 * lowered when it holds one, where every customer id that does is an address (an order's `A@B@x`,
 * no address, then finds no customer either way); else lowered only when it is an address. The
 * pattern is matched on every order only in that last case: on 2M orders it took 0.16 s of CPU,
 * contains() and lower() 0.04 s.
 */
async function customerKeyOf(engine: FeedEngine): Promise<CustomerKey> {
  const [[withAt, notEmail]] = await engine.rows(
    `SELECT count(*) FILTER (WHERE contains(customer_id, '@')), count(*) FILTER (WHERE contains(customer_id, '@') AND NOT id_email) FROM customers_chk`,
  );
  if (Number(withAt) === 0) return (id) => id;
  if (Number(notEmail) === 0)
    return (id) => `(CASE WHEN contains(${id}, '@') THEN lower(${id}) ELSE ${id} END)`;
  return (id) => `(CASE WHEN ${emailIdSql(id)} THEN lower(${id}) ELSE ${id} END)`;
}

/**
 * SQL over a value, true where it is the id of a customer of the book, or of one whose row was
 * skipped (a line naming them is theirs, and says they were skipped): what picks the customer out
 * of a line naming two parties (customerText).
 */
const customerNamedBy =
  (customerKey: CustomerKey) =>
  (value: string): string =>
    `(${value} <> '' AND ${customerKey(value)} IN (SELECT id_key FROM cust UNION ALL SELECT id_key FROM cust_skipped))`;

// An owner cell pasted from Outlook (`Ana Ruiz <ana.ruiz@contoso.com>`, `Ruiz, Ana <...>`) or kept
// as a mail link (`mailto:ana.ruiz@contoso.com`, what a hyperlink's address gives) names its rep by
// the address it holds: taken as written, the first is no sign-in and the second matches no rep.
const OWNER_ADDRESS = `CASE
    WHEN contains(owner, '<') AND regexp_full_match(owner, '[^<>]*<\\s*(?i:mailto:)?[^\\s@<>]+@[^\\s@<>]+\\s*>\\s*')
      THEN regexp_extract(owner, '<\\s*(?i:mailto:)?([^\\s@<>]+@[^\\s@<>]+)\\s*>', 1)
    WHEN lower(owner) LIKE 'mailto:%' THEN trim(owner[8:])
    ELSE owner END`;

// Shopify keeps no owner, only a customer's tags: an owner cell of comma-separated tags
// (`rep@shop.example, newsletter, vip`) names its rep by the one email address among them. NULL
// for a cell without a comma, which is checked as an address itself.
const OWNER_TAG_EMAILS = `CASE WHEN contains(owner, ',') THEN list_filter(list_transform(string_split(owner, ','), t -> trim(t)), t -> regexp_full_match(t, '${EMAIL}')) END`;

/**
 * SQL of the rules file's owner names as rows of (the name as ownerNameKey compares it, the
 * sign-in), or null when it names none.
 */
function namedOwners(owners: OwnerNames | undefined): string | null {
  const entries = Object.entries(owners ?? {});
  if (entries.length === 0) return null;
  const rows = entries.map(([name, rep]) => `(${sqlString(ownerNameKey(name))}, ${sqlString(rep)})`);
  return `(VALUES ${rows.join(', ')})`;
}

/**
 * The file's note of the customers given to the rules file's default rep, so that an import can be
 * checked against the list the reps keep: none where every row names its rep. Counted in the book
 * (table `customers_first`, each customer's row read): a skipped or repeated row gives nobody a customer.
 */
async function defaultOwnerNote(
  engine: FeedEngine,
  present: ReadonlySet<string>,
  defaultOwner: string,
): Promise<string[]> {
  const [[empty]] = await engine.rows(
    `SELECT count(*) FROM customers_first f JOIN customers_in i ON i.rid = f.frid WHERE i.owner = ''`,
  );
  const n = Number(empty);
  if (n === 0) return [];
  const count = `${n.toLocaleString('en-US')} ${n === 1 ? 'customer' : 'customers'}`;
  return [
    present.has('owner')
      ? `owner: ${count} with an empty owner cell given to ${defaultOwner} (defaultOwner)`
      : `owner: no owner column, so ${n === 1 ? 'the' : 'all'} ${count} given to ${defaultOwner} (defaultOwner)`,
  ];
}

const customerIdChecks = requiredText('customer_id', 'customer_id', MAX_CUSTOMER_ID_CHARS);

/** A note's list cut at the `shown` first of `total`: ` and 12 more`, or nothing when all are shown. */
function andMore(total: number, shown: number): string {
  return total > shown ? ` and ${(total - shown).toLocaleString('en-US')} more` : '';
}

/**
 * Table `cust_email`: each address of the customers' `email` column (one or several in a cell,
 * separated by `,` or `;`, in lower case) and the customer it finds (`id_key`): how a help desk's
 * tickets, keyed by the requester's address, find customers keyed by an account number. An address
 * that is a customer's id already is theirs. One given to two customers finds neither (`shared`
 * names them, for the ticket's bad row and the notes): a ticket is not guessed onto one of them. A
 * skipped customer's addresses find them too, so that their tickets are said to be theirs,
 * skipped, rather than of no customer. Returns the notes.
 */
async function customerEmails(engine: FeedEngine): Promise<string[]> {
  await engine.run(`
    CREATE OR REPLACE TABLE cust_email AS
      SELECT address, CASE WHEN count(DISTINCT id_key) = 1 THEN min(id_key) END AS id_key,
             CASE WHEN count(DISTINCT id_key) > 1 THEN string_agg(DISTINCT customer_id, ', ' ORDER BY customer_id) END AS shared
      FROM (
        SELECT c.id_key, c.customer_id, unnest(list_transform(string_split(replace(c.email, ';', ','), ','), a -> lower(trim(a)))) AS address
        FROM customers_chk c
        SEMI JOIN (SELECT frid AS rid FROM customers_first UNION ALL SELECT rid FROM cust_skipped) r ON r.rid = c.rid
        WHERE c.email <> '') a
      ANTI JOIN (SELECT id_key FROM cust UNION ALL SELECT id_key FROM cust_skipped) k ON k.id_key = a.address
      WHERE regexp_full_match(address, '${EMAIL}')
      GROUP BY address;`);
  const shared = await engine.rows(
    `SELECT address, shared, count(*) OVER () FROM cust_email WHERE shared IS NOT NULL ORDER BY address LIMIT 3`,
  );
  if (shared.length === 0) return [];
  const n = Number(shared[0][2]);
  const each = shared.map(([address, ids]) => `"${address}" (${ids})`).join(', ');
  return [
    `email: ${n.toLocaleString('en-US')} ${n === 1 ? 'address is' : 'addresses are'} given to more than one customer, so a ticket from ${n === 1 ? 'it' : 'them'} finds none: ${each}${andMore(n, shared.length)}`,
  ];
}

/**
 * The note of the customers file's ids written as a spreadsheet shows a long number (`1.23457E+11`
 * for an account number of 12 digits, Excel's General format, saved so from a CSV it opened): the
 * digits are gone, so the orders' ids, written in full, find no customer, and one of two such
 * customers is a duplicate of the other. Orders saved so too find theirs: the note does not say
 * that none does.
 */
async function scientificIds(engine: FeedEngine): Promise<string | null> {
  const [[n, example]] = await engine.rows(`
    SELECT count(*), min(trim(customer_id)) FROM customers_chk
    WHERE regexp_full_match(trim(customer_id), '[0-9](\\.[0-9]+)?E\\+[0-9]+', 'i')`);
  const count = Number(n);
  if (count === 0) return null;
  return `customer_id: ${count.toLocaleString('en-US')} ${count === 1 ? 'id' : 'ids'} written as a spreadsheet shows a long number (${JSON.stringify(String(example))}): ${count === 1 ? 'its' : 'their'} digits are lost, so an order or ticket that writes ${count === 1 ? 'it' : 'them'} in full finds no customer; export the file again rather than save it from the spreadsheet (Excel)`;
}

/**
 * customers: checked rows, the book's customers (table `cust`) and the ids of skipped rows
 * (`cust_skipped`); with the mapping that would give owner names to their reps, when there are any.
 */
async function checkCustomers(
  engine: FeedEngine,
  source: FeedSource,
  options: ReadFeedOptions,
): Promise<{ customers: Customer[]; ownerHint: string | null; customerKey: CustomerKey }> {
  const formats = options.formats ?? {};
  const { required, optional } = customerColumns(options);
  const present = await inputTable(
    engine,
    source,
    'customers',
    required,
    optional,
    options.columns?.customers,
  );
  // With a default rep, an empty owner cell (or no owner column: '') is theirs, checked as any owner.
  const owned = `(SELECT * REPLACE (${OWNER_ADDRESS} AS owner) FROM customers_in)`;
  const input = options.defaultOwner
    ? `(SELECT * REPLACE (CASE WHEN owner = '' THEN ${sqlString(options.defaultOwner)} ELSE owner END AS owner) FROM ${owned})`
    : owned;
  const values = await parsedAmounts(
    engine,
    source,
    'customers',
    'monthly_value',
    options.columns?.customers?.monthly_value ?? 'monthly_value',
    formats,
  );
  const names = namedOwners(options.owners);
  const notASignIn = names
    ? "not an email, a UPN or a name in the rules file's owners"
    : 'not an email or UPN';
  const columns: ColumnChecks[] = [
    customerIdChecks,
    requiredText('name', 'name', MAX_NAME_CHARS),
    {
      column: 'owner',
      text: 'owner',
      checks: [
        { when: `owner = ''`, problem: 'missing', quote: false },
        { when: `owner_emails = 0`, problem: 'no email address in the tags' },
        {
          when: `owner_emails > 1`,
          problem: 'several email addresses in the tags',
          words: `owner_emails || ' email addresses in the tags'`,
        },
        { when: `NOT regexp_full_match(owner_rep, '${EMAIL}')`, problem: notASignIn },
        {
          when: longerThan('owner_rep', MAX_OWNER_CHARS),
          problem: `longer than ${MAX_OWNER_CHARS} characters`,
        },
      ],
    },
    amountChecks('monthly_value', 'mv', false),
  ];
  await engine.run(`
    CREATE OR REPLACE TABLE customers_chk AS
      SELECT * EXCLUDE (owner_tags, owner_named), ${kindSql(columns)} AS kind
      FROM (
        SELECT *, len(owner_tags) AS owner_emails,
          -- The customer as their rows are matched: an address in lower case, any other id as written.
          CASE WHEN id_email THEN lower(customer_id) ELSE customer_id END AS id_key,
          coalesce(owner_named, CASE WHEN len(owner_tags) = 1 THEN owner_tags[1] ELSE owner END) AS owner_rep
        FROM (
          SELECT i.*, ${emailIdSql('i.customer_id')} AS id_email, v.parsed AS mv, ${names ? 'n.rep' : 'NULL::VARCHAR'} AS owner_named,
            ${names ? `CASE WHEN n.rep IS NULL THEN ${OWNER_TAG_EMAILS} END` : OWNER_TAG_EMAILS} AS owner_tags
          FROM ${input} i LEFT JOIN ${values} v ON v.v = i.monthly_value
          ${names ? `LEFT JOIN ${names} AS n(k, rep) ON n.k = lower(trim(i.owner))` : ''}));
    CREATE OR REPLACE TABLE customers_first AS
      -- Each customer's first good row, whose id (\`fid\`, as written there) is the customer's id.
      SELECT id_key, min(rid) AS frid, arg_min(customer_id, rid) AS fid FROM customers_chk WHERE kind IS NULL GROUP BY id_key;
    CREATE OR REPLACE TABLE cust_owners AS
      SELECT owner, (row_number() OVER (ORDER BY owner) - 1)::INTEGER AS oi
      FROM (SELECT DISTINCT lower(owner_rep) AS owner FROM customers_chk WHERE kind IS NULL);
    CREATE OR REPLACE TABLE cust AS
      SELECT (row_number() OVER (ORDER BY c.rid) - 1)::INTEGER AS idx, c.customer_id, c.id_key, c.name, o.owner, o.oi,
             CASE WHEN c.monthly_value = '' THEN NULL WHEN c.mv = 0 THEN 0.0 ELSE c.mv END AS mv
      FROM customers_chk c JOIN customers_first f ON f.frid = c.rid
      JOIN cust_owners o ON o.owner = lower(c.owner_rep)
      ORDER BY idx;
    CREATE OR REPLACE TABLE cust_skipped AS
      -- An anti join, which DuckDB builds on the (few) bad rows: NOT IN built a hash table of every customer.
      -- The id and name of the first row, which a help desk's ticket may find them by.
      SELECT c.id_key, min(c.rid) AS rid, arg_min(c.customer_id, c.rid) AS customer_id, arg_min(c.name, c.rid) AS name
      FROM customers_chk c ANTI JOIN cust u ON u.id_key = c.id_key
      WHERE c.kind IS NOT NULL AND c.customer_id <> ''
      GROUP BY c.id_key;
    CREATE OR REPLACE TABLE customers_problems AS
      SELECT rid, kind, ${reasonSql(columns)} AS reason, NULL::BIGINT AS ref FROM customers_chk WHERE kind IS NOT NULL
      UNION ALL
      SELECT c.rid, 'duplicate customer_id', 'duplicate customer_id ' || ${quotedSql('c.customer_id')} || ' (first on line {ref}'
        || CASE WHEN f.fid <> c.customer_id THEN ' as ' || ${quotedSql('f.fid')} ELSE '' END || ')', f.frid
      FROM customers_chk c JOIN customers_first f ON f.id_key = c.id_key
      WHERE c.kind IS NULL AND c.rid <> f.frid;`);
  if (options.defaultOwner)
    source.notes.push(...(await defaultOwnerNote(engine, present, options.defaultOwner)));
  source.notes.push(...(await customerEmails(engine)));
  const scientific = await scientificIds(engine);
  if (scientific) source.notes.push(scientific);
  const ownerHint = await ownerNamesHint(engine, `owner: ${notASignIn}`);
  if (ownerHint) source.notes.push(ownerHint);
  return { customers: await bookCustomers(engine), ownerHint, customerKey: await customerKeyOf(engine) };
}

/** The book's customers, from tables `cust` and `cust_owners`. */
async function bookCustomers(engine: FeedEngine): Promise<Customer[]> {
  const customers: Customer[] = [];
  // Each rep's address is read once, as text shared by their customers, and each customer's by its
  // index: reading 1M customers took 2.0 s of CPU with the address read per customer, 1.2 s so.
  const owners = (await engine.rows('SELECT owner FROM cust_owners ORDER BY oi')).map(([o]) => String(o));
  await engine.chunks(
    // In the table's order (idx): a sorted stream of 1M names could not spill.
    'SELECT customer_id, name, oi, mv, idx FROM cust',
    (column, rows) => {
      const [id, name, ownerOf, mv, idx] = [column(0), column(1), column(2), column(3), column(4)];
      for (let r = 0; r < rows; r++) {
        if (idx(r) !== customers.length)
          throw new Error(`cust came back out of order (row ${customers.length})`);
        const monthlyValue = mv(r);
        customers.push({
          id: String(id(r)),
          name: String(name(r)),
          owner: owners[ownerOf(r) as number],
          monthlyValue: monthlyValue === null ? null : Number(monthlyValue),
        });
      }
    },
  );
  return customers;
}

/**
 * A feed with no customers file stops without a rep for its customers: an orders export names
 * none, and the owner column that would is the customers file's.
 */
function noOwnerForOrders(orders: string): FeedError {
  return new FeedError(
    'missing_column',
    `The feed has no customers file, so its customers are taken from ${orders}, which names no rep: no customer could be given to one. ` +
      'Where one rep looks after every customer, give their sign-in in the rules file: { "defaultOwner": "<their Teams sign-in>" }; ' +
      "otherwise add customers.csv with an owner column holding each customer's rep (docs/feed.md, Adding an owner column).",
    orders,
  );
}

/**
 * The account's own address (lower case) in an orders file whose customer_id is mapped to several
 * headers, where the customers are taken from it: a payments account's download names both parties
 * of each line (PayPal's `From Email Address` and `To Email Address`), the buyer and the account,
 * which is the one party on every line naming two, the payee of each payment and the payer of each
 * refund, so under both headers. Taken for a customer, the account would own every refund it sent,
 * and no buyer would lose one. Null for a single header or where no value is on every such line
 * under more than one header: headers naming one customer twice (a till's customer number and
 * their email), each always under its own, leave the customer the first filled. Stops where two
 * are (every line between the account and one buyer, a refund among them: which is whose cannot be
 * told).
 */
async function accountAddress(
  engine: FeedEngine,
  source: FeedSource,
  indices: readonly number[],
): Promise<string | null> {
  if (indices.length < 2) return null;
  const cells = indices
    .map(
      (i, header) =>
        `SELECT rowid AS rid, ${header} AS header, NULLIF(lower(${trimmedSql(`c${i}`)}), '') AS v FROM ${source.table} WHERE rowid > 0`,
    )
    .join(' UNION ALL ');
  const rows = await engine.rows(`
    WITH cells AS (SELECT * FROM (${cells}) WHERE v IS NOT NULL),
    two AS (SELECT rid FROM cells GROUP BY rid HAVING count(DISTINCT v) >= 2),
    parties AS (
      SELECT c.v, count(DISTINCT c.rid) FILTER (WHERE t.rid IS NOT NULL) AS n, count(DISTINCT c.header) AS headers
      FROM cells c LEFT JOIN two t USING (rid) GROUP BY c.v)
    SELECT v, n FROM parties WHERE n > 0 AND n = (SELECT count(*) FROM two) AND headers >= 2 ORDER BY v`);
  if (rows.length === 0) return null;
  const lines = Number(rows[0][1]);
  const counted = `${lines.toLocaleString('en-US')} ${lines === 1 ? 'line' : 'lines'}`;
  if (rows.length > 1)
    throw new FeedError(
      'missing_file',
      `${source.file}: every line naming two parties names both ${rows.map(([v]) => `"${String(v)}"`).join(' and ')} (${counted}), ` +
        "so the customers taken from it cannot tell the account's own address from its customer's. " +
        "Add customers.csv with the customers' addresses (docs/feed.md, PayPal).",
      source.file,
    );
  const own = String(rows[0][0]);
  source.notes.push(
    `customer_id: "${own}" is on every line naming two parties (${counted}), so it is taken for the account's own address and is no customer`,
  );
  return own;
}

/**
 * The book's customers where the feed has no customers file (a shop that exports its orders alone):
 * each customer id of the orders, in the order it first appears, keyed and matched as a customers
 * file's (an address whatever its case, written as on its first row), named by the name most of
 * their orders give (`customer_name`, Shopify's `Billing Name`, which it writes on an order's first
 * line only; ties to the first) or else by their id, all given to the default rep, with no stated
 * monthly value (derived, as for an empty cell). A row whose customer id is missing or too long is
 * no customer: the orders' own checks report it, with its line. Tables `cust`, `cust_owners`,
 * `cust_skipped` (empty) and `customers_chk` as checkCustomers makes them.
 */
async function customersFromOrders(
  engine: FeedEngine,
  source: FeedSource,
  options: ReadFeedOptions & { defaultOwner: string },
): Promise<{ customers: Customer[]; customerKey: CustomerKey; from: CustomersFromOrders }> {
  const mapping = options.columns?.orders;
  const index = resolveColumns(
    { file: source.file, mappingKey: 'orders', required: ['customer_id'], optional: ORDER_CUSTOMER_COLUMNS },
    source.header,
    mapping,
  );
  const named = index.customer_name.length > 0;
  const own = await accountAddress(engine, source, index.customer_id);
  // Each line's customer: the first of the headers listed filled with another than the account's.
  const customerId =
    own === null
      ? text(index.customer_id)
      : `coalesce(${index.customer_id
          .map(
            (i) =>
              `CASE WHEN lower(${trimmedSql(`c${i}`)}) <> ${sqlString(own)} THEN NULLIF(${trimmedSql(`c${i}`)}, '') END`,
          )
          .join(', ')}, '')`;
  await engine.run(`
    CREATE OR REPLACE TABLE customers_chk AS
      SELECT rid, customer_id, id_email, CASE WHEN id_email THEN lower(customer_id) ELSE customer_id END AS id_key,
        customer_name, NULL::VARCHAR AS kind
      FROM (
        SELECT *, ${emailIdSql('customer_id')} AS id_email FROM (
          SELECT rowid AS rid, ${customerId} AS customer_id, ${text(index.customer_name)} AS customer_name
          FROM ${source.table} WHERE rowid > 0)
        WHERE ${kindSql([customerIdChecks])} IS NULL);
    CREATE OR REPLACE TABLE customers_named AS
      SELECT id_key, arg_min(customer_name, (-n, first)) AS name FROM (
        SELECT id_key, customer_name, count(*) AS n, min(rid) AS first FROM customers_chk
        WHERE customer_name <> '' AND NOT ${longerThan('customer_name', MAX_NAME_CHARS)}
        GROUP BY id_key, customer_name)
      GROUP BY id_key;
    CREATE OR REPLACE TABLE cust_owners AS SELECT lower(${sqlString(options.defaultOwner)}) AS owner, 0 AS oi;
    CREATE OR REPLACE TABLE cust AS
      SELECT (row_number() OVER (ORDER BY f.frid) - 1)::INTEGER AS idx, f.fid AS customer_id, f.id_key,
             coalesce(n.name, f.fid) AS name, o.owner, o.oi, NULL::DOUBLE AS mv, n.name IS NULL AS by_id
      FROM (SELECT id_key, min(rid) AS frid, arg_min(customer_id, rid) AS fid FROM customers_chk GROUP BY id_key) f
      LEFT JOIN customers_named n USING (id_key) CROSS JOIN cust_owners o
      ORDER BY idx;
    CREATE OR REPLACE TABLE cust_skipped (id_key VARCHAR, rid BIGINT, customer_id VARCHAR, name VARCHAR);
    CREATE OR REPLACE TABLE cust_email (address VARCHAR, id_key VARCHAR, shared VARCHAR);`);
  const [[byId, owner]] = await engine.rows(
    'SELECT count(*) FILTER (WHERE by_id), (SELECT owner FROM cust_owners) FROM cust',
  );
  const customers = await bookCustomers(engine);
  return {
    customers,
    customerKey: await customerKeyOf(engine),
    from: {
      file: source.file,
      customers: customers.length,
      ...(named ? { namedFrom: headerWords(mapping?.customer_name ?? 'customer_name') } : {}),
      namedById: Number(byId),
      owner: String(owner),
    },
  };
}

/**
 * When owner cells hold names rather than sign-ins (a CRM's "Sales Rep": `Ana Ruiz`), the mapping
 * that would give them to their reps, for the notes and the stop: few users would guess that the
 * fix is in the rules file rather than in a week of hand edits to the export.
 */
async function ownerNamesHint(engine: FeedEngine, kind: string): Promise<string | null> {
  const shown = 3;
  const rows = await engine.rows(`
    SELECT trim(owner) AS name, count(*) AS n, count(*) OVER () AS names, sum(count(*)) OVER () AS cells
    FROM customers_chk WHERE kind = ${sqlString(kind)} AND NOT contains(owner, '@')
    GROUP BY trim(owner) ORDER BY n DESC, name LIMIT ${shown}`);
  if (rows.length === 0) return null;
  const names = rows.map(([name]) => String(name));
  const [distinct, cells] = [Number(rows[0][2]), Number(rows[0][3])];
  const more = andMore(distinct, shown);
  const example = names.map((name) => `${JSON.stringify(name)}: "<their Teams sign-in>"`).join(', ');
  return (
    `owner: ${cells.toLocaleString('en-US')} ${cells === 1 ? 'row names' : 'rows name'} a rep (${names.map((n) => JSON.stringify(n)).join(', ')}${more}) rather than giving their Teams sign-in: ` +
    `give each name its rep's sign-in in the rules file, e.g. { "owners": { ${example} } }`
  );
}

/** SQL (over a checked table) naming the customer problem of a row whose customer is not in the book. */
const customerProblem = `CASE WHEN s.rid IS NOT NULL THEN 'customer skipped' ELSE 'unknown customer' END`;
const customerReason = `CASE WHEN skipped_rid IS NOT NULL
  THEN 'customer ' || ${quotedSql('customer_id')} || ' was skipped (bad row on {customers} line {ref})'
  ELSE 'unknown customer ' || ${quotedSql('customer_id')} END`;

/**
 * SQL: the rows of `inner` (a query with the parsed columns) with their first problem (`kind`), their
 * customer's index (`cust`, by `customerKey`: customerKeyOf) and, for a customer whose row was skipped, that row (`skipped_rid`). Only
 * `keep` of the row's own columns are kept: the text of a bad row is read again for its reason.
 */
function checkedRows(columns: ColumnChecks[], inner: string, keep: string, customerKey: CustomerKey): string {
  return `
      SELECT i.rid, ${keep}, c.idx AS cust, s.rid AS skipped_rid,
             coalesce(i.column_kind, CASE WHEN c.idx IS NULL THEN ${customerProblem} END) AS kind
      FROM (SELECT *, ${kindSql(columns)} AS column_kind, ${customerKey('customer_id')} AS id_key FROM (${inner})) i
      LEFT JOIN cust c ON c.id_key = i.id_key
      LEFT JOIN cust_skipped s ON s.id_key = i.id_key`;
}

/** SQL: the bad rows of `checked` with their reason in words, the text read again from `input`. */
function problemRows(columns: ColumnChecks[], checked: string, parsedColumns: string, input: string): string {
  return `
      SELECT rid, kind, coalesce(${reasonSql(columns)}, ${customerReason}) AS reason, skipped_rid AS ref
      FROM (SELECT rid, kind, skipped_rid, ${parsedColumns} FROM ${checked} WHERE kind IS NOT NULL) p
      JOIN ${input} USING (rid)`;
}

/**
 * Statuses of an order refunded in full: undone, unless refunded after the as-of date (refunded_at).
 * SumUp's report in German writes Erstattet.
 */
const REFUNDED = ['refunded', 'erstattet'];

/**
 * Statuses of an order that was never placed or was undone: a draft, voided or deleted invoice
 * (Xero, QuickBooks, Zoho Books), a quotation (Odoo), a cancelled, failed or refunded order
 * (WooCommerce, Shopify, Stripe), a payment authorised but never taken (Shopify's expired). Any
 * other status (paid, authorised, processing, on hold, partially refunded...) is an order.
 */
const NOT_PLACED = [
  'draft',
  // Xero's invoice awaiting approval (SUBMITTED, "Awaiting Approval" in its reports): not yet in
  // the books nor sent, a draft under review.
  'submitted',
  'awaiting approval',
  // Zoho Books' invoice waiting for its approver, or sent back by them to be changed: not sent.
  'pending approval',
  'rejected',
  // Odoo's sales orders list quotations beside orders: a price offered, not yet ordered.
  'quotation',
  'quotation sent',
  'void',
  'voided',
  'deleted',
  'cancelled',
  'canceled',
  'failed',
  ...REFUNDED,
  'declined',
  // SumUp's transaction report in German: a payment cancelled at the reader and one that failed (a
  // card declined).
  'abgebrochen',
  'fehlgeschlagen',
  // PayPal's payment refused by the card's bank or by PayPal (Denied): no money was taken.
  'denied',
  // BigCommerce's checkout left at the payment page (Incomplete), listed among its orders.
  'incomplete',
  'trash',
  'expired',
];

/**
 * WooCommerce's unpaid orders, as its exports write them (the status with its wc- prefix, or its
 * label): a checkout never paid for ("Pending payment", which WooCommerce cancels itself once the
 * stock it held is released) or left as a draft by the block checkout. Shopify's plain `pending` (a
 * bank transfer or money order on its way) stays an order.
 */
const NOT_PAID_AS_WRITTEN = ['wc-pending', 'pending payment', 'wc-checkout-draft', 'checkout-draft'];

/**
 * The rows (`rid`) of orders_in of the orders with a status of NOT_PLACED or NOT_PAID_AS_WRITTEN, or
 * a payment not captured, on any of their lines (Shopify writes the status on an order's first line
 * only), in table `orders_left_out`, or undefined when there are none (the rows are then read as
 * they are); counted per status in the file's notes. Their rows are left out before any check:
 * they are not bad rows. An order is its id and its customer: a report can number two customers'
 * transactions alike (a voided invoice and another customer's credit memo, both 1010), and voiding
 * one leaves the other as it is. A line naming no customer goes with the customer its order's other
 * left-out lines name (one voided invoice, not two), or, where none names one, with every line of its id.
 */
async function ordersLeftOut(
  engine: FeedEngine,
  source: FeedSource,
  present: ReadonlySet<string>,
  customerKey: CustomerKey,
  /** Whether `type` is mapped: its payout lines (PAYOUT_TYPES) are left out, each on its own. */
  typeMapped: boolean,
  /** The order and refund days' tables, and SQL over a row's `day` and `refund_day`: refunded after the as-of date. */
  refundDays?: { dates: string; refundDates: string; refundedLater: string },
): Promise<string | undefined> {
  const quoted = (values: string[]) => values.map((s) => `'${s}'`).join(', ');
  let byStatus = 'false';
  if (present.has('status')) {
    const statuses = await distinctValues(engine, 'orders_in', 'status', 'orders_statuses');
    // WooCommerce writes its statuses with a wc- prefix in some exports (wc-cancelled).
    // QuickBooks writes "Voided" before a voided invoice's own memo (QuickBooks Desktop "VOID:"),
    // which a status mapped to the memo column then reads.
    byStatus = `status IN (SELECT v FROM ${statuses} WHERE regexp_replace(lower(v), '^wc-', '') IN (${quoted(NOT_PLACED)})
      OR lower(v) IN (${quoted(NOT_PAID_AS_WRITTEN)}) OR regexp_matches(lower(v), '^(voided\\b|void\\s*:)'))`;
    // An order refunded after the as-of date was an order on it: its status says what it is now.
    if (refundDays)
      byStatus = `(${byStatus} AND NOT (regexp_replace(lower(status), '^wc-', '') IN (${quoted(REFUNDED)}) AND ${refundDays.refundedLater}))`;
  }
  // A card payment authorised and never captured was never taken: Stripe keeps its Status Paid
  // and writes Captured false.
  const notCaptured = present.has('captured') ? `lower(captured) = 'false'` : 'false';
  // A payout to the shop's bank repeats its sale's id and amount: only that line is left out, not
  // the sale's, and the sale's customer is not asked of it. Its status is the payout's (one SumUp
  // could not make to the bank, Fehlgeschlagen): it leaves no sale out.
  const payout = typeMapped ? payoutTypeSql('type') : 'false';
  const rows = refundDays
    ? `(SELECT o.*, d.parsed AS day, rd.parsed AS refund_day FROM orders_in o
        LEFT JOIN ${refundDays.dates} d ON d.v = o.ordered_at LEFT JOIN ${refundDays.refundDates} rd ON rd.v = o.refunded_at)`
    : 'orders_in';
  await engine.run(`
    CREATE OR REPLACE TABLE orders_left_out_rows AS
      SELECT order_id, ${customerKey('customer_id')} AS id_key, CASE WHEN ${byStatus} THEN status END AS status FROM ${rows}
      WHERE order_id <> '' AND (${byStatus} OR ${notCaptured}) AND NOT ${payout};
    -- A line naming no customer is of the order whose id its other left-out lines give with a customer:
    -- its key is dropped there, and kept (every customer's lines of that id) only where none does.
    CREATE OR REPLACE TABLE orders_left_out_keys AS
      SELECT DISTINCT order_id, id_key FROM orders_left_out_rows
      QUALIFY id_key <> '' OR bool_and(id_key = '') OVER (PARTITION BY order_id);
    -- Three joins on equalities, not one with an OR: DuckDB then runs a hash join, not a nested loop
    -- (1.5M order lines with statuses: 24 s against 295 s).
    CREATE OR REPLACE TABLE orders_left_out AS
      SELECT o.rid FROM orders_in o SEMI JOIN orders_left_out_keys x
        ON x.order_id = o.order_id AND x.id_key = ${customerKey('o.customer_id')}
      UNION
      SELECT o.rid FROM orders_in o SEMI JOIN (SELECT order_id FROM orders_left_out_keys WHERE id_key = '') x
        ON x.order_id = o.order_id
      UNION
      SELECT o.rid FROM orders_in o SEMI JOIN (SELECT DISTINCT order_id FROM orders_left_out_keys) x
        ON x.order_id = o.order_id WHERE o.customer_id = ''
      UNION
      SELECT rid FROM orders_in WHERE ${payout};`);
  // Each order once: a line naming no customer counted with the order its key went to.
  const counts = await engine.rows(
    `SELECT status, count(DISTINCT (order_id, id_key)) AS n FROM (
        SELECT status, order_id, id_key FROM orders_left_out_rows WHERE id_key <> ''
        UNION ALL
        SELECT r.status, r.order_id, k.id_key FROM orders_left_out_rows r JOIN orders_left_out_keys k USING (order_id)
        WHERE r.id_key = '')
      GROUP BY status ORDER BY n DESC, status`,
  );
  const [[orders]] = await engine.rows('SELECT count(*) FROM orders_left_out_keys');
  const total = Number(orders);
  const payouts = await engine.rows(
    `SELECT type, count(*) AS n FROM orders_in WHERE ${payout} GROUP BY type ORDER BY n DESC, type`,
  );
  if (total === 0 && payouts.length === 0) return undefined;
  const [[lines]] = await engine.rows('SELECT count(*) FROM orders_left_out');
  source.rowsLeftOut = Number(lines);
  const each = counts.map(
    ([v, n]) =>
      `${v === null ? 'not captured' : JSON.stringify(String(v))} ${Number(n).toLocaleString('en-US')}`,
  );
  if (total > 0)
    noteFigures(
      source,
      `${present.has('status') ? 'status' : 'captured'}: ${total.toLocaleString('en-US')} ${total === 1 ? 'order' : 'orders'} left out, never placed or undone (${each.join(', ')})`,
    );
  if (payouts.length > 0) {
    const n = payouts.reduce((sum, [, k]) => sum + Number(k), 0);
    noteFigures(
      source,
      `type: ${n.toLocaleString('en-US')} ${n === 1 ? 'line' : 'lines'} left out, payouts to the shop's bank, not sales (${payouts.map(([v, k]) => `${JSON.stringify(String(v))} ${Number(k).toLocaleString('en-US')}`).join(', ')})`,
    );
  }
  return 'orders_left_out';
}

/**
 * The rows of orders_in that name no customer and lack an order id or a date, in table
 * `orders_report_lines`, or undefined when there are none or every row is one (the file is then
 * read as it is, and stops as a file of bad rows). An accounting report saved as CSV holds such
 * lines around its invoices: QuickBooks' Sales by Customer Detail a heading and a "Total for" line
 * for each customer and a TOTAL (in its Date column in the Invoice List), Sage's reports a Totals
 * line, a ledger a `Summe` in its document number column. Reported as bad rows, a book of 2,357
 * customers listed 4,715 of them, burying the rows that needed a look; they are counted in the
 * file's notes with the first one's line, and are neither kept nor skipped, as orders left out by
 * their status are. A line with an id and a date but no customer is a sale to no account (a till's
 * cash sale): a bad row, as before.
 */
async function reportLines(engine: FeedEngine, source: FeedSource): Promise<string | undefined> {
  await engine.run(`
    CREATE OR REPLACE TABLE orders_report_lines AS
      SELECT rid FROM orders_in WHERE customer_id = '' AND (order_id = '' OR ordered_at = '');`);
  const [[count, first, rows]] = await engine.rows(
    'SELECT count(*), min(rid), (SELECT count(*) FROM orders_in) FROM orders_report_lines',
  );
  const n = Number(count);
  if (n === 0 || n === Number(rows)) return undefined;
  source.rowsLeftOut = (source.rowsLeftOut ?? 0) + n;
  const where = await placeOfRow(source, Number(first));
  noteFigures(
    source,
    `${n.toLocaleString('en-US')} ${n === 1 ? 'line' : 'lines'} with no customer and no order id or date not read (a report's headings and totals?), the first on ${where}`,
  );
  return 'orders_report_lines';
}

/** The columns of an order line whose product is its amount, where a line-item export writes no amount. */
const LINE_COLUMNS = ['quantity', 'unit_price'] as const;

/**
 * The columns an orders file is read by: the feed's own, or, in a line-item export that writes no
 * amount (a till's or a warehouse's: InvoiceNo, StockCode, Quantity, UnitPrice...), a quantity and a
 * unit price in its place, mapped or so named: each line's amount is then their product. An
 * amount and a quantity or unit price both mapped stops the run: which is meant cannot be told.
 */
export function orderColumns(
  file: string,
  header: string[],
  mapping: ColumnMapping['orders'],
): { required: readonly string[]; optional: readonly string[]; fromLines: boolean } {
  const names = new Set(header.map(normaliseHeader));
  const has = (column: 'amount' | (typeof LINE_COLUMNS)[number]) =>
    headersOf(mapping?.[column] ?? column).every((h) => names.has(normaliseHeader(h)));
  const linesMapped = LINE_COLUMNS.some((c) => mapping?.[c] !== undefined);
  if (linesMapped && mapping?.amount !== undefined)
    throw new FeedError(
      'mapping_conflict',
      `The rules file maps both "amount" and "quantity" or "unit_price" for ${file}: map "amount" where your export has each line's amount, or "quantity" and "unit_price" (the amount is then their product), not both.`,
      file,
    );
  // An amount the mapping names is read or missed by name: a header it lacks is not a sign of lines.
  const fromLines =
    linesMapped || (mapping?.amount === undefined && !has('amount') && LINE_COLUMNS.every(has));
  const optional = ORDER_OPTIONAL_COLUMNS.filter((c) => !(LINE_COLUMNS as readonly string[]).includes(c));
  return fromLines
    ? { required: [...ORDER_COLUMNS.filter((c) => c !== 'amount'), ...LINE_COLUMNS], optional, fromLines }
    : { required: ORDER_COLUMNS, optional, fromLines };
}

/** orders: checked rows, lines merged into orders (the book's orders: BOOK_ORDERS); returns the lines merged. */
async function checkOrders(
  engine: FeedEngine,
  source: FeedSource,
  options: ReadFeedOptions,
  customerKey: CustomerKey,
): Promise<{
  merged: number;
  unread: Map<number, UnreadOrders>;
  refunded: Map<number, RefundedOrders>;
}> {
  const formats = options.formats ?? {};
  const mapping = options.columns?.orders;
  const { required, optional, fromLines } = orderColumns(source.file, source.header, mapping);
  // A line's amount as the report quotes it (`6 x 2.55`), empty where either part is.
  const lineAmount = `CASE WHEN quantity = '' OR unit_price = '' THEN '' ELSE quantity || ' x ' || unit_price END AS amount`;
  const present = await inputTable(
    engine,
    source,
    'orders',
    required as (typeof ORDER_COLUMNS)[number][],
    optional as (typeof ORDER_OPTIONAL_COLUMNS)[number][],
    mapping,
    fromLines ? lineAmount : '',
    customerNamedBy(customerKey),
  );
  const dates = await parsedDates(
    engine,
    source,
    'orders',
    'ordered_at',
    mapping?.ordered_at ?? 'ordered_at',
    formats,
  );
  // The day a refund was given, where the export writes it (Stripe's `Refunded date (UTC)`): as of
  // an earlier date (a score or backtest of a past week) the order stood whole, and a refund seen
  // before it was given would make a customer look smaller, or gone, too early.
  const refundDates = present.has('refunded_at')
    ? await parsedDates(
        engine,
        source,
        'orders',
        'refunded_at',
        mapping?.refunded_at ?? 'refunded_at',
        formats,
        'orders_refund_dates',
      )
    : undefined;
  const cut = options.asOf ?? options.refundsAsOf;
  // SQL over a row's order day (`day`) and refund day (`refund_day`): refunded after the cut date,
  // an order on or before it.
  const refundedLater =
    refundDates && cut !== undefined
      ? `coalesce(refund_day > ${dayOf(cut)} AND day <= ${dayOf(cut)}, false)`
      : undefined;
  // `type` (payouts left out here, credits below) is read only where mapped: many exports have a
  // Type column meaning something else.
  const typeMapped = present.has('type') && mapping?.type !== undefined;
  const leftOut =
    present.has('status') || present.has('captured') || typeMapped
      ? await ordersLeftOut(
          engine,
          source,
          present,
          customerKey,
          typeMapped,
          refundDates && refundedLater ? { dates, refundDates, refundedLater } : undefined,
        )
      : undefined;
  const notOrders = await reportLines(engine, source);
  // Read only where mapped: a `Currency` column beside an amount converted to the account's currency
  // (Stripe's `Converted Amount`) names the charge's currency, not the amount's.
  const currency =
    present.has('currency') && mapping?.currency !== undefined
      ? await bookCurrency(engine, source, { leftOut, notOrders, cards: options.currency })
      : undefined;
  // Each distinct value parsed once, the product taken per row: a line-item export repeats a few
  // hundred quantities and prices over its rows.
  const amountOf = (column: 'amount' | 'refunded' | (typeof LINE_COLUMNS)[number]) =>
    parsedAmounts(
      engine,
      source,
      'orders',
      column,
      mapping?.[column] ?? column,
      formats,
      `orders_${column}s`,
    );
  const [amounts, prices] = fromLines
    ? [await amountOf('quantity'), await amountOf('unit_price')]
    : [await amountOf('amount')];
  if (notOrders && !prices) await noteLinesBelowOrders(engine, source, amounts);
  // What was refunded off an order that keeps its total (a partial refund in WooCommerce or Stripe),
  // taken off the order as a refund row of its own would be. Exports differ in its sign: either is
  // the amount given back.
  const refunded = present.has('refunded') ? await amountOf('refunded') : undefined;
  const asOfDay = options.asOf === undefined ? undefined : dayOf(options.asOf);
  const columns: ColumnChecks[] = [
    requiredText('order_id', 'order_id', MAX_ROW_ID_CHARS),
    customerIdChecks,
    dateChecks('ordered_at', 'day', asOfDay, options.asOf),
    // An empty amount is settled with the order's other lines below; a negative one is a refund.
    amountChecks('amount', 'value', false, true),
    ...(currency ? [currencyChecks(currency.code, currency.configured)] : []),
    ...(refunded ? [amountChecks('refunded', 'refunded_value', false, true)] : []),
    ...(refundDates
      ? [
          {
            column: 'refunded_at',
            text: 'refunded_at',
            checks: [{ when: `refunded_at <> '' AND refund_day IS NULL`, problem: 'not a date' }],
          },
        ]
      : []),
  ];
  // A credit note whose type alone says it is one (its amounts written positive): read as negative,
  // as a credit.
  const credit = typeMapped ? creditTypeSql('o.type') : undefined;
  const creditLines = credit ? await creditNoteLines(engine, source, credit) : 0;
  const [[negatives]] = await engine.rows(
    `SELECT count(*) + ${creditLines} FROM ${amounts} WHERE parsed < 0${prices ? ` OR EXISTS (SELECT 1 FROM ${prices} WHERE parsed < 0)` : ''}`,
  );
  const [[refundedRows]] = refunded
    ? await engine.rows(`SELECT count(*) FROM ${refunded} WHERE parsed <> 0`)
    : [[0]];
  const refunds = Number(negatives) > 0 || Number(refundedRows) > 0;
  const amount = prices ? 'a.parsed * p.parsed' : 'a.parsed';
  const parsed = `SELECT o.*, d.parsed AS day, ${credit ? `CASE WHEN ${credit} THEN -abs(${amount}) ELSE ${amount} END` : amount} AS value${refunded ? ', abs(r.parsed) AS refunded_value' : ''}${refundDates ? ', rd.parsed AS refund_day' : ''} FROM orders_in o
    LEFT JOIN ${dates} d ON d.v = o.ordered_at
    ${refunded ? `LEFT JOIN ${refunded} r ON r.v = o.refunded` : ''}
    ${refundDates ? `LEFT JOIN ${refundDates} rd ON rd.v = o.refunded_at` : ''}
    ${
      prices
        ? `LEFT JOIN ${amounts} a ON a.v = o.quantity LEFT JOIN ${prices} p ON p.v = o.unit_price`
        : `LEFT JOIN ${amounts} a ON a.v = o.amount`
    }
    ${leftOut ? `ANTI JOIN ${leftOut} x ON x.rid = o.rid` : ''}
    ${notOrders ? `ANTI JOIN ${notOrders} r ON r.rid = o.rid` : ''}`;
  // Rows are grouped by a 64-bit hash of the order id: grouping 20M ids as text took six times
  // as long. Two ids sharing a hash (about one chance in a million on 20M ids) would merge two
  // orders, so the hashes seen on more than one row are checked against the text, and a file where
  // any is shared is grouped again by the text itself.
  const group = (key: string) =>
    groupOrders(engine, columns, parsed, key, refunds, {
      refunded: refunded !== undefined,
      refundDates: refundDates !== undefined,
      refundedLater,
      customerKey,
    });
  await group(options.orderIdHash ?? 'hash(i.order_id)');
  const [[shared]] = await engine.rows(`
    SELECT count(*) FROM (
      SELECT c.oid FROM orders_chk c JOIN orders_in i USING (rid)
      WHERE c.kind IS NULL AND c.oid IN (SELECT oid FROM orders_multi)
      GROUP BY c.oid HAVING min(i.order_id) <> max(i.order_id))`);
  if (Number(shared) > 0) await group('i.order_id');
  if (!fromLines) await noteOrderTotalsOnLines(engine, source, headerWords(mapping?.amount ?? 'amount'));
  const [[merged]] = await engine.rows(
    'SELECT coalesce(sum(lines - 1), 0) FROM orders_grouped WHERE filled > 0',
  );
  if (refundedLater && cut !== undefined) {
    const [[later]] = await engine.rows(
      `SELECT count(DISTINCT oid) FROM orders_chk WHERE kind IS NULL AND ${refundedLater}`,
    );
    const n = Number(later);
    if (n > 0)
      noteFigures(
        source,
        `refunded_at: ${n.toLocaleString('en-US')} ${n === 1 ? 'order' : 'orders'} refunded after ${cut}, counted as ${n === 1 ? 'it' : 'they'} stood on that date`,
      );
  }
  const refundedInFull = refunds
    ? await applyRefunds(engine, source, Number(negatives) > 0, Number(refundedRows) > 0)
    : new Map<number, RefundedOrders>();
  await engine.run(`
    CREATE OR REPLACE TABLE orders_problems AS
      SELECT p.*, i.order_id, ${customerKey('i.customer_id')} AS order_customer, i.ordered_at AS order_date FROM (
      ${problemRows(columns, 'orders_chk', `day, value${refunded ? ', refunded_value' : ''}${refundDates ? ', refund_day' : ''}`, 'orders_in')}
      UNION ALL
      SELECT m.rid, 'duplicate order_id', 'duplicate order_id ' || ${quotedSql('i.order_id')} || ' (first on line {ref})', m.frid
      FROM orders_mixed m JOIN orders_in i USING (rid) WHERE NOT m.same
      UNION ALL
      SELECT o.rid, 'amount: missing', 'amount: missing', NULL
      FROM orders_chk o JOIN orders_merged m ON m.oid = o.oid
      WHERE o.kind IS NULL AND m.filled = 0 AND o.cust = m.cust AND o.day = m.day
      ${
        refunds
          ? `UNION ALL
      SELECT r.rid, 'amount: refund before any order', 'amount: a refund or credit before any order of customer ' || ${quotedSql('i.customer_id')} || ': ' || ${quotedSql('i.amount')}, NULL
      FROM orders_refunds r JOIN orders_in i USING (rid) WHERE r.target IS NULL`
          : ''
      }
    ) p JOIN orders_in i USING (rid);`);
  return {
    merged: Number(merged),
    unread: await unreadOrders(engine, leftOut, customerKey),
    refunded: refundedInFull,
  };
}

/** What a left-out order line is not read for, beside the bad rows' kinds. */
const LEFT_OUT_WHY = 'status: never placed or undone';

/**
 * The customers with order lines skipped as bad rows (an order dated after the as-of date aside: as
 * of it, they had not ordered yet) or left out by their status: how many, and the commonest reason.
 * Where some are bad rows, those alone: they are the ones to fix, where a refunded order is the
 * export right as it stands. Read from orders_problems and the left-out orders; those of them with
 * no order read are the book's unreadOrders (the book's own arrays tell, not another pass over
 * every order).
 */
async function unreadOrders(
  engine: FeedEngine,
  leftOut: string | undefined,
  customerKey: CustomerKey,
): Promise<Map<number, UnreadOrders>> {
  const leftOutWhy = sqlString(LEFT_OUT_WHY);
  const rows = await engine.rows(`
    SELECT cust, coalesce(nullif(count(*) FILTER (WHERE why <> ${leftOutWhy}), 0), count(*)),
      coalesce(mode(why) FILTER (WHERE why <> ${leftOutWhy}), ${leftOutWhy}), bool_and(why = ${leftOutWhy}),
      count(DISTINCT order_id) FROM (
      SELECT c.idx AS cust, p.kind AS why, NULL AS order_id FROM orders_problems p JOIN cust c ON c.id_key = p.order_customer
      WHERE p.kind NOT LIKE '%: after the as-of date %'
      ${
        leftOut
          ? `UNION ALL
      SELECT c.idx, ${leftOutWhy}, o.order_id FROM orders_in o SEMI JOIN ${leftOut} x ON x.rid = o.rid
      JOIN cust c ON c.id_key = ${customerKey('o.customer_id')}`
          : ''
      }
    ) GROUP BY cust`);
  return new Map(
    rows.map(([cust, n, why, undone, orders]) => [
      Number(cust),
      { lines: Number(n), why: String(why), undone: undone === true, leftOutOrders: Number(orders) },
    ]),
  );
}

/**
 * Checks the order rows and groups the good ones by `key` (SQL over the row `i`: the order id or its
 * hash) into orders: tables orders_chk, orders_multi, orders_ids, orders_mixed, orders_grouped (the
 * orders of several lines) and orders_merged (every order). Nearly every id is on one row: those
 * rows are orders as they stand, and only the ids on several rows are aggregated (every id through
 * the aggregate took 15 of a 20M-row read's 70 seconds). An order's lines are one customer on one
 * date (they merge); only an id that also appears with another customer or date is read row by row.
 * orders_merged is a view, read once into the book, unless there are refunds to take off its orders:
 * written out as a table, 20M orders took 3.4 s of CPU and their spill.
 */
async function groupOrders(
  engine: FeedEngine,
  columns: ColumnChecks[],
  parsed: string,
  key: string,
  refunds: boolean,
  {
    refunded,
    refundDates,
    refundedLater,
    customerKey,
  }: {
    /** The rows have a refunded amount (`refunded_value`), and a refund day (`refund_day`). */
    refunded: boolean;
    refundDates: boolean;
    /** SQL over a row: its refunded amount was given after the as-of date, not taken off. */
    refundedLater?: string;
    customerKey: CustomerKey;
  },
): Promise<void> {
  const kept = `${key} AS oid, i.day, i.value${refunded ? ', i.refunded_value' : ''}${refundDates ? ', i.refund_day' : ''}`;
  await engine.run(`
    CREATE OR REPLACE TABLE orders_chk AS ${checkedRows(columns, parsed, kept, customerKey)};`);
  // A negative amount is a refund or a credit note, not an order: set aside (table orders_refunds)
  // before the lines are grouped, and taken off an order by applyRefunds. So is the refunded amount
  // of a sale, as a refund row keyed by the sale (its own row's id).
  if (refunds)
    await engine.run(`
    CREATE OR REPLACE TABLE orders_refunds AS
      SELECT rid, oid, cust, day, value, NULL::BIGINT AS target FROM orders_chk WHERE kind IS NULL AND value < 0
      ${
        refunded
          ? `UNION ALL
      SELECT rid, oid, cust, day, -refunded_value, NULL FROM orders_chk
      WHERE kind IS NULL AND value >= 0 AND refunded_value > 0${refundedLater ? ` AND NOT ${refundedLater}` : ''}`
          : ''
      };
    DELETE FROM orders_chk WHERE kind IS NULL AND value < 0;`);
  // The ids on more than one row, found as neighbours in the sorted ids: a GROUP BY of 20M ids,
  // nearly all on one row each, took 2.2 to 3.1 s of CPU, the sort 2.0 s.
  await engine.run(`
    CREATE OR REPLACE TABLE orders_multi AS
      SELECT DISTINCT oid FROM (SELECT oid, lag(oid) OVER (ORDER BY oid) AS prev FROM orders_chk WHERE kind IS NULL)
      WHERE oid = prev;
    CREATE OR REPLACE TABLE orders_ids AS
      SELECT o.oid, min(rid) AS frid, arg_min(cust, rid) AS fcust, arg_min(day, rid) AS fday,
             min(cust) = max(cust) AND min(day) = max(day) AS uniform,
             count(*) AS lines, count(value) AS filled, coalesce(sum(value), 0) AS amount,
             min(value) = max(value) AS alike, max(value) AS top
      FROM orders_chk o SEMI JOIN orders_multi m ON m.oid = o.oid WHERE o.kind IS NULL GROUP BY o.oid;
    CREATE OR REPLACE TABLE orders_mixed AS
      SELECT o.rid, o.value, f.frid, (o.cust = f.fcust AND o.day = f.fday) AS same
      FROM orders_chk o JOIN (SELECT * FROM orders_ids WHERE NOT uniform) f ON f.oid = o.oid
      WHERE o.kind IS NULL;
    CREATE OR REPLACE TABLE orders_grouped AS
      SELECT oid, frid, fcust AS cust, fday AS day, amount, lines, filled FROM orders_ids WHERE uniform
      UNION ALL
      SELECT any_value(f.oid), m.frid, any_value(f.fcust), any_value(f.fday), coalesce(sum(m.value), 0), count(*), count(m.value)
      FROM orders_mixed m JOIN orders_ids f ON f.frid = m.frid WHERE m.same GROUP BY m.frid;
    CREATE OR REPLACE ${refunds ? 'TABLE' : 'VIEW'} orders_merged AS
      SELECT o.oid, o.rid AS frid, o.cust, o.day, coalesce(o.value, 0) AS amount, 1 AS lines, (o.value IS NOT NULL)::BIGINT AS filled
      FROM orders_chk o ANTI JOIN orders_multi m ON m.oid = o.oid WHERE o.kind IS NULL
      UNION ALL
      SELECT * FROM orders_grouped;`);
}

/**
 * Takes each refund (orders_refunds) off the order it belongs to: the order with its order id and
 * customer (a refund line of the order, or a refund in a payments export keyed by the sale), else
 * the customer's latest order on or before the refund's date (a credit note with its own number).
 * An order refunded in full was undone, as a cancelled one: it is no longer an order (an order of
 * 0 as exported stays one: a free replacement). An order credited more than its amount was not
 * the one credited (a till's cancellation of some lines of an earlier, larger invoice, on a new
 * number): it stays an order, at 0, so that the customer's latest order is not lost. A refund with no such order keeps target NULL and
 * is reported as a bad row. Returns the orders refunded in full, by customer (Book.refundedOrders).
 */
async function applyRefunds(
  engine: FeedEngine,
  source: FeedSource,
  negatives: boolean,
  refunded: boolean,
): Promise<Map<number, RefundedOrders>> {
  // The ASOF key orders a customer's orders by day, then by first line, so that the latest is one order.
  const at = (day: string, line: string) => `${day}::BIGINT * 4294967296 + ${line}`;
  await engine.run(`
    UPDATE orders_refunds r SET target = t.target FROM (
      SELECT r.rid, coalesce(s.frid, p.frid) AS target
      FROM (SELECT rid, oid, cust, ${at('day', '4294967295')} AS at FROM orders_refunds) r
      LEFT JOIN (SELECT oid, cust, frid FROM orders_merged WHERE filled > 0) s ON s.oid = r.oid AND s.cust = r.cust
      ASOF LEFT JOIN (SELECT cust, frid, ${at('day', 'frid')} AS at FROM orders_merged WHERE filled > 0) p
        ON p.cust = r.cust AND r.at >= p.at
    ) t WHERE t.rid = r.rid;
    CREATE OR REPLACE TABLE orders_refunded AS
      SELECT m.frid, m.cust, m.day, m.amount + t.refunded AS amount, t.refund_day FROM orders_merged m JOIN (
        SELECT target, sum(value) AS refunded, max(day) AS refund_day FROM orders_refunds WHERE target IS NOT NULL GROUP BY target
      ) t ON t.target = m.frid;
    DELETE FROM orders_merged WHERE frid IN (SELECT frid FROM orders_refunded WHERE round(amount, 2) = 0);
    UPDATE orders_merged m SET amount = greatest(r.amount, 0) FROM orders_refunded r WHERE r.frid = m.frid;`);
  const [[taken, undone, over]] = await engine.rows(`
    SELECT (SELECT count(*) FROM orders_refunds WHERE target IS NOT NULL),
           (SELECT count(*) FROM orders_refunded WHERE round(amount, 2) = 0),
           (SELECT count(*) FROM orders_refunded WHERE round(amount, 2) < 0)`);
  const n = Number(taken);
  const gone = Number(undone);
  const kept = Number(over);
  const orders = (k: number) => `${k.toLocaleString('en-US')} ${k === 1 ? 'order' : 'orders'}`;
  if (n > 0)
    noteFigures(
      source,
      // A refunded column's refund is always its own order's: the rest of the sentence is for rows of their own.
      (negatives
        ? `amount: ${n.toLocaleString('en-US')} ${n === 1 ? 'refund or credit' : 'refunds or credits'} (negative amounts${refunded ? ', and the refunded column' : ''}) taken off the order with the same id, or else the customer's latest order on or before its date`
        : `refunded: ${orders(n)} refunded in part or in full, the refund taken off ${n === 1 ? 'its' : 'their'} amount`) +
        (gone > 0 ? `; ${orders(gone)} refunded in full, no longer counted as orders` : '') +
        (kept > 0
          ? negatives
            ? `; ${orders(kept)} credited more than ${kept === 1 ? 'its' : 'their'} amount, kept at 0 (the credit is for an earlier order)`
            : `; ${orders(kept)} refunded more than ${kept === 1 ? 'its' : 'their'} amount, kept at 0`
          : ''),
    );
  const undoneOrders = await engine.rows(`
    SELECT cust, string_agg(day::VARCHAR, ',' ORDER BY day, frid), string_agg(refund_day::VARCHAR, ',' ORDER BY day, frid)
    FROM orders_refunded WHERE round(amount, 2) = 0 GROUP BY cust`);
  const days = (list: unknown) => String(list).split(',').map(Number);
  return new Map(
    undoneOrders.map(([cust, orderDays, refundDays]) => [
      Number(cust),
      { orderDays: days(orderDays), refundDays: days(refundDays) },
    ]),
  );
}

/** SQL rows (value as ticketValueKey compares it, its code) of a ticket column's values and what each means. */
function valueRows<M extends string>(values: Map<string, M>, code: (meaning: M) => string): string {
  const rows = [...values].map(([value, meaning]) => `(${sqlString(value)}, ${code(meaning)})`);
  return `(VALUES ${rows.join(', ')})`;
}

/**
 * The company-name columns help desks export beside a ticket, read as `customer_name` where the
 * tickets file has no `customer_id` and the rules file maps neither: a desk that keys its tickets
 * by requester writes the requester's company in one of these, and a B2B book names its customers
 * by company.
 */
const HELP_DESK_COMPANY_HEADERS: readonly (readonly [header: string, desk: string])[] = [
  ['Organization', 'Zendesk'],
  ['Company Name', 'Freshdesk'],
  ['Associated Company', 'HubSpot'],
];

/**
 * How the tickets file names a ticket's customer: by `customer_id` (an id, or an address the
 * customers' `email` column holds), or by `customer_name`, the company's name, as the mapping says
 * or, mapping neither, as the file's headers show (`customer_id`, `customer_name`, or a help desk's
 * company column). By name, the mapping returned reads the name as `customer_id`'s text.
 */
function ticketCustomerColumn(
  file: string,
  header: readonly string[],
  mapping: FileMapping<TicketMappedColumn> | undefined,
): { mapping: FileMapping<TicketMappedColumn> | undefined; byName: MappedHeaders | null; note?: string } {
  const { customer_name: named, ...rest } = mapping ?? {};
  if (named !== undefined && rest.customer_id !== undefined)
    throw new FeedError(
      'mapping_conflict',
      `The rules file maps both customer_id (${headerWords(rest.customer_id)}) and customer_name (${headerWords(named)}) for ${file}: a ticket is found by one of them. ` +
        "Keep customer_id where the desk gives the requester's address or the customer's id, customer_name where it gives only the company's name.",
      file,
    );
  const headers = new Set(header.map(normaliseHeader));
  let byName: MappedHeaders | null = named ?? null;
  let note: string | undefined;
  if (byName === null && rest.customer_id === undefined && !headers.has('customer_id')) {
    const known = headers.has('customer_name')
      ? (['customer_name', ''] as const)
      : HELP_DESK_COMPANY_HEADERS.find(([h]) => headers.has(normaliseHeader(h)));
    if (known) {
      byName = known[0];
      const written = header.find((h) => normaliseHeader(h) === normaliseHeader(known[0]))?.trim();
      if (known[1] !== '')
        note = `customer_name: no customer_id column, so tickets are matched to customers by the company's name in "${written}" (${known[1]}'s company column)`;
    }
  }
  if (byName === null) return { mapping, byName };
  // The name must be there under its own name: a mapping to a header the file lacks is told as customer_name's.
  resolveColumns({ file, mappingKey: 'tickets', required: TICKET_CUSTOMER_COLUMNS }, [...header], {
    customer_name: byName,
  });
  return { mapping: { ...rest, customer_id: byName }, byName, ...(note ? { note } : {}) };
}

type TicketMappedColumn = (typeof TICKET_MAPPED_COLUMNS)[number] | (typeof TICKET_CUSTOMER_COLUMNS)[number];

/**
 * Table `ticket_names`: each company name of the tickets (`customer_id`'s text read by name) and
 * the customer it finds (companyNames.ts), among the book's customers and those whose row was
 * skipped (so that their tickets are said to be theirs, skipped). Returns the note of names found
 * only without a legal form, for the user to check.
 */
async function ticketNames(engine: FeedEngine): Promise<string[]> {
  const customers = `SELECT id_key, customer_id, name FROM cust UNION ALL SELECT id_key, customer_id, name FROM cust_skipped WHERE name <> ''`;
  await engine.run(
    companyNameMatchSql(
      'ticket_names',
      `SELECT DISTINCT customer_id AS v FROM tickets_in WHERE customer_id <> ''`,
      customers,
    ),
  );
  const stems = await engine.rows(`
    SELECT t.v, c.customer_id, c.name, count(*) OVER ()
    FROM ticket_names t JOIN (${customers}) c ON c.id_key = t.id_key
    WHERE t.by_stem ORDER BY t.v LIMIT 3`);
  if (stems.length === 0) return [];
  const n = Number(stems[0][3]);
  const each = stems.map(([v, id, name]) => `"${v}" is ${id === name ? `"${name}"` : `${id} "${name}"`}`);
  return [
    `customer_name: ${n.toLocaleString('en-US')} ${n === 1 ? 'name' : 'names'} found ${n === 1 ? 'its customer' : 'their customers'} only without the legal form, no other customer having the rest of the name: ${each.join(', ')}${andMore(n, stems.length)}`,
  ];
}

/** The checks of a ticket's company name, read as customer_id's text and named as what it is. */
const customerNameChecks: ColumnChecks = (() => {
  const { checks, ...column } = requiredText('customer_name', 'customer_id', MAX_NAME_CHARS);
  return {
    ...column,
    checks: [
      ...checks,
      {
        when: 'found_shared IS NOT NULL',
        problem: 'names more than one customer',
        words: `'names more than one customer (' || found_shared || ')'`,
      },
    ],
  };
})();

/**
 * tickets: checked rows and the book's tickets (BOOK_TICKETS): each ticket id's first good row, in
 * table `tickets_first`. A status and a rating are read by what they mean (rules/ticketValues.ts:
 * the help desks' usual words, and the rules file's); a ticket is its customer's by their id, or
 * else by one of their email addresses (`cust_email`), as a help desk keys tickets by the requester;
 * or, where the file gives the customer's company instead, by their name (`ticket_names`).
 */
async function checkTickets(
  engine: FeedEngine,
  source: FeedSource,
  options: ReadFeedOptions,
  customerKey: CustomerKey,
  customers: { file: string; fromOrders: boolean },
): Promise<void> {
  const { mapping, byName, note } = ticketCustomerColumn(
    source.file,
    source.header,
    options.columns?.tickets,
  );
  if (note) source.notes.push(note);
  const present = await inputTable(
    engine,
    source,
    'tickets',
    TICKET_COLUMNS,
    TICKET_OPTIONAL_COLUMNS,
    mapping,
  );
  if (byName !== null) source.notes.push(...(await ticketNames(engine)));
  const dates = await parsedDates(
    engine,
    source,
    'tickets',
    'opened_at',
    mapping?.opened_at ?? 'opened_at',
    options.formats ?? {},
  );
  const statuses = valueRows(ticketStatuses(options.ticketValues?.status), (m) => String(m === 'open'));
  const sentiments = valueRows(ticketSentiments(options.ticketValues?.sentiment), (m) =>
    String(SENTIMENT[m]),
  );
  const columns: ColumnChecks[] = [
    requiredText('ticket_id', 'ticket_id', MAX_ROW_ID_CHARS),
    byName === null
      ? {
          ...customerIdChecks,
          checks: [
            ...customerIdChecks.checks,
            {
              when: 'found_shared IS NOT NULL',
              problem: 'an address given to more than one customer',
              words: `'an address given to more than one customer (' || found_shared || ')'`,
            },
          ],
        }
      : customerNameChecks,
    dateChecks(
      'opened_at',
      'day',
      options.asOf === undefined ? undefined : dayOf(options.asOf),
      options.asOf,
    ),
    {
      column: 'sentiment',
      text: 'sentiment',
      checks: [{ when: 'sentiment_code IS NULL', problem: 'not a rating the feed knows' }],
    },
    {
      column: 'status',
      text: 'status',
      checks: [
        { when: `status = ''`, problem: 'missing', quote: false },
        { when: 'status_open IS NULL', problem: 'not a ticket status the feed knows' },
      ],
    },
  ];
  const parsed = `
    SELECT t.*, d.parsed AS day, s.open AS status_open, m.code AS sentiment_code, e.id_key AS found_key, e.shared AS found_shared
    FROM tickets_in t LEFT JOIN ${dates} d ON d.v = t.opened_at
    LEFT JOIN ${statuses} AS s(k, open) ON s.k = lower(t.status)
    LEFT JOIN ${sentiments} AS m(k, code) ON m.k = lower(t.sentiment)
    LEFT JOIN ${byName === null ? 'cust_email e ON e.address = lower(t.customer_id)' : 'ticket_names e ON e.v = t.customer_id'}`;
  // A customer's id first; an address that is none finds its customer by their email column. A
  // company's name finds only the customer ticket_names gives it (none where it names two).
  const ticketKey: CustomerKey =
    byName === null ? (id) => `coalesce(found_key, ${customerKey(id)})` : () => 'found_key';
  await engine.run(`
    CREATE OR REPLACE TABLE tickets_chk AS
      ${checkedRows(columns, parsed, 'i.ticket_id, i.day, i.sentiment_code, i.status_open, i.found_shared', ticketKey)};
    CREATE OR REPLACE TABLE tickets_first AS
      SELECT ticket_id, min(rid) AS frid FROM tickets_chk WHERE kind IS NULL GROUP BY ticket_id;
    CREATE OR REPLACE TABLE tickets_problems AS
      ${problemRows(columns, 'tickets_chk', 'day, sentiment_code, status_open, found_shared', 'tickets_in')}
      UNION ALL
      SELECT t.rid, 'duplicate ticket_id', 'duplicate ticket_id ' || ${quotedSql('t.ticket_id')} || ' (first on line {ref})', f.frid
      FROM tickets_chk t JOIN tickets_first f ON f.ticket_id = t.ticket_id
      WHERE t.kind IS NULL AND t.rid <> f.frid;`);
  source.notes.push(...(await ticketValuesRead(engine, present.has('sentiment'))));
  for (const [column, code, means] of [
    ['status', 'status_open', TICKET_STATUSES],
    ['sentiment', 'sentiment_code', TICKET_SENTIMENTS],
  ] as const) {
    const note = await unknownTicketValues(engine, column, code, means);
    if (note) source.notes.push(note);
  }
  if (byName !== null) return;
  source.notes.push(...(await idsWrittenOtherwise(engine, 'tickets', customers.file)));
  const unmatched = await noTicketMatched(engine, customers);
  if (unmatched) source.notes.push(unmatched);
}

/**
 * How an unknown customer's id may be a customer's written otherwise, and what to say of it: in another
 * case (`c-1001` for `C-1001`; an id that is not an address matches only as written, as some systems
 * hold both), or with other leading zeros (`00042` for `42`, what Excel does to a CSV it opened and
 * saved). An export written so loses those rows; said with an example so that it can be fixed.
 */
const ID_WRITTEN_OTHERWISE = [
  {
    matches: 'lower(c.id_key) = lower(u.id)',
    says: (lines: string, file: string) => `${lines} a customer in another case than ${file} writes their id`,
    fix: 'ids other than email addresses match only as written; write them alike in both exports',
  },
  {
    // Only the customer's id is tested for digits (one of them not all zeros): an id equal to it
    // once both lose their leading zeros is digits too, and a test of the orders' ids DuckDB runs
    // on every order line, before it keeps the unknown customers (160 ms in 2 million lines).
    matches: `ltrim(c.id_key, '0') = ltrim(u.id, '0') AND regexp_full_match(c.id_key, '[0-9]*[1-9][0-9]*')`,
    says: (lines: string, file: string) =>
      `${lines} a customer whose id ${file} writes with other leading zeros`,
    fix: 'a spreadsheet drops them when it saves a CSV it opened (Excel); export the file again rather than save it from the spreadsheet, or write the ids alike in both exports',
  },
];

/** The notes of the rows of `kind` (tables `${kind}_chk` and `${kind}_in`) whose unknown customer is one written otherwise. */
async function idsWrittenOtherwise(
  engine: FeedEngine,
  kind: 'orders' | 'tickets',
  customersFile: string,
): Promise<string[]> {
  const notes: string[] = [];
  for (const way of ID_WRITTEN_OTHERWISE) {
    const [[n, example, theirs]] = await engine.rows(`
      SELECT count(DISTINCT u.rid), min(u.id), arg_min(c.customer_id, u.id)
      FROM (SELECT k.rid, trim(i.customer_id) AS id FROM ${kind}_chk k JOIN ${kind}_in i USING (rid)
            WHERE k.kind = 'unknown customer') u
      JOIN cust c ON ${way.matches}`);
    const count = Number(n);
    if (count === 0) continue;
    const lines = `${count.toLocaleString('en-US')} ${count === 1 ? 'line names' : 'lines name'}`;
    notes.push(
      `customer_id: ${way.says(lines, customersFile)} (${JSON.stringify(String(example))} for ${JSON.stringify(String(theirs))}): ${way.fix}`,
    );
  }
  return notes;
}

/**
 * The note of a tickets file none of whose tickets found its customer (some naming one none has):
 * every sour ticket is then lost to the scores while the run goes on, so say what usually causes it.
 * A desk keys its tickets by the requester's address, which a customers file keyed by account
 * numbers does not hold until its addresses are added as `email`; any other id is a mapping to check.
 */
async function noTicketMatched(
  engine: FeedEngine,
  { file, fromOrders }: { file: string; fromOrders: boolean },
): Promise<string | null> {
  const [[found, unknown, example, addresses]] = await engine.rows(`
    SELECT count(*) FILTER (WHERE t.kind IS NULL OR t.kind <> 'unknown customer' AND t.cust IS NOT NULL),
           count(*) FILTER (WHERE t.kind = 'unknown customer'),
           min(i.customer_id) FILTER (WHERE t.kind = 'unknown customer'),
           count(*) FILTER (WHERE t.kind = 'unknown customer' AND regexp_full_match(trim(i.customer_id), '${EMAIL}'))
    FROM tickets_chk t JOIN tickets_in i USING (rid)`);
  if (Number(found) > 0 || Number(unknown) === 0) return null;
  const quoted = JSON.stringify(String(example));
  return !fromOrders && Number(addresses) === Number(unknown)
    ? `customer_id: no ticket found its customer: the tickets give the requester's address (${quoted}), which no customer has as their id or in the customers file's email column: ` +
        `add the customers' addresses to the customers file and map that column as email (docs/feed.md, "From a help desk")`
    : `customer_id: no ticket found its customer: none names a customer of ${fromOrders ? file : 'the customers file'} (${quoted}): ` +
        `map customer_id to the tickets' column that holds the customer's id as ${fromOrders ? file : 'the customers file'} writes it`;
}

/** The feed's own word for a ticket's stored status (status_open). */
const statusWord = (open: string) => (open === 'true' ? 'open' : 'closed');

/** The feed's own word for a ticket's stored meaning (status_open, sentiment_code), null for none. */
function feedWord(column: 'status' | 'sentiment', meaning: string): string | null {
  if (column === 'status') return statusWord(meaning);
  const code = Number(meaning);
  return code === SENTIMENT.none ? null : (TICKET_SENTIMENTS.find((w) => SENTIMENT[w] === code) ?? null);
}

/**
 * The notes of what the tickets read were read as, each meaning with the values that gave it
 * (`status: 3 open ("Pending" 2, "New" 1), 4 closed ("Solved" 4)`): a desk's own words are read
 * by what they usually mean, which the user checks here against what their desk means by them. A
 * column written in the feed's own words (`open`, `negative`, in any case) needs no check: no note.
 */
async function ticketValuesRead(engine: FeedEngine, sentimentColumn: boolean): Promise<string[]> {
  const read = async (column: 'status' | 'sentiment', code: string, words: (code: string) => string) => {
    const rows = await engine.rows(`
      SELECT t.${code} AS meaning, i.${column} AS v, count(*) AS n
      FROM tickets_chk t JOIN tickets_first f ON f.frid = t.rid JOIN tickets_in i USING (rid)
      GROUP BY ALL ORDER BY meaning ${column === 'status' ? 'DESC' : ''}, n DESC, v`);
    const ownWords = rows.every(
      ([meaning, v]) => ticketValueKey(String(v)) === feedWord(column, String(meaning)),
    );
    if (ownWords) return '';
    const byMeaning = new Map<string, { n: number; values: string[] }>();
    for (const [meaning, v, n] of rows) {
      const entry = byMeaning.get(String(meaning)) ?? { n: 0, values: [] };
      entry.n += Number(n);
      entry.values.push(
        `${v === '' ? 'empty' : JSON.stringify(String(v))} ${Number(n).toLocaleString('en-US')}`,
      );
      byMeaning.set(String(meaning), entry);
    }
    return [...byMeaning]
      .map(
        ([meaning, { n, values }]) => `${n.toLocaleString('en-US')} ${words(meaning)} (${values.join(', ')})`,
      )
      .join(', ');
  };
  const status = await read('status', 'status_open', statusWord);
  const notes = status ? [`status: read as ${status}`] : [];
  if (!sentimentColumn) {
    notes.push(
      "sentiment: no column, so no ticket is sour or pleasant (map the desk's satisfaction rating as sentiment where it has one)",
    );
    return notes;
  }
  const felt: Record<string, string> = {
    [SENTIMENT.negative]: 'sour',
    [SENTIMENT.neutral]: 'neutral',
    [SENTIMENT.positive]: 'pleasant',
    [SENTIMENT.none]: 'no rating',
  };
  const sentiment = await read('sentiment', 'sentiment_code', (code) => felt[code]);
  if (sentiment) notes.push(`sentiment: read as ${sentiment}`);
  return notes;
}

/**
 * The note naming a ticket column's values the feed does not know, with the rules file's entry that
 * says what they mean: a help desk's custom status ("Escalated") or a score out of 5 is a bad row
 * until the rules file says, and few users would guess that from the rows alone.
 */
async function unknownTicketValues(
  engine: FeedEngine,
  column: 'status' | 'sentiment',
  code: string,
  means: readonly string[],
): Promise<string | null> {
  const shown = 3;
  // One entry per value as the rules file compares them (ticketValueKey), in its first spelling:
  // "Escalated" and "ESCALATED" given apart would be refused there as the same value twice.
  const rows = await engine.rows(`
    SELECT min_by(i.${column}, i.rid) AS v, count(*) AS n, count(*) OVER () AS kinds, sum(count(*)) OVER () AS cells
    FROM tickets_chk c JOIN tickets_in i USING (rid) WHERE c.${code} IS NULL AND i.${column} <> ''
    GROUP BY lower(i.${column}) ORDER BY n DESC, v LIMIT ${shown}`);
  if (rows.length === 0) return null;
  const [kinds, cells] = [Number(rows[0][2]), Number(rows[0][3])];
  const each = rows.map(([v, n]) => `${JSON.stringify(String(v))} ${Number(n).toLocaleString('en-US')}`);
  const more = andMore(kinds, shown);
  const meaning = `<${means.slice(0, -1).join(', ')} or ${means[means.length - 1]}>`;
  const example = rows.map(([v]) => `${JSON.stringify(String(v))}: "${meaning}"`).join(', ');
  const what = column === 'status' ? 'a status' : 'a rating';
  return (
    `${column}: ${cells.toLocaleString('en-US')} ${cells === 1 ? 'ticket has' : 'tickets have'} ${what} the feed does not know (${each.join(', ')}${more}), skipped: ` +
    `say what each means in the rules file, e.g. { "ticketValues": { "${column}": { ${example} } } }`
  );
}

/**
 * The book's orders and tickets as a query's FROM (with a `cust` and `day` column) and the order the
 * book keeps them in: each customer's rows together, by day, then in file order.
 */
interface BookRows {
  from: string;
  order: string;
  /** A table with one row per book row, when counting them needs no join. */
  counted?: string;
}

const BOOK_ORDERS: BookRows = { from: 'orders_merged WHERE filled > 0', order: 'cust, day, frid' };
const BOOK_TICKETS: BookRows = {
  from: 'tickets_chk t JOIN tickets_first f ON f.ticket_id = t.ticket_id AND f.frid = t.rid',
  order: 'cust, day, rid',
  // Each ticket id's first good row: one book ticket each.
  counted: 'tickets_first',
};

/**
 * Book rows as typed columns plus the start of each customer's rows. The sorted rows are streamed
 * straight from the sort: written to a table first, 2M orders were copied once more for nothing.
 * Each extra column is SQL over the row, named in `name`.
 */
async function fetchGrouped(
  engine: FeedEngine,
  rows: BookRows,
  customers: number,
  extra: { name: string; sql: string; make: (n: number) => Int8Array | Uint8Array | Float64Array }[],
): Promise<{ start: Int32Array; day: Int32Array; columns: (Int8Array | Uint8Array | Float64Array)[] }> {
  const [[count]] = await engine.rows(`SELECT count(*) FROM ${rows.counted ?? rows.from}`);
  const n = Number(count);
  const start = new Int32Array(customers + 1);
  const day = new Int32Array(n);
  const columns = extra.map((e) => e.make(n));
  let at = 0;
  let last = 0;
  const select = ['cust', 'day', ...extra.map((e) => `${e.sql} AS ${e.name}`)].join(', ');
  await engine.chunks(`SELECT ${select} FROM ${rows.from} ORDER BY ${rows.order}`, (column, size) => {
    const cust = column(0);
    const dayOf = column(1);
    const values = columns.map((_, i) => column(i + 2));
    for (let r = 0; r < size; r++, at++) {
      const c = cust(r) as number;
      // A row out of customer order would put another customer's rows under this one.
      if (c < last) throw new Error(`${rows.from} came back out of customer order (row ${at})`);
      last = c;
      start[c + 1]++;
      day[at] = dayOf(r) as number;
      for (let i = 0; i < columns.length; i++) columns[i][at] = values[i](r) as number;
    }
  });
  if (at !== n) throw new Error(`${rows.from}: ${at} rows read of ${n}`);
  for (let c = 0; c < customers; c++) start[c + 1] += start[c];
  return { start, day, columns };
}

/**
 * The customers file's columns: the owner is optional with a default rep in the rules file (a shop
 * whose export knows no rep gives every customer to one), else required.
 */
function customerColumns(options: ReadFeedOptions): FileColumns<CustomerColumn> {
  return options.defaultOwner
    ? { required: ['customer_id', 'name'], optional: ['owner', 'monthly_value', 'email'] }
    : CUSTOMERS_OWNED;
}

interface FileColumns<C extends string> {
  required: readonly C[];
  optional: readonly C[];
}

/** The customers file's columns where no default rep is given: each row names its own. */
const CUSTOMERS_OWNED: FileColumns<CustomerColumn> = {
  required: ['customer_id', 'name', 'owner'],
  optional: ['monthly_value', 'email'],
};

/** Each kind's columns (required, then optional), and the header line an empty file is told to have. */
const KIND_COLUMNS: Record<
  FeedFile['kind'],
  { required: readonly string[]; optional: readonly string[]; header: string }
> = {
  customers: { ...CUSTOMERS_OWNED, header: 'customer_id,name,owner,monthly_value' },
  // An order's status is for exports that list orders never placed: not part of the feed's own header.
  orders: { required: ORDER_COLUMNS, optional: ORDER_OPTIONAL_COLUMNS, header: ORDER_COLUMNS.join(',') },
  tickets: {
    required: TICKET_COLUMNS,
    optional: TICKET_OPTIONAL_COLUMNS,
    header: TICKET_MAPPED_COLUMNS.join(','),
  },
};

/** A required file that has a header and no rows stops the run: scoring nobody would rewrite every score. */
function requireRows(source: FeedSource): void {
  if (source.rows + source.rejected.length > 0) return;
  throw new FeedError(
    'empty_file',
    `${source.file} has a header but no rows: nothing is scored from a feed without customers or orders (an export that failed?). Nothing was changed.`,
    source.file,
  );
}

/**
 * A customers or orders file of which every row is a bad row stops the run, as an empty one does:
 * scored, it would empty every rep's list (an owner column of display names, or customer ids that
 * another system writes otherwise). The message gives the counts and the first bad row, as the report would.
 */
function requireKept(report: FileReport, hint?: string): void {
  // Rows left out (orders never placed, a report's headings and totals) are neither kept nor
  // skipped: an export of those and bad rows alone has no order either.
  if (report.rowsKept > 0 || report.rowsSkipped === 0) return;
  // Orders all after the as-of date are a date typed wrong, which the CLI warns of as such.
  if (Object.keys(report.problemCounts).every((kind) => kind.includes(': after the as-of date '))) return;
  const kinds = Object.entries(report.problemCounts)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${n.toLocaleString('en-US')} x ${kind}`)
    .join(', ');
  const first = report.problems[0];
  const notRead = report.rowsRead - report.rowsSkipped;
  throw new FeedError(
    'no_usable_rows',
    `${report.file}: none of its ${report.rowsRead.toLocaleString('en-US')} rows can be used (${kinds}${notRead > 0 ? `; ${notRead.toLocaleString('en-US')} not read as orders, see the file's notes` : ''})` +
      (first ? `, e.g. ${placeOf(first, report.file)}: ${first.reason}` : '') +
      (hint ? `. ${hint[0].toUpperCase()}${hint.slice(1)}` : '') +
      '. Nothing was scored or changed: fix the export (docs/feed.md says what each column needs) and run again.',
    report.file,
  );
}

/**
 * Drops every table but `keep` once a file is checked and reported: its text and the steps of its
 * checks are not read again, and what DuckDB no longer holds it need not spill. At 20M orders the
 * loaded text alone is twice DuckDB's memory limit; kept, it pushed the later steps to disk.
 */
async function dropTablesBut(engine: FeedEngine, keep: readonly string[]): Promise<void> {
  const names = await engine.rows(
    `SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND database_name = current_database()`,
  );
  const drop = names.map(([name]) => String(name)).filter((name) => !keep.includes(name));
  if (drop.length > 0) await engine.run(drop.map((name) => `DROP TABLE ${sqlName(name)};`).join('\n'));
}

/** Reads the feed in `dir` into a Book plus a report of every skipped row. */
export async function readFeed(dir: string, options: ReadFeedOptions = {}): Promise<FeedResult> {
  const files = await findFeedFiles(dir);
  const workDir = await mkdtemp(join(tmpdir(), 'churn-feed-'));
  let engine: FeedEngine | undefined;
  try {
    engine = await openFeedEngine(options.engine);
    if (options.timeZone !== undefined) {
      assertTimeZone(options.timeZone);
      await engine.run(`SET TimeZone = ${sqlString(options.timeZone)}`);
    }
    return await readWith(engine, files, workDir, options);
  } finally {
    engine?.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** readFeed's work once the engine is open. */
async function readWith(
  engine: FeedEngine,
  files: FoundFeedFiles,
  workDir: string,
  options: ReadFeedOptions,
): Promise<FeedResult> {
  const formats = options.formats ?? {};
  let rowsRead = 0;
  const load = async (file: FeedFile) => {
    const { header: expectedHeader } = KIND_COLUMNS[file.kind];
    const keep = (header: string[]) => {
      // A tickets file may name its customer by company, read as customer_id's text.
      const mapping = (
        file.kind === 'tickets'
          ? ticketCustomerColumn(file.name, header, options.columns?.tickets).mapping
          : options.columns?.[file.kind]
      ) as FileMapping<string> | undefined;
      const { required, optional } =
        file.kind === 'orders'
          ? ordersRead(orderColumns(file.name, header, options.columns?.orders))
          : file.kind === 'customers'
            ? customerColumns(options)
            : KIND_COLUMNS[file.kind];
      const index = resolveColumns(
        { file: file.name, mappingKey: file.kind, required, optional },
        header,
        mapping,
      );
      return Object.values(index).flat();
    };
    const source = await loadSource(engine, file, `raw_${file.kind}`, formats, workDir, expectedHeader, keep);
    rowsRead += source.rows + source.rejected.length;
    return source;
  };
  // Without a customers file the customers are the orders' own: the orders file is read first.
  const { customers: customersFile } = files;
  const ordersRead = (columns: { required: readonly string[]; optional: readonly string[] }) =>
    customersFile ? columns : { ...columns, optional: [...columns.optional, ...ORDER_CUSTOMER_COLUMNS] };
  const { defaultOwner } = options;
  if (!customersFile && !defaultOwner) throw noOwnerForOrders(files.orders.name);
  // The orders and tickets are checked against the book's customers and the skipped ones.
  const customerTables = ['cust', 'cust_skipped', 'cust_email'];
  let customersSource: FeedSource;
  let customersReport: FileReport | undefined;
  let fromOrders: CustomersFromOrders | undefined;
  let read: { customers: Customer[]; customerKey: CustomerKey };
  if (customersFile) {
    customersSource = await load(customersFile);
    requireRows(customersSource);
    const checked = await checkCustomers(engine, customersSource, options);
    customersReport = await reportFile(engine, customersSource, 'customers_problems', customersSource);
    requireKept(customersReport, checked.ownerHint ?? undefined);
    await dropTablesBut(engine, customerTables);
    read = checked;
  } else {
    // No customer is skipped, so no order names a customers file's line: the orders stand in for it.
    customersSource = await load(files.orders);
    requireRows(customersSource);
    const taken = await customersFromOrders(engine, customersSource, {
      ...options,
      defaultOwner: defaultOwner as string,
    });
    await dropTablesBut(engine, [...customerTables, customersSource.table]);
    fromOrders = taken.from;
    read = taken;
  }
  const { customers, customerKey } = read;
  options.onProgress?.(rowsRead);
  const ordersSource = customersFile ? await load(files.orders) : customersSource;
  requireRows(ordersSource);
  const {
    merged: mergedLines,
    unread,
    refunded,
  } = await checkOrders(engine, ordersSource, options, customerKey);
  const writtenOtherwise = await idsWrittenOtherwise(engine, 'orders', customersSource.file);
  ordersSource.notes.push(...writtenOtherwise);
  const ordersReport = await reportFile(
    engine,
    ordersSource,
    'orders_problems',
    customersSource,
    mergedLines,
  );
  requireKept(ordersReport, writtenOtherwise[0]);
  // The book's orders, BOOK_ORDERS: orders_merged, a view over the other three unless it is a table.
  const orderTables = ['orders_merged', 'orders_chk', 'orders_multi', 'orders_grouped'];
  await dropTablesBut(engine, [...customerTables, ...orderTables]);
  options.onProgress?.(rowsRead);
  const ticketsSource = files.tickets ? await load(files.tickets) : undefined;
  const ticketsReport = ticketsSource
    ? await (async () => {
        await checkTickets(engine, ticketsSource, options, customerKey, {
          file: customersSource.file,
          fromOrders: fromOrders !== undefined,
        });
        const report = await reportFile(engine, ticketsSource, 'tickets_problems', customersSource);
        await dropTablesBut(engine, [...orderTables, 'tickets_chk', 'tickets_first']);
        options.onProgress?.(rowsRead);
        return report;
      })()
    : undefined;

  const orders = await fetchGrouped(engine, BOOK_ORDERS, customers.length, [
    {
      name: 'amount',
      sql: 'CASE WHEN amount = 0 THEN 0.0 ELSE amount END',
      make: (n) => new Float64Array(n),
    },
  ]);
  const tickets = ticketsSource
    ? await fetchGrouped(engine, BOOK_TICKETS, customers.length, [
        {
          name: 'sentiment',
          sql: 't.sentiment_code::TINYINT',
          make: (n) => new Int8Array(n),
        },
        { name: 'open', sql: 't.status_open::UTINYINT', make: (n) => new Uint8Array(n) },
      ])
    : undefined;
  const book: Book = {
    customers,
    orderStart: orders.start,
    orderDay: orders.day,
    orderAmount: orders.columns[0] as Float64Array,
    ticketStart: tickets?.start ?? new Int32Array(customers.length + 1),
    ticketDay: tickets?.day ?? new Int32Array(0),
    ticketSentiment: (tickets?.columns[0] as Int8Array | undefined) ?? new Int8Array(0),
    ticketOpen: (tickets?.columns[1] as Uint8Array | undefined) ?? new Uint8Array(0),
  };
  for (const c of unread.keys()) if (orders.start[c + 1] > orders.start[c]) unread.delete(c);
  if (unread.size > 0) book.unreadOrders = unread;
  for (const c of refunded.keys()) if (orders.start[c + 1] > orders.start[c]) refunded.delete(c);
  if (refunded.size > 0) book.refundedOrders = refunded;

  const reports: FileReport[] = [
    ...(customersReport ? [customersReport] : []),
    ordersReport,
    ...(ticketsReport ? [ticketsReport] : []),
  ];
  return {
    book,
    report: {
      files: reports,
      ...(fromOrders ? { customersFromOrders: fromOrders } : {}),
      rowsSkipped: reports.reduce((sum, f) => sum + f.rowsSkipped, 0),
      ...(files.notes ? { notes: files.notes } : {}),
    },
  };
}
