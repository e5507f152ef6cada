import type { ListedWeek } from '../../rules/listedWeeks';
import { mayPassLater, storageFailureWords } from '../../storage/errors';
import type { ListingStore } from '../../storage/listingStore';

/**
 * What became of the week's listings: recorded (new, or there from an earlier attempt), or not
 * written. `recordedEarlier`: an earlier attempt of the week recorded them, so this failure leaves
 * out only customers this attempt lists anew (the feed changed since): the week is not run again
 * for them, and the admins are not told the week is missing.
 */
export type ListingsOutcome =
  | { status: 'recorded'; recorded: number; alreadyThere: number }
  | { status: 'failed'; error: string; recordedEarlier?: true };

/**
 * Records each listed customer's week. A write Table Storage refuses for now (busy, timed out,
 * unreachable, a row that kept changing) is reported, not thrown: the cards and the audit rows stand,
 * and a later tick of the week writes the listings again (a week already there is left as it was).
 * Any other failure is a bug a later tick would repeat, and is thrown.
 */
export async function recordListings(
  listings: Pick<ListingStore, 'append'>,
  weeks: readonly { customerId: string; week: ListedWeek }[],
  { concurrency, recordedEarlier }: { concurrency: number; recordedEarlier: boolean },
): Promise<ListingsOutcome> {
  try {
    return { status: 'recorded', ...(await listings.append(weeks, { concurrency })) };
  } catch (err) {
    if (!mayPassLater(err)) throw err;
    return {
      status: 'failed',
      error: storageFailureWords(err),
      ...(recordedEarlier ? { recordedEarlier } : {}),
    };
  }
}
