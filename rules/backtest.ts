import type { Book } from './book';
import { meanTopKPrecision, rocAuc } from './metrics';
import type { ModelChoice } from './model/bookModel';
import { type Calibration, calibration } from './model/calibration';
import type { Rules } from './rulesSchema';
import { scoreBook } from './scoreBook';

export interface BacktestOptions {
  asOfDay: number;
  horizonDays: number;
  /** Only customers with an order in the last N days up to the as-of day (the "active book"). */
  activeWithinDays?: number;
  /** Size of each rep's top list for precision; default 10. */
  topK?: number;
}

/** How well one ranking picked out who stopped ordering. */
export interface RankingQuality {
  /** ROC AUC, ties counted half. */
  auc: number;
  /** Share of churned customers in each rep's top K, averaged over reps. */
  topKPrecision: number;
}

export interface BacktestResult {
  asOfDay: number;
  horizonDays: number;
  activeWithinDays: number | null;
  topK: number;
  /** Customers in the population: an order on or before the as-of day (and within activeWithinDays). */
  customers: number;
  /** Of those, how many placed no order in (asOf, asOf + horizon]. */
  churned: number;
  score: RankingQuality;
  /** The naive ranking: days since the last order. */
  baseline: RankingQuality;
  /** What ranked the book on the as-of day (the book's model or the rules), and why. */
  choice: ModelChoice;
  /**
   * The stated P(no order in the horizon) against what happened, when the horizon is one the
   * probabilities are stated for (30, 60, 90 days) and they were calibrated; else null.
   */
  calibration: Calibration | null;
}

/**
 * Replays the rules as of a past day and measures, against what happened next, how well the score
 * ranked customers who placed no order within the horizon, beside days since the last order.
 */
export function backtest(book: Book, rules: Rules, options: BacktestOptions): BacktestResult {
  const { asOfDay, horizonDays, activeWithinDays } = options;
  const topK = options.topK ?? 10;
  const scored = scoreBook(book, rules, asOfDay);
  const scores: number[] = [];
  const recency: number[] = [];
  const churned: boolean[] = [];
  const owners: string[] = [];
  const key = `in${horizonDays}` as 'in30' | 'in60' | 'in90';
  const stated = horizonDays === 30 || horizonDays === 60 || horizonDays === 90;
  const probabilities: number[] = [];
  for (const c of scored.customers) {
    const days = c.daysSinceLastOrder;
    if (days === null) continue;
    if (activeWithinDays !== undefined && days > activeWithinDays) continue;
    scores.push(c.score);
    recency.push(days);
    churned.push(!orderedWithin(book, c.index, asOfDay, asOfDay + horizonDays));
    owners.push(c.owner);
    if (stated && c.noOrderProbability) probabilities.push(c.noOrderProbability[key]);
  }
  const quality = (s: number[]): RankingQuality => ({
    auc: rocAuc(s, churned),
    topKPrecision: meanTopKPrecision(owners, s, churned, topK),
  });
  return {
    asOfDay,
    horizonDays,
    activeWithinDays: activeWithinDays ?? null,
    topK,
    customers: churned.length,
    churned: churned.filter(Boolean).length,
    score: quality(scores),
    baseline: quality(recency),
    choice: scored.choice,
    calibration:
      stated && probabilities.length === churned.length ? calibration(probabilities, churned) : null,
  };
}

/** Whether customer i has an order on a day in (fromDay, toDay]. */
export function orderedWithin(book: Book, i: number, fromDay: number, toDay: number): boolean {
  for (let k = book.orderStart[i]; k < book.orderStart[i + 1]; k++) {
    const day = book.orderDay[k];
    if (day > fromDay && day <= toDay) return true;
  }
  return false;
}
