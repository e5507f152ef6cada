import { describe, expect, it } from 'vitest';
import {
  binRows,
  columnOf,
  columnsOf,
  fitAdditive,
  logOdds,
  logOddsOfColumns,
} from '../../../../rules/model/additiveLogistic';
import { modelLogOdds } from '../../../../rules/model/bookModel';
import { seededRandom } from '../../../../rules/seededRandom';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Rows of two features: the first sets the chance by a step (0.2 below 0.5, 0.8 above), the second is noise. */
function stepData(rows: number, seed: number) {
  const rand = seededRandom(seed);
  const x = new Float64Array(rows * 2);
  const y = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    x[2 * i] = rand();
    x[2 * i + 1] = rand();
    y[i] = rand() < (x[2 * i] < 0.5 ? 0.2 : 0.8) ? 1 : 0;
  }
  return { x, y };
}

describe('fitAdditive', () => {
  it('recovers a step in the chance of the event and ignores a feature that carries none', () => {
    const { x, y } = stepData(20_000, 7);
    const model = fitAdditive(x, y, 2);
    expect(sigmoid(logOdds(model, [0.1, 0.5]))).toBeCloseTo(0.2, 1);
    expect(sigmoid(logOdds(model, [0.9, 0.5]))).toBeCloseTo(0.8, 1);
    // The noise feature moves the odds by little: every bin's weight within 0.15 of the others.
    const noise = model.weights.slice(model.offset[1] + 1, model.offset[2]);
    expect(Math.max(...noise) - Math.min(...noise)).toBeLessThan(0.15);
  });

  it('gives "not known" (NaN) its own column and puts values above the last edge in the last bin', () => {
    const { x, y } = stepData(2_000, 3);
    const model = fitAdditive(x, y, 2);
    expect(columnOf(model, 0, Number.NaN)).toBe(model.offset[0]);
    expect(columnOf(model, 0, 99)).toBe(model.offset[1] - 1);
    expect(columnOf(model, 0, -99)).toBe(model.offset[0] + 1);
  });

  it('splits the log-odds exactly into per-feature contributions around the average row', () => {
    const { x, y } = stepData(5_000, 11);
    const model = fitAdditive(x, y, 2);
    const contributions = new Float64Array(2);
    const z = logOdds(model, [0.9, 0.2], contributions);
    const average = model.intercept + model.centre[0] + model.centre[1];
    expect(contributions[0] + contributions[1]).toBeCloseTo(z - average, 12);
    expect(contributions[0]).toBeGreaterThan(0.5); // the high-risk side of the step
  });

  it('ends where it starts from when warm-started at its own optimum', () => {
    const { x, y } = stepData(5_000, 5);
    const cold = fitAdditive(x, y, 2, { l2: 1e-3, smooth: 3e-3 });
    const warm = fitAdditive(x, y, 2, {
      l2: 1e-3,
      smooth: 3e-3,
      start: fitAdditive(x, y, 2, { l2: 1e-4, smooth: 1e-3 }),
    });
    for (let j = 0; j < cold.weights.length; j++) expect(warm.weights[j]).toBeCloseTo(cold.weights[j], 6);
  });
});

describe('binRows', () => {
  it('merges rows of the same bins and label into one weighted row, in the order first seen', () => {
    // Values on a coarse grid, so that many rows share all their bins; some not known.
    const rand = seededRandom(13);
    const rows = 5_000;
    const x = new Float64Array(rows * 3);
    const y = new Uint8Array(rows);
    for (let i = 0; i < x.length; i++) x[i] = rand() < 0.1 ? Number.NaN : Math.floor(rand() * 4);
    for (let i = 0; i < rows; i++) y[i] = rand() < 0.3 ? 1 : 0;
    const binned = binRows(x, y, 3);
    const seen = new Map<string, number>();
    const order: string[] = [];
    for (let i = 0; i < rows; i++) {
      const cols = [0, 1, 2].map((f) => columnOf(binned, f, x[i * 3 + f]));
      const key = `${y[i]}:${cols.join(',')}`;
      if (!seen.has(key)) order.push(key);
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect(binned.rows).toBe(order.length);
    expect(binned.total).toBe(rows);
    order.forEach((key, r) => {
      expect(`${binned.y[r]}:${Array.from(binned.cols.subarray(r * 3, r * 3 + 3)).join(',')}`).toBe(key);
      expect(binned.weight[r]).toBe(seen.get(key));
    });
  });
});

describe('columnsOf', () => {
  it('scores rows binned once to the same log-odds, to the bit, as logOdds', () => {
    const { x, y } = stepData(3_000, 17);
    x[4] = Number.NaN;
    const model = fitAdditive(x, y, 2);
    const cols = columnsOf(model, x, 3_000, 2);
    for (let k = 0; k < 3_000; k++)
      expect(logOddsOfColumns(model, cols, k)).toBe(logOdds(model, x.subarray(2 * k, 2 * k + 2)));
  });
});

describe('modelLogOdds (the ranking the book model scores with)', () => {
  it('puts the longer silent of two customers in the same bins first, and by too little to reorder bins', () => {
    // Column 0 is days since the last order; 200 and 210 days fall in the last bin of values 0-1.
    const { x, y } = stepData(5_000, 5);
    const model = fitAdditive(x, y, 2);
    const longer = modelLogOdds(model, [210, 0.5]);
    const shorter = modelLogOdds(model, [200, 0.5]);
    expect(logOdds(model, [210, 0.5])).toBe(logOdds(model, [200, 0.5]));
    expect(longer).toBeGreaterThan(shorter);
    expect(longer - logOdds(model, [210, 0.5])).toBeLessThan(1e-6);
  });
});
