/**
 * ln Γ(x) and its derivative ψ(x).
 *
 * ln Γ(x) for real x > 0, by the Lanczos approximation (g = 7, 9 coefficients; Numerical Recipes 3rd ed.
 * §6.1 / Godfrey's coefficients), with the reflection formula below 0.5. Relative error about 1e-15 over
 * the range the BG/NBD model needs (shape parameters and shape + purchase counts, 1e-8 .. 1e7).
 */

const G = 7;
const COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Natural log of the gamma function for x > 0 (NaN for x <= 0 or NaN, +Infinity at +Infinity). */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1-x) = π / sin(πx); keeps accuracy for tiny shape parameters.
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = COEFFICIENTS[0];
  for (let i = 1; i < G + 2; i++) sum += COEFFICIENTS[i] / (z + i);
  const t = z + G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * ψ(x) = d/dx ln Γ(x) for x > 0: the recurrence ψ(x) = ψ(x+1) − 1/x up to x ≥ 10, then the
 * asymptotic series (Abramowitz & Stegun 6.3.18), absolute error below 1e-13 there.
 */
export function digamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  let result = 0;
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  const inv2 = 1 / (x * x);
  return (
    result +
    Math.log(x) -
    0.5 / x -
    inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132)))))
  );
}
