import { z } from 'zod';
import { addressKey } from '../../rules/addresses';
import { localDate } from '../../rules/calendar';
import type { LastRun, LastWeekOptions } from '../../rules/listChanges';
import type { RunLedger } from '../../storage/runLedger';
import { EARLIEST_WEEKLY_RUN_KEY, weeklyRunKeyWeeksBefore } from '../schedule/weeklyRunDue';

// What a finished run's report says of the feed its cards were planned from (weeklyReport.ts);
// reports written before these fields have only the localDate.
const reportSchema = z.object({
  localDate: z.string(),
  cardsOn: z.string().optional(),
  feed: z.object({ lastOrderDay: z.string().nullable().optional() }).optional(),
});

/** What lastCardsOptions reads from the run ledger. */
export type LastCardsLedger = Pick<RunLedger, 'lastRuns' | 'getRun' | 'deliveriesBetween'>;

/**
 * Weeks back the last finished run is looked for first. Each week's run is a partition of its own,
 * and the service may answer a query over many partitions a page per partition: one over every
 * week since the first costs 52 more round trips a year, one over the last weeks a few.
 */
const RECENT_WEEKS = 8;

/**
 * The latest weekly runs before `runKey`, started and finished: from the last RECENT_WEEKS, else
 * (no run finished in them: a team back after a pause) from every week since the first. A run
 * finished in the recent weeks makes the recent answer the whole one: the latest started run is no
 * earlier than it.
 */
async function lastWeeklyRuns(
  runs: Pick<RunLedger, 'lastRuns'>,
  runKey: string,
): Promise<{ started: string | null; finished: string | null }> {
  const from = weeklyRunKeyWeeksBefore(runKey, RECENT_WEEKS);
  const recent = from === null ? null : await runs.lastRuns(from, runKey);
  return recent?.finished ? recent : runs.lastRuns(EARLIEST_WEEKLY_RUN_KEY, runKey);
}

/**
 * Where each rep's last card before `runKey` is known from, as the replay of last week takes it
 * (rules/listChanges.ts LastWeekOptions): the last finished weekly run; and for a rep whose card a
 * later run sent before it died (killed mid-run, its week over before a tick came back to finish
 * it), that run, as its cards went out that day. Without it, the week after such a run read its
 * cards as never sent: compared with the week before, or, when it was the first run, as a first
 * week ("New on your list" on every row, no "Still on your list", no "Back on track").
 * `reader`: the weekly run reads the stored states before it writes this week's, `list` after.
 */
export async function lastCardsOptions(
  runs: LastCardsLedger,
  runKey: string,
  timeZone: string,
  reader: 'run' | 'list',
): Promise<Pick<LastWeekOptions, 'lastWeek' | 'lastRun' | 'lastRunByRep'>> {
  const { started, finished } = await lastWeeklyRuns(runs, runKey);
  const lastRun = finished === null ? 'none' : await finishedRun(runs, finished);
  // Every run after the last finished one died before finishing: the rows they delivered. The range
  // starts just after the finished run's key ('!' sorts before any week's digits), so a week after
  // a run that finished, as nearly every week is, reads no row at all.
  const latest = new Map<string, string>();
  const from = finished === null ? EARLIEST_WEEKLY_RUN_KEY : `${finished}!`;
  for (const d of await runs.deliveriesBetween(from, runKey)) {
    if (d.status !== 'delivered') continue;
    const rep = addressKey(d.repId);
    if ((latest.get(rep) ?? '') < d.runKey) latest.set(rep, d.runKey);
  }
  const byRun = new Map<string, LastRun>();
  for (const key of new Set(latest.values())) {
    const run = await runs.getRun(key);
    // feedTo unknown: the run died before its report said what the feed held (its orders are
    // taken to be those before its day, as the replay does for a run that recorded none).
    if (run) byRun.set(key, { on: localDate(new Date(run.startedAt), timeZone), feedTo: null });
  }
  const lastRunByRep = new Map<string, LastRun>();
  for (const [rep, key] of latest) {
    const run = byRun.get(key);
    if (run) lastRunByRep.set(rep, run);
  }
  // With no run finished before this week's, `list` reads the kinds this week's run stored: no list
  // last week. The weekly run reads the states before it writes, so they stand for last week's list,
  // unless a run started before this week's and died: the rows it stored before its cards are no
  // list a rep saw (with no card delivered at all, the next Monday's rows read "Still on your list
  // (week 2)"); only the reps its delivered rows name had a card.
  const none = lastRun === 'none' && (reader === 'list' || started !== null);
  return {
    ...(none ? { lastWeek: 'none' as const } : {}),
    ...(typeof lastRun === 'object' ? { lastRun } : {}),
    ...(lastRunByRep.size > 0 ? { lastRunByRep } : {}),
  };
}

/** A finished run as the next week's replay of its cards needs it; `unknown` when its report does not say. */
async function finishedRun(runs: Pick<RunLedger, 'getRun'>, key: string): Promise<LastRun | 'unknown'> {
  const text = (await runs.getRun(key))?.report;
  let json: unknown = null;
  try {
    json = text === undefined ? null : JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  const report = reportSchema.safeParse(json);
  if (!report.success) return 'unknown';
  const { localDate, cardsOn, feed } = report.data;
  return { on: cardsOn ?? localDate, feedTo: feed?.lastOrderDay ?? null };
}
