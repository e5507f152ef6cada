import type { Log } from '../bot/ports';
import { countOf } from '../cards/format';
import { describeFeedReport } from './describeFeedReport';
import type { FeedReport } from './feedReport';

/** Skipped rows a run's log lists of each kind of problem (describeFeedReport lists 20 in all). */
const LOGGED_PER_KIND = 5;

/**
 * What a timer run logs of the feed it read, the same for each run that reads it (weekly, daily,
 * monthly): in Azure the log is where a bad feed row is reported, with file, line and reason, as the
 * CLI prints them, a few of each kind so a wrong row shows beside thousands dated after the run's
 * day. Rows skipped, or a zip passed over, are a warning; with none, what the reader still had to
 * say (customers taken from the orders, order lines merged, amounts read as credits, an order total
 * repeated on each line) is logged
 * as information; a feed read with nothing to say logs nothing.
 */
export function logFeedReport(
  report: FeedReport,
  log: Pick<Log, 'info' | 'warn'>,
  fields: Record<string, unknown> = {},
): void {
  const skipped = report.rowsSkipped > 0 || (report.notes?.length ?? 0) > 0;
  const said =
    report.customersFromOrders !== undefined ||
    report.files.some((f) => f.notes.length > 0 || f.mergedLines > 0);
  if (!skipped && !said) return;
  const lines = describeFeedReport(report, { maxPerKind: LOGGED_PER_KIND });
  const text = `feed: ${countOf(report.rowsSkipped, 'row', 'rows', 'en-US')} skipped\n${lines.join('\n')}`;
  if (skipped) log.warn(text, fields);
  else log.info(text, fields);
}
