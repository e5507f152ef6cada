import { describe, expect, it } from 'vitest';
import { recordListings } from '../../../jobs/weekly/weeklyListings';
import type { ListingStore, UnreadableRow } from '../../../storage/listingStore';

/** An append that replaces one unreadable row, as the Table Storage store reports it. */
function replacing(row: UnreadableRow): Pick<ListingStore, 'append'> {
  return {
    append: async (weeks, options) => {
      options?.onUnreadable?.(row);
      return { recorded: weeks.length, alreadyThere: 0 };
    },
  };
}

async function warnings(row: UnreadableRow): Promise<string[]> {
  const warned: string[] = [];
  await recordListings(replacing(row), [], {
    concurrency: 1,
    recordedEarlier: false,
    log: { warn: (message) => warned.push(message) },
  });
  return warned;
}

describe("the weekly run's warning of a customer's row it started again", () => {
  it('quotes the first 200 characters of a long text, and says when the column could not keep all of it', async () => {
    const text = `${'x'.repeat(250)}${'y'.repeat(40_000)}`;
    const [cut] = await warnings({
      customerId: 'C-1',
      error: 'listed weeks are not JSON',
      text,
      whole: false,
    });
    expect(cut).toBe(
      `customer C-1: their weeks on the lists could not be read (listed weeks are not JSON), so their row starts again from this week; the text it held is kept in the row's unreadableWeeks column (its end cut to what the column holds) and begins: ${'x'.repeat(199)}…`,
    );
    const [whole] = await warnings({
      customerId: 'C-1',
      error: 'listed weeks are not JSON',
      text: 'oops',
      whole: true,
    });
    expect(whole).toContain("kept in the row's unreadableWeeks column and begins: oops");
  });
});
