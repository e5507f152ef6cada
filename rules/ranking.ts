import type { Rules } from './rulesSchema';
import { SEGMENT_KEY, SEGMENTS, type Segment } from './segments';

/** What the ranking needs to know of a customer who passed the gates. */
export interface Rankable {
  owner: string;
  valueAtRisk: number;
  score: number;
  segment: Segment;
}

/** One rep's weekly list: the top of their ranked customers, and how many more did not fit. */
export interface RepList<T> {
  owner: string;
  customers: T[];
  /** Customers past the cap ("+N more"). */
  moreCount: number;
  /** Everyone who passed the gates, by kind, before the cap: the header's honest counts. */
  counts: Record<Segment, number>;
}

/** The list's size and its split between the kinds of name. */
export type ListShape = Pick<Rules, 'capPerRep'> & { lists: Pick<Rules['lists'], 'split'> };

/** Value at risk: the value weighted by the chance of no order ahead (0-1). */
export function valueAtRisk(value: number, chance: number): number {
  return value * chance;
}

/** Zero of each kind. */
export function noCounts(): Record<Segment, number> {
  return { slipping: 0, not_back: 0, lapsed: 0 };
}

const byValue = <T extends Rankable>(a: T, b: T) => b.valueAtRisk - a.valueAtRisk || b.score - a.score;

/**
 * One rep's customers in list order: the week's picks first (each kind's share of the cap, by value
 * at risk; places a kind leaves empty go to the next worth most of any kind), sorted by value at
 * risk, then everyone else by value at risk (the later pages).
 */
export function rankOneRep<T extends Rankable>(customers: readonly T[], shape: ListShape): T[] {
  const all = [...customers].sort(byValue); // stable: ties keep input order
  const cap = shape.capPerRep;
  const picked = new Set<T>();
  for (const segment of SEGMENTS) {
    const quota = Math.floor(shape.lists.split[SEGMENT_KEY[segment]] * cap + 1e-9);
    let taken = 0;
    for (const c of all) {
      if (taken >= quota) break;
      if (c.segment === segment) {
        picked.add(c);
        taken++;
      }
    }
  }
  for (const c of all) {
    if (picked.size >= cap) break;
    picked.add(c);
  }
  return [...all.filter((c) => picked.has(c)), ...all.filter((c) => !picked.has(c))];
}

/**
 * The one answer to "who is on a rep's list": groups customers who passed the gates by owner, ranks
 * each group (rankOneRep) and cuts it at capPerRep. Reps come out sorted by owner. Returns every
 * rep's full ranking too (for "+N more" and the later pages).
 */
export function rankPerRep<T extends Rankable>(
  customers: readonly T[],
  shape: ListShape,
): { ranked: Map<string, T[]>; lists: RepList<T>[] } {
  const groups = new Map<string, T[]>();
  for (const c of customers) {
    const list = groups.get(c.owner);
    if (list) list.push(c);
    else groups.set(c.owner, [c]);
  }
  const ranked = new Map<string, T[]>();
  for (const [owner, group] of groups) ranked.set(owner, rankOneRep(group, shape));
  const cap = shape.capPerRep;
  const lists = [...ranked.keys()].sort().map((owner) => {
    const all = ranked.get(owner) ?? [];
    const counts = noCounts();
    for (const c of all) counts[c.segment]++;
    return { owner, customers: all.slice(0, cap), moreCount: Math.max(0, all.length - cap), counts };
  });
  return { ranked, lists };
}
