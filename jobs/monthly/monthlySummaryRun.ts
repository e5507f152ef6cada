import type { CardSender } from '../../bot/ports';
import type { Storage } from '../../storage';
import { type MonthlySchedule, monthlyRunDue, summarisedMonth } from '../schedule';
import type { ComebackOutcomes, SummaryInput } from '.';
import { type SummaryCardOptions, summaryCardFor } from './summaryCardFor';

/** The ledger's delivery row for the channel post (the ledger keys deliveries by recipient). */
export const SUMMARY_CHANNEL_RECIPIENT = 'summary-channel';

export interface MonthlySummaryConfig extends Omit<SummaryCardOptions, 'outcomes' | 'saves'> {
  /** When the summary goes out: the 1st at hour:minute in the zone. */
  schedule: MonthlySchedule;
}

export interface MonthlySummaryDeps {
  storage: Pick<Storage, 'audit' | 'conversations' | 'runs'>;
  sender: CardSender;
  now: Date;
  config: MonthlySummaryConfig;
  /** Order-feed outcomes for the holdout comparison (optional: the card says when they are missing). */
  loadOutcomes?: () => Promise<ComebackOutcomes | null>;
  /** Saves that hold, from the feed and the states (optional: the card leaves the figure out). */
  loadSaves?: (month: string, now: Date) => Promise<NonNullable<SummaryInput['saves']>>;
}

/** What a tick did, for the log (and the ledger when the run finishes). */
export type MonthlySummaryReport =
  | { status: 'not_due'; runKey: string; reason: 'before_send_time' }
  | { status: 'already_done'; runKey: string; finishedAt: string | null }
  | { status: 'no_channel'; runKey: string; message: string }
  | { status: 'delivered'; runKey: string; month: string; activityId: string; headline: string }
  | { status: 'unreachable'; runKey: string; month: string; code: string; message: string }
  | { status: 'failed'; runKey: string; month: string; error: string };

/**
 * One timer tick of the monthly summary: when due, posts last month's card to the team's summary
 * channel once. The ledger's `monthly-YYYY-MM` run makes it idempotent: a finished run or a recorded
 * delivery is never repeated; a failed send records nothing, so the next tick retries. Without a
 * channel nothing is recorded either, so the summary goes out once the app is added to a team.
 */
export async function runMonthlySummary(deps: MonthlySummaryDeps): Promise<MonthlySummaryReport> {
  const { storage, sender, now, config } = deps;
  const decision = monthlyRunDue(now, config.schedule);
  const { runKey } = decision;
  if (!decision.due) return { status: 'not_due', runKey, reason: decision.reason };
  const at = now.toISOString();
  const existing = await storage.runs.getRun(runKey);
  if (existing?.finishedAt) return { status: 'already_done', runKey, finishedAt: existing.finishedAt };
  if (await storage.runs.hasDelivered(runKey, SUMMARY_CHANNEL_RECIPIENT)) {
    // Posted, then the process stopped before closing the run: close it, post nothing.
    await storage.runs.finishRun(runKey, at, { status: 'delivered', note: 'closed after a restart' });
    return { status: 'already_done', runKey, finishedAt: at };
  }
  const channel = await storage.conversations.getSummaryChannel();
  if (!channel) {
    return {
      status: 'no_channel',
      runKey,
      message: 'no summary channel: add the app to a team (or type "summary here" in a channel)',
    };
  }
  await storage.runs.startRun(runKey, at);
  const month = summarisedMonth(runKey);
  const outcomes = deps.loadOutcomes ? await deps.loadOutcomes() : null;
  const saves = deps.loadSaves ? await deps.loadSaves(month, now) : null;
  const { summary, card } = await summaryCardFor(storage, month, { ...config, outcomes, saves });
  const sent = await sender(channel.reference, card, summary.headline);
  if (sent.status === 'failed') return { status: 'failed', runKey, month, error: sent.error };
  const delivery = sent.status === 'delivered' ? { activityId: sent.activityId } : {};
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
          message: 'the app was removed from the summary channel or blocked: add it to the team again',
        };
  await storage.runs.finishRun(runKey, at, report);
  return report;
}
