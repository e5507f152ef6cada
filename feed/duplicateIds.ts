import { type GrowableArray, growableInt32 } from './growableArray';

/**
 * Finding duplicate ids among millions of rows without holding the ids: the reader keeps a 53-bit
 * hash per row; rows whose hash is shared are the only candidates, and their exact ids (or, when
 * there are too many candidates to hold, a second independent hash) decide.
 */

/** Hashes per sorting pass: 2^22 doubles = 32 MB, instead of one sorted copy of every hash (160 MB at 20M rows). */
const HASHES_PER_BUCKET = 1 << 22;

/**
 * Row indices (ascending) whose hash equals another row's hash. Equal hashes fall in the same bucket
 * (hash mod bucket count), so each bucket is sorted alone: one pass per bucket, memory of one bucket.
 */
export function rowsWithSharedHash(
  hashes: GrowableArray<Float64Array>,
  hashesPerBucket: number = HASHES_PER_BUCKET,
): Int32Array {
  const n = hashes.length;
  const buckets = Math.max(1, Math.ceil(n / hashesPerBucket));
  const shared = new Set<number>();
  // Any number works as a hash (tests inject their own): bucket on its whole part.
  const bucketOf = (h: number) => Math.abs(Math.floor(h)) % buckets;
  const counts = new Int32Array(buckets);
  for (let row = 0; row < n; row++) counts[bucketOf(hashes.get(row))]++;
  // One buffer for every bucket: a fresh one per pass would leave them all for the GC to find.
  const scratch = new Float64Array(counts.reduce((most, count) => Math.max(most, count), 0));
  for (let b = 0; b < buckets; b++) {
    const bucket = scratch.subarray(0, counts[b]);
    let k = 0;
    for (let row = 0; row < n; row++) {
      const h = hashes.get(row);
      if (bucketOf(h) === b) bucket[k++] = h;
    }
    // Typed-array sort without a comparator is numeric and runs natively.
    bucket.sort();
    for (let i = 1; i < bucket.length; i++) if (bucket[i] === bucket[i - 1]) shared.add(bucket[i]);
  }
  if (shared.size === 0) return new Int32Array(0);
  const rows = growableInt32();
  for (let row = 0; row < n; row++) if (shared.has(hashes.get(row))) rows.push(row);
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
