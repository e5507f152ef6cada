/**
 * The feed reader's memory-saving parts: duplicate hashes found bucket by bucket (no sorted copy of
 * every hash), and columns put in book order where they lie (no second copy of a 20M-row column).
 */
import { describe, expect, it } from 'vitest';
import { rowsWithSharedHash } from '../../../feed/duplicateIds';
import { groupByCustomer, permuteInPlace } from '../../../feed/groupByCustomer';
import { growableFloat64 } from '../../../feed/growableArray';

describe('rowsWithSharedHash by buckets', () => {
  it('finds the same rows with many small buckets as with one', () => {
    const hashes = growableFloat64();
    // 1,000 rows, hashes 0..699 then 300 repeats of every 7th: shared ones spread over all buckets.
    for (let i = 0; i < 700; i++) hashes.push(i * 1_000_003);
    for (let i = 0; i < 300; i++) hashes.push(((i * 7) % 700) * 1_000_003);
    const one = Array.from(rowsWithSharedHash(hashes));
    const many = Array.from(rowsWithSharedHash(hashes, 64)); // 16 buckets
    expect(many).toEqual(one);
    expect(one).toHaveLength(400); // 100 hashes (multiples of 7) seen 4 times each
  });

  it('handles hashes that are negative or fractional (tests inject their own)', () => {
    const hashes = growableFloat64();
    for (const h of [-3, 2.5, -3, 7, 2.5, 0]) hashes.push(h);
    expect(Array.from(rowsWithSharedHash(hashes, 2))).toEqual([0, 1, 2, 4]);
  });
});

describe('permuteInPlace', () => {
  it('rearranges a column like a copy into book order would, every cycle of the permutation', () => {
    const customer = Int32Array.of(1, 0, 1, -1, 0, 0, 2);
    const day = Int32Array.of(30, 20, 10, 5, 20, 1, 7);
    const { order, permutation } = groupByCustomer(4, customer, day);
    expect(Array.from(permutation)).toEqual([5, 1, 4, 2, 0, 6, 3]);
    const amount = Float64Array.of(0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5);
    const copied = Array.from(order, (row) => amount[row]);
    const visited = new Uint8Array(7);
    expect(Array.from(permuteInPlace(day, permutation, visited).subarray(0, 6))).toEqual([
      1, 20, 20, 10, 30, 7,
    ]);
    expect(Array.from(permuteInPlace(amount, permutation, visited).subarray(0, 6))).toEqual(copied);
    // The left-out row lands after the book's rows.
    expect(amount[6]).toBe(3.5);
  });

  it('refuses a permutation of another length', () => {
    expect(() => permuteInPlace(new Int32Array(3), Int32Array.of(0, 1), new Uint8Array(3))).toThrow(
      RangeError,
    );
  });
});
