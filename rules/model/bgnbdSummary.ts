/**
 * The calibration summary the BG/NBD model works on, one entry per customer, column-wise:
 * x = repeat purchases (purchase days after the first), tx = time of the last purchase measured from the
 * first (recency; 0 when x = 0), T = time from the first purchase to the end of calibration (age).
 * Any time unit works (days, weeks) as long as it is the same for tx, T and every horizon t, and α is
 * read in that unit.
 */
export interface BgNbdSummary {
  x: Float64Array | Int32Array;
  tx: Float64Array;
  T: Float64Array;
  /** How many customers share this row (for compressed summaries); 1 for every row when absent. */
  weight?: Float64Array;
}

/** Tolerance for tx <= T, since both are often rounded (CDNOW's are to 0.01 week). */
const RECENCY_SLACK = 1e-9;

/**
 * Checks that a summary describes real purchase histories; throws a RangeError naming the first bad row.
 * x: whole number >= 0; 0 <= tx <= T; T > 0; tx = 0 when x = 0; weight > 0 when present.
 */
export function validateBgNbdSummary(summary: BgNbdSummary): void {
  const { x, tx, T, weight } = summary;
  const n = x.length;
  if (tx.length !== n || T.length !== n || (weight !== undefined && weight.length !== n)) {
    throw new RangeError(
      `BG/NBD summary columns differ in length: x ${n}, tx ${tx.length}, T ${T.length}` +
        (weight === undefined ? '' : `, weight ${weight.length}`),
    );
  }
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    if (!(Number.isInteger(xi) && xi >= 0))
      throw new RangeError(`Row ${i}: x must be a whole number >= 0, got ${xi}`);
    if (!(T[i] > 0 && Number.isFinite(T[i]))) throw new RangeError(`Row ${i}: T must be > 0, got ${T[i]}`);
    if (!(tx[i] >= 0 && tx[i] <= T[i] + RECENCY_SLACK)) {
      throw new RangeError(`Row ${i}: tx must be within [0, T = ${T[i]}], got ${tx[i]}`);
    }
    if (xi === 0 && tx[i] !== 0) throw new RangeError(`Row ${i}: tx must be 0 when x = 0, got ${tx[i]}`);
    if (weight !== undefined && !(weight[i] > 0))
      throw new RangeError(`Row ${i}: weight must be > 0, got ${weight[i]}`);
  }
}

/**
 * Merges customers with the same (x, tx, T) into one weighted row (as FHL and lifetimes do), so the
 * likelihood is evaluated once per distinct history. Day-granular books collapse a lot: every
 * one-order customer who joined on the same day shares a row. Weights add up.
 */
export function compressBgNbdSummary(summary: BgNbdSummary): BgNbdSummary & { weight: Float64Array } {
  const { x, tx, T, weight } = summary;
  const rowOf = new Map<string, number>();
  const outX: number[] = [];
  const outTx: number[] = [];
  const outT: number[] = [];
  const outWeight: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const key = `${x[i]} ${tx[i]} ${T[i]}`;
    const w = weight === undefined ? 1 : weight[i];
    const row = rowOf.get(key);
    if (row === undefined) {
      rowOf.set(key, outX.length);
      outX.push(x[i]);
      outTx.push(tx[i]);
      outT.push(T[i]);
      outWeight.push(w);
    } else {
      outWeight[row] += w;
    }
  }
  return {
    x: Float64Array.from(outX),
    tx: Float64Array.from(outTx),
    T: Float64Array.from(outT),
    weight: Float64Array.from(outWeight),
  };
}
