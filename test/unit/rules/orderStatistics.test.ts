import { describe, expect, it } from 'vitest';
import { medianInPlace, selectInPlace, selectPlaces } from '../../../rules/orderStatistics';
import { seededRandom } from '../../../rules/seededRandom';

/** Books of n values with few to many distinct ones (day counts repeat, amounts rarely), each with its sort(). */
function books(seed: number, sizes: number[]): { values: Float64Array; sorted: Float64Array }[] {
  const rand = seededRandom(seed);
  return [1, 3, 50, 1e9].flatMap((distinct) =>
    sizes.map((n) => {
      const values = Float64Array.from({ length: n }, () => Math.floor(rand() * distinct));
      return { values, sorted: values.slice().sort() };
    }),
  );
}

describe('selectInPlace', () => {
  it('finds what sort() puts at each place, from the place before, with many equal values', () => {
    for (const { values, sorted } of books(5, [1, 2, 7, 1000])) {
      const n = values.length;
      const places = [0, n >> 2, n >> 1, n - 1].filter((k, j, all) => all.indexOf(k) === j);
      let from = 0;
      for (const k of places) {
        expect(selectInPlace(values, k, from)).toBe(sorted[k]);
        from = k;
      }
      expect(values.slice().sort()).toEqual(sorted);
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

describe('selectPlaces', () => {
  it('finds what sort() puts at several places at once, equal places and the last included', () => {
    for (const { values, sorted } of books(8, [1, 3, 8, 5000])) {
      const n = values.length;
      const places = [1, 2, 3, 4, 5, 6, 7].map((b) => Math.min(n - 1, Math.floor((b * n) / 8)));
      places.push(n - 1);
      expect(selectPlaces(values, n, places)).toEqual(places.map((k) => sorted[k]));
      expect(values.slice().sort()).toEqual(sorted);
    }
  });
});

describe('medianInPlace', () => {
  it('is the middle value, or the mean of the middle two, of the first n', () => {
    expect(medianInPlace(Float64Array.from([9, 1, 5, 100]), 3)).toBe(5);
    expect(medianInPlace(Float64Array.from([9, 1, 5, 3]), 4)).toBe(4);
    expect(medianInPlace(Float64Array.from([2, 2, 2, 8]), 4)).toBe(2);
  });
});
