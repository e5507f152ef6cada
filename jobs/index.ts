/** The timer runs: decide, read, build, send, record. */
export {
  type MonthlySummaryConfig,
  type MonthlySummaryDeps,
  type MonthlySummaryReport,
  runMonthlySummary,
  SUMMARY_CHANNEL_RECIPIENT,
} from './monthly/monthlySummaryRun';
export { type SummaryCardOptions, summaryCardFor } from './monthly/summaryCardFor';
export type { WeeklyReport } from './weekly/weeklyReport';
export { runWeekly, type WeeklyRunDeps } from './weekly/weeklyRun';
