/**
 * A small seeded random source for simulations and tests (never for anything secret): mulberry32
 * uniforms, Marsaglia-Tsang gamma variates and beta variates built from two gammas. Same seed, same
 * sequence, on every machine.
 */

import { seededBits } from '../../rules/seededRandom';

export interface RandomSource {
  /** Uniform on (0, 1): never exactly 0, so logs of it are finite. */
  uniform(): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Gamma with the given shape and rate (mean shape / rate). */
  gamma(shape: number, rate: number): number;
  /** Beta(a, b). */
  beta(a: number, b: number): number;
  /** Exponential with the given rate. */
  exponential(rate: number): number;
}

/** A seeded RandomSource (the mulberry32 core of rules/seededRandom.ts). */
export function createRandomSource(seed: number): RandomSource {
  const bits = seededBits(seed);
  // 32 random bits -> (0, 1): the +0.5 keeps it off both ends.
  const uniform = (): number => (bits() + 0.5) / 4294967296;
  const normal = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const standardGamma = (shape: number): number => {
    if (shape < 1) {
      // Boost: Gamma(k) = Gamma(k + 1) * U^(1/k) (Marsaglia & Tsang 2000, "A simple method for generating gamma variables").
      return standardGamma(shape + 1) * uniform() ** (1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let z: number;
      let v: number;
      do {
        z = normal();
        v = 1 + c * z;
      } while (v <= 0);
      v = v * v * v;
      const u = uniform();
      if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  return {
    uniform,
    normal,
    gamma: (shape, rate) => standardGamma(shape) / rate,
    beta: (a, b) => {
      const g1 = standardGamma(a);
      const g2 = standardGamma(b);
      return g1 / (g1 + g2);
    },
    exponential: (rate) => -Math.log(uniform()) / rate,
  };
}
