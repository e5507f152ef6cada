/**
 * A 53-bit string hash, so duplicate ids in a 20M-row file can be found from numbers in a typed
 * array instead of 20M strings. Collisions are possible (about 2% odds somewhere in 20M ids) and are
 * always confirmed against the exact ids before a row is called a duplicate.
 */
export type IdHash = (id: string) => number;

/**
 * cyrb53: two 32-bit multiply-xor lanes folded into a 53-bit integer (exact in a double).
 * Adapted from bryc's public-domain cyrb53 (https://github.com/bryc/code/blob/master/jshash/experimental/cyrb53.js).
 */
export function cyrb53(id: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < id.length; i++) {
    const ch = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2_654_435_761);
    h2 = Math.imul(h2 ^ ch, 1_597_334_677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2_246_822_507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3_266_489_909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2_246_822_507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3_266_489_909);
  return 4_294_967_296 * (2_097_151 & h2) + (h1 >>> 0);
}

/** The default id hash. */
export const idHash: IdHash = (id) => cyrb53(id);

/** An independent second hash (another seed), used when too many rows share a first hash to hold their ids. */
export const secondIdHash: IdHash = (id) => cyrb53(id, 0x9e3779b9);
