/**
 * Draws customers from the BG/NBD generative process (FHL 2005 §3, assumptions i-v): λ ~ Gamma(r, α),
 * p ~ Beta(a, b); from the first purchase at time 0 the customer buys at Poisson rate λ, and right after
 * each repeat purchase drops out for good with probability p. Used to test parameter recovery and
 * calibration, and by the benchmark. Seeded, so reproducible.
 */
import type { BgNbdParams } from '../../rules/model/bgnbd';
import type { BgNbdSummary } from '../../rules/model/bgnbdSummary';
import { createRandomSource } from './bgnbdRandom';

export interface BgNbdSimulationOptions {
  customers: number;
  seed: number;
  /** Ages T are drawn uniformly from [minAge, maxAge] (customers joined at different times). */
  minAge: number;
  maxAge: number;
  /** Also count each customer's purchases in (T, T + horizon]; 0 = do not. Default 0. */
  horizon?: number;
}

export interface BgNbdSimulation {
  summary: BgNbdSummary & { x: Int32Array; weight?: undefined };
  /** Purchases in (T, T + horizon] (all 0 when no horizon was asked for). */
  futurePurchases: Int32Array;
  /** Whether the customer was still alive at T (the truth P(alive) estimates). */
  aliveAtT: Uint8Array;
}

/** Simulates a calibration summary (and optionally a holdout count) from known BG/NBD parameters. */
export function simulateBgNbd(params: BgNbdParams, options: BgNbdSimulationOptions): BgNbdSimulation {
  const { customers, seed, minAge, maxAge, horizon = 0 } = options;
  if (!(minAge > 0 && maxAge >= minAge)) throw new RangeError('simulateBgNbd needs 0 < minAge <= maxAge');
  const random = createRandomSource(seed);
  const x = new Int32Array(customers);
  const tx = new Float64Array(customers);
  const T = new Float64Array(customers);
  const futurePurchases = new Int32Array(customers);
  const aliveAtT = new Uint8Array(customers);
  for (let i = 0; i < customers; i++) {
    const age = minAge + (maxAge - minAge) * random.uniform();
    const lambda = random.gamma(params.r, params.alpha);
    const p = random.beta(params.a, params.b);
    const end = age + horizon;
    let time = 0;
    let repeats = 0;
    let last = 0;
    let future = 0;
    let alive = true;
    for (;;) {
      time += random.exponential(lambda);
      if (time > end) break;
      if (time <= age) {
        repeats++;
        last = time;
      } else {
        future++;
      }
      if (random.uniform() < p) {
        alive = false;
        break;
      }
    }
    x[i] = repeats;
    tx[i] = last;
    T[i] = age;
    futurePurchases[i] = future;
    // Dead at T only if the drop-out came after a purchase made by T.
    aliveAtT[i] = alive || time > age ? 1 : 0;
  }
  return { summary: { x, tx, T }, futurePurchases, aliveAtT };
}
