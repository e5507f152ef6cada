import { z } from 'zod';
import type { LastRun } from '../../rules/listChanges';
import type { RunLedger } from '../../storage/runLedger';
import { EARLIEST_WEEKLY_RUN_KEY } from '../schedule/weeklyRunDue';

// What a finished run's report says of the feed its cards were planned from (weeklyReport.ts);
// reports written before these fields have only the localDate.
const reportSchema = z.object({
  localDate: z.string(),
  cardsOn: z.string().optional(),
  feed: z.object({ lastOrderDay: z.string().nullable().optional() }).optional(),
});

/**
 * The last finished weekly run before `runKey`, as the next week's replay of its cards needs it
 * (rules/listChanges.ts LastRun); `none` when no weekly run finished before, `unknown` when its
 * report does not say.
 */
export async function lastWeeklyRun(
  runs: Pick<RunLedger, 'lastFinished' | 'getRun'>,
  runKey: string,
): Promise<LastRun | 'none' | 'unknown'> {
  const key = await runs.lastFinished(EARLIEST_WEEKLY_RUN_KEY, runKey);
  if (key === null) return 'none';
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
