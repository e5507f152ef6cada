import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { feedOptionsFrom } from '../../../feed/feedOptions';
import { type FeedResult, readFeed } from '../../../feed/readFeed';
import { type Book, isoOfDay } from '../../../rules/book';
import { parseRules } from '../../../rules/rulesSchema';

/**
 * The corpus of real-looking exports in test/fixtures/exports (README.md there says how each was
 * made): every order, date and amount is read as the export means it, with nothing skipped.
 */
const corpus = (name: string) => join(__dirname, '../../fixtures/exports', name);

async function readExport(name: string, asOf = '2026-11-23'): Promise<FeedResult> {
  const rules = parseRules(JSON.parse(readFileSync(join(corpus(name), 'rules.json'), 'utf8')));
  return readFeed(corpus(name), feedOptionsFrom(rules, asOf));
}

/** Every customer as [id, name, owner, monthly value, [[date, amount], ...]]. */
function bookRows(book: Book): [string, string, string, number | null, [string, number][]][] {
  return book.customers.map((c, i) => {
    const orders: [string, number][] = [];
    for (let k = book.orderStart[i]; k < book.orderStart[i + 1]; k++)
      orders.push([isoOfDay(book.orderDay[k]), Math.round(book.orderAmount[k] * 100) / 100]);
    return [c.id, c.name, c.owner, c.monthlyValue, orders];
  });
}

describe('a corpus of real exports reads with every order, date and amount right', () => {
  it('Shopify: line items merged into their orders, totals with commas, date-times with offsets, "$1,200.00"', async () => {
    const { book, report } = await readExport('shopify');
    expect(report.rowsSkipped).toBe(0);
    expect(bookRows(book)).toEqual([
      [
        'ana@greenfield.example',
        'Greenfield Cafe',
        'maria.lopez@contoso.example',
        1200,
        [
          ['2026-10-02', 1200],
          ['2026-11-20', 1200],
        ],
      ],
      [
        'ben@cornerdeli.example',
        'Corner Deli',
        'tom.kim@contoso.example',
        450,
        [
          ['2026-10-20', 450],
          ['2026-11-21', 450],
        ],
      ],
      [
        'cleo@harborhotel.example',
        'Harbor Hotel',
        'maria.lopez@contoso.example',
        null,
        [
          ['2026-11-01', 3100.5],
          ['2026-11-22', 0],
        ],
      ],
    ]);
    const orders = report.files[1];
    expect(orders).toMatchObject({
      file: 'orders.csv',
      rowsRead: 10,
      rowsKept: 10,
      rowsSkipped: 0,
      mergedLines: 4,
    });
  });

  it('QuickBooks: month-first dates settled by 11/20/2026, dollar amounts', async () => {
    const { book, report } = await readExport('quickbooks');
    expect(report.rowsSkipped).toBe(0);
    expect(bookRows(book)).toEqual([
      [
        'C100',
        'Sunrise Bakery',
        'tom.kim@contoso.example',
        2500,
        [
          ['2026-10-05', 2480],
          ['2026-11-02', 2515.25],
        ],
      ],
      [
        'C101',
        'Blue Door Bistro',
        'maria.lopez@contoso.example',
        800,
        [
          ['2026-10-13', 790.5],
          ['2026-11-20', 812],
        ],
      ],
    ]);
    expect(report.files[1].notes).toContain('ordered_at: dates read month-first (settled by "10/13/2026")');
  });

  it('Sage: day-first dates settled by 20/11/2026, pounds with thousands separators, tickets mapped too', async () => {
    const { book, report } = await readExport('sage');
    expect(report.rowsSkipped).toBe(0);
    expect(bookRows(book)).toEqual([
      [
        'GRE001',
        'Greenwich Grocers',
        'olivia.hart@contoso.example',
        1150,
        [
          ['2026-10-03', 1045.5],
          ['2026-11-20', 1210],
        ],
      ],
      [
        'KEW002',
        'Kew Kitchen',
        'olivia.hart@contoso.example',
        45,
        [
          ['2026-10-04', 45],
          ['2026-11-21', 45],
        ],
      ],
    ]);
    expect(Array.from(book.ticketDay, isoOfDay)).toEqual(['2026-11-21']);
    expect(Array.from(book.ticketSentiment)).toEqual([-1]);
  });

  it('German Excel CSV: Windows-1252 (with €), semicolons, 20.11.2026, decimal commas', async () => {
    const { book, report } = await readExport('german-excel');
    expect(report.rowsSkipped).toBe(0);
    expect(bookRows(book)).toEqual([
      [
        'K-1',
        'Café Müller',
        'jonas.weber@contoso.example',
        1250,
        [
          ['2026-10-02', 1234.56],
          ['2026-11-13', 1260],
        ],
      ],
      [
        'K-2',
        'Bäckerei Groß',
        'jonas.weber@contoso.example',
        320.5,
        [
          ['2026-10-15', 318.4],
          ['2026-11-20', 45],
        ],
      ],
    ]);
    expect(report.files[0].notes).toEqual(
      expect.arrayContaining(['read as Windows-1252 (not valid UTF-8)', 'fields separated by ";"']),
    );
    expect(report.files[1].notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ordered_at: dates read day-first/),
        expect.stringMatching(/^amount: decimal commas/),
      ]),
    );
  });

  it("Excel's Unicode Text: UTF-16 with a byte-order mark, tab-separated", async () => {
    const { book, report } = await readExport('excel-unicode-text');
    expect(report.rowsSkipped).toBe(0);
    expect(bookRows(book)).toEqual([
      ['U-1', 'Łódź Deli', 'ana.ruiz@contoso.example', 700, [['2026-10-10', 690]]],
      ['U-2', 'Αθήνα Café', 'ben.okafor@contoso.example', null, [['2026-11-11', 88.2]]],
    ]);
  });

  it('Excel workbooks: date cells (one with a time), number cells, a blank row, lines are Excel row numbers', async () => {
    const { book, report } = await readExport('xlsx');
    expect(report.rowsSkipped).toBe(0);
    expect(bookRows(book)).toEqual([
      [
        'X-1',
        'Northwind Traders',
        'ana.ruiz@contoso.example',
        1500,
        [
          ['2026-09-30', 1499.99],
          ['2026-11-18', 1620.5],
        ],
      ],
      ['X-2', 'Contoso Pharmacy', 'ben.okafor@contoso.example', null, [['2026-10-15', 210]]],
    ]);
    expect(report.files.map((f) => f.file)).toEqual(['customers.xlsx', 'orders.xlsx']);
  });

  it('Parquet: typed columns (timestamps, decimals, dates) in the feed names', async () => {
    const { book, report } = await readExport('parquet');
    expect(report.rowsSkipped).toBe(0);
    expect(bookRows(book)).toEqual([
      [
        'P-1',
        'Fabrikam Foods',
        'ana.ruiz@contoso.example',
        980,
        [
          ['2026-10-01', 975.25],
          ['2026-11-19', 1010],
        ],
      ],
      ['P-2', 'Litware Diner', 'ben.okafor@contoso.example', null, [['2026-10-28', 120]]],
    ]);
    expect(Array.from(book.ticketOpen)).toEqual([1]);
    expect(report.files.map((f) => f.file)).toEqual([
      'customers.parquet',
      'orders.parquet',
      'tickets.parquet',
    ]);
  });
});
