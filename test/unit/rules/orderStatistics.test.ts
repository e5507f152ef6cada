import { describe, expect, it } from 'vitest';
import { medianInPlace, selectInPlace } from '../../../rules/orderStatistics';
import { seededRandom } from '../../../rules/seededRandom';

describe('selectInPlace', () => {
  it('finds what sort() puts at each place, from the place before, with many equal values', () => {
    const rand = seededRandom(5);
    for (const distinct of [1, 3, 50, 1e9]) {
      for (const n of [1, 2, 7, 1000]) {
        const values = Float64Array.from({ length: n }, () => Math.floor(rand() * distinct));
        const sorted = values.slice().sort();
        const places = [0, n >> 2, n >> 1, n - 1].filter((k, j, all) => all.indexOf(k) === j);
        let from = 0;
        for (const k of places) {
          expect(selectInPlace(values, k, from)).toBe(sorted[k]);
          from = k;
        }
        expect(values.slice().sort()).toEqual(sorted);
      }
    }
  });

  it('selects among sorted, reversed and unsigned values', () => {
    const up = Float64Array.from({ length: 501 }, (_, i) => i);
    expect(selectInPlace(up.slice(), 123)).toBe(123);
    expect(selectInPlace(up.slice().reverse(), 400)).toBe(400);
    const keys = Uint32Array.from([4_000_000_000, 7, 3_000_000_000, 7, 0]);
    expect(selectInPlace(keys, 3)).toBe(3_000_000_000);
  });
});

describe('medianInPlace', () => {
  it('is the middle value, or the mean of the middle two, of the first n', () => {
    expect(medianInPlace(Float64Array.from([9, 1, 5, 100]), 3)).toBe(5);
    expect(medianInPlace(Float64Array.from([9, 1, 5, 3]), 4)).toBe(4);
    expect(medianInPlace(Float64Array.from([2, 2, 2, 8]), 4)).toBe(2);
  });
});
