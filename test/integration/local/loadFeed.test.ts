import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { zipSync } from 'fflate';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { feedContainerClient, readBlobFeed } from '../../../feed/blobFeed';
import { loadFeedIntoContainer } from '../../../tools/local/loadDemoFeed';

const exportsDir = (name: string) => join(__dirname, '../../fixtures/exports', name);

/** The till export's mapping, as its rules.json has it. */
const TILL_COLUMNS = {
  customers: { customer_id: 'CustomerID', name: 'CustomerID', owner: 'Sales Rep' },
  orders: {
    order_id: 'InvoiceNo',
    customer_id: 'CustomerID',
    ordered_at: 'InvoiceDate',
    quantity: 'Quantity',
    unit_price: 'UnitPrice',
  },
};

describe('npm start uploads the feed folder it is given, whatever its files are saved as', () => {
  const connectionString = inject('azuriteConnectionString');
  const name = `feed${randomBytes(4).toString('hex')}`;
  afterEach(async () => {
    await BlobServiceClient.fromConnectionString(connectionString).getContainerClient(name).deleteIfExists();
  });

  it('a workbook (orders.xlsx) is uploaded and read; a later day in CSV replaces it', async () => {
    const first = await loadFeedIntoContainer(connectionString, name, exportsDir('till-xlsx'));
    expect(first.blobs).toEqual(['customers.csv', 'orders.xlsx']);
    const container = feedContainerClient({ connectionString }, name);
    const columns = TILL_COLUMNS;
    const fromXlsx = await readBlobFeed(container, { columns });
    expect(fromXlsx.report.files.map((f) => f.file)).toEqual(['customers.csv', 'orders.xlsx']);
    expect(fromXlsx.book.orderDay.length).toBe(4);

    const second = await loadFeedIntoContainer(connectionString, name, exportsDir('till'));
    expect(second.blobs).toEqual(['customers.csv', 'orders.csv']);
    const fromCsv = await readBlobFeed(container, { columns });
    expect(fromCsv.report.files.map((f) => f.file)).toEqual(['customers.csv', 'orders.csv']);
    expect(Array.from(fromCsv.book.orderAmount)).toEqual(Array.from(fromXlsx.book.orderAmount));
  });

  it("a folder of Spark's Parquet parts is uploaded part by part and read; a later day as Parquet files replaces it", async () => {
    const spark = await loadFeedIntoContainer(connectionString, name, exportsDir('parquet-spark'));
    const part = (table: string, n: number) =>
      `${table}/part-0000${n}-8c1f3a52-6d4e-4b9a-a7f0-2e5d9c3b1f64-c000.snappy.parquet`;
    expect(spark.blobs).toEqual([part('customers', 0), part('orders', 0), part('orders', 1)]);
    const container = feedContainerClient({ connectionString }, name);
    const fromParts = await readBlobFeed(container);
    expect(fromParts.report.files.map((f) => [f.file, f.rowsRead])).toEqual([
      ['customers/', 2],
      ['orders/', 5],
    ]);
    await loadFeedIntoContainer(connectionString, name, exportsDir('parquet'));
    const fromFiles = await readBlobFeed(container);
    expect(fromFiles.report.files.map((f) => f.file)).toEqual([
      'customers.parquet',
      'orders.parquet',
      'tickets.parquet',
    ]);
  });

  it('a zip holding the whole feed is uploaded once, as it is, and read; a later day as plain files replaces it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'feed-zip-'));
    try {
      const file = (name: string) => readFile(join(exportsDir('till'), name));
      await writeFile(
        join(dir, 'export.zip'),
        zipSync({ 'customers.csv': await file('customers.csv'), 'orders.csv': await file('orders.csv') }),
      );
      const zipped = await loadFeedIntoContainer(connectionString, name, dir);
      expect(zipped.blobs).toEqual(['export.zip']);
      const container = feedContainerClient({ connectionString }, name);
      const fromZip = await readBlobFeed(container, { columns: TILL_COLUMNS });
      expect(fromZip.report.files.map((f) => f.file)).toEqual([
        'export.zip \u203a customers.csv',
        'export.zip \u203a orders.csv',
      ]);
      // The zip given as the feed itself (`npm start -- --feed export.zip`) is uploaded alike.
      const given = await loadFeedIntoContainer(connectionString, name, join(dir, 'export.zip'));
      expect(given.blobs).toEqual(['export.zip']);
      await loadFeedIntoContainer(connectionString, name, exportsDir('till'));
      const fromFiles = await readBlobFeed(container, { columns: TILL_COLUMNS });
      expect(fromFiles.report.files.map((f) => f.file)).toEqual(['customers.csv', 'orders.csv']);
      expect(fromFiles.book).toEqual(fromZip.book);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
