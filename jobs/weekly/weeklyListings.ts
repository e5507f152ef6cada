import type { Log } from '../../bot/ports';
import { truncate } from '../../cards/format';
import type { ListedWeek } from '../../rules/listedWeeks';
import { mayPassLater, storageFailureWords } from '../../storage/errors';
import type { ListingStore, UnreadableRow } from '../../storage/listingStore';

/** How much of an unreadable row's text the warning quotes: enough to recognise it; the row keeps it all. */
const QUOTED_CHARS = 200;

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
 * Any other failure is a bug a later tick would repeat, and is thrown. A customer's row that cannot
 * be read is no such failure: the store starts it again from this week, and the log says so.
 */
export async function recordListings(
  listings: Pick<ListingStore, 'append'>,
  weeks: readonly { customerId: string; week: ListedWeek }[],
  {
    concurrency,
    recordedEarlier,
    log,
  }: { concurrency: number; recordedEarlier: boolean; log: Pick<Log, 'warn'> },
): Promise<ListingsOutcome> {
  const onUnreadable = ({ customerId, error, text, whole }: UnreadableRow) =>
    // The id and the text's start in the words too: a log that prints no details still says whose and what.
    log.warn(
      `customer ${customerId}: their weeks on the lists could not be read (${error}), so their row starts again from this week; the text it held is kept in the row's unreadableWeeks column${whole ? '' : ' (its end cut to what the column holds)'} and begins: ${truncate(text, QUOTED_CHARS)}`,
      { customerId, error },
    );
  try {
    return { status: 'recorded', ...(await listings.append(weeks, { concurrency, onUnreadable })) };
  } catch (err) {
    if (!mayPassLater(err)) throw err;
    return {
      status: 'failed',
      error: storageFailureWords(err),
      ...(recordedEarlier ? { recordedEarlier } : {}),
    };
  }
}
