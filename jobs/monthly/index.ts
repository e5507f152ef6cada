/** The monthly summary: pure computation from audit rows (no I/O). */

export {
  computeMonthlySummary,
  PRIOR_MONTHS_NEEDED,
  pastTheCardIn,
  priorMonthsOf,
  RECHURN_DAYS_AFTER_COOL_DOWN,
  RECHURN_WINDOW_DAYS,
  reChurnWindowDays,
  type SummaryInput,
  type SummaryOptions,
} from './computeMonthlySummary';
export { type HeadlineFigures, headlineFor } from './headline';
export { isHeldOut } from './holdout';
export {
  type ComebackOutcomes,
  holdoutFigures,
  MIN_HELD_OUT_TO_COMPARE,
  outcomesFromBook,
} from './holdoutComparison';
export { DOMINANT_SHARE, lossHints, MIN_LOSSES_FOR_HINT } from './lossHints';
export {
  type HoldoutFigures,
  type LossShare,
  type MonthlySummary,
  monthlySummarySchema,
  type ReChurnCustomer,
  type RepFigures,
} from './monthlySummarySchema';
export { resolveUndos, type UndoResolution } from './netOfUndos';
export { facts as summaryFacts, renderSummaryText } from './summaryText';
