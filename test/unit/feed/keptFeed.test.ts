import { describe, expect, it } from 'vitest';
import { feedReadKey, keptFeed } from '../../../feed/keptFeed';
import type { FeedResult } from '../../../feed/readFeed';
import { parseRules } from '../../../rules/rulesSchema';

describe('a kept feed read', () => {
  it('is read again when the rules file changes how the feed is read, the feed itself unchanged', async () => {
    let reads = 0;
    const feed = keptFeed({ version: async () => 'etag-1', clock: () => new Date('2026-12-01T15:03:00Z') });
    const readWith = (rules: ReturnType<typeof parseRules>) =>
      feed.read({
        key: feedReadKey(rules, '2026-12-01'),
        read: async () => {
          reads++;
          return {} as FeedResult;
        },
      });
    const before = parseRules({ columns: { customers: { owner: 'Sales Rep' } } });
    await readWith(before);
    await readWith(before);
    expect(reads).toBe(1);
    // An admin gives the names in the Sales Rep column their reps: the customers they had stopped are read.
    await readWith(parseRules({ ...before, owners: { 'Ana Ruiz': 'ana.ruiz@contoso.com' } }));
    expect(reads).toBe(2);
    await readWith(parseRules({ ...before, formats: { date: 'day-first' } }));
    expect(reads).toBe(3);
  });

  it("answers a page from the last read while a run's read is under way, but waits for a read of its own", async () => {
    let version = 'friday';
    const feed = keptFeed({ version: async () => version, clock: () => new Date('2026-11-23T14:03:00Z') });
    const friday = { book: { customers: [] } } as unknown as FeedResult;
    const monday = { book: { customers: [] } } as unknown as FeedResult;
    await feed.read({ key: 'k', read: async () => friday });
    let release = () => {};
    const slow = (result: FeedResult) => async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return result;
    };
    // The Monday run reads the new export.
    version = 'monday';
    const run = feed.read({ key: 'k', read: slow(monday), recheck: true });
    await new Promise((resolve) => setImmediate(resolve));
    const during = await feed.readOrLast({ key: 'k', read: slow(monday) });
    expect([during.result === friday, during.newerUnderWay]).toEqual([true, true]);
    release();
    expect(await run).toBe(monday);
    const after = await feed.readOrLast({ key: 'k', read: slow(monday) });
    expect([after.result === monday, after.newerUnderWay]).toEqual([true, false]);
    // A new day read by the page itself: waited for (a read as of yesterday scored today is not the card's).
    const own = feed.readOrLast({ key: 'k2', read: slow(friday) });
    await new Promise((resolve) => setTimeout(resolve, 700));
    release();
    const ownRead = await own;
    expect([ownRead.result === friday, ownRead.newerUnderWay]).toEqual([true, false]);
  });
});
