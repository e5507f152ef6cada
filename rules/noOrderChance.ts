import type { Book } from './book';
import { computeFeatures, emptyFeatures, featureContext, ordersEnd } from './features';
import type { Rules } from './rulesSchema';
import { classifySegment, SEGMENTS, type Segment } from './segments';

/**
 * A chance as a whole percent between 1 and 99: a model's 0.996 is not a certainty, and "100% chance
 * of no order" on a row would tell the rep the call is pointless (the model's own reasons stop at 99).
 */
export function chancePercent(probability: number): number {
  return Math.min(99, Math.max(1, Math.round(100 * probability)));
}

/**
 * The chance a customer places no order in the coming days, as the list uses it: `at_risk` is set by
 * it, and the value at risk is the customer's value times it.
 *
 * The one seam between the lists and the scorer's probabilities. Given the learned model's calibrated
 * probabilities (`calibrated`, as the model branch puts them on ScoredCustomer.noOrderProbability:
 * 30/60/90 days), the list goes by the one for `horizonDays`. Until then, it is measured on the book's
 * own past: as of `horizonDays`
 * before the scoring day, every customer's kind of name and lateness (days since the last order over
 * their rhythm) are worked out the same way, and the share of each (kind, lateness) group that then
 * placed no order in the following `horizonDays` is the chance for a customer in that group today,
 * shrunk towards the kind's own share where the group is thin. The groups are cut by lateness and by
 * the length of the silence. The cadence model (BG/NBD) was tried
 * here first: it rates a customer who orders every 9 days and has been silent for 34 at 1% (its
 * "dropout" is fitted as nearly never on a distributor's book) and a one-order customer at 70%
 * where 58% stopped (Online Retail).
 */
export interface NoOrderChance {
  probability: number;
  horizonDays: number;
  source: ChanceSource;
}

/** Where a chance comes from: the learned model, the book's past, or the rule score standing in. */
export type ChanceSource = 'model' | 'book_history' | 'score';

/** Calibrated chances of no order by horizon in days, as the learned model gives them. */
export type CalibratedChances = Readonly<Record<'30' | '60' | '90', number>>;

/** Lateness (days since the last order / rhythm) group edges: [1, 1.5), [1.5, 2)... [10, ∞). */
export const LATENESS_EDGES = [1.5, 2, 3, 4, 6, 10];
/**
 * Silence (days since the last order) group edges. Lateness alone rates a customer who orders every
 * 5 days and is 15 days late like one silent for 80 days with a 30-day rhythm; on Online Retail the
 * length of the silence separated who came back far better.
 */
export const SILENCE_EDGES = [30, 60, 90, 180];
/** A group with n customers counts as n against this many of the kind's overall share. */
const SHRINK = 20;
/**
 * Fewer customers of a kind than this in the past book: the cells cannot be told apart, and a
 * customer's chance is (stopped + score) / (customers + 1), the rule score (0-1) counting as one
 * customer. On wholesale books of 60-150 customers (tuning seeds, three dates) the listed customers'
 * Brier score was 0.106 against 0.115 with the score alone (the kind's share alone: 0.104, but one
 * chance for the whole kind). A kind absent from the past book falls back to the score.
 */
const MIN_KIND = 10;

function groupOf(edges: readonly number[], x: number): number {
  let g = 0;
  while (g < edges.length && x >= edges[g]) g++;
  return g;
}

const LATENESS_GROUPS = LATENESS_EDGES.length + 1;
const GROUPS = LATENESS_GROUPS * (SILENCE_EDGES.length + 1);

/** The (lateness, silence) cell of a customer. */
function cellOf(daysSinceLastOrder: number, rhythmDays: number): { lateness: number; cell: number } {
  const lateness = groupOf(LATENESS_EDGES, daysSinceLastOrder / rhythmDays);
  return { lateness, cell: groupOf(SILENCE_EDGES, daysSinceLastOrder) * LATENESS_GROUPS + lateness };
}

/** The chances measured on the past book; `chance` answers for one customer of today. */
export interface ChanceTable {
  horizonDays: number;
  /**
   * Per kind: the overall share that placed no order, and per (silence, lateness) cell, each shrunk
   * towards its lateness group's share, itself shrunk towards the kind's; null when the past book has none of the kind.
   */
  shares: Record<
    Segment,
    {
      overall: number;
      cells: number[];
      /** Set when the past book had fewer than MIN_KIND of the kind: how many, and how many stopped. */
      few?: { customers: number; stopped: number };
    } | null
  >;
}

/** Measures the table as of `asOfDay − rules.model.horizonDays` (only orders up to asOfDay are read). */
export function measureChances(book: Book, rules: Rules, asOfDay: number): ChanceTable {
  const horizonDays = rules.model.horizonDays;
  const pastDay = asOfDay - horizonDays;
  const ctx = featureContext(book, rules, pastDay);
  const f = emptyFeatures();
  const n = {
    slipping: new Float64Array(GROUPS),
    not_back: new Float64Array(GROUPS),
    lapsed: new Float64Array(GROUPS),
  };
  const stopped = {
    slipping: new Float64Array(GROUPS),
    not_back: new Float64Array(GROUPS),
    lapsed: new Float64Array(GROUPS),
  };
  for (let i = 0; i < book.customers.length; i++) {
    computeFeatures(book, i, ctx, f);
    const kind = classifySegment(f, ctx, rules);
    if (!kind.listable) continue;
    const { cell } = cellOf(f.daysSinceLastOrder, kind.rhythmDays);
    n[kind.segment][cell]++;
    if (ordersEnd(book, i, asOfDay) === ordersEnd(book, i, pastDay)) stopped[kind.segment][cell]++;
  }
  const shares = {} as ChanceTable['shares'];
  for (const s of SEGMENTS) {
    const total = n[s].reduce((a, b) => a + b, 0);
    const hits = stopped[s].reduce((a, b) => a + b, 0);
    if (total === 0) {
      shares[s] = null;
      continue;
    }
    if (total < MIN_KIND) {
      // The rule score is no chance: as the stand-in for a kind with a few past customers, the demo
      // stated 37-40% for customers lapsed 100-330 days, all of whom stayed away. What the few did
      // decides, the score counting as one more (see noOrderChance).
      const share = (hits + 1) / (total + 2);
      shares[s] = {
        overall: share,
        cells: new Array<number>(GROUPS).fill(share),
        few: { customers: total, stopped: hits },
      };
      continue;
    }
    if (hits === 0 || hits === total) {
      // Every one of the kind stopped (or none did): the cells cannot tell them apart, and a past of
      // `total` customers is no certainty. Without this a small book of one-order customers who never
      // came back stated a 100% chance for everyone. Any other share is measured as below.
      const share = hits === 0 ? 1 / (total + 1) : total / (total + 1);
      shares[s] = { overall: share, cells: new Array<number>(GROUPS).fill(share) };
      continue;
    }
    const overall = hits / total;
    const byLateness = Array.from({ length: LATENESS_GROUPS }, (_, g) => {
      let count = 0;
      let hits = 0;
      for (let c = g; c < GROUPS; c += LATENESS_GROUPS) {
        count += n[s][c];
        hits += stopped[s][c];
      }
      return (hits + SHRINK * overall) / (count + SHRINK);
    });
    shares[s] = {
      overall,
      cells: Array.from(
        n[s],
        (count, c) => (stopped[s][c] + SHRINK * byLateness[c % LATENESS_GROUPS]) / (count + SHRINK),
      ),
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
  /** The learned model's calibrated chances; null or missing until that model is fitted. */
  calibrated?: CalibratedChances | null;
}

/** The key of the learned model's calibrated chance for `horizonDays`; null when it states none (it states 30, 60 and 90). */
export function calibratedKey(horizonDays: number): keyof CalibratedChances | null {
  const key = String(horizonDays);
  return key === '30' || key === '60' || key === '90' ? key : null;
}

/**
 * The table for a scoring whose every chance is the learned model's (calibrated, at a horizon it
 * states): no kind's shares are read then, so the book's past is not measured for them.
 */
export function unmeasuredChances(horizonDays: number): ChanceTable {
  return { horizonDays, shares: { slipping: null, not_back: null, lapsed: null } };
}

/** The customer's chance of no order ahead (see NoOrderChance). */
export function noOrderChance(table: ChanceTable, input: NoOrderChanceInput): NoOrderChance {
  const key = calibratedKey(table.horizonDays);
  if (input.calibrated && key !== null)
    return { probability: input.calibrated[key], horizonDays: table.horizonDays, source: 'model' };
  const share = input.segment ? table.shares[input.segment] : null;
  if (share?.few) {
    // The score counts as one customer beside the few: it keeps the lateness order within the kind.
    const prior = Math.min(1, Math.max(0, input.score / 100));
    return {
      probability: (share.few.stopped + prior) / (share.few.customers + 1),
      horizonDays: table.horizonDays,
      source: 'book_history',
    };
  }
  if (share) {
    const { cell } = cellOf(input.daysSinceLastOrder, input.rhythmDays);
    return { probability: share.cells[cell], horizonDays: table.horizonDays, source: 'book_history' };
  }
  return {
    probability: Math.min(1, Math.max(0, input.score / 100)),
    horizonDays: table.horizonDays,
    source: 'score',
  };
}
