/**
 * Plain-word reasons from the book model's contributions: the features are grouped by what a rep
 * would say about them, each group's log-odds added up, and the groups that push towards "no order"
 * the most are spelled out with the customer's own numbers, strongest first (never none: see
 * strongestReasons).
 */
import type { Features } from '../features';
import { percentDown, span, strongestReasons } from '../reasons';
import { MODEL_FEATURES, type ModelFeature } from './modelFeatures';
import {
  type NumberWords,
  noOrderInText,
  oneOrderDayText,
  orderDaysText,
  PLAIN_NUMBERS,
  plural,
} from './plainWords';

/** A group must add at least this much to the log-odds (about +10% odds) to be spelled out. */
export const MIN_REASON_LOG_ODDS = 0.1;

type Group = 'silence' | 'frequency' | 'value' | 'tickets' | 'newness' | 'season';

const GROUP: Readonly<Record<ModelFeature, Group>> = {
  daysSinceLastOrder: 'silence',
  lateness: 'silence',
  lastGapStretch: 'silence',
  gapSpread: 'silence',
  noOrderLikely: 'silence',
  aliveProbability: 'silence',
  rulesScore: 'silence',
  recencyShare: 'silence',
  orderDays: 'frequency',
  orders30: 'frequency',
  orders90: 'frequency',
  ordersTrend90: 'frequency',
  ordersTrend180: 'frequency',
  lowFrequency: 'frequency',
  lastOrdersValue: 'value',
  valueTrend90: 'value',
  monthlyValue: 'value',
  sourTickets30: 'tickets',
  sourTickets90: 'tickets',
  openTickets: 'tickets',
  tenureDays: 'newness',
  ordersAheadLastYear: 'season',
};

/** What the reasons quote besides the Features. */
export interface ReasonFacts {
  usualGapDays: number | null;
  lastOrdersValueRatio: number | null;
  sourTickets90: number;
  trendDays: number;
  ticketDays: number;
}

/**
 * The reasons, strongest first, from per-feature contributions (log-odds, MODEL_FEATURES order), their
 * numbers written by `numbers`.
 */
export function modelReasons(
  f: Features,
  contributions: ArrayLike<number>,
  facts: ReasonFacts,
  numbers: NumberWords = PLAIN_NUMBERS,
): string[] {
  if (f.orderCount === 0) return ['No orders yet'];
  // "Ordered once, N days ago" already says how rare, how new and how recent a one-order customer
  // is: "Only 1 order in 8 months" or "No order in the last 90 days; 1 order..." would say it again.
  const groupOf = f.orderDays === 1 ? ONE_ORDER_GROUP : GROUP_OF;
  // Each group's sum, the groups in the order their first feature comes (as strongestReasons breaks
  // ties): written for every listed customer, so without a map or a closure per feature.
  const sums: [Group, number][] = [];
  const at = new Int8Array(GROUPS.length).fill(-1);
  for (let j = 0; j < FEATURE_GROUPS; j++) {
    const g = groupOf[j];
    if (at[g] < 0) {
      at[g] = sums.length;
      sums.push([GROUPS[g], contributions[j]]);
    } else sums[at[g]][1] += contributions[j];
  }
  return strongestReasons(
    sums,
    MIN_REASON_LOG_ODDS,
    (group) => groupText(group, f, facts, numbers),
    () => silenceText(f, facts, numbers),
  );
}

const ONE_ORDER_MERGED: ReadonlySet<Group> = new Set(['frequency', 'value', 'newness']);
const GROUPS: readonly Group[] = ['silence', 'frequency', 'value', 'tickets', 'newness', 'season'];
const FEATURE_GROUPS = MODEL_FEATURES.length;
/** Per feature (MODEL_FEATURES order), its group's place in GROUPS; for one-order customers, merged. */
const GROUP_OF = Int8Array.from(MODEL_FEATURES, (name) => GROUPS.indexOf(GROUP[name]));
const ONE_ORDER_GROUP = Int8Array.from(MODEL_FEATURES, (name) =>
  GROUPS.indexOf(ONE_ORDER_MERGED.has(GROUP[name]) ? 'silence' : GROUP[name]),
);

/** How long the customer has been silent, against their own rhythm once past it. */
function silenceText(f: Features, facts: ReasonFacts, numbers: NumberWords): string {
  const d = f.daysSinceLastOrder;
  if (f.orderDays === 1) return oneOrderDayText(f, numbers);
  const gap = facts.usualGapDays === null ? null : Math.round(facts.usualGapDays);
  // One gap is no rhythm (the rules' own cadence needs two): two order days are said as they are.
  if (gap !== null && d > gap && f.orderDays === 2)
    return `${orderDaysText(2, f, numbers)} ${plural(gap, 'day', numbers)} apart; none for ${numbers.count(d)}`;
  if (gap !== null && d > gap)
    return `Orders every ${plural(gap, 'day', numbers)}; none for ${numbers.count(d)}`;
  return noOrderInText(d, numbers);
}

function groupText(group: Group, f: Features, facts: ReasonFacts, numbers: NumberWords): string | null {
  const n = numbers.count;
  switch (group) {
    case 'silence':
      return silenceText(f, facts, numbers);
    case 'frequency':
      if (f.recentOrderDays === 0 && f.priorOrderDays > 0) return noRecentOrderText(f, facts, numbers);
      if (f.priorOrderDays > f.recentOrderDays)
        return `${orderDaysText(f.recentOrderDays, f, numbers)} in the last ${n(facts.trendDays)} days, ${n(f.priorOrderDays)} in the ${n(facts.trendDays)} before`;
      if (f.orderDays <= 3)
        return `Only ${orderDaysText(f.orderDays, f, numbers)} in ${span(f.tenureDays, numbers)}`;
      return null;
    case 'value': {
      const ratio = facts.lastOrdersValueRatio;
      if (ratio !== null && ratio <= 0.9)
        return `Last ${n(3)} orders ${numbers.percent(percentDown(ratio, 1))} smaller than their usual`;
      // No order at all in the recent window (not orders worth 0, which are kept): said as such.
      if (f.priorValue > 0 && f.recentOrderDays === 0) return noRecentOrderText(f, facts, numbers);
      if (f.priorValue > 0 && f.recentValue < 0.9 * f.priorValue)
        // The window's spend, not the size of an order: fewer orders of the same size fall by as much.
        return `Spent ${numbers.percent(percentDown(f.recentValue, f.priorValue))} less in the last ${n(facts.trendDays)} days than in the ${n(facts.trendDays)} before`;
      return null;
    }
    case 'tickets':
      if (f.sourTickets > 0)
        return `${plural(f.sourTickets, 'sour ticket', numbers)} in ${n(facts.ticketDays)} days`;
      if (facts.sourTickets90 > 0)
        return `${plural(facts.sourTickets90, 'sour ticket', numbers)} in ${n(90)} days`;
      if (f.openTickets > 0) return `${plural(f.openTickets, 'open ticket', numbers)}`;
      return null;
    case 'season':
      return null;
    case 'newness':
      return f.tenureDays < 180 ? `Customer for only ${span(f.tenureDays, numbers)}` : null;
  }
}

/** No order in the recent window, with the orders of the window before: the frequency and value groups' one sentence. */
function noRecentOrderText(f: Features, facts: ReasonFacts, numbers: NumberWords): string {
  return `No order in the last ${numbers.count(facts.trendDays)} days; ${orderDaysText(f.priorOrderDays, f, numbers)} in the ${numbers.count(facts.trendDays)} before`;
}
