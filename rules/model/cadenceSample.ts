/**
 * Which customers the cadence model is fitted on. A big book is fitted on a sample: the fit's cost
 * grows with the customers it reads, and 20k histories pin four parameters as well as a million do.
 * The sample is chosen by a hash of the customer id, not by chance or position, so a replay of the
 * same day picks the same customers, and next week's sample is mostly this week's.
 */
import { selectInPlace } from '../orderStatistics';

/** FNV-1a (32-bit) of a customer id: a fixed, seedless key for sampling. */
export function sampleKey(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The rows to fit on, ascending: every row when `keys.length <= max`, else the `max` rows with the
 * smallest keys (ties broken by row index).
 */
export function sampleRows(keys: Uint32Array, max: number): Int32Array {
  const n = keys.length;
  if (n <= max) return Int32Array.from({ length: n }, (_, i) => i);
  // The max-th smallest key; rows below it are in, rows equal to it fill what is left in row order.
  const threshold = selectInPlace(keys.slice(), max - 1);
  let below = 0;
  for (let i = 0; i < n; i++) if (keys[i] < threshold) below++;
  let tiesLeft = max - below;
  const rows = new Int32Array(max);
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (keys[i] < threshold || (keys[i] === threshold && tiesLeft-- > 0)) rows[k++] = i;
  }
  return rows;
}
