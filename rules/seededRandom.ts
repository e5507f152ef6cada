/**
 * A small deterministic PRNG (mulberry32) for the demo and benchmark generators, simulations and
 * tests, so the same seed always gives the same sequence on every machine. Not for anything secret.
 * Adapted from Tommy Ettinger's mulberry32 (public domain).
 */
export type Random = () => number;

/** Returns a function giving the next 32-bit unsigned integer of the sequence for `seed`. */
export function seededBits(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Returns a function giving uniform numbers in [0, 1) from a 32-bit seed. */
export function seededRandom(seed: number): Random {
  const bits = seededBits(seed);
  return () => bits() / 4_294_967_296;
}
