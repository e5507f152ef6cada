import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openFeedEngine } from '../../../feed/feedEngine';
import { FeedError } from '../../../feed/feedError';
import type { FileReport } from '../../../feed/feedReport';
import { readFeed, trimmedSql } from '../../../feed/readFeed';
import { type Book, dayOf, isoOfDay } from '../../../rules/book';

const fixture = (name: string) => join(__dirname, '../../fixtures/feeds', name);

/** A customer's orders as [date, amount] pairs, in book order. */
function ordersOf(book: Book, id: string): [string, number][] {
  const i = book.customers.findIndex((c) => c.id === id);
  const out: [string, number][] = [];
  for (let k = book.orderStart[i]; k < book.orderStart[i + 1]; k++)
    out.push([isoOfDay(book.orderDay[k]), book.orderAmount[k]]);
  return out;
}

/** A customer's tickets as [date, sentiment, open], in book order. */
function ticketsOf(book: Book, id: string): [string, number, number][] {
  const i = book.customers.findIndex((c) => c.id === id);
  const out: [string, number, number][] = [];
  for (let k = book.ticketStart[i]; k < book.ticketStart[i + 1]; k++) {
    out.push([isoOfDay(book.ticketDay[k]), book.ticketSentiment[k], book.ticketOpen[k]]);
  }
  return out;
}

const problemsOf = (file: FileReport) => file.problems.map((p) => [p.line, p.reason]);

async function feedError(promise: Promise<unknown>): Promise<FeedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FeedError);
  return error as FeedError;
}

describe('readFeed: CSV a real export writes', () => {
  it('reads a BOM, CRLF, quoted commas, quotes and newlines, with the physical line of each record', async () => {
    const { book, report } = await readFeed(fixture('tricky'));
    expect(book.customers).toEqual([
      { id: 'C-1', name: 'Greenfield Cafe, Ltd', owner: 'ana.ruiz@contoso.example', monthlyValue: 1200 },
      {
        id: 'C-2',
        name: 'The "Corner" Deli\r\n(upstairs)',
        owner: 'ben.okafor@contoso.example',
        monthlyValue: null,
      },
      { id: 'C-3', name: 'Café Ünïcode', owner: 'ana.ruiz@contoso.example', monthlyValue: 80.5 },
    ]);
    // C-4 starts on line 7: after a two-line record (3-4) and a blank line (5).
    expect(problemsOf(report.files[0])).toEqual([[7, 'owner: not an email or UPN: "nobody"']]);
    // O-6 starts on line 8, after "O-4" whose id spans lines 5-6.
    expect(problemsOf(report.files[1])).toEqual([[8, 'ordered_at: not a date: "not-a-date"']]);
    expect(ordersOf(book, 'C-1')).toEqual([
      ['2026-10-01', 100],
      ['2026-10-10', 0],
    ]);
    // The calendar date as written, not shifted by the zone.
    expect(ordersOf(book, 'C-2')).toEqual([['2026-10-02', 250.5]]);
    expect(ordersOf(book, 'C-3')).toEqual([
      ['2026-10-11', 12],
      ['2026-10-12', 13],
    ]);
  });

  it('keeps every character of ids and names: quotes, backslashes, tabs, control and line separators, emoji', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'feed-text-'));
    try {
      const names = [
        'He said "hi"',
        'back\\slash',
        'tab\there',
        'ctrl\u0001\u001f',
        'ls\u2028ps\u2029',
        'emoji 😀',
        'ünï',
      ];
      const csv = (n: string) => `"${n.replaceAll('"', '""')}"`;
      await writeFile(
        join(dir, 'customers.csv'),
        `customer_id,name,owner,monthly_value\n${names.map((n, i) => `C\\${i}😀,${csv(n)},rep@contoso.example,`).join('\n')}\n`,
      );
      await writeFile(
        join(dir, 'orders.csv'),
        'order_id,customer_id,ordered_at,amount\nO-1,C\\0😀,2026-10-01,1\n',
      );
      const { book } = await readFeed(dir);
      expect(book.customers.map((c) => [c.id, c.name])).toEqual(names.map((n, i) => [`C\\${i}😀`, n]));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('treats tickets.csv as optional', async () => {
    const { book, report } = await readFeed(fixture('tricky'));
    expect(report.files.map((f) => f.file)).toEqual(['customers.csv', 'orders.csv']);
    expect(Array.from(book.ticketStart)).toEqual([0, 0, 0, 0]);
    expect(book.ticketDay.length).toBe(0);
  });

  it('reports progress as rows are read', async () => {
    const seen: number[] = [];
    await readFeed(fixture('tricky'), { onProgress: (n) => seen.push(n) });
    expect(seen).toEqual([4, 10]);
  });
});

describe('readFeed: bad rows are skipped, reported with file, line and reason, and counted', () => {
  it('customers.csv', async () => {
    const { book, report } = await readFeed(fixture('bad-rows'));
    const customers = report.files[0];
    expect(problemsOf(customers)).toEqual([
      [3, 'owner: not an email or UPN: "not-an-email"'],
      [4, 'duplicate customer_id "C-1" (first on line 2)'],
      [5, 'name: missing'],
      [6, 'monthly_value: negative: "-5"'],
    ]);
    expect(customers.problems.every((p) => p.file === 'customers.csv')).toBe(true);
    expect(customers).toMatchObject({ rowsRead: 6, rowsKept: 2, rowsSkipped: 4, problemsNotListed: 0 });
    expect(customers.problemCounts).toEqual({
      'owner: not an email or UPN': 1,
      'duplicate customer_id': 1,
      'name: missing': 1,
      'monthly_value: negative': 1,
    });
    expect(book.customers.map((c) => c.name)).toEqual(['Greenfield Cafe', 'Sunrise Bakery']);
  });

  it('a credit note larger than the latest order (lines of an earlier invoice cancelled) leaves that order in place, at 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'over-credit-'));
    try {
      await writeFile(
        join(dir, 'customers.csv'),
        'customer_id,name,owner\nC-1,Kew Kitchen,ana@contoso.example\n',
      );
      // CN-1 cancels 200 of O-1's 500, on a number of its own, after the customer ordered O-2: O-2
      // is their latest order all the same. CN-2 refunds O-3 in full, which is then no order.
      await writeFile(
        join(dir, 'orders.csv'),
        [
          'order_id,customer_id,ordered_at,amount',
          'O-1,C-1,2026-10-01,500',
          'O-2,C-1,2026-11-02,40',
          'CN-1,C-1,2026-11-05,-200',
          'O-3,C-1,2026-11-10,75',
          'CN-2,C-1,2026-11-12,-75',
          '',
        ].join('\n'),
      );
      const { book, report } = await readFeed(dir);
      expect(ordersOf(book, 'C-1')).toEqual([
        ['2026-10-01', 500],
        ['2026-11-02', 0],
      ]);
      expect(report.files[1].notes).toContain(
        "amount: 2 refunds or credits (negative amounts) taken off the order with the same id, or else the customer's latest order on or before its date; 1 order refunded in full, no longer counted as orders; 1 order credited more than its amount, kept at 0 (the credit is for an earlier order)",
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  // Characters, not bytes: 400 of "é" are 800 bytes and a key Table Storage takes.
  it.each(['C', 'é'])(
    'a customer_id longer than the 400 characters table keys and audit rows take, in every file (%s)',
    async (letter) => {
      const dir = await mkdtemp(join(tmpdir(), 'long-id-'));
      try {
        const long = letter.repeat(401);
        const ok = letter.repeat(400);
        await writeFile(
          join(dir, 'customers.csv'),
          `customer_id,name,owner\n${ok},Kept,ana@contoso.example\n${long},Too long,ana@contoso.example\n`,
        );
        await writeFile(
          join(dir, 'orders.csv'),
          `order_id,customer_id,ordered_at,amount\nO-1,${ok},2026-11-02,10\nO-2,${long},2026-11-02,10\n`,
        );
        await writeFile(
          join(dir, 'tickets.csv'),
          `ticket_id,customer_id,opened_at,sentiment,status\nT-1,${long},2026-11-03,negative,open\n`,
        );
        const { book, report } = await readFeed(dir);
        const reason = `customer_id: longer than 400 characters: "${letter.repeat(57)}..."`;
        expect(report.files.map((f) => [f.file, problemsOf(f)])).toEqual([
          ['customers.csv', [[3, reason]]],
          ['orders.csv', [[3, reason]]],
          ['tickets.csv', [[2, reason]]],
        ]);
        expect(book.customers.map((c) => c.id)).toEqual([ok]);
        expect(ordersOf(book, ok)).toEqual([['2026-11-02', 10]]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it('orders.csv', async () => {
    const { book, report } = await readFeed(fixture('bad-rows'));
    const orders = report.files[1];
    expect(problemsOf(orders)).toEqual([
      [3, 'ordered_at: not a date: "31/12/2025"'],
      [4, 'ordered_at: not a date: "2026-02-30"'],
      [5, 'amount: not a number: "12,50"'],
      [6, 'amount: a refund or credit before any order of customer "C-1": "-3"'],
      [7, 'unknown customer "C-999"'],
      [8, 'customer "C-2" was skipped (bad row on customers.csv line 3)'],
      [9, 'duplicate order_id "O-1" (first on line 2)'],
      [10, 'has 3 fields, the header has 4'],
      [11, 'has 5 fields, the header has 4 (an unquoted comma in a value?)'],
      [12, 'order_id: missing'],
      [13, 'amount: missing'],
      [15, 'broken quotes: Quoted field unterminated (lines 15-16 read as one record)'],
    ]);
    expect(orders).toMatchObject({ file: 'orders.csv', rowsRead: 14, rowsKept: 2, rowsSkipped: 12 });
    expect(orders.problemCounts).toEqual({
      'ordered_at: not a date': 2,
      'amount: not a number': 1,
      'amount: refund before any order': 1,
      'unknown customer': 1,
      'customer skipped': 1,
      'duplicate order_id': 1,
      'wrong number of fields': 2,
      'order_id: missing': 1,
      'amount: missing': 1,
      'broken quotes': 1,
    });
    expect(ordersOf(book, 'C-1')).toEqual([['2026-01-05', 10]]);
    expect(ordersOf(book, 'C-5')).toEqual([['2026-01-15', 7]]);
  });

  it('tickets.csv, with sentiment and status case-insensitive', async () => {
    const { book, report } = await readFeed(fixture('bad-rows'));
    const tickets = report.files[2];
    expect(problemsOf(tickets)).toEqual([
      [3, 'sentiment: not a rating the feed knows: "angry"'],
      [4, 'status: not a ticket status the feed knows: "escalated"'],
      [5, 'duplicate ticket_id "T-1" (first on line 2)'],
      [6, 'unknown customer "C-42"'],
    ]);
    expect(tickets).toMatchObject({ rowsRead: 5, rowsKept: 1, rowsSkipped: 4 });
    expect(ticketsOf(book, 'C-1')).toEqual([['2026-01-05', -1, 1]]);
    expect(report.rowsSkipped).toBe(4 + 12 + 4);
  });
});

describe('readFeed: what stops the run', () => {
  it('a missing orders.csv', async () => {
    const error = await feedError(readFeed(fixture('missing-file')));
    expect(error.code).toBe('missing_file');
    expect(error.file).toBe('orders.csv');
    expect(error.message).toContain('has no orders.csv');
  });

  it('a missing folder, said as such', async () => {
    const error = await feedError(readFeed(fixture('no-such-folder')));
    expect(error.code).toBe('missing_folder');
    expect(error.message).toBe(`The feed folder "${fixture('no-such-folder')}" does not exist.`);
  });

  it('a --feed that names a file, not a folder, said as such', async () => {
    const file = join(fixture('missing-file'), 'customers.csv');
    const error = await feedError(readFeed(file));
    expect(error.code).toBe('missing_folder');
    expect(error.message).toContain(`The feed folder "${file}" is a file, not a folder`);
  });

  it('a missing column, naming it, the headers found and the mapping hint', async () => {
    const error = await feedError(readFeed(fixture('missing-column')));
    expect(error.code).toBe('missing_column');
    expect(error.message).toBe(
      'orders.csv has no column "ordered_at". Headers found: "order_id", "customer_id", "date", "amount". ' +
        "If your export names it differently, map it in the rules file's column mapping, " +
        'e.g. { "columns": { "orders": { "ordered_at": "<header in your file>" } } }.',
    );
  });

  it('a mapped column that is not there either', async () => {
    const error = await feedError(
      readFeed(fixture('missing-column'), { columns: { orders: { ordered_at: 'InvoiceDate' } } }),
    );
    expect(error.message).toContain('no column "ordered_at" (mapped to "InvoiceDate")');
  });

  it('a file of blank lines and spaces is empty too', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'feed-blank-'));
    try {
      await writeFile(join(dir, 'customers.csv'), 'customer_id,name,owner\nC-1,Cafe,ana@contoso.example\n');
      await writeFile(join(dir, 'orders.csv'), '  \r\n\n \t \n   ');
      const error = await feedError(readFeed(dir));
      expect(error.code).toBe('empty_file');
      expect(error.message).toBe(
        'orders.csv is empty: expected a header line like "order_id,customer_id,ordered_at,amount"',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a file without even a header', async () => {
    const error = await feedError(readFeed(fixture('empty-orders')));
    expect(error.code).toBe('empty_file');
    expect(error.message).toBe(
      'orders.csv is empty: expected a header line like "order_id,customer_id,ordered_at,amount"',
    );
  });
});

describe('readFeed: column mapping', () => {
  it("renames an export's headers to the feed columns, case-insensitively", async () => {
    const { book, report } = await readFeed(fixture('mapped'), {
      columns: {
        customers: { customer_id: 'Account Number', name: 'account name', owner: 'Account Owner' },
        orders: {
          order_id: 'InvoiceNo',
          customer_id: 'Account Number',
          ordered_at: 'InvoiceDate',
          amount: 'Total',
        },
        tickets: {
          ticket_id: 'Case',
          customer_id: 'Account Number',
          opened_at: 'Created',
          sentiment: 'Mood',
          status: 'State',
        },
      },
    });
    expect(report.rowsSkipped).toBe(0);
    expect(book.customers.map((c) => [c.id, c.monthlyValue])).toEqual([
      ['A-1', null],
      ['A-2', null],
    ]);
    expect(ordersOf(book, 'A-2')).toEqual([['2026-03-02', 60]]);
    expect(ticketsOf(book, 'A-2')).toEqual([['2026-03-03', -1, 1]]);
  });

  it('a mapping that names a header the file does not have stops, even for an optional column', async () => {
    const columns = { customer_id: 'Account Number', name: 'account name', owner: 'Account Owner' };
    const error = await feedError(
      readFeed(fixture('mapped'), { columns: { customers: { ...columns, monthly_value: 'Monthly Valeu' } } }),
    );
    expect(error.code).toBe('missing_column');
    expect(error.file).toBe('customers.csv');
    expect(error.message).toBe(
      'customers.csv has no column "monthly_value" (mapped to "Monthly Valeu"). ' +
        'Headers found: "Account Number", "Account Name", "Account Owner". ' +
        "If your export names it differently, map it in the rules file's column mapping, " +
        'e.g. { "columns": { "customers": { "monthly_value": "<header in your file>" } } }, ' +
        'or remove the mapping of monthly_value (optional: the file may leave it out).',
    );
  });

  it("a mapping that misses a header only by its punctuation (Xero's *InvoiceNumber) names the header as written", async () => {
    const columns = { customer_id: 'AccountNumber', name: 'account name', owner: 'Account Owner' };
    const error = await feedError(readFeed(fixture('mapped'), { columns: { customers: columns } }));
    expect(error.code).toBe('missing_column');
    expect(error.message).toContain(
      '"AccountNumber" is written "Account Number" in this file: map the header as written.',
    );
  });

  it('a column mapped to a list of headers reads the first filled on each line, a cell of spaces not filled, and notes how many lines each gave', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'feed-first-filled-'));
    try {
      await writeFile(join(dir, 'customers.csv'), 'customer_id,name,owner\nC-1,Cafe,ana@contoso.example\n');
      await writeFile(
        join(dir, 'orders.csv'),
        [
          'order_id,customer_id,Paid,Shipped,Corrected,Charged,Total',
          'O-1,C-1,2026-03-02,2026-03-04,,,100.00',
          'O-2,C-1,,2026-03-09,80.00,   ,90.00',
          'O-3,C-1,2026-03-16,,  ,55.00,60.00',
          '',
        ].join('\n'),
      );
      const { book, report } = await readFeed(dir, {
        columns: {
          orders: { ordered_at: ['Paid', 'Shipped'], amount: ['Corrected', 'Charged', 'Total'] },
        },
      });
      expect(report.rowsSkipped).toBe(0);
      expect(ordersOf(book, 'C-1')).toEqual([
        ['2026-03-02', 100],
        ['2026-03-09', 80],
        ['2026-03-16', 55],
      ]);
      expect(report.files[1].notes).toEqual(
        expect.arrayContaining([
          'ordered_at: read from "Paid" on 2 lines, from "Shipped" on 1 line',
          'amount: read from "Corrected" on 1 line, from "Charged" on 1 line, from "Total" on 1 line',
        ]),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('without the mapping the same export stops on the first missing column', async () => {
    const error = await feedError(readFeed(fixture('mapped')));
    expect(error.message).toContain('customers.csv has no column "customer_id", "name", "owner"');
  });
});

describe('readFeed: book order and duplicate ids', () => {
  it("sorts each customer's orders and tickets by day, ties in file order, and drops later duplicates", async () => {
    const { book, report } = await readFeed(fixture('unsorted-duplicates'));
    expect(ordersOf(book, 'C-1')).toEqual([
      ['2026-04-01', 2],
      ['2026-05-10', 1],
      ['2026-05-10', 3],
    ]);
    expect(ordersOf(book, 'C-2')).toEqual([
      ['2026-05-01', 6],
      ['2026-05-20', 5],
    ]);
    expect(Array.from(book.orderStart)).toEqual([0, 3, 5, 5]);
    expect(ticketsOf(book, 'C-3')).toEqual([
      ['2026-05-01', 1, 0],
      ['2026-05-03', -1, 1],
    ]);
    expect(problemsOf(report.files[1])).toEqual([
      [6, 'duplicate order_id "O-2" (first on line 3)'],
      [8, 'duplicate order_id "O-2" (first on line 3)'],
    ]);
    expect(problemsOf(report.files[2])).toEqual([[4, 'duplicate ticket_id "T-1" (first on line 2)']]);
  });

  it('names the id of every duplicate, however many there are', async () => {
    const { report } = await readFeed(fixture('unsorted-duplicates'));
    expect(report.files[1].problems.every((p) => p.reason.startsWith('duplicate order_id "O-2"'))).toBe(true);
  });
});

describe('readFeed: dates', () => {
  it('puts each order on the day number of its calendar date', async () => {
    const { book } = await readFeed(fixture('tricky'));
    expect(book.orderDay[0]).toBe(dayOf('2026-10-01'));
  });
});

describe('readFeed: spaces around a value', () => {
  it('takes off what DuckDB trim() does, and only that, for every character', async () => {
    const engine = await openFeedEngine();
    try {
      // Each code point alone, before, after and on both sides of a letter, and a few values of several.
      const [[values, differ, example]] = await engine.rows(`
        WITH cps AS (SELECT chr(cp::INTEGER) AS ch FROM range(1, 1114112) t(cp) WHERE cp NOT BETWEEN 55296 AND 57343),
        v AS (
          SELECT ch AS c FROM cps UNION ALL SELECT ch || 'a' FROM cps UNION ALL SELECT 'a' || ch FROM cps
          UNION ALL SELECT ch || 'é' || ch FROM cps
          UNION ALL SELECT unnest([NULL, '', ' ', '  a b  ', chr(9) || 'a ', 'a' || chr(12288), chr(160) || 'Zoë'])
        )
        SELECT count(*), count(*) FILTER (WHERE ${trimmedSql('c')} IS DISTINCT FROM coalesce(trim(c), '')),
               min(c) FILTER (WHERE ${trimmedSql('c')} IS DISTINCT FROM coalesce(trim(c), ''))
        FROM v`);
      expect(Number(values)).toBeGreaterThan(4_000_000);
      expect([Number(differ), example]).toEqual([0, null]);
    } finally {
      engine.close();
    }
  });

  it('matches ids written with no-break and ideographic spaces around them, and keeps a tab', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'spaces-'));
    try {
      await writeFile(
        join(dir, 'customers.csv'),
        'customer_id,name,owner\n\u00a0C-1\u3000,Cafe\u2009,ana@contoso.example\nC-2,Deli,ben@contoso.example\n',
      );
      await writeFile(
        join(dir, 'orders.csv'),
        'order_id,customer_id,ordered_at,amount\nO-1, C-1 ,2026-01-05\u00a0,\u202f12.50\nO-2,C-2\t,2026-01-06,3\n',
      );
      const { book, report } = await readFeed(dir);
      expect(book.customers.map((c) => [c.id, c.name])).toEqual([
        ['C-1', 'Cafe'],
        ['C-2', 'Deli'],
      ]);
      expect(ordersOf(book, 'C-1')).toEqual([['2026-01-05', 12.5]]);
      expect(problemsOf(report.files[1])).toEqual([[3, 'unknown customer "C-2\\t"']]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('readFeed: a feed full of errors', () => {
  it('lists the first 1,000 problems of each kind and counts them all', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'feed-errors-'));
    try {
      await writeFile(
        join(dir, 'customers.csv'),
        'customer_id,name,owner,monthly_value\nC-1,A,a@contoso.example,\n',
      );
      const rows = Array.from({ length: 2500 }, (_, i) =>
        i % 2 ? `O-${i},C-1,bad,1` : `O-${i},C-9,2026-01-01,1`,
      );
      await writeFile(
        join(dir, 'orders.csv'),
        `order_id,customer_id,ordered_at,amount\n${rows.join('\n')}\nO-ok,C-1,2026-01-02,1\n`,
      );
      const { report } = await readFeed(dir);
      const orders = report.files[1];
      expect(orders.problems.length).toBe(2000);
      // Rows alternate between the two kinds: the 1,000th of each is on line 2,000 or 2,001.
      expect(orders.problems.at(-1)).toEqual({
        file: 'orders.csv',
        line: 2001,
        kind: 'ordered_at: not a date',
        reason: 'ordered_at: not a date: "bad"',
      });
      expect(orders).toMatchObject({
        rowsRead: 2501,
        rowsSkipped: 2500,
        rowsKept: 1,
        problemsNotListed: 500,
      });
      expect(orders.problemCounts).toEqual({ 'unknown customer': 1250, 'ordered_at: not a date': 1250 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
