import { type CardSender, consoleLog, type Log, type SendOutcome } from '../../bot/ports';
import type { BrokenRulesFile } from '../../feed/keptRules';
import type { NoticeKind, Storage } from '../../storage';
import type { PendingNotice } from '../../storage/runLedger';
import { type MonthlySchedule, monthlyRunDue, summarisedMonth } from '../schedule';
import { MONTHLY_TICK_MINUTES, tickOf } from '../schedule/timerSchedule';
import { logRulesInUse } from '../weekly/rulesFileNotice';
import { takeSendClaim } from '../weekly/weeklyDelivery';
import {
  type AdminNotifier,
  noticeToKeep,
  type PostOnceResult,
  pendingNoticeOf,
  postOnce,
  retryNotice,
} from '../weekly/weeklyNotice';
import { type SummaryTrouble, summaryNoticeDue, summaryNoticeText } from './monthlyNotice';
import { type SummaryCardOptions, summaryCardFor } from './summaryCardFor';
import type { SummaryFeedLoader } from './summaryFeedFigures';

/** The ledger's delivery row for the channel post (the ledger keys deliveries by recipient). */
export const SUMMARY_CHANNEL_RECIPIENT = 'summary-channel';

export interface MonthlySummaryConfig extends Omit<SummaryCardOptions, 'outcomes' | 'saves' | 'now' | 'log'> {
  /** When the summary goes out: the 1st at hour:minute in the zone. */
  schedule: MonthlySchedule;
}

export interface MonthlySummaryDeps {
  storage: Pick<Storage, 'audit' | 'conversations' | 'runs' | 'listings'>;
  sender: CardSender;
  now: Date;
  config: MonthlySummaryConfig;
  /**
   * The saves that hold and the holdout's comeback outcomes, from the order feed (optional: without
   * it the card leaves the saves out and says the holdout comparison needs the feed).
   */
  loadFeed?: SummaryFeedLoader;
  /** The admins' notice the weekly run uses: told once when the summary cannot be posted. */
  notifyAdmins?: AdminNotifier;
  /**
   * The run's log: which rules it used (with rulesSource, and rulesFile while the file is broken), and
   * a saved customer's Listings row it could not parse.
   */
  log?: Pick<Log, 'info' | 'warn'>;
  rulesFile?: BrokenRulesFile | null;
  rulesSource?: string;
}

/** What became of the admins' notice of a post that did not go out (`not_yet`: failing, not for long yet). */
export type SummaryNotice = Exclude<PostOnceResult, 'already_sent'> | 'told_earlier' | 'not_yet';

/** What a tick did, for the log (and the ledger when the run finishes). */
export type MonthlySummaryReport =
  | { status: 'not_due'; runKey: string; reason: 'before_send_time' }
  | { status: 'already_done'; runKey: string; finishedAt: string | null; adminNotice?: SummaryNotice }
  | { status: 'no_channel'; runKey: string; message: string; adminNotice: SummaryNotice }
  | { status: 'delivered'; runKey: string; month: string; activityId: string; headline: string }
  | {
      status: 'unreachable';
      runKey: string;
      month: string;
      code: string;
      message: string;
      adminNotice: SummaryNotice;
    }
  | { status: 'failed'; runKey: string; month: string; error: string; adminNotice: SummaryNotice };

/**
 * One timer tick of the monthly summary: when due, posts last month's card to the team's summary
 * channel once. The ledger's `monthly-YYYY-MM` run makes it idempotent: a finished run or a recorded
 * delivery is never repeated; a failed send records nothing, so the next tick retries. The post is
 * claimed in the ledger first (takeSendClaim), so two instances on one tick post it once. Without a
 * channel nothing is recorded either, so the summary goes out once the app is added to a team. The
 * admins are told once when the channel refuses the post, or when it has kept failing for
 * SUMMARY_FAILING_NOTICE_DAYS. A refusal's notice that could not be posted stays on the closed run's
 * row, and each later tick of the month posts it until one succeeds (retryNotice).
 */
export async function runMonthlySummary(deps: MonthlySummaryDeps): Promise<MonthlySummaryReport> {
  const { storage, sender, now, config } = deps;
  const decision = monthlyRunDue(now, config.schedule);
  const { runKey } = decision;
  if (!decision.due) return { status: 'not_due', runKey, reason: decision.reason };
  const at = now.toISOString();
  const existing = await storage.runs.getRun(runKey);
  if (existing?.finishedAt) {
    const pending = pendingNoticeOf(existing);
    const done = { status: 'already_done', runKey, finishedAt: existing.finishedAt } as const;
    if (!pending) return done;
    const { notifyAdmins, log = consoleLog } = deps;
    const result = await retryNotice({ notifyAdmins, runs: storage.runs, log }, runKey, pending, now);
    return { ...done, adminNotice: result === 'already_sent' ? 'told_earlier' : result };
  }
  const recorded = (await storage.runs.listRun(runKey)).find((d) => d.repId === SUMMARY_CHANNEL_RECIPIENT);
  if (recorded) {
    // Posted (or refused), then the process stopped before closing the run: close it, post nothing;
    // a refusal the admins may not have heard of is told now (once).
    const month = summarisedMonth(runKey);
    const trouble = { kind: 'unreachable', code: recorded.code ?? 'recorded by an earlier tick' } as const;
    const adminNotice =
      recorded.status === 'unreachable' ? await tellAdmins(deps, runKey, month, trouble) : undefined;
    // Another instance is posting the notice: the run stays open, as a closed month is never looked
    // at again; should that instance stop before posting it, a later tick past the claim's hold does.
    if (adminNotice === 'under_way')
      return { status: 'unreachable', runKey, month, code: trouble.code, message: REFUSED, adminNotice };
    const report = {
      status: recorded.status,
      note: 'closed after a restart',
      ...(adminNotice ? { adminNotice } : {}),
    };
    await storage.runs.finishRun(
      runKey,
      at,
      report,
      adminNotice && refusalToKeep(deps, month, trouble, adminNotice),
    );
    return { status: 'already_done', runKey, finishedAt: at };
  }
  const channel = await storage.conversations.getSummaryChannel();
  if (!channel) {
    // Nothing is recorded for the run, so the tick after the app is added to a team posts it; the
    // admins are told once (a notice row of its own: a later refusal of the post is told too).
    const trouble = { kind: 'no_channel' } as const;
    return {
      status: 'no_channel',
      runKey,
      message: 'no summary channel: add the app to a team (or type "summary here" in a channel)',
      adminNotice: await tellAdmins(deps, runKey, summarisedMonth(runKey), trouble, 'channel'),
    };
  }
  await storage.runs.startRun(runKey, at);
  const month = summarisedMonth(runKey);
  if (deps.log && deps.rulesSource) logRulesInUse(deps.log, deps.rulesSource, deps.rulesFile, { runKey });
  // Read as of the tick decided for (monthlyRunDue): the midnight tick fired at 23:59:59.995 is the
  // 1st's, so the month's last day (and the week ending on it) is over, as on the tick on time.
  const asOf = tickOf(now, MONTHLY_TICK_MINUTES);
  const feed = deps.loadFeed ? await deps.loadFeed(month, asOf) : {};
  const { summary, card } = await summaryCardFor(storage, month, {
    ...config,
    ...feed,
    now: asOf,
    ...(deps.log ? { log: deps.log } : {}),
  });
  // Claimed like a rep's card: a second instance on the tick leaves the post to the first, and a post
  // whose delivery row storage kept refusing goes out at most once more, not on every tick.
  const turn = await takeSendClaim(
    { runKey, now, runs: storage.runs },
    SUMMARY_CHANNEL_RECIPIENT,
    noEarlierPost,
  );
  const sent: SendOutcome = turn.send
    ? await sender(channel.reference, card, summary.headline)
    : { status: 'failed', error: 'error' in turn ? turn.error : 'posted earlier' };
  if (sent.status === 'failed') {
    // A failure answer: the next tick's post is a first one again. No answer: it may be in the
    // channel, so the claim counts it.
    if (turn.send && !sent.unanswered) await storage.runs.releaseClaim(runKey, SUMMARY_CHANNEL_RECIPIENT);
    const trouble = { kind: 'failed', error: sent.error, scheduledAt: decision.scheduledAt, now } as const;
    const adminNotice = await tellAdmins(deps, runKey, month, trouble);
    return { status: 'failed', runKey, month, error: sent.error, adminNotice };
  }
  // Teams' code of a refusal is kept, for a tick that closes the run after a crash to tell it too.
  const delivery = sent.status === 'delivered' ? { activityId: sent.activityId } : { code: sent.code };
  await storage.runs.recordDelivery(runKey, SUMMARY_CHANNEL_RECIPIENT, {
    at,
    status: sent.status,
    ...delivery,
  });
  const report: MonthlySummaryReport =
    sent.status === 'delivered'
      ? { status: 'delivered', runKey, month, activityId: sent.activityId, headline: summary.headline }
      : {
          status: 'unreachable',
          runKey,
          month,
          code: sent.code,
          message: REFUSED,
          adminNotice: await tellAdmins(deps, runKey, month, { kind: 'unreachable', code: sent.code }),
        };
  // As after a restart: the run stays open while another instance posts the refusal's notice.
  if (report.status === 'delivered') await storage.runs.finishRun(runKey, at, report);
  else if (report.adminNotice !== 'under_way') {
    const kept = refusalToKeep(deps, month, { kind: 'unreachable', code: report.code }, report.adminNotice);
    await storage.runs.finishRun(runKey, at, report, kept);
  }
  return report;
}

const REFUSED = 'the app was removed from the summary channel or blocked: add it to the team again';

/** A channel post keeps no copy to find again: an unanswered one is only known by its claim. */
const noEarlierPost = async (): Promise<null> => null;

/**
 * The refusal's notice the closed run keeps when it could not be posted: the month is never posted
 * again, so only a later tick's retry would tell the admins.
 */
function refusalToKeep(
  deps: MonthlySummaryDeps,
  month: string,
  trouble: SummaryTrouble,
  result: SummaryNotice,
): PendingNotice | undefined {
  return noticeToKeep(result, { text: summaryNoticeText(month, trouble, deps.config.locale), kind: 'run' });
}

/** Tells the admins once per month's run (the ledger's notice row), when the trouble is theirs to know. */
async function tellAdmins(
  deps: MonthlySummaryDeps,
  runKey: string,
  month: string,
  trouble: SummaryTrouble,
  kind: NoticeKind = 'run',
): Promise<SummaryNotice> {
  if (!summaryNoticeDue(trouble)) return 'not_yet';
  // Recorded only once someone got it: a failing month's next tick tries the notice again.
  const result = await postOnce(
    summaryNoticeText(month, trouble, deps.config.locale),
    { runKey, at: deps.now.toISOString(), kind },
    { notifyAdmins: deps.notifyAdmins, runs: deps.storage.runs },
  );
  return result === 'already_sent' ? 'told_earlier' : result;
}
