/**
 * Calibration against the generative process (FHL 2005 §3): customers simulated from known parameters,
 * scored with those parameters. The averages of the model's probabilities must match the simulated
 * outcomes within sampling error (20,000 customers: standard error about 0.0035 on a share).
 */
import { describe, expect, it } from 'vitest';
import { scoreBgNbd } from '../../../rules/model/bgnbd';
import { createRandomSource } from '../../synthetic/bgnbdRandom';
import { simulateBgNbd } from '../../synthetic/bgnbdSimulate';

const TRUTH = { r: 0.5, alpha: 5, a: 0.8, b: 2.5 };
const HORIZON = 39;
const sim = simulateBgNbd(TRUTH, { customers: 20_000, seed: 4, minAge: 20, maxAge: 80, horizon: HORIZON });
const scores = scoreBgNbd(TRUTH, sim.summary, HORIZON);

function meanWhere(values: ArrayLike<number>, keep: (i: number) => boolean): number {
  let total = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (keep(i)) {
      total += values[i];
      count++;
    }
  }
  return total / count;
}

const noFuturePurchase = Float64Array.from(sim.futurePurchases, (n) => (n === 0 ? 1 : 0));

describe('BG/NBD predictions are calibrated on simulated customers', () => {
  it('P(alive) averages to the share actually alive at T (repeat buyers; it is 1 by definition for x = 0)', () => {
    const repeat = (i: number) => sim.summary.x[i] > 0;
    expect(
      Math.abs(meanWhere(scores.probabilityAlive, repeat) - meanWhere(sim.aliveAtT, repeat)),
    ).toBeLessThan(0.015);
  });

  it('P(no purchase in the horizon) averages to the share that bought nothing, for one-order and repeat buyers', () => {
    for (const group of [(i: number) => sim.summary.x[i] === 0, (i: number) => sim.summary.x[i] > 0]) {
      const predicted = meanWhere(scores.probabilityNoPurchase, group);
      const actual = meanWhere(noFuturePurchase, group);
      expect(Math.abs(predicted - actual)).toBeLessThan(0.015);
    }
  });

  it('E[purchases in the horizon] averages to the purchases actually made (within 5%)', () => {
    const predicted = meanWhere(scores.expectedPurchases, () => true);
    const actual = meanWhere(sim.futurePurchases, () => true);
    expect(Math.abs(predicted / actual - 1)).toBeLessThan(0.05);
  });

  it('P(alive) ranks the truly alive above the dead (AUC well above 0.5)', () => {
    // Mann-Whitney AUC over repeat buyers.
    const alive: number[] = [];
    const dead: number[] = [];
    for (let i = 0; i < sim.aliveAtT.length; i++) {
      if (sim.summary.x[i] === 0) continue;
      (sim.aliveAtT[i] ? alive : dead).push(scores.probabilityAlive[i]);
    }
    dead.sort((p, q) => p - q);
    let wins = 0;
    for (const p of alive) {
      let lo = 0;
      let hi = dead.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (dead[mid] < p) lo = mid + 1;
        else hi = mid;
      }
      wins += lo;
    }
    expect(wins / (alive.length * dead.length)).toBeGreaterThan(0.75);
  });
});

describe('simulateBgNbd and its random source', () => {
  it('is reproducible from its seed and different across seeds', () => {
    const options = { customers: 50, minAge: 10, maxAge: 40 };
    const first = simulateBgNbd(TRUTH, { ...options, seed: 7 });
    const again = simulateBgNbd(TRUTH, { ...options, seed: 7 });
    const other = simulateBgNbd(TRUTH, { ...options, seed: 8 });
    expect(Array.from(again.summary.T)).toEqual(Array.from(first.summary.T));
    expect(Array.from(again.summary.x)).toEqual(Array.from(first.summary.x));
    expect(Array.from(other.summary.T)).not.toEqual(Array.from(first.summary.T));
  });

  it('produces valid histories: 0 <= tx <= T, tx = 0 when x = 0', () => {
    const { summary } = simulateBgNbd(TRUTH, { customers: 2_000, seed: 9, minAge: 1, maxAge: 100 });
    for (let i = 0; i < summary.x.length; i++) {
      expect(summary.tx[i]).toBeLessThanOrEqual(summary.T[i]);
      if (summary.x[i] === 0) expect(summary.tx[i]).toBe(0);
    }
  });

  it('draws gamma and beta variates with the right means and variances', () => {
    const random = createRandomSource(11);
    const n = 200_000;
    for (const [shape, rate] of [
      [0.243, 4.414],
      [3, 2],
    ]) {
      let sum = 0;
      let sumSq = 0;
      for (let i = 0; i < n; i++) {
        const g = random.gamma(shape, rate);
        sum += g;
        sumSq += g * g;
      }
      const mean = sum / n;
      expect(mean / (shape / rate)).toBeCloseTo(1, 1);
      expect((sumSq / n - mean * mean) / (shape / rate ** 2)).toBeCloseTo(1, 1);
    }
    let betaSum = 0;
    for (let i = 0; i < n; i++) betaSum += random.beta(0.793, 2.426);
    expect(betaSum / n).toBeCloseTo(0.793 / (0.793 + 2.426), 2);
  });
});
