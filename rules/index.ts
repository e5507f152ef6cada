/** The public API of the scoring rules: pure functions, no I/O. */
export { type BacktestOptions, type BacktestResult, backtest, type RankingQuality } from './backtest';
export { type Book, type Customer, dayOf, isoOfDay, SENTIMENT } from './book';
export { type ColumnMapping, columnMappingSchema } from './columnMapping';
export { type Band, type CustomerState, type CustomerStatus, initialState } from './customerState';
export {
  computeFeatures,
  DAYS_PER_MONTH,
  emptyFeatures,
  type FeatureContext,
  type Features,
  featureContext,
  ordersEnd,
} from './features';
export { type FeedFormats, feedFormatsSchema } from './feedFormats';
export { classifyGates, type Gate, type GateInput, type GateResult } from './gates';
export { meanTopKPrecision, rocAuc } from './metrics';
export { type Play, playFor, STANDARD_PLAY, VIP_PLAY, vipThreshold } from './play';
export { type Rankable, type RepList, rankPerRep, valueAtRisk } from './ranking';
export { MIN_REASON_POINTS, reasonsFor, reasonText } from './reasons';
export {
  defaultRules,
  parseRules,
  type Rules,
  RulesError,
  rulesSchema,
  type SignalName,
  type Weights,
} from './rulesSchema';
export { type Contributions, type Score, weightedScore } from './score';
export { type ScoredBook, type ScoredCustomer, scoreBook } from './scoreBook';
export { computeSignals, dropFraction, orderRate, SIGNAL_NAMES, type SignalValues } from './signals';
