export { buildWeeklyCard } from './buildWeeklyCard';
export { cardAttachment } from './cardAttachment';
export {
  type CardJson,
  type CustomerOutcome,
  DEFAULT_NOTE_MAX_LENGTH,
  type LossReasonChoice,
  MAX_CARD_CUSTOMERS,
  type WeeklyCardCustomer,
  type WeeklyCardData,
} from './cardModels';
export { cardBytes, MAX_CARD_BYTES, oversizeError } from './cardSize';
export {
  type CardSubmit,
  cardSubmitSchema,
  type ParsedSubmit,
  parseCardSubmit,
  readCardSubmit,
  type SubmittedInputs,
} from './cardSubmit';
export { buildMonthlySummaryCard, MAX_CHART_REPS, MAX_LISTED_REPS } from './monthlySummaryCard';
export { lossReasonChoices, weeklyCardDataSchema } from './weeklyCardData';
