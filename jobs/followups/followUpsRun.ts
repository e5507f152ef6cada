import { actionRulesFrom } from '../../bot/taps/actionRules';
import { dateWording } from '../../bot/taps/actionWords';
import { HISTORY_LIMIT } from '../../bot/taps/auditHistory';
import type { AccessPolicy } from '../../bot/taps/authorise';
import { outcomeOfRow } from '../../bot/taps/cardOutcome';
import { commitDecision } from '../../bot/taps/commitAction';
import { decideLost } from '../../bot/taps/decideLost';
import { wonBackThisCycle } from '../../bot/taps/staleReason';
import { withStandingLoss } from '../../bot/taps/storedHistory';
import type { CustomerOutcome } from '../../cards/cardModels';
import type { DigestCardData } from '../../cards/digestCardModels';
import { repNameWithAddress } from '../../cards/repNames';
import { addressKey } from '../../rules/addresses';
import { dayOf, isoOfDay } from '../../rules/book';
import { zonedNow } from '../../rules/calendar';
import type { CustomerState } from '../../rules/customerState';
import { dueFollowUps, type FollowUp, orderLookup } from '../../rules/followUps';
import { MAX_AUDIT_ID_CHARS, type NewAuditRow } from '../../storage/auditRow';
import { MAX_ACTIONS_PER_TRANSACTION, runLimited } from '../../storage/batches';
import type { ConversationStore } from '../../storage/conversationStore';
import type { Delivery } from '../../storage/runLedger';
import {
  type CatchUpWindow,
  catchUpDays,
  catchUpLimit,
  catchUpWindow,
  type DailySchedule,
  type DaysOff,
  dailyRunDue,
  dailyRunKey,
  dailyRunKeyOfDay,
  dayOfDailyRunKey,
  daysOffOf,
  repSendAt,
} from '../schedule';
import { lastTickOf, timeHasCome } from '../schedule/timerSchedule';
import { tellEarlierRun } from '../weekly/earlierRunNotices';
import { closeRun, type RunNaming } from '../weekly/runClosing';
import { alreadyRan, openRun } from '../weekly/runOpening';
import type { CardLocale } from '../weekly/weeklyCardFor';
import { DEFAULT_SEND_CONCURRENCY, type DeliveryTally } from '../weekly/weeklyDelivery';
import { pendingNoticeOf } from '../weekly/weeklyNotice';
import {
  countOutcomes,
  fromLedger,
  notReached,
  type RepOutcome,
  sendAndStorageFigures,
  tallyRecorded,
  waitingUntil,
} from '../weekly/weeklyReport';
import { DEFAULT_EXTRA_ATTEMPTS, previousAttempt } from '../weekly/weeklyRetry';
import type { WeeklyRunDeps } from '../weekly/weeklyRun';
import { deliverDigest, followUpRows, sentDigestData } from './digestDelivery';
import {
  contactsByOtherReps,
  digestCardDataFor,
  FOLLOW_UPS_ACTOR,
  leftOutEarlier,
  notListedSince,
  quietReasonCode,
  type RepDigest,
  repDigests,
  standingLosses,
} from './digestFor';
import { type FollowUpsDone, type FollowUpsReport, followUpsReportText } from './followUpsReport';

/**
 * The team's days off (DaysOff: HOLIDAYS less HOLIDAYS_WORKED, CLOSED_DAYS) are days with no digest;
 * none = every working day.
 */
export interface FollowUpsRunConfig extends CardLocale, DaysOff {
  timeZone: string;
  /** Reps handled at once; the sender's rate limiter paces the sends (default 16, as the weekly run). */
  sendConcurrency?: number;
  /** Extra attempts of a day's run, one per later timer tick, while reps `failed` (default 3). */
  extraAttempts?: number;
  /** Who may act and undo, as the bot takes it: a digest offers a row's Undo only to a rep who may use it (default: no admins). */
  access?: AccessPolicy;
}

/** Who may act when the config does not say: each rep on their own customers, no admins. */
const NO_ADMINS: AccessPolicy = { tenantId: '', adminUserIds: [] };

/** The weekly run's dependencies (storage, cards, rules, feed, sender, log, admin notice), with the daily config. */
export type FollowUpsRunDeps = Omit<WeeklyRunDeps, 'config'> & { config: FollowUpsRunConfig };

export interface FollowUpsRunOptions {
  now: Date;
  /** Run now whatever the schedule says (still today's run key: nothing is sent twice). */
  force?: boolean;
}

/**
 * One daily tick: on a working day at the send time (or forced), finds every follow-up due since the
 * last completed daily run (at most MAX_CATCH_UP_DAYS back; earlier, what a digest had no room for)
 * from the stored states and the feed as of today, marks the long-silent lost when the rules say so,
 * and sends each rep with something due one digest. Idempotent per rep and day through the run ledger
 * (`daily-YYYY-MM-DD`); reps with nothing due hear nothing.
 */
export async function runFollowUps(
  deps: FollowUpsRunDeps,
  options: FollowUpsRunOptions,
): Promise<FollowUpsReport> {
  const { storage, config, log, rules } = deps;
  const { now, force = false } = options;
  const clock = deps.clock ?? (() => performance.now());
  const started = clock();
  const schedule: DailySchedule = {
    timeZone: config.timeZone,
    ...rules.followUps.sendAt,
    workingDays: rules.followUps.workingDays,
    ...daysOffOf(config),
  };
  const tick = dailyRunDue(now, schedule);
  const { runKey } = tick;
  if (!rules.followUps.enabled) return { status: 'not_due', runKey, reason: 'disabled' };
  const yesterday = dailyRunKeyOfDay(isoOfDay(dayOf(dayOfDailyRunKey(runKey)) - 1));
  await tellEarlierRun(
    { log, notifyAdmins: deps.notifyAdmins, runs: storage.runs, conversations: storage.conversations },
    yesterday,
    { ...digestNaming(yesterday), which: "yesterday's run" },
    now,
  );
  if (!force && !tick.due)
    return tick.reason === 'public_holiday'
      ? { status: 'not_due', runKey, reason: tick.reason, holiday: tick.holiday }
      : { status: 'not_due', runKey, reason: tick.reason };
  const extraAttempts = config.extraAttempts ?? DEFAULT_EXTRA_ATTEMPTS;
  const today = dayOfDailyRunKey(runKey);
  // Every look back of this run reaches as far, over the team's closed days and holidays.
  const lookBack = catchUpDays(today, schedule);
  const opening = await openRun(
    deps,
    {
      kind: 'daily',
      runKey,
      localDate: today,
      now,
      timeZone: config.timeZone,
      force,
      extraAttempts,
      feedToldEarlier: (about) => feedStopToldEarlier(storage.runs, today, lookBack, about),
    },
    () => storage.state.getAll(),
  );
  if (opening.status === 'already_ran')
    return alreadyRan(opening, runKey, { ...deps, runs: storage.runs }, now);
  if (opening.status === 'stopped') return opening.report;
  const { attempt, fresh, at, rowsAt, requestsBefore, feed, states, handled, directory, previousRun } =
    opening;
  const { book, report: feedReport } = feed;
  // What fell due since the last completed run goes out today (a forced run on a day off alike): a
  // day whose run never happened is caught up, not lost.
  const window = catchUpWindow(today, await lastCompletedDay(storage.runs, today, lookBack), lookBack);
  const lookup = orderLookup(book, rules, dayOf(today));
  const allDue = await dueToday(
    storage.runs,
    dueFollowUps(states.values(), lookup, rules, {
      today,
      after: catchUpLimit(today, lookBack),
    }),
    window,
    today,
    lookBack,
  );

  const ledger = new Map(handled.filter((d) => d.status !== 'no_conversation').map((d) => [d.repId, d]));
  // A rep whose own send time (the digest's time in their zone) has not come is left for the tick at
  // it, their customers untouched till then: a silent one is marked lost when the digest that says
  // so goes out. A forced run sends every digest now.
  const waiting = force
    ? new Map<string, string>()
    : await repsWaiting(
        repDigests(allDue).filter((d) => !ledger.has(d.owner)),
        directory,
        (zone) => repSendAt(tick.scheduledAt, schedule, zone, 'day'),
        now,
      );
  const due = allDue.filter((f) => !waiting.has(addressKey(f.state.owner)));
  const autoLost = await markLostAfterSilence(deps, due, { today, runKey, at: rowsAt });
  const restarted = await restartSlippingSaves(deps, due, today);

  const preparedAt = clock();
  const tally: DeliveryTally = { attempts: 0, retries: 0, throttled: 0, cardSaves: 0 };
  const digests = repDigests(due);
  const ctx = {
    runKey,
    at,
    rowsAt,
    now,
    clock: () => new Date(now.getTime() + (clock() - started)),
    wording: dateWording(now, config.timeZone, config.locale),
    conversations: directory,
    runs: storage.runs,
    cards: deps.cards,
    sender: deps.sender,
  };
  // The digests' follow_up rows go out beside the sends, 100 per transaction, one transaction at a
  // time (written per rep, they held up the sends' concurrency slots).
  const rows = new RowWriter((batch) => storage.audit.appendRunRows(batch));
  const sent = (owner: string, data: DigestCardData, activityId: string) =>
    rows.add(followUpRows(data, owner, activityId, rowsAt));
  // A follow-up of a call another rep made before the customer moved to this one names that rep.
  const history = (id: string) => storage.audit.latestForCustomer(id, { limit: HISTORY_LIMIT });
  const contactBy = await contactsByOtherReps(digests, history, directory);
  // A customer who ordered after being marked lost: the row shows the loss, with its Undo.
  const lossHistory = async (state: CustomerState) =>
    withStandingLoss(storage.audit, state, await history(state.customerId));
  const rowOutcomes = new Map([
    ...(await standingLosses(digests, lossHistory, config.timeZone, config.access ?? NO_ADMINS, directory)),
    ...[...autoLost.outcomes].map(([id, outcome]) => [id, { outcome }] as const),
  ]);
  // What each digest leaves for the next one: past its row cap, or past the size Teams takes.
  const leftOver = new Map<string, number>();
  const dataOf = (digest: RepDigest) => {
    const data = digestCardDataFor(digest, rules, { runKey, today }, rowOutcomes, config, contactBy);
    leftOver.set(digest.owner, data.overflow ?? 0);
    return data;
  };
  const digestOf = new Map(digests.map((d) => [d.owner, d]));
  // Reps an earlier attempt of the day handled: their rows again (same ids: kept as they are), in case
  // a crash came between the send and them, rebuilt from the digest they got, not from what is due
  // now (a customer that attempt marked lost is no longer due, yet its row was on the digest). A digest
  // the card store lost falls back to today's rows.
  const again = async (earlier: Delivery): Promise<RepOutcome> => {
    const { repId, activityId } = earlier;
    const digest = digestOf.get(repId);
    const data = activityId
      ? ((await sentDigestData(ctx, repId, activityId)) ?? (digest ? dataOf(digest) : null))
      : null;
    if (data && activityId) sent(repId, data, activityId);
    return fromLedger(repId, data?.rows.length ?? digest?.shown.length ?? 0, earlier);
  };
  const send = async (digest: RepDigest): Promise<RepOutcome> => {
    const data = dataOf(digest);
    const outcome = await deliverDigest(digest.owner, data, ctx, tally);
    if (outcome.status === 'delivered' && outcome.activityId) {
      // A send an earlier tick made (its claim settled from the saved digest): the rows it went out with.
      const got = outcome.earlier ? await sentDigestData(ctx, digest.owner, outcome.activityId) : null;
      sent(digest.owner, got ?? data, outcome.activityId);
    }
    return outcome;
  };
  const delivering = runLimited(
    [
      ...[...ledger.values()].map((earlier) => () => again(earlier)),
      ...digests.filter((d) => !ledger.has(d.owner)).map((digest) => () => send(digest)),
    ],
    config.sendConcurrency ?? DEFAULT_SEND_CONCURRENCY,
  );
  // A failed send is thrown only once the rows queued so far are written: nothing is left running behind it.
  const [delivered] = await Promise.allSettled([delivering]);
  const deliveredAt = clock();
  const appended = await rows.finish();
  if (delivered.status === 'rejected') throw delivered.reason;
  const outcomes: RepOutcome[] = [
    ...delivered.value,
    ...[...waiting].map(([rep, until]): RepOutcome => ({ rep, status: 'waiting', until })),
  ];
  const rowsWrittenAt = clock();
  const requestsAfter = storage.requests();
  const kinds = { no_order: 0, ordered: 0, lost_ordered: 0, silent: 0, save_slipping: 0 };
  for (const f of due) kinds[f.reason.kind]++;
  const report: FollowUpsDone = {
    status: 'completed',
    runKey,
    localDate: today,
    since: window.since,
    lookedBack: { days: window.days, from: window.from },
    forced: force,
    resumed: !fresh,
    attempt,
    retry: 'none',
    feed: { customers: book.customers.length, rowsSkipped: feedReport.rowsSkipped },
    followUps: {
      due: due.length,
      ...kinds,
      overflow: digests.reduce((n, d) => n + (leftOver.get(d.owner) ?? d.overflow), 0),
    },
    markedLost: { recorded: autoLost.recorded, alreadyThere: autoLost.alreadyThere },
    savesFlaggedAgain: restarted,
    followUpRows: tallyRecorded(appended),
    counts: countOutcomes(outcomes),
    ...waitingUntil(outcomes),
    quietReps: new Set(book.customers.map((c) => c.owner)).size - digests.length - waiting.size,
    notReached: notReached(outcomes),
    ...sendAndStorageFigures(tally, requestsBefore, requestsAfter),
    adminNotice: 'not_needed',
    durationMs: 0,
    phasesMs: {
      prepare: Math.round(preparedAt - started),
      deliver: Math.round(deliveredAt - preparedAt),
      followUpRows: Math.round(rowsWrittenAt - deliveredAt),
    },
    outcomes,
  };
  const reportText = (done: FollowUpsDone) => followUpsReportText(done, ctx.wording, directory.names);
  await closeRun(
    report,
    {
      runKey,
      at,
      now,
      attempt,
      extraAttempts,
      elapsedMs: () => clock() - started,
      lastTick: lastTickOf(runKey, now, (instant) => dailyRunKey(zonedNow(instant, config.timeZone))),
      earlierPending: pendingNoticeOf(previousRun),
      naming: { ...digestNaming(runKey), rep: (rep) => repNameWithAddress(directory.names, rep) },
    },
    report.notReached.some((n) => n.status !== 'no_conversation') ? reportText : null,
    { notifyAdmins: deps.notifyAdmins, runs: storage.runs },
  );
  log.info(reportText(report), { runKey });
  return report;
}

/**
 * How a day's run is named in the admins' notices, and whom they tell of: a rep without the app is
 * told by the weekly run's notice.
 */
function digestNaming(runKey: string): Omit<RunNaming, 'rep'> {
  return { run: `Follow-ups ${runKey}`, sent: 'digest', tells: (n) => n.status !== 'no_conversation' };
}

/** The reps of `digests` whose own send time is after `now`, with that time (ISO). */
async function repsWaiting(
  digests: readonly RepDigest[],
  directory: Pick<ConversationStore, 'getRepByEmail'>,
  sendAt: (repTimeZone: string | undefined) => Date,
  now: Date,
): Promise<Map<string, string>> {
  const waiting = new Map<string, string>();
  for (const { owner } of digests) {
    const rep = await directory.getRepByEmail(owner);
    const at = rep && sendAt(rep.timeZone);
    if (at && !timeHasCome(now, at)) waiting.set(owner, at.toISOString());
  }
  return waiting;
}

/**
 * What goes out today, of every step due within the catch-up limit: what fell due after `since`
 * (the last completed run), and what fell due before and a digest left out past its cap; and when
 * that run's last tick left reps waiting for their own send time, what fell due in its window and
 * no digest listed (waitedSince).
 */
async function dueToday(
  runs: FollowUpsRunDeps['storage']['runs'],
  all: readonly FollowUp[],
  window: CatchUpWindow,
  today: string,
  lookBack: number,
): Promise<FollowUp[]> {
  const { since } = window;
  const fresh = all.filter((f) => f.dueOn > since);
  const earlier = all.filter((f) => f.dueOn <= since);
  if (earlier.length === 0) return fresh;
  const [deliveries, waited] = await Promise.all([
    runs.deliveriesBetween(dailyRunKeyOfDay(catchUpLimit(today, lookBack)), dailyRunKeyOfDay(today)),
    window.from === 'last_run' ? waitedSince(runs, since) : null,
  ]);
  const shown = deliveries
    .filter((d) => d.status === 'delivered')
    .map((d) => ({ day: dayOfDailyRunKey(d.runKey), owner: d.repId, customerIds: d.customerIds }));
  const unsent = waited === null ? [] : earlier.filter((f) => f.dueOn > waited);
  const before = waited === null ? earlier : earlier.filter((f) => f.dueOn <= waited);
  return [...fresh, ...leftOutEarlier(before, shown), ...notListedSince(unsent, shown)];
}

/**
 * Where the window of `day`'s run started when its last tick left reps waiting for their own send
 * time (what fell due after it may not have reached them); null when none waited.
 */
async function waitedSince(runs: FollowUpsRunDeps['storage']['runs'], day: string): Promise<string | null> {
  const last = previousAttempt(await runs.getRun(dailyRunKeyOfDay(day)));
  return last && last.counts.waiting > 0 ? (last.since ?? null) : null;
}

/** The local date of the last daily run before `today` that finished, within the catch-up limit; null when none. */
async function lastCompletedDay(
  runs: FollowUpsRunDeps['storage']['runs'],
  today: string,
  lookBack: number,
): Promise<string | null> {
  const key = await runs.lastFinished(
    dailyRunKeyOfDay(catchUpLimit(today, lookBack)),
    dailyRunKeyOfDay(today),
  );
  return key === null ? null : dayOfDailyRunKey(key);
}

/**
 * Whether the admins already know of this feed problem (`about`): the last earlier day with a daily
 * run (within the catch-up limit) was stopped by the same problem, and they were told of it then. A
 * feed broken for weeks is one notice, not one every working day (the weekly run's notice still
 * comes each week); another problem, or a stop after a run that completed, is told again.
 */
async function feedStopToldEarlier(
  runs: FollowUpsRunDeps['storage']['runs'],
  today: string,
  lookBack: number,
  about: string,
): Promise<boolean> {
  // One range query, however far back a closure takes the look back (a year: a read a day would be 366).
  const { started, finished } = await runs.lastRuns(
    dailyRunKeyOfDay(catchUpLimit(today, lookBack)),
    dailyRunKeyOfDay(today),
  );
  return started !== null && started !== finished && (await runs.noticeAbout(started, 'feed')) === about;
}

/**
 * Silent past followUps.autoLoseAfterDays: marked lost, reason "went quiet", by the product itself,
 * through the same decision and commit as the rep's tap (audit row first, state by ETag). The row's
 * key is the customer and the contact, so a rerun records nothing twice; the rep's Undo on the
 * digest reverses it.
 */
async function markLostAfterSilence(
  deps: FollowUpsRunDeps,
  due: readonly FollowUp[],
  at: { today: string; runKey: string; at: string },
): Promise<{ outcomes: Map<string, CustomerOutcome>; recorded: number; alreadyThere: number }> {
  const outcomes = new Map<string, CustomerOutcome>();
  let recorded = 0;
  let alreadyThere = 0;
  const actionRules = actionRulesFrom(deps.rules);
  const replay = {
    rules: actionRules,
    timeZone: deps.config.timeZone,
    currency: deps.config.currency ?? 'USD',
  };
  const reason = quietReasonCode(deps.rules.lossReasons);
  const tasks = due
    .filter((f) => f.autoLose)
    .map((f) => async () => {
      const decision = decideLost(
        {
          current: f.state,
          actor: { userId: FOLLOW_UPS_ACTOR.actorId, name: FOLLOW_UPS_ACTOR.actorName },
          today: at.today,
          timeZone: deps.config.timeZone,
          currency: replay.currency,
          at: at.at,
          key: `lost_after_silence|${f.state.customerId}|${f.state.lastContact}`.slice(0, MAX_AUDIT_ID_CHARS),
          cardMessageId: null,
        },
        actionRules,
        // The digest row says how long the silence was; the row's snapshot keeps the contact date.
        { reason },
      );
      if (!decision.ok) return;
      const result = await commitDecision(deps.storage, decision, { ...replay, at: at.at });
      if (result.kind !== 'applied') return;
      if (result.fresh) recorded++;
      else alreadyThere++;
      outcomes.set(f.state.customerId, outcomeOfRow(result.row, deps.config.timeZone));
    });
  await runLimited(tasks, 8);
  return { outcomes, recorded, alreadyThere };
}

/**
 * A save slipping within the cool-down starts a new cycle (surfacedAt = today), as a new listing
 * does, so the rep's taps on the digest row are not refused as "already won back".
 */
async function restartSlippingSaves(
  deps: FollowUpsRunDeps,
  due: readonly FollowUp[],
  today: string,
): Promise<number> {
  let restarted = 0;
  const tasks = due
    .filter((f) => f.reason.kind === 'save_slipping' && wonBackThisCycle(f.state))
    .map((f) => async () => {
      const result = await deps.storage.state.update(f.state.customerId, (current) =>
        current && current.status === 'active' && wonBackThisCycle(current)
          ? { ...current, surfacedAt: today }
          : null,
      );
      if (result.written) restarted++;
    });
  await runLimited(tasks, 8);
  return restarted;
}

/** Appends audit rows in batches of 100 as they come, one batch at a time; finish() flushes the rest. */
class RowWriter {
  private pending: NewAuditRow[] = [];
  private chain: Promise<{ recorded: boolean }[]> = Promise.resolve([]);
  /** The first failed batch: kept (not left as an unhandled rejection) and thrown by finish(). */
  private failure: { error: unknown } | null = null;

  constructor(private readonly append: (rows: readonly NewAuditRow[]) => Promise<{ recorded: boolean }[]>) {}

  add(rows: readonly NewAuditRow[]): void {
    this.pending.push(...rows);
    while (this.pending.length >= MAX_ACTIONS_PER_TRANSACTION) this.flush(MAX_ACTIONS_PER_TRANSACTION);
  }

  /** Writes what is left and returns, per row in order, whether it was new. */
  async finish(): Promise<{ recorded: boolean }[]> {
    if (this.pending.length > 0) this.flush(this.pending.length);
    const done = await this.chain;
    if (this.failure) throw this.failure.error;
    return done;
  }

  private flush(n: number): void {
    const batch = this.pending.splice(0, n);
    this.chain = this.chain.then(async (done) => {
      if (this.failure) return done;
      try {
        return [...done, ...(await this.append(batch))];
      } catch (error) {
        this.failure = { error };
        return done;
      }
    });
  }
}
