import { describe, expect, it } from 'vitest';
import { rankPerRep, valueAtRisk } from '../../../rules/ranking';
import type { Segment } from '../../../rules/segments';

const c = (
  id: string,
  owner: string,
  valueAtRisk: number,
  score = 50,
  segment: Segment = 'slipping',
  listChance = 0.5,
) => ({ id, owner, valueAtRisk, score, segment, listChance });
const shape = (capPerRep: number, slipping = 1, notBack = 0, lapsed = 0) => ({
  capPerRep,
  lists: { split: { slipping, notBack, lapsed } },
});

describe('valueAtRisk', () => {
  it('weights the value by the chance of no order', () => {
    expect(valueAtRisk(1200, 0.75)).toBe(900);
    expect(valueAtRisk(0, 0.9)).toBe(0);
  });
});

describe('rankPerRep', () => {
  it('ranks each rep by value at risk, then score, then input order', () => {
    const { ranked } = rankPerRep(
      [c('a', 'x', 10), c('b', 'x', 30), c('c', 'y', 5), c('d', 'x', 30, 70), c('e', 'x', 10)],
      shape(10),
    );
    expect(ranked.get('x')?.map((r) => r.id)).toEqual(['d', 'b', 'a', 'e']);
    expect(ranked.get('y')?.map((r) => r.id)).toEqual(['c']);
  });

  it('caps each list and counts the rest, reps sorted by owner', () => {
    const many = Array.from({ length: 13 }, (_, k) => c(`m${k}`, 'zed@x', k));
    const { lists } = rankPerRep([...many, c('solo', 'amy@x', 1)], shape(10));
    expect(lists.map((l) => l.owner)).toEqual(['amy@x', 'zed@x']);
    expect(lists[1].customers).toHaveLength(10);
    expect(lists[1].customers[0].id).toBe('m12');
    expect(lists[1].moreCount).toBe(3);
    expect(lists[1].counts).toEqual({ slipping: 13, not_back: 0, lapsed: 0 });
    expect(lists[0].moreCount).toBe(0);
  });

  it('keeps each kind its share of the cap, so lapsed names worth more cannot crowd out the saves', () => {
    const lapsed = Array.from({ length: 8 }, (_, k) => c(`l${k}`, 'x', 100 + k, 50, 'lapsed'));
    const slipping = Array.from({ length: 8 }, (_, k) => c(`s${k}`, 'x', k + 1, 50, 'slipping'));
    const { lists } = rankPerRep([...lapsed, ...slipping], shape(4, 0.5, 0, 0.25));
    // 2 places for slipping, 1 for lapsed, 1 left for the next worth most (lapsed), shown by value.
    expect(lists[0].customers.map((r) => r.id)).toEqual(['l7', 'l6', 's7', 's6']);
    expect(lists[0].counts).toEqual({ slipping: 8, not_back: 0, lapsed: 8 });
    expect(lists[0].moreCount).toBe(12);
  });

  it('gives the places of a kind with nobody to the next worth most of any kind', () => {
    const { lists } = rankPerRep(
      [c('a', 'x', 5, 50, 'lapsed'), c('b', 'x', 4, 50, 'lapsed'), c('d', 'x', 1, 50, 'lapsed')],
      shape(2, 0.5, 0.5, 0),
    );
    expect(lists[0].customers.map((r) => r.id)).toEqual(['a', 'b']);
  });

  it('gives the slipping places to the likeliest to stop, not the worth most, and shows them by value', () => {
    // A big regular barely at risk against smaller ones likely to stop: value at risk alone would
    // pick 'big' (0.3 x 1000 = 300) first.
    const { lists, ranked } = rankPerRep(
      [
        c('big', 'x', 300, 50, 'slipping', 0.3),
        c('likely', 'x', 160, 50, 'slipping', 0.8),
        c('likelier', 'x', 90, 50, 'slipping', 0.9),
      ],
      shape(2),
    );
    expect(lists[0].customers.map((r) => r.id)).toEqual(['likely', 'likelier']);
    expect(ranked.get('x')?.map((r) => r.id)).toEqual(['likely', 'likelier', 'big']);
  });

  it('fills leftover places by value without taking a slipping name before a likelier one', () => {
    const { ranked } = rankPerRep(
      [
        c('s-big', 'x', 300, 50, 'slipping', 0.3),
        c('s-likely', 'x', 50, 50, 'slipping', 0.9),
        c('s-mid', 'x', 100, 50, 'slipping', 0.6),
        c('l-a', 'x', 200, 50, 'lapsed', 0.95),
        c('l-b', 'x', 20, 50, 'lapsed', 0.99),
      ],
      shape(3, 1 / 3, 0, 1 / 3),
    );
    // Picks: s-likely (slipping's place), l-a (lapsed's place: by value, not chance), then the
    // worth most of the heads s-mid (100) and l-b (20); 's-big' waits behind the likelier s-mid.
    expect(ranked.get('x')?.map((r) => r.id)).toEqual(['l-a', 's-mid', 's-likely', 's-big', 'l-b']);
  });
});
