import { formatCount, formatPercent } from '../../cards/format';
import { type Book, dayOf, isoOfDay } from '../../rules/book';
import { formatShortDate, localDate } from '../../rules/calendar';
import { lastOrderDayOf } from '../../rules/feedFreshness';
import type { AuditRow } from '../../storage/auditRow';
import type { HoldoutFigures } from './monthlySummarySchema';

/**
 * Did a customer come back on their own? The audit trail cannot say (a held-out customer has no rep
 * tapping buttons), so the outcome is read from the order feed, and the same measure is applied to
 * both arms: "placed an order after the date they were selected, up to the feed's date". Random
 * assignment within the same weeks gives both arms the same time to come back, so the two rates
 * are comparable; a button-tap "won back" would not be (only one arm has buttons).
 */
export interface ComebackOutcomes {
  /** The last date the feed covers (`YYYY-MM-DD`). */
  asOf: string;
  /**
   * The feed's newest order on or before `asOf` (null: none): past it, no order is no news (an
   * export that stopped looks like every customer not ordering).
   */
  newestOrderOn: string | null;
  /** True when the customer ordered after `since` (exclusive) and on or before `asOf` (and `until`, when given). */
  orderedAfter(customerId: string, since: string, until?: string): boolean;
  /**
   * Whether the feed holds the customer's orders: false for one not in it, or none of whose order
   * lines could be read (bad rows), of whom "no order" is not known.
   */
  knows(customerId: string): boolean;
}

/** Comeback outcomes read from a loaded book (orders per customer, sorted by day). */
export function outcomesFromBook(book: Book, asOf: string): ComebackOutcomes {
  const index = new Map(book.customers.map((c, i) => [c.id, i]));
  const feedEnd = dayOf(asOf);
  const newest = lastOrderDayOf(book, feedEnd);
  return {
    asOf,
    newestOrderOn: newest === null ? null : isoOfDay(newest),
    orderedAfter(customerId, since, until) {
      const i = index.get(customerId);
      if (i === undefined) return false;
      const after = dayOf(since);
      const last = until === undefined ? feedEnd : Math.min(feedEnd, dayOf(until));
      for (let k = book.orderStart[i + 1] - 1; k >= book.orderStart[i]; k--) {
        const day = book.orderDay[k];
        if (day <= after) return false; // sorted by day: nothing earlier can qualify
        if (day <= last) return true;
      }
      return false;
    },
    knows(customerId) {
      const i = index.get(customerId);
      if (i === undefined) return false;
      const unread = book.unreadOrders?.get(i);
      return unread === undefined || unread.undone;
    },
  };
}

/** Below this many held-out customers the difference is noise: the text says so. */
export const MIN_HELD_OUT_TO_COMPARE = 20;

/**
 * The holdout figures from the month's standing `surfaced` and `held_out` rows: each customer is in
 * the arm of their first row of the month (intention to treat). Null when nobody was held out. The
 * text writes its figures and the feed's day in `locale`, as the card's others.
 */
export function holdoutFigures(
  standingRows: readonly AuditRow[],
  timeZone: string,
  outcomes: ComebackOutcomes | null,
  locale: string,
): HoldoutFigures | null {
  const n = (count: number) => formatCount(count, locale);
  const pct = (rate: number | null) =>
    rate === null ? 'n/a' : formatPercent(Math.round(rate * 100), locale);
  const firstArm = new Map<string, { arm: 'held_out' | 'surfaced'; on: string }>();
  const crossed = new Set<string>();
  const sorted = standingRows
    .filter((r) => r.action === 'held_out' || r.action === 'surfaced')
    .sort((a, b) => a.at.localeCompare(b.at));
  for (const row of sorted) {
    const arm = row.action as 'held_out' | 'surfaced';
    const first = firstArm.get(row.customerId);
    if (!first) firstArm.set(row.customerId, { arm, on: localDate(row.at, timeZone) });
    else if (first.arm !== arm) crossed.add(row.customerId);
  }
  const arms = { held_out: [] as [string, string][], surfaced: [] as [string, string][] };
  for (const [customerId, { arm, on }] of firstArm) arms[arm].push([customerId, on]);
  if (arms.held_out.length === 0) return null;

  const heldOut = arms.held_out.length;
  const listed = arms.surfaced.length;
  if (!outcomes) {
    return {
      heldOut,
      listed,
      crossovers: crossed.size,
      comparison: null,
      text: `${n(heldOut)} held out at random this month; comparing them needs the order feed, which this summary was not given.`,
    };
  }
  const measure = (members: [string, string][]) => {
    const cameBack = members.filter(([id, on]) => outcomes.orderedAfter(id, on)).length;
    return {
      customers: members.length,
      cameBack,
      rate: members.length === 0 ? null : cameBack / members.length,
    };
  };
  const h = measure(arms.held_out);
  const l = measure(arms.surfaced);
  const liftPoints = h.rate === null || l.rate === null ? null : Math.round((l.rate - h.rate) * 1000) / 10;
  const caution = heldOut < MIN_HELD_OUT_TO_COMPARE ? ' Too few held out to tell yet.' : '';
  return {
    heldOut,
    listed,
    crossovers: crossed.size,
    comparison: { heldOut: h, listed: l, liftPoints, asOf: outcomes.asOf },
    text: `Ordered again by ${formatShortDate(outcomes.asOf, locale)}: ${pct(l.rate)} of listed customers (${n(l.cameBack)} of ${n(l.customers)}) vs ${pct(h.rate)} of those held out (${n(h.cameBack)} of ${n(h.customers)}).${caution}`,
  };
}
