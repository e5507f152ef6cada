/** What the ranking needs to know of a customer who passed the gates. */
export interface Rankable {
  owner: string;
  valueAtRisk: number;
  score: number;
}

/** One rep's weekly list: the top of their ranked customers, and how many more did not fit. */
export interface RepList<T> {
  owner: string;
  customers: T[];
  /** Customers past the cap ("+N more"). */
  moreCount: number;
}

/** Value at risk: the monthly value weighted by how at risk the customer is (score / 100). */
export function valueAtRisk(monthlyValue: number, score: number): number {
  return (monthlyValue * score) / 100;
}

/**
 * Groups customers by owner, ranks each group by value at risk (then score, then input order) and
 * cuts it at `cap`. Reps come out sorted by owner. Returns every rep's full ranking too.
 */
export function rankPerRep<T extends Rankable>(
  customers: readonly T[],
  cap: number,
): { ranked: Map<string, T[]>; lists: RepList<T>[] } {
  const ranked = new Map<string, T[]>();
  for (const c of customers) {
    const list = ranked.get(c.owner);
    if (list) list.push(c);
    else ranked.set(c.owner, [c]);
  }
  for (const list of ranked.values()) {
    list.sort((a, b) => b.valueAtRisk - a.valueAtRisk || b.score - a.score); // stable: ties keep input order
  }
  const lists = [...ranked.keys()].sort().map((owner) => {
    const all = ranked.get(owner) ?? [];
    return { owner, customers: all.slice(0, cap), moreCount: Math.max(0, all.length - cap) };
  });
  return { ranked, lists };
}
