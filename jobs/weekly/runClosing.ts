import type { NoticeKind, PendingNotice, RunLedger } from '../../storage/runLedger';
import { type AdminNotifier, noticeToKeep, postOnce } from './weeklyNotice';
import { ledgerSummary, type NotReached, type RepOutcome, type WeeklyRunDone } from './weeklyReport';
import { willRetry } from './weeklyRetry';

/** The part of a completed run's report its closing reads and fills in. */
interface ClosingReport {
  counts: { failed: number; waiting: number };
  outcomes: RepOutcome[];
  notReached: NotReached[];
  retry: WeeklyRunDone['retry'];
  adminNotice: WeeklyRunDone['adminNotice'];
  afterWaitNotice?: WeeklyRunDone['afterWaitNotice'];
  durationMs: number;
}

/** A notice of its own a closing posts once beside the run's (see closeRun). */
export interface FurtherNotice {
  kind: NoticeKind;
  text: string;
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
   * The notice of reps who got no card after the wait Teams asked for (weeklyAfterWait.ts), when
   * the run's own notice, posted on an earlier tick, said their card would follow: posted now, once
   * per its kind, before the row is finished (a tick run again after a crash finds the notice
   * recorded and does not post it twice).
   */
  afterWait?: FurtherNotice;
  /**
   * A notice other than the run's own an earlier tick could not post (pendingNoticeOf): tried again
   * now, and kept while it fails. The run's own is not: this closing posts it afresh.
   */
  earlierPending?: PendingNotice | null;
}

/**
 * The closing the weekly and daily runs share. When failed reps are tried again on a later tick, or
 * reps wait for their own send time, the admins' notice waits for the last attempt; otherwise
 * `noticeText`, when given, is posted once; so is, after it, the notice of reps who got no card
 * after a wait Teams asked for (`afterWait`). Then the run row is finished with the report (without
 * the per-rep list the ledger's rows hold).
 */
export async function closeRun<R extends ClosingReport>(
  report: R,
  run: RunClosing,
  noticeText: ((report: R) => string) | null,
  deps: { notifyAdmins?: AdminNotifier; runs: Pick<RunLedger, 'noticeSent' | 'recordNotice' | 'finishRun'> },
): Promise<void> {
  let text = '';
  if (willRetry(run.attempt, report.counts.failed, run.extraAttempts)) {
    report.retry = 'next_tick';
    report.adminNotice = 'deferred';
  } else if (report.counts.waiting > 0) {
    // Reps waiting for their own send time are not failures: the run goes on at their time, and the
    // notice (posted once a run) waits for its end, so it names only who never got a card.
    report.retry = 'rep_time';
    report.adminNotice = 'deferred';
  } else if (noticeText) {
    text = noticeText(report);
    report.adminNotice = await postOnce(text, { runKey: run.runKey, at: run.at, kind: 'run' }, deps);
  }
  // A notice of its own that cannot be posted is kept, unless the run's own is (which names the
  // same reps, and a row keeps one).
  let unposted: PendingNotice | undefined;
  const earlier = run.earlierPending;
  if (earlier && earlier.kind !== 'run') {
    const result = await postOnce(earlier.text, { runKey: run.runKey, at: run.at, kind: earlier.kind }, deps);
    unposted = noticeToKeep(result, earlier);
  }
  // Only once the run's own notice went out on an earlier tick: one posted or kept now, or one
  // still deferred, is this tick's account or a later one's, which names these reps itself.
  if (run.afterWait && report.adminNotice === 'already_sent') {
    report.afterWaitNotice = await postOnce(
      run.afterWait.text,
      { runKey: run.runKey, at: run.at, kind: run.afterWait.kind },
      deps,
    );
    const kept = noticeToKeep(report.afterWaitNotice, run.afterWait);
    // The row keeps one notice: two the admins never got are kept as one, the earlier first, each
    // under its own title (posted under the later's kind, which is what a rerun of this tick looks for).
    unposted =
      kept && unposted ? { kind: kept.kind, text: `${unposted.text}\n${kept.text}` } : (kept ?? unposted);
  }
  report.durationMs = Math.round(run.elapsedMs());
  // A notice that could not be posted stays on the run row: later ticks of the run key try it again.
  await deps.runs.finishRun(
    run.runKey,
    new Date(run.now.getTime() + report.durationMs).toISOString(),
    ledgerSummary(report),
    noticeToKeep(report.adminNotice, { text, kind: 'run' }) ?? unposted,
  );
}
