import type { Book } from './book';
import { computeFeatures, emptyFeatures, featureContext, ordersEnd } from './features';
import type { Rules } from './rulesSchema';
import { classifySegment, SEGMENTS, type Segment } from './segments';

/**
 * The chance a customer places no order in the coming days, as the list uses it: `at_risk` is set by
 * it, and the value at risk is the customer's value times it.
 *
 * The one seam between the lists and the scorer's probabilities. Until the learned model's calibrated
 * 60/90-day figures are on ScoredCustomer, it is measured on the book's own past: as of `horizonDays`
 * before the scoring day, every customer's kind of name and lateness (days since the last order over
 * their rhythm) are worked out the same way, and the share of each (kind, lateness) group that then
 * placed no order in the following `horizonDays` is the chance for a customer in that group today,
 * shrunk towards the kind's own share where the group is thin. The cadence model (BG/NBD) was tried
 * here first: it rates a customer who orders every 9 days and has been silent for 34 at 1% (its
 * "dropout" is fitted as nearly never on a distributor's book) and a one-order customer at 70%
 * where 58% stopped (Online Retail).
 */
export interface NoOrderChance {
  probability: number;
  horizonDays: number;
  source: 'book_history' | 'score';
}

/** Lateness (days since the last order / rhythm) group edges: [1, 1.5), [1.5, 2)... [10, ∞). */
export const LATENESS_EDGES = [1.5, 2, 3, 4, 6, 10];
/** A group with n customers counts as n against this many of the kind's overall share. */
const SHRINK = 20;
/** Fewer customers of a kind than this in the past book: that kind falls back to the score. */
const MIN_KIND = 10;

function latenessGroup(ratio: number): number {
  let g = 0;
  while (g < LATENESS_EDGES.length && ratio >= LATENESS_EDGES[g]) g++;
  return g;
}

/** The chances measured on the past book; `chance` answers for one customer of today. */
export interface ChanceTable {
  horizonDays: number;
  /** Per kind: the overall share that placed no order, and per lateness group; null when too few. */
  shares: Record<Segment, { overall: number; groups: number[] } | null>;
}

/** Measures the table as of `asOfDay − rules.model.horizonDays` (only orders up to asOfDay are read). */
export function measureChances(book: Book, rules: Rules, asOfDay: number): ChanceTable {
  const horizonDays = rules.model.horizonDays;
  const pastDay = asOfDay - horizonDays;
  const ctx = featureContext(book, rules, pastDay);
  const f = emptyFeatures();
  const groups = LATENESS_EDGES.length + 1;
  const n: Record<Segment, Float64Array> = {
    slipping: new Float64Array(groups),
    not_back: new Float64Array(groups),
    lapsed: new Float64Array(groups),
  };
  const stopped: Record<Segment, Float64Array> = {
    slipping: new Float64Array(groups),
    not_back: new Float64Array(groups),
    lapsed: new Float64Array(groups),
  };
  for (let i = 0; i < book.customers.length; i++) {
    computeFeatures(book, i, ctx, f);
    const kind = classifySegment(f, ctx, rules);
    if (!kind.listable) continue;
    const g = latenessGroup(f.daysSinceLastOrder / kind.rhythmDays);
    n[kind.segment][g]++;
    if (ordersEnd(book, i, asOfDay) === ordersEnd(book, i, pastDay)) stopped[kind.segment][g]++;
  }
  const shares = {} as ChanceTable['shares'];
  for (const s of SEGMENTS) {
    const total = n[s].reduce((a, b) => a + b, 0);
    if (total < MIN_KIND) {
      shares[s] = null;
      continue;
    }
    const overall = stopped[s].reduce((a, b) => a + b, 0) / total;
    shares[s] = {
      overall,
      groups: Array.from(n[s], (count, g) => (stopped[s][g] + SHRINK * overall) / (count + SHRINK)),
    };
  }
  return { horizonDays, shares };
}

/** What the seam reads of one customer today. */
export interface NoOrderChanceInput {
  segment: Segment | null;
  daysSinceLastOrder: number;
  rhythmDays: number;
  /** 0-100: the rule score, the stand-in when the book's past says too little. */
  score: number;
}

/** The customer's chance of no order ahead (see NoOrderChance). */
export function noOrderChance(table: ChanceTable, input: NoOrderChanceInput): NoOrderChance {
  const share = input.segment ? table.shares[input.segment] : null;
  if (share) {
    const g = latenessGroup(input.daysSinceLastOrder / input.rhythmDays);
    return { probability: share.groups[g], horizonDays: table.horizonDays, source: 'book_history' };
  }
  return {
    probability: Math.min(1, Math.max(0, input.score / 100)),
    horizonDays: table.horizonDays,
    source: 'score',
  };
}
