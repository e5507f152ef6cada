/**
 * Order statistics without sorting: a typed array's sort() of 32,000 values takes milliseconds, and
 * a median or a few quantiles need only a few of its places. The values are those sort() would put
 * there (with -0 and 0 taken as equal); NaN must not be among them.
 */

/**
 * Rearranges a[from, to) so that a[k] holds what sort() would put at k, with no greater value
 * before it and no smaller one after; returns a[k]. Places after an earlier k' <= k of the same
 * array can be selected in a[k', to).
 */
export function selectInPlace(a: Float64Array | Uint32Array, k: number, from = 0, to = a.length): number {
  let lo = from;
  let hi = to - 1;
  while (lo < hi) {
    const pivot = medianOfThree(a[lo], a[(lo + hi) >>> 1], a[hi]);
    const [below, above] = partition(a, lo, hi, pivot);
    if (k < below) hi = below - 1;
    else if (k > above) lo = above + 1;
    else return a[k];
  }
  return a[k];
}

/**
 * Puts at each of `places` (ascending, within [0, n)) what sort() would put there, rearranging
 * a[0, n), and returns those values: one partition serves every place on its side, where selecting
 * the places one by one partitions the values after each again.
 */
export function selectPlaces(a: Float64Array, n: number, places: readonly number[]): number[] {
  // Ranges [lo, hi] still to partition, with the span of `places` inside each: [first, last).
  const todo: number[] = [0, n - 1, 0, places.length];
  while (todo.length > 0) {
    const last = todo.pop() as number;
    const first = todo.pop() as number;
    const hi = todo.pop() as number;
    const lo = todo.pop() as number;
    if (first === last || lo >= hi) continue;
    const pivot = medianOfThree(a[lo], a[(lo + hi) >>> 1], a[hi]);
    const [below, above] = partition(a, lo, hi, pivot);
    // Places in [below, above] hold the pivot: done; the rest go to their side.
    let split = first;
    while (split < last && places[split] < below) split++;
    let after = split;
    while (after < last && places[after] <= above) after++;
    todo.push(lo, below - 1, first, split, above + 1, hi, after, last);
  }
  return places.map((k) => a[k]);
}

/**
 * Three ways around `pivot` (books hold many equal values, such as day counts): a[lo, below) below
 * it, a[below, above] equal, a(above, hi] above; returns [below, above].
 */
function partition(a: Float64Array | Uint32Array, lo: number, hi: number, pivot: number): [number, number] {
  let below = lo;
  let i = lo;
  let above = hi;
  while (i <= above) {
    const v = a[i];
    if (v < pivot) {
      a[i++] = a[below];
      a[below++] = v;
    } else if (v > pivot) {
      a[i] = a[above];
      a[above--] = v;
    } else i++;
  }
  return [below, above];
}

/** The median of a[0, n) (the mean of the middle two for even n), rearranging them. */
export function medianInPlace(a: Float64Array, n: number): number {
  const mid = n >> 1;
  if (n % 2 === 1) return selectInPlace(a, mid, 0, n);
  const lower = selectInPlace(a, mid - 1, 0, n);
  return (lower + selectInPlace(a, mid, mid, n)) / 2;
}

function medianOfThree(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}
