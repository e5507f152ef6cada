import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFeed } from '../../../feed/readFeed';

const fixtures = join(__dirname, '../../fixtures');

// Row counts from each feed's SOURCE.md (test/fixtures/<name>/SOURCE.md, "feed/" section).
describe('the benchmark feeds load with zero problems', () => {
  it('CDNOW: 2,357 customers, 6,919 orders, no tickets', async () => {
    const { book, report } = await readFeed(join(fixtures, 'cdnow/feed'));
    expect(report.rowsSkipped).toBe(0);
    expect(book.customers.length).toBe(2357);
    expect(book.orderDay.length).toBe(6919);
    expect(book.orderStart[2357]).toBe(6919);
    expect(book.ticketDay.length).toBe(0);
  });

  it('Online Retail: 4,372 customers, 18,532 orders, 3,654 tickets', async () => {
    const { book, report } = await readFeed(join(fixtures, 'online-retail/feed'));
    expect(report.rowsSkipped).toBe(0);
    expect(report.files.map((f) => [f.file, f.rowsKept])).toEqual([
      ['customers.csv', 4372],
      ['orders.csv', 18532],
      ['tickets.csv', 3654],
    ]);
    expect(book.customers.length).toBe(4372);
    expect(book.orderDay.length).toBe(18532);
    expect(book.ticketDay.length).toBe(3654);
    expect(book.ticketStart[4372]).toBe(3654);
  });
});
