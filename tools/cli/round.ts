/** x rounded to `digits` decimals, with no binary noise left (0.22000000000000003 -> 0.22). */
export const round = (x: number, digits: number) =>
  Number((Math.round(x * 10 ** digits) / 10 ** digits).toFixed(digits));

/** Decimals of the ranking figures (AUC, precision, calibration), as the CLI's tables print them. */
export const FIGURE_DIGITS = 4;

/**
 * A ranking figure as the CLI's tables print it: FIGURE_DIGITS decimals, or "n/a" (NaN: a date where
 * every customer, or none, placed no order) padded to the same width, so the next column stays put.
 */
export const figureText = (x: number): string =>
  Number.isNaN(x) ? 'n/a'.padEnd(FIGURE_DIGITS + 2) : x.toFixed(FIGURE_DIGITS);

/**
 * Every number in a plain JSON value rounded to `digits` decimals (whole numbers stay as they are):
 * figures printed for people and scripts, where 0.9400000000000001 is noise, not precision.
 */
export function roundFigures<T>(value: T, digits: number): T {
  if (typeof value === 'number') return (Number.isFinite(value) ? round(value, digits) : value) as T;
  if (Array.isArray(value)) return value.map((v) => roundFigures(v, digits)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundFigures(v, digits)])) as T;
  }
  return value;
}
