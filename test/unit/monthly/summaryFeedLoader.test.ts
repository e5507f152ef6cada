import { describe, expect, it } from 'vitest';
import { FeedError } from '../../../feed/feedError';
import { summaryFeedLoader } from '../../../jobs/monthly/summaryFeedFigures';
import { type CustomerState, initialState } from '../../../rules/customerState';
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
      { info: () => {}, warn: (m) => warned.push(m) },
    );
    expect(await load('2026-11', new Date('2026-12-01T09:00:00Z'))).toEqual({});
    expect(warned).toEqual([
      'the 2026-11 summary goes without the saves that hold and the holdout comparison: No orders file in the feed folder',
    ]);
  });

  it('a save whose customer stopped ordering and was then marked lost is a save that did not hold', async () => {
    const weekly = (customerId: string, from: string, to: string) =>
      Array.from({ length: (Date.parse(to) - Date.parse(from)) / 604_800_000 + 1 }, (_, k) => ({
        customerId,
        date: new Date(Date.parse(from) + k * 604_800_000).toISOString().slice(0, 10),
        amount: 300,
      }));
    // Both won back on 1 September. Kept ordered every Monday since; Gone ordered never again,
    // and its rep marked it lost on 2 November.
    const book = bookFromRows({
      customers: [{ id: 'kept' }, { id: 'gone' }],
      orders: [...weekly('kept', '2026-06-01', '2026-11-30'), ...weekly('gone', '2026-06-01', '2026-08-17')],
    });
    const saved = (customerId: string, more: Partial<CustomerState> = {}): CustomerState => ({
      ...initialState({ customerId, name: customerId, owner: 'ana@x.com', monthlyValue: 1200 }),
      wonBackAt: '2026-09-01',
      recoveredValue: 1200,
      ...more,
    });
    const states = new Map([
      ['kept', saved('kept')],
      ['gone', saved('gone', { status: 'lost', lostAt: '2026-11-02', lostReason: 'went_quiet' })],
    ]);
    const load = summaryFeedLoader(
      async () => ({ book, report: { files: [], rowsSkipped: 0 } }),
      { getAll: async () => states },
      defaultRules(),
      'UTC',
    );
    const figures = await load('2026-11', new Date('2026-12-03T09:00:00Z'));
    // By hand, as of 30 November: at 30, 60 and 90 days Kept had ordered and was on rhythm, Gone not.
    expect(figures.saves?.saves.map((s) => s.customerId)).toEqual(['kept', 'gone']);
    expect(figures.saves?.saves.map((s) => s.checks.map((c) => c.held))).toEqual([
      [true, true, true],
      [false, false, false],
    ]);
  });
});
