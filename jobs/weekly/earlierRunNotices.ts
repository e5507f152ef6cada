import { repNameWithAddress } from '../../cards/repNames';
import type { RunRecord } from '../../storage';
import type { PendingNotice, RunLedger } from '../../storage/runLedger';
import type { RunNaming } from './runClosing';
import { missedTickText, moreKind, toldKey, untoldOf } from './toldReps';
import { noCardAfterWait } from './weeklyAfterWait';
import {
  type NoticeRuns,
  type PostOnceResult,
  pendingNoticeOf,
  postOnce,
  type RetryNoticeDeps,
  retryNotice,
  warnIfUnconfirmed,
} from './weeklyNotice';
import { repDirectory } from './weeklyRepDirectory';
import { missedListingsText } from './weeklyReport';
import { notReachedIn } from './weeklyRepsBack';
import { listingsMissing, previousAttempt, runSettled } from './weeklyRetry';

/**
 * How the notice of an earlier run's reps no notice told of names the run (`run`, and `which`:
 * "last week's run"), what a rep is sent, and which reps it tells of.
 */
export interface EarlierRunNaming extends Omit<RunNaming, 'rep'> {
  which: string;
}

/**
 * The admins' notices the run before this one (`earlierKey`: last week's, yesterday's) left to this
 * run key's ticks, its own being over: the one it kept unposted (retryNotice), and, when its last
 * attempt left the notice, or a rep's card after a wait Teams asked for, to a later tick that never
 * ran to its end (the host down at the run key's last tick, or the process dying during it), one of
 * its reps with no card whom no notice named so, and one of its listings when they were not recorded
 * (a weekly run's). Each tick tries them under the earlier run key, where postOnce records them: a
 * rerun posts none twice.
 */
export async function tellEarlierRun(
  deps: EarlierRunDeps,
  earlierKey: string,
  naming: EarlierRunNaming,
  now: Date,
): Promise<void> {
  if (!deps.notifyAdmins) return;
  const run = await deps.runs.getRun(earlierKey);
  const pending = pendingNoticeOf(run);
  if (pending) await retryNotice(deps, earlierKey, pending, now);
  // Settled: its last attempt posted its notice and left no card to a later tick.
  if (!run?.finishedAt || runSettled(run)) return;
  await tellUntoldReps(deps, earlierKey, run, naming, pending, now);
  const previous = previousAttempt(run);
  const listings = previous?.listings;
  // Once the run's own notice went out, the account in it told of listings no attempt recorded.
  if (previous && listingsMissing(listings) && !(await deps.runs.noticeSent(earlierKey, 'run'))) {
    const text = missedListingsText(naming, previous.attempt, listings?.error);
    const result = await postOnce(
      text,
      { runKey: earlierKey, at: now.toISOString(), kind: 'listings' },
      deps,
    );
    logPosted(deps.log, earlierKey, result, 'the listings it could not record');
  }
}

interface EarlierRunDeps extends RetryNoticeDeps {
  runs: NoticeRuns & Pick<RunLedger, 'getRun' | 'namedInNotices' | 'getDelivery'>;
  /** The stored reps, read for their names only when there is a notice to post. */
  conversations: Parameters<typeof repDirectory>[0];
}

/** The notice of the earlier run's reps with no card whom no notice named (the kept one, `pending`, included). */
async function tellUntoldReps(
  deps: EarlierRunDeps,
  earlierKey: string,
  run: RunRecord,
  naming: EarlierRunNaming,
  pending: PendingNotice | null,
  now: Date,
): Promise<void> {
  const told = await deps.runs.namedInNotices(earlierKey);
  // The kept notice names its reps, posted or not: they are not named twice.
  for (const key of pending?.named ?? []) told.add(key);
  // The reps its row lists (cut past some 12,000 characters): a rep still without the app has no row
  // elsewhere to be found by (repsBackSince finds past the list only those who installed since).
  const missed = notReachedIn(run);
  const untold = await untoldOf(
    missed.listed.filter(naming.tells ?? (() => true)).map(noCardAfterWait),
    told,
    async (rep) => (await deps.runs.getDelivery(earlierKey, rep))?.status === 'delivered',
  );
  if (untold.length === 0) return;
  const { names } = await repDirectory(deps.conversations);
  const named = untold.map(toldKey);
  const row = { listed: missed.listed.length, count: missed.count };
  const text = missedTickText(naming, untold, (rep) => repNameWithAddress(names, rep), row);
  const result = await postOnce(
    text,
    { runKey: earlierKey, at: now.toISOString(), kind: moreKind(named), named },
    deps,
  );
  logPosted(deps.log, earlierKey, result, 'its reps with no card');
}

/** Logs what became of a notice of the earlier run posted after its last tick did not complete (`what` it tells of). */
function logPosted(log: EarlierRunDeps['log'], runKey: string, result: PostOnceResult, what: string): void {
  if (result === 'posted')
    log.info(`run ${runKey}: ${what} told of after its last tick did not complete`, { runKey });
  else if (result === 'failed' || result === 'no_recipient')
    log.warn(`run ${runKey}: the notice of ${what} could not be posted (${result})`, { runKey });
  else warnIfUnconfirmed(log, runKey, result);
}
