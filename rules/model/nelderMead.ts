/**
 * Nelder-Mead simplex minimiser (derivative-free) with the dimension-adaptive coefficients of Gao & Han
 * (2012), "Implementing the Nelder-Mead simplex algorithm with adaptive parameters", Comput. Optim.
 * Appl. 51, 259-277. Non-finite objective values count as +Infinity, so the simplex steps back from
 * regions where the objective is undefined.
 */

export interface NelderMeadOptions {
  /** Cap on iterations (one reflection step each). Default 5,000. */
  maxIterations?: number;
  /**
   * Cap on objective evaluations, the initial simplex included; never exceeded (an iteration that
   * could overrun it is not started). Default: no cap beyond maxIterations.
   */
  maxEvaluations?: number;
  /** Converged when every vertex's value is within this of the best one... Default 1e-10. */
  fTolerance?: number;
  /** ...and every vertex is within this of the best one in every coordinate. Default 1e-8. */
  xTolerance?: number;
  /** Size of the initial simplex's steps along each axis. Default 0.5 (suits log-parameters). */
  initialStep?: number;
}

export type NelderMeadResult =
  | { converged: true; x: Float64Array; value: number; iterations: number; evaluations: number }
  | {
      converged: false;
      reason: string;
      x: Float64Array;
      value: number;
      iterations: number;
      evaluations: number;
    };

/** Minimises `f` from `start` by Nelder-Mead; says whether the simplex met both tolerances. */
export function nelderMead(
  f: (point: Float64Array) => number,
  start: ArrayLike<number>,
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const {
    maxIterations = 5_000,
    maxEvaluations = Number.POSITIVE_INFINITY,
    fTolerance = 1e-10,
    xTolerance = 1e-8,
    initialStep = 0.5,
  } = options;
  const n = start.length;
  if (n === 0) throw new RangeError('nelderMead needs at least one dimension');
  if (!(maxEvaluations >= n + 1)) {
    throw new RangeError(
      `nelderMead needs maxEvaluations >= ${n + 1} for the first simplex, got ${maxEvaluations}`,
    );
  }
  const reflectCoefficient = 1;
  const expandCoefficient = 1 + 2 / n;
  const contractCoefficient = 0.75 - 1 / (2 * n);
  const shrinkCoefficient = 1 - 1 / n;

  let evaluations = 0;
  const evaluate = (point: Float64Array): number => {
    evaluations++;
    const value = f(point);
    return Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
  };

  const vertices: Float64Array[] = [];
  const values: number[] = [];
  for (let i = 0; i <= n; i++) {
    const v = Float64Array.from(start);
    if (i > 0) v[i - 1] += initialStep;
    vertices.push(v);
    values.push(evaluate(v));
  }
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const centroid = new Float64Array(n);
  const pointAt = (coefficient: number): Float64Array => {
    // centroid + coefficient * (centroid - worst)
    const worst = vertices[order[n]];
    const p = new Float64Array(n);
    for (let j = 0; j < n; j++) p[j] = centroid[j] + coefficient * (centroid[j] - worst[j]);
    return p;
  };

  let iterations = 0;
  for (;;) {
    order.sort((i, j) => values[i] - values[j]);
    const best = order[0];
    if (isConverged(vertices, values, order, fTolerance, xTolerance)) {
      return { converged: true, x: vertices[best], value: values[best], iterations, evaluations };
    }
    if (iterations >= maxIterations) {
      return {
        converged: false,
        reason: `reached the iteration cap (${maxIterations}) before the simplex met the tolerances`,
        x: vertices[best],
        value: values[best],
        iterations,
        evaluations,
      };
    }
    // An iteration costs at most n + 2 evaluations (reflect, contract, then a shrink of n vertices).
    if (evaluations + n + 2 > maxEvaluations) {
      return {
        converged: false,
        reason: `reached the evaluation cap (${maxEvaluations}) before the simplex met the tolerances`,
        x: vertices[best],
        value: values[best],
        iterations,
        evaluations,
      };
    }
    iterations++;

    centroid.fill(0);
    for (let k = 0; k < n; k++) {
      const v = vertices[order[k]];
      for (let j = 0; j < n; j++) centroid[j] += v[j] / n;
    }
    const worst = order[n];
    const secondWorstValue = values[order[n - 1]];
    const reflected = pointAt(reflectCoefficient);
    const reflectedValue = evaluate(reflected);

    if (reflectedValue < values[best]) {
      const expanded = pointAt(reflectCoefficient * expandCoefficient);
      const expandedValue = evaluate(expanded);
      const takeExpanded = expandedValue < reflectedValue;
      vertices[worst] = takeExpanded ? expanded : reflected;
      values[worst] = takeExpanded ? expandedValue : reflectedValue;
      continue;
    }
    if (reflectedValue < secondWorstValue) {
      vertices[worst] = reflected;
      values[worst] = reflectedValue;
      continue;
    }
    // Contract: outside if the reflection beat the worst vertex, inside otherwise.
    const outside = reflectedValue < values[worst];
    const contracted = pointAt(outside ? reflectCoefficient * contractCoefficient : -contractCoefficient);
    const contractedValue = evaluate(contracted);
    if (contractedValue < (outside ? reflectedValue : values[worst])) {
      vertices[worst] = contracted;
      values[worst] = contractedValue;
      continue;
    }
    // Shrink every vertex towards the best one.
    const bestVertex = vertices[best];
    for (let k = 1; k <= n; k++) {
      const idx = order[k];
      const v = vertices[idx];
      for (let j = 0; j < n; j++) v[j] = bestVertex[j] + shrinkCoefficient * (v[j] - bestVertex[j]);
      values[idx] = evaluate(v);
    }
  }
}

function isConverged(
  vertices: Float64Array[],
  values: number[],
  order: number[],
  fTolerance: number,
  xTolerance: number,
): boolean {
  const best = order[0];
  const bestVertex = vertices[best];
  if (!Number.isFinite(values[best])) return false;
  for (let k = 1; k < order.length; k++) {
    const idx = order[k];
    if (Math.abs(values[idx] - values[best]) > fTolerance) return false;
    const v = vertices[idx];
    for (let j = 0; j < v.length; j++) if (Math.abs(v[j] - bestVertex[j]) > xTolerance) return false;
  }
  return true;
}
