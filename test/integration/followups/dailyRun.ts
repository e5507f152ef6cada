import type { FollowUpsDone, FollowUpsReport } from '../../../jobs/followups/followUpsReport';

/** Tuesday 24 Nov 2026, 09:03 in Chicago: the default send time. */
export const TUESDAY = new Date('2026-11-24T15:03:00Z');

/** The report of a run that completed; anything else fails the test with the report. */
export function completed(report: FollowUpsReport): FollowUpsDone {
  if (report.status !== 'completed')
    throw new Error(`expected a completed run, got ${JSON.stringify(report)}`);
  return report;
}
