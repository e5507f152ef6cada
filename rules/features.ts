import type { Book } from './book';
import type { ValueKind } from './customerState';
import { medianInPlace } from './orderStatistics';
import type { Rules } from './rulesSchema';

/** Average days per month, to turn a spend over N days into a monthly value. */
export const DAYS_PER_MONTH = 365.25 / 12;

/**
 * The longest span, first order day to last, of one visit: a customer whose order days all fall
 * within it placed one burst of orders (an order and a top-up the next day, a Friday-to-Monday run),
 * not a habit, and is valued like a one-order customer. Three days, not a week: gaps of two days or
 * less are 3-7% of the gaps between order days on Online Retail, CDNOW and a generated wholesale
 * book (none on the demo), while weekly regulars order six or seven days apart (two in five of the
 * demo's gaps): a week would take a weekly regular's first two orders for a burst.
 */
export const BURST_DAYS = 3;

/** True when an order on `day` belongs to the visit that began on `firstDay` (within BURST_DAYS). */
export function inVisitOf(firstDay: number, day: number): boolean {
  return day - firstDay <= BURST_DAYS;
}

/**
 * What the rules know about one customer as of a day. Only orders and tickets on or before that
 * day count, so any past date replays exactly. Fields other than the counts are meaningful only
 * when `orderCount > 0`.
 */
export interface Features {
  /** Orders on or before the as-of day. */
  orderCount: number;
  /** Distinct days with an order (same-day orders are one visit). */
  orderDays: number;
  firstOrderDay: number;
  lastOrderDay: number;
  daysSinceLastOrder: number;
  /** Days from the first order to the as-of day. */
  tenureDays: number;
  /** Typical gap between orders in days: the customer's own, or the book's when they have too few. */
  cadenceDays: number;
  cadenceIsOwn: boolean;
  /** daysSinceLastOrder / cadenceDays. */
  overdueRatio: number;
  /** Distinct order days in the recent trend window and in the window before it. */
  recentOrderDays: number;
  priorOrderDays: number;
  /** Spend in the recent trend window and in the window before it. */
  recentValue: number;
  priorValue: number;
  /** Negative tickets opened in the ticket window. */
  sourTickets: number;
  /** Tickets opened in the ticket window and still open. */
  openTickets: number;
  /**
   * Per month, in the feed's currency: given by the feed, or the spend over the customer's active
   * months (first order in the value window to the last, plus one usual gap), the window being the
   * `valueDays` up to today or, for a customer silent longer than one usual gap, up to their last
   * order plus that gap: a lapsed customer keeps the rate of their last active year. For a one-visit
   * customer (order days all within BURST_DAYS) it is the value of their next visit, what the one
   * they made came to (see valueKind), not a monthly figure.
   */
  monthlyValue: number;
  monthlyValueIsDerived: boolean;
  /** `monthly`, or `second_order` (one visit: the value of another) for a derived value of a one-visit customer. */
  valueKind: ValueKind;
}

/** Book-wide inputs that every customer's features need, computed once per as-of day. */
export interface FeatureContext {
  asOfDay: number;
  windows: Rules['windows'];
  /** The book's typical gap between orders: the median of the own cadences. */
  populationCadenceDays: number;
  /** The book's usual days from a first order to a second (median over customers with two order days). */
  secondOrderDays: number;
  /** Scratch space for gaps, reused across customers. */
  gaps: Float64Array;
}

/** An all-zero Features record to be filled by computeFeatures (reuse one per loop). */
export function emptyFeatures(): Features {
  return {
    orderCount: 0,
    orderDays: 0,
    firstOrderDay: 0,
    lastOrderDay: 0,
    daysSinceLastOrder: 0,
    tenureDays: 0,
    cadenceDays: 0,
    cadenceIsOwn: false,
    overdueRatio: 0,
    recentOrderDays: 0,
    priorOrderDays: 0,
    recentValue: 0,
    priorValue: 0,
    sourTickets: 0,
    openTickets: 0,
    monthlyValue: 0,
    monthlyValueIsDerived: false,
    valueKind: 'monthly',
  };
}

/**
 * Builds the context for one as-of day: measures the book's typical cadence, on every customer or
 * on the sample `only` (indices into book.customers; the book model's past days use its sample).
 */
export function featureContext(
  book: Book,
  rules: Rules,
  asOfDay: number,
  only?: ArrayLike<number>,
): FeatureContext {
  const gaps = new Float64Array(rules.windows.cadenceOrders);
  const count = only ? only.length : book.customers.length;
  const own = new Float64Array(count);
  const second = new Float64Array(count);
  let n = 0;
  let m = 0;
  for (let j = 0; j < count; j++) {
    const i = only ? only[j] : j;
    const start = book.orderStart[i];
    const end = ordersEnd(book, i, asOfDay);
    const cadence = ownCadence(book.orderDay, start, end, gaps);
    if (cadence > 0) own[n++] = cadence;
    for (let k = start + 1; k < end; k++) {
      if (book.orderDay[k] !== book.orderDay[start]) {
        second[m++] = book.orderDay[k] - book.orderDay[start];
        break;
      }
    }
  }
  const populationCadenceDays = n > 0 ? medianInPlace(own, n) : rules.windows.fallbackCadenceDays;
  const secondOrderDays = m > 0 ? medianInPlace(second, m) : populationCadenceDays;
  return { asOfDay, windows: rules.windows, populationCadenceDays, secondOrderDays, gaps };
}

/** Fills `out` with customer i's features as of ctx.asOfDay, without allocating; returns `out`. */
export function computeFeatures(book: Book, i: number, ctx: FeatureContext, out: Features): Features {
  const { asOfDay, windows } = ctx;
  const start = book.orderStart[i];
  const end = ordersEnd(book, i, asOfDay);
  const days = book.orderDay;
  const amounts = book.orderAmount;

  out.orderCount = end - start;
  const recentFrom = asOfDay - windows.trendDays; // recent window: (recentFrom, asOfDay]
  const priorFrom = recentFrom - windows.trendDays; // prior window: (priorFrom, recentFrom]
  const hasOrders = end > start;
  const lastOrderDay = hasOrders ? days[end - 1] : 0;
  const own = ownCadence(days, start, end, ctx.gaps);
  const cadenceDays = own > 0 ? own : ctx.populationCadenceDays;
  // A derived value is the rate of the customer's last active year: the value window ends at today,
  // or once the customer is silent past their last order plus one usual gap, there. Anchored at
  // today, each week of a lapsed customer's silence took an old order out of the window and their
  // value fell towards 0 without their ordering any less; a customer with an order in the last gap
  // is valued as before. The window always holds the last order: a usual gap as long as the window
  // itself (a rules file's valueDays of 90 and a quarterly buyer) left it empty and the value 0.
  const valueTo = hasOrders
    ? Math.min(asOfDay, lastOrderDay + Math.min(cadenceDays, windows.valueDays - 1))
    : asOfDay;
  const valueFrom = valueTo - windows.valueDays;
  let orderDays = 0;
  let recentOrderDays = 0;
  let priorOrderDays = 0;
  let recentValue = 0;
  let priorValue = 0;
  let valueSpend = 0;
  let firstValueDay = -1;
  for (let k = start; k < end; k++) {
    const day = days[k];
    const isNewDay = k === start || days[k - 1] !== day;
    if (isNewDay) orderDays++;
    if (day > recentFrom) {
      recentValue += amounts[k];
      if (isNewDay) recentOrderDays++;
    } else if (day > priorFrom) {
      priorValue += amounts[k];
      if (isNewDay) priorOrderDays++;
    }
    if (day > valueFrom) {
      valueSpend += amounts[k];
      if (firstValueDay < 0) firstValueDay = day;
    }
  }
  out.orderDays = orderDays;
  out.recentOrderDays = recentOrderDays;
  out.priorOrderDays = priorOrderDays;
  out.recentValue = recentValue;
  out.priorValue = priorValue;

  out.firstOrderDay = hasOrders ? days[start] : 0;
  out.lastOrderDay = lastOrderDay;
  out.daysSinceLastOrder = hasOrders ? asOfDay - out.lastOrderDay : 0;
  out.tenureDays = hasOrders ? asOfDay - out.firstOrderDay : 0;

  out.cadenceIsOwn = own > 0;
  out.cadenceDays = cadenceDays;
  out.overdueRatio = hasOrders ? out.daysSinceLastOrder / out.cadenceDays : 0;

  const given = book.customers[i].monthlyValue;
  out.monthlyValueIsDerived = given === null;
  out.valueKind = 'monthly';
  if (given !== null) {
    out.monthlyValue = given;
  } else if (!hasOrders || firstValueDay < 0) {
    out.monthlyValue = 0;
  } else if (inVisitOf(out.firstOrderDay, out.lastOrderDay)) {
    // One visit: one order day, or a burst of them within a few days (same-day orders are one visit
    // too). No monthly habit to speak of: what a call can win is another visit, worth about what
    // this one came to (a one-off £1,070 order is not £1,070 a month, and £5,391 spent on 1-2 Dec is
    // not £3,816 a month, what spreading it over the span plus one usual gap made of it).
    // All of it, though its first day may have fallen out of the value window (a visit of 1-2 Jan
    // seen on 31 Dec is worth its £5,000 and £50, not the £50 still inside).
    let visitSpend = 0;
    for (let k = start; k < end; k++) visitSpend += amounts[k];
    out.valueKind = 'second_order';
    out.monthlyValue = visitSpend;
  } else {
    // Spend over the months the customer was active: from their first order in the value window to
    // their last plus one usual gap (the time that last order covered), at least a month. Silence
    // after that does not dilute it, nor does it move the window: a lapsed customer's value is what
    // winning them back restores.
    const activeDays = out.lastOrderDay - firstValueDay + out.cadenceDays;
    const spanDays = Math.max(DAYS_PER_MONTH, Math.min(windows.valueDays, activeDays));
    out.monthlyValue = (valueSpend / spanDays) * DAYS_PER_MONTH;
  }

  let sour = 0;
  let open = 0;
  const ticketFrom = asOfDay - windows.ticketDays;
  for (let k = book.ticketStart[i]; k < book.ticketStart[i + 1]; k++) {
    const day = book.ticketDay[k];
    if (day > asOfDay) break;
    if (day <= ticketFrom) continue;
    if (book.ticketSentiment[k] < 0) sour++;
    if (book.ticketOpen[k] === 1) open++;
  }
  out.sourTickets = sour;
  out.openTickets = open;
  return out;
}

/** One past the index of customer i's last order on or before asOfDay (orders are sorted by day). */
export function ordersEnd(book: Book, i: number, asOfDay: number): number {
  let lo = book.orderStart[i];
  let hi = book.orderStart[i + 1];
  // Most replays are as of "today", where every order counts: skip the search.
  if (hi === lo || book.orderDay[hi - 1] <= asOfDay) return hi;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (book.orderDay[mid] <= asOfDay) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Median gap between the last `gaps.length + 1` distinct order days in [start, end), or 0 when
 * there are fewer than two gaps (one gap says too little about a habit).
 */
function ownCadence(days: Int32Array, start: number, end: number, gaps: Float64Array): number {
  let n = 0;
  let later = end - 1;
  for (let k = end - 2; k >= start && n < gaps.length; k--) {
    const gap = days[later] - days[k];
    if (gap === 0) continue; // same-day orders are one visit
    // Insertion sort into gaps[0..n): n is small (cadenceOrders).
    let j = n++;
    while (j > 0 && gaps[j - 1] > gap) {
      gaps[j] = gaps[j - 1];
      j--;
    }
    gaps[j] = gap;
    later = k;
  }
  return n >= 2 ? medianOfSorted(gaps, n) : 0;
}

function medianOfSorted(sorted: ArrayLike<number>, n: number): number {
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
