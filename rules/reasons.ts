import type { RefundedOrders, UnreadOrders } from './book';
import { DAYS_PER_MONTH, type Features } from './features';
import type { CadenceFigures } from './model/cadenceModel';
import {
  type NumberWords,
  noOrderInText,
  oneOrderDayText,
  orderDaysText,
  PLAIN_NUMBERS,
  plural,
} from './model/plainWords';
import type { Rules, SignalName } from './rulesSchema';
import type { Contributions } from './score';
import { SIGNAL_NAMES } from './signals';

/** Signals worth fewer points than this are not spelled out (they would be noise on a card). */
export const MIN_REASON_POINTS = 1.5;

/** Overdue and the recency signals say the same thing in words ("no order in N days"), so they share a reason. */
const REASON_GROUP: Readonly<Record<SignalName, SignalName>> = {
  // Both model signals say "the model expected orders that did not come": one sentence.
  noOrderLikely: 'noOrderLikely',
  missedOrders: 'noOrderLikely',
  overdue: 'overdue',
  recency: 'overdue',
  recencyShare: 'overdue',
  lowFrequency: 'lowFrequency',
  newCustomer: 'newCustomer',
  frequencyDrop: 'frequencyDrop',
  valueDrop: 'valueDrop',
  sourTickets: 'sourTickets',
  openTickets: 'openTickets',
};

const ONE_ORDER_MERGED: ReadonlySet<SignalName> = new Set(['lowFrequency', 'newCustomer']);

/** The cadence model's view of a customer and how far ahead it looks, for the model's reasons. */
export interface ModelReasonInput {
  figures: CadenceFigures;
  horizonDays: number;
}

/**
 * The reason of a customer whose every order line in the feed was skipped or left out: not "No
 * orders yet", which tells the rep they never ordered, but what happened to the orders they placed
 * (`No order read from the feed: their 3 order lines were skipped (currency: not GBP, ...)`), as
 * the feed report gives it line by line to whoever keeps the feed; or that they were cancelled,
 * refunded or never placed, where their status left every one out.
 */
export function unreadOrdersReason(unread: UnreadOrders, numbers: NumberWords = PLAIN_NUMBERS): string {
  const their =
    unread.lines === 1 ? 'their order line was' : `their ${plural(unread.lines, 'order line', numbers)} were`;
  // Orders left out by their status (a refunded Shopify order, a voided invoice) are the export right
  // as it stands: "skipped" is the word of a bad row, which the feed report counts as one to fix. Counted
  // as orders, as the report counts them: a rep does not know the line items Shopify writes of each.
  if (unread.undone) {
    const orders = unread.leftOutOrders;
    const were = orders === 1 ? 'their order was' : `their ${plural(orders, 'order', numbers)} were`;
    return `No order read from the feed: ${were} left out by ${orders === 1 ? 'its' : 'their'} status (cancelled, refunded or never placed)`;
  }
  return `No order read from the feed: ${their} skipped (${unread.why})`;
}

/** How a count of customers whose every order was left out by its status ends, in `score` and on the Team tab. */
export const EVERY_ORDER_LEFT_OUT =
  'whose every order was cancelled, refunded or never placed (left out by its status)';

/**
 * The reason of a customer whose every order was refunded in full, as of `asOfDay` (the orders
 * placed by then): not "No orders yet", which tells the rep they never ordered, but that they
 * ordered and got their money back (`Ordered once, 20 days ago, and refunded in full 17 days ago`);
 * null when none of those orders was placed by then.
 */
export function refundedOrdersReason(
  refunded: RefundedOrders,
  asOfDay: number,
  numbers: NumberWords = PLAIN_NUMBERS,
): string | null {
  const placed = refunded.orderDays.filter((day) => day <= asOfDay).length;
  if (placed === 0) return null;
  const ago = (day: number) => (day === asOfDay ? 'today' : `${plural(asOfDay - day, 'day', numbers)} ago`);
  const last = refunded.orderDays[placed - 1];
  if (placed > 1)
    return `Ordered ${plural(placed, 'time', numbers)}, each refunded in full; the last order ${ago(last)}`;
  const refund = refunded.refundDays[0];
  // A refunded column with no date of its own dates the refund as its order: its day is not known.
  const when = refund > last && refund <= asOfDay ? ` ${ago(refund)}` : '';
  return `Ordered once, ${ago(last)}, and refunded in full${when}`;
}

/**
 * Plain-word reasons with their numbers (written by `numbers`), strongest first; a customer with no
 * order gets one.
 */
export function reasonsFor(
  f: Features,
  contributions: Contributions,
  windows: Rules['windows'],
  model: ModelReasonInput | null = null,
  numbers: NumberWords = PLAIN_NUMBERS,
): string[] {
  if (f.orderCount === 0) return ['No orders yet'];
  const points = new Map<SignalName, number>();
  for (const name of SIGNAL_NAMES) {
    // "Ordered once, N days ago" already says how rare and how new a one-order customer is.
    const group =
      f.orderDays === 1 && ONE_ORDER_MERGED.has(name)
        ? 'overdue'
        : // With no order in the recent window, "Stopped ordering: 0 orders..." and "No order in the last
          // quarter; 6 orders..." are one fact: the value drop adds to the frequency drop's sentence.
          name === 'valueDrop' && f.recentOrderDays === 0 && f.priorOrderDays > 0
          ? 'frequencyDrop'
          : REASON_GROUP[name];
    points.set(group, (points.get(group) ?? 0) + contributions[name]);
  }
  // Ties keep SIGNAL_NAMES order (the sort is stable).
  const reasons = strongestReasons(
    points,
    MIN_REASON_POINTS,
    (name) => reasonText(name, f, windows, model, numbers),
    () => silenceText(f, numbers),
  );
  // "Usually every 31" beside "expected 9.6 orders by now" states two paces (the model's is fitted on
  // the whole book, so it differs): with the customer's own pace on the row, the model says its chance.
  const expected = modelReason(f, model, numbers);
  if (!statesOwnPace(f) || !reasons.includes(silenceText(f, numbers)) || !reasons.includes(expected ?? ''))
    return reasons;
  const chance = modelReason(f, model, numbers, true);
  return reasons.flatMap((r) => (r !== expected ? [r] : chance && !reasons.includes(chance) ? [chance] : []));
}

/** True when the silence sentence gives the customer's own pace ("usually every N"). */
function statesOwnPace(f: Features): boolean {
  // Only once past it: within the usual gap it would read as reassurance.
  return f.cadenceIsOwn && f.daysSinceLastOrder > Math.round(f.cadenceDays);
}

/**
 * How rarely the customer orders. "Only 8 orders in 15 months" is said of a customer with no pace of
 * their own yet; of one with a pace, the count is that pace (said as it, not as a complaint) or, once
 * past it, the silence since (said by the silence sentence, as "usually every 31").
 */
function lowFrequencyText(f: Features, numbers: NumberWords): string {
  const orders = `${orderDaysText(f.orderDays, f, numbers)} in ${span(f.tenureDays, numbers)}`;
  if (!f.cadenceIsOwn) return `Only ${orders}`;
  if (statesOwnPace(f)) return silenceText(f, numbers);
  return `Usually orders every ${plural(Math.round(f.cadenceDays), 'day', numbers)}: ${orders}`;
}

/** How long the customer has been silent, against their own pace once past it. */
function silenceText(f: Features, numbers: NumberWords): string {
  const silent = plural(f.daysSinceLastOrder, 'day', numbers);
  if (f.orderDays === 1) return oneOrderDayText(f, numbers);
  if (statesOwnPace(f))
    return `No order in ${silent}, usually every ${numbers.count(Math.round(f.cadenceDays))}`;
  return noOrderInText(f.daysSinceLastOrder, numbers);
}

/**
 * The words of the groups that add at least `min` to the risk, strongest first. When none does (many
 * small pushes can still put a customer on the list), the strongest group that adds anything and has
 * words, then `silence` (how long they have been away, what a rep checks first): every customer who
 * is not steady hears at least one reason with its numbers. Two groups can word one fact (a silence
 * past the customer's pace, no order in the recent window): it is said once, where it is strongest.
 */
export function strongestReasons<G>(
  sums: Iterable<[G, number]>,
  min: number,
  text: (group: G) => string | null,
  silence: () => string,
): string[] {
  const pushing = [...sums].filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
  const worded = (groups: [G, number][]) =>
    groups.map(([group]) => text(group)).filter((t): t is string => t !== null);
  const strong = worded(pushing.filter(([, v]) => v >= min));
  if (strong.length > 0) return strong.filter((r, k) => strong.indexOf(r) === k);
  const first = worded(pushing)[0];
  const last = silence();
  return first === undefined || first === last ? [last] : [first, last];
}

/**
 * The sentence for one signal (the model's signals need `model`; without it they get a generic line).
 * Null when the model's figure does not point to a risk: a reason must never read as reassurance.
 */
export function reasonText(
  name: SignalName,
  f: Features,
  windows: Rules['windows'],
  model: ModelReasonInput | null = null,
  numbers: NumberWords = PLAIN_NUMBERS,
): string | null {
  const n = numbers.count;
  switch (name) {
    case 'noOrderLikely':
    case 'missedOrders':
      return modelReason(f, model, numbers);
    case 'overdue':
    case 'recency':
    case 'recencyShare':
      return silenceText(f, numbers);
    case 'lowFrequency':
      return lowFrequencyText(f, numbers);
    case 'newCustomer':
      return f.tenureDays === 0
        ? 'New customer: first order today'
        : `Customer for only ${span(f.tenureDays, numbers)}`;
    case 'frequencyDrop':
      return `${oftenText(f.recentOrderDays, f.priorOrderDays, numbers)}: ${orderDaysText(f.recentOrderDays, f, numbers)} in the last ${n(
        windows.trendDays,
      )} days, ${n(f.priorOrderDays)} in the ${n(windows.trendDays)} before`;
    case 'valueDrop': {
      const period = periodName(windows.trendDays, numbers);
      // No order at all in the recent window (not orders worth 0, which are kept): said as such.
      if (f.recentOrderDays === 0 && f.priorOrderDays > 0)
        return `No order in the last ${period}; ${orderDaysText(f.priorOrderDays, f, numbers)} in the ${period} before`;
      // The window's spend, not the size of an order: fewer orders of the same size fall by as much.
      return `Spent ${numbers.percent(percentDown(f.recentValue, f.priorValue))} less in the last ${period} than in the ${period} before`;
    }
    case 'sourTickets':
      return `${plural(f.sourTickets, 'sour ticket', numbers)} in the last ${n(windows.ticketDays)} days`;
    case 'openTickets':
      return `${plural(f.openTickets, 'open ticket', numbers)} from the last ${n(windows.ticketDays)} days`;
  }
}

/**
 * A repeat customer who has missed at least one order at their own pace hears how many; anyone else
 * hears the chance of no order ahead, but only when that chance is even or worse: "9% chance of no
 * order" is no reason to call. A pace of their own takes two gaps, as "usually every N" does: one
 * gap is no rhythm, and a customer of two orders is judged by the book's time to a second order.
 */
export const MIN_NO_ORDER_PROBABILITY_STATED = 0.5;

function modelReason(
  f: Features,
  model: ModelReasonInput | null,
  numbers: NumberWords,
  chanceOnly = false,
): string | null {
  if (!model) return 'Unlikely to order soon, by the cadence model';
  const { figures, horizonDays } = model;
  if (!chanceOnly && f.cadenceIsOwn && figures.expectedOrdersByNow >= 0.95) {
    // Their average pace from first to last order (the model's rate), not the "usually every N"
    // of their recent gaps the page states beside it: a customer whose last orders came weekly after
    // slow months is expected fewer orders than their usual gap says.
    const noun = f.orderCount === f.orderDays ? 'orders' : 'order days';
    return `Expected ${numbers.decimal(figures.expectedOrdersByNow)} ${noun} by now at their average pace so far; placed 0`;
  }
  if (figures.noOrderProbability < MIN_NO_ORDER_PROBABILITY_STATED) return null;
  const percent = Math.min(99, Math.round(100 * figures.noOrderProbability));
  return `${numbers.percent(percent)} chance of no order in the next ${numbers.count(horizonDays)} days`;
}

/** "45 days", "5 months", "2 years": the length of a customer's history in words. */
export function span(tenureDays: number, numbers: NumberWords = PLAIN_NUMBERS): string {
  if (tenureDays < 60) return plural(Math.max(1, tenureDays), 'day', numbers);
  const months = Math.round(tenureDays / DAYS_PER_MONTH);
  if (months < 24) return plural(months, 'month', numbers);
  return plural(Math.round(tenureDays / 365.25), 'year', numbers);
}

/**
 * How far `recent` is down on `prior`, in whole percent. Something left is never "down 100%": one
 * order of 9,999,999 in the prior window beside orders of 10 since read as if nothing was ordered.
 */
export function percentDown(recent: number, prior: number): number {
  const percent = Math.round((1 - recent / prior) * 100);
  return recent > 0 ? Math.min(99, percent) : percent;
}

/** "Ordering half as often as before" reads better than "50% less often" for the common ratios. */
function oftenText(recent: number, prior: number, numbers: NumberWords): string {
  if (recent === 0) return 'Stopped ordering';
  const ratio = recent / prior;
  const named: [number, string][] = [
    [1 / 2, 'half'],
    [1 / 3, 'a third'],
    [1 / 4, 'a quarter'],
    [2 / 3, 'two thirds'],
    [3 / 4, 'three quarters'],
  ];
  for (const [value, words] of named) {
    if (Math.abs(ratio - value) < 0.005) return `Ordering ${words} as often as before`;
  }
  return `Ordering ${numbers.percent(percentDown(recent, prior))} less often`;
}

function periodName(trendDays: number, numbers: NumberWords): string {
  if (trendDays >= 89 && trendDays <= 92) return 'quarter';
  if (trendDays >= 28 && trendDays <= 31) return 'month';
  if (trendDays >= 365 && trendDays <= 366) return 'year';
  return `${numbers.count(trendDays)} days`;
}
