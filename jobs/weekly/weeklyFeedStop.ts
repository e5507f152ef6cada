import type { Log } from '../../bot/ports';
import { FeedError } from '../../feed/feedError';
import type { FeedResult } from '../../feed/readFeed';
import { plural } from '../../rules/model/plainWords';
import { MAX_CATCH_UP_DAYS } from '../schedule';
import { type AdminNotifier, type NoticeRuns, postOnce, type RunNotice } from './weeklyNotice';
import type { WeeklyFeedStopped } from './weeklyReport';
import type { PreviousAttempt } from './weeklyRetry';

/**
 * A feed that cannot be read (a missing or header-only customers or orders file, a missing column,
 * dates that read two ways) stops the week (or the day's follow-ups) before anything is scored or
 * stored: every state row stays as it was, no card goes out, and the admins are told what to fix,
 * once: the notice is recorded in the run ledger when it is posted, and a tick whose post failed
 * leaves it for the next tick to try again. The run row is left unfinished, so each later tick reads
 * the feed again (a failed read costs a listing and a download) and the run goes ahead as soon as
 * the feed is fixed.
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

/** Which run the feed stopped: the weekly lists or the daily follow-ups. */
export type FeedStoppedRun = 'weekly' | 'daily';

/** What an earlier attempt of the run had done (its counts) when a later tick of it (a rep's own send time, a retry) finds the feed broken. */
export type EarlierAttempt = PreviousAttempt['counts'];

/**
 * The admins' text for a run stopped by the feed: a title line, then what stopped it and what to do,
 * each on a line of its own (the notice card shows the first line as its title). A run an earlier
 * attempt completed (`earlier`) has sent cards already: those stand, and the text says who waits.
 */
export function feedStoppedText(
  runKey: string,
  error: FeedError,
  kind: FeedStoppedRun = 'weekly',
  earlier?: EarlierAttempt,
): string {
  if (earlier) return goingOnStoppedText(runKey, error, kind, earlier);
  const lines =
    kind === 'weekly'
      ? [
          `The weekly run ${runKey} stopped before scoring anyone.`,
          error.message,
          'No customer was changed and no card was sent.',
          'Fix the feed: the run tries again every 15 minutes this week.',
        ]
      : [
          `The follow-ups run ${runKey} stopped before anything was sent.`,
          error.message,
          'No customer was changed and no digest was sent.',
          'Fix the feed: the run reads it again every 15 minutes, and the first run that reads it sends what ' +
            `fell due meanwhile (up to ${MAX_CATCH_UP_DAYS} days back).`,
          'This notice is not repeated on the days the feed keeps stopping the run.',
        ];
  return lines.join('\n');
}

function goingOnStoppedText(
  runKey: string,
  error: FeedError,
  kind: FeedStoppedRun,
  c: EarlierAttempt,
): string {
  const weekly = kind === 'weekly';
  const sent = `${plural(c.delivered, weekly ? 'card' : 'digest')} sent earlier ${weekly ? 'this week' : 'today'}`;
  const stand = c.delivered > 0 ? `The ${sent} ${c.delivered === 1 ? 'stands' : 'stand'}; ` : '';
  // Such a tick runs for reps waiting for their own time or, else, for failed reps (decideAttempt).
  const next =
    c.waiting > 0
      ? `${plural(c.waiting, 'rep')} waiting for their own send time ${c.waiting === 1 ? 'gets' : 'get'} theirs`
      : `${stand ? 'the' : 'The'} ${plural(c.failed, 'rep')} whose send failed ${c.failed === 1 ? 'is' : 'are'} tried again`;
  return [
    `The ${weekly ? 'weekly' : 'follow-ups'} run ${runKey} could not go on.`,
    error.message,
    `${stand}${next} once the feed reads again${weekly ? '' : ' today, else in their next digest'}.`,
    weekly
      ? 'Fix the feed: the run tries again every 15 minutes this week.'
      : 'Fix the feed: the run reads it again every 15 minutes today.',
  ].join('\n');
}

/**
 * Logs, tells the admins unless an earlier tick's notice was posted, and returns the report of a
 * week stopped by the feed. The run row is not finished: the next tick tries again.
 */
export async function stopForFeed(
  error: FeedError,
  run: {
    runKey: string;
    localDate: string;
    at: string;
    kind?: FeedStoppedRun;
    /** True when an earlier run's notice told the admins of this stop already (see postOnce). */
    toldEarlier?: RunNotice['toldEarlier'];
    /** What an earlier attempt of this run had done, when one completed (feedStoppedText). */
    earlier?: EarlierAttempt;
  },
  deps: { log: Log; notifyAdmins?: AdminNotifier; runs: NoticeRuns },
): Promise<WeeklyFeedStopped> {
  const text = feedStoppedText(run.runKey, error, run.kind, run.earlier);
  // The same problem (its kind and file), not the same words: a stale feed's day count grows daily.
  const posted = await postOnce(text, { ...run, kind: 'feed', about: `${error.code} ${error.file}` }, deps);
  const adminNotice = posted === 'already_sent' ? 'told_earlier' : posted;
  const fields = { runKey: run.runKey, code: error.code, file: error.file };
  // Each tick the feed stays broken says so in a line; the whole account is a warning until the
  // admins have it, not four times an hour all day.
  if (adminNotice === 'told_earlier')
    deps.log.info(
      `${run.runKey} still stopped by the feed (${error.code}); the admins were told earlier`,
      fields,
    );
  else deps.log.warn(text, fields);
  return {
    status: 'stopped',
    reason: 'feed_error',
    runKey: run.runKey,
    localDate: run.localDate,
    feedError: { code: error.code, file: error.file, message: error.message },
    adminNotice,
    retry: 'next_tick',
  };
}
