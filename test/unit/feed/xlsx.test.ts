import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFeed } from '../../../feed/readFeed';
import { errorCellsAsText } from '../../../feed/xlsxSource';
import { isoOfDay } from '../../../rules/book';
import { writeOrdered } from '../../helpers/workbookParts';

/** Excel workbooks as users lay them out, built here with exceljs, read as the same CSV would be. */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'feed-xlsx-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ORDERS = 'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-02,10\nO-2,C-2,2026-11-03,20\n';

/** Writes a workbook whose first sheet holds `cells` (address -> value), e.g. { B3: 'customer_id' }. */
async function workbook(name: string, cells: Record<string, ExcelJS.CellValue>): Promise<void> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Sheet1');
  for (const [address, value] of Object.entries(cells)) sheet.getCell(address).value = value;
  await writeOrdered(book, join(dir, name));
}

/** One row's cells from column `from`, as workbook() takes them. */
function row(line: number, values: ExcelJS.CellValue[], from = 'A'): Record<string, ExcelJS.CellValue> {
  const start = from.charCodeAt(0);
  return Object.fromEntries(
    values.flatMap((v, i) => (v === null ? [] : [[`${String.fromCharCode(start + i)}${line}`, v]])),
  );
}

const customersOf = async () => (await readFeed(dir)).book.customers;

describe('an Excel sheet laid out by hand', () => {
  it('a table that starts in column B, below blank rows, reads as the table', async () => {
    await workbook('customers.xlsx', {
      ...row(3, ['customer_id', 'name', 'owner', 'monthly_value'], 'B'),
      ...row(4, ['C-1', 'Greenfield Cafe', 'ana@contoso.example', 1500], 'B'),
      ...row(5, ['C-2', 'Corner Deli', 'ben@contoso.example', null], 'B'),
    });
    await writeFile(join(dir, 'orders.csv'), ORDERS);
    const { book, report } = await readFeed(dir);
    expect(report.rowsSkipped).toBe(0);
    expect(book.customers).toEqual([
      { id: 'C-1', name: 'Greenfield Cafe', owner: 'ana@contoso.example', monthlyValue: 1500 },
      { id: 'C-2', name: 'Corner Deli', owner: 'ben@contoso.example', monthlyValue: null },
    ]);
  });

  it("a report's title rows above the header (one merged across the table) are not read; lines stay Excel's rows", async () => {
    await workbook('customers.xlsx', {
      A1: 'Customer list',
      A2: 'Printed 23/11/2026',
      ...row(4, ['customer_id', 'name', 'owner']),
      ...row(5, ['C-1', 'Greenfield Cafe', 'ana@contoso.example']),
      ...row(6, ['C-2', 'Corner Deli', 'not-an-email']),
      ...row(7, ['C-3', 'Harbor Hotel', 'ana@contoso.example']),
    });
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Orders');
    sheet.getCell('A1').value = 'Orders, October to November';
    sheet.mergeCells('A1:D1');
    sheet.getRow(2).values = ['order_id', 'customer_id', 'ordered_at', 'amount'];
    sheet.getRow(3).values = ['O-1', 'C-1', '2026-11-02', 10];
    sheet.getRow(4).values = ['O-2', 'C-3', '2026-11-03', 20];
    await writeOrdered(book, join(dir, 'orders.xlsx'));
    const { report } = await readFeed(dir);
    expect(report.files[0]).toMatchObject({ rowsRead: 3, rowsSkipped: 1 });
    expect(report.files[0].problems.map((p) => [p.line, p.reason])).toEqual([
      [6, 'owner: not an email or UPN: "not-an-email"'],
    ]);
    expect(report.files[0].notes).toContain('header on line 4: the 2 lines above it (a title?) not read');
    expect(report.files[1]).toMatchObject({ rowsRead: 2, rowsKept: 2 });
    expect(report.files[1].notes).toContain('header on line 2: the line above it (a title?) not read');
  });

  it("a date column's number cells (a date pasted as a number, formatted General) read as Excel's date serial", async () => {
    await workbook('customers.xlsx', {
      ...row(1, ['customer_id', 'name', 'owner']),
      ...row(2, ['C-1', 'Greenfield Cafe', 'ana@contoso.example']),
    });
    await workbook('orders.xlsx', {
      ...row(1, ['order_id', 'customer_id', 'ordered_at', 'amount']),
      ...row(2, ['O-1', 'C-1', 46295, 10]),
      ...row(3, ['O-2', 'C-1', 46346.6, 20]),
      ...row(4, ['O-3', 'C-1', new Date(Date.UTC(2026, 10, 21)), 30]),
    });
    const { book, report } = await readFeed(dir);
    expect(report.rowsSkipped).toBe(0);
    expect(Array.from(book.orderDay, isoOfDay)).toEqual(['2026-09-30', '2026-11-20', '2026-11-21']);
    expect(report.files[1].notes).toContain(
      'ordered_at: 2 numbers read as Excel\'s date serial ("46295" is 2026-09-30)',
    );
  });

  it('amounts typed as text in a decimal-comma locale settle the mark as in a ";" file; number cells read as numbers', async () => {
    await writeFile(
      join(dir, 'customers.csv'),
      'customer_id,name,owner\nC-1,Greenfield Cafe,ana@contoso.example\n',
    );
    const orders = (amounts: ExcelJS.CellValue[]) =>
      workbook('orders.xlsx', {
        ...row(1, ['order_id', 'customer_id', 'ordered_at', 'amount']),
        ...Object.assign({}, ...amounts.map((a, i) => row(i + 2, [`O-${i}`, 'C-1', `2026-11-0${i + 1}`, a]))),
      });
    await orders(['1.200 €', '583,20 €', 75.5, 12]);
    const { book, report } = await readFeed(dir);
    expect(report.rowsSkipped).toBe(0);
    expect(Array.from(book.orderAmount)).toEqual([1200, 583.2, 75.5, 12]);
    expect(report.files[1].notes).toContain(
      'amount: decimal commas (settled by "583,20 €"); "1.200 €" is 1200',
    );
    // Text that reads both ways and nothing to settle it: a stop, not 1.2 and 2.5 read without a word.
    await orders(['1.200 €', '2.500 €', 75.5]);
    await expect(readFeed(dir)).rejects.toThrow(
      'orders.xlsx: the amounts in column "amount" can be read two ways, and no amount in the file settles it: "1.200 €" is 1200 with a decimal comma, or 1.2 with a decimal point.',
    );
  });

  it('text cells shaped like a number (a German export wrote 1.201 for 1201) go through the amount detection; number cells stay numbers', async () => {
    // A German invoicing tool's workbook: amounts written as text with its locale's separators, beside
    // the cells a clerk typed in as numbers (75.5) when correcting a line.
    await writeFile(
      join(dir, 'customers.csv'),
      'customer_id,name,owner\nK-1,Café Müller,jonas.weber@contoso.example\n',
    );
    const rules = {
      columns: {
        orders: { order_id: 'Rechnungsnr.', customer_id: 'Kundennr.', ordered_at: 'Datum', amount: 'Betrag' },
      },
    };
    const orders = (amounts: ExcelJS.CellValue[]) =>
      workbook('orders.xlsx', {
        ...row(1, ['Rechnungsnr.', 'Kundennr.', 'Datum', 'Betrag']),
        ...Object.assign(
          {},
          ...amounts.map((a, i) => row(i + 2, [`RE-${i}`, 'K-1', `${i + 14}.11.2026`, a])),
        ),
      });
    await orders(['1.201', '2.450,50', '1.201', 75.5, 12, '3.999']);
    const { book, report } = await readFeed(dir, rules);
    expect(report.rowsSkipped).toBe(0);
    expect(Array.from(book.orderAmount)).toEqual([1201, 2450.5, 1201, 75.5, 12, 3999]);
    expect(report.files[1].notes).toContain(
      'amount: decimal commas (settled by "2.450,50"); "1.201" is 1201',
    );
    // Declared, as a CSV's column is.
    await orders(['1.201', '3.999', 75.5]);
    const declared = await readFeed(dir, { ...rules, formats: { decimal: ',' } });
    expect(Array.from(declared.book.orderAmount)).toEqual([1201, 3999, 75.5]);
    // Nothing to settle them: a stop naming both readings, as for the same text in a CSV.
    await expect(readFeed(dir, rules)).rejects.toThrow(
      'orders.xlsx: the amounts in column "amount" ("Betrag" in your file) can be read two ways, and no amount in the file settles it: "1.201" is 1201 with a decimal comma, or 1.201 with a decimal point.',
    );
  });

  it('a header wrapped onto two lines in its cell (Alt+Enter) is mapped as it reads, "Invoice Date"', async () => {
    await workbook('customers.xlsx', {
      ...row(1, ['customer_id', 'name', 'owner']),
      ...row(2, ['C-1', 'Greenfield Cafe', 'ana@contoso.example']),
    });
    await workbook('orders.xlsx', {
      ...row(1, ['Invoice\nNo', 'Customer', 'Invoice\r\nDate', 'Amount']),
      ...row(2, ['O-1', 'C-1', new Date(Date.UTC(2026, 10, 2)), 10]),
    });
    const { book, report } = await readFeed(dir, {
      columns: { orders: { order_id: 'Invoice No', customer_id: 'Customer', ordered_at: 'Invoice Date' } },
    });
    expect(report.rowsSkipped).toBe(0);
    expect(Array.from(book.orderDay, isoOfDay)).toEqual(['2026-11-02']);
  });

  it('dates typed as text among date cells are read in the order their own days settle; ones that settle nothing stay bad rows', async () => {
    await workbook('customers.xlsx', {
      ...row(1, ['customer_id', 'name', 'owner']),
      ...row(2, ['C-1', 'Greenfield Cafe', 'ana@contoso.example']),
    });
    const dateCell = (day: number) => new Date(Date.UTC(2026, 9, day, 9, 30));
    await workbook('orders.xlsx', {
      ...row(1, ['order_id', 'customer_id', 'ordered_at', 'amount']),
      ...row(2, ['O-1', 'C-1', dateCell(1), 10]),
      ...row(3, ['O-2', 'C-1', '13/10/2026', 20]),
      ...row(4, ['O-3', 'C-1', dateCell(14), 30]),
      ...row(5, ['O-4', 'C-1', '02/11/2026', 40]),
      ...row(6, ['O-5', 'C-1', dateCell(15), 50]),
    });
    const { book, report } = await readFeed(dir);
    expect(report.rowsSkipped).toBe(0);
    expect(Array.from(book.orderDay, isoOfDay)).toEqual([
      '2026-10-01',
      '2026-10-13',
      '2026-10-14',
      '2026-10-15',
      '2026-11-02',
    ]);
    expect(report.files[1].notes).toContain('ordered_at: dates read day-first (settled by "13/10/2026")');

    // A text date no day of which settles the order is not guessed from the date cells around it.
    await workbook('orders.xlsx', {
      ...row(1, ['order_id', 'customer_id', 'ordered_at', 'amount']),
      ...row(2, ['O-1', 'C-1', dateCell(1), 10]),
      ...row(3, ['O-2', 'C-1', '02/11/2026', 20]),
      ...row(4, ['O-3', 'C-1', dateCell(14), 30]),
    });
    const ambiguous = await readFeed(dir);
    expect(ambiguous.report.files[1].problems.map((p) => [p.line, p.reason])).toEqual([
      [3, 'ordered_at: not a date: "02/11/2026"'],
    ]);
  });

  it("a workbook whose first sheet is a summary is read from the sheet with the feed's columns; with none, the stop names the first sheet's headers", async () => {
    await workbook('customers.xlsx', {
      ...row(1, ['customer_id', 'name', 'owner']),
      ...row(2, ['C-1', 'Greenfield Cafe', 'ana@contoso.example']),
    });
    const book = new ExcelJS.Workbook();
    const summary = book.addWorksheet('Summary');
    summary.addRow(['Total sales', 30]);
    summary.addRow(['Orders', 2]);
    const orders = book.addWorksheet('Orders');
    orders.addRow(['order_id', 'customer_id', 'ordered_at', 'amount']);
    orders.addRow(['O-1', 'C-1', '2026-11-02', 10]);
    orders.addRow(['O-2', 'C-1', 'not a date', 20]);
    orders.addRow(['O-3', 'C-1', '2026-11-03', 20]);
    book.addWorksheet('Notes').addRow(['order_id', 'customer_id', 'ordered_at', 'amount']);
    await writeOrdered(book, join(dir, 'orders.xlsx'));
    const { book: read, report } = await readFeed(dir);
    expect(Array.from(read.orderAmount)).toEqual([10, 20]);
    expect(report.files[1].notes).toContain(
      'read from sheet "Orders": the sheets before it lack the feed\'s columns',
    );
    expect(report.files[1].problems.map((p) => [p.line, p.reason])).toEqual([
      [3, 'ordered_at: not a date: "not a date"'],
    ]);

    const none = new ExcelJS.Workbook();
    const first = none.addWorksheet('Summary');
    first.addRow(['Total sales', 30]);
    first.addRow(['Orders', 2]);
    none.addWorksheet('Pivot').addRow(['Customer', 'Sum of amount']);
    await writeOrdered(none, join(dir, 'orders.xlsx'));
    const error = await readFeed(dir).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/^orders\.xlsx has no column .*Headers found: "Total sales", "30"\./);
  });

  it("a sheet with no row holding the feed's columns stops naming what its header row lacks, not its title", async () => {
    await writeFile(join(dir, 'customers.csv'), 'customer_id,name,owner\nC-1,Cafe,ana@contoso.example\n');
    await workbook('orders.xlsx', {
      ...row(1, ['Contoso Supplies Ltd']),
      ...row(2, ['Invoice List']),
      ...row(4, ['order_id', 'ordered_at', 'amount']),
      ...row(5, ['O-1', '2026-11-02', 10]),
    });
    await expect(readFeed(dir)).rejects.toThrow(
      'orders.xlsx has no column "customer_id". Headers found: "order_id", "ordered_at", "amount".',
    );
  });

  it("a workbook whose zip lists its worksheets before xl/workbook.xml is read (the order is the writer's)", async () => {
    await writeFile(
      join(dir, 'customers.csv'),
      'customer_id,name,owner\nC-1,Greenfield Cafe,ana@contoso.example\n',
    );
    const book = new ExcelJS.Workbook();
    book.addWorksheet('Summary').addRow(['Total sales', 30]);
    const orders = book.addWorksheet('Orders');
    orders.addRow(['order_id', 'customer_id', 'ordered_at', 'amount']);
    orders.addRow(['O-1', 'C-1', '2026-11-02', 10]);
    // Shared strings before the worksheets (which a streaming reader then reads at once), the
    // workbook's list of sheets last.
    await writeOrdered(book, join(dir, 'orders.xlsx'), (part) =>
      part === 'xl/workbook.xml' ? 2 : part.startsWith('xl/worksheets/') ? 1 : 0,
    );
    const { book: read, report } = await readFeed(dir);
    expect(Array.from(read.orderAmount)).toEqual([10]);
    // The sheet's name is not known yet when it is read: its place is.
    expect(report.files[1].notes).toContain(
      "read from sheet 2: the sheets before it lack the feed's columns",
    );
  });

  it('a workbook kept a sheet per year: the sheets after the one read are named in the report as not read', async () => {
    await workbook('customers.xlsx', {
      ...row(1, ['customer_id', 'name', 'owner']),
      ...row(2, ['C-1', 'Greenfield Cafe', 'ana@contoso.example']),
    });
    const book = new ExcelJS.Workbook();
    const year = (name: string, orders: ExcelJS.CellValue[][]) => {
      const sheet = book.addWorksheet(name);
      sheet.addRow([`Orders ${name}`]);
      sheet.addRow(['order_id', 'customer_id', 'ordered_at', 'amount']);
      for (const order of orders) sheet.addRow(order);
    };
    year('2026', [['O-3', 'C-1', '2026-02-02', 30]]);
    year('2025', [
      ['O-1', 'C-1', '2025-03-02', 10],
      ['O-2', 'C-1', '2025-09-02', 20],
    ]);
    book.addWorksheet('Notes').addRow(['Amounts in pounds, before VAT']);
    await writeOrdered(book, join(dir, 'orders.xlsx'));
    const { book: read, report } = await readFeed(dir);
    expect(Array.from(read.orderAmount)).toEqual([30]);
    expect(report.files[1].notes).toEqual([
      'header on line 2: the line above it (a title?) not read',
      'sheet "2025" has the feed\'s columns too and was not read: only sheet "2026" is (put the rows of every sheet on one)',
    ]);
  });

  it("a workbook whose only sheet with the feed's columns is hidden is read from it, and the report says so", async () => {
    await writeFile(
      join(dir, 'customers.csv'),
      'customer_id,name,owner\nC-1,Greenfield Cafe,ana@contoso.example\n',
    );
    const book = new ExcelJS.Workbook();
    book.addWorksheet('Pivot').addRow(['Sales by customer', 10]);
    const data = book.addWorksheet('Data', { state: 'hidden' });
    data.addRow(['order_id', 'customer_id', 'ordered_at', 'amount']);
    data.addRow(['O-1', 'C-1', '2026-11-02', 10]);
    await writeOrdered(book, join(dir, 'orders.xlsx'));
    const { book: read, report } = await readFeed(dir);
    expect(Array.from(read.orderAmount)).toEqual([10]);
    expect(report.files[1].notes).toEqual([
      'read from hidden sheet "Data": no sheet shown has the feed\'s columns',
    ]);
  });

  it('a number cell reads as its format shows it where the format pads it with zeros, and as the number otherwise', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Customers');
    sheet.addRow(['customer_id', 'name', 'owner', 'monthly_value']);
    const rows: [number, string, string][] = [
      [42, '00000', '00042'],
      [123456, '00000', '123456'],
      [123456789, '000-00-0000', '123-45-6789'],
      [7, '"C-"0000', 'C-0007'],
      [1500, '#,##0', '1500'],
      [8, '0', '8'],
    ];
    rows.forEach(([id, format], i) => {
      sheet.addRow([id, `Customer ${i}`, 'ana@contoso.example', 1200]);
      sheet.getCell(`A${i + 2}`).numFmt = format;
      sheet.getCell(`D${i + 2}`).numFmt = '0000000';
    });
    await writeOrdered(book, join(dir, 'customers.xlsx'));
    await writeFile(
      join(dir, 'orders.csv'),
      'order_id,customer_id,ordered_at,amount\nO-1,00042,2026-11-02,10\n',
    );
    const customers = await customersOf();
    expect(customers.map((c) => [c.id, c.monthlyValue])).toEqual(rows.map(([, , shown]) => [shown, 1200]));
  });

  it('a workbook whose shared strings are not read (the part missing, or lost by the streaming reader) stops, and its text is never read as "[object Object]"', async () => {
    await writeFile(
      join(dir, 'customers.csv'),
      'customer_id,name,owner\nC-1,Greenfield Cafe,ana@contoso.example\n',
    );
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Orders');
    sheet.addRow(['order_id', 'customer_id', 'ordered_at', 'amount']);
    sheet.addRow(['O-1', 'C-1', '2026-11-02', 10]);
    const parts = unzipSync(new Uint8Array(await book.xlsx.writeBuffer()));
    delete parts['xl/sharedStrings.xml'];
    await writeFile(join(dir, 'orders.xlsx'), zipSync(parts));
    const error = await readFeed(dir).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toBe(
      "orders.xlsx is not an Excel workbook (its cells' text, kept in the workbook's shared strings, could not be read: open it in Excel and save it again, or save it as CSV).",
    );
  });

  it('a column with a blank header cell is ignored, as in a CSV, and the columns after it keep their values', async () => {
    await workbook('customers.xlsx', {
      ...row(1, ['customer_id', 'name', null, 'owner', 'monthly_value']),
      ...row(2, ['C-1', 'Greenfield Cafe', 'a note', 'ana@contoso.example', 1500]),
      ...row(3, ['C-2', 'Corner Deli', null, 'ben@contoso.example', 250]),
    });
    await writeFile(join(dir, 'orders.csv'), ORDERS);
    expect(await customersOf()).toEqual([
      { id: 'C-1', name: 'Greenfield Cafe', owner: 'ana@contoso.example', monthlyValue: 1500 },
      { id: 'C-2', name: 'Corner Deli', owner: 'ben@contoso.example', monthlyValue: 250 },
    ]);
  });
});

describe('formula cells', () => {
  it('an error reads as the error Excel shows, a result of 0 as 0', async () => {
    await writeFile(
      join(dir, 'customers.csv'),
      'customer_id,name,owner,monthly_value\nC-1,Greenfield Cafe,ana@contoso.example,\n',
    );
    await workbook('orders.xlsx', {
      ...row(1, ['order_id', 'customer_id', 'ordered_at', 'amount']),
      ...row(2, ['O-1', 'C-1', '2026-11-02', { formula: '1/0', result: { error: '#DIV/0!' } }]),
      ...row(3, ['O-2', 'C-1', '2026-11-03', { formula: 'B9*2', result: 0 }]),
      ...row(4, ['O-3', 'C-1', '2026-11-04', { error: '#N/A' }]),
      ...row(5, ['O-4', 'C-1', { formula: 'A9', result: { error: '#REF!' } }, 5]),
    });
    const { book, report } = await readFeed(dir);
    expect(report.files[1].problems.map((p) => [p.line, p.reason])).toEqual([
      [2, 'amount: not a number: "#DIV/0!"'],
      [4, 'amount: not a number: "#N/A"'],
      [5, 'ordered_at: not a date: "#REF!"'],
    ]);
    expect(Array.from(book.orderAmount)).toEqual([0]);
  });

  it("a column filled down with one formula (Excel saves the rows below the first as a shared formula) reads each row's result", async () => {
    await writeFile(
      join(dir, 'customers.csv'),
      'customer_id,name,owner,monthly_value\nC-1,Greenfield Cafe,ana@contoso.example,\n',
    );
    // As Excel writes =B2*C2 filled down: the first cell holds the formula, the others
    // `<f t="shared" si="0"/>` and their own saved result.
    await workbook('orders.xlsx', {
      ...row(1, ['order_id', 'customer_id', 'ordered_at', 'quantity', 'price', 'amount']),
      ...row(2, [
        'O-1',
        'C-1',
        '2026-11-02',
        2,
        5,
        { formula: 'D2*E2', result: 10, shareType: 'shared', ref: 'F2:F4' } as ExcelJS.CellFormulaValue,
      ]),
      ...row(3, ['O-2', 'C-1', '2026-11-03', 3, 7.5, { sharedFormula: 'F2', result: 22.5 }]),
      ...row(4, ['O-3', 'C-1', '2026-11-04', 0, 9, { sharedFormula: 'F2', result: 0 }]),
    });
    const { book, report } = await readFeed(dir);
    expect(report.rowsSkipped).toBe(0);
    expect(Array.from(book.orderAmount)).toEqual([10, 22.5, 0]);
  });

  it('a formula saved without its result (by a program that does not calculate) is a bad row quoting the formula, not an empty cell', async () => {
    await workbook('customers.xlsx', {
      ...row(1, ['customer_id', 'name', 'owner', 'monthly_value']),
      ...row(2, [
        'C-1',
        'Greenfield Cafe',
        'ana@contoso.example',
        { formula: 'B9*2' } as ExcelJS.CellFormulaValue,
      ]),
      ...row(3, ['C-2', 'Corner Deli', 'ben@contoso.example', 300]),
    });
    await workbook('orders.xlsx', {
      ...row(1, ['order_id', 'customer_id', 'ordered_at', 'quantity', 'price', 'amount']),
      ...row(2, ['O-1', 'C-1', '2026-11-02', 2, 5, { formula: 'D2*E2' } as ExcelJS.CellFormulaValue]),
      ...row(3, ['O-2', 'C-2', '2026-11-03', 3, 7.5, 22.5]),
    });
    // openpyxl writes such a formula with an empty value, `<f>D2*E2</f><v></v>`; exceljs leaves `<v>` out.
    const path = join(dir, 'orders.xlsx');
    const parts = unzipSync(new Uint8Array(await readFile(path)));
    const sheet = 'xl/worksheets/sheet1.xml';
    parts[sheet] = strToU8(strFromU8(parts[sheet]).replace('<f>D2*E2</f>', '<f>D2*E2</f><v></v>'));
    await writeFile(path, zipSync(parts));
    const { book, report } = await readFeed(dir);
    expect(report.files.map((f) => f.problems.map((p) => [p.line, p.reason]))).toEqual([
      [[2, 'monthly_value: not a number: "=B9*2"']],
      [[2, 'amount: not a number: "=D2*E2"']],
    ]);
    expect(Array.from(book.orderAmount)).toEqual([22.5]);
  });

  it('error cells are marked as text however the XML is cut into pieces', async () => {
    const xml =
      '<row r="2"><c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="E2" t="s"><v>0</v></c><c r="F2" t=\'e\'><v>#N/A</v></c><c r="G2" t="str"><v>é</v></c></row>';
    const bytes = Buffer.from(xml);
    const expected = xml.replace('t="e"', 't="str"').replace("t='e'", "t='str'");
    for (let at = 0; at <= bytes.length; at++) {
      const pieces: string[] = [];
      for await (const piece of errorCellsAsText([bytes.subarray(0, at), bytes.subarray(at)]))
        pieces.push(piece);
      expect(pieces.join('')).toBe(expected);
    }
  });
});
