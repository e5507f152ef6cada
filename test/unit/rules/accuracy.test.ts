import { beforeAll, describe, expect, it } from 'vitest';
import { type AccuracyRow, accuracyRows } from '../../../scripts/accuracyTable';

/**
 * The default rules' AUC on the four backtests of docs/accuracy.md. No goal of issue 9 is met yet
 * (see the doc for the ceilings), so these pin the figures reached (rounded down) to catch a
 * regression, and that the score still beats days since the last order on each.
 */
const FLOORS: Record<string, number> = {
  'CDNOW, all customers': 0.777,
  'CDNOW, active in last 90 days': 0.662,
  'Online Retail, all': 0.721,
  'Online Retail, active in last 90 days': 0.709,
};

describe('accuracy of the default rules (docs/accuracy.md)', () => {
  let rows: AccuracyRow[];
  beforeAll(async () => {
    rows = await accuracyRows();
  }, 60_000);

  it('keeps each AUC at or above the pinned figure and above the baseline', () => {
    expect(rows.map((r) => r.data)).toEqual(Object.keys(FLOORS));
    for (const r of rows) {
      expect(r.result.score.auc, r.data).toBeGreaterThanOrEqual(FLOORS[r.data]);
      expect(r.result.score.auc, r.data).toBeGreaterThan(r.result.baseline.auc);
      expect(r.met).toBe(r.result.score.auc >= r.goal);
    }
  });
});
