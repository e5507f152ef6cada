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
  let total = 0;
  for (const name of SIGNAL_NAMES) if (!dropped.has(name)) total += weights[name];
  const contributions = {} as Contributions;
  let score = 0;
  for (const name of SIGNAL_NAMES) {
    const points = total > 0 && !dropped.has(name) ? (100 * weights[name] * signals[name]) / total : 0;
    contributions[name] = points;
    score += points;
  }
  return { score: Math.min(100, Math.max(0, score)), contributions };
}
