import { type Book, dayOf, isoOfDay } from './book';
import type { CustomerState } from './customerState';
import { ordersEnd } from './features';
import { chancePercent } from './noOrderChance';
import type { Rules } from './rulesSchema';
import { type ScoredBook, scoreBook } from './scoreBook';

/** What changed for one listed customer since last week. */
export type ListChange =
  /** `from`: the rep whose customer this was until the feed moved them to this list's rep. */
  { kind: 'new'; from?: string } | { kind: 'worse'; points: number } | { kind: 'still'; week: number | null };

/** A customer on last week's list who ordered again since and left it. */
export interface BackOnTrack {
  customerId: string;
  name: string;
  owner: string;
  /** `YYYY-MM-DD` of their latest order. */
  orderedOn: string;
}

/** The chance of no order must rise by at least this (0-1) for a row to say "worse". */
export const WORSE_BY = 0.05;

/**
 * How many points a chance rose, in the whole percents the two weeks' rows showed: 63% then 69% is
 * up 6, though the unrounded rise (0.6874 - 0.6325) is 5.49.
 */
export function risePoints(now: number, before: number): number {
  return chancePercent(now) - chancePercent(before);
}

/** This week's scoring and what changed since last week's. */
export interface WeekWithChanges {
  scored: ScoredBook;
  /** Per customer on this week's lists (by id). */
  changes: Map<string, ListChange>;
  backOnTrack: BackOnTrack[];
}

/**
 * Scores the book as of `asOfDay` and as of a week earlier, and says for each listed customer what
 * changed: `worse` when the chance of no order rose by WORSE_BY or more, else `still` when they were
 * listed before in this slip cycle (the stored surfacedAt, else last week's list, any page), else `new`. Who was
 * on last week's list and has ordered since is "back on track".
 */
export function scoreWeekWithChanges(
  book: Book,
  rules: Rules,
  asOfDay: number,
  states: ReadonlyMap<string, CustomerState> = new Map(),
): WeekWithChanges {
  // Last week's lists, kept as three columns: a second ScoredBook held beside this week's would
  // double the run's working set on a million-customer book.
  const n = book.customers.length;
  const chanceBefore = new Float64Array(n);
  const rankedBefore = new Uint8Array(n);
  const surfacedBefore = new Uint8Array(n);
  for (const c of scoreBook(book, rules, asOfDay - 7, states).customers) {
    chanceBefore[c.index] = c.listChance;
    rankedBefore[c.index] = c.rank !== null ? 1 : 0;
    surfacedBefore[c.index] = c.surfaced ? 1 : 0;
  }
  const scored = scoreBook(book, rules, asOfDay, states);
  const changes = new Map<string, ListChange>();
  const backOnTrack: BackOnTrack[] = [];
  for (const c of scored.customers) {
    const before = {
      listChance: chanceBefore[c.index],
      rank: rankedBefore[c.index] === 1 ? 1 : null,
      surfaced: surfacedBefore[c.index] === 1,
    };
    if (c.rank !== null) {
      const stored = states.get(c.customerId);
      const surfacedAt = stored?.surfacedAt ?? null;
      const rise = c.listChance - before.listChance;
      const from = movedFrom(stored?.owner, c.owner);
      // A customer the feed moved from another rep is new to this one, whatever their weeks on the
      // other rep's list: "Still on your list (week 3)" on a name they never had would be untrue.
      if (from !== null) changes.set(c.customerId, { kind: 'new', from });
      else if (before.rank !== null && rise >= WORSE_BY)
        changes.set(c.customerId, { kind: 'worse', points: risePoints(c.listChance, before.listChance) });
      else if (surfacedAt !== null && dayOf(surfacedAt) < asOfDay)
        changes.set(c.customerId, { kind: 'still', week: Math.floor((asOfDay - dayOf(surfacedAt)) / 7) + 1 });
      // On last week's list, on its card or a later page (the card counts those as "on your list"
      // too, and "worse" goes by the same): not new.
      else if (before.rank !== null) changes.set(c.customerId, { kind: 'still', week: null });
      else changes.set(c.customerId, { kind: 'new' });
    } else if (before.surfaced) {
      const i = c.index;
      const end = ordersEnd(book, i, asOfDay);
      const orderedSince = end > ordersEnd(book, i, asOfDay - 7);
      if (orderedSince)
        backOnTrack.push({
          customerId: c.customerId,
          name: c.name,
          owner: c.owner,
          orderedOn: isoOfDay(book.orderDay[end - 1]),
        });
    }
  }
  return { scored, changes, backOnTrack };
}

/** The stored owner when the feed now names another rep (addresses compared without case), else null. */
function movedFrom(stored: string | undefined, owner: string): string | null {
  if (stored === undefined) return null;
  const before = stored.trim().toLowerCase();
  return before !== '' && before !== owner.trim().toLowerCase() ? before : null;
}
