import { describe, expect, it } from 'vitest';
import { FeedError } from '../../../feed/feedError';
import { summaryFeedLoader } from '../../../jobs/monthly/summaryFeedFigures';
import { defaultRules } from '../../../rules/rulesSchema';
import { bookFromRows } from '../../helpers/bookFromRows';

const noStates = { getAll: async () => new Map() };

describe('summaryFeedLoader', () => {
  it('reads the feed once, as of the team’s today, for the saves and the holdout outcomes', async () => {
    const asked: string[] = [];
    const book = bookFromRows({
      customers: [{ id: 'A' }],
      orders: [{ customerId: 'A', date: '2026-11-28', amount: 10 }],
    });
    const load = summaryFeedLoader(
      async (asOf) => {
        asked.push(asOf);
        return { book, report: { files: [], rowsSkipped: 0 } };
      },
      noStates,
      defaultRules(),
      'Pacific/Auckland',
    );
    const figures = await load('2026-11', new Date('2026-11-30T12:00:00Z'));
    // Noon UTC on the 30th is already 1 December in Auckland.
    expect(asked).toEqual(['2026-12-01']);
    expect(figures.saves?.asOf).toBe('2026-11-30');
    expect(figures.outcomes?.asOf).toBe('2026-12-01');
    expect(figures.outcomes?.orderedAfter('A', '2026-11-20')).toBe(true);
  });

  it('a feed that cannot be read gives no figures and says why, so the month’s card still goes out', async () => {
    const warned: string[] = [];
    const load = summaryFeedLoader(
      async () => {
        throw new FeedError('missing_file', 'No orders file in the feed folder', 'orders.csv');
      },
      noStates,
      defaultRules(),
      'UTC',
      (m) => warned.push(m),
    );
    expect(await load('2026-11', new Date('2026-12-01T09:00:00Z'))).toEqual({});
    expect(warned).toEqual([
      'the 2026-11 summary goes without the saves that hold and the holdout comparison: No orders file in the feed folder',
    ]);
  });
});
