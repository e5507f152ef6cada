import type { Log } from '../../bot/ports';
import { FeedError } from '../../feed/feedError';
import { logFeedReport } from '../../feed/feedReportLog';
import type { BrokenRulesFile } from '../../feed/keptRules';
import type { FeedResult } from '../../feed/readFeed';
import { dayOf } from '../../rules/book';
import { localDate as localDateOf } from '../../rules/calendar';
import { feedSilence, isStale, staleFeedText } from '../../rules/feedFreshness';
import type { Rules } from '../../rules/rulesSchema';
import type { RunRecord, Storage } from '../../storage';
import { logRulesInUse } from './rulesFileNotice';
import { type FeedStoppedRun, readFeedOrStop, stopForFeed } from './weeklyFeedStop';
import {
  type AdminNotifier,
  pendingNoticeOf,
  type RetryNoticeDeps,
  type RunNotice,
  retryNotice,
} from './weeklyNotice';
import { repDirectory, withRepOwners } from './weeklyRepDirectory';
import type { WeeklyFeedStopped } from './weeklyReport';
import { decideAttempt, previousAttempt } from './weeklyRetry';
import { runRowsAt } from './weeklySurfaced';

export interface RunOpeningDeps {
  storage: Pick<Storage, 'conversations' | 'runs' | 'requests'>;
  readBook: (asOf: string) => Promise<FeedResult>;
  rules: Pick<Rules, 'feedStaleDays'>;
  /** The rules file when broken, and the one the config names: the run's log says which rules it used. */
  rulesFile?: BrokenRulesFile | null;
  rulesSource?: string;
  log: Log;
  notifyAdmins?: AdminNotifier;
}

export interface RunOpeningOptions {
  kind: FeedStoppedRun;
  runKey: string;
  /** The team's date the feed is read as of. */
  localDate: string;
  now: Date;
  timeZone: string;
  force: boolean;
  extraAttempts: number;
  /**
   * The reps a finished run missed who could get their card now (the weekly run: installed the app
   * since, or Teams' asked wait is over): when there are any, the run goes on for them, as the same
   * attempt. Missing: none looked for.
   */
  repsBack?: (run: RunRecord) => Promise<string[]>;
  /** True when an earlier run's notice told the admins of this feed problem (not told again). */
  feedToldEarlier?: RunNotice['toldEarlier'];
}

/** What a run that goes ahead starts from. */
export interface OpenRun<S> {
  status: 'open';
  /** The team's date the feed was read as of: the tick's, or at a waiting rep's time the week's first attempt's. */
  localDate: string;
  /** 1 for the run's first attempt, then one more per retrying tick (decideAttempt). */
  attempt: number;
  /** This tick started the run row (not a resumed one). */
  fresh: boolean;
  /** The tick's time (ISO), and the time every row of the run carries (see runRowsAt). */
  at: string;
  rowsAt: string;
  /** When the week's first attempt started (ISO). */
  startedAt: string;
  requestsBefore: ReturnType<Storage['requests']>;
  feed: FeedResult;
  states: S;
  /** The reps this run has already handled (its ledger). */
  handled: Awaited<ReturnType<Storage['runs']['listRun']>>;
  directory: Awaited<ReturnType<typeof repDirectory>>;
  /** The reps the run goes on for because it missed them (repsBack); none when it runs for any other reason. */
  back: ReadonlySet<string>;
  /** The run's row as an earlier tick left it (null: this tick started the run). */
  previousRun: RunRecord | null;
}

/**
 * already_ran: nothing to run this tick, with the run row (a finished run may still have an admins'
 * notice to post), or `inProgressSince` when another instance started the run moments ago.
 */
export type RunOpening<S> =
  | OpenRun<S>
  | { status: 'already_ran'; run: RunRecord | null; inProgressSince?: string }
  | { status: 'stopped'; report: WeeklyFeedStopped };

/**
 * A run started this recently and not finished is taken to be running in another instance (a
 * manual invoke during the timer's run, a lost timer lease): this instance leaves it alone. Under
 * the 15-minute timer, so the next tick always resumes a run that crashed.
 */
export const RUN_HELD_MS = 10 * 60_000;

/** True when an unfinished run row another tick started is recent enough to be still running. */
export function heldElsewhere(run: RunRecord, now: Date): boolean {
  return !run.finishedAt && now.getTime() - Date.parse(run.startedAt) < RUN_HELD_MS;
}

/** What a tick whose run already ran reports (see alreadyRan). */
export interface AlreadyRan {
  status: 'not_due';
  runKey: string;
  reason: 'already_ran' | 'in_progress';
  adminNotice?: Awaited<ReturnType<typeof retryNotice>>;
}

/**
 * A tick whose run already ran: under way in another instance, or finished, when the admins'
 * notice it could not post is tried again (retryNotice).
 */
export async function alreadyRan(
  opening: Extract<RunOpening<unknown>, { status: 'already_ran' }>,
  runKey: string,
  deps: RetryNoticeDeps,
  now: Date,
): Promise<AlreadyRan> {
  if (opening.inProgressSince) return { status: 'not_due', runKey, reason: 'in_progress' };
  const pending = pendingNoticeOf(opening.run);
  if (!pending) return { status: 'not_due', runKey, reason: 'already_ran' };
  const adminNotice = await retryNotice(deps, runKey, pending, now);
  return { status: 'not_due', runKey, reason: 'already_ran', adminNotice };
}

/**
 * The opening the weekly and daily runs share: whether this tick may run (the ledger's attempts),
 * start or resume the run row, then read the feed, the stored states, the run's ledger and the
 * reps' chats at once (a resumed run reads its feed first). Nothing has been written when the feed
 * cannot be read, so a feed error stops the run here and leaves every state row as it was
 * (stopForFeed). So does a stale feed (rules/feedFreshness.ts): scored as of today, it would put
 * every customer on a list.
 */
export async function openRun<S>(
  deps: RunOpeningDeps,
  options: RunOpeningOptions,
  readStates: () => Promise<S>,
): Promise<RunOpening<S>> {
  const { storage, log } = deps;
  const { kind, runKey, now, force } = options;
  const existing = await storage.runs.getRun(runKey);
  const previous = previousAttempt(existing);
  let decision = decideAttempt(existing, options.extraAttempts, force, now);
  let back: string[] = [];
  if (!decision.run && existing?.finishedAt && previous && options.repsBack) {
    back = await options.repsBack(existing);
    if (back.length > 0) {
      log.info(`${kind} run goes on for reps it missed who can get their card now`, {
        runKey,
        reps: back.length,
      });
      decision = { run: true, attempt: previous.attempt, atRepTime: true };
    }
  }
  if (!decision.run) return { status: 'already_ran', run: existing };
  const { attempt } = decision;
  // A tick at a waiting rep's own time plans as of the team's date of the week's first attempt: the
  // week's cards share one as-of date, even when the rep's time is on the team's next day.
  const localDate =
    decision.atRepTime && existing
      ? localDateOf(new Date(existing.startedAt), options.timeZone)
      : options.localDate;
  const runName = kind === 'weekly' ? 'weekly' : 'follow-ups';

  const requestsBefore = storage.requests();
  const at = now.toISOString();
  // The insert is atomic: of two instances on the same tick only one starts the run; the other
  // leaves it (the send claims would keep it from sending a card twice, but it would only report
  // the other's reps as under way).
  const { started: fresh, run } = await storage.runs.startRun(runKey, at);
  if (!fresh && heldElsewhere(run, now)) {
    log.info(`${runName} run already under way elsewhere`, {
      runKey,
      startedAt: run.startedAt,
    });
    return { status: 'already_ran', run, inProgressSince: run.startedAt };
  }
  const rowsAt = runRowsAt(run.startedAt, now, options.timeZone);
  log.info(`${runName} run starting`, {
    runKey,
    localDate,
    forced: force,
    resumed: !fresh,
    attempt,
  });
  if (deps.rulesSource) logRulesInUse(log, deps.rulesSource, deps.rulesFile, { runKey });

  const stop = async (error: FeedError): Promise<RunOpening<S>> => {
    const report = await stopForFeed(
      error,
      {
        runKey,
        localDate,
        at,
        kind,
        toldEarlier: options.feedToldEarlier,
        // A later tick of a run that completed before (a rep's own time, a retry): its cards stand.
        ...(existing?.finishedAt && previous && !force ? { earlier: previous.counts } : {}),
      },
      { log, notifyAdmins: deps.notifyAdmins, runs: storage.runs },
    );
    return { status: 'stopped', report };
  };
  const reading = readFeedOrStop(() => deps.readBook(localDate)).then((read) =>
    staleAsError(read, localDate, deps.rules),
  );
  // A resumed run is most often one the feed stopped on an earlier tick: its feed is read before
  // anything else, so each tick the feed stays broken costs that read, not every state row too.
  if (!fresh) {
    const early = await reading;
    if (early instanceof FeedError) return stop(early);
  }
  const [feed, states, handled, directory] = await Promise.all([
    reading,
    readStates(),
    storage.runs.listRun(runKey),
    repDirectory(storage.conversations),
  ]);
  if (feed instanceof FeedError) return stop(feed);
  logFeedReport(feed.report, log, { runKey });
  const book = await withRepOwners(feed.book, directory);
  return {
    status: 'open',
    localDate,
    attempt,
    fresh,
    at,
    rowsAt,
    startedAt: run.startedAt,
    requestsBefore,
    feed: { ...feed, book },
    states,
    handled,
    directory,
    back: new Set(back),
    previousRun: existing,
  };
}

/** A feed read that has had no order for longer than the book is ever quiet, as the FeedError that stops the run. */
function staleAsError(
  read: FeedResult | FeedError,
  localDate: string,
  rules: Pick<Rules, 'feedStaleDays'>,
): FeedResult | FeedError {
  if (read instanceof FeedError) return read;
  const silence = feedSilence(read.book, dayOf(localDate), rules.feedStaleDays);
  if (!isStale(silence)) return read;
  const orders = read.report.files.find((f) => /^orders\./i.test(f.file))?.file ?? 'orders';
  return new FeedError(
    'stale_feed',
    silence.fromRules
      ? `${orders}: ${staleFeedText(silence, localDate)}`
      : `${orders}: ${staleFeedText(silence, localDate)} If the business was closed, set "feedStaleDays" in the rules file to the days it may go without an order.`,
    orders,
  );
}
