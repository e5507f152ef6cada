import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { strToU8, Zip, ZipDeflate, zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { joinCsvParts } from '../../../feed/csvSource';
import { describeFeedReport } from '../../../feed/describeFeedReport';
import { FeedError } from '../../../feed/feedError';
import { folderFeedVersion } from '../../../feed/feedFiles';
import { gunzipTo, readUnpacked, unzipEntryTo, zipEntries } from '../../../feed/packedFile';
import { readFeed } from '../../../feed/readFeed';
import { isoOfDay } from '../../../rules/book';

/**
 * Exports as they arrive packed: gzipped to fit an upload, zipped by a web shop (one CSV of its own
 * name) or with the whole feed, and Spark's folder of CSV parts. The files are made here, small.
 */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'feed-packed-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const CUSTOMERS =
  'customer_id,name,owner,monthly_value\nC-1,Greenfield Cafe,ana@contoso.example,\nC-2,Corner Deli,ben@contoso.example,\n';
const ORDERS_HEADER = 'order_id,customer_id,ordered_at,amount';

async function write(files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [name, bytes] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), bytes);
  }
}

async function readError(): Promise<FeedError> {
  const error = await readFeed(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FeedError);
  return error as FeedError;
}

/**
 * The zip of one file, made to state another uncompressed size for it: in its local header, which
 * a streaming reader reads, and in the central directory at the zip's end, which the others read.
 */
function statingSize(zip: Uint8Array, size: number): Buffer {
  const bytes = Buffer.from(zip);
  bytes.writeUInt32LE(size, 22);
  bytes.writeUInt32LE(size, bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 24);
  return bytes;
}

/** `zip -P secret orders.zip orders.csv` of a header and one order. */
const ENCRYPTED_ZIP =
  'UEsDBBQACQAIAMx8hl2h3D7nRgAAAEAAAAAKABwAb3JkZXJzLmNzdlVUCQADcIEVa+aAFWt1eAsAAQQAAAAABAAAAAA6G7Ohd05W9gBkH8JIfi4DPg70bvcc/3OWhHxRCCHavIOLIJIU8sicxHhSaHEDxq2Uwr5ZySili/wuwphl5+U3H+IfWOdUUEsHCKHcPudGAAAAQAAAAFBLAQIeAxQACQAIAMx8hl2h3D7nRgAAAEAAAAAKABgAAAAAAAEAAACkgQAAAABvcmRlcnMuY3N2VVQFAANwgRVrdXgLAAEEAAAAAAQAAAAAUEsFBgAAAAABAAEAUAAAAJoAAAAAAA==';

/** `zip -fz -P secret orders.zip orders.csv`, of the same. */
const ENCRYPTED_ZIP64 =
  'UEsDBC0ACQAIANp9hl2h3D7n//////////8KABQAb3JkZXJzLmNzdgEAEABAAAAAAAAAAEYAAAAAAAAA3WTnvtdsCFH7eFHdxWgjcmSA4etyNlNjXC5r9zgMHwYQWTPtJfnpQ2b9CZ5JMoffoQ+fxRShCIktPivOKvFFKujoRmcgJ1BLBwih3D7nRgAAAAAAAABAAAAAAAAAAFBLAQIeAy0ACQAIANp9hl2h3D7nRgAAAP////8KAAwAAAAAAAEAAACkgQAAAABvcmRlcnMuY3N2AQAIAEAAAAAAAAAAUEsGBiwAAAAAAAAAHgMtAAAAAAAAAAAAAQAAAAAAAAABAAAAAAAAAEQAAAAAAAAAmgAAAAAAAABQSwYHAAAAAN4AAAAAAAAAAQAAAFBLBQYAAAAAAQABAEQAAAD/////AAA=';

/** `zip -fz orders.zip orders.csv` (ZIP64 forced) of a header and one order, of C-2 on 2026-11-02. */
const ZIP64_ZIP =
  'UEsDBC0AAAAIANB9hl0IWmhE//////////8KABQAb3JkZXJzLmNzdgEAEABAAAAAAAAAADsAAAAAAAAAyy9KSS2Kz0zRSS4tLsnPhbDzQYKpKfGJJTqJufmleSVc/rqGOs66RjpGBkZmuoaGugZGOoYGegYGXABQSwECHgMtAAAACADQfYZdCFpoRDsAAAD/////CgAMAAAAAAABAAAApIEAAAAAb3JkZXJzLmNzdgEACABAAAAAAAAAAFBLBgYsAAAAAAAAAB4DLQAAAAAAAAAAAAEAAAAAAAAAAQAAAAAAAABEAAAAAAAAAHcAAAAAAAAAUEsGBwAAAAC7AAAAAAAAAAEAAABQSwUGAAAAAAEAAQBEAAAA/////wAA';

const ordersOf = (book: Awaited<ReturnType<typeof readFeed>>['book']) =>
  book.customers.map((c, i) => {
    const days: [string, number][] = [];
    for (let k = book.orderStart[i]; k < book.orderStart[i + 1]; k++)
      days.push([isoOfDay(book.orderDay[k]), book.orderAmount[k]]);
    return [c.id, c.name, days];
  });

describe('a gzipped export (orders.csv.gz)', () => {
  it('is read as the CSV it holds: its encoding detected from the unpacked bytes, bad rows on their lines, lines ending both ways', async () => {
    // Excel's CSV on a Western European Windows, gzipped: "Café" in Windows-1252.
    const customers = Buffer.from(CUSTOMERS.replace('Greenfield Cafe', 'Caf\u00e9 Rouge'), 'latin1');
    await write({
      'customers.csv.gz': gzipSync(customers),
      'orders.txt.gz': gzipSync(
        `${ORDERS_HEADER}\r\nO-1,C-1,2026-11-02,10.00\r\nO-2,C-9,2026-11-03,5.00\nO-3,C-2,2026-11-04,7.50\n`,
      ),
    });
    const { book, report } = await readFeed(dir);
    expect(ordersOf(book)).toEqual([
      ['C-1', 'Caf\u00e9 Rouge', [['2026-11-02', 10]]],
      ['C-2', 'Corner Deli', [['2026-11-04', 7.5]]],
    ]);
    expect(report.files.map((f) => [f.file, f.notes])).toEqual([
      ['customers.csv.gz', ['read as Windows-1252 (not valid UTF-8)']],
      ['orders.txt.gz', ['lines end both in CRLF and in LF (files joined?): read alike']],
    ]);
    expect(describeFeedReport(report).at(-1)).toBe('orders.txt.gz line 3: unknown customer "C-9"');
  });

  it('a .gz that is cut short, or is not gzip, is named', async () => {
    const orders = gzipSync(`${ORDERS_HEADER}\nO-1,C-1,2026-11-02,10.00\n`);
    await write({ 'customers.csv': CUSTOMERS, 'orders.csv.gz': orders.subarray(0, orders.length - 12) });
    const error = await readError();
    expect(error.file).toBe('orders.csv.gz');
    expect(error.message).toMatch(/^orders\.csv\.gz cannot be unpacked as gzip \(.*\): is it cut short\?/);
    // A plain CSV given the name.
    await write({ 'orders.csv.gz': `${ORDERS_HEADER}\nO-1,C-1,2026-11-02,10.00\n` });
    expect((await readError()).message).toBe(
      'orders.csv.gz cannot be unpacked as gzip (incorrect header check): is it gzip at all?',
    );
  });
});

describe('a zipped export', () => {
  it("orders.zip holding one CSV of the shop's own name is the orders file, its bad rows named by zip and file", async () => {
    await write({
      'customers.csv': CUSTOMERS,
      'orders.zip': zipSync({
        'orders_export_1.csv': strToU8(
          `${ORDERS_HEADER}\nO-1,C-1,2026-11-02,10.00\nO-2,C-1,not a date,5.00\n`,
        ),
        // What macOS adds beside each file it zips.
        '__MACOSX/._orders_export_1.csv': strToU8('\u0000\u0005\u0016\u0007'),
      }),
    });
    const { book, report } = await readFeed(dir);
    expect(ordersOf(book)[0]).toEqual(['C-1', 'Greenfield Cafe', [['2026-11-02', 10]]]);
    expect(report.files[1].file).toBe('orders.zip \u203a orders_export_1.csv');
    expect(describeFeedReport(report).at(-1)).toBe(
      'orders.zip \u203a orders_export_1.csv line 3: ordered_at: not a date: "not a date"',
    );
  });

  it('orders.zip holding two exports stops, naming them', async () => {
    await write({
      'customers.csv': CUSTOMERS,
      'orders.zip': zipSync({ 'a.csv': strToU8(ORDERS_HEADER), 'b.csv': strToU8(ORDERS_HEADER) }),
    });
    expect((await readError()).message).toBe(
      'orders.zip holds 2 files (a.csv, b.csv): it is read as the orders file, so it must hold one. Name each export by its kind (customers.csv, orders.csv) to zip the feed together.',
    );
  });

  it('a zip holding the whole feed, zipped with its folder, is read as the folder would be', async () => {
    await write({
      'export.zip': zipSync({
        feed: {
          'customers.csv': strToU8(CUSTOMERS),
          'orders.csv': strToU8(`${ORDERS_HEADER}\nO-1,C-2,2026-11-02,10.00\n`),
          'notes.txt': strToU8('exported Monday'),
        },
      }),
    });
    const { book, report } = await readFeed(dir);
    expect(ordersOf(book)[1]).toEqual(['C-2', 'Corner Deli', [['2026-11-02', 10]]]);
    expect(report.files.map((f) => f.file)).toEqual([
      'export.zip \u203a feed/customers.csv',
      'export.zip \u203a feed/orders.csv',
    ]);
  });

  it('a zip given as the feed itself (--feed export.zip) is read as the folder holding it alone', async () => {
    await write({
      'export.zip': zipSync({
        'customers.csv': strToU8(CUSTOMERS),
        'orders.csv': strToU8(`${ORDERS_HEADER}\nO-1,C-2,2026-11-02,10.00\n`),
      }),
      // Beside it, not the feed it was given as.
      'orders.csv': `${ORDERS_HEADER}\n`,
    });
    const { book, report } = await readFeed(join(dir, 'export.zip'));
    expect(ordersOf(book)[1]).toEqual(['C-2', 'Corner Deli', [['2026-11-02', 10]]]);
    expect(report.files.map((f) => f.file)).toEqual([
      'export.zip \u203a customers.csv',
      'export.zip \u203a orders.csv',
    ]);
    expect(await folderFeedVersion(join(dir, 'export.zip'))).toMatch(/^export\.zip \d+ /);
    await expect(readFeed(join(dir, 'orders.csv'))).rejects.toThrow(
      `The feed folder "${join(dir, 'orders.csv')}" is a file, not a folder`,
    );
  });

  it('a zip with a path outside its folder is refused whole, and a file beside the zip with its kind is ambiguous', async () => {
    await write({
      'customers.csv': CUSTOMERS,
      'export.zip': zipSync({ '../orders.csv': strToU8(ORDERS_HEADER) }),
    });
    expect((await readError()).message).toBe(
      'export.zip holds "../orders.csv", a path outside the folder it would be unpacked in: the zip is refused. Zip the export\'s files again from their own folder.',
    );
    await write({
      'orders.csv': `${ORDERS_HEADER}\nO-1,C-1,2026-11-02,10.00\n`,
      'export.zip': zipSync({ 'orders.csv': strToU8(ORDERS_HEADER) }),
    });
    expect((await readError()).message).toBe(
      `The feed folder "${dir}" has orders.csv and export.zip \u203a orders.csv: keep one of them.`,
    );
  });

  it("a zip beside a whole feed that cannot be read (another export's, password-protected, not a zip) is passed over; the feed's own zip is still told", async () => {
    const orders = `${ORDERS_HEADER}\nO-1,C-2,2026-11-02,10.00\n`;
    await write({ 'customers.csv': CUSTOMERS, 'orders.csv': orders, 'backup.zip': 'not a zip' });
    expect(ordersOf((await readFeed(dir)).book)[1]).toEqual(['C-2', 'Corner Deli', [['2026-11-02', 10]]]);
    await write({ 'backup.zip': Buffer.from(ENCRYPTED_ZIP, 'base64') });
    const { book, report } = await readFeed(dir);
    expect(ordersOf(book)[1]).toEqual(['C-2', 'Corner Deli', [['2026-11-02', 10]]]);
    // Passed over, but not silently: the tickets may have been in it.
    const passedOver =
      'backup.zip is password-protected ("orders.csv" is encrypted): zip the export again without a password. It is passed over: the feed is read without it, and the tickets, if they are in it, are not.';
    expect(report.notes).toEqual([passedOver]);
    expect(describeFeedReport(report)[0]).toBe(passedOver);
    // Without orders.csv the zip may have been the orders': what is wrong with it is told.
    await rm(join(dir, 'orders.csv'));
    expect((await readError()).message).toBe(
      'backup.zip is password-protected ("orders.csv" is encrypted): zip the export again without a password.',
    );
  });

  it('a zip whose file unpacks to another size than it says is damaged, and is named', async () => {
    const csv = strToU8(`${ORDERS_HEADER}\nO-1,C-1,2026-11-02,10.00\n`);
    // The uncompressed size of the one file, written one byte short where the zip states it.
    const bytes = statingSize(zipSync({ 'orders.csv': csv }, { level: 0 }), csv.length - 1);
    await write({ 'customers.csv': CUSTOMERS, 'orders.zip': bytes });
    expect((await readError()).message).toMatch(
      /^orders\.zip › orders\.csv unpacks to \d+ bytes where the zip says \d+: the zip is damaged or cut short/,
    );
  });
  it('a zip written as a stream (each size after its data, as Java and many shops write one) is read', async () => {
    const chunks: Uint8Array[] = [];
    const zip = new Zip((error, chunk) => {
      if (error) throw error;
      chunks.push(chunk);
    });
    for (const [name, text] of [
      ['customers.csv', CUSTOMERS],
      ['orders.csv', `${ORDERS_HEADER}\nO-1,C-2,2026-11-02,10.00\n`],
    ]) {
      const file = new ZipDeflate(name);
      zip.add(file);
      file.push(strToU8(text), true);
    }
    zip.end();
    const bytes = Buffer.concat(chunks);
    // Bit 3 of the flags: the sizes follow the data.
    expect(bytes.readUInt16LE(6) & 0x8).toBe(0x8);
    await write({ 'export.zip': bytes });
    expect(ordersOf((await readFeed(dir)).book)[1]).toEqual(['C-2', 'Corner Deli', [['2026-11-02', 10]]]);
  });

  it('a ZIP64 zip (its sizes and directory in ZIP64 records, as past 4 GB) is read', async () => {
    await write({ 'customers.csv': CUSTOMERS, 'orders.zip': Buffer.from(ZIP64_ZIP, 'base64') });
    expect(ordersOf((await readFeed(dir)).book)[1]).toEqual(['C-2', 'Corner Deli', [['2026-11-02', 10]]]);
  });

  it('a zip cut short, not a zip, password-protected or packed with Deflate64 is told so', async () => {
    const orders = strToU8(`${ORDERS_HEADER}\nO-1,C-1,2026-11-02,10.00\n`);
    const zip = zipSync({ 'customers.csv': strToU8(CUSTOMERS), 'orders.csv': orders });
    await write({ 'export.zip': zip.subarray(0, zip.length - 150) });
    expect((await readError()).message).toBe(
      'export.zip cannot be read as a zip file (no zip directory at its end: not a zip, or cut short).',
    );
    await rm(join(dir, 'export.zip'));
    await write({ 'customers.csv': CUSTOMERS, 'orders.zip': `${ORDERS_HEADER}\n` });
    expect((await readError()).message).toBe(
      'orders.zip cannot be read as a zip file (no zip directory at its end: not a zip, or cut short).',
    );
    // Encrypted the old way, their method still Deflate; the second's directory in ZIP64 records.
    for (const encrypted of [ENCRYPTED_ZIP, ENCRYPTED_ZIP64]) {
      await write({ 'orders.zip': Buffer.from(encrypted, 'base64') });
      expect((await readError()).message).toBe(
        'orders.zip is password-protected ("orders.csv" is encrypted): zip the export again without a password.',
      );
    }
    // The method as Windows writes a file past 2 GB, in the local header and the directory.
    const deflate64 = Buffer.from(zipSync({ 'orders.csv': orders }));
    deflate64.writeUInt16LE(9, 8);
    deflate64.writeUInt16LE(9, deflate64.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 10);
    await write({ 'orders.zip': deflate64 });
    expect((await readError()).message).toBe(
      'orders.zip \u203a orders.csv is compressed with zip method 9 (Deflate64, which Windows uses past 2 GB), which cannot be read: zip it again with the usual Deflate, or gzip it.',
    );
  });

  it('a zip whose end record states a directory larger than the zip, or a ZIP64 record past its end, is damaged: nothing of that size is read', async () => {
    // The end record alone (22 bytes): one file, its directory of `size` bytes at offset 0.
    const endRecord = (size: number) => {
      const record = Buffer.alloc(22);
      record.writeUInt32LE(0x06054b50, 0);
      record.writeUInt16LE(1, 8);
      record.writeUInt16LE(1, 10);
      record.writeUInt32LE(size, 12);
      return record;
    };
    // A ZIP64 locator before it, pointing at a ZIP64 end record that states a terabyte of directory.
    const zip64 = Buffer.alloc(56 + 20);
    zip64.writeUInt32LE(0x06064b50, 0);
    zip64.writeBigUInt64LE(1n, 32);
    zip64.writeBigUInt64LE(2n ** 40n, 40);
    zip64.writeUInt32LE(0x07064b50, 56);
    const pastEnd = Buffer.from(zip64);
    pastEnd.writeBigUInt64LE(10n ** 9n, 56 + 8);
    const damaged = 'orders.zip cannot be read as a zip file (its directory is damaged).';
    for (const zip of [
      Buffer.concat([zip64, endRecord(0xffffffff)]),
      Buffer.concat([pastEnd, endRecord(0xffffffff)]),
      endRecord(0xffffffff),
    ]) {
      await write({ 'orders.zip': zip });
      await expect(zipEntries(join(dir, 'orders.zip'), 'orders.zip')).rejects.toThrow(damaged);
    }
  });
});

describe("Spark's folder of CSV parts (df.write.csv)", () => {
  const part = (n: number) => `orders/part-0000${n}-8c1f3a52-c000.csv`;

  it('reads every part in name order under one header, passing over _SUCCESS and .crc files, a bad row named by its part and line', async () => {
    await write({
      'customers.csv': CUSTOMERS,
      // Written on Windows: CRLF.
      [part(1)]: `${ORDERS_HEADER}\r\nO-3,C-2,2026-11-04,7.50\r\nO-4,C-2\r\nO-1,C-1,2026-11-05,1.00\r\n`,
      [part(0)]: `${ORDERS_HEADER}\nO-1,C-1,2026-11-02,10.00\nO-2,C-1,2026-11-03,5.00`,
      [`${part(2)}.gz`]: gzipSync(`${ORDERS_HEADER}\n`),
      'orders/_SUCCESS': '',
      'orders/.part-00000-8c1f3a52-c000.csv.crc': 'crc',
    });
    const { book, report } = await readFeed(dir);
    expect(ordersOf(book)).toEqual([
      [
        'C-1',
        'Greenfield Cafe',
        [
          ['2026-11-02', 10],
          ['2026-11-03', 5],
        ],
      ],
      ['C-2', 'Corner Deli', [['2026-11-04', 7.5]]],
    ]);
    expect(report.files[1]).toMatchObject({
      file: 'orders/',
      rowsRead: 5,
      notes: ['read from 3 CSV part files', 'lines end both in CRLF and in LF (files joined?): read alike'],
    });
    expect(describeFeedReport(report).slice(-2)).toEqual([
      `${part(1)} line 3: has 2 fields, the header has 4`,
      `${part(1)} line 4: duplicate order_id "O-1" (first on ${part(0)} line 2)`,
    ]);
  });

  it("a part with another header stops the read, naming it; a folder of the user's own CSVs is not the feed", async () => {
    await write({
      'customers.csv': CUSTOMERS,
      [part(0)]: `${ORDERS_HEADER}\nO-1,C-1,2026-11-02,10.00\n`,
      [part(1)]: 'order_id,customer_id,amount,ordered_at\nO-2,C-1,5.00,2026-11-03\n',
    });
    const error = await readError();
    expect(error.file).toBe(part(1));
    expect(error.message).toBe(
      `${part(1)} has another header than ${part(0)} ("order_id,customer_id,amount,ordered_at" against "${ORDERS_HEADER}"): the parts of a folder are one table. Write them again together.`,
    );
    await rm(join(dir, 'orders'), { recursive: true });
    await write({
      'orders.csv': `${ORDERS_HEADER}\nO-1,C-1,2026-11-02,10.00\n`,
      'orders/orders-2026-10.csv': `${ORDERS_HEADER}\n`,
    });
    expect((await readFeed(dir)).report.files[1].file).toBe('orders.csv');
  });

  it("the feed's version moves when a part is written again", async () => {
    await write({
      'customers.csv': CUSTOMERS,
      [part(0)]: `${ORDERS_HEADER}\nO-1,C-1,2026-11-02,10.00\n`,
      [part(1)]: `${ORDERS_HEADER}\nO-2,C-1,2026-11-03,5.00\n`,
    });
    const before = await folderFeedVersion(dir);
    await write({ [part(1)]: `${ORDERS_HEADER}\nO-2,C-1,2026-11-03,5000.00\n` });
    expect(await folderFeedVersion(dir)).not.toBe(before);
  });
});

describe('unpacking stops at a size limit (a zip or gzip bomb)', () => {
  // A megabyte of zeros packs to about a kilobyte: the shape of a bomb, small.
  const zeros = new Uint8Array(1024 * 1024);
  const limit = { maxBytes: 64 * 1024 };
  const entryOf = async (zip: string) => (await zipEntries(join(dir, zip), zip))[0];

  it('a zip file saying it is larger than the limit is refused before anything is written', async () => {
    await write({ 'orders.zip': zipSync({ 'orders.csv': zeros }) });
    const out = join(dir, 'out.csv');
    await expect(
      unzipEntryTo(join(dir, 'orders.zip'), await entryOf('orders.zip'), out, 'orders.zip', limit),
    ).rejects.toThrow(
      'orders.zip unpacks to more than 65,536 bytes: more than a feed can be (or a zip bomb). Export less, or as Parquet.',
    );
    await expect(stat(out)).rejects.toThrow(/ENOENT/);
  });

  it('a folder of gzipped CSV parts stops when all its parts together pass the limit, each part under it', async () => {
    // Spark's gzip option writes one part per task: a thousand small parts of a bomb are as large as one.
    const part = (n: number) => join(dir, `part-0000${n}.csv.gz`);
    const rows = `${ORDERS_HEADER}\n${'O-1,C-1,2026-11-02,10.00\n'.repeat(1500)}`;
    for (const n of [0, 1, 2]) await writeFile(part(n), gzipSync(rows));
    expect(rows.length).toBeLessThan(limit.maxBytes);
    const soFar = { label: 'orders/', bytes: 0 };
    const parts = [0, 1, 2].map((n) => ({
      name: `orders/part-0000${n}.csv.gz`,
      read: () => readUnpacked(part(n), `orders/part-0000${n}.csv.gz`, { ...limit, soFar }),
    }));
    await expect(joinCsvParts(parts, join(dir, 'joined.csv'))).rejects.toThrow(
      'orders/ unpacks to more than 65,536 bytes: more than a feed can be (or a zip bomb).',
    );
  });

  it('a zip file saying it is small but unpacking to more, and a gzip file, stop as they pass the limit', async () => {
    await write({
      'orders.zip': statingSize(zipSync({ 'orders.csv': zeros }), 1000),
      'orders.csv.gz': gzipSync(zeros),
    });
    const out = join(dir, 'out.csv');
    await expect(
      unzipEntryTo(join(dir, 'orders.zip'), await entryOf('orders.zip'), out, 'orders.zip', limit),
    ).rejects.toThrow('orders.zip unpacks to more than 65,536 bytes');
    expect((await stat(out)).size).toBeLessThanOrEqual(limit.maxBytes);
    await expect(gunzipTo(join(dir, 'orders.csv.gz'), out, 'orders.csv.gz', limit)).rejects.toThrow(
      'orders.csv.gz unpacks to more than 65,536 bytes',
    );
    expect((await stat(out)).size).toBeLessThanOrEqual(limit.maxBytes);
  });
});
