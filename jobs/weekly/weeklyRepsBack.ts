import { z } from 'zod';
import { addressKey, repAddresses } from '../../rules/addresses';
import type { RunRecord } from '../../storage';
import type { ConversationStore, Rep } from '../../storage/conversationStore';
import type { Delivery, RunLedger } from '../../storage/runLedger';
import type { NotReached } from './weeklyReport';

/**
 * A rep a week's run missed and who has installed the app since: no chat when the run came to them
 * (`missed` undefined: nothing was recorded for them), or Teams refused their card at `missed.at`
 * (they had removed the app) and their install is later. Their week's card goes out on the next tick.
 * A rep stored with no install time (a seed, a tool) is not told apart from the one Teams refused.
 */
export function isBackSince(rep: Pick<Rep, 'installedAt'> | null, missed?: Pick<Delivery, 'at'>): boolean {
  if (!rep) return false;
  if (!missed) return true;
  return rep.installedAt !== undefined && Date.parse(rep.installedAt) > Date.parse(missed.at);
}

/** The reps a finished run's report names as not reached (the only part a later tick reads). */
const missedSchema = z.object({
  notReached: z
    .array(
      z.object({
        rep: z.string(),
        status: z.string(),
        // For the admins' notice of the run (notReachedIn): a row without them still names its reps.
        detail: z.string().default(''),
        code: z.string().optional(),
        retryAt: z.string().optional(),
      }),
    )
    .default([])
    .catch([]),
  /** How many reps the run did not reach, listed or not (rows before it have none: as many as listed). */
  notReachedCount: z.number().int().min(0).optional().catch(undefined),
  /** How long the tick that finished the row took: it started at `finishedAt` less this (runClosing.ts). */
  durationMs: z.number().min(0).optional().catch(undefined),
});

/** The reps a run's report names as not reached; none when it cannot be read. */
function notReachedOf(run: RunRecord): z.output<typeof missedSchema>['notReached'] {
  return missedOf(run).notReached;
}

/** The part of a run's report naming the reps it did not reach; none when it cannot be read. */
function missedOf(run: RunRecord): z.output<typeof missedSchema> {
  let report: unknown;
  try {
    report = JSON.parse(run.report ?? '{}');
  } catch (err) {
    if (err instanceof SyntaxError) return { notReached: [] };
    throw err;
  }
  const parsed = missedSchema.safeParse(report);
  return parsed.success ? parsed.data : { notReached: [] };
}

const NOT_REACHED_STATUSES: readonly string[] = ['unreachable', 'no_conversation', 'failed'];
const isNotReachedStatus = (status: string): status is NotReached['status'] =>
  NOT_REACHED_STATUSES.includes(status);

/**
 * The reps a finished run's report names as not reached, with why as its account gave it (`listed`:
 * the leading ones the row keeps, ledgerSummary), and how many it did not reach (`count`, listed or
 * not); none when it cannot be read.
 */
export function notReachedIn(run: RunRecord): { listed: NotReached[]; count: number } {
  const { notReached, notReachedCount } = missedOf(run);
  const listed = notReached.flatMap(({ status, ...n }) =>
    isNotReachedStatus(status) ? [{ ...n, status }] : [],
  );
  return { listed, count: Math.max(notReachedCount ?? 0, notReached.length) };
}

/**
 * The reps a finished week's run missed who can get their card now: those with no app when it came
 * to them, or whose card Teams refused, who have installed the app since (isBackSince), and those
 * Teams asked (429) to wait whose wait is over at `now` (weeklyAfterWait.ts). For them, a later tick
 * goes on with the week's run. The reps the run's report names (the row keeps them while they fit,
 * ledgerSummary) are looked up one by one: two point reads a rep named there. When the row names
 * fewer than the run missed (a roll-out: hundreds without the app), the others are found among the
 * reps who installed since the run's last tick started (installedPastTheList): one query of the
 * installed reps (a request per 1,000) every tick, and the run's delivery rows (a request per 1,000)
 * when one the row does not name installed since the quarter hour before the run's last tick (most
 * ticks of a roll-out week): 2 and 2 requests at 2,000 reps. None when the report cannot be read.
 */
export async function repsBackSince(
  runKey: string,
  run: RunRecord,
  now: Date,
  deps: {
    conversations: Pick<ConversationStore, 'getRepByEmail' | 'listReps'>;
    runs: Pick<RunLedger, 'getDelivery' | 'listRun'>;
  },
): Promise<string[]> {
  const { notReached, notReachedCount, durationMs } = missedOf(run);
  const back: string[] = [];
  for (const { rep, status, retryAt } of notReached) {
    if (status === 'failed' && retryAt !== undefined && now.getTime() >= Date.parse(retryAt)) {
      back.push(rep);
      continue;
    }
    if (status !== 'no_conversation' && status !== 'unreachable') continue;
    const installed = await deps.conversations.getRepByEmail(rep);
    if (!installed) continue;
    const missed = status === 'unreachable' ? await deps.runs.getDelivery(runKey, rep) : null;
    if (status === 'unreachable' && missed?.status !== 'unreachable') continue;
    if (isBackSince(installed, missed ?? undefined)) back.push(rep);
  }
  if ((notReachedCount ?? 0) <= notReached.length) return back;
  const named = new Set(notReached.map((n) => addressKey(n.rep)));
  const since = lastTickAt(run, durationMs) - INSTALL_BEFORE_RUN_MS;
  return [...back, ...(await installedPastTheList(runKey, since, named, deps))];
}

/**
 * How long before a tick an install may be and still be missed by it: Teams' timestamp of the
 * install comes before the rep's row is stored, and a row stored after the tick read the reps finds
 * the rep without the app for the whole tick.
 */
const INSTALL_BEFORE_RUN_MS = 15 * 60_000;

/**
 * When the tick that last finished the run started (its row's finishedAt less the tick's duration),
 * else when the run started. That tick read the reps installed before then and dealt with each who
 * has a week: sent, refused, or left to a tick the row brings about (a rep waiting for their own send
 * time, a failed send while attempts remain).
 */
function lastTickAt(run: RunRecord, durationMs: number | undefined): number {
  const started = Date.parse(run.startedAt);
  if (run.finishedAt === undefined || durationMs === undefined) return started;
  const tick = Date.parse(run.finishedAt) - durationMs;
  return Number.isNaN(tick) ? started : Math.max(started, tick);
}

/**
 * The reps who installed the app `since` (lastTickAt, less INSTALL_BEFORE_RUN_MS) whom the run's
 * row does not name (`named`, their addresses) and whose card the run has not settled: no delivery
 * row, or one Teams refused before the install (isBackSince). An install the last tick read is not
 * looked for again: that tick sent the card, or its row has the rep wait for their own send time
 * (decideAttempt), so the run does not go on for them every quarter hour. Each is named by the
 * address the run's ledger keys them by (their email). One of them who owns no customer is found
 * once: the tick that goes on for them records that they have no card this week
 * (settleBackWithoutCard). A rep stored with no install time (a seed, a tool) is not found here.
 */
async function installedPastTheList(
  runKey: string,
  since: number,
  named: ReadonlySet<string>,
  deps: {
    conversations: Pick<ConversationStore, 'listReps'>;
    runs: Pick<RunLedger, 'listRun'>;
  },
): Promise<string[]> {
  const installed = (await deps.conversations.listReps()).filter(
    (rep) =>
      rep.email !== '' &&
      rep.installedAt !== undefined &&
      Date.parse(rep.installedAt) > since &&
      !repAddresses(rep).some((address) => named.has(address)),
  );
  if (installed.length === 0) return [];
  const rows = new Map((await deps.runs.listRun(runKey)).map((d) => [addressKey(d.repId), d]));
  return installed
    .filter((rep) => {
      const row = repAddresses(rep)
        .map((address) => rows.get(address))
        .find((d) => d !== undefined);
      return (
        row === undefined ||
        row.status === 'no_conversation' ||
        (row.status === 'unreachable' && isBackSince(rep, row))
      );
    })
    .map((rep) => rep.email);
}

/**
 * Records `nothing_to_send` for each rep the tick went on for (`back`) who has no card in the week's
 * plan (`owners`: the reps it planned a week for, by their ledger address): one who installed the app
 * since the run but owns no customer, or one the feed no longer names. The ledger then settles them,
 * so the ticks after this one do not go on with the run for them again.
 */
export async function settleBackWithoutCard(
  back: ReadonlySet<string>,
  owners: ReadonlySet<string>,
  run: {
    runKey: string;
    at: string;
    conversations: Pick<ConversationStore, 'getRepByEmail'>;
    runs: Pick<RunLedger, 'recordDelivery'>;
  },
): Promise<void> {
  for (const rep of back) {
    const address = (await run.conversations.getRepByEmail(rep))?.email || rep;
    if (owners.has(address) || owners.has(rep)) continue;
    await run.runs.recordDelivery(run.runKey, address, { at: run.at, status: 'nothing_to_send' });
  }
}

/**
 * The reps of a week's run Teams asked (429) to wait, with when the wait ends (ISO), from the run's
 * report: a tick before then sends them nothing (Teams would only answer 429 again), and the first
 * tick after it sends their card, once (weeklyAfterWait.ts).
 */
export function teamsWaits(run: RunRecord | null): Map<string, string> {
  const waits = new Map<string, string>();
  for (const { rep, status, retryAt } of run ? notReachedOf(run) : [])
    if (status === 'failed' && retryAt !== undefined) waits.set(rep, retryAt);
  return waits;
}

/**
 * The reps this week's run has settled, by their ledger rows: each is answered from its row, not
 * sent again. Not settled: a rep without the app (never recorded; an older row of it is not final
 * either), and one Teams refused who is back since (isBackSince), whose card goes out now.
 */
export async function settledReps(
  handled: readonly Delivery[],
  directory: Pick<ConversationStore, 'getRepByEmail'>,
): Promise<Map<string, Delivery>> {
  const settled = new Map<string, Delivery>();
  for (const d of handled) {
    if (d.status === 'no_conversation') continue;
    if (d.status === 'unreachable' && isBackSince(await directory.getRepByEmail(d.repId), d)) continue;
    settled.set(d.repId, d);
  }
  return settled;
}
