import type { DateWording } from '../../bot/taps/actionWords';
import { NO_REP_NAMES, type RepNames, repNameWithAddress } from '../../cards/repNames';
import { plural } from '../../rules/model/plainWords';
import type { RequestCounts } from '../../storage/requestCounter';
import type { PostOnceResult } from '../weekly/weeklyNotice';
import {
  claimedNoticeLine,
  failedRetriedLine,
  LISTED_IN_TEXT,
  laterNoticeLine,
  type NotReached,
  namesWithRemoved,
  nextSendLine,
  type RepOutcome,
  type RepStatus,
  type WeeklyFeedStopped,
  waitingCount,
} from '../weekly/weeklyReport';

/** What a completed daily follow-up run did. */
export interface FollowUpsDone {
  status: 'completed';
  runKey: string;
  /** The team's local date: follow-ups due after `since` up to it went out. */
  localDate: string;
  /** The day of the last completed daily run, or MAX_CATCH_UP_DAYS back when none is that recent. */
  since: string;
  /** How far back the run looked, and why there: the last completed run, or the limit. */
  lookedBack: { days: number; from: 'last_run' | 'limit' };
  forced: boolean;
  resumed: boolean;
  attempt: number;
  /** next_tick: failed reps are tried again on the next tick; rep_time: reps wait for their own send time (nextSendAt). */
  retry: 'next_tick' | 'rep_time' | 'none';
  /** When the next rep waiting for their own send time gets their digest (ISO). */
  nextSendAt?: string;
  feed: { customers: number; rowsSkipped: number };
  /** Follow-ups due today, by kind; overflow: past a digest's row cap (they go out in the rep's next digest). */
  followUps: {
    due: number;
    no_order: number;
    ordered: number;
    /** Marked lost, then ordered. */
    lost_ordered: number;
    silent: number;
    save_slipping: number;
    overflow: number;
  };
  /** Silent past followUps.autoLoseAfterDays, marked lost by the run (or by an earlier attempt). */
  markedLost: { recorded: number; alreadyThere: number };
  /** Saves slipping within the cool-down whose new cycle the run started. */
  savesFlaggedAgain: number;
  /** The digests' follow_up audit rows (one per row sent). */
  followUpRows: { recorded: number; alreadyThere: number };
  /** Reps with a digest, per outcome. */
  counts: Record<RepStatus, number>;
  /** Reps of the feed with nothing due: they hear nothing. */
  quietReps: number;
  notReached: NotReached[];
  sends: { attempts: number; retries: number; throttled: number };
  storage: RequestCounts & { cardSaves: number };
  /** already_sent: an earlier attempt of the day posted it (a forced rerun does not post it again). */
  adminNotice: PostOnceResult | 'not_needed' | 'deferred';
  /** The notice of reps with no digest whom the run's notice, posted earlier, did not name so (runClosing.ts). */
  laterNotice?: PostOnceResult;
  durationMs: number;
  /** prepare: start to the first digest (feed, states, what is due, marked lost); deliver: every rep; followUpRows: their audit rows. */
  phasesMs: { prepare: number; deliver: number; followUpRows: number };
  outcomes: RepOutcome[];
}

/** What a daily timer tick did. */
export type FollowUpsReport =
  | {
      status: 'not_due';
      runKey: string;
      reason:
        | 'before_send_time'
        | 'already_ran'
        | 'in_progress'
        | 'not_a_working_day'
        | 'public_holiday'
        | 'closed_day'
        | 'disabled';
      /** The public holiday the digests wait out (reason public_holiday), e.g. `Easter Monday`. */
      holiday?: string;
      /** A finished run's notice that could not be posted, tried again on this tick. */
      adminNotice?: FollowUpsDone['adminNotice'];
    }
  | WeeklyFeedStopped
  | FollowUpsDone;

/**
 * A short plain-text account of the run for the log and the admins' channel, times in the team's
 * words (`wording`). `names`: each rep's Teams display name, said beside their address as in the weekly run's (a rep who removed the app, by
 * the name they had then).
 */
export function followUpsReportText(
  r: FollowUpsDone,
  wording: DateWording,
  names: RepNames = NO_REP_NAMES,
): string {
  const named = namesWithRemoved(names, r.outcomes);
  const c = r.counts;
  const f = r.followUps;
  const lines = [
    `Follow-ups ${r.runKey}: ${f.due} due (${f.ordered} ordered after a call, ${f.lost_ordered} after being marked lost, ${f.no_order} no order yet, ` +
      `${f.silent} silent, ${f.save_slipping} saves slipping); ${plural(c.delivered, 'digest')} delivered, ` +
      `${c.unreachable} unreachable, ${c.no_conversation} without the app, ${c.failed} failed` +
      waitingCount(c.waiting) +
      '; ' +
      `${plural(r.quietReps, 'rep')} with nothing due.`,
  ];
  // A day whose run did not complete shows here as a longer look back (what this run caught up).
  lines.push(
    r.lookedBack.from === 'limit'
      ? `Looked back ${r.lookedBack.days} days (after ${r.since}), the limit: no follow-ups run completed in them.`
      : `Looked back ${r.lookedBack.days} ${r.lookedBack.days === 1 ? 'day' : 'days'}, to the last completed run (${r.since}).`,
  );
  if (r.markedLost.recorded > 0)
    lines.push(
      `${plural(r.markedLost.recorded, 'customer')} marked lost after silence (the rep can undo it on the digest).`,
    );
  const retried = failedRetriedLine('digest', c.failed, r.retry);
  if (retried) lines.push(retried);
  if (c.waiting > 0 && r.nextSendAt)
    lines.push(
      nextSendLine('digest', r.nextSendAt, wording, ' (what is due for the reps waiting counts then).'),
    );
  // Only the log line says it: the notice's own text is taken before it is posted.
  if (r.adminNotice === 'failed' || r.adminNotice === 'no_recipient')
    lines.push("The admins' notice could not be posted: it is tried again on each tick today and tomorrow.");
  else if (r.adminNotice === 'under_way' || r.adminNotice === 'unconfirmed')
    lines.push(claimedNoticeLine(r.adminNotice));
  const later = laterNoticeLine(r.laterNotice, { sent: 'digest', until: 'today and tomorrow' });
  if (later) lines.push(later);
  for (const n of r.notReached.slice(0, LISTED_IN_TEXT))
    lines.push(`- ${repNameWithAddress(named, n.rep)}: ${n.detail}`);
  return lines.join('\n');
}
