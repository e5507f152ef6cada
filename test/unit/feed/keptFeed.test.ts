import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { feedReadKey, keptFeed, LAST_READ_KEPT_MAX_CUSTOMERS } from '../../../feed/keptFeed';
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
          return { book: { customers: [] } } as unknown as FeedResult;
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

  it("lets a large book's last read go while the run reads the next export: its memory is the run's", async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let version = 'friday';
    const feed = keptFeed({ version: async () => version, clock: () => new Date('2026-11-23T14:03:00Z') });
    const large = () =>
      ({ book: { customers: { length: LAST_READ_KEPT_MAX_CUSTOMERS + 1 } } }) as unknown as FeedResult;
    let friday: WeakRef<FeedResult> | null = null;
    await feed.read({
      key: 'k',
      read: async () => {
        const result = large();
        friday = new WeakRef(result);
        return result;
      },
    });
    let release = () => {};
    version = 'monday';
    const monday = large();
    const run = feed.read({
      key: 'k',
      recheck: true,
      read: () =>
        new Promise<FeedResult>((resolve) => {
          release = () => resolve(monday);
        }),
    });
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    // At a million customers a read and the tabs' scoring of it are near a gigabyte, which the weekly
    // run reading the next export on the same instance does not have to spare.
    expect((friday as WeakRef<FeedResult> | null)?.deref()).toBeUndefined();
    // A page meanwhile waits for the run's read, as it did before the last read was kept.
    const page = feed.readOrLast({ key: 'k', read: async () => large() });
    release();
    expect(await run).toBe(monday);
    expect((await page).result).toBe(monday);
  });
});
