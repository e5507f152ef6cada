import type { CardSender, Log } from '../../bot/ports';
import { buildRunNoticeCard } from '../../cards/runNoticeCard';
import type { RunRecord } from '../../storage';
import type { ConversationStore } from '../../storage/conversationStore';
import type { NoticeKind, PendingNotice, RunLedger } from '../../storage/runLedger';
import { takeSendClaim } from './weeklyDelivery';
import { claimedNoticeLine } from './weeklyReport';

/** What posting the notice came to: at least one admin got it, nobody could be addressed, or every post failed. */
export type NoticeResult = 'posted' | 'no_recipient' | 'failed';

/**
 * Posts the run's account (first line the title, then one line each) to the admins. It throws only
 * before posting anything (reading whom to post to); a post's own failure is its answer.
 */
export type AdminNotifier = (text: string) => Promise<NoticeResult>;

/** An admins' notice of one run: its kind, and what it is about (recorded with it, for toldEarlier). */
export interface RunNotice {
  runKey: string;
  at: string;
  kind: NoticeKind;
  about?: string;
  /** The reps it names (toldKey of each), recorded with it: a later notice of the run names only others. */
  named?: readonly string[];
  /** True when an earlier run's notice told the admins this `about` already: recorded for this run, not posted. */
  toldEarlier?: (about: string) => Promise<boolean>;
  /**
   * The time as the tick goes on, for the post's claim (its age must count from the post, not from
   * the tick's start); default: `at`.
   */
  clock?: () => Date;
}

/**
 * What postOnce came to: besides the post's own result, `already_sent` (recorded, or told by an
 * earlier run), `under_way` (another instance claimed the post moments ago and answers for it) and
 * `unconfirmed` (its post started as often as a notice's may be, none recorded: not posted again).
 */
export type PostOnceResult = NoticeResult | 'not_configured' | 'already_sent' | 'under_way' | 'unconfirmed';

/** What posting a notice once reads and writes in the run ledger: its record, and its post's claim. */
export type NoticeRuns = Pick<
  RunLedger,
  'noticeSent' | 'recordNotice' | 'claimSend' | 'retakeClaim' | 'releaseClaim'
>;

/** The claim row a notice's post takes in the run ledger, beside the reps' send claims. */
const noticeClaimOf = (kind: NoticeKind): string => `notice-${kind}`;

/**
 * Posts an admins' notice of a run unless one of that kind was posted already (or toldEarlier says
 * an earlier run's told the same), and records it only once posted, so a post that failed is tried
 * again by a later call. The post is claimed first as a rep's card is (takeSendClaim): of two
 * instances on one tick, one posts; a post whose record never reached the ledger (a crash, storage
 * refusing the write) goes out at most once more. A post that failed, or a notifier that threw,
 * gives its claim back, so the next try is a first one.
 */
export async function postOnce(
  text: string,
  notice: RunNotice,
  deps: {
    notifyAdmins?: AdminNotifier;
    runs: NoticeRuns;
  },
): Promise<PostOnceResult> {
  if (!deps.notifyAdmins) return 'not_configured';
  const { runKey, at, kind, about, named } = notice;
  if (await deps.runs.noticeSent(runKey, kind)) return 'already_sent';
  if (about !== undefined && notice.toldEarlier && (await notice.toldEarlier(about))) {
    await deps.runs.recordNotice(runKey, at, kind, { about, named });
    return 'already_sent';
  }
  const claim = noticeClaimOf(kind);
  const turn = await takeSendClaim(
    { runKey, now: new Date(at), ...(notice.clock ? { clock: notice.clock } : {}), runs: deps.runs },
    claim,
    async () => ((await deps.runs.noticeSent(runKey, kind)) ? ('already_sent' as const) : null),
  );
  if (!turn.send) return 'earlier' in turn ? turn.earlier : turn.elsewhere ? 'under_way' : 'unconfirmed';
  let result: NoticeResult;
  try {
    result = await deps.notifyAdmins(text);
  } catch (error) {
    // Nothing went out (AdminNotifier): the claim would count a post never made, and two such ticks
    // would leave the notice unposted for good.
    await deps.runs.releaseClaim(runKey, claim);
    throw error;
  }
  if (result === 'posted') await deps.runs.recordNotice(runKey, at, kind, { about, named });
  else await deps.runs.releaseClaim(runKey, claim);
  return result;
}

/**
 * The notice a finished run keeps on its run row: one that could not be posted, for later ticks of
 * the run key (retryNotice) to try again; nothing otherwise.
 */
export function noticeToKeep(result: string, notice: PendingNotice): PendingNotice | undefined {
  // One another instance is posting is kept too: should that post fail, this run row, written last,
  // must not drop it; a later tick finds it recorded, or posts it.
  return result === 'failed' || result === 'no_recipient' || result === 'under_way' ? notice : undefined;
}

/** The notice a finished run's row keeps for a later tick to post (noticeToKeep); null when none. */
export function pendingNoticeOf(run: RunRecord | null): PendingNotice | null {
  if (!run?.pendingNotice) return null;
  return {
    text: run.pendingNotice,
    kind: run.pendingKind ?? 'run',
    ...(run.pendingNamed === undefined ? {} : { named: run.pendingNamed }),
  };
}

/** What trying a kept notice again needs: the notifier, the run ledger's notice rows, and the log. */
export interface RetryNoticeDeps {
  notifyAdmins?: AdminNotifier;
  runs: NoticeRuns;
  log: Pick<Log, 'info' | 'warn'>;
}

/**
 * A finished run whose admins' notice could not be posted: each later tick of its run key (the
 * week's, the day's, the month's), and of the next one for a weekly or daily run (tellEarlierRun),
 * posts it, until one succeeds (postOnce records it then, and it is not posted twice).
 */
export async function retryNotice(
  deps: RetryNoticeDeps,
  runKey: string,
  pending: PendingNotice,
  now: Date,
): Promise<PostOnceResult> {
  const { text, kind, named } = pending;
  const result = await postOnce(text, { runKey, at: now.toISOString(), kind, named }, deps);
  if (result === 'posted')
    deps.log.info(`run ${runKey}: the admins' notice posted on a later tick`, { runKey });
  else if (result === 'failed' || result === 'no_recipient')
    deps.log.warn(`run ${runKey}: the admins' notice still could not be posted (${result})`, { runKey });
  else warnIfUnconfirmed(deps.log, runKey, result);
  return result;
}

/**
 * Warns when postOnce did not post a notice again, its tries spent with no record that it went out:
 * the admins may or may not have it, and only the log can tell on-call so.
 */
export function warnIfUnconfirmed(log: Pick<Log, 'warn'>, runKey: string, result: PostOnceResult): void {
  if (result === 'unconfirmed') log.warn(`run ${runKey}: ${claimedNoticeLine(result)}`, { runKey });
}

/** Who the notice goes to: a channel of the summary channel's team when configured, else each admin 1:1. */
export interface NoticeRecipients {
  adminUserIds: readonly string[];
  /** A channel id (`19:...@thread.tacv2`) in the team the bot is installed in (the summary channel's). */
  adminChannelId?: string;
}

/**
 * The admins' notice, sent through the card sender (its limits, retries and request deadline), as
 * a card with one plain-text line per rep: admins only, never the team's channel where every rep
 * reads. It goes to the admin channel when one is configured; when that channel cannot take it (the
 * app removed from its team, or Teams no longer has it: a 403 or 404 it asks bots not to retry),
 * to each admin 1:1 instead, so losing the channel does not silence every notice. Admins are reached
 * 1:1 through the conversation the app stored when they installed it; an admin who has not
 * installed it cannot be written to and is logged.
 */
export function adminNotifier(
  send: CardSender,
  conversations: Pick<ConversationStore, 'getRep' | 'getSummaryChannel'>,
  recipients: NoticeRecipients,
  log: { warn(message: string, data?: Record<string, unknown>): void },
): AdminNotifier {
  return async (text) => {
    const [title = '', ...lines] = text.split('\n');
    const card = buildRunNoticeCard({ title, lines });
    const post = async (who: string, reference: Record<string, unknown>) => {
      const result = await send(reference, card, title);
      if (result.status !== 'delivered')
        log.warn("could not post the admins' notice", {
          to: who,
          status: result.status,
          detail: result.status === 'unreachable' ? result.code : result.error,
        });
      return result.status;
    };
    if (recipients.adminChannelId) {
      const channel = await adminChannelReference(conversations, recipients.adminChannelId, log);
      const status = channel ? await post(recipients.adminChannelId, channel) : 'unreachable';
      if (status === 'delivered') return 'posted';
      if (status !== 'unreachable') return 'failed';
    }
    const admins = await adminReferences(conversations, recipients.adminUserIds, log);
    if (admins.length === 0) return 'no_recipient';
    let posted = 0;
    for (const { who, reference } of admins) if ((await post(who, reference)) === 'delivered') posted++;
    return posted > 0 ? 'posted' : 'failed';
  };
}

/** The admin channel's reference, built on the summary channel's team; null when the app is in no team. */
async function adminChannelReference(
  conversations: Pick<ConversationStore, 'getSummaryChannel'>,
  adminChannelId: string,
  log: { warn(message: string, data?: Record<string, unknown>): void },
): Promise<Record<string, unknown> | null> {
  const team = await conversations.getSummaryChannel();
  if (!team) {
    log.warn('ADMIN_CHANNEL_ID is set but the app is in no team: the notice goes to each admin 1:1', {});
    return null;
  }
  const base = team.reference as { conversation?: Record<string, unknown> };
  return { ...team.reference, conversation: { ...base.conversation, id: adminChannelId } };
}

/** Each admin who has installed the app, with their 1:1 reference; the others are logged. */
async function adminReferences(
  conversations: Pick<ConversationStore, 'getRep'>,
  adminUserIds: readonly string[],
  log: { warn(message: string, data?: Record<string, unknown>): void },
): Promise<{ who: string; reference: Record<string, unknown> }[]> {
  const out: { who: string; reference: Record<string, unknown> }[] = [];
  for (const id of adminUserIds) {
    const admin = await conversations.getRep(id);
    if (admin) out.push({ who: id, reference: admin.reference });
    else log.warn('an admin has not installed the app: the weekly notice cannot reach them', { admin: id });
  }
  return out;
}
