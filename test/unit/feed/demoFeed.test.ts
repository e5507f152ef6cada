import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeedResult, readFeed } from '../../../feed/readFeed';
import { dayOf, isoOfDay, SENTIMENT } from '../../../rules/book';
import { DEMO_AS_OF, DEMO_REPS, generateDemoFeed } from '../../../tools/local/generateDemoFeed';

const demoDir = join(__dirname, '../../../demo/feed');
const FILES = ['customers.csv', 'orders.csv', 'tickets.csv'];

describe('the demo feed', () => {
  let feed: FeedResult;
  let regenerated: string;

  beforeAll(async () => {
    feed = await readFeed(demoDir);
    regenerated = await mkdtemp(join(tmpdir(), 'demo-feed-'));
    await generateDemoFeed(regenerated);
  });
  afterAll(async () => {
    await rm(regenerated, { recursive: true, force: true });
  });

  it('is exactly what the generator writes (deterministic, committed up to date)', async () => {
    for (const file of FILES) {
      expect(await readFile(join(regenerated, file), 'utf8'), file).toBe(
        await readFile(join(demoDir, file), 'utf8'),
      );
    }
  });

  it('loads with zero problems: about 300 customers, five reps, 15 months up to 2026-11-20', () => {
    const { book, report } = feed;
    expect(report.rowsSkipped).toBe(0);
    expect(book.customers.length).toBe(300);
    expect(new Set(book.customers.map((c) => c.owner))).toEqual(new Set(DEMO_REPS));
    expect(isoOfDay(Math.min(...book.orderDay))).toBe('2025-08-21');
    expect(isoOfDay(Math.max(...book.orderDay))).toBe('2026-11-20');
    expect(book.ticketDay.length).toBeGreaterThan(100);
    const blanks = book.customers.filter((c) => c.monthlyValue === null).length;
    expect(blanks).toBeGreaterThan(30);
    expect(blanks).toBeLessThan(120);
  });

  it('has Greenfield Cafe slipping as the story tells', () => {
    const { book } = feed;
    const i = book.customers.findIndex((c) => c.name === 'Greenfield Cafe');
    expect(book.customers[i]).toMatchObject({ owner: 'ana.ruiz@contoso.example', monthlyValue: 2400 });
    const days = Array.from(book.orderDay.subarray(book.orderStart[i], book.orderStart[i + 1]));
    const gaps = days.slice(1).map((d, k) => d - days[k]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(8);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(10);
    const asOf = dayOf(DEMO_AS_OF);
    expect(asOf - days[days.length - 1]).toBe(34);
    const recentNegative = [];
    for (let k = book.ticketStart[i]; k < book.ticketStart[i + 1]; k++) {
      if (asOf - book.ticketDay[k] <= 30 && book.ticketSentiment[k] === SENTIMENT.negative)
        recentNegative.push(k);
    }
    expect(recentNegative.length).toBe(1);
    // About $2,400 a month: the last 90 days before the last order.
    let spend = 0;
    for (let k = book.orderStart[i]; k < book.orderStart[i + 1]; k++) {
      if (book.orderDay[k] > days[days.length - 1] - 90) spend += book.orderAmount[k];
    }
    expect(spend / 3).toBeGreaterThan(2200);
    expect(spend / 3).toBeLessThan(2700);
  });
});
