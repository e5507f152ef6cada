import { type DateWording, dayAndTimeWords } from '../../bot/taps/actionWords';
import { localDate } from '../../rules/calendar';
import type { RunRecord } from '../../storage';
import { weeklyTickAtOrAfter } from '../schedule/timerSchedule';
import { weeklyRunKeyOfDay } from '../schedule/weeklyRunDue';
import type { NotReached, RepOutcome } from './weeklyReport';
import { teamsWaits } from './weeklyRepsBack';

/**
 * The reps an earlier tick of the week found Teams asked to wait (the run's row as it left it):
 * `onTeamsWait`, those whose wait is not over at `now`, with its end (sent nothing: Teams would only
 * answer 429 again); `waitedFor`, those of `back` (the reps the run goes on for, repsBackSince) whose
 * wait is over, sent their card this once.
 */
export function teamsWaitsAt(
  previousRun: RunRecord | null,
  back: ReadonlySet<string>,
  now: Date,
): { onTeamsWait: Map<string, string>; waitedFor: Set<string> } {
  const waits = teamsWaits(previousRun);
  const onTeamsWait = new Map([...waits].filter(([, end]) => now.getTime() < Date.parse(end)));
  const waitedFor = new Set([...back].filter((rep) => waits.has(rep) && !onTeamsWait.has(rep)));
  return { onTeamsWait, waitedFor };
}

/**
 * A rep Teams answered 429 with a wait longer than a run waits (their outcome's `retryAt`): the first
 * tick once the wait is over sends them the week's card (repsBackSince finds them), and only once, so
 * a rep Teams keeps throttling is not written to every quarter hour. `afterWait`: the reps this tick
 * went on for because their wait was over; a failure of theirs is final for the week, unless a rep
 * still waits for their own send time: the tick at it goes on with the run and tries every failed
 * rep again, this one too (a new wait Teams asks for is kept, and kept to). A wait whose
 * first tick after it is in the next week (its run key; a wait ending after Sunday's 23:48 tick too)
 * brings no card this week either: the next week's run sends its own. Each failure says which, for
 * the admins; only a rep a later tick sends to keeps `retryAt`.
 */
export function afterTeamsWait(
  outcomes: readonly RepOutcome[],
  run: { runKey: string; wording: DateWording; afterWait: ReadonlySet<string> },
): RepOutcome[] {
  const goesOn = outcomes.some((o) => o.status === 'waiting');
  return outcomes.map((o) => {
    // A send another instance holds is that instance's to tell.
    if (o.status !== 'failed' || o.elsewhere) return o;
    const { retryAt, ...failed } = o;
    // Refused again, whatever the answer (a 429, a 5xx): the send after the wait was its last.
    if (run.afterWait.has(o.rep) && !goesOn)
      return {
        ...failed,
        error: `${o.error}, once more after the wait Teams asked for: no card follows this week unless the run is forced`,
      };
    if (retryAt === undefined) return o;
    const when = dayAndTimeWords(retryAt, run.wording);
    const sendTick = weeklyTickAtOrAfter(new Date(retryAt));
    if (weeklyRunKeyOfDay(localDate(sendTick, run.wording.timeZone)) !== run.runKey)
      return {
        ...failed,
        error: `${o.error}: the wait ends ${when}, after the week's last quarter-hour tick, so no card follows this week unless the run is forced`,
      };
    return { ...o, error: `${o.error}: ${CARD_AFTER_WAIT}${when}` };
  });
}

/** What a rep's account says of the card a later tick sends once Teams' wait is over (then the wait's end). */
const CARD_AFTER_WAIT = 'their card goes out once the wait is over, after ';

/**
 * A rep whose card was left to the tick after a wait Teams asked for (`retryAt`), that tick never
 * having run to its end: failed, as a send after the wait that failed leaves them (told of again
 * when a notice told of the wait), their account saying no card followed.
 */
export function noCardAfterWait(n: NotReached): NotReached {
  const { retryAt, ...failed } = n;
  if (retryAt === undefined) return n;
  const at = n.detail.lastIndexOf(CARD_AFTER_WAIT);
  const detail =
    at < 0
      ? `${n.detail}: no card followed the wait`
      : `${n.detail.slice(0, at)}their card was to go out once the wait was over, after ${n.detail.slice(at + CARD_AFTER_WAIT.length)}, and none did`;
  return { ...failed, detail };
}

/**
 * A rep an earlier tick of the week found Teams asked to wait, whose wait is not over: not sent to
 * now (Teams would only answer 429 again), failed again with the same end of the wait.
 */
export function stillWaitingOnTeams(rep: string, retryAt: string): RepOutcome {
  return {
    rep,
    status: 'failed',
    error:
      'Teams asked to wait before the next message to them (HTTP 429, too many messages), longer than a run waits for one rep, so this tick sent nothing',
    retryAt,
  };
}

/** When the first rep Teams asked to wait is sent their card again (ISO), as the report's field; none when no rep is. */
export function teamsWaitEnds(notReached: readonly NotReached[]): { afterWaitAt?: string } {
  let first: string | undefined;
  for (const n of notReached)
    if (n.retryAt !== undefined && (first === undefined || n.retryAt < first)) first = n.retryAt;
  return first === undefined ? {} : { afterWaitAt: first };
}
