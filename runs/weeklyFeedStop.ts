import { FeedError } from '../feed/feedError';
import type { FeedResult } from '../feed/readFeed';
import type { RunLedger } from '../storage';
import type { WeeklyFeedStopped } from './weeklyReport';
import type { AdminNotifier, WeeklyLog } from './weeklyRun';

/**
 * A feed that cannot be read (a missing or header-only customers or orders file, a missing column,
 * dates that read two ways) stops the week before anything is scored or stored: every state row
 * stays as it was, no card goes out, and the admins are told what to fix. The run row is finished
 * so the timer does not retry every 15 minutes; once the feed is fixed, a forced run (`npm run
 * weekly`, or the admin route) runs the week.
 */

/** The feed, or the FeedError that stops the week (any other error is thrown). */
export async function readFeedOrStop(read: () => Promise<FeedResult>): Promise<FeedResult | FeedError> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof FeedError) return error;
    throw error;
  }
}

/** The admins' text for a week stopped by the feed. */
export function feedStoppedText(runKey: string, error: FeedError): string {
  return (
    `The weekly run ${runKey} stopped before scoring anyone: ${error.message} ` +
    'No customer was changed and no card was sent. Fix the feed, then run the week again.'
  );
}

/** Logs, tells the admins, finishes the run row, and returns the report of a week stopped by the feed. */
export async function stopForFeed(
  error: FeedError,
  run: { runKey: string; localDate: string; finishedAt: string },
  deps: { runs: Pick<RunLedger, 'finishRun'>; log: WeeklyLog; notifyAdmins?: AdminNotifier },
): Promise<WeeklyFeedStopped> {
  const text = feedStoppedText(run.runKey, error);
  deps.log.warn(text, { runKey: run.runKey, code: error.code, file: error.file });
  const adminNotice = deps.notifyAdmins ? await deps.notifyAdmins(text) : 'not_configured';
  const report: WeeklyFeedStopped = {
    status: 'stopped',
    reason: 'feed_error',
    runKey: run.runKey,
    localDate: run.localDate,
    feedError: { code: error.code, file: error.file, message: error.message },
    adminNotice,
  };
  await deps.runs.finishRun(run.runKey, run.finishedAt, report);
  return report;
}
