import type { PendingNotice, RunLedger } from '../../storage/runLedger';
import { moreKind, toldKey, untoldReps, untoldText } from './toldReps';
import { type AdminNotifier, type NoticeRuns, noticeToKeep, postOnce } from './weeklyNotice';
import { ledgerSummary, type NotReached, type RepOutcome, type WeeklyRunDone } from './weeklyReport';
import { type ListingsState, toRetry, willRetry } from './weeklyRetry';

/** The part of a completed run's report its closing reads and fills in. */
interface ClosingReport {
  counts: { failed: number; waiting: number };
  /** The weekly run's listings: a failed write no attempt made good is tried again as a failed rep's card is. */
  listings?: ListingsState;
  outcomes: RepOutcome[];
  notReached: NotReached[];
  retry: WeeklyRunDone['retry'];
  adminNotice: WeeklyRunDone['adminNotice'];
  laterNotice?: WeeklyRunDone['laterNotice'];
  durationMs: number;
}

/**
 * How the run's notices name reps: the run's title (`Weekly run weekly-2026-W48`), what a rep is sent,
 * each rep as the account names them, and which reps its notices tell of (default: every rep not reached).
 */
export interface RunNaming {
  run: string;
  sent: 'card' | 'digest';
  rep: (address: string) => string;
  tells?: (n: NotReached) => boolean;
}

export interface RunClosing {
  runKey: string;
  /** The tick's time (ISO), recorded with a posted notice. */
  at: string;
  now: Date;
  attempt: number;
  extraAttempts: number;
  /** Milliseconds since the tick started. */
  elapsedMs: () => number;
  /**
   * No later tick runs this run key (the timer's next tick is in the next week, or day): the notice
   * is posted now, as no later attempt would post it. When this tick does not run, or dies before its
   * end, the next run key's ticks tell of the reps the deferring tick left without a card (tellEarlierRun).
   */
  lastTick?: boolean;
  /**
   * How the run's notices name reps: which reps the run's own notice records as told (`tells`), and
   * how the notice of the reps a later tick left without a card, once the run's own went out on an
   * earlier tick, names them (untoldText); none: no such notice, and the run's own tells of every rep
   * not reached.
   */
  naming?: RunNaming;
  /**
   * A notice other than the run's own an earlier tick could not post (pendingNoticeOf): tried again
   * now, and kept while it fails. The run's own is not: this closing posts it afresh.
   */
  earlierPending?: PendingNotice | null;
}

/**
 * The closing the weekly and daily runs share. When failed reps are tried again on a later tick, or
 * reps wait for their own send time, the admins' notice waits for the last attempt (unless this is
 * the run key's last tick); otherwise `noticeText`, when given, is posted once, recording the reps
 * it names. Once it went out on an earlier tick, the reps this tick left without a card whom no
 * notice named so (a rep who added the app back and whose card failed, one refused after the wait
 * Teams asked for) are named in a notice of their own, once: every rep with no card this week is
 * told of. Then the run row is finished with the report (without the per-rep list the ledger's rows
 * hold).
 */
export async function closeRun<R extends ClosingReport>(
  report: R,
  run: RunClosing,
  noticeText: ((report: R) => string) | null,
  deps: {
    notifyAdmins?: AdminNotifier;
    runs: NoticeRuns & Pick<RunLedger, 'finishRun' | 'namedInNotices' | 'getDelivery'>;
  },
): Promise<void> {
  const tells = run.naming?.tells ?? (() => true);
  let text = '';
  let named: string[] = [];
  // The run key's last tick defers nothing: no later attempt would post the notice.
  if (!run.lastTick && willRetry(run.attempt, toRetry(report), run.extraAttempts)) {
    report.retry = 'next_tick';
    report.adminNotice = 'deferred';
  } else if (!run.lastTick && report.counts.waiting > 0) {
    // Reps waiting for their own send time are not failures: the run goes on at their time, and the
    // notice (posted once a run) waits for its end, so it names only who never got a card.
    report.retry = 'rep_time';
    report.adminNotice = 'deferred';
  } else if (noticeText) {
    text = noticeText(report);
    // The "and N more" the text leaves to the log are told of too: the log has them.
    named = report.notReached.filter(tells).map(toldKey);
    report.adminNotice = await postOnce(text, { ...noticeOf(run), kind: 'run', named }, deps);
  }
  // A notice of its own that cannot be posted is kept, unless the run's own is (which names the
  // same reps, and a row keeps one).
  let unposted: PendingNotice | undefined;
  const earlier = run.earlierPending;
  if (earlier && earlier.kind !== 'run') {
    const result = await postOnce(
      earlier.text,
      { ...noticeOf(run), kind: earlier.kind, named: earlier.named },
      deps,
    );
    unposted = noticeToKeep(result, earlier);
  }
  // Only once the run's own notice went out on an earlier tick: one posted or kept now, or one
  // still deferred, is this tick's account or a later one's, which names these reps itself.
  if (run.naming && report.adminNotice === 'already_sent') {
    const told = await deps.runs.namedInNotices(run.runKey);
    // A notice kept unposted names its reps already: they are not named twice in the one kept.
    for (const key of unposted?.named ?? []) told.add(key);
    const untold = (
      await untoldReps(
        report.outcomes,
        told,
        async (rep) => (await deps.runs.getDelivery(run.runKey, rep))?.status === 'delivered',
      )
    ).filter(tells);
    if (untold.length > 0) {
      const more = untold.map(toldKey);
      const notice = {
        kind: moreKind(more),
        text: untoldText(run.naming, untold, run.naming.rep),
        named: more,
      };
      report.laterNotice = await postOnce(notice.text, { ...noticeOf(run), ...notice }, deps);
      const kept = noticeToKeep(report.laterNotice, notice);
      // The row keeps one notice: two the admins never got are kept as one, the earlier first, each
      // under its own title, under the kind of all the reps they name.
      const both = [...(unposted?.named ?? []), ...more];
      unposted =
        kept && unposted
          ? { kind: moreKind(both), text: `${unposted.text}\n${kept.text}`, named: both }
          : (kept ?? unposted);
    }
  }
  report.durationMs = Math.round(run.elapsedMs());
  // A notice that could not be posted stays on the run row: later ticks of the run key try it again.
  await deps.runs.finishRun(
    run.runKey,
    new Date(run.now.getTime() + report.durationMs).toISOString(),
    ledgerSummary(report),
    noticeToKeep(report.adminNotice, { text, kind: 'run', named }) ?? unposted,
  );
}

/** Where and when the closing's notices are posted: their post's claim is timed as the tick goes on. */
function noticeOf(run: RunClosing): { runKey: string; at: string; clock: () => Date } {
  return { runKey: run.runKey, at: run.at, clock: () => new Date(run.now.getTime() + run.elapsedMs()) };
}
