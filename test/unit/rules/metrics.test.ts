import { describe, expect, it } from 'vitest';
import { meanTopKPrecision, rocAuc } from '../../../rules/metrics';

describe('rocAuc', () => {
  it('counts each churned-above-retained pair as 1 and each tie as 1/2 (Mann-Whitney)', () => {
    // Pairs (churned, retained): 0.9 beats all 3 = 3; 0.8 ties one, beats two = 2.5;
    // 0.3 loses to 0.8, ties 0.3, beats 0.1 = 1.5. AUC = 7 / 9.
    const scores = [0.9, 0.8, 0.8, 0.3, 0.3, 0.1];
    const churned = [true, true, false, true, false, false];
    expect(rocAuc(scores, churned)).toBeCloseTo(7 / 9, 12);
  });

  it('is 1 for a perfect ranking, 0 for a reversed one, 0.5 when all scores tie', () => {
    expect(rocAuc([3, 2, 1], [true, false, false])).toBe(1);
    expect(rocAuc([1, 2, 3], [true, false, false])).toBe(0);
    expect(rocAuc([5, 5, 5, 5], [true, false, true, false])).toBe(0.5);
  });

  it('does not depend on the input order', () => {
    expect(rocAuc([0.1, 0.3, 0.8, 0.3, 0.9, 0.8], [false, false, false, true, true, true])).toBeCloseTo(
      7 / 9,
      12,
    );
  });

  it('is NaN with one class only, and rejects mismatched lengths', () => {
    expect(rocAuc([1, 2], [true, true])).toBeNaN();
    expect(() => rocAuc([1, 2], [true])).toThrow(/2 scores but 1 labels/);
  });
});

describe('meanTopKPrecision', () => {
  it('averages the precision of each group top k', () => {
    const groups = ['a', 'a', 'a', 'b', 'b', 'b'];
    const scores = [9, 8, 1, 7, 6, 5];
    const churned = [true, false, true, false, false, true];
    // a's top 2: 9 (yes), 8 (no) = 0.5; b's top 2: 7 (no), 6 (no) = 0. Mean 0.25.
    expect(meanTopKPrecision(groups, scores, churned, 2)).toBeCloseTo(0.25);
  });

  it('breaks ties at the cut by input order and uses all members of small groups', () => {
    expect(meanTopKPrecision(['a', 'a', 'a'], [5, 5, 5], [false, true, true], 1)).toBe(0);
    expect(meanTopKPrecision(['a', 'a', 'a'], [5, 5, 5], [true, false, false], 1)).toBe(1);
    expect(meanTopKPrecision(['a', 'a'], [1, 2], [true, false], 10)).toBe(0.5);
  });
});
