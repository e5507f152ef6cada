/** Timer-run orchestration: decide, read, build, send, record. */
export {
  type MonthlySummaryConfig,
  type MonthlySummaryDeps,
  type MonthlySummaryReport,
  runMonthlySummary,
  SUMMARY_CHANNEL_RECIPIENT,
  type SummarySender,
  type SummarySendResult,
} from './monthlySummaryRun';
export { type SummaryCardOptions, summaryCardFor } from './summaryCardFor';
export type { WeeklyReport } from './weeklyReport';
export { runWeekly, type WeeklyRunDeps } from './weeklyRun';
export { weeklyRunDeps } from './weeklyWiring';
