import type { Log } from '../../bot/ports';
import { type RepNames, repNameWithAddress } from '../../cards/repNames';
import type { RunLedger } from '../../storage/runLedger';
import type { RunNaming } from './runClosing';
import { missedTickText, moreKind, toldKey, untoldOf } from './toldReps';
import { noCardAfterWait } from './weeklyAfterWait';
import {
  type AdminNotifier,
  type NoticeRuns,
  pendingNoticeOf,
  postOnce,
  retryNotice,
  warnIfUnconfirmed,
} from './weeklyNotice';
import { notReachedIn } from './weeklyRepsBack';
import { runSettled } from './weeklyRetry';

/**
 * How the notice of an earlier run's reps no notice told of names the run (`run`, and `which`:
 * "last week's run"), what a rep is sent, which reps it tells of, and the reps (read only when
 * there is a notice to post).
 */
export interface EarlierRunNaming extends Omit<RunNaming, 'rep'> {
  which: string;
  names: () => Promise<RepNames>;
}

/**
 * The admins' notices the run before this one (`earlierKey`: last week's, yesterday's) left to this
 * run key's ticks, its own being over: the one it kept unposted (retryNotice), and, when its last
 * attempt left the notice, or a rep's card after a wait Teams asked for, to a later tick that never
 * ran to its end (the host down at the run key's last tick, or the process dying during it), one of
 * its reps with no card whom no notice named so. Each tick tries them under the earlier run key, where postOnce records them: a rerun posts
 * neither twice.
 */
export async function tellEarlierRun(
  deps: {
    notifyAdmins?: AdminNotifier;
    runs: NoticeRuns & Pick<RunLedger, 'getRun' | 'namedInNotices' | 'getDelivery'>;
    log: Pick<Log, 'info' | 'warn'>;
  },
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
  const names = await naming.names();
  const named = untold.map(toldKey);
  const row = { listed: missed.listed.length, count: missed.count };
  const text = missedTickText(naming, untold, (rep) => repNameWithAddress(names, rep), row);
  const result = await postOnce(
    text,
    { runKey: earlierKey, at: now.toISOString(), kind: moreKind(named), named },
    deps,
  );
  if (result === 'posted')
    deps.log.info(`run ${earlierKey}: its reps with no card told of after its last tick did not complete`, {
      runKey: earlierKey,
    });
  else if (result === 'failed' || result === 'no_recipient')
    deps.log.warn(`run ${earlierKey}: the notice of its reps with no card could not be posted (${result})`, {
      runKey: earlierKey,
    });
  else warnIfUnconfirmed(deps.log, earlierKey, result);
}
