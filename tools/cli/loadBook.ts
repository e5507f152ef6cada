import { describeFeedReport } from '../../feed/describeFeedReport';
import { type FeedSettings, feedOptionsFrom } from '../../feed/feedOptions';
import { readFeed } from '../../feed/readFeed';
import type { Book, Rules } from '../../rules';
import { createProgress } from './progressBar';

/** Skipped rows listed line by line per kind of problem and file; the rest are in the kind's count. */
export const LISTED_PER_KIND = 20;

/**
 * Reads the feed with the rules' column mapping (progress on a terminal for big feeds) and writes
 * the feed report to `err`: rows per file, the count of each kind of problem, and the first
 * LISTED_PER_KIND skipped rows of each kind with file, line and reason.
 * With `asOf`, orders dated after it are reported and not counted; with `refundsAsOf` (a backtest's
 * date), refunds given after it of orders before it are not taken off; `settings` are TIME_ZONE and
 * CURRENCY (feedSettingsOf), as the app reads the feed.
 */
export async function loadBook(
  dir: string,
  rules: Rules,
  err: NodeJS.WritableStream,
  options: { asOf?: string; refundsAsOf?: string; settings?: FeedSettings } = {},
): Promise<Book> {
  const progress = createProgress('Reading feed');
  try {
    const { book, report } = await readFeed(dir, {
      ...feedOptionsFrom(rules, options.asOf, options.settings),
      ...(options.refundsAsOf ? { refundsAsOf: options.refundsAsOf } : {}),
      onProgress: (n) => progress.update(n),
    });
    progress.done();
    err.write(
      `${describeFeedReport(report, { maxListed: Number.POSITIVE_INFINITY, maxPerKind: LISTED_PER_KIND }).join('\n')}\n`,
    );
    return book;
  } catch (error) {
    progress.done();
    throw error;
  }
}
