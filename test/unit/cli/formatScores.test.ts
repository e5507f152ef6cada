import { describe, expect, it } from 'vitest';
import { planWeek } from '../../../jobs/weekly/weeklyPlan';
import { defaultRules } from '../../../rules/rulesSchema';
import { formatCsv, formatJson } from '../../../tools/cli/formatScores';
import { WHOLESALE_AS_OF, wholesaleBook } from '../../synthetic/wholesaleBook';

describe('score output of a book ranked by its own model', () => {
  const plan = planWeek(wholesaleBook({ seed: 2, customers: 1200 }).book, defaultRules(), new Map(), {
    localDate: WHOLESALE_AS_OF,
    runKey: 'weekly-2026-W01',
    runAt: `${WHOLESALE_AS_OF}T00:00:00.000Z`,
  });
  const scored = plan.scored;

  it('gives each customer the three chances, the tier, the due date and the contributions', () => {
    expect(scored.choice.use).toBe('model');
    const rows = JSON.parse(formatJson(plan)) as Array<Record<string, unknown>>;
    const top = rows[0];
    expect(top.rankedBy).toBe('model');
    expect(Object.keys(top.noOrderProbability as object)).toEqual(['30', '60', '90']);
    expect(top.tier).toBe('immediate');
    expect(top.expectedNextOrder).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Object.keys(top.contributions as object)).toContain('lateness');
    const p = top.noOrderProbability as Record<string, number>;
    expect(top.score).toBeCloseTo(100 * p['90'], 0);
  });

  it('flattens the chances into three CSV columns', () => {
    const header = formatCsv(plan).split('\n')[0].split(',');
    expect(header).toEqual(
      expect.arrayContaining(['noOrder30', 'noOrder60', 'noOrder90', 'tier', 'expectedNextOrder']),
    );
    expect(header).not.toContain('contributions');
  });
});
