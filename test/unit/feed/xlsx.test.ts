import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFeed } from '../../../feed/readFeed';

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
  await book.xlsx.writeFile(join(dir, name));
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
