import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { WeekPlan } from '../../../jobs/weekly/weeklyPlan';
import { planWeek } from '../../../jobs/weekly/weeklyPlan';
import { defaultRules } from '../../../rules/rulesSchema';
import { csvPieces, jsonPieces, toScoreRow } from '../../../tools/cli/formatScores';
import { WHOLESALE_AS_OF, wholesaleBook } from '../../synthetic/wholesaleBook';

const formatJson = (plan: WeekPlan) => [...jsonPieces(plan)].join('');
const formatCsv = (plan: WeekPlan) => [...csvPieces(plan)].join('');

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
  });

  it('CSV carries the import facts and the contributions of the JSON, one header, each once', () => {
    const json = JSON.parse(formatJson(plan)) as Array<Record<string, unknown>>;
    const csv = Papa.parse<Record<string, string>>(formatCsv(plan), { header: true });
    expect(csv.errors).toEqual([]);
    const header = csv.meta.fields ?? [];
    for (const name of ['orders', 'orderDays', 'firstOrderAt', 'lastOrderAt', 'spend', 'contributions'])
      expect(header.filter((h) => h === name)).toEqual([name]);
    expect(csv.data.length).toBe(json.length);
    json.forEach((row, k) => {
      const cells = csv.data[k];
      expect(cells.customerId).toBe(row.customerId);
      expect(Number(cells.orders)).toBe(row.orders);
      expect(Number(cells.orderDays)).toBe(row.orderDays);
      expect(cells.firstOrderAt || null).toBe(row.firstOrderAt);
      expect(cells.lastOrderAt || null).toBe(row.lastOrderAt);
      expect(Number(cells.spend)).toBe(row.spend);
      expect(cells.contributions === '' ? null : JSON.parse(cells.contributions)).toEqual(row.contributions);
    });
    expect(json.some((row) => row.contributions !== null)).toBe(true);
  });
});

describe('score output written in pieces (a million rows are more than one string holds)', () => {
  const plan = planWeek(wholesaleBook({ seed: 3, customers: 2600 }).book, defaultRules(), new Map(), {
    localDate: WHOLESALE_AS_OF,
    runKey: 'weekly-2026-W01',
    runAt: `${WHOLESALE_AS_OF}T00:00:00.000Z`,
  });
  const customers = plan.customers.length;

  it('JSON: several pieces of whole rows, together the layout of JSON.stringify with two spaces', () => {
    const pieces = [...jsonPieces(plan)];
    expect(pieces.length).toBeGreaterThan(2);
    for (const piece of pieces.slice(0, -1)) expect(piece.endsWith('}')).toBe(true);
    const text = pieces.join('');
    const rows = JSON.parse(text) as unknown[];
    expect(rows.length).toBe(customers);
    expect(text).toBe(JSON.stringify(rows, null, 2));
  });

  it("JSON: each row's play and dates are the ones its own row gives (each text is written once per output)", () => {
    const rows = JSON.parse(formatJson(plan)) as Array<{ customerId: string; play: string } & object>;
    const byId = new Map(plan.customers.map((c) => [c.customerId, c]));
    const plays = new Set<string>();
    for (const row of rows) {
      const c = byId.get(row.customerId);
      if (!c) throw new Error(`no customer ${row.customerId}`);
      const own = toScoreRow(c, plan);
      expect(row).toMatchObject({ play: own.play, expectedNextOrder: own.expectedNextOrder });
      plays.add(row.play);
    }
    // Listed customers' plays name their own dates; several kinds and tiers share them.
    expect(plays.size).toBeGreaterThan(2);
  });

  it('CSV: several pieces, one header, every customer once', () => {
    const pieces = [...csvPieces(plan)];
    expect(pieces.length).toBeGreaterThan(1);
    const parsed = Papa.parse<Record<string, string>>(pieces.join(''), { header: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data.length).toBe(customers);
    expect(new Set(parsed.data.map((r) => r.customerId)).size).toBe(customers);
    expect(parsed.data.some((r) => r.customerId === 'customerId')).toBe(false);
  });
});
