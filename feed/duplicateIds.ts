import { type GrowableArray, growableInt32 } from './growableArray';

/**
 * Finding duplicate ids among millions of rows without holding the ids: the reader keeps a 53-bit
 * hash per row; rows whose hash is shared are the only candidates, and their exact ids (or, when
 * there are too many candidates to hold, a second independent hash) decide.
 */

/** Row indices (ascending) whose hash equals another row's hash. */
export function rowsWithSharedHash(hashes: GrowableArray<Float64Array>): Int32Array {
  // Typed-array sort without a comparator is numeric and runs natively.
  const sorted = hashes.copy().sort();
  const shared = new Set<number>();
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) shared.add(sorted[i]);
  if (shared.size === 0) return new Int32Array(0);
  const rows = growableInt32();
  for (let row = 0; row < hashes.length; row++) if (shared.has(hashes.get(row))) rows.push(row);
  return rows.take();
}

export interface Duplicate {
  /** The later row, to be skipped. */
  row: number;
  /** The first row with the same id, which is kept. */
  firstRow: number;
  /** Position of `row` in the candidates (and so in the keys). */
  candidate: number;
}

/**
 * Among `candidates` (ascending row indices) with `keys[j]` the exact id (or a second hash) of
 * candidates[j], each row whose hash and key equal an earlier row's, paired with the first such row.
 */
export function confirmDuplicates(
  candidates: Int32Array,
  hashOf: (row: number) => number,
  keys: ArrayLike<string | number>,
): Duplicate[] {
  const hash = Float64Array.from(candidates, hashOf);
  const order = Array.from(candidates.keys());
  order.sort((a, b) => {
    if (hash[a] !== hash[b]) return hash[a] - hash[b];
    const ka = keys[a];
    const kb = keys[b];
    if (ka !== kb) return ka < kb ? -1 : 1;
    return a - b;
  });
  const duplicates: Duplicate[] = [];
  let first = -1;
  for (let i = 0; i < order.length; i++) {
    const j = order[i];
    const previous = order[i - 1];
    const same = i > 0 && hash[j] === hash[previous] && keys[j] === keys[previous];
    if (same) duplicates.push({ row: candidates[j], firstRow: candidates[first], candidate: j });
    else first = j;
  }
  return duplicates.sort((a, b) => a.row - b.row);
}
