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
  return { score: pointsOf(signals, weighting(weights, dropped), contributions), contributions };
}

/** The weights as weightedScore applies them, worked out once for a pass over many customers. */
export interface Weighting {
  /** Per signal (SIGNAL_NAMES order): 100 × its weight, or null when it is dropped. */
  hundredTimes: (number | null)[];
  /** The weights that share the 100 points. */
  total: number;
}

export function weighting(weights: Rules['weights'], dropped: ReadonlySet<SignalName> = NONE): Weighting {
  let total = 0;
  for (const name of SIGNAL_NAMES) if (!dropped.has(name)) total += weights[name];
  return {
    hundredTimes: SIGNAL_NAMES.map((name) => (dropped.has(name) ? null : 100 * weights[name])),
    total,
  };
}

/**
 * weightedScore's score alone, for the book's model, which reads it as a feature of every training
 * row: a record of points per signal, made and dropped for each, was most of its cost.
 */
export function weightedScoreOnly(signals: SignalValues, by: Weighting): number {
  return pointsOf(signals, by, null);
}

/** The score, clamped to 0-100; each signal's points written to `contributions` when given. */
function pointsOf(signals: SignalValues, by: Weighting, contributions: Contributions | null): number {
  const { hundredTimes, total } = by;
  let score = 0;
  for (let k = 0; k < SIGNAL_NAMES.length; k++) {
    const name = SIGNAL_NAMES[k];
    const hundred = hundredTimes[k];
    const points = total > 0 && hundred !== null ? (hundred * signals[name]) / total : 0;
    if (contributions) contributions[name] = points;
    score += points;
  }
  return Math.min(100, Math.max(0, score));
}
