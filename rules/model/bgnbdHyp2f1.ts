/**
 * The Gaussian hypergeometric function 2F1(a, b; c; z) by its power series
 *   2F1(a, b; c; z) = Σ_k (a)_k (b)_k / ((c)_k k!) z^k,
 * which converges for |z| < 1 (and c not 0, -1, -2, ...). The BG/NBD formulas only call it with
 * 0 <= z < 1 (z = t / (α + T + t)), where the terms eventually shrink like k^(a+b-c-1) z^k; close to
 * z = 1 that takes many terms, so the loop has a cap and reports when it was reached instead of
 * returning a truncated sum as if it were exact.
 */

export interface Hyp2f1Result {
  value: number;
  /** Number of series terms added. */
  terms: number;
  /** False when the term cap was reached before the terms fell below the tolerance. */
  converged: boolean;
}

export interface Hyp2f1Options {
  /** Stop when |term| <= tolerance * |sum| (relative). Default 1e-15. */
  tolerance?: number;
  /** Cap on series terms. Default 1,000,000. */
  maxTerms?: number;
}

/** 2F1(a, b; c; z) by its series, valid for |z| < 1; reports whether the series converged. */
export function hyp2f1Series(
  a: number,
  b: number,
  c: number,
  z: number,
  options: Hyp2f1Options = {},
): Hyp2f1Result {
  const { tolerance = 1e-15, maxTerms = 1_000_000 } = options;
  if (!(Math.abs(z) < 1)) throw new RangeError(`hyp2f1Series needs |z| < 1, got z = ${z}`);
  if (c <= 0 && Number.isInteger(c)) throw new RangeError(`hyp2f1Series is undefined for c = ${c}`);
  const tailFactor = 1 / (1 - Math.abs(z));
  let term = 1;
  let sum = 1;
  for (let k = 0; k < maxTerms; k++) {
    term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
    sum += term;
    // A zero term means a or b is a non-positive integer: the series is a polynomial and ends here.
    if (term === 0) return { value: sum, terms: k + 1, converged: true };
    // The tail after term k is about term * |z| / (1 - |z|) once the term ratio has settled near z,
    // which happens only after k passes a + b - c (before that, terms can still grow).
    if (k + 1 > a + b - c && Math.abs(term) * tailFactor <= tolerance * Math.abs(sum)) {
      return { value: sum, terms: k + 1, converged: true };
    }
    if (!Number.isFinite(sum)) return { value: sum, terms: k + 1, converged: false };
  }
  return { value: sum, terms: maxTerms, converged: false };
}

/** 2F1(a, b; c; z) for |z| < 1; throws if the series did not converge within the term cap. */
export function hyp2f1(a: number, b: number, c: number, z: number, options: Hyp2f1Options = {}): number {
  const result = hyp2f1Series(a, b, c, z, options);
  if (!result.converged) {
    throw new RangeError(`2F1(${a}, ${b}; ${c}; ${z}) did not converge in ${result.terms} terms`);
  }
  return result.value;
}
