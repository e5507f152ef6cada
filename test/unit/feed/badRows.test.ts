import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeedError } from '../../../feed/feedError';
import { folderFeedVersion } from '../../../feed/feedFiles';
import type { FileReport } from '../../../feed/feedReport';
import { type ReadFeedOptions, readFeed } from '../../../feed/readFeed';
import { type Book, isoOfDay } from '../../../rules/book';

/** What a real export gets wrong, row by row and file by file, and what the reader does about it. */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'feed-bad-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const CUSTOMERS =
  'customer_id,name,owner,monthly_value\nC-1,Greenfield Cafe,ana@contoso.example,\nC-2,Corner Deli,ben@contoso.example,\n';

async function feed(files: Record<string, string | Buffer>, options: ReadFeedOptions = {}) {
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return readFeed(dir, options);
}

async function feedError(
  files: Record<string, string | Buffer>,
  options: ReadFeedOptions = {},
): Promise<FeedError> {
  const error = await feed(files, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FeedError);
  return error as FeedError;
}

const problemsOf = (file: FileReport) => file.problems.map((p) => [p.line, p.reason]);

function ordersOf(book: Book, id: string): [string, number][] {
  const i = book.customers.findIndex((c) => c.id === id);
  const out: [string, number][] = [];
  for (let k = book.orderStart[i]; k < book.orderStart[i + 1]; k++)
    out.push([isoOfDay(book.orderDay[k]), book.orderAmount[k]]);
  return out;
}

describe('order lines priced as quantity x unit price (a line-item export with no amount)', () => {
  it('columns named quantity and unit_price need no mapping; a value that is not a number names the line', async () => {
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': [
        'order_id,customer_id,ordered_at,quantity,unit_price',
        'O-1,C-1,2026-11-02,3,2.50',
        'O-1,C-1,2026-11-02,2,"1,000.00"',
        'O-2,C-2,2026-11-03,two,4.00',
        'O-3,C-2,2026-11-04,1,4.00',
      ].join('\n'),
    });
    expect(ordersOf(book, 'C-1')).toEqual([['2026-11-02', 2007.5]]);
    expect(ordersOf(book, 'C-2')).toEqual([['2026-11-04', 4]]);
    expect(problemsOf(report.files[1])).toEqual([[4, 'amount: not a number: "two x 4.00"']]);
  });

  it('amount mapped beside quantity and unit price stops the run: which is meant cannot be told', async () => {
    const error = await feedError(
      {
        'customers.csv': CUSTOMERS,
        'orders.csv': 'order_id,customer_id,ordered_at,Total,Qty,Price\nO-1,C-1,2026-11-02,5,1,5\n',
      },
      { columns: { orders: { amount: 'Total', quantity: 'Qty', unit_price: 'Price' } } },
    );
    expect(error.code).toBe('mapping_conflict');
    expect(error.message).toMatch(/maps both "amount" and "quantity" or "unit_price" for orders\.csv/);
  });

  it('amount mapped to a header the file lacks stops naming it, even beside columns named quantity and unit_price', async () => {
    // Read as quantity x unit price instead, the mapping (and the total it names) would go unread without a word.
    const orders =
      'order_id,customer_id,ordered_at,quantity,unit_price,Line Total\nO-1,C-1,2026-11-02,2,10,25\n';
    for (const amount of ['Total', ['Adjusted Total', 'Line Total']]) {
      const error = await feedError(
        { 'customers.csv': CUSTOMERS, 'orders.csv': orders },
        { columns: { orders: { amount } } },
      );
      expect(error.code).toBe('missing_column');
      expect(error.message).toContain('orders.csv has no column "amount" (mapped to ');
    }
  });
});

describe('order lines', () => {
  // Rows are grouped by a hash of the order id; a hash with two values makes the ids share them,
  // which must send the file through the grouping by the id itself, with the same result.
  it.each([
    ['the default hash', undefined],
    ['a hash that two ids share', 'hash(i.order_id) % 2'],
  ])(
    'rows sharing an order id, customer and date are one order: the filled total, or the sum of the lines (%s)',
    async (_, orderIdHash) => {
      const { book, report } = await feed(
        {
          'customers.csv': CUSTOMERS,
          'orders.csv': [
            'order_id,customer_id,ordered_at,amount',
            'O-1,C-1,2026-11-02 09:00,120.00', // total on the first line only
            'O-1,C-1,2026-11-02 09:00,',
            'O-1,C-1,2026-11-02 09:00,',
            'O-2,C-2,2026-11-03,10', // each line its own amount
            'O-2,C-2,2026-11-03,15.5',
            'O-3,C-1,2026-11-04,', // no line has an amount
            'O-3,C-1,2026-11-04,',
            'O-2,C-1,2026-11-03,99', // the same id for another customer
            'O-1,C-1,2026-11-05,99', // the same id on another date
          ].join('\n'),
        },
        { orderIdHash },
      );
      expect(ordersOf(book, 'C-1')).toEqual([['2026-11-02', 120]]);
      expect(ordersOf(book, 'C-2')).toEqual([['2026-11-03', 25.5]]);
      const orders = report.files[1];
      // O-3's two lines are one order, listed once and counted as its two lines.
      expect(problemsOf(orders)).toEqual([
        [7, 'amount: missing (and 1 more line of order "O-3")'],
        [9, 'duplicate order_id "O-2" (first on line 5)'],
        [10, 'duplicate order_id "O-1" (first on line 2)'],
      ]);
      expect(orders).toMatchObject({ rowsRead: 9, rowsKept: 5, rowsSkipped: 4, mergedLines: 3 });
      expect(orders.problemCounts['amount: missing']).toBe(2);
      expect(orders.ordersPerKind).toEqual({ 'amount: missing': 1 });
    },
  );
});

describe('values Table Storage or the scoring cannot hold are bad rows, with file, line and reason', () => {
  it('a 100,000-character name, a long owner, 1e308 and non-finite amounts', async () => {
    const long = 'N'.repeat(100_000);
    const owner = `${'a'.repeat(300)}@contoso.example`;
    const { book, report } = await feed({
      'customers.csv': `customer_id,name,owner,monthly_value\nC-1,${long},ana@contoso.example,\nC-2,Deli,${owner},\nC-3,Cafe,cafe@contoso.example,1e308\nC-4,Ok,ok@contoso.example,\n`,
      'orders.csv':
        'order_id,customer_id,ordered_at,amount\nO-1,C-4,2026-11-02,1e308\nO-2,C-4,2026-11-03,1e999\nO-3,C-4,2026-11-04,NaN\nO-4,C-4,2026-11-05,12\n',
    });
    expect(book.customers.map((c) => c.id)).toEqual(['C-4']);
    expect(problemsOf(report.files[0])).toEqual([
      [2, `name: longer than 1000 characters: "${'N'.repeat(57)}..."`],
      [3, `owner: longer than 256 characters: "${'a'.repeat(57)}..."`],
      [4, 'monthly_value: over 1,000,000,000: "1e308"'],
    ]);
    expect(problemsOf(report.files[1])).toEqual([
      [2, 'amount: over 1,000,000,000: "1e308"'],
      [3, 'amount: not a number: "1e999"'],
      [4, 'amount: not a number: "NaN"'],
    ]);
    expect(ordersOf(book, 'C-4')).toEqual([['2026-11-05', 12]]);
  });

  it('a row with two bad values names both in its reason, and counts under the first', async () => {
    const { report } = await feed(
      {
        'customers.csv': CUSTOMERS,
        'orders.csv':
          'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,10\nO-2,C-1,2027-01-05,NaN\n',
      },
      { asOf: '2026-11-23' },
    );
    expect(problemsOf(report.files[1])).toEqual([
      [3, 'ordered_at: after the as-of date 2026-11-23: "2027-01-05"; amount: not a number: "NaN"'],
    ]);
    expect(report.files[1].problems[0].kind).toBe('ordered_at: after the as-of date 2026-11-23');
  });

  it('an order dated after the as-of date is reported and not counted', async () => {
    const files = {
      'customers.csv': CUSTOMERS,
      'orders.csv': 'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,10\nO-2,C-1,2027-01-05,10\n',
    };
    const { book, report } = await feed(files, { asOf: '2026-11-23' });
    expect(ordersOf(book, 'C-1')).toEqual([['2026-11-20', 10]]);
    expect(problemsOf(report.files[1])).toEqual([
      [3, 'ordered_at: after the as-of date 2026-11-23: "2027-01-05"'],
    ]);
    // Without an as-of date (a backtest replays the past and needs later orders), it is kept.
    expect(ordersOf((await readFeed(dir)).book, 'C-1')).toHaveLength(2);
  });

  it('a ticket dated after the as-of date is reported as an order is, not kept and silently unused', async () => {
    const files = {
      'customers.csv': CUSTOMERS,
      'orders.csv': 'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,10\n',
      'tickets.csv':
        'ticket_id,customer_id,opened_at,sentiment,status\nT-1,C-1,2026-11-21,negative,open\nT-2,C-1,2027-01-05,negative,open\n',
    };
    const { book, report } = await feed(files, { asOf: '2026-11-23' });
    expect(book.ticketDay.length).toBe(1);
    expect(report.files[2].rowsKept).toBe(1);
    expect(problemsOf(report.files[2])).toEqual([
      [3, 'opened_at: after the as-of date 2026-11-23: "2027-01-05"'],
    ]);
  });
});

describe('customer ids that are email addresses match whatever their case; other ids only as written', () => {
  it("joins orders and tickets written in another case or with spaces to the customer, who keeps the customers file's spelling", async () => {
    const { book, report } = await feed({
      'customers.csv':
        'customer_id,name,owner\nAna.Ruiz@Contoso.com,Ana Ruiz,rep@example.com\nben@fabrikam.example,Ben,rep@example.com\n',
      'orders.csv': [
        'order_id,customer_id,ordered_at,amount',
        'O-1,Ana.Ruiz@Contoso.com,2026-01-05,10',
        'O-2,ana.ruiz@contoso.com,2026-01-12,20',
        'O-3," ANA.RUIZ@CONTOSO.COM ",2026-01-19,30',
        // The lines of one order under two spellings are still one order.
        'O-4,BEN@Fabrikam.example,2026-01-20,5',
        'O-4,ben@fabrikam.example,2026-01-20,6',
        '',
      ].join('\n'),
      'tickets.csv':
        'ticket_id,customer_id,opened_at,sentiment,status\nT-1,ana.ruiz@CONTOSO.com ,2026-01-21,negative,open\n',
    });
    expect(report.rowsSkipped).toBe(0);
    expect(book.customers.map((c) => c.id)).toEqual(['Ana.Ruiz@Contoso.com', 'ben@fabrikam.example']);
    expect(ordersOf(book, 'Ana.Ruiz@Contoso.com')).toEqual([
      ['2026-01-05', 10],
      ['2026-01-12', 20],
      ['2026-01-19', 30],
    ]);
    expect(ordersOf(book, 'ben@fabrikam.example')).toEqual([['2026-01-20', 11]]);
    expect(Array.from(book.ticketStart)).toEqual([0, 1, 1]);
  });

  it('reports two customers rows whose addresses differ only in case as a duplicate, and keeps the first', async () => {
    const { book, report } = await feed({
      'customers.csv':
        'customer_id,name,owner\nana@contoso.example,Ana,rep@example.com\nAna@Contoso.example,Ana R,rep@example.com\n',
      'orders.csv': 'order_id,customer_id,ordered_at,amount\nO-1,ANA@CONTOSO.EXAMPLE,2026-01-05,10\n',
    });
    expect(book.customers.map((c) => [c.id, c.name])).toEqual([['ana@contoso.example', 'Ana']]);
    expect(problemsOf(report.files[0])).toEqual([
      [3, 'duplicate customer_id "Ana@Contoso.example" (first on line 2 as "ana@contoso.example")'],
    ]);
    expect(ordersOf(book, 'ana@contoso.example')).toEqual([['2026-01-05', 10]]);
  });

  it("names a skipped customer's row for their orders in another case", async () => {
    const { report } = await feed({
      'customers.csv': 'customer_id,name,owner\nBo@Contoso.example,Bo,\nC-1,Cafe,rep@example.com\n',
      'orders.csv':
        'order_id,customer_id,ordered_at,amount\nO-1,bo@contoso.example,2026-01-05,10\nO-2,C-1,2026-01-05,1\n',
    });
    expect(problemsOf(report.files[1])).toEqual([
      [2, 'customer "bo@contoso.example" was skipped (bad row on customers.csv line 2)'],
    ]);
  });

  it('keeps ids that are not addresses exact (account numbers, two @, spaces inside), beside an address matched in any case', async () => {
    const { book, report } = await feed({
      'customers.csv': [
        'customer_id,name,owner',
        'C-42,Upper,rep@example.com',
        'c-42,Lower,rep@example.com',
        'a@b@Example.com,Two ats,rep@example.com',
        'A@B@example.com,Two ats again,rep@example.com',
        'Tom @ Acme,Spaced,rep@example.com',
        '@Handle,No local part,rep@example.com',
        'Dee@Example.com,An address,rep@example.com',
        '',
      ].join('\n'),
      'orders.csv': [
        'order_id,customer_id,ordered_at,amount',
        'O-1,c-42,2026-01-05,1',
        'O-2,C-42,2026-01-06,2',
        'O-3,a@B@example.com,2026-01-07,3',
        'O-4,tom @ acme,2026-01-08,4',
        'O-5,@handle,2026-01-09,5',
        'O-6,A@B@example.com,2026-01-10,6',
        'O-7,dee@example.com,2026-01-11,7',
        '',
      ].join('\n'),
    });
    expect(book.customers.map((c) => c.id)).toEqual([
      'C-42',
      'c-42',
      'a@b@Example.com',
      'A@B@example.com',
      'Tom @ Acme',
      '@Handle',
      'Dee@Example.com',
    ]);
    expect(ordersOf(book, 'C-42')).toEqual([['2026-01-06', 2]]);
    expect(ordersOf(book, 'c-42')).toEqual([['2026-01-05', 1]]);
    expect(ordersOf(book, 'A@B@example.com')).toEqual([['2026-01-10', 6]]);
    expect(ordersOf(book, 'a@b@Example.com')).toEqual([]);
    expect(ordersOf(book, 'Dee@Example.com')).toEqual([['2026-01-11', 7]]);
    expect(problemsOf(report.files[1])).toEqual([
      [4, 'unknown customer "a@B@example.com"'],
      [5, 'unknown customer "tom @ acme"'],
      [6, 'unknown customer "@handle"'],
    ]);
  });
});

describe('a record with too many or too few fields', () => {
  it("is reported with the fields it has, counted outside quotes with the file's delimiter", async () => {
    const { report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv':
        'order_id;customer_id;ordered_at;amount\nO-1;C-1;2026-11-20;10\nO-2;C-1;2026-11-21;10;x;y\nO-3;"C;1";2026-11-22\nO-4;C-1;2026-11-23;"1;5";z\n',
    });
    expect(problemsOf(report.files[1])).toEqual([
      [3, 'has 6 fields, the header has 4 (an unquoted semicolon in a value?)'],
      [4, 'has 3 fields, the header has 4'],
      [5, 'has 5 fields, the header has 4 (an unquoted semicolon in a value?)'],
    ]);
  });

  it('is counted alike wherever it is in a file read in several parts (over 16 MB)', async () => {
    const rows: string[] = [];
    for (let i = 0; rows.length * 40 < 40_000_000; i++)
      rows.push(i % 50_000 === 7 ? `O-${i},C-1,2026-11-20,10,x,y` : `O-${i},C-1,2026-11-20,10.00`);
    const { report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': `order_id,customer_id,ordered_at,amount\n${rows.join('\n')}\n`,
    });
    const reasons = new Set(report.files[1].problems.map((p) => p.reason));
    expect(report.files[1].problems.length).toBe(Math.ceil(rows.length / 50_000));
    expect([...reasons]).toEqual(['has 6 fields, the header has 4 (an unquoted comma in a value?)']);
  });
});

describe('what stops the run', () => {
  it('a header-only customers or orders file', async () => {
    const error = await feedError({
      'customers.csv': 'customer_id,name,owner\n',
      'orders.csv': 'order_id,customer_id,ordered_at,amount\n',
    });
    expect(error.code).toBe('empty_file');
    expect(error.message).toContain('customers.csv has a header but no rows');
    const orders = await feedError({
      'customers.csv': CUSTOMERS,
      'orders.csv': 'order_id,customer_id,ordered_at,amount\r\n',
    });
    expect(orders.message).toContain('orders.csv has a header but no rows');
  });

  it('a header-only tickets file is no tickets', async () => {
    const { book } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': 'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,10\n',
      'tickets.csv': 'ticket_id,customer_id,opened_at,sentiment,status\n',
    });
    expect(book.ticketDay.length).toBe(0);
  });

  it('a column the feed reads, named twice in the header', async () => {
    const error = await feedError({
      'customers.csv': CUSTOMERS,
      'orders.csv': 'order_id,customer_id,ordered_at,amount,Amount\nO-1,C-1,2026-11-20,10,12\n',
    });
    expect(error.code).toBe('duplicate_column');
    expect(error.message).toBe(
      'orders.csv has 2 columns named "amount" (columns 4 and 5), which the feed reads as amount: rename or remove all but one.',
    );
  });

  it('dates that read two ways, naming the column and both readings; declared, they read', async () => {
    const files = {
      'customers.csv': CUSTOMERS,
      'orders.csv': 'Invoice,customer_id,Date,amount\nI-1,C-1,03/04/2026,10\nI-2,C-1,05/06/2026,10\n',
    };
    const columns = { orders: { order_id: 'Invoice', ordered_at: 'Date' } };
    const error = await feedError(files, { columns });
    expect(error.code).toBe('ambiguous_dates');
    expect(error.message).toBe(
      'orders.csv: the dates in column "ordered_at" ("Date" in your file) can be read two ways, and no date in the file has a day above 12 to settle it: ' +
        '"03/04/2026" is 3 April 2026 day-first, or March 4, 2026 month-first. ' +
        'Say which in the rules file: { "formats": { "date": "day-first" } } or { "formats": { "date": "month-first" } }.',
    );
    const { book } = await readFeed(dir, { columns, formats: { date: 'day-first' } });
    expect(ordersOf(book, 'C-1')).toEqual([
      ['2026-04-03', 10],
      ['2026-06-05', 10],
    ]);
  });

  it("a column of dates written as eight digits (CDNOW's 19970101) stops asking for formats.date; declared, they read", async () => {
    const files = {
      'customers.csv': CUSTOMERS,
      'orders.csv':
        'order_id,customer_id,date,amount\nO-1,C-1,19970101,11.77\nO-2,C-1,19970112,12.00\nO-3,C-2,19970231,5\n',
    };
    const columns = { orders: { ordered_at: 'date' } };
    const error = await feedError(files, { columns });
    expect(error.code).toBe('undeclared_dates');
    expect(error.message).toBe(
      'orders.csv: the dates in column "ordered_at" ("date" in your file) are written as eight digits, which the feed reads only when told: ' +
        '"19970101" is 1997-01-01 read as year, month and day (YYYYMMDD). ' +
        'If that is how they are written, say so in the rules file: { "formats": { "date": "yyyymmdd" } }.',
    );
    const { book, report } = await readFeed(dir, { columns, formats: { date: 'yyyymmdd' } });
    expect(ordersOf(book, 'C-1')).toEqual([
      ['1997-01-01', 11.77],
      ['1997-01-12', 12],
    ]);
    expect(problemsOf(report.files[1])).toEqual([[4, 'ordered_at: not a date: "19970231"']]);
    expect(report.files[1].notes).toContain(
      'ordered_at: dates of eight digits read as YYYYMMDD (declared in formats.date: "19970101" is 1997-01-01)',
    );
  });

  it("a CSV column of Excel's date serials (a column formatted General, saved as CSV) stops saying what they are", async () => {
    const error = await feedError({
      'customers.csv': CUSTOMERS,
      'orders.csv':
        'order_id,customer_id,ordered_at,amount\nO-1,C-1,46346,10\nO-2,C-1,46350,10\nO-3,C-2,2026-11-22,5\n',
    });
    expect(error.code).toBe('excel_serial_dates');
    expect(error.message).toBe(
      'orders.csv: the dates in column "ordered_at" are numbers of five digits, as Excel saves dates in a column formatted as numbers or General: ' +
        `"46346" is Excel's date serial of 2026-11-20. In Excel, format the column as dates (Format Cells, Date) and save the CSV again, ` +
        'or put the workbook (.xlsx) in the feed in its place: there such numbers are read as dates.',
    );
  });

  it('a date column mapped by mistake to five-digit ids no Excel date of our years could be is not called Excel dates', async () => {
    // 10234 as a serial is 1928-01-07: the column holds order numbers, and its rows are not dates.
    const error = await feedError({
      'customers.csv': CUSTOMERS,
      'orders.csv': 'order_id,customer_id,ordered_at,amount\n10234,C-1,10234,10\n10235,C-1,10235,10\n',
    });
    expect(error.code).toBe('no_usable_rows');
    expect(error.message).toContain('e.g. line 2: ordered_at: not a date: "10234"');
  });

  it("a Parquet text column of amounts (pandas reading a ';' file without decimal=',') settles its mark as a ';' file; a DECIMAL column reads as its numbers", async () => {
    const db = await DuckDBInstance.create(':memory:');
    const sql = await db.connect();
    await sql.run(`COPY (SELECT * FROM (VALUES ('O-1', 'C-1', DATE '2026-11-02', '1.200', 1.250::DECIMAL(9,3)),
      ('O-2', 'C-1', DATE '2026-11-09', '75,50', 2.000::DECIMAL(9,3)))
      t(order_id, customer_id, ordered_at, amount, refunded)) TO '${join(dir, 'orders.parquet')}' (FORMAT parquet)`);
    sql.closeSync();
    await writeFile(join(dir, 'customers.csv'), CUSTOMERS);
    const { book, report } = await readFeed(dir);
    expect(report.rowsSkipped).toBe(0);
    expect(ordersOf(book, 'C-1')).toEqual([
      ['2026-11-02', 1200 - 1.25],
      ['2026-11-09', 75.5 - 2],
    ]);
    expect(report.files[1].notes).toContain('amount: decimal commas (settled by "75,50"); "1.200" is 1200');
  });

  it("a declared decimal comma leaves a Parquet file's typed numbers as the numbers they are", async () => {
    // A German CRM's customers file (`;`, `1.200,50 €`) declares the comma; the orders come from a
    // pipeline's Parquet, its amounts DOUBLE (45.125 converted from another currency) and DECIMAL.
    const db = await DuckDBInstance.create(':memory:');
    const sql = await db.connect();
    await sql.run(`COPY (SELECT * FROM (VALUES ('O-1', 'C-1', DATE '2026-11-02', 45.125::DOUBLE, 1.5::DECIMAL(9,2)),
      ('O-2', 'C-1', DATE '2026-11-09', 1200.5, 0.0), ('O-3', 'C-2', DATE '2026-11-10', 12, 2.0))
      t(order_id, customer_id, ordered_at, amount, refunded)) TO '${join(dir, 'orders.parquet')}' (FORMAT parquet)`);
    sql.closeSync();
    await writeFile(
      join(dir, 'customers.csv'),
      'customer_id;name;owner;monthly_value\nC-1;Café Müller;ana@contoso.example;1.200,50 €\nC-2;Bäckerei Kraus;ben@contoso.example;45,00 €\n',
    );
    const { book, report } = await readFeed(dir, { formats: { decimal: ',' } });
    expect(report.rowsSkipped).toBe(0);
    expect(book.customers.map((c) => c.monthlyValue)).toEqual([1200.5, 45]);
    expect(ordersOf(book, 'C-1')).toEqual([
      ['2026-11-02', 45.125 - 1.5],
      ['2026-11-09', 1200.5],
    ]);
    expect(ordersOf(book, 'C-2')).toEqual([['2026-11-10', 12 - 2]]);
    // Its numbers carry no mark for the declaration to decide.
    expect(report.files[1].notes.filter((n) => n.includes('decimal'))).toEqual([]);
    expect(report.files[0].notes).toContain('monthly_value: decimal commas (declared in formats.decimal)');
  });

  it("a Parquet column of integers like 19970101 (pandas reading CDNOW's raw file) reads as dates when declared", async () => {
    const db = await DuckDBInstance.create(':memory:');
    const sql = await db.connect();
    await sql.run(`COPY (SELECT * FROM (VALUES ('O-1', 'C-1', 19970101::BIGINT, 11.77), ('O-2', 'C-2', 19970112, 12.0))
      t(order_id, customer_id, ordered_at, amount)) TO '${join(dir, 'orders.parquet')}' (FORMAT parquet)`);
    sql.closeSync();
    await writeFile(join(dir, 'customers.csv'), CUSTOMERS);
    expect((await feedError({})).code).toBe('undeclared_dates');
    const { book } = await readFeed(dir, { formats: { date: 'yyyymmdd' } });
    expect(Array.from(book.orderDay, isoOfDay)).toEqual(['1997-01-01', '1997-01-12']);
  });

  it('formats.date "yyyymmdd" leaves other dates as they read, and a column of eight-digit numbers that are no dates is bad rows', async () => {
    const { book, report } = await feed(
      {
        'customers.csv': CUSTOMERS,
        'orders.csv':
          'order_id,customer_id,ordered_at,amount\nO-1,C-1,20/11/2026,1\nO-2,C-1,2026-11-21,1\nO-3,C-2,20261122,1\n',
        'tickets.csv':
          'ticket_id,customer_id,opened_at,sentiment,status\nT-1,C-1,10004562,negative,open\nT-2,C-1,10004563,neutral,open\n',
      },
      { formats: { date: 'yyyymmdd' } },
    );
    expect(Array.from(book.orderDay, isoOfDay)).toEqual(['2026-11-20', '2026-11-21', '2026-11-22']);
    expect(report.files[2].problemCounts).toEqual({ 'opened_at: not a date': 2 });
  });

  it('a declared date order that the file proves wrong gives way to the file, and the report says so', async () => {
    // A UK export (20/11/2026 can only be day-first) with "month-first" declared by mistake: obeyed,
    // 03/10/2026 would become 10 March and 20/11/2026 a bad row.
    const { book, report } = await feed(
      {
        'customers.csv': CUSTOMERS,
        'orders.csv':
          'order_id,customer_id,ordered_at,amount\nO-1,C-1,03/10/2026,10\nO-2,C-1,20/11/2026,12\n',
      },
      { formats: { date: 'month-first' } },
    );
    expect(report.rowsSkipped).toBe(0);
    expect(ordersOf(book, 'C-1')).toEqual([
      ['2026-10-03', 10],
      ['2026-11-20', 12],
    ]);
    expect(report.files[1].notes).toContain(
      'ordered_at: dates read day-first, not month-first as formats.date says: "20/11/2026" can only be day-first ' +
        '(remove formats.date from the rules file, or set it to "day-first")',
    );
  });

  it('a file declared UTF-8 that is not, with the line', async () => {
    const latin1 = Buffer.from(
      'customer_id,name,owner\nC-1,Caf\xe9 M\xfcller,ana@contoso.example\n',
      'latin1',
    );
    const error = await feedError(
      {
        'customers.csv': latin1,
        'orders.csv': 'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,10\n',
      },
      { formats: { encoding: 'utf-8' } },
    );
    expect(error.message).toContain(
      'customers.csv is declared UTF-8 (formats.encoding) but line 2 is not valid UTF-8',
    );
    // Left to detection, it is Windows-1252: no replacement character.
    const { book, report } = await readFeed(dir);
    expect(book.customers[0].name).toBe('Café Müller');
    expect(report.files[0].notes).toContain('read as Windows-1252 (not valid UTF-8)');
  });

  it('the line of a byte that is not UTF-8 deep in a big file (past the first megabyte read)', async () => {
    const good = Array.from({ length: 60_000 }, (_, i) => `C-${i},Customer ${i},ana@contoso.example`);
    const latin1 = Buffer.concat([
      Buffer.from(`customer_id,name,owner\n${good.join('\n')}\n`),
      Buffer.from('C-x,Caf\xe9,ana@contoso.example\n', 'latin1'),
    ]);
    expect(latin1.length).toBeGreaterThan(2 * 1024 * 1024);
    const error = await feedError(
      {
        'customers.csv': latin1,
        'orders.csv': 'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,10\n',
      },
      { formats: { encoding: 'utf-8' } },
    );
    expect(error.message).toContain('but line 60002 is not valid UTF-8');
  });
  it('two files for one kind (orders.csv and orders.xlsx)', async () => {
    const error = await feedError({ 'customers.csv': CUSTOMERS, 'orders.csv': 'x\n', 'orders.xlsx': 'x' });
    expect(error.code).toBe('ambiguous_file');
    expect(error.message).toContain('has orders.csv and orders.xlsx: keep one of them');
  });
});

describe('a line of spaces above the header', () => {
  it('is not taken for the header: it is passed over, as a blank line is', async () => {
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv':
        '   \norder_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,10\nO-2,C-1,2026-11-21,x\n',
    });
    expect(Array.from(book.orderAmount)).toEqual([10]);
    expect(problemsOf(report.files[1])).toEqual([[4, 'amount: not a number: "x"']]);
  });
});

describe('a title above the header with a line break inside its quotes', () => {
  it("(a spreadsheet's title cell of two lines saved as CSV) takes the header for the header, reads every order and names each row's line", async () => {
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv':
        '"Invoice list\r\nNovember 2026",,,\r\n\r\norder_id,customer_id,ordered_at,amount\r\nO-1,C-1,2026-11-20,10\r\nO-2,C-1,2026-11-21,x\r\n',
    });
    expect(Array.from(book.orderAmount)).toEqual([10]);
    expect(report.files[1].notes).toContain('header on line 4: the 2 lines above it (a title?) not read');
    expect(problemsOf(report.files[1])).toEqual([[6, 'amount: not a number: "x"']]);
  });
  it('saved as "CSV UTF-8" (a byte-order mark before the title\'s quote) and with no blank line under it, still takes the header for the header', async () => {
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv':
        '\ufeff"Invoice list\r\nNovember 2026",,,\r\norder_id,customer_id,ordered_at,amount\r\nO-1,C-1,2026-11-20,10\r\nO-2,C-1,2026-11-21,10,5\r\nO-3,C-1,2026-11-21,x\r\n',
    });
    expect(Array.from(book.orderAmount)).toEqual([10]);
    expect(report.files[1].notes).toContain('header on line 3: the 2 lines above it (a title?) not read');
    expect(problemsOf(report.files[1])).toEqual([
      [5, 'has 5 fields, the header has 4 (an unquoted comma in a value?)'],
      [6, 'amount: not a number: "x"'],
    ]);
  });
});

describe('a quote inside a field, not at its start', () => {
  it('(an inch mark: `Acme 12" Records`) is part of the text, and the rows after it keep their lines', async () => {
    const { book, report } = await feed({
      'customers.csv': `Sales of 12" records\n${CUSTOMERS.replace('Greenfield Cafe', 'Greenfield 12" Records')}C-3,Bad Value,ana@contoso.example,x\n`,
      'orders.csv': 'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,10\n',
    });
    expect(book.customers.map((c) => c.name)).toEqual(['Greenfield 12" Records', 'Corner Deli']);
    expect(problemsOf(report.files[0])).toEqual([[5, 'monthly_value: not a number: "x"']]);
  });
  it('(one space before a quoted value holding a line break, as DuckDB reads it quoted) keeps the lines of the rows after it', async () => {
    const { book, report } = await feed({
      'customers.csv': `${CUSTOMERS}C-3, "Acme\nLtd",ana@contoso.example,\nC-4,Bad Value,ana@contoso.example,x\n`,
      'orders.csv': 'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,10\n',
    });
    expect(book.customers.map((c) => c.name)).toContain('Acme\nLtd');
    expect(problemsOf(report.files[0])).toEqual([[6, 'monthly_value: not a number: "x"']]);
  });
  it('(a title cell quoted after one space, holding a line break) is one title, and the header is read as the header', async () => {
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv':
        'Invoice list, "November\n2026",,\norder_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,10\nO-3,C-1,2026-11-21,x\n',
    });
    expect(Array.from(book.orderAmount)).toEqual([10]);
    expect(problemsOf(report.files[1])).toEqual([[5, 'amount: not a number: "x"']]);
  });
  it('(`"Acme" Ltd`, quotes closed before the value ends) is named as text after a closing quote, not as quotes left open', async () => {
    const { report } = await feed({
      'customers.csv': `${CUSTOMERS}C-3,"Acme" Ltd,ana@contoso.example,\nC-4,"Open,ana@contoso.example,\n`,
      'orders.csv': 'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,10\n',
    });
    expect(problemsOf(report.files[0])).toEqual([
      [
        4,
        'broken quotes: text after a closing quote (a value holding quotes is quoted whole, each of its quotes doubled: `"Acme" Ltd` as `"""Acme"" Ltd"`)',
      ],
      [5, 'broken quotes: Quoted field unterminated'],
    ]);
  });
});

describe('an export saved under a name the feed does not read', () => {
  it('(`orders.csv.csv`, a Windows that hides extensions) is named in the stop for a missing orders file', async () => {
    const error = await feedError({
      'customers.csv': CUSTOMERS,
      'orders.csv.csv': 'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,10\n',
    });
    expect(error.code).toBe('missing_file');
    expect(error.message).toContain(
      'The folder has "orders.csv.csv", which the feed does not read under that name: rename it orders.csv.',
    );
  });
  it('(`tickets (1).csv`, a second download) is said in the notes, not passed over without a word', async () => {
    const { report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': 'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,10\n',
      'tickets (1).csv': 'ticket_id,customer_id,opened_at,status\nT-1,C-1,2026-11-20,open\n',
      '~$orders.xlsx': "Excel's lock file while the workbook is open",
    });
    expect(report.files.map((f) => f.file)).toEqual(['customers.csv', 'orders.csv']);
    expect(report.notes).toEqual([
      '"tickets (1).csv" is not read: the feed reads tickets under the name tickets.csv (or .txt, .tsv, .parquet, .xlsx, gzipped or zipped); rename it to have it read.',
    ]);
  });
});

describe("a customers file opened and saved in Excel, which drops the ids' leading zeros", () => {
  it('with long account numbers turned into "1.23457E+11": the notes say their digits are lost', async () => {
    const { report } = await feed({
      'customers.csv':
        'customer_id,name,owner,monthly_value\r\n1.23457E+11,Greenfield Cafe,ana@contoso.example,\r\n7,Corner Deli,ana@contoso.example,\r\n',
      'orders.csv':
        'order_id,customer_id,ordered_at,amount\nO-1,123456789012,2026-11-20,10\nO-3,7,2026-11-21,10\n',
    });
    expect(report.files[0].notes).toContain(
      'customer_id: 1 id written as a spreadsheet shows a long number ("1.23457E+11"): its digits are lost, so an order or ticket that writes it in full finds no customer; export the file again rather than save it from the spreadsheet (Excel)',
    );
  });
  it('with the orders saved so too, which then find their customer: the note does not say no order does', async () => {
    const { book, report } = await feed({
      'customers.csv':
        'customer_id,name,owner,monthly_value\r\n1.23457E+11,Greenfield Cafe,ana@contoso.example,\r\n7,Corner Deli,ana@contoso.example,\r\n',
      'orders.csv':
        'order_id,customer_id,ordered_at,amount\r\nO-1,1.23457E+11,2026-11-20,10\r\nO-3,7,2026-11-21,10\r\n',
    });
    expect(Array.from(book.orderAmount)).toEqual([10, 10]);
    expect(report.files[0].notes).toEqual([
      'customer_id: 1 id written as a spreadsheet shows a long number ("1.23457E+11"): its digits are lost, so an order or ticket that writes it in full finds no customer; export the file again rather than save it from the spreadsheet (Excel)',
    ]);
  });
  it('leaves the orders naming "00042" unknown, and the notes say why, with an example', async () => {
    const { report } = await feed({
      'customers.csv':
        'customer_id,name,owner,monthly_value\r\n42,Greenfield Cafe,ana@contoso.example,\r\n7,Corner Deli,ana@contoso.example,\r\n',
      'orders.csv':
        'order_id,customer_id,ordered_at,amount\nO-1,00042,2026-11-20,10\nO-2,00042,2026-11-21,10\nO-3,7,2026-11-21,10\nO-4,00099,2026-11-21,10\n',
    });
    expect(problemsOf(report.files[1])).toEqual([
      [2, 'unknown customer "00042"'],
      [3, 'unknown customer "00042"'],
      [5, 'unknown customer "00099"'],
    ]);
    expect(report.files[1].notes).toContain(
      'customer_id: 2 lines name a customer whose id customers.csv writes with other leading zeros ("00042" for "42"): a spreadsheet drops them when it saves a CSV it opened (Excel); export the file again rather than save it from the spreadsheet, or write the ids alike in both exports',
    );
  });
});

describe('line breaks', () => {
  it('a file whose lines end both in CRLF and in LF (a header typed on Linux above rows of a Windows export) is read, its lines kept', async () => {
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv':
        'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-02,11.77\r\nO-2,C-1,2026-11-03,x\r\nO-3,C-2,2026-11-04,"a\r\nnote"\nO-4,C-2,2026-11-05,4\r\n',
    });
    expect(ordersOf(book, 'C-1')).toEqual([['2026-11-02', 11.77]]);
    expect(ordersOf(book, 'C-2')).toEqual([['2026-11-05', 4]]);
    expect(problemsOf(report.files[1])).toEqual([
      [3, 'amount: not a number: "x"'],
      [4, 'amount: not a number: "a\\nnote"'],
    ]);
    expect(report.files[1].notes).toEqual(['lines end both in CRLF and in LF (files joined?): read alike']);
  });
});

describe('a file that cannot be read stops the run, naming the file and why', () => {
  const unreadable = async (files: Record<string, string | Buffer>) => {
    const error = await feedError({ 'customers.csv': CUSTOMERS, ...files });
    expect(error.code).toBe('unreadable_file');
    return error.message;
  };

  it('an .xlsx that is not a workbook', async () => {
    expect(await unreadable({ 'orders.xlsx': 'not a zip' })).toBe(
      'orders.xlsx is not an Excel workbook (it is not a zip archive, which every .xlsx file is).',
    );
  });

  it('an .xlsx in the old .xls or a password-protected format', async () => {
    const ole2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    expect(await unreadable({ 'orders.xlsx': ole2 })).toContain(
      "orders.xlsx is not an Excel workbook (it is in Excel's older (.xls) or password-protected format",
    );
  });

  it('a workbook cut short (an incomplete download)', async () => {
    const whole = await readFile(join(__dirname, '../../fixtures/exports/xlsx/orders.xlsx'));
    expect(await unreadable({ 'orders.xlsx': whole.subarray(0, whole.length / 2) })).toBe(
      'orders.xlsx is not an Excel workbook (it ends early: an incomplete copy or download?).',
    );
  });

  it('a workbook whose sheet stops before its end, rather than its first rows only', async () => {
    // cut-sheet/orders.xlsx: a workbook of 4 orders re-zipped with its sheet's XML cut before row 4.
    const error = await readFeed(join(__dirname, '../../fixtures/feeds/cut-sheet')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FeedError);
    expect((error as FeedError).message).toBe(
      'orders.xlsx is not an Excel workbook (its sheet stops before its end: an incomplete copy?).',
    );
  });

  it('a .parquet that is not Parquet', async () => {
    expect(await unreadable({ 'orders.parquet': 'PAR1garbage' })).toBe(
      "orders.parquet is not a Parquet file (File 'orders.parquet' too small to be a Parquet file).",
    );
  });

  it('a .parquet whose text is not UTF-8 (a legacy writer storing Windows-1252) is named as such, not as a file that is not Parquet', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const sql = await db.connect();
    // "Café" in Windows-1252, as a binary column without Parquet's UTF-8 mark.
    await sql.run(`COPY (SELECT 'O-1' AS order_id, from_hex('436166E9') AS customer_id, DATE '2026-11-02' AS ordered_at,
      1.0 AS amount) TO '${join(dir, 'orders.parquet')}' (FORMAT parquet)`);
    sql.closeSync();
    expect(await unreadable({})).toBe(
      'orders.parquet holds text that is not UTF-8 (Invalid string encoding found in Parquet file "orders.parquet": value "Caf\\xE9" is not valid UTF8!): write it again with its text as UTF-8.',
    );
  });

  it('a folder with the name of a feed file', async () => {
    await mkdir(join(dir, 'orders.csv'));
    expect(await unreadable({})).toBe(`orders.csv is a folder, not a file (in "${dir}").`);
  });
});

describe('a folder of Parquet part files (Spark, pandas) is read as one file where a user puts it', () => {
  /** Writes `rows` (SQL VALUES of order_id, customer_id, ordered_at, amount) as Parquet at `path` in the feed folder. */
  async function parquet(path: string, rows: string, columns = 'order_id, customer_id, ordered_at, amount') {
    await mkdir(join(dir, path, '..'), { recursive: true });
    const db = await DuckDBInstance.create(':memory:');
    const sql = await db.connect();
    await sql.run(
      `COPY (SELECT * FROM (VALUES ${rows}) t(${columns})) TO '${join(dir, path)}' (FORMAT parquet)`,
    );
    sql.closeSync();
  }

  it("a partition folder of a feed column reads as text (customer_id=00042 is '00042'); Spark's _SUCCESS, _temporary and .crc files are passed over", async () => {
    await parquet(
      'orders.parquet/customer_id=00042/a-0.parquet',
      `('O-1', DATE '2026-11-02', 1.0)`,
      'order_id, ordered_at, amount',
    );
    await parquet(
      'orders.parquet/customer_id=C-1/b-0.parquet',
      `('O-2', DATE '2026-11-03', 2.0)`,
      'order_id, ordered_at, amount',
    );
    await writeFile(join(dir, 'orders.parquet', '_SUCCESS'), '');
    await writeFile(join(dir, 'orders.parquet', 'customer_id=C-1', '.b-0.parquet.crc'), 'crc');
    await parquet(
      'orders.parquet/_temporary/0/c-0.parquet',
      `('O-3', DATE '2026-11-04', 3.0)`,
      'order_id, ordered_at, amount',
    );
    const { book, report } = await feed({
      'customers.csv': `${CUSTOMERS}00042,Zero Cafe,ana@contoso.example,\n`,
    });
    expect(report.rowsSkipped).toBe(0);
    expect(ordersOf(book, '00042')).toEqual([['2026-11-02', 1]]);
    expect(ordersOf(book, 'C-1')).toEqual([['2026-11-03', 2]]);
  });

  it("a folder named orders that holds no Parquet is not the feed's; orders.parquet holding none, or a Delta table, stops naming it", async () => {
    await mkdir(join(dir, 'orders'));
    await writeFile(join(dir, 'orders', 'old.csv'), 'x');
    expect((await feedError({ 'customers.csv': CUSTOMERS })).message).toContain('has no orders.csv');
    await mkdir(join(dir, 'orders.parquet'));
    expect((await feedError({})).message).toBe(
      `orders.parquet/ is a folder with no Parquet part files (.parquet) in it (in "${dir}").`,
    );
    await rm(join(dir, 'orders.parquet'), { recursive: true });
    await parquet('orders/part-00000.parquet', `('O-1', 'C-1', DATE '2026-11-02', 1.0)`);
    await writeFile(join(dir, 'orders', 'old.csv'), 'x');
    await mkdir(join(dir, 'orders', '_delta_log'));
    await writeFile(join(dir, 'orders', '_delta_log', '00000000000000000000.json'), '{}');
    expect((await feedError({})).message).toMatch(
      /^orders\/ is a Delta table \(it has a _delta_log folder\)/,
    );
    await rm(join(dir, 'orders', '_delta_log'), { recursive: true });
    await writeFile(join(dir, 'orders.csv'), 'order_id,customer_id,ordered_at,amount\n');
    expect((await feedError({})).message).toBe(
      `The feed folder "${dir}" has orders.csv and orders/: keep one of them.`,
    );
  });

  it("the feed's version moves when a part is written again, and a part that is not Parquet is named", async () => {
    await writeFile(join(dir, 'customers.csv'), CUSTOMERS);
    await parquet('orders/part-00000.parquet', `('O-1', 'C-1', DATE '2026-11-02', 1.0)`);
    await parquet('orders/year=2026/part-00001.parquet', `('O-2', 'C-1', DATE '2026-11-03', 1.0)`);
    const before = await folderFeedVersion(dir);
    await parquet('orders/year=2026/part-00001.parquet', `('O-2', 'C-1', DATE '2026-11-03', 12345.0)`);
    expect(await folderFeedVersion(dir)).not.toBe(before);
    await writeFile(join(dir, 'orders', 'year=2026', 'part-00001.parquet'), 'PAR1garbage');
    const error = await feedError({});
    expect(error.code).toBe('unreadable_file');
    expect(error.message).toContain('orders/ holds a part file that is not Parquet');
    expect(error.message).toContain("'orders/year=2026/part-00001.parquet'");
  });
});

describe('amounts', () => {
  it('a decimal comma in a comma-separated file reads when declared', async () => {
    const { book } = await feed(
      {
        'customers.csv': CUSTOMERS,
        'orders.csv':
          'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,"12,50"\nO-2,C-1,2026-11-21,"1.200,00"\n',
      },
      { formats: { decimal: ',' } },
    );
    expect(ordersOf(book, 'C-1')).toEqual([
      ['2026-11-20', 12.5],
      ['2026-11-21', 1200],
    ]);
  });

  it("a declared decimal comma leaves another file's amounts that settle themselves as written", async () => {
    // A European orders export declares its commas; the CRM's customers file beside it writes the US way.
    const { book, report } = await feed(
      {
        'customers.csv':
          'customer_id,name,owner,monthly_value\nC-1,Greenfield Cafe,ana@contoso.example,"1,200.00"\nC-2,Corner Deli,ben@contoso.example,"$2,500.50"\n',
        'orders.csv':
          'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,"58,32 €"\nO-2,C-2,2026-11-21,"1.200,50 €"\n',
      },
      { formats: { decimal: ',' } },
    );
    expect(report.rowsSkipped).toBe(0);
    expect(book.customers.map((c) => [c.id, c.monthlyValue])).toEqual([
      ['C-1', 1200],
      ['C-2', 2500.5],
    ]);
    expect(ordersOf(book, 'C-1')).toEqual([['2026-11-20', 58.32]]);
    expect(ordersOf(book, 'C-2')).toEqual([['2026-11-21', 1200.5]]);
    // The notes say what the declaration did to each file: it read the orders, not the customers.
    const [customers, orders] = report.files;
    expect(customers.notes.filter((n) => n.startsWith('monthly_value:'))).toEqual([
      'monthly_value: read as written, with a decimal point ("$2,500.50"): the decimal comma formats.decimal declares decided no value',
    ]);
    expect(orders.notes.filter((n) => n.startsWith('amount:'))).toEqual([
      'amount: decimal commas (declared in formats.decimal)',
    ]);
  });

  it('a declared decimal comma that decided some values of a file and not others says both', async () => {
    const { book, report } = await feed(
      {
        'customers.csv': CUSTOMERS,
        'orders.csv':
          'order_id;customer_id;ordered_at;amount\nO-1;C-1;2026-11-20;1.200\nO-2;C-1;2026-11-21;"1,250.00"\nO-3;C-1;2026-11-22;45\n',
      },
      { formats: { decimal: ',' } },
    );
    expect(Array.from(book.orderAmount)).toEqual([1200, 1250, 45]);
    expect(report.files[1].notes.filter((n) => n.startsWith('amount:'))).toEqual([
      'amount: decimal commas (declared in formats.decimal); 1 value read as written, with a decimal point ("1,250.00")',
    ]);
  });

  it('a declared decimal point reads "1.200,50" as written, and settles only what reads two ways', async () => {
    const { book, report } = await feed(
      {
        'customers.csv': CUSTOMERS,
        'orders.csv':
          'order_id;customer_id;ordered_at;amount\nO-1;C-1;2026-11-20;1.200,50 €\nO-2;C-1;2026-11-21;1.200\n',
      },
      { formats: { decimal: '.' } },
    );
    expect(report.rowsSkipped).toBe(0);
    expect(ordersOf(book, 'C-1')).toEqual([
      ['2026-11-20', 1200.5],
      ['2026-11-21', 1.2],
    ]);
  });

  it('a whole amount in two groups of thousands or more ("1,200,000", "1.200.000") reads as written whatever the mark, as lakhs do', async () => {
    // Declared for the German orders, the comma left the CRM's US-written monthly value a bad row,
    // while its lakh-grouped neighbour "12,00,000" read.
    const customers =
      'customer_id,name,owner,monthly_value\nC-1,Greenfield Cafe,ana@contoso.example,"1,200,000"\nC-2,Corner Deli,ben@contoso.example,"12,00,000"\n';
    const orders =
      'order_id;customer_id;ordered_at;amount\nO-1;C-1;2026-11-20;1.200.000 €\nO-2;C-2;2026-11-21;45,50 €\n';
    const { book, report } = await feed(
      { 'customers.csv': customers, 'orders.csv': orders },
      { formats: { decimal: ',' } },
    );
    expect(report.rowsSkipped).toBe(0);
    expect(book.customers.map((c) => c.monthlyValue)).toEqual([1200000, 1200000]);
    expect(Array.from(book.orderAmount)).toEqual([1200000, 45.5]);
    expect(report.files[0].notes).toContain(
      'monthly_value: read as written, with a decimal point ("1,200,000"): the decimal comma formats.decimal declares decided no value',
    );
    // And the other way round: a point declared for the CRM leaves the German "1.200.000 €" at 1,200,000.
    const declaredPoint = await feed(
      { 'customers.csv': CUSTOMERS, 'orders.csv': orders.replace('45,50 €', '45.50') },
      { formats: { decimal: '.' } },
    );
    expect(declaredPoint.report.rowsSkipped).toBe(0);
    expect(Array.from(declaredPoint.book.orderAmount)).toEqual([1200000, 45.5]);
  });

  it.each([
    ['1,200.00', 1200],
    ['$1,200.00', 1200],
    ['£45.00', 45],
    ['USD 99.90', 99.9],
    ['45.00 EUR', 45],
    ["1'250.50", 1250.5],
    ['12.50', 12.5],
    ['.5', 0.5],
    ['+7', 7],
    ['1e3', 1000],
    ['-0', 0],
  ])('%s is %d', async (text, value) => {
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': `order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,"${text}"\n`,
    });
    expect(report.rowsSkipped).toBe(0);
    expect(Object.is(book.orderAmount[0], value)).toBe(true);
  });

  it.each([
    ['12,50', 'not a number'],
    ['12.5.0', 'not a number'],
    ['twelve', 'not a number'],
  ])('%s is %s', async (text, problem) => {
    const { report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': `order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,"${text}"\nO-2,C-2,2026-11-20,10\n`,
    });
    expect(problemsOf(report.files[1])).toEqual([[2, `amount: ${problem}: ${JSON.stringify(text)}`]]);
  });

  it.each(['-3', '(3.00)', '3.00-', '-$3.00', 'GBP 3.00-'])(
    '%s is a refund: taken off the order before it, a bad row where there is none',
    async (text) => {
      const { book, report } = await feed({
        'customers.csv': CUSTOMERS,
        'orders.csv': `order_id,customer_id,ordered_at,amount\nR-0,C-1,2026-11-02,"${text}"\nO-1,C-1,2026-11-10,10\nR-1,C-1,2026-11-20,"${text}"\n`,
      });
      expect(ordersOf(book, 'C-1')).toEqual([['2026-11-10', 7]]);
      expect(problemsOf(report.files[1])).toEqual([
        [2, `amount: a refund or credit before any order of customer "C-1": ${JSON.stringify(text)}`],
      ]);
    },
  );

  it.each([
    '(1,234.56)',
    '£(1,234.56)',
    '(£1,234.56)',
    '$ (1,234.56)',
    'USD (1,234.56)',
    '1,234.56 CR',
    '1,234.56CR',
    '£1,234.56 Cr',
    'USD 1,234.56 CR',
    'GBP1,234.56CR',
    '1,234.56-',
  ])('%s in accounting notation is a credit of 1,234.56', async (text) => {
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': `order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-10,"2,000.00 DR"\nR-1,C-1,2026-11-20,"${text}"\n`,
    });
    expect(report.rowsSkipped).toBe(0);
    expect(ordersOf(book, 'C-1')).toEqual([['2026-11-10', 765.44]]);
  });

  // nb-NO's and da-DK's Excel write a negative `kr -1.234,56`, other ledgers `-kr 1.234,56`, and
  // an accounting format may put the currency inside the parentheses: `(RM1,234.56)`.
  it.each([
    ['-RM1,234.56', ','],
    ['(RM1,234.56)', ','],
    ['-Rs. 1,234.56', ','],
    ['(USD 1,234.56)', ','],
    ['-USD 1,234.56', ','],
    ['-Fr. 1’234.56', ','],
    ['-kr 1.234,56', ';'],
    ['(kr. 1.234,56)', ';'],
    ['kr -1.234,56', ';'],
  ])('%s, the minus or parentheses before the currency, is a credit of 1,234.56', async (text, d) => {
    const order = d === ',' ? '"2,000.00"' : '2.000,00';
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': [
        ['order_id', 'customer_id', 'ordered_at', 'amount'],
        ['O-1', 'C-1', '2026-11-10', order],
        ['R-1', 'C-1', '2026-11-20', `"${text}"`],
      ]
        .map((line) => line.join(d))
        .join('\n'),
    });
    expect(report.rowsSkipped).toBe(0);
    expect(ordersOf(book, 'C-1')).toEqual([['2026-11-10', 765.44]]);
  });

  it('in a file separated by ";", accounting notation settles the decimal comma as plain amounts do', async () => {
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': [
        'order_id;customer_id;ordered_at;amount',
        'O-1;C-1;2026-11-02;2.000',
        'R-1;C-1;2026-11-10;1.234,56-',
        'O-2;C-2;2026-11-02;1.000',
        'R-2;C-2;2026-11-10;(100,50)',
        'R-3;C-2;2026-11-11;99,50 CR',
      ].join('\n'),
    });
    expect(report.rowsSkipped).toBe(0);
    expect(report.files[1].notes).toContain(
      'amount: decimal commas (settled by "(100,50)"); "1.000" is 1000',
    );
    expect(ordersOf(book, 'C-1')).toEqual([['2026-11-02', 765.44]]);
    expect(ordersOf(book, 'C-2')).toEqual([['2026-11-02', 800]]);
  });

  it.each([
    ['(see note)', 'not a number'],
    ['()', 'not a number'],
    ['CR', 'not a number'],
    ['-(3.00)', 'not a number'],
    ['(3.00) CR', 'not a number'],
    ['-3.00 CR', 'not a number'],
    ['USD -3.00 CR', 'not a number'],
  ])('%s is a bad row: %s', async (text, problem) => {
    const { report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': `order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-10,10\nR-1,C-1,2026-11-20,"${text}"\n`,
    });
    expect(problemsOf(report.files[1])).toEqual([[3, `amount: ${problem}: ${JSON.stringify(text)}`]]);
  });
});

describe("an owner mapped to a list of tags (Shopify's Tags): its one email address is the owner", () => {
  it('takes the one email among the tags, and skips a row with none or several, saying so', async () => {
    const { book, report } = await feed(
      {
        'customers.csv': [
          'Email,Tags',
          'a@mail.example,"Dana.Wells@Shop.example, newsletter, vip"',
          'b@mail.example,"wholesale, marco@shop.example"',
          'c@mail.example,dana.wells@shop.example',
          'd@mail.example,"newsletter, vip"',
          'e@mail.example,"dana.wells@shop.example, marco@shop.example, vip"',
          'f@mail.example,rep-dana',
          '',
        ].join('\n'),
        'orders.csv': 'order_id,customer_id,ordered_at,amount\nO-1,a@mail.example,2026-11-20,10\n',
      },
      { columns: { customers: { customer_id: 'Email', name: 'Email', owner: 'Tags' } } },
    );
    expect(book.customers.map((c) => [c.id, c.owner])).toEqual([
      ['a@mail.example', 'dana.wells@shop.example'],
      ['b@mail.example', 'marco@shop.example'],
      ['c@mail.example', 'dana.wells@shop.example'],
    ]);
    expect(problemsOf(report.files[0])).toEqual([
      [5, 'owner: no email address in the tags: "newsletter, vip"'],
      [6, 'owner: 2 email addresses in the tags: "dana.wells@shop.example, marco@shop.example, vip"'],
      [7, 'owner: not an email or UPN: "rep-dana"'],
    ]);
    expect(report.files[0].problemCounts).toEqual({
      'owner: no email address in the tags': 1,
      'owner: several email addresses in the tags': 1,
      'owner: not an email or UPN': 1,
    });
  });
});

describe('a tickets file none of whose tickets finds a customer', () => {
  /** The notes of a tickets file of these requesters, beside a customers file of C-1 and C-2. */
  async function ticketNotes(...requesters: string[]): Promise<string[]> {
    const { report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': 'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,10\n',
      'tickets.csv': [
        'ticket_id,customer_id,opened_at,sentiment,status',
        ...requesters.map((r, i) => `T-${i},${r},2026-11-01,negative,open`),
      ].join('\n'),
    });
    expect(report.files[2].rowsRead).toBe(requesters.length);
    return report.files[2].notes;
  }

  it("keyed by the requesters' addresses beside a customers file with none: the notes say to add them", async () => {
    expect(await ticketNotes('buyer@greenfield.example', 'Deli@corner.example')).toContain(
      'customer_id: no ticket found its customer: the tickets give the requester\'s address ("Deli@corner.example"), which no customer has as their id or in the customers file\'s email column: ' +
        'add the customers\' addresses to the customers file and map that column as email (docs/feed.md, "From a help desk")',
    );
  });

  it('keyed by ids the customers file does not hold: the notes say to check the mapping', async () => {
    expect(await ticketNotes('4411')).toContain(
      'customer_id: no ticket found its customer: none names a customer of the customers file ("4411"): map customer_id to the tickets\' column that holds the customer\'s id as the customers file writes it',
    );
  });

  it('says nothing more where some tickets found theirs', async () => {
    const notes = await ticketNotes('4411', 'C-1');
    expect(notes.filter((n) => n.includes('no ticket found'))).toEqual([]);
  });
});

describe('customer ids written in another case than the customers file writes them', () => {
  it('are unknown customers, as two systems may hold both, and the notes say which', async () => {
    const { report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv':
        'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,10\nO-2,c-1,2026-11-21,10\nO-3,c-2,2026-11-21,10\nO-4,X-9,2026-11-21,10\n',
      'tickets.csv': 'ticket_id,customer_id,opened_at,sentiment,status\nT-1,c-2,2026-11-01,negative,open\n',
    });
    expect(report.files[1].problemCounts).toEqual({ 'unknown customer': 3 });
    expect(report.files[1].notes).toContain(
      'customer_id: 2 lines name a customer in another case than customers.csv writes their id ("c-1" for "C-1"): ids other than email addresses match only as written; write them alike in both exports',
    );
    expect(report.files[2].notes).toContain(
      'customer_id: 1 line names a customer in another case than customers.csv writes their id ("c-2" for "C-2"): ids other than email addresses match only as written; write them alike in both exports',
    );
  });
});

describe('an owner pasted from Outlook or kept as a mail link', () => {
  it('is the address it holds: "Name <address>" and "mailto:address"', async () => {
    const { book, report } = await feed({
      'customers.csv': [
        'customer_id,name,owner',
        'C-1,Greenfield Cafe,Ana Ruiz <Ana.Ruiz@contoso.example>',
        'C-2,Corner Deli,"Okafor, Ben <ben@contoso.example>"',
        'C-3,Blue Door,mailto:cy@contoso.example',
        'C-4,Oak Bistro,Dee <not an address>',
        '',
      ].join('\n'),
      'orders.csv': 'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,10\n',
    });
    expect(book.customers.map((c) => [c.id, c.owner])).toEqual([
      ['C-1', 'ana.ruiz@contoso.example'],
      ['C-2', 'ben@contoso.example'],
      ['C-3', 'cy@contoso.example'],
    ]);
    expect(problemsOf(report.files[0])).toEqual([[5, 'owner: not an email or UPN: "Dee <not an address>"']]);
  });
});

describe('a customers or orders file with no row that can be used stops the run', () => {
  it('an owner column of display names, not sign-ins: the stop gives the mapping that would fix it', async () => {
    const error = await feedError({
      'customers.csv':
        'customer_id,name,owner\nC-1,Greenfield Cafe,Ana Ruiz\nC-2,Corner Deli,Ben Okafor\nC-3,Blue Door,Ana Ruiz \n' +
        'C-4,Oak Bistro,Cy\nC-5,Elm Bakery,Dee\n',
      'orders.csv': 'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,10\n',
    });
    expect(error.code).toBe('no_usable_rows');
    expect(error.file).toBe('customers.csv');
    expect(error.message).toBe(
      'customers.csv: none of its 5 rows can be used (5 x owner: not an email or UPN), e.g. line 2: owner: not an email or UPN: "Ana Ruiz". ' +
        'Owner: 5 rows name a rep ("Ana Ruiz", "Ben Okafor", "Cy" and 1 more) rather than giving their Teams sign-in: ' +
        `give each name its rep's sign-in in the rules file, e.g. { "owners": { "Ana Ruiz": "<their Teams sign-in>", "Ben Okafor": "<their Teams sign-in>", "Cy": "<their Teams sign-in>" } }. ` +
        'Nothing was scored or changed: fix the export (docs/feed.md says what each column needs) and run again.',
    );
  });

  it('orders from another system that writes the customer ids otherwise', async () => {
    const error = await feedError({
      'customers.csv': CUSTOMERS,
      'orders.csv': 'order_id,customer_id,ordered_at,amount\nO-1,c-1,2026-11-20,10\nO-2,C-02,2026-11-21,10\n',
    });
    expect(error.code).toBe('no_usable_rows');
    expect(error.message).toMatch(
      /^orders\.csv: none of its 2 rows can be used \(2 x unknown customer\), e.g. line 2: unknown customer "c-1"\. /,
    );
    // One of them is the customer C-1 in another case: the stop says so.
    expect(error.message).toContain(
      '. Customer_id: 1 line names a customer in another case than customers.csv writes their id ("c-1" for "C-1")',
    );
  });

  it('but not orders that are all after the as-of date (a date typed wrong, which the CLI warns of), nor one good row among bad ones', async () => {
    const late = await feed(
      {
        'customers.csv': CUSTOMERS,
        'orders.csv': 'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,10\n',
      },
      { asOf: '2026-01-01' },
    );
    expect(late.report.files[1].rowsKept).toBe(0);
    const { book } = await feed({
      'customers.csv':
        'customer_id,name,owner\nC-1,Greenfield Cafe,Ana Ruiz\nC-2,Corner Deli,ben@contoso.example\n',
      'orders.csv': 'order_id,customer_id,ordered_at,amount\nO-1,C-2,2026-11-20,10\n',
    });
    expect(book.customers.map((c) => c.id)).toEqual(['C-2']);
  });
});

describe('refunds and orders never placed', () => {
  it.each([
    ['the default hash', undefined],
    ['a hash that two ids share', 'hash(i.order_id) % 2'],
  ])('a refund with its order id comes off that order, not the latest one (%s)', async (_, orderIdHash) => {
    const { book, report } = await feed(
      {
        'customers.csv': CUSTOMERS,
        'orders.csv':
          'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-02,100\nO-2,C-1,2026-11-10,50\nO-1,C-1,2026-11-15,-30\nO-3,C-2,2026-11-03,20\nO-3,C-2,2026-11-04,-20\n',
      },
      { orderIdHash },
    );
    expect(report.rowsSkipped).toBe(0);
    expect(ordersOf(book, 'C-1')).toEqual([
      ['2026-11-02', 70],
      ['2026-11-10', 50],
    ]);
    // Refunded in full: no longer an order.
    expect(ordersOf(book, 'C-2')).toEqual([]);
  });

  it('a column named status needs no mapping; drafts, voids, cancelled (wc-cancelled too), failed and refunded orders are left out, other statuses kept', async () => {
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': [
        'order_id,customer_id,ordered_at,amount,Status',
        'O-1,C-1,2026-11-02,10,Paid',
        'O-2,C-1,2026-11-03,10,wc-cancelled',
        'O-3,C-1,2026-11-04,10,on-hold',
        'O-4,C-1,2026-11-05,10,partially_refunded',
        'O-5,C-1,2026-11-06,10, Draft ',
        'O-6,C-1,2026-11-07,10,CANCELED',
        'O-7,C-1,2026-11-08,10,',
        'O-8,C-1,2026-11-09,not a number,void',
        // Shopify: a payment authorised but never taken.
        'O-9,C-1,2026-11-10,10,expired',
      ].join('\n'),
    });
    expect(report.rowsSkipped).toBe(0);
    expect(ordersOf(book, 'C-1').map(([day]) => day)).toEqual([
      '2026-11-02',
      '2026-11-04',
      '2026-11-05',
      '2026-11-08',
    ]);
    expect(report.files[1].notes).toContain(
      'status: 5 orders left out, never placed or undone ("CANCELED" 1, "Draft" 1, "expired" 1, "void" 1, "wc-cancelled" 1)',
    );
  });

  it("a status on an order's first line only (Shopify's Financial Status) leaves out the whole order", async () => {
    const { book, report } = await feed(
      {
        'customers.csv': CUSTOMERS,
        'orders.csv': [
          'Name,Email,Financial Status,Total,Created at',
          '#1001,C-1,paid,30.00,2026-11-02 10:00:00 -0500',
          '#1001,C-1,,,2026-11-02 10:00:00 -0500',
          '#1002,C-1,refunded,45.00,2026-11-09 10:00:00 -0500',
          '#1002,C-1,,,2026-11-09 10:00:00 -0500',
          '#1002,C-1,,,2026-11-09 10:00:00 -0500',
        ].join('\n'),
      },
      {
        columns: {
          orders: {
            order_id: 'Name',
            customer_id: 'Email',
            ordered_at: 'Created at',
            amount: 'Total',
            status: 'Financial Status',
          },
        },
      },
    );
    expect(report.rowsSkipped).toBe(0);
    expect(ordersOf(book, 'C-1')).toEqual([['2026-11-02', 30]]);
    expect(report.files[1]).toMatchObject({ rowsRead: 5, rowsKept: 2, rowsSkipped: 0 });
    expect(report.files[1].notes).toContain(
      'status: 1 order left out, never placed or undone ("refunded" 1)',
    );
  });

  it("a voided invoice whose second line names no customer is one order left out, and another customer's transaction of its number stays", async () => {
    // Greenfield's invoice 1010 was voided; its second line leaves the customer cell empty, as a
    // report that names the customer once per invoice does. Corner Deli's credit memo is numbered
    // 1010 too, and comes off its invoice 1011.
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': [
        'order_id,customer_id,ordered_at,amount,status',
        '1009,C-1,2026-11-01,40,',
        '1010,C-1,2026-11-02,10,Voided',
        '1010,,2026-11-02,5,Voided',
        '1011,C-2,2026-11-03,60,',
        '1010,C-2,2026-11-03,-15,',
      ].join('\n'),
    });
    expect(ordersOf(book, 'C-1')).toEqual([['2026-11-01', 40]]);
    expect(ordersOf(book, 'C-2')).toEqual([['2026-11-03', 45]]);
    expect(report.files[1]).toMatchObject({ rowsKept: 3, rowsSkipped: 0 });
    expect(report.files[1].notes).toContain('status: 1 order left out, never placed or undone ("Voided" 1)');
  });

  it("WooCommerce's unpaid checkouts (wc-pending, Pending payment, checkout drafts) are left out; Shopify's plain pending is kept", async () => {
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': [
        'order_id,customer_id,ordered_at,amount,status',
        'O-1,C-1,2026-11-02,10,wc-completed',
        'O-2,C-1,2026-11-03,10,wc-pending',
        'O-3,C-1,2026-11-04,10,Pending payment',
        'O-4,C-1,2026-11-05,10,wc-checkout-draft',
        'O-5,C-1,2026-11-06,10,pending',
      ].join('\n'),
    });
    expect(ordersOf(book, 'C-1').map(([day]) => day)).toEqual(['2026-11-02', '2026-11-06']);
    expect(report.files[1].notes).toContain(
      'status: 3 orders left out, never placed or undone ("Pending payment" 1, "wc-checkout-draft" 1, "wc-pending" 1)',
    );
  });

  it('a refunded column is taken off its order whatever its sign; refunded in full, the order is gone; a bad value is a bad row', async () => {
    const { book, report } = await feed(
      {
        'customers.csv': CUSTOMERS,
        'orders.csv': [
          'Order Number,Email,Order Date,Order Total Amount,Order Refund',
          '1,C-1,2026-11-02,100.00,25.00',
          '2,C-1,2026-11-03,40.00,-10.00',
          '3,C-1,2026-11-04,30.00,30.00',
          '4,C-1,2026-11-05,20.00,',
          '5,C-1,2026-11-06,20.00,0.00',
          '6,C-1,2026-11-07,20.00,n/a',
          '7,C-2,2026-11-08,15.00,40.00',
        ].join('\n'),
      },
      {
        columns: {
          orders: {
            order_id: 'Order Number',
            customer_id: 'Email',
            ordered_at: 'Order Date',
            amount: 'Order Total Amount',
            refunded: 'Order Refund',
          },
        },
      },
    );
    expect(ordersOf(book, 'C-1')).toEqual([
      ['2026-11-02', 75],
      ['2026-11-03', 30],
      ['2026-11-05', 20],
      ['2026-11-06', 20],
    ]);
    // Refunded more than it cost: kept at 0, as a credit note larger than its order.
    expect(ordersOf(book, 'C-2')).toEqual([['2026-11-08', 0]]);
    expect(problemsOf(report.files[1])).toEqual([[7, 'refunded: not a number: "n/a"']]);
    expect(report.files[1].notes).toContain(
      'refunded: 4 orders refunded in part or in full, the refund taken off their amount; 1 order refunded in full, no longer counted as orders; 1 order refunded more than its amount, kept at 0',
    );
  });

  it("a refunded column on an order's first row only (a row per product) is taken off the order once", async () => {
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': [
        'order_id,customer_id,ordered_at,amount,status,refunded,Item',
        '2101,C-1,2026-11-02 10:00:00,120.00,wc-completed,20.00,Tulips',
        '2101,C-1,2026-11-02 10:00:00,,,,Vase',
        '2101,C-1,2026-11-02 10:00:00,,,,Card',
      ].join('\n'),
    });
    expect(ordersOf(book, 'C-1')).toEqual([['2026-11-02', 100]]);
    expect(report.rowsSkipped).toBe(0);
  });

  it("a refund dated after the as-of date (refunded_at, Stripe's Refunded date) is not taken off: the order stands as it did then", async () => {
    const orders = [
      'id,Customer ID,Created date (UTC),Amount,Amount Refunded,Refunded date (UTC),Status',
      'ch_1,C-1,2026-10-05 10:00:00,100.00,20.00,2026-10-20 09:00:00,Paid',
      'ch_2,C-1,2026-10-06 10:00:00,80.00,80.00,2026-11-02 09:00:00,Refunded',
      'ch_3,C-2,2026-10-07 10:00:00,50.00,50.00,,Refunded',
      'ch_4,C-2,2026-10-08 10:00:00,40.00,10.00,last week,Paid',
      'ch_5,C-2,2026-11-03 10:00:00,30.00,30.00,2026-11-04 09:00:00,Refunded',
    ].join('\n');
    const columns = {
      orders: {
        order_id: 'id',
        customer_id: 'Customer ID',
        ordered_at: 'Created date (UTC)',
        amount: 'Amount',
        refunded: 'Amount Refunded',
        refunded_at: 'Refunded date (UTC)',
        status: 'Status',
      },
    };
    const { book, report } = await feed(
      { 'customers.csv': CUSTOMERS, 'orders.csv': orders },
      { columns, asOf: '2026-10-25' },
    );
    // 20.00 refunded on 20 October is taken off; 80.00 refunded (the whole charge) on 2 November
    // is not yet given: the charge is an order at its amount. A refund in full with no date is as Stripe says now.
    expect(ordersOf(book, 'C-1')).toEqual([
      ['2026-10-05', 80],
      ['2026-10-06', 80],
    ]);
    expect(problemsOf(report.files[1])).toEqual([[5, 'refunded_at: not a date: "last week"']]);
    expect(report.files[1].notes).toContain(
      'refunded_at: 1 order refunded after 2026-10-25, counted as it stood on that date',
    );
    // A backtest of 25 October reads every order: a refund after that date of an order before it
    // is not taken off; of an order after it (in the backtest's horizon), it is.
    const backtest = await readFeed(dir, { columns, refundsAsOf: '2026-10-25' });
    expect(ordersOf(backtest.book, 'C-1')).toEqual([
      ['2026-10-05', 80],
      ['2026-10-06', 80],
    ]);
    expect(ordersOf(backtest.book, 'C-2')).toEqual([]);
    // Scored today, every refund given is taken off.
    const today = await readFeed(dir, { columns, asOf: '2026-11-23' });
    expect(ordersOf(today.book, 'C-1')).toEqual([['2026-10-05', 80]]);
  });

  it('a refund dated after the as-of date leaves the order standing whatever language its status is in (Erstattet, refunded in German)', async () => {
    const columns = {
      orders: {
        order_id: 'Transaktions-ID',
        customer_id: 'Kunde',
        ordered_at: 'Datum',
        amount: 'Betrag',
        refunded_at: 'Erstattet am',
        status: 'Status',
      },
    };
    const orders = [
      'Transaktions-ID,Kunde,Datum,Betrag,Erstattet am,Status',
      'T1,C-1,2026-10-05 10:00:00,100.00,,Erfolgreich',
      'T2,C-1,2026-10-06 10:00:00,80.00,2026-11-02 09:00:00,Erstattet',
    ].join('\n');
    const { book, report } = await feed(
      { 'customers.csv': CUSTOMERS, 'orders.csv': orders },
      { columns, asOf: '2026-10-25' },
    );
    // On 25 October the payment of 6 October was not yet refunded: an order, as for "Refunded".
    expect(ordersOf(book, 'C-1')).toEqual([
      ['2026-10-05', 100],
      ['2026-10-06', 80],
    ]);
    expect(report.rowsSkipped).toBe(0);
    const today = await readFeed(dir, { columns, asOf: '2026-11-23' });
    expect(ordersOf(today.book, 'C-1')).toEqual([['2026-10-05', 100]]);
  });

  it("a payment not captured (Stripe's Captured false) is left out, as a status would be", async () => {
    const { book, report } = await feed(
      {
        'customers.csv': CUSTOMERS,
        'orders.csv': [
          'id,Customer ID,Created date (UTC),Amount,Captured',
          'ch_1,C-1,2026-11-02 10:00:00,50.00,true',
          'ch_2,C-1,2026-11-09 10:00:00,80.00,false',
          'ch_3,C-1,2026-11-10 10:00:00,80.00,FALSE',
        ].join('\n'),
      },
      {
        columns: {
          orders: {
            order_id: 'id',
            customer_id: 'Customer ID',
            ordered_at: 'Created date (UTC)',
            amount: 'Amount',
            captured: 'Captured',
          },
        },
      },
    );
    expect(ordersOf(book, 'C-1')).toEqual([['2026-11-02', 50]]);
    expect(report.files[1]).toMatchObject({ rowsRead: 3, rowsKept: 1, rowsSkipped: 0 });
    expect(report.files[1].notes).toContain(
      'captured: 2 orders left out, never placed or undone (not captured 2)',
    );
  });
});

/** An orders file separated by commas, with one order of each amount, quoted. */
const quotedAmounts = (...amounts: string[]) =>
  [
    'order_id,customer_id,ordered_at,amount',
    ...amounts.map((a, i) => `O-${i},C-1,2026-11-0${i + 1},"${a}"`),
  ].join('\n');

describe('a comma-separated file whose amounts are mostly written with a decimal comma (quoted)', () => {
  it('stops asking for formats.decimal, rather than skip every order as not a number', async () => {
    const error = await feedError({
      'customers.csv': CUSTOMERS,
      'orders.csv': quotedAmounts('58,32 €', '66,54 €', '45'),
    });
    expect(error.code).toBe('undeclared_decimal_comma');
    expect(error.message).toBe(
      'orders.csv: the amounts in column "amount" are written with a decimal comma ("58,32 €"), which a comma-separated file reads only when told. ' +
        'If that is how they are written, say so in the rules file: { "formats": { "decimal": "," } }.',
    );
  });

  it('or with a currency written so, as rupiah and kroner are: Rp 12.000 is no 12', async () => {
    // Read with a decimal point, "Rp 12.000" was 12 and "1.200 kr." 1.2, with a note only.
    const error = await feedError({
      'customers.csv': CUSTOMERS,
      'orders.csv': quotedAmounts('Rp 12.000', 'Rp 150.000', '1.200 kr.'),
    });
    expect(error.code).toBe('undeclared_decimal_comma');
    expect(error.message).toContain('are written with a decimal comma ("1.200 kr.")');
  });

  it('and a stray one among decimal points stays a bad row', async () => {
    const { report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': quotedAmounts('12,50', '45', '45'),
    });
    expect(problemsOf(report.files[1])).toEqual([[2, 'amount: not a number: "12,50"']]);
  });
});

describe('amounts grouped in lakhs and crores, as Tally and Excel in India write them', () => {
  it('reads the last group of three with groups of two before it; a separator out of place in either grouping stays a bad row', async () => {
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': quotedAmounts(
        '1,20,000',
        '12,0000',
        '1,2,000',
        '1,20,00',
        '12,34,567.50',
        '1,00,00,000',
        '1,200,00',
      ),
    });
    expect(Array.from(book.orderAmount)).toEqual([120000, 1234567.5, 10000000]);
    expect(problemsOf(report.files[1])).toEqual([
      [3, 'amount: not a number: "12,0000"'],
      [4, 'amount: not a number: "1,2,000"'],
      [5, 'amount: not a number: "1,20,00"'],
      [8, 'amount: not a number: "1,200,00"'],
    ]);
  });

  it('reads them as written whatever decimal mark formats.decimal declares, as a value with both separators is', async () => {
    const { book, report } = await feed(
      { 'customers.csv': CUSTOMERS, 'orders.csv': quotedAmounts('1,20,000.50', '₹2,45,500', '45,50') },
      { formats: { decimal: ',' } },
    );
    expect(report.rowsSkipped).toBe(0);
    expect(Array.from(book.orderAmount)).toEqual([120000.5, 245500, 45.5]);
  });
});

describe('the decimal mark of a file separated by ";"', () => {
  const orders = (...amounts: string[]) =>
    [
      'order_id;customer_id;ordered_at;amount',
      ...amounts.map((a, i) => `O-${i};C-1;2026-11-0${i + 1};${a}`),
    ].join('\n');

  it('a value with one separator and three digits reads as the other values settle it', async () => {
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': orders('1.200', '2.500', '3.000', '45,50', '1 200,00'),
    });
    expect(report.rowsSkipped).toBe(0);
    expect(Array.from(book.orderAmount)).toEqual([1200, 2500, 3000, 45.5, 1200]);
    expect(report.files[1].notes).toContain(
      'amount: decimal commas (settled by "1 200,00"); "1.200" is 1200',
    );
  });

  it('reads the narrow no-break space of a French Windows and the Swiss apostrophe as thousands separators', async () => {
    // Windows 10 and later format fr-FR numbers with U+202F (`1 200,50 €`), and de-CH with U+2019.
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': orders('1\u202f200,50\u202f€', '2\u2009500,00 €', '45,50\u00a0€', '3\u2019000,25'),
    });
    expect(report.rowsSkipped).toBe(0);
    expect(Array.from(book.orderAmount)).toEqual([1200.5, 2500, 45.5, 3000.25]);
  });

  it("reads the currency as each locale's Excel writes it: kr, zł, Kč, Ft, Fr., ₩, ₺", async () => {
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': orders(
        '1 200,50 kr',
        'kr 45,50',
        '99,90 zł',
        '1 000,25 Kč',
        '12 000,00 Ft',
        'Fr. 7,50',
        '₺1.200,50',
        '₩5.000,00',
      ),
    });
    expect(report.rowsSkipped).toBe(0);
    expect(Array.from(book.orderAmount)).toEqual([1200.5, 45.5, 99.9, 1000.25, 12000, 7.5, 1200.5, 5000]);
  });

  it('a value that reads both ways is read as its currency is written: 1.200 kr is 1200, £1,200 is 1200', async () => {
    // Every locale of the krone, złoty, forint or rupiah writes a decimal comma; of the pound, rupee or yen a point.
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': orders('1.200 kr', '2.500 zł', 'Rp 12.000', '12.000 Ft'),
    });
    expect(report.rowsSkipped).toBe(0);
    expect(Array.from(book.orderAmount)).toEqual([1200, 2500, 12000, 12000]);
    expect(report.files[1].notes).toContain('amount: decimal commas (settled by "1.200 kr")');
    const pounds = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': orders('£1,200', '₹2,500', '¥3,000'),
    });
    expect(Array.from(pounds.book.orderAmount)).toEqual([1200, 2500, 3000]);
  });

  it('and not a number with a unit that is no currency: 1,5k is no 1.5', async () => {
    const { report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': orders('1,5k', '45,50', '2,50 kg'),
    });
    expect(problemsOf(report.files[1])).toEqual([
      [2, 'amount: not a number: "1,5k"'],
      [4, 'amount: not a number: "2,50 kg"'],
    ]);
  });

  it('and as a decimal point where the values that settle it have one', async () => {
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': orders('1.250', '12.50'),
    });
    expect(Array.from(book.orderAmount)).toEqual([1.25, 12.5]);
    expect(report.files[1].notes).toContain('amount: decimal points (settled by "12.50"); "1.250" is 1.25');
  });

  it('as many each way: a decimal comma, the others reported', async () => {
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': orders('1.200', '45,50', '99.90'),
    });
    expect(Array.from(book.orderAmount)).toEqual([1200, 45.5]);
    expect(problemsOf(report.files[1])).toEqual([[4, 'amount: not a number: "99.90"']]);
  });

  it('when every value reads two ways, the run stops naming the column and both readings; declared, they read', async () => {
    const files = { 'customers.csv': CUSTOMERS, 'orders.csv': orders('1.200', '2.500', '300') };
    const error = await feedError(files);
    expect(error.code).toBe('ambiguous_amounts');
    expect(error.message).toBe(
      'orders.csv: the amounts in column "amount" can be read two ways, and no amount in the file settles it: ' +
        '"1.200" is 1200 with a decimal comma, or 1.2 with a decimal point. ' +
        'Say which in the rules file: { "formats": { "decimal": "," } } or { "formats": { "decimal": "." } }.',
    );
    expect(Array.from((await feed(files, { formats: { decimal: ',' } })).book.orderAmount)).toEqual([
      1200, 2500, 300,
    ]);
    expect(Array.from((await feed(files, { formats: { decimal: '.' } })).book.orderAmount)).toEqual([
      1.2, 2.5, 300,
    ]);
  });

  it('a monthly value too, named as the file names it', async () => {
    const error = await feedError(
      {
        'customers.csv':
          'customer_id;name;owner;Monthly Value\nC-1;Greenfield Cafe;ana@contoso.example;1.500\n',
        'orders.csv': orders('10'),
      },
      { columns: { customers: { monthly_value: 'Monthly Value' } } },
    );
    expect(error.message).toContain(
      'customers.csv: the amounts in column "monthly_value" ("Monthly Value" in your file) can be read two ways',
    );
  });

  it('a comma-separated file reads a decimal point, and says how it read a value that reads two ways', async () => {
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv':
        'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,1.200\nO-2,C-1,2026-11-21,"2,500"\n',
    });
    expect(Array.from(book.orderAmount)).toEqual([1.2, 2500]);
    expect(report.files[1].notes).toContain(
      'amount: decimal points (as in any comma-separated file); "1.200" is 1.2',
    );
  });
});

describe('dates', () => {
  it.each([
    ['2026-11-20', '2026-11-20'],
    ['2024-02-29', '2024-02-29'],
    ['2026-11-20T08:03', '2026-11-20'],
    ['2026-11-20T23:59:59.999Z', '2026-11-20'],
    ['2026-11-20 23:59:59', '2026-11-20'],
    ['2026-11-20T23:30:00-05:00', '2026-11-20'],
    ['2026-11-20T00:30:00+0100', '2026-11-20'],
    ['2026-11-20 14:05:00 -0500', '2026-11-20'],
    ['2026/11/20', '2026-11-20'],
    ['20 Nov 2026', '2026-11-20'],
    ['Nov 20, 2026', '2026-11-20'],
    ['20-November-2026', '2026-11-20'],
    // eBay's orders report writes its Sale Date month first, with a two-digit year.
    ['Nov-20-26', '2026-11-20'],
    ['Nov-20-2026', '2026-11-20'],
    // Excel's d-mmm-yy format.
    ['20-Nov-26', '2026-11-20'],
  ])('%s is the calendar date %s as written', async (text, date) => {
    const { book, report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': `order_id,customer_id,ordered_at,amount\nO-1,C-1,"${text}",1\n`,
    });
    expect(report.rowsSkipped).toBe(0);
    expect(isoOfDay(book.orderDay[0])).toBe(date);
  });

  it('a Parquet timestamp with a zone (an instant, as Spark and pandas write them) is read on its date in the team’s zone', async () => {
    // 00:30 on 29 March in Berlin (the night the clocks go forward) is 23:30 on the 28th in UTC;
    // 17:30 on 20 November in Los Angeles is 01:30 on the 21st in UTC.
    const db = await DuckDBInstance.create(':memory:');
    const sql = await db.connect();
    await sql.run(`COPY (SELECT * FROM (VALUES
        ('O-1', 'C-1', TIMESTAMPTZ '2026-03-29 00:30:00+01', 1.0),
        ('O-2', 'C-2', TIMESTAMPTZ '2026-11-20 17:30:00-08', 1.0))
      t(order_id, customer_id, ordered_at, amount)) TO '${join(dir, 'orders.parquet')}' (FORMAT parquet)`);
    sql.closeSync();
    await writeFile(join(dir, 'customers.csv'), CUSTOMERS);
    const days = async (timeZone: string) => {
      const { book } = await readFeed(dir, { timeZone });
      return [isoOfDay(book.orderDay[0]), isoOfDay(book.orderDay[1])];
    };
    expect((await days('Europe/Berlin'))[0]).toBe('2026-03-29');
    expect((await days('America/Los_Angeles'))[1]).toBe('2026-11-20');
    expect(await days('UTC')).toEqual(['2026-03-28', '2026-11-21']);
  });

  it.each([
    '2026-02-30',
    '2025-02-29',
    '2026-13-01',
    '2026-00-10',
    '20261120',
    '2026-11-20T25:00',
    '0201-05-03',
    'yesterday',
  ])('rejects %s', async (text) => {
    const { report } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': `order_id,customer_id,ordered_at,amount\nO-1,C-1,${text},1\nO-2,C-2,2026-11-20,1\n`,
    });
    expect(problemsOf(report.files[1])).toEqual([[2, `ordered_at: not a date: "${text}"`]]);
  });

  it('day-first settled by a day above 12, with two-digit years and dots', async () => {
    const { book } = await feed({
      'customers.csv': CUSTOMERS,
      'orders.csv': 'order_id,customer_id,ordered_at,amount\nO-1,C-1,03.04.26,1\nO-2,C-1,25.12.2026,1\n',
    });
    expect(Array.from(book.orderDay, isoOfDay)).toEqual(['2026-04-03', '2026-12-25']);
  });
});

describe("owner names mapped to the reps' sign-ins in the rules file", () => {
  const customers =
    'customer_id,name,owner\nC-1,Greenfield Cafe,Ana Ruiz\nC-2,Corner Deli, ana ruiz \nC-3,Blue Door,BO\n' +
    'C-4,Oak Bistro,carl@contoso.example\nC-5,Elm Bakery,Dee\nC-6,Fig Deli,"rep-x, vip"\n';
  const orders = 'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-20,10\n';
  const owners = {
    'ANA RUIZ': 'ana.ruiz@contoso.example',
    bo: 'Ben.Okafor@contoso.example',
    'rep-x, vip': 'x@contoso.example',
  };

  it("gives each named customer to the name's rep, whatever the case and spaces; a sign-in stays as it is", async () => {
    const { book } = await feed({ 'customers.csv': customers, 'orders.csv': orders }, { owners });
    expect(book.customers.map((c) => [c.id, c.owner])).toEqual([
      ['C-1', 'ana.ruiz@contoso.example'],
      ['C-2', 'ana.ruiz@contoso.example'],
      ['C-3', 'ben.okafor@contoso.example'],
      ['C-4', 'carl@contoso.example'],
      ['C-6', 'x@contoso.example'],
    ]);
  });

  it('reports a name the rules file does not give, with the mapping to add for it', async () => {
    const { report } = await feed({ 'customers.csv': customers, 'orders.csv': orders }, { owners });
    const file = report.files[0];
    expect(problemsOf(file)).toEqual([
      [6, `owner: not an email, a UPN or a name in the rules file's owners: "Dee"`],
    ]);
    expect(file.notes).toContain(
      `owner: 1 row names a rep ("Dee") rather than giving their Teams sign-in: give each name its rep's sign-in in the rules file, e.g. { "owners": { "Dee": "<their Teams sign-in>" } }`,
    );
  });
});

describe('customers none of whose orders was read', () => {
  it('are told apart from those with no order: how many lines of theirs were not read, and the commonest reason', async () => {
    const { book } = await feed(
      {
        'customers.csv': `${CUSTOMERS}C-3,Blue Door,ana@contoso.example,\nC-4,Prospect Ltd,ana@contoso.example,\nC-5,Next Year Inc,ana@contoso.example,\n`,
        'orders.csv': [
          'order_id,customer_id,ordered_at,amount,status',
          'O-1,C-1,2026-11-02,40.00,paid',
          // Corner Deli: two invoices, both voided.
          'O-2,C-2,2026-11-03,50.00,voided',
          'O-3,C-2,2026-11-04,55.00,VOIDED',
          // Blue Door: one bad date, one bad amount, one more bad date.
          'O-4,C-3,2026-13-40,60.00,paid',
          'O-5,C-3,2026-11-05,sixty,paid',
          'O-6,C-3,yesterday,60.00,paid',
          // Next Year Inc: ordered after the as-of date, so as of it, not yet.
          'O-7,C-5,2026-12-01,70.00,paid',
          '',
        ].join('\n'),
      },
      { asOf: '2026-11-23' },
    );
    const unread = Object.fromEntries(
      [...(book.unreadOrders ?? new Map()).entries()].map(([i, u]) => [book.customers[i].id, u]),
    );
    // Corner Deli's export is right as it stands (both undone); Blue Door's has rows to fix.
    expect(unread).toEqual({
      'C-2': { lines: 2, why: 'status: never placed or undone', undone: true, leftOutOrders: 2 },
      'C-3': { lines: 3, why: 'ordered_at: not a date', undone: false, leftOutOrders: 0 },
    });
  });
});
