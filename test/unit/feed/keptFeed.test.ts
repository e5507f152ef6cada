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
});
