import type { FeatureContext, Features } from './features';
import type { CadenceFigures } from './model/cadenceModel';
import type { SignalName } from './rulesSchema';

/** Every signal, in the order reasons and contributions list them when points tie. */
export const SIGNAL_NAMES = [
  'noOrderLikely',
  'missedOrders',
  'overdue',
  'lowFrequency',
  'newCustomer',
  'recency',
  'recencyShare',
  'frequencyDrop',
  'valueDrop',
  'sourTickets',
  'openTickets',
] as const satisfies readonly SignalName[];

/** The signals that come from the cadence model; they drop out of the score when it is unavailable. */
export const MODEL_SIGNALS: ReadonlySet<SignalName> = new Set(['noOrderLikely', 'missedOrders']);

/** Each signal's strength in [0, 1]: 0 = no sign of risk, 1 = as strong as it gets. */
export type SignalValues = Record<SignalName, number>;

/** Every signal at 0 (a customer with no order yet; a base for tests and sums). */
export function noSignals(): SignalValues {
  return Object.fromEntries(SIGNAL_NAMES.map((name) => [name, 0])) as SignalValues;
}

/** Orders per day at the customer's pace, shrunk towards the book's for short histories. */
export function orderRate(f: Features, populationCadenceDays: number): number {
  // One extra cadence of exposure: a brand-new customer is assumed to order at the book's pace.
  return f.orderDays / (f.tenureDays + populationCadenceDays);
}

/**
 * The signals of one customer; all 0 for a customer with no order yet. `model` is the cadence
 * model's view of them (null when it is unavailable: the model signals are then 0).
 */
export function computeSignals(
  f: Features,
  ctx: FeatureContext,
  model: CadenceFigures | null = null,
): SignalValues {
  if (f.orderCount === 0) return noSignals();
  const pop = ctx.populationCadenceDays;
  return {
    noOrderLikely: model ? model.noOrderProbability : 0,
    // A one-order customer has no pace of their own to miss (silenceProbability is 1 for them).
    missedOrders: model ? 1 - model.silenceProbability : 0,
    // Only with a habit (windows.habitOrders); 0 until a whole cadence has passed, then rises fast:
    // 1.5x late = 0.56, 2x = 0.75, 4x = 0.94.
    overdue: f.orderDays >= ctx.windows.habitOrders && f.overdueRatio > 1 ? 1 - 1 / f.overdueRatio ** 2 : 0,
    // Poisson chance of no order in the next trend window at the customer's own rate.
    lowFrequency: Math.exp(-orderRate(f, pop) * ctx.windows.trendDays),
    // Halves once they have been a customer for one typical gap of the book.
    newCustomer: pop / (f.tenureDays + pop),
    recency: f.daysSinceLastOrder / (f.daysSinceLastOrder + pop),
    // The share of their whole history spent silent: a month is nothing after years, a lot after two.
    recencyShare: Math.min(1, f.daysSinceLastOrder / (f.tenureDays + 1)),
    // Trends need a habit to compare with: at least two visits in the prior window.
    frequencyDrop: f.priorOrderDays >= 2 ? dropFraction(f.recentOrderDays, f.priorOrderDays) : 0,
    valueDrop: f.priorOrderDays >= 2 && f.priorValue > 0 ? dropFraction(f.recentValue, f.priorValue) : 0,
    // Each further ticket adds half of what is left.
    sourTickets: 1 - 0.5 ** f.sourTickets,
    openTickets: 1 - 0.5 ** f.openTickets,
  };
}

/** How far `recent` fell below `prior`, in [0, 1]; 0 when it did not fall. */
export function dropFraction(recent: number, prior: number): number {
  return prior > 0 ? Math.min(1, Math.max(0, 1 - recent / prior)) : 0;
}
