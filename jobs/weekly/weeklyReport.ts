import { type DateWording, dayAndTimeWords } from '../../bot/taps/actionWords';
import { endOfSentence } from '../../cards/format';
import { NO_REP_NAMES, type RepNames, repNameWithAddress, withFormerReps } from '../../cards/repNames';
import type { ModelChoice } from '../../rules/model/bookModel';
import { plural, rankingText } from '../../rules/model/plainWords';
import type { RequestCounts } from '../../storage/requestCounter';
import type { Delivery } from '../../storage/runLedger';
import type { BookChanges } from './weeklyBookChanges';
import type { ListingsOutcome } from './weeklyListings';
import type { GateCounts } from './weeklyLists';
import type { PostOnceResult } from './weeklyNotice';
import type { RefusedCustomer } from './weeklyRefused';

/** How one rep's week ended. `earlier`: a previous attempt of this run already handled them (from the ledger). */
export type RepOutcome =
  | { rep: string; status: 'delivered'; activityId: string | null; customers: number; earlier: boolean }
  | { rep: string; status: 'nothing_to_send'; earlier: boolean }
  | { rep: string; status: 'unreachable'; code: string; earlier: boolean }
  /**
   * removedOn: the day the rep uninstalled the app, in words (none: they never installed it, or before
   * removals were kept); removedName: their Teams display name then, for the admins' notice.
   */
  | { rep: string; status: 'no_conversation'; removedOn?: string; removedName?: string }
  /**
   * retryAt: Teams asked (429) to wait until then before the next message to them (ISO); elsewhere:
   * another instance is sending their card (its claim, weeklyClaims.ts), and its run answers for it.
   */
  | { rep: string; status: 'failed'; error: string; retryAt?: string; elsewhere?: true }
  /** The rep's own send time (their zone's) has not come yet: a later tick of the run sends it, at `until`. */
  | { rep: string; status: 'waiting'; until: string };

export type RepStatus = RepOutcome['status'];
export const REP_STATUSES: readonly RepStatus[] = [
  'delivered',
  'nothing_to_send',
  'unreachable',
  'no_conversation',
  'failed',
  'waiting',
];

/** A rep the run could not reach, and why, for the admins. */
export interface NotReached {
  rep: string;
  status: 'unreachable' | 'no_conversation' | 'failed';
  detail: string;
  /** A failed rep Teams asked to wait: when a later tick of the week sends their card (weeklyAfterWait.ts). */
  retryAt?: string;
  /** An unreachable rep's: Teams' error code (what an admin does about it depends on it). */
  code?: string;
}

/** What a completed weekly run did. */
export interface WeeklyRunDone {
  status: 'completed';
  runKey: string;
  /** The team's local date the book was scored as of. */
  localDate: string;
  forced: boolean;
  /** True when an earlier attempt of this run had started (a crash, a rerun). */
  resumed: boolean;
  /** Which attempt of this week's run this was (1 = the scheduled one; later ones retry failed reps). */
  attempt: number;
  /**
   * next_tick: reps failed and attempts remain, so a later timer tick runs the week again;
   * rep_time: no failure left to try again, but reps wait for their own send time (nextSendAt).
   */
  retry: 'next_tick' | 'rep_time' | 'none';
  /** When the next waiting rep's card goes out (ISO): the run's next tick that sends anything. */
  nextSendAt?: string;
  /** When the timer ticks next (ISO): a rep Teams asked to wait past it is not tried then (rows before have none). */
  nextTickAt?: string;
  /** When the first rep Teams asked (429) to wait is sent their card, once the wait is over (ISO; weeklyAfterWait.ts). */
  afterWaitAt?: string;
  /** lastOrderDay: the newest order day the run read (YYYY-MM-DD), for next week's replay of its cards. */
  /**
   * notes: what the feed reader passed over (a zip that cannot be read) and left out of the orders or
   * took off them (orders left out by their status, refunds), in the feed report's words (feedNotesForRun).
   */
  feed: { customers: number; rowsSkipped: number; lastOrderDay?: string | null; notes?: string[] };
  /** The team's date of the week's first attempt, which planned the cards (a rerun later sends none). */
  cardsOn?: string;
  /** Customers the feed dropped or moved to another rep since the rows were stored. */
  bookChanges: BookChanges;
  /** Customers left out of the run because storage would refuse their rows, with the reason. */
  refused: RefusedCustomer[];
  gates: GateCounts;
  /** Whether the book's own model or the default rules ranked this week, and the figures that chose. */
  ranking?: ModelChoice;
  /**
   * State rows stored; keptForRep: rows a rep's action changed while the run was going, left as the
   * rep made them; reapplied: rows changed otherwise, written again with the run's scoring on top.
   */
  stateWrites: { written: number; transactions: number; keptForRep: number; reapplied: number };
  surfacedRows: { recorded: number; alreadyThere: number };
  /**
   * The holdout (rules.holdoutPercent): customers who passed the gates and were kept off the cards
   * at random, and their `held_out` audit rows (recorded now, or already there from an earlier attempt).
   */
  holdout: { percent: number; heldOut: number; recorded: number; alreadyThere: number };
  /** Each listed customer's week (storage/listingStore.ts); when refused for now, a later tick writes them. */
  listings: ListingsOutcome;
  /** Reps per outcome; every owner in the feed is in exactly one. */
  counts: Record<RepStatus, number>;
  /** Of the delivered, how many a previous attempt of this run sent. */
  deliveredEarlier: number;
  notReached: NotReached[];
  sends: { attempts: number; retries: number; throttled: number };
  storage: RequestCounts & { cardSaves: number };
  /**
   * The rules file when it is not valid: which file, what is wrong, when the valid one the run used
   * was read (see feed/keptRules.ts), and what became of the admins' notice of it.
   */
  rulesFile?: {
    source: string;
    problems: string[];
    validAt: string | null;
    /** validAt's day in the team's zone, as the cards word dates in LOCALE (`Fri 20 Nov`). */
    validOn: string | null;
    adminNotice: PostOnceResult;
  };
  /** deferred: a retry follows, or reps wait for their own send time, and the notice waits for the run's end. */
  adminNotice: PostOnceResult | 'not_needed' | 'deferred';
  /**
   * The notice of the reps this tick left without a card whom no notice of the run had named so, once
   * the run's own went out on an earlier tick (runClosing.ts); none when there were none.
   */
  laterNotice?: PostOnceResult;
  durationMs: number;
  /**
   * prepare: start to the first card (feed, states, scoring, the listed rows stored); then, side by
   * side, deliver (every rep handled) and storeRest (the other state rows and the audit rows).
   */
  phasesMs: { prepare: number; deliver: number; storeRest: number };
  /** Per rep, in owner order (not stored in the ledger's run row: the per-rep rows hold it). */
  outcomes: RepOutcome[];
}

/** A week the feed stopped before anything was scored or stored (see weeklyFeedStop.ts). */
export interface WeeklyFeedStopped {
  status: 'stopped';
  reason: 'feed_error';
  runKey: string;
  localDate: string;
  feedError: { code: string; file: string; message: string };
  /** told_earlier: an earlier tick of this run posted the notice (one that failed is tried again). */
  adminNotice: Exclude<PostOnceResult, 'already_sent'> | 'told_earlier';
  /** The run row stays unfinished: the next timer tick reads the feed again. */
  retry: 'next_tick';
}

/**
 * A tick that ran nothing: before the send time, the week already run, the run under way in another
 * instance, or a week the team does not work at all (no card that week). `adminNotice`: a finished
 * run's notice that could not be posted, tried again.
 */
export interface WeeklyNotDue {
  status: 'not_due';
  runKey: string;
  reason: 'before_send_time' | 'already_ran' | 'in_progress' | 'no_working_day';
  adminNotice?: WeeklyRunDone['adminNotice'];
}

/** What a weekly timer tick did. */
export type WeeklyReport = WeeklyNotDue | WeeklyFeedStopped | WeeklyRunDone;

/** Counts outcomes per status (every status present, zeros included). */
export function countOutcomes(outcomes: readonly RepOutcome[]): Record<RepStatus, number> {
  const counts = Object.fromEntries(REP_STATUSES.map((s) => [s, 0])) as Record<RepStatus, number>;
  for (const o of outcomes) counts[o.status]++;
  return counts;
}

/** How many audit rows this attempt recorded, and how many an earlier one already had. */
export function tallyRecorded(results: readonly { recorded: boolean }[]): {
  recorded: number;
  alreadyThere: number;
} {
  const recorded = results.filter((r) => r.recorded).length;
  return { recorded, alreadyThere: results.length - recorded };
}

/**
 * When the first of the reps waiting for their own send time gets their card or digest (ISO), as the
 * report's field: none when no rep waits.
 */
export function waitingUntil(outcomes: readonly RepOutcome[]): { nextSendAt?: string } {
  let next: string | undefined;
  for (const o of outcomes)
    if (o.status === 'waiting' && (next === undefined || o.until < next)) next = o.until;
  return next === undefined ? {} : { nextSendAt: next };
}

/** The way out whatever kept a rep from their card: a rep who left hands their customers on in the feed. */
const OR_MOVE = 'or, if they left, move their customers to another rep in the order feed';

/**
 * Why Teams cannot reach a rep, by its error code, and what an admin does about it (Microsoft's
 * table of status codes from bot conversational APIs says what each means).
 */
function unreachableDetail(code: string): string {
  switch (code) {
    case 'BotNotInConversationRoster':
    case 'ForbiddenOperationException':
      return `the app was removed for them (${code}: uninstalled, or they left the team it came with): ask them to add Churn Predictor again, ${OR_MOVE}`;
    case 'ConversationBlockedByUser':
      return `they blocked the app's chat (${code}): ask them to unblock it and write to it, ${OR_MOVE}`;
    // Teams' sub-code for a bot the user blocked or uninstalled: it does not say which.
    case 'MessageWritesBlocked':
      return `they blocked the app's chat or removed the app (${code}): ask them to unblock it or add Churn Predictor again, ${OR_MOVE}`;
    case 'BotDisabledByAdmin':
      return `the organisation's Teams app policy blocks the app for them (${code}): allow it for them in the Teams admin center, ${OR_MOVE}`;
    case 'ConversationNotFound':
      return `their chat with the app no longer exists (${code}: they may have left the organisation): ask them to add Churn Predictor again, ${OR_MOVE}`;
    default:
      return `blocked or removed the app (${code}): ask them to add Churn Predictor again, ${OR_MOVE}`;
  }
}

/** The reps who did not get their card, with a reason an admin can act on (a rep waiting for their time is none). */
export function notReached(outcomes: readonly RepOutcome[]): NotReached[] {
  const out: NotReached[] = [];
  for (const o of outcomes) {
    if (o.status === 'no_conversation')
      out.push({
        rep: o.rep,
        status: o.status,
        detail: o.removedOn
          ? `they removed the app on ${o.removedOn}: ask them to add Churn Predictor again, ${OR_MOVE}`
          : `the app is not installed for them: install it for them (or ask them to add Churn Predictor in Teams), ${OR_MOVE}`,
      });
    else if (o.status === 'unreachable')
      out.push({ rep: o.rep, status: o.status, detail: unreachableDetail(o.code), code: o.code });
    else if (o.status === 'failed')
      out.push({
        rep: o.rep,
        status: o.status,
        detail: o.error,
        ...(o.retryAt ? { retryAt: o.retryAt } : {}),
      });
  }
  return out;
}

/** `names` with the reps the run found had removed the app, named as they were then. */
export function namesWithRemoved(names: RepNames, outcomes: readonly RepOutcome[]): RepNames {
  return withFormerReps(
    names,
    outcomes.flatMap((o) =>
      o.status === 'no_conversation' && o.removedName !== undefined
        ? [{ addresses: [o.rep], name: o.removedName }]
        : [],
    ),
  );
}

/** How many of a list (reps not reached, problems of a rules file) an admins' text names; the log has the rest. */
export const LISTED_IN_TEXT = 20;

/**
 * How the weekly and the daily report tell reps waiting for their own send time apart from failed
 * ones: appended to the counts (`, 2 waiting for their own send time`, nothing when none waits).
 */
export function waitingCount(waiting: number): string {
  return waiting > 0 ? `, ${waiting} waiting for their own send time` : '';
}

/** "The 2 failed reps are", "The 1 failed rep is": how the reports' lines start on the reps a later tick tries again. */
function failedRepsAre(failed: number): string {
  return failed === 1 ? 'The 1 failed rep is' : `The ${failed} failed reps are`;
}

/**
 * The line of a run's failed reps a later tick tries again, or null when none does: the next tick
 * while attempts remain (retry `next_tick`), else, with reps waiting for their own send time
 * (`rep_time`), the tick at that time, which goes on with the run and so tries the failed reps too.
 */
export function failedRetriedLine(
  sent: 'card' | 'digest',
  failed: number,
  retry: 'next_tick' | 'rep_time' | 'none',
): string | null {
  if (retry === 'next_tick') return `${failedRepsAre(failed)} tried again on the next tick.`;
  if (retry === 'rep_time' && failed > 0)
    return `${failedRepsAre(failed)} tried again when the next ${sent} goes out.`;
  return null;
}

/**
 * The line of when the next waiting rep's card or digest goes out (nextSendAt), in the team's words;
 * `then`, what follows it.
 */
export function nextSendLine(
  sent: 'card' | 'digest',
  nextSendAt: string,
  wording: DateWording,
  then: string,
): string {
  return `The next ${sent} goes out ${dayAndTimeWords(nextSendAt, wording)}, the send time in its rep's own time zone${then}`;
}

/**
 * A short plain-text account of the run for the log and the admins' channel, times in the team's
 * words (`wording`). `names`: each rep's Teams display name, said beside their address (the admins act on the feed, keyed by address); a rep
 * the run found had removed the app, by the name they had then.
 */
export function weeklyReportText(
  report: WeeklyRunDone,
  wording: DateWording,
  names: RepNames = NO_REP_NAMES,
): string {
  const named = namesWithRemoved(names, report.outcomes);
  const rep = (address: string) => repNameWithAddress(named, address);
  const c = report.counts;
  // Cards sent by this run and cards an earlier attempt of the week delivered are told apart, so the
  // line agrees with the run's send counts (a rerun that sends nothing does not say "1 delivered").
  const sentNow = c.delivered - report.deliveredEarlier;
  const lines = [
    `Weekly run ${report.runKey} (${report.localDate}): ${plural(sentNow, 'card')} delivered by this run` +
      (report.deliveredEarlier > 0 ? `, ${report.deliveredEarlier} earlier this week` : '') +
      `, ${c.nothing_to_send} with nothing to send, ${c.unreachable} unreachable, ` +
      `${c.no_conversation} without the app, ${c.failed} failed` +
      waitingCount(c.waiting) +
      (report.attempt > 1 ? ` (attempt ${report.attempt}).` : '.'),
  ];
  // Reps Teams asked to wait get their card on a later tick once the wait is over (said per rep below).
  const onTeamsWait = report.notReached.filter((n) => n.retryAt !== undefined);
  const given = c.failed - onTeamsWait.length;
  // The tick that tries the failed reps again leaves out those whose wait outlasts it.
  const triedAt = report.retry === 'next_tick' ? report.nextTickAt : report.nextSendAt;
  const pastIt = onTeamsWait.filter((n) => triedAt === undefined || (n.retryAt ?? '') > triedAt);
  const triedAgain = c.failed - pastIt.length;
  const retried = triedAgain > 0 ? failedRetriedLine('card', triedAgain, report.retry) : null;
  if (retried) lines.push(retried);
  else if (given > 0 && report.attempt > 1)
    lines.push(
      `${plural(given, 'rep')} got no card after ${report.attempt} attempts: none follows this week unless the run is forced.`,
    );
  if (report.retry !== 'none' && pastIt.length > 0) lines.push(teamsWaitLine(pastIt, wording, rep));
  else if (report.retry === 'none' && onTeamsWait.length > 0)
    lines.push(
      `${plural(onTeamsWait.length, 'rep')} Teams asked to wait ${onTeamsWait.length === 1 ? 'gets their card' : 'get their cards'} once the wait is over.`,
    );
  if (c.waiting > 0 && report.nextSendAt)
    lines.push(
      nextSendLine('card', report.nextSendAt, wording, '; the run finishes when every rep has theirs.'),
    );
  const rules = report.rulesFile;
  if (rules?.validOn) {
    const told = rules.adminNotice === 'posted' || rules.adminNotice === 'already_sent';
    lines.push(
      endOfSentence(
        `The rules file ${rules.source} is not valid: this run used it as it was read valid on ${rules.validOn}${told ? ' (the admins were told what is wrong)' : ''}`,
      ),
    );
  }
  lines.push(...(report.feed.notes ?? []));
  if (report.ranking) lines.push(rankingText(report.ranking));
  if (report.holdout.heldOut > 0)
    lines.push(
      `${report.holdout.heldOut} customers held out at random (${report.holdout.percent}% holdout): kept off the cards, audited held_out.`,
    );
  if (report.stateWrites.keptForRep > 0)
    lines.push(
      `${report.stateWrites.keptForRep} customers were acted on by a rep during the run: their rows were kept as the rep left them.`,
    );
  const { notInFeed, moved } = report.bookChanges;
  if (notInFeed.count > 0)
    lines.push(
      `${plural(notInFeed.count, 'stored customer')} not in this feed (${notInFeed.examples.join(', ')}${notInFeed.count > notInFeed.examples.length ? ', ...' : ''}): ` +
        'on no card; their rows and history are kept for when they come back.',
    );
  if (moved.length > 0) {
    lines.push(`${plural(moved.length, 'customer')} moved to another rep since the last run:`);
    for (const m of moved.slice(0, LISTED_IN_TEXT))
      lines.push(`- ${m.customerId}: ${rep(m.from)} to ${rep(m.to)}`);
    if (moved.length > LISTED_IN_TEXT) lines.push(`- and ${moved.length - LISTED_IN_TEXT} more`);
  }
  for (const r of report.refused.slice(0, LISTED_IN_TEXT))
    lines.push(`Left out: customer ${r.customerId}: storage would refuse the row (${r.reason})`);
  const listings = listingsLine(report);
  if (listings) lines.push(listings);
  const notice = noticeLine(report.adminNotice);
  if (notice) lines.push(notice);
  const later = laterNoticeLine(report.laterNotice);
  if (later) lines.push(later);
  if (report.notReached.length > 0) {
    lines.push('Not reached:');
    for (const n of report.notReached.slice(0, LISTED_IN_TEXT)) lines.push(`- ${rep(n.rep)}: ${n.detail}`);
    const more = report.notReached.length - LISTED_IN_TEXT;
    if (more > 0) lines.push(`- and ${more} more (see the run's log)`);
  }
  return lines.join('\n');
}

/**
 * The line of the week's listings when Table Storage refused their write: what an earlier attempt
 * recorded stands; else the tick that runs the week again writes them (the next one, or, past the
 * last attempt, the one at a waiting rep's own send time), or, when none will, what goes without
 * them. None when they were recorded.
 */
function listingsLine(report: WeeklyRunDone): string | null {
  const { listings } = report;
  if (listings.status !== 'failed') return null;
  if (listings.recordedEarlier)
    return `This week's listings were recorded by an earlier attempt; this one could not add to them (${listings.error}): a customer listed only since, by a newer feed, is left out.`;
  if (report.retry === 'next_tick')
    return `This week's listings could not be recorded (${listings.error}): the next tick records them.`;
  if (report.retry === 'rep_time')
    return `This week's listings could not be recorded (${listings.error}): the tick at the next rep's send time records them.`;
  return (
    `This week's listings could not be recorded after ${plural(report.attempt, 'attempt')} (${listings.error}): ` +
    "the customer pages leave this week out, and a tap does not refresh the card this week's run listed the customer on for another rep."
  );
}

/**
 * The admins' notice of an earlier weekly run (`which`: "last week's run") whose listings were not
 * recorded when its last attempt left them to a tick that never ran to its end; as listingsLine says
 * after the last attempt (that run's taps are over: only the customer pages miss its week).
 */
export function missedListingsText(
  title: { run: string; which: string },
  attempts: number,
  error: string | undefined,
): string {
  return [
    `${title.run} (${title.which}): its listings could not be recorded after ${plural(attempts, 'attempt')}` +
      `${error ? ` (${error})` : ''}, and the admins were not told: the run's last tick did not complete.`,
    'The customer pages leave that week out.',
  ].join('\n');
}

/**
 * The line of the reps Teams asked (429) to wait past the tick that tries the failed reps again: each
 * with the wait's end in the team's words (`rep` names them as the account does).
 */
function teamsWaitLine(waits: readonly NotReached[], wording: DateWording, rep: (address: string) => string) {
  const each = waits
    .slice(0, LISTED_IN_TEXT)
    .map((n) => `${rep(n.rep)} until ${dayAndTimeWords(n.retryAt ?? '', wording)}`);
  const more = waits.length - each.length;
  return (
    `${plural(waits.length, 'rep')} ${waits.length === 1 ? 'waits' : 'wait'} for Teams, tried once the wait is over: ` +
    `${each.join('; ')}${more > 0 ? `; and ${more} more` : ''}.`
  );
}

/**
 * What became of the notice of the reps with no card the run's notice had not named so, for the log
 * (the weekly run's, and the daily run's: a digest, tried again today and tomorrow); nothing when there was none.
 */
export function laterNoticeLine(
  notice: WeeklyRunDone['laterNotice'],
  run: { sent: 'card' | 'digest'; until: 'this week and next' | 'today and tomorrow' } = {
    sent: 'card',
    until: 'this week and next',
  },
): string | null {
  switch (notice) {
    case undefined:
    case 'not_configured':
      return null;
    case 'posted':
      return `The admins were sent a notice of the reps with no ${run.sent} since they were told of the run.`;
    case 'already_sent':
      return 'The admins were sent the notice of these reps earlier: not sent again.';
    case 'no_recipient':
    case 'failed':
      return `The notice of the reps with no ${run.sent} since the admins were told of the run could not be posted: it is tried again on each tick ${run.until}.`;
    case 'under_way':
      return 'Another instance is posting the notice of these reps: a later tick checks that it went out.';
    case 'unconfirmed':
      return UNCONFIRMED_LINE;
  }
}

/** What became of the admins' notice, for the log; nothing when none was needed (the notice's own text). */
function noticeLine(notice: WeeklyRunDone['adminNotice']): string | null {
  switch (notice) {
    case 'not_needed':
      return null;
    case 'posted':
      return 'The admins were sent this account.';
    case 'already_sent':
      return 'The admins were sent the account earlier this week: not sent again.';
    case 'deferred':
      return "The admins' notice waits for the last attempt.";
    case 'not_configured':
      return 'No admins are configured: nobody was sent this account.';
    case 'no_recipient':
      return 'No admin could be reached (none has the app installed): the notice is tried again on each tick this week and next.';
    case 'failed':
      return "The admins' notice could not be posted: it is tried again on each tick this week and next.";
    case 'under_way':
    case 'unconfirmed':
      return claimedNoticeLine(notice);
  }
}

/** The line of a run's notice postOnce left to another instance's post, or did not post again (the weekly and daily accounts). */
export function claimedNoticeLine(notice: 'under_way' | 'unconfirmed'): string {
  return notice === 'under_way'
    ? "Another instance is posting the admins' notice: a later tick checks that it went out."
    : UNCONFIRMED_LINE;
}

/**
 * A notice whose post was started as often as one may be with none recorded (postOnce): each may have
 * gone out before storage refused its record, or the process stopped before posting.
 */
const UNCONFIRMED_LINE =
  "The admins' notice was started as often as it may be with no record that it went out (storage refused the record, or the process stopped): not posted again (the admins may or may not have it).";

/** A rep an earlier attempt of a run already handled, as the ledger recorded it (`customers`: rows on their card). */
export function fromLedger(rep: string, customers: number, row: Delivery): RepOutcome {
  switch (row.status) {
    case 'delivered':
      return { rep, status: 'delivered', activityId: row.activityId ?? null, customers, earlier: true };
    case 'unreachable':
      return {
        rep,
        status: 'unreachable',
        code: row.code ?? 'recorded by an earlier attempt',
        earlier: true,
      };
    case 'nothing_to_send':
      return { rep, status: 'nothing_to_send', earlier: true };
    case 'no_conversation':
      return { rep, status: 'no_conversation' };
  }
}

/**
 * Characters of JSON the ledger's copy gives each list of a report, whatever its length: together
 * well within the run row's 30,000 (a rep who left with 500 customers moves them all at once).
 */
const LEDGER_LIST_CHARS = { notReached: 12_000, moved: 6_000, refused: 4_000 } as const;

/** The first entries of `list` whose JSON fits in `chars` characters. */
function leading<T>(list: readonly T[], chars: number): T[] {
  const kept: T[] = [];
  let used = 0;
  for (const entry of list) {
    used += JSON.stringify(entry).length + 1;
    if (used > chars) break;
    kept.push(entry);
  }
  return kept;
}

/**
 * The report without the per-rep list, small enough for the ledger's run row (the per-rep rows hold
 * the rest): of each longer list the first entries, with how many there were (`...Count`).
 */
export function ledgerSummary<
  R extends {
    outcomes: RepOutcome[];
    notReached: NotReached[];
    bookChanges?: BookChanges;
    refused?: RefusedCustomer[];
  },
>(report: R) {
  const { outcomes: _outcomes, notReached, bookChanges, refused, ...rest } = report;
  const details = notReached.map((n) => ({ ...n, detail: n.detail.slice(0, 300) }));
  // The reps Teams asked to wait come first, the earliest wait first: a later tick sends their card
  // only if it finds them here, so reps without the app, however many, must not crowd them out.
  const waits = details
    .filter((n) => n.retryAt !== undefined)
    .sort((a, b) => (a.retryAt ?? '').localeCompare(b.retryAt ?? ''));
  // Then the reps whose sends failed or Teams refused, before those without the app: when the run's
  // last tick does not complete, the next run key's notice names its reps from here (tellEarlierRun),
  // and these are the ones a late tick adds; the reps without the app an earlier notice most often named.
  const others = details.filter((n) => n.retryAt === undefined);
  const byStatus = (status: NotReached['status']) => others.filter((n) => n.status === status);
  return {
    ...rest,
    notReached: leading(
      [...waits, ...byStatus('failed'), ...byStatus('unreachable'), ...byStatus('no_conversation')],
      LEDGER_LIST_CHARS.notReached,
    ),
    notReachedCount: notReached.length,
    ...(bookChanges && {
      bookChanges: {
        notInFeed: bookChanges.notInFeed,
        moved: leading(bookChanges.moved, LEDGER_LIST_CHARS.moved),
        movedCount: bookChanges.moved.length,
      },
    }),
    ...(refused && { refused: leading(refused, LEDGER_LIST_CHARS.refused), refusedCount: refused.length }),
  };
}

/** A run's sends (attempts, retries, 429s) and storage requests, for its report. */
export function sendAndStorageFigures(
  tally: { attempts: number; retries: number; throttled: number; cardSaves: number },
  before: RequestCounts,
  after: RequestCounts,
) {
  return {
    sends: { attempts: tally.attempts, retries: tally.retries, throttled: tally.throttled },
    storage: {
      requests: after.requests - before.requests,
      transactions: after.transactions - before.transactions,
      cardSaves: tally.cardSaves,
    },
  };
}
