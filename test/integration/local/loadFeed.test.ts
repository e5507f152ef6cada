import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { feedContainerClient, readBlobFeed } from '../../../feed/blobFeed';
import { loadFeedIntoContainer } from '../../../tools/local/loadDemoFeed';

const exportsDir = (name: string) => join(__dirname, '../../fixtures/exports', name);

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
    const columns = {
      customers: { customer_id: 'CustomerID', name: 'CustomerID', owner: 'Sales Rep' },
      orders: {
        order_id: 'InvoiceNo',
        customer_id: 'CustomerID',
        ordered_at: 'InvoiceDate',
        quantity: 'Quantity',
        unit_price: 'UnitPrice',
      },
    };
    const fromXlsx = await readBlobFeed(container, { columns });
    expect(fromXlsx.report.files.map((f) => f.file)).toEqual(['customers.csv', 'orders.xlsx']);
    expect(fromXlsx.book.orderDay.length).toBe(4);

    const second = await loadFeedIntoContainer(connectionString, name, exportsDir('till'));
    expect(second.blobs).toEqual(['customers.csv', 'orders.csv']);
    const fromCsv = await readBlobFeed(container, { columns });
    expect(fromCsv.report.files.map((f) => f.file)).toEqual(['customers.csv', 'orders.csv']);
    expect(Array.from(fromCsv.book.orderAmount)).toEqual(Array.from(fromXlsx.book.orderAmount));
  });
});
