import { describe, expect, it } from 'vitest';
import { tunedWorseWarning } from '../../../rules/tune';
import type { TunedBlock } from '../../../rules/tunedBlock';

const block = (before: number, after: number): TunedBlock => ({
  asOf: '2011-09-09',
  horizonDays: 91,
  activeWithinDays: null,
  fitDates: ['2011-03-11'],
  holdoutDate: '2011-06-10',
  fitRows: 1000,
  l2: 1e-3,
  before: { fit: { auc: 0.7, topKPrecision: 0.5 }, holdout: { auc: before, topKPrecision: 0.5 } },
  after: { fit: { auc: 0.71, topKPrecision: 0.5 }, holdout: { auc: after, topKPrecision: 0.5 } },
  baselineHoldout: { auc: 0.68, topKPrecision: 0.4 },
});

describe('tunedWorseWarning', () => {
  it('warns when the tuned weights rank the later check date worse (the 0.7416 to 0.7403 a user saw)', () => {
    expect(tunedWorseWarning(block(0.7416, 0.7403))).toBe(
      'Warning: the tuned weights ranked 2011-06-10 worse than the base rules (AUC 0.7403 against 0.7416). ' +
        'The file is written, but the base rules are the better choice for this feed.',
    );
  });

  it('says nothing when they do as well or better', () => {
    expect(tunedWorseWarning(block(0.7403, 0.7416))).toBeNull();
    expect(tunedWorseWarning(block(0.74, 0.74))).toBeNull();
  });
});
