import { createHash } from 'node:crypto';

/**
 * Whether a customer who passed the gates is kept off the lists this time (audited `held_out`), at
 * random but reproducibly: SHA-256 of seed, week and customer, read as a uniform number in [0, 100).
 * The same inputs always give the same answer, so a rerun of a week holds out the same customers.
 *
 * Pass as `weekKey` the week the customer's slip cycle began (their `surfacedAt` week), not the
 * current week: then a customer stays in one arm for the whole cycle instead of being re-drawn each
 * Monday, and the held-out arm is not contaminated by later list appearances.
 */
export function isHeldOut(customerId: string, weekKey: string, percent: number, seed: string): boolean {
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new Error(`holdoutPercent must be between 0 and 100, got ${percent}`);
  }
  if (percent === 0) return false;
  // Unit separators keep ("a", "bc") and ("ab", "c") apart.
  const digest = createHash('sha256').update(`${seed}\u001f${weekKey}\u001f${customerId}`, 'utf8').digest();
  // 48 bits: exact in a double, uniform enough for any percentage with two decimals.
  const uniform = digest.readUIntBE(0, 6) / 2 ** 48;
  return uniform * 100 < percent;
}
