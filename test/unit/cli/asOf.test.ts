import { describe, expect, it } from 'vitest';
import { asOfProblem, FAR_PAST_DAYS } from '../../../tools/cli/asOf';
import { bookFromRows } from '../../helpers/bookFromRows';

/** Two customers ordering monthly through 2026: too few to call the feed stale. */
const small = bookFromRows({
  customers: [{ id: 'A' }, { id: 'B' }],
  orders: Array.from({ length: 12 }, (_, m) => [
    { customerId: 'A', date: `2026-${String(m + 1).padStart(2, '0')}-05`, amount: 10 },
    { customerId: 'B', date: `2026-${String(m + 1).padStart(2, '0')}-20`, amount: 10 },
  ]).flat(),
});

describe('asOfProblem', () => {
  it('lets a small book be late without calling its feed stale, but questions a date months past it', () => {
    expect(asOfProblem(small, '2027-01-30')).toBeNull();
    expect(asOfProblem(small, '2027-02-18')).toBeNull();
    expect(asOfProblem(small, '2027-02-19')).toMatch(
      new RegExp(
        `^--as-of 2027-02-19: the newest order in the feed is on 2026-12-20, ${FAR_PAST_DAYS + 1} days before 2027-02-19`,
      ),
    );
  });

  it('says when --as-of is before the first order', () => {
    expect(asOfProblem(small, '2025-12-31')).toBe(
      "--as-of 2025-12-31 is before the feed's first order (2026-01-05): nobody has ordered yet, so nobody is listed.",
    );
  });
});
