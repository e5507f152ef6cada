import { beforeAll, describe, expect, it } from 'vitest';
import { type AccuracyRow, accuracyRows } from '../../../tools/scripts/accuracyTable';

/**
 * The default rules' AUC on the four backtests of docs/accuracy.md: pinned (rounded down) to catch a
 * regression, above days since the last order on each, and issue 9's goal met where it is (Online
 * Retail active; the doc gives the ceilings that put the other three out of reach or within noise).
 */
const FLOORS: Record<string, number> = {
  'CDNOW, all customers': 0.78,
  'CDNOW, active in last 90 days': 0.709,
  'Online Retail, all': 0.733,
  'Online Retail, active in last 90 days': 0.737,
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
    expect(rows.filter((r) => r.met).map((r) => r.data)).toEqual(['Online Retail, active in last 90 days']);
  });
});
