import { describe, expect, it } from 'vitest';
import { rankPerRep, valueAtRisk } from '../../../rules/ranking';

const c = (id: string, owner: string, valueAtRisk: number, score = 50) => ({ id, owner, valueAtRisk, score });

describe('valueAtRisk', () => {
  it('weights the monthly value by the score', () => {
    expect(valueAtRisk(1200, 75)).toBe(900);
    expect(valueAtRisk(0, 90)).toBe(0);
  });
});

describe('rankPerRep', () => {
  it('ranks each rep by value at risk, then score, then input order', () => {
    const { ranked } = rankPerRep(
      [c('a', 'x', 10), c('b', 'x', 30), c('c', 'y', 5), c('d', 'x', 30, 70), c('e', 'x', 10)],
      10,
    );
    expect(ranked.get('x')?.map((r) => r.id)).toEqual(['d', 'b', 'a', 'e']);
    expect(ranked.get('y')?.map((r) => r.id)).toEqual(['c']);
  });

  it('caps each list and counts the rest, reps sorted by owner', () => {
    const many = Array.from({ length: 13 }, (_, k) => c(`m${k}`, 'zed@x', k));
    const { lists } = rankPerRep([...many, c('solo', 'amy@x', 1)], 10);
    expect(lists.map((l) => l.owner)).toEqual(['amy@x', 'zed@x']);
    expect(lists[1].customers).toHaveLength(10);
    expect(lists[1].customers[0].id).toBe('m12');
    expect(lists[1].moreCount).toBe(3);
    expect(lists[0].moreCount).toBe(0);
  });
});
