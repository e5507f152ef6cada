import { randomBytes } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readdir, readFile } from 'node:fs/promises';
import type { ClientRequest } from 'node:http';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { blobFeedVersion, feedContainerClient, readBlobFeed, type ZipsNotFeed } from '../../../feed/blobFeed';
import { FeedError } from '../../../feed/feedError';
import { feedOptionsFrom } from '../../../feed/feedOptions';
import { keptFeed } from '../../../feed/keptFeed';
import { readFeed } from '../../../feed/readFeed';
import { loadConfig } from '../../../functions/config';
import { feedReaderFor, feedVersionFor } from '../../../functions/wiring';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { defaultRules, parseRules } from '../../../rules/rulesSchema';
import {
  conversationOf,
  depsFor,
  installReps,
  openWeeklyWorld,
  SEND_TIME,
  slippingBook,
  type WeeklyWorld,
} from './weeklyWorld';

const DEMO = join(__dirname, '..', '..', '..', 'demo', 'feed');
const EXPORTS = join(__dirname, '..', '..', 'fixtures', 'exports');
const FILES = ['customers.csv', 'orders.csv', 'tickets.csv'];

async function uploadDemo(container: ContainerClient, prefix = '', files = FILES): Promise<void> {
  await container.create();
  for (const file of files)
    await container.getBlockBlobClient(`${prefix}${file}`).uploadFile(join(DEMO, file));
}

/** The rules file docs/feed.md's Shopify section shows, as a user copies it, with `extra` beside it. */
async function shopifyDocsRules(extra: Record<string, unknown>) {
  const section = (await readFile(join(__dirname, '../../../docs/feed.md'), 'utf8')).split('### Shopify')[1];
  return parseRules({ ...JSON.parse(/```json\n([\s\S]*?)```/.exec(section)?.[1] ?? ''), ...extra });
}

/**
 * The demo book's orders of Ana's customers as Shopify's orders export writes them, for a shop of
 * one rep that exports its orders alone: `Name` the order number, `Email` the customer, `Billing Name`
 * their name. Returns the file and each customer's name by their email.
 */
async function shopifyOrdersOfAna(): Promise<{ csv: string; names: Map<string, string> }> {
  const rows = async (file: string) =>
    (await readFile(join(DEMO, file), 'utf8'))
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','));
  const ana = new Map(
    (await rows('customers.csv')).filter((c) => c[2] === 'ana.ruiz@contoso.example').map((c) => [c[0], c[1]]),
  );
  const lines = (await rows('orders.csv'))
    .filter(([, customer]) => ana.has(customer))
    .map(
      ([order, customer, day, amount]) =>
        `#${order},${customer.toLowerCase()}@shop.example,paid,USD,${amount},${day} 10:00:00 -0600,${ana.get(customer)},0.00`,
    );
  return {
    csv: `Name,Email,Financial Status,Currency,Total,Created at,Billing Name,Refunded Amount\n${lines.join('\n')}\n`,
    names: new Map([...ana].map(([customer, name]) => [`${customer.toLowerCase()}@shop.example`, name])),
  };
}

describe('the feed from a blob container on Azurite', () => {
  const connectionString = inject('azuriteConnectionString');
  let name: string;
  beforeEach(() => {
    name = `feed${randomBytes(4).toString('hex')}`;
  });
  afterEach(async () => {
    await BlobServiceClient.fromConnectionString(connectionString).getContainerClient(name).deleteIfExists();
  });

  it('reads the same book as the folder, under a prefix too', async () => {
    const container = feedContainerClient({ connectionString }, name);
    await uploadDemo(container, 'exports/');
    const fromBlob = await readBlobFeed(container, { prefix: 'exports/' });
    const fromDir = await readFeed(DEMO);
    expect(fromBlob.book.customers).toEqual(fromDir.book.customers);
    expect(Array.from(fromBlob.book.orderDay)).toEqual(Array.from(fromDir.book.orderDay));
    expect(Array.from(fromBlob.book.ticketDay)).toEqual(Array.from(fromDir.book.ticketDay));
    expect(fromBlob.book.ticketDay.length).toBeGreaterThan(0);
    expect(fromBlob.report.rowsSkipped).toBe(fromDir.report.rowsSkipped);
  });

  it("reads a folder of Parquet parts as Spark and pandas write them to a container, with a Data Lake account's folder blobs", async () => {
    const container = feedContainerClient({ connectionString }, name);
    await container.create();
    for (const fixture of ['parquet-spark', 'parquet-partitioned']) {
      const root = join(EXPORTS, fixture);
      const files = (await readdir(root, { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
      for (const file of files) {
        const path = join(file.parentPath, file.name);
        await container.getBlockBlobClient(`${fixture}/${relative(root, path)}`).uploadFile(path);
      }
    }
    // A storage account with a hierarchical namespace lists each folder as an empty blob of its own.
    await container
      .getBlockBlobClient('parquet-partitioned/orders.parquet')
      .upload('', 0, { metadata: { hdi_isfolder: 'true' } });
    for (const fixture of ['parquet-spark', 'parquet-partitioned']) {
      const rules = parseRules(JSON.parse(await readFile(join(EXPORTS, fixture, 'rules.json'), 'utf8')));
      const fromBlob = await readBlobFeed(container, { prefix: `${fixture}/`, ...feedOptionsFrom(rules) });
      const fromDir = await readFeed(join(EXPORTS, fixture), feedOptionsFrom(rules));
      expect(fromBlob.book).toEqual(fromDir.book);
      expect(fromBlob.report).toEqual(fromDir.report);
      expect(fromBlob.book.orderDay.length).toBeGreaterThan(0);
    }
  });

  it("reads packed exports as the folder does: orders.csv.gz, a zip of the whole feed, Spark's CSV parts; the version moves with a part", async () => {
    const container = feedContainerClient({ connectionString }, name);
    await container.create();
    const demo = (file: string) => readFile(join(DEMO, file));
    const [customers, orders] = await Promise.all([demo('customers.csv'), demo('orders.csv')]);
    const lines = orders.toString('utf8').split('\n');
    const half = Math.floor(lines.length / 2);
    const blobs: Record<string, Buffer | Uint8Array> = {
      'gz/customers.csv': customers,
      'gz/orders.csv.gz': gzipSync(orders),
      'zip/export.zip': zipSync({ 'customers.csv': customers, 'orders.csv': orders }),
      'spark/customers.csv': customers,
      'spark/orders/part-00000-c000.csv': Buffer.from(lines.slice(0, half).join('\n')),
      'spark/orders/part-00001-c000.csv': Buffer.from([lines[0], ...lines.slice(half)].join('\n')),
      'spark/orders/_SUCCESS': Buffer.alloc(0),
    };
    for (const [blob, bytes] of Object.entries(blobs))
      await container.getBlockBlobClient(blob).uploadData(bytes);
    const fromDir = await readFeed(DEMO);
    for (const prefix of ['gz/', 'zip/', 'spark/']) {
      const { book } = await readBlobFeed(container, { prefix });
      expect(book.customers).toEqual(fromDir.book.customers);
      expect(Array.from(book.orderDay)).toEqual(Array.from(fromDir.book.orderDay));
    }
    const before = await blobFeedVersion(container, 'spark/');
    await container
      .getBlockBlobClient('spark/orders/part-00001-c000.csv')
      .uploadData(blobs['spark/orders/part-00001-c000.csv']);
    expect(await blobFeedVersion(container, 'spark/')).not.toBe(before);
  });

  it("reads an accounting export's order lines in CURRENCY, from the container and the folder alike (the timer runs' and the tabs' reader)", async () => {
    const xero = join(EXPORTS, 'xero-currencies');
    const container = feedContainerClient({ connectionString }, name);
    await container.create();
    for (const file of ['customers.csv', 'orders.csv'])
      await container.getBlockBlobClient(file).uploadFile(join(xero, file));
    const rules = parseRules(JSON.parse(await readFile(join(xero, 'rules.json'), 'utf8')));
    // A shop whose CURRENCY is EUR: the lines in pounds, most of the file's, are the ones skipped.
    for (const where of [{ FEED_CONTAINER: name }, { FEED_DIR: xero }]) {
      const config = loadConfig({ STORAGE_CONNECTION_STRING: connectionString, CURRENCY: 'EUR', ...where });
      const { book, report } = await feedReaderFor(config, rules)('2026-11-30');
      const lyon = book.customers.findIndex((c) => c.id === 'Lyon Traiteur SARL');
      // Lyon Traiteur's two euro invoices are the book's only orders.
      expect(book.orderStart[lyon + 1] - book.orderStart[lyon]).toBe(2);
      expect(book.orderDay.length).toBe(2);
      expect(report.files[1].problemCounts).toEqual({
        "currency: not EUR, the book's currency (CURRENCY)": 8,
      });
    }
  });

  it('tickets.csv is optional', async () => {
    const container = feedContainerClient({ connectionString }, name);
    await uploadDemo(container, '', ['customers.csv', 'orders.csv']);
    const { book } = await readBlobFeed(container);
    expect(book.customers.length).toBe(300);
    expect(book.ticketDay.length).toBe(0);
  });

  it("a shop's Shopify orders export alone: the customers are the orders', the report says so", async () => {
    const container = feedContainerClient({ connectionString }, name);
    await container.create();
    await container.getBlockBlobClient('orders.csv').uploadFile(join(EXPORTS, 'shopify-store', 'orders.csv'));
    const { book, report } = await readBlobFeed(container, {
      ...feedOptionsFrom(
        await shopifyDocsRules({ defaultOwner: 'dana.wells@groovebox.example' }),
        '1997-09-30',
      ),
    });
    expect(book.customers.map((c) => [c.id, c.name, c.owner, c.monthlyValue])).toEqual([
      ['sarah.rodriguez.153@mailbox.example', 'Sarah Rodriguez', 'dana.wells@groovebox.example', null],
      ['michelle.miller.230@mailbox.example', 'Michelle Miller', 'dana.wells@groovebox.example', null],
      ['zoe.martinez.379@mailbox.example', 'Zoë Martinez', 'dana.wells@groovebox.example', null],
      ['steven.scott.850@mailbox.example', 'Steven Scott', 'dana.wells@groovebox.example', null],
      ['jose.sanchez.929@mailbox.example', 'José Sanchez', 'dana.wells@groovebox.example', null],
    ]);
    expect(report.files.map((f) => f.file)).toEqual(['orders.csv']);
    expect(report.customersFromOrders).toEqual({
      file: 'orders.csv',
      customers: 5,
      namedFrom: '"Billing Name"',
      namedById: 0,
      owner: 'dana.wells@groovebox.example',
    });
  });

  it('a missing container or required blob is a FeedError naming it', async () => {
    const container = feedContainerClient({ connectionString }, name);
    await expect(readBlobFeed(container)).rejects.toThrow(
      new RegExp(
        `feed container "${name}" does not exist at http://127\\.0\\.0\\.1:\\d+/devstoreaccount1/${name}`,
      ),
    );
    await uploadDemo(container, 'x/', ['customers.csv', 'tickets.csv']);
    const missing = readBlobFeed(container, { prefix: 'x/' });
    await expect(missing).rejects.toBeInstanceOf(FeedError);
    await expect(readBlobFeed(container, { prefix: 'x/' })).rejects.toThrow(
      `The feed container "${name}" has no blob "x/orders.csv"`,
    );
  });

  it('a zip at the top holding no orders file is told of the container', async () => {
    const container = feedContainerClient({ connectionString }, name);
    await container.create();
    await container
      .getBlockBlobClient('x/export.zip')
      .uploadData(zipSync({ 'customers.csv': await readFile(join(DEMO, 'customers.csv')) }));
    await expect(readBlobFeed(container, { prefix: 'x/' })).rejects.toThrow(
      new RegExp(`^The feed container "${name}" \\(under "x/"\\) has no orders\\.csv \\(`),
    );
  });

  it('a zip beside the exports that holds none of them is downloaded once by the kept feed, not by each read, until it is replaced', async () => {
    const container = feedContainerClient({ connectionString }, name);
    await uploadDemo(container, '', ['customers.csv', 'orders.csv']);
    const photos = zipSync({ 'shop/front.jpg': randomBytes(200_000) });
    await container.getBlockBlobClient('photos.zip').uploadData(photos);
    const config = loadConfig({ STORAGE_CONNECTION_STRING: connectionString, FEED_CONTAINER: name });
    // Every request this process sends, as Node's HTTP client starts it: the downloads of the zip.
    const paths: string[] = [];
    const onRequest = (message: unknown) => {
      const { request } = message as { request: ClientRequest };
      if (request.method === 'GET') paths.push(request.path.split('?')[0]);
    };
    const zipDownloads = () => paths.filter((p) => p.endsWith(`/${name}/photos.zip`)).length;
    subscribe('http.client.request.start', onRequest);
    try {
      const zips: ZipsNotFeed = new Map();
      const feed = keptFeed({ version: feedVersionFor(config), clock: () => new Date() });
      const read = (asOf: string) =>
        feed.read({
          key: asOf,
          read: () => feedReaderFor(config, defaultRules(), zips)(asOf),
          recheck: true,
        });
      const first = await read('2026-11-23');
      expect(zipDownloads()).toBe(1);
      // The next day's read, and a read after a new orders export: the zip is as it was.
      await read('2026-11-24');
      await container.getBlockBlobClient('orders.csv').uploadFile(join(DEMO, 'orders.csv'));
      const later = await read('2026-11-24');
      expect(zipDownloads()).toBe(1);
      expect(later.book.customers).toEqual(first.book.customers);
      expect(Array.from(later.book.orderDay)).toEqual(Array.from(first.book.orderDay));
      // Uploaded again, it may hold the feed now: downloaded to be looked at.
      await container.getBlockBlobClient('photos.zip').uploadData(photos);
      await read('2026-11-24');
      expect(zipDownloads()).toBe(2);
    } finally {
      unsubscribe('http.client.request.start', onRequest);
    }
  });

  it("the feed's version (from a listing, nothing downloaded) moves with a new upload, not with a read", async () => {
    const container = feedContainerClient({ connectionString }, name);
    await uploadDemo(container);
    const version = feedVersionFor(
      loadConfig({ STORAGE_CONNECTION_STRING: connectionString, FEED_CONTAINER: name }),
    );
    const first = await version();
    await readBlobFeed(container);
    expect(await version()).toBe(first);
    // The same bytes uploaded again are another export: a new ETag.
    await container.getBlockBlobClient('orders.csv').uploadFile(join(DEMO, 'orders.csv'));
    const second = await version();
    expect(second).not.toBe(first);
    await container.getBlockBlobClient('tickets.csv').delete();
    expect(await version()).not.toBe(second);
  });

  describe('a weekly run reading its feed from the container', () => {
    let world: WeeklyWorld;
    beforeEach(async () => {
      world = await openWeeklyWorld('blob');
    });
    afterEach(async () => {
      await world.stop();
    });

    it('scores the whole demo book and delivers to the installed rep', async () => {
      const container = feedContainerClient({ connectionString }, name);
      await uploadDemo(container);
      const rep = 'ana.ruiz@contoso.example';
      await installReps(world, [rep]);
      const config = loadConfig({ STORAGE_CONNECTION_STRING: connectionString, FEED_CONTAINER: name });
      const deps = {
        ...depsFor(world, slippingBook([], { slipping: 0 })),
        readBook: feedReaderFor(config, defaultRules()),
      };
      const report = await runWeekly(deps, { now: SEND_TIME });
      expect(report).toMatchObject({ status: 'completed', feed: { customers: 300 } });
      if (report.status !== 'completed') return;
      expect(report.outcomes.find((o) => o.rep === rep)?.status).toBe('delivered');
      expect(report.counts).toMatchObject({ delivered: 1, no_conversation: 4 });
      expect(world.fake.sentTo(conversationOf(rep))).toHaveLength(1);
    });

    it("sends the one rep a card from a shop's Shopify orders export alone, naming customers as their orders do", async () => {
      const container = feedContainerClient({ connectionString }, name);
      await container.create();
      const { csv, names } = await shopifyOrdersOfAna();
      await container.getBlockBlobClient('orders.csv').upload(csv, Buffer.byteLength(csv));
      const rep = 'ana.ruiz@contoso.example';
      await installReps(world, [rep]);
      const config = loadConfig({ STORAGE_CONNECTION_STRING: connectionString, FEED_CONTAINER: name });
      const deps = {
        ...depsFor(world, slippingBook([], { slipping: 0 })),
        readBook: feedReaderFor(config, await shopifyDocsRules({ defaultOwner: rep })),
      };
      const report = await runWeekly(deps, { now: SEND_TIME });
      expect(report).toMatchObject({
        status: 'completed',
        feed: { customers: names.size, rowsSkipped: 0 },
      });
      if (report.status !== 'completed') return;
      expect(report.outcomes.find((o) => o.rep === rep)?.status).toBe('delivered');
      expect(report.counts).toMatchObject({ delivered: 1 });
      const [card] = world.fake.sentTo(conversationOf(rep));
      const text = JSON.stringify(card.activity);
      // Each listed customer (keyed by their email) is named on the card by their Billing Name.
      const listed = [...new Set([...text.matchAll(/"customerId":"([^"]+)"/g)].map((m) => m[1]))];
      expect(listed.length).toBeGreaterThan(0);
      for (const id of listed) expect(text).toContain(`"text":"${names.get(id)}"`);
    });
  });
});
