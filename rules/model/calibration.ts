/**
 * Turning a ranking into probabilities a rep can trust, and measuring how far they are from what
 * happened. Platt scaling (a logistic on the log-odds, fitted on a later date than the model) keeps
 * the ranking intact, unlike isotonic steps, which tie customers and cost AUC.
 */

/** p = sigmoid(a + b * z). */
export interface Platt {
  a: number;
  b: number;
}

const sigmoid = (z: number) => {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
};

/** Fits a, b by Newton's method with step halving on (z, y); a tiny ridge keeps it finite on separable data. */
export function fitPlatt(z: ArrayLike<number>, y: ArrayLike<number>): Platt {
  const n = z.length;
  const ridge = 1e-6;
  const loss = (a: number, b: number): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const t = a + b * z[i];
      sum += (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t))) - y[i] * t;
    }
    return sum / n + (ridge / 2) * (a * a + b * b);
  };
  let a = 0;
  let b = 0;
  let current = loss(a, b);
  for (let it = 0; it < 100; it++) {
    let ga = ridge * a * n;
    let gb = ridge * b * n;
    let haa = ridge * n;
    let hab = 0;
    let hbb = ridge * n;
    for (let i = 0; i < n; i++) {
      const p = sigmoid(a + b * z[i]);
      const g = p - y[i];
      const h = p * (1 - p);
      ga += g;
      gb += g * z[i];
      haa += h;
      hab += h * z[i];
      hbb += h * z[i] * z[i];
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    let da = (hbb * ga - hab * gb) / det;
    let db = (haa * gb - hab * ga) / det;
    let next = loss(a - da, b - db);
    for (let halvings = 0; !(next <= current) && halvings < 40; halvings++) {
      da /= 2;
      db /= 2;
      next = loss(a - da, b - db);
    }
    if (!(next <= current)) break;
    a -= da;
    b -= db;
    const moved = Math.abs(da) + Math.abs(db);
    current = next;
    if (moved < 1e-9) break;
  }
  return { a, b };
}

/**
 * The shift d of the intercept that fits `platt` to (z, y) with its slope kept: p = sigmoid(a + d + b z).
 * Newton's method on one parameter (the log-loss is convex in d).
 */
export function fitShift(platt: Platt, z: ArrayLike<number>, y: ArrayLike<number>): number {
  let d = 0;
  for (let it = 0; it < 50; it++) {
    let g = 0;
    let h = 0;
    for (let i = 0; i < z.length; i++) {
      const p = sigmoid(platt.a + d + platt.b * z[i]);
      g += p - y[i];
      h += p * (1 - p);
    }
    if (!(h > 0)) break;
    const step = g / h;
    d -= step;
    if (Math.abs(step) < 1e-9) break;
  }
  return d;
}

export function applyPlatt(platt: Platt, z: number): number {
  return sigmoid(platt.a + platt.b * z);
}

/**
 * When stated chances count as close to what happened: Brier skill at least 0.1 over always stating
 * the base rate, and in ten equal groups by stated chance a gap of at most 10 points, 5 on average.
 * The accuracy table judges each book by these, and the Team tab words its replay by them.
 */
export const CALIBRATION_GOALS = { brierSkill: 0.1, worstDecileGap: 0.1, meanDecileGap: 0.05 };

/** True when `c` meets every CALIBRATION_GOALS figure. */
export function calibrationClose(c: Calibration): boolean {
  return c.brierSkill >= CALIBRATION_GOALS.brierSkill && decileGapsClose(c);
}

/** True when `c`'s decile gaps meet CALIBRATION_GOALS (its Brier skill aside). */
export function decileGapsClose(c: Calibration): boolean {
  return (
    c.worstDecileGap <= CALIBRATION_GOALS.worstDecileGap && c.meanDecileGap <= CALIBRATION_GOALS.meanDecileGap
  );
}

/** How well stated probabilities matched what happened. */
export interface Calibration {
  rows: number;
  /** Share of rows where the event happened. */
  baseRate: number;
  brier: number;
  /** 1 − Brier / Brier of always saying the base rate; > 0 beats the base rate. */
  brierSkill: number;
  /** Ten groups of equal size by stated probability: mean stated, share that happened. */
  deciles: { stated: number; observed: number; rows: number }[];
  /** Largest |stated − observed| over the deciles. */
  worstDecileGap: number;
  /** Mean |stated − observed| over the deciles. */
  meanDecileGap: number;
}

/** Brier score, its skill against the base rate and the decile table of probabilities p against labels y. */
export function calibration(p: ArrayLike<number>, y: ArrayLike<boolean | number>): Calibration {
  const n = p.length;
  let events = 0;
  let brier = 0;
  for (let i = 0; i < n; i++) {
    const yi = y[i] ? 1 : 0;
    events += yi;
    brier += (p[i] - yi) ** 2;
  }
  const baseRate = n > 0 ? events / n : Number.NaN;
  brier /= n;
  const reference = baseRate * (1 - baseRate);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => p[i] - p[j]);
  const deciles: Calibration['deciles'] = [];
  for (let g = 0; g < 10; g++) {
    const from = Math.floor((g * n) / 10);
    const to = Math.floor(((g + 1) * n) / 10);
    if (to <= from) continue;
    let stated = 0;
    let observed = 0;
    for (let k = from; k < to; k++) {
      stated += p[order[k]];
      observed += y[order[k]] ? 1 : 0;
    }
    deciles.push({ stated: stated / (to - from), observed: observed / (to - from), rows: to - from });
  }
  const gaps = deciles.map((d) => Math.abs(d.stated - d.observed));
  return {
    rows: n,
    baseRate,
    brier,
    brierSkill: reference > 0 ? 1 - brier / reference : Number.NaN,
    deciles,
    worstDecileGap: gaps.length > 0 ? Math.max(...gaps) : Number.NaN,
    meanDecileGap: gaps.length > 0 ? gaps.reduce((s, g) => s + g, 0) / gaps.length : Number.NaN,
  };
}
