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
    // Three ways (below, equal to, above the pivot): books hold many equal values (day counts).
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
    if (k < below) hi = below - 1;
    else if (k > above) lo = above + 1;
    else return a[k];
  }
  return a[k];
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
