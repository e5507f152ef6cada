import type { Rules } from './rulesSchema';
import { SEGMENT_KEY, SEGMENTS, type Segment } from './segments';

/** What the ranking needs to know of a customer who passed the gates. */
export interface Rankable {
  owner: string;
  valueAtRisk: number;
  /** The chance of no order ahead (0-1) the list goes by: it picks the week's slipping names. */
  listChance: number;
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
 * Slipping names go by the chance of no order, then value at risk. Value at risk ranks them worse
 * than chance does, and on some books worse than at random: a big regular who is late usually
 * comes back (Online Retail as of 2011-06-11, late regulars with an order in the last 90 days: AUC
 * 0.46 by value at risk, 0.70 by chance), so picking by value filled the slipping places with the
 * customers least likely to stop.
 * Not back yet and lapsed names go by value at risk: their chances are close together (a lapsed
 * customer is nearly always gone), and what a win-back or another order is worth tells them apart.
 */
const byChance = <T extends Rankable>(a: T, b: T) => b.listChance - a.listChance || byValue(a, b);

/** Each kind's own order: the order in which its names take places on the list. */
function kindOrder<T extends Rankable>(customers: readonly T[], segment: Segment): T[] {
  return customers.filter((c) => c.segment === segment).sort(segment === 'slipping' ? byChance : byValue);
}

/**
 * One rep's customers in list order. The week's picks come first: each kind takes its share of the
 * cap in its own order (kindOrder), and places a kind leaves empty go to the next name of any kind
 * worth most, so no kind's name is picked before a likelier one of the same kind. The picks are
 * shown by value at risk; the rest (the later pages) follow, taken the same way.
 */
export function rankOneRep<T extends Rankable>(customers: readonly T[], shape: ListShape): T[] {
  const queues = SEGMENTS.map((segment) => ({ segment, next: 0, list: kindOrder(customers, segment) }));
  // Ties keep the input order, as a stable sort of the whole list would.
  const order = new Map(customers.map((c, k) => [c, k]));
  const byValueThenInput = (a: T, b: T) => byValue(a, b) || (order.get(a) ?? 0) - (order.get(b) ?? 0);
  const cap = shape.capPerRep;
  const picked: T[] = [];
  for (const q of queues) {
    const quota = Math.floor(shape.lists.split[SEGMENT_KEY[q.segment]] * cap + 1e-9);
    while (q.next < q.list.length && q.next < quota) picked.push(q.list[q.next++]);
  }
  // The leftover places, then the later pages: the head of each kind's order worth most goes next.
  const rest: T[] = [];
  for (;;) {
    let best: (typeof queues)[number] | null = null;
    for (const q of queues) {
      if (q.next >= q.list.length) continue;
      if (!best || byValueThenInput(q.list[q.next], best.list[best.next]) < 0) best = q;
    }
    if (!best) break;
    const c = best.list[best.next++];
    if (picked.length < cap) picked.push(c);
    else rest.push(c);
  }
  return [...picked.sort(byValueThenInput), ...rest];
}

/** Numbers each rep's ranked customers from 1 and marks the first capPerRep, the card's, as surfaced. */
export function markRanks(
  ranked: ReadonlyMap<string, readonly { rank: number | null; surfaced: boolean }[]>,
  capPerRep: number,
): void {
  for (const list of ranked.values()) {
    list.forEach((c, k) => {
      c.rank = k + 1;
      c.surfaced = k < capPerRep;
    });
  }
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
