import { MAX_CARD_CUSTOMERS } from '../../cards/cardModels';
import type { Gate } from '../../rules/gates';
import type { BackOnTrack, FeedUnchanged, ListChange } from '../../rules/listChanges';
import { noCounts } from '../../rules/ranking';
import type { ScoredCustomer } from '../../rules/scoreBook';
import type { Segment } from '../../rules/segments';

/** One rep's week: the customers their card shows, and those counted as "+N more". */
export interface RepWeek {
  /** The rep's email/UPN as the feed gives it (lower case): the key of the ledger and of the conversation. */
  owner: string;
  /** Ranked, at most min(capPerRep, MAX_CARD_CUSTOMERS). */
  shown: ScoredCustomer[];
  /** Passed the gates but ranked past what the card shows (the later pages). */
  overflow: ScoredCustomer[];
  /** Everyone on the rep's list by kind, before the cap. */
  counts: Record<Segment, number>;
  /** What changed since last week, per customer id (rows without an entry say nothing). */
  changes: ReadonlyMap<string, ListChange>;
  /** The rep's customers who left last week's list by ordering again. */
  backOnTrack: BackOnTrack[];
  /** The feed has no order newer than last week's run read: the card says so. */
  feedUnchanged?: FeedUnchanged | null;
}

/** The week of a rep with nobody on their list. */
export function emptyRepWeek(owner: string): RepWeek {
  return { owner, shown: [], overflow: [], counts: noCounts(), changes: new Map(), backOnTrack: [] };
}

/** What changed since last week, for repWeeks; none when not worked out. */
export interface WeekChanges {
  changes: ReadonlyMap<string, ListChange>;
  backOnTrack: readonly BackOnTrack[];
  feedUnchanged?: FeedUnchanged | null;
}

const NO_CHANGES: WeekChanges = { changes: new Map(), backOnTrack: [] };

/** How the gates split the book this week, for the report. */
export interface GateCounts {
  customers: number;
  atRisk: number;
  /** On a list (passed the gates, within the cap, on the rep's card). */
  surfaced: number;
  /**
   * Passed the gates but past the cap, or past the rows the card had room for (the held out are
   * counted in the report's holdout instead).
   */
  overCap: number;
  /** At risk but kept off by a gate. */
  keptOff: Record<Exclude<Gate, 'not_at_risk'>, number>;
}

/**
 * Every owner in the book (sorted) with their card's rows: reps with nobody on their list get an
 * empty `shown`, so each rep of the feed is accounted for.
 */
export function repWeeks(
  customers: readonly ScoredCustomer[],
  capPerRep: number,
  since: WeekChanges = NO_CHANGES,
): RepWeek[] {
  const shownMax = Math.min(capPerRep, MAX_CARD_CUSTOMERS);
  const byOwner = new Map<string, ScoredCustomer[]>();
  for (const c of customers) {
    const ranked = byOwner.get(c.owner) ?? [];
    if (c.rank !== null) ranked.push(c);
    byOwner.set(c.owner, ranked);
  }
  return [...byOwner.keys()].sort().map((owner) => {
    const ranked = (byOwner.get(owner) ?? []).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
    const counts = noCounts();
    for (const c of ranked) if (c.segment) counts[c.segment]++;
    return {
      owner,
      shown: ranked.slice(0, shownMax),
      overflow: ranked.slice(shownMax),
      counts,
      changes: since.changes,
      backOnTrack: since.backOnTrack.filter((b) => b.owner === owner),
      feedUnchanged: since.feedUnchanged ?? null,
    };
  });
}

/** Counts the gates' verdicts over the scored book; the held out (passed the gates, kept off by the holdout) are not "over the cap". */
export function countGates(
  customers: readonly ScoredCustomer[],
  heldOut: ReadonlySet<string> = new Set(),
): GateCounts {
  const counts: GateCounts = {
    customers: customers.length,
    atRisk: 0,
    surfaced: 0,
    overCap: 0,
    keptOff: { lost: 0, paused: 0, cooling_down: 0, silent_past_value_window: 0, below_floor: 0 },
  };
  for (const c of customers) {
    if (c.band === 'at_risk') counts.atRisk++;
    if (c.surfaced) counts.surfaced++;
    else if (c.gate.surfaced) {
      if (!heldOut.has(c.customerId)) counts.overCap++;
    } else if (c.gate.gate !== 'not_at_risk') counts.keptOff[c.gate.gate]++;
  }
  return counts;
}
