import type { Rules, SignalName } from './rulesSchema';
import { SIGNAL_NAMES, type SignalValues } from './signals';

const NONE: ReadonlySet<SignalName> = new Set();

/** Points each signal adds to the score; they sum to the score. */
export type Contributions = Record<SignalName, number>;

export interface Score {
  /** 0-100, unrounded (round for display). */
  score: number;
  contributions: Contributions;
}

/**
 * Weighted score: each signal earns its weight's share of 100 points, scaled by its strength.
 * Signals in `dropped` (the model's, when it is unavailable) take no share: the rest share the 100.
 */
export function weightedScore(
  signals: SignalValues,
  weights: Rules['weights'],
  dropped: ReadonlySet<SignalName> = NONE,
): Score {
  const contributions = {} as Contributions;
  return { score: pointsOf(signals, weights, dropped, contributions), contributions };
}

/**
 * weightedScore's score alone, for the book's model, which reads it as a feature of every training
 * row: a record of points per signal, made and dropped for each, was most of its cost.
 */
export function weightedScoreOnly(
  signals: SignalValues,
  weights: Rules['weights'],
  dropped: ReadonlySet<SignalName> = NONE,
): number {
  return pointsOf(signals, weights, dropped, null);
}

/** The score, clamped to 0-100; each signal's points written to `contributions` when given. */
function pointsOf(
  signals: SignalValues,
  weights: Rules['weights'],
  dropped: ReadonlySet<SignalName>,
  contributions: Contributions | null,
): number {
  const all = dropped.size === 0;
  let total = 0;
  for (const name of SIGNAL_NAMES) if (all || !dropped.has(name)) total += weights[name];
  let score = 0;
  for (const name of SIGNAL_NAMES) {
    const points =
      total > 0 && (all || !dropped.has(name)) ? (100 * weights[name] * signals[name]) / total : 0;
    if (contributions) contributions[name] = points;
    score += points;
  }
  return Math.min(100, Math.max(0, score));
}
