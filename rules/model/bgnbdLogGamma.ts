/**
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
