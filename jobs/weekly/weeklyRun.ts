import type { CardSender, Log } from '../../bot/ports';
import { type DateWording, dateWording, dayWords } from '../../bot/taps/actionWords';
import { numberWords } from '../../cards/format';
import { repNameWithAddress } from '../../cards/repNames';
import { feedNotesForRun } from '../../feed/feedReport';
import type { BrokenRulesFile } from '../../feed/keptRules';
import type { FeedResult } from '../../feed/readFeed';
import { dayOf, isoOfDay } from '../../rules/book';
import { localDate, zonedNow } from '../../rules/calendar';
import { lastOrderDayOf } from '../../rules/feedFreshness';
import type { Rules } from '../../rules/rulesSchema';
import type { Storage } from '../../storage';
import { bothSettled, runLimited } from '../../storage/batches';
import type { CardStore } from '../../storage/cardStore';
import type { Delivery } from '../../storage/runLedger';
import { stateRowProblem } from '../../storage/stateEntity';
import {
  type DaysOff,
  daysOffOf,
  repSendAt,
  teamWorksOn,
  type WeeklySchedule,
  weeklyRunDue,
  weeklyRunKey,
  weeklyRunKeyWeeksBefore,
} from '../schedule';
import { lastTickOf, nextTickAfter } from '../schedule/timerSchedule';
import { tellEarlierRun } from './earlierRunNotices';
import { tellBrokenRules } from './rulesFileNotice';
import { closeRun } from './runClosing';
import { alreadyRan, openRun } from './runOpening';
import { afterTeamsWait, stillWaitingOnTeams, teamsWaitEnds, teamsWaitsAt } from './weeklyAfterWait';
import { bookChanges } from './weeklyBookChanges';
import type { CardLocale } from './weeklyCardFor';
import { DEFAULT_SEND_CONCURRENCY, type DeliveryTally, deliverRepWeek } from './weeklyDelivery';
import { lastCardsOptions } from './weeklyLastRun';
import { recordListings } from './weeklyListings';
import { countGates } from './weeklyLists';
import { type AdminNotifier, pendingNoticeOf } from './weeklyNotice';
import { planWeekOfCards, type WeekPlan } from './weeklyPlan';
import { type RefusedCustomer, setAsideUnstorable } from './weeklyRefused';
import { storedOwnerOf } from './weeklyRepDirectory';
import {
  countOutcomes,
  fromLedger,
  namesWithRemoved,
  notReached,
  type RepOutcome,
  sendAndStorageFigures,
  tallyRecorded,
  type WeeklyReport,
  type WeeklyRunDone,
  waitingUntil,
  weeklyReportText,
} from './weeklyReport';
import { repsBackSince, settleBackWithoutCard, settledReps } from './weeklyRepsBack';
import { DEFAULT_EXTRA_ATTEMPTS, listingsMissing, listingsRecorded, previousAttempt } from './weeklyRetry';
import { resolveStaleRow } from './weeklyStaleRows';

/**
 * The team's days off (DaysOff: HOLIDAYS less HOLIDAYS_WORKED, CLOSED_DAYS): on one the card goes out
 * on the next working day (a day of the rules' followUps.workingDays); none = always on the set day.
 */
export interface WeeklyRunConfig extends CardLocale, DaysOff {
  timeZone: string;
  /** ISO weekday (1 = Monday), hour and minute of the send, local to timeZone. */
  weeklySendAt: Pick<WeeklySchedule, 'weekday' | 'hour' | 'minute'>;
  /** Reps handled at once; the rate limiter paces the sends themselves (default 16). */
  sendConcurrency?: number;
  /**
   * State transactions in flight beside the sends (default 2): on the bench 2 keeps the state tail
   * under the sends' 3 windows, while 4 slows the sends' own reads and ledger writes.
   */
  backgroundConcurrency?: number;
  /**
   * Extra attempts of the week's run, one per later timer tick, while reps `failed` or the week's
   * listings were not recorded (default 3).
   * The admins' notice waits for the last attempt, so it names only who never got a card.
   */
  extraAttempts?: number;
}

export interface WeeklyRunDeps {
  storage: Pick<Storage, 'state' | 'audit' | 'conversations' | 'runs' | 'requests' | 'listings'>;
  cards: CardStore;
  /** Reads the feed (a folder or a blob container) into a Book; orders after `asOf` (the run's local date) are not counted. */
  readBook: (asOf: string) => Promise<FeedResult>;
  /** The rules in force: the rules file's, or while it is broken the last valid one's (rulesFile). */
  rules: Rules;
  /** The rules file as it stands, when it is not valid: the admins are told, and `rules` are the last valid file's. */
  rulesFile?: BrokenRulesFile | null;
  /** The rules file the config names (or the built-in rules), for the run's log of the rules it used. */
  rulesSource?: string;
  sender: CardSender;
  config: WeeklyRunConfig;
  log: Log;
  notifyAdmins?: AdminNotifier;
  /** Monotonic milliseconds, for the run's duration (default performance.now). */
  clock?: () => number;
}

export interface WeeklyRunOptions {
  now: Date;
  /** Run now whatever the schedule says; still this week's run key, so nothing is sent twice. */
  force?: boolean;
}

/**
 * One weekly tick: when due (or forced), scores every customer as of the team's today, stores what
 * changed, audits who was put on a list, and delivers each rep their card once, accounting for
 * every rep in the returned report. Idempotent per ISO week through the run ledger: a crashed or
 * repeated run skips the reps already handled and finishes the rest.
 */
export async function runWeekly(deps: WeeklyRunDeps, options: WeeklyRunOptions): Promise<WeeklyReport> {
  const { storage, config, log } = deps;
  const { now, force = false } = options;
  const clock = deps.clock ?? (() => performance.now());
  const started = clock();
  const schedule: WeeklySchedule = {
    timeZone: config.timeZone,
    ...config.weeklySendAt,
    ...daysOffOf(config),
    workingDays: deps.rules.followUps.workingDays,
  };

  const tick = weeklyRunDue(now, schedule);
  const { runKey } = tick;
  // Told on every tick, due or not (once per broken version): the admins hear of an edit within 15
  // minutes, not from the reps on Monday.
  const broken = deps.rulesFile;
  const rulesFile = broken
    ? rulesFileReport(
        broken,
        dateWording(now, config.timeZone, config.locale),
        await tellBrokenRules(
          broken,
          { log, notifyAdmins: deps.notifyAdmins, runs: storage.runs },
          now,
          config,
        ),
      )
    : undefined;
  const lastWeek = weeklyRunKeyWeeksBefore(runKey, 1);
  if (lastWeek)
    await tellEarlierRun(
      { log, notifyAdmins: deps.notifyAdmins, runs: storage.runs, conversations: storage.conversations },
      lastWeek,
      { run: weeklyRunTitle(lastWeek), which: "last week's run", sent: 'card' },
      now,
    );
  if (!force && !tick.due) return { status: 'not_due', runKey, reason: tick.reason };
  const extraAttempts = config.extraAttempts ?? DEFAULT_EXTRA_ATTEMPTS;
  const opening = await openRun(
    deps,
    {
      kind: 'weekly',
      runKey,
      localDate: localDate(now, config.timeZone),
      now,
      timeZone: config.timeZone,
      force,
      extraAttempts,
      repsBack: (run) => repsBackSince(runKey, run, now, storage),
    },
    () => storage.state.readAll(),
  );
  if (opening.status === 'already_ran')
    return alreadyRan(opening, runKey, { ...deps, runs: storage.runs }, now);
  if (opening.status === 'stopped') return opening.report;
  const {
    localDate: today,
    attempt,
    fresh,
    at,
    rowsAt: runAt,
    startedAt,
    requestsBefore,
    feed,
    states: snapshot,
    handled,
    directory,
    back,
    previousRun,
  } = opening;
  const { book, report: feedReport } = feed;
  const storedOwner = await storedOwnerOf(snapshot.states, directory);
  // What changed is said against each rep's last card: the run before this week's, as its feed stood.
  const lastCards = await lastCardsOptions(storage.runs, runKey, config.timeZone, 'run');
  const planAt = { localDate: today, runKey, runAt };
  // The play's days land on the days the team works, as the daily digest's do.
  const card = {
    currency: config.currency,
    locale: config.locale,
    tabAppId: config.tabAppId,
    date: today,
    worksOn: teamWorksOn(daysOffOf(config), deps.rules.followUps.workingDays),
    repNames: directory.names,
  };
  let refused: RefusedCustomer[] = [];
  const { weeks, first, rest, surfacedRows, heldOutRows, listedWeeks, figures } = plannedRun(
    planWeekOfCards(
      book,
      card,
      (planned) => {
        const settled = setAsideUnstorable(planned, stateRowProblem);
        refused = settled.refused;
        return settled.plan;
      },
      deps.rules,
      snapshot.states,
      planAt,
      deliveredCards(handled),
      { storedOwner, ...lastCards, numbers: numberWords(config.locale ?? 'en-US') },
    ),
  );
  for (const { customerId, reason } of refused) {
    log.warn(`customer ${customerId} left out of this run: storage would refuse the row (${reason})`, {
      runKey,
    });
  }

  // The state rows of listed customers that are new or start a slip cycle are written before any
  // card goes out (a card's buttons act on them). Everything else (other updates, the audit rows) is
  // written while the rate-limited sends proceed, so a rep may tap a button before their customer's
  // row is written: the writes are ETag-guarded and a row a rep changed since the read is kept as the
  // rep left it (resolveStaleRow).
  const firstWrite = await storage.state.writeGuarded(snapshot, first, {
    concurrency: 8,
    resolve: resolveStaleRow,
  });
  const preparedAt = clock();
  const tally: DeliveryTally = { attempts: 0, retries: 0, throttled: 0, cardSaves: 0 };
  const ledger = await settledReps(handled, directory);
  const { onTeamsWait, waitedFor } = teamsWaitsAt(previousRun, back, now);
  const delivery = {
    runKey,
    at,
    now,
    clock: () => new Date(now.getTime() + (clock() - started)),
    rules: deps.rules,
    // A forced run sends every card now; otherwise each rep's at the send time in their own zone.
    ...(force ? {} : { sendAt: (zone: string | undefined) => repSendAt(tick.scheduledAt, schedule, zone) }),
    card: { ...card, horizonDays: figures.horizonDays },
    wording: dateWording(now, config.timeZone, config.locale),
    conversations: directory,
    runs: storage.runs,
    cards: deps.cards,
    sender: deps.sender,
  };
  // The run's own records: its audit rows, then each listed customer's week (a week already
  // recorded by an earlier attempt is left as it was; one Table Storage refuses for now is written
  // by a later tick of the week).
  const appendRunRecords = async () => {
    const audited = await storage.audit.appendRunRows([...surfacedRows, ...heldOutRows]);
    const listings = await recordListings(storage.listings, listedWeeks, {
      concurrency: config.backgroundConcurrency ?? 2,
      recordedEarlier: listingsRecorded(previousAttempt(previousRun)?.listings),
      log,
    });
    return { audited, listings };
  };
  const deliverAll = finishedAt(
    clock,
    runLimited(
      weeks.map((week) => () => {
        const earlier = ledger.get(week.owner);
        const waitEnds = onTeamsWait.get(week.owner);
        if (earlier) return Promise.resolve(fromLedger(week.owner, week.shown.length, earlier));
        return waitEnds
          ? Promise.resolve(stillWaitingOnTeams(week.owner, waitEnds))
          : deliverRepWeek(week, delivery, tally);
      }),
      config.sendConcurrency ?? DEFAULT_SEND_CONCURRENCY,
    ),
  );
  const writeRest = finishedAt(
    clock,
    bothSettled(
      storage.state.writeGuarded(snapshot, rest, {
        concurrency: config.backgroundConcurrency ?? 2,
        resolve: resolveStaleRow,
      }),
      appendRunRecords(),
    ),
  );
  // Both are awaited before either failure is thrown, so nothing is left running behind a crash.
  const [sent, written] = await bothSettled(deliverAll, writeRest);
  await settleBackWithoutCard(back, new Set(weeks.map((w) => w.owner)), {
    runKey,
    at,
    conversations: directory,
    runs: storage.runs,
  });
  const outcomes: RepOutcome[] = afterTeamsWait(sent.value, {
    runKey,
    wording: delivery.wording,
    afterWait: waitedFor,
  });
  const [restWrite, { audited, listings }] = written.value;

  const requestsAfter = storage.requests();
  const feedNotes = feedNotesForRun(feedReport);
  const missed = notReached(outcomes);
  const report: WeeklyRunDone = {
    status: 'completed',
    runKey,
    localDate: today,
    forced: force,
    resumed: !fresh,
    attempt,
    retry: 'none',
    feed: {
      customers: book.customers.length,
      rowsSkipped: feedReport.rowsSkipped,
      lastOrderDay: isoOrNull(lastOrderDayOf(book, dayOf(today))),
      ...(feedNotes.length > 0 ? { notes: feedNotes } : {}),
    },
    cardsOn: localDate(new Date(startedAt), config.timeZone),
    bookChanges: bookChanges(book, snapshot.states, storedOwner),
    refused,
    gates: figures.gates,
    ranking: figures.ranking,
    stateWrites: {
      written: firstWrite.written + restWrite.written,
      transactions: firstWrite.transactions + restWrite.transactions,
      keptForRep: firstWrite.kept.length + restWrite.kept.length,
      reapplied: firstWrite.resolved.length + restWrite.resolved.length,
    },
    surfacedRows: tallyRecorded(audited.slice(0, surfacedRows.length)),
    holdout: {
      percent: deps.rules.holdoutPercent,
      heldOut: figures.heldOut,
      ...tallyRecorded(audited.slice(surfacedRows.length)),
    },
    listings,
    counts: countOutcomes(outcomes),
    ...waitingUntil(outcomes),
    nextTickAt: nextTickAfter(now).toISOString(),
    deliveredEarlier: outcomes.filter((o) => o.status === 'delivered' && o.earlier).length,
    notReached: missed,
    ...teamsWaitEnds(missed),
    ...sendAndStorageFigures(tally, requestsBefore, requestsAfter),
    ...(rulesFile ? { rulesFile } : {}),
    adminNotice: 'not_needed',
    durationMs: 0,
    phasesMs: {
      prepare: Math.round(preparedAt - started),
      deliver: Math.round(sent.at - preparedAt),
      storeRest: Math.round(written.at - preparedAt),
    },
    outcomes,
  };
  const reportText = (done: WeeklyRunDone) => weeklyReportText(done, delivery.wording, directory.names);
  const named = namesWithRemoved(directory.names, outcomes);
  // A later tick delivers to failed reps: the admins are told once, after the last attempt.
  await closeRun(
    report,
    {
      runKey,
      at,
      now,
      attempt,
      extraAttempts,
      elapsedMs: () => clock() - started,
      lastTick: lastTickOf(runKey, now, (instant) => weeklyRunKey(zonedNow(instant, config.timeZone))),
      earlierPending: pendingNoticeOf(previousRun),
      naming: { run: weeklyRunTitle(runKey), sent: 'card', rep: (rep) => repNameWithAddress(named, rep) },
    },
    report.notReached.length > 0 || report.refused.length > 0 || listingsMissing(listings)
      ? reportText
      : null,
    { notifyAdmins: deps.notifyAdmins, runs: storage.runs },
  );
  const text = reportText(report);
  if (report.notReached.length > 0) log.warn(text, { runKey });
  else log.info(text, { runKey });
  return report;
}

/** The weekly run's title in the admins' notices. */
function weeklyRunTitle(runKey: string): string {
  return `Weekly run ${runKey}`;
}

/**
 * What the run keeps of its plan while it writes and sends (for minutes, at Teams' rate limits): the
 * cards, the rows to write and the report's figures, without the scored book. At a million customers
 * the scored records are about 450 MB of a heap capped at 1,536 MB, which the writes and the sends
 * then have to spare.
 */
export function plannedRun(plan: WeekPlan) {
  const { scored, customers, holdout, weeks, first, rest, surfacedRows, heldOutRows, listedWeeks } = plan;
  return {
    weeks,
    first,
    rest,
    surfacedRows,
    heldOutRows,
    listedWeeks,
    figures: {
      horizonDays: scored.noOrderHorizonDays,
      ranking: scored.choice,
      gates: countGates(customers, holdout.heldOutIds),
      heldOut: holdout.heldOut.length,
    },
  };
}

/**
 * The customers each rep's delivered card listed, from the ledger: a rerun of the week flags no one
 * else for them (rows written before the ledger kept them have none, and are left out). A rep whose
 * list was empty gets no card this week, so none is flagged for them either: a feed that changed
 * before the rerun would otherwise start a slip cycle no card showed.
 */
function deliveredCards(handled: readonly Delivery[]): Map<string, ReadonlySet<string>> {
  const cards = new Map<string, ReadonlySet<string>>();
  for (const d of handled) {
    if (d.status === 'delivered' && d.customerIds) cards.set(d.repId, new Set(d.customerIds));
    else if (d.status === 'nothing_to_send') cards.set(d.repId, new Set());
  }
  return cards;
}

/** What the report says of a rules file that is not valid: which, since when the rules in force were read, the notice. */
function rulesFileReport(
  broken: BrokenRulesFile,
  wording: DateWording,
  adminNotice: NonNullable<WeeklyRunDone['rulesFile']>['adminNotice'],
): NonNullable<WeeklyRunDone['rulesFile']> {
  const validAt = broken.lastGood?.at ?? null;
  return {
    source: broken.source,
    problems: [...broken.problems],
    validAt,
    validOn: validAt && dayWords(validAt, wording),
    adminNotice,
  };
}

/** Awaits `work` and notes when it finished (to time phases that run side by side). */
async function finishedAt<T>(clock: () => number, work: Promise<T>): Promise<{ value: T; at: number }> {
  const value = await work;
  return { value, at: clock() };
}

function isoOrNull(day: number | null): string | null {
  return day === null ? null : isoOfDay(day);
}
