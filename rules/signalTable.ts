import { orderedWithin } from './backtest';
import type { Book } from './book';
import { computeFeatures, emptyFeatures, featureContext } from './features';
import { type CadenceModel, cadenceFigures, fitCadenceModel, historiesOf } from './model/cadenceModel';
import type { Rules } from './rulesSchema';
import { computeSignals, SIGNAL_NAMES } from './signals';

/** The signals of every customer with an order, replayed as of one day, beside what happened next. */
export interface SignalTable {
  asOfDay: number;
  /** Row-major: rows × SIGNAL_NAMES.length signal strengths in [0, 1]. */
  signals: Float64Array;
  /** 1 = no order in (asOfDay, asOfDay + horizonDays]. */
  churned: Uint8Array;
  rows: number;
  model: CadenceModel;
}

/**
 * Replays the signals as of `asOfDay` (only orders on or before it count) and labels each customer by
 * whether they ordered in the horizon after it. The caller keeps asOfDay + horizonDays within the
 * data it may look at; customers with no order yet, or none within `activeWithinDays`, are left out.
 */
export function signalTable(
  book: Book,
  rules: Rules,
  asOfDay: number,
  horizonDays: number,
  activeWithinDays?: number,
): SignalTable {
  const ctx = featureContext(book, rules, asOfDay);
  const n = book.customers.length;
  const features = new Array(n);
  for (let i = 0; i < n; i++) features[i] = computeFeatures(book, i, ctx, emptyFeatures());
  const ids = book.customers.map((c) => c.id);
  const model = fitCadenceModel(historiesOf(features, ids), rules.model);
  const d = SIGNAL_NAMES.length;
  const signals: number[] = [];
  const churned: number[] = [];
  for (let i = 0; i < n; i++) {
    const f = features[i];
    if (f.orderCount === 0) continue;
    if (activeWithinDays !== undefined && f.daysSinceLastOrder > activeWithinDays) continue;
    const s = computeSignals(f, ctx, cadenceFigures(model, f));
    for (let j = 0; j < d; j++) signals.push(s[SIGNAL_NAMES[j]]);
    churned.push(orderedWithin(book, i, asOfDay, asOfDay + horizonDays) ? 0 : 1);
  }
  return {
    asOfDay,
    signals: Float64Array.from(signals),
    churned: Uint8Array.from(churned),
    rows: churned.length,
    model,
  };
}
