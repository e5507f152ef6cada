import { type Book, dayOf, isoOfDay } from './book';
import type { CustomerState } from './customerState';
import {
  computeFeatures,
  emptyFeatures,
  type FeatureContext,
  featureContext,
  inVisitOf,
  ordersEnd,
} from './features';
import type { Rules } from './rulesSchema';

/**
 * The daily follow-ups, pure: which of the reps' customers have a step due, from the stored states
 * and the book as of a day (orders after it are ignored, so any day replays). Dates are `YYYY-MM-DD`
 * in the team's zone; days are the book's day numbers.
 */

/** Why a customer needs a follow-up (the digest card's row reason). */
export type FollowUpReason =
  | { kind: 'no_order'; contactOn: string; days: number }
  | { kind: 'ordered'; contactOn: string; orderOn: string; amount: number }
  | { kind: 'silent'; contactOn: string; days: number }
  /** Marked lost, then ordered: the loss stands until the rep undoes it, and then the save can be recorded. */
  | { kind: 'lost_ordered'; lostOn: string; orderOn: string; amount: number }
  | {
      kind: 'save_slipping';
      wonBackOn: string;
      daysSinceOrder: number;
      cadenceDays: number;
      /**
       * False when the customer has too few orders for a rhythm of their own and `cadenceDays` is the
       * book's usual gap: "usually every 7" would be said of a customer who ordered twice, 72 days apart.
       * Cards stored before it have none (their rhythm was taken as the customer's).
       */
      ownRhythm?: boolean;
    };

/** One customer's follow-up due today. */
export interface FollowUp {
  state: CustomerState;
  reason: FollowUpReason;
  /** The day the step fell due (after a snooze: the day the snooze ended). */
  dueOn: string;
  /** Silent past followUps.autoLoseAfterDays: marked lost without a tap (a system row Undo reverses). */
  autoLose: boolean;
}

/** The digest's window: steps due after `after` up to `today`. */
export interface FollowUpWindow {
  today: string;
  /**
   * The day of the last run that completed (not the previous working day: a step's due day is fixed,
   * so a day without a run would lose the steps that fell due on it): what fell due since is shown today.
   */
  after: string;
}

/** Reads a book's orders as of a day, by customer id. */
export interface OrderLookup {
  /** Index of the customer in the book, or -1. */
  indexOf(customerId: string): number;
  book: Book;
  asOfDay: number;
  /** Features context of the as-of day (the book's cadence), built on first use. */
  context(): FeatureContext;
}

/** An OrderLookup over a book as of a day (one id index for the whole run). */
export function orderLookup(book: Book, rules: Rules, asOfDay: number): OrderLookup {
  const index = new Map<string, number>();
  book.customers.forEach((c, i) => {
    index.set(c.id, i);
  });
  let ctx: FeatureContext | null = null;
  return {
    indexOf: (id) => index.get(id) ?? -1,
    book,
    asOfDay,
    context: () => {
      ctx ??= featureContext(book, rules, asOfDay);
      return ctx;
    },
  };
}

/** The first order day after `afterDay` (on or before the as-of day) and what was ordered that day; null when none. */
export function firstOrderAfter(
  lookup: OrderLookup,
  i: number,
  afterDay: number,
): { day: number; amount: number } | null {
  const { book } = lookup;
  const end = ordersEnd(book, i, lookup.asOfDay);
  for (let k = book.orderStart[i]; k < end; k++) {
    if (book.orderDay[k] <= afterDay) continue;
    const day = book.orderDay[k];
    let amount = 0;
    for (let j = k; j < end && book.orderDay[j] === day; j++) amount += book.orderAmount[j];
    return { day, amount };
  }
  return null;
}

/** Total ordered after `afterDay` up to `toDay` (inclusive). */
export function orderedBetween(lookup: OrderLookup, i: number, afterDay: number, toDay: number): number {
  const { book } = lookup;
  const end = ordersEnd(book, i, toDay);
  let total = 0;
  for (let k = book.orderStart[i]; k < end; k++)
    if (book.orderDay[k] > afterDay) total += book.orderAmount[k];
  return total;
}

/**
 * Late against their own rhythm as of `asOfDay`: the days since the last order reach
 * `lateFactor` times their cadence (the book's usual gap for a customer with too few orders for one,
 * `ownRhythm` false). Returns the day they became late, or null when they are not.
 */
export function lateSince(
  lookup: OrderLookup,
  i: number,
  asOfDay: number,
  lateFactor: number,
): { since: number; daysSinceOrder: number; cadenceDays: number; ownRhythm: boolean } | null {
  const ctx = lookup.context();
  const f = computeFeatures(lookup.book, i, { ...ctx, asOfDay }, emptyFeatures());
  if (f.orderCount === 0) return null;
  const since = f.lastOrderDay + Math.ceil(lateFactor * f.cadenceDays);
  if (asOfDay < since) return null;
  return {
    since,
    daysSinceOrder: f.daysSinceLastOrder,
    cadenceDays: f.cadenceDays,
    ownRhythm: f.cadenceIsOwn,
  };
}

/** What is due for one customer today, or null (snoozed, lost with no order since, nothing due in the window). */
export function followUpFor(
  state: CustomerState,
  lookup: OrderLookup,
  rules: Pick<Rules, 'followUps' | 'coolDownDays'>,
  window: FollowUpWindow,
): FollowUp | null {
  const today = dayOf(window.today);
  const snoozedTo = state.snoozedUntil === null ? null : dayOf(state.snoozedUntil);
  const i = lookup.indexOf(state.customerId);
  if (i < 0) return null;
  const found = dueStep(state, i, lookup, rules, today);
  if (!found) return null;
  // A step that fell due while snoozed comes back the day the snooze ends. A snooze holds back the row
  // it was tapped on (a reminder, or a save to record later): an order placed since the tap is news,
  // told the morning after as without a snooze. The tap's day is kept on the row; a row from before
  // it was kept has its snooze end snoozeDays after the tap.
  const snoozedOn =
    snoozedTo === null
      ? null
      : state.snoozedAt === null
        ? snoozedTo - rules.followUps.snoozeDays
        : dayOf(state.snoozedAt);
  const orderSinceSnooze =
    snoozedOn !== null && 'orderOn' in found.reason && dayOf(found.reason.orderOn) >= snoozedOn;
  const due = snoozedTo !== null && !orderSinceSnooze ? Math.max(found.due, snoozedTo) : found.due;
  if (due <= dayOf(window.after) || due > today) return null;
  return { state, reason: found.reason, dueOn: isoOfDay(due), autoLose: found.autoLose };
}

function dueStep(
  state: CustomerState,
  i: number,
  lookup: OrderLookup,
  rules: Pick<Rules, 'followUps' | 'coolDownDays'>,
  today: number,
): { reason: FollowUpReason; due: number; autoLose: boolean } | null {
  const f = rules.followUps;
  if (state.status === 'lost') {
    // A lost customer is off every list: an order after the loss is said once, or the rep never hears of it.
    if (state.lostAt === null) return null;
    const order = firstOrderAfter(lookup, i, dayOf(state.lostAt));
    if (!order) return null;
    const reason = {
      kind: 'lost_ordered',
      lostOn: state.lostAt,
      orderOn: isoOfDay(order.day),
      amount: order.amount,
    } as const;
    return { reason, due: order.day + 1, autoLose: false };
  }
  if (state.lastContact !== null) {
    const contact = dayOf(state.lastContact);
    const contactOn = state.lastContact;
    const order = firstOrderAfter(lookup, i, contact);
    if (order) {
      const reason = {
        kind: 'ordered',
        contactOn,
        orderOn: isoOfDay(order.day),
        amount: order.amount,
      } as const;
      return { reason, due: order.day + 1, autoLose: false };
    }
    const days = today - contact;
    if (f.autoLoseAfterDays !== null && days >= f.autoLoseAfterDays) {
      return {
        reason: { kind: 'silent', contactOn, days },
        due: contact + f.autoLoseAfterDays,
        autoLose: true,
      };
    }
    if (days >= f.silentAfterDays) {
      return {
        reason: { kind: 'silent', contactOn, days },
        due: contact + f.silentAfterDays,
        autoLose: false,
      };
    }
    const step = Math.max(...f.noOrderSteps.filter((s) => s <= days), -1);
    if (step < 0) return null;
    return { reason: { kind: 'no_order', contactOn, days }, due: contact + step, autoLose: false };
  }
  if (state.wonBackAt !== null) {
    const wonBack = dayOf(state.wonBackAt);
    if (today >= wonBack + rules.coolDownDays) return null;
    const late = lateSince(lookup, i, today, f.lateFactor);
    if (!late) return null;
    // A save recorded before the customer ordered (a promise on the call) that never ordered since is
    // late the same multiple of its rhythm after the save: not at once, and not never.
    const due = late.since > wonBack ? late.since : wonBack + Math.ceil(f.lateFactor * late.cadenceDays);
    if (today < due) return null;
    const reason = {
      kind: 'save_slipping',
      wonBackOn: state.wonBackAt,
      daysSinceOrder: late.daysSinceOrder,
      cadenceDays: late.cadenceDays,
      ownRhythm: late.ownRhythm,
    } as const;
    return { reason, due, autoLose: false };
  }
  return null;
}

/** Every follow-up due today, in the states' order. */
export function dueFollowUps(
  states: Iterable<CustomerState>,
  lookup: OrderLookup,
  rules: Pick<Rules, 'followUps' | 'coolDownDays'>,
  window: FollowUpWindow,
): FollowUp[] {
  const out: FollowUp[] = [];
  for (const s of states) {
    const f = followUpFor(s, lookup, rules, window);
    if (f) out.push(f);
  }
  return out;
}

/** Days in "won back twice this year". */
export const REPEAT_SAVE_DAYS = 365;

/** True when the customer was won back twice within a year up to `today`: no more offers. */
export function wonBackTwice(
  state: Pick<CustomerState, 'wonBackAt' | 'previousWonBackAt'>,
  today: string,
): boolean {
  if (state.wonBackAt === null || state.previousWonBackAt === null) return false;
  return dayOf(today) - dayOf(state.previousWonBackAt) < REPEAT_SAVE_DAYS;
}

/** The flag the cards show on a customer won back twice within a year. */
export const WON_BACK_TWICE_FLAG = 'Won back twice this year: no discount';

/** Whether a save was holding at one check: ordering again, at their rhythm, `days` after it. */
export interface HeldCheck {
  days: number;
  held: boolean;
}

/** How one save is holding up, as of a day. */
export interface SaveHolding {
  customerId: string;
  name: string;
  owner: string;
  wonBackOn: string;
  /** The monthly value the rep recorded with the save. */
  recordedValue: number;
  /** The checks (followUps.heldCheckDays) that have come by the as-of day. */
  checks: HeldCheck[];
  /** What the customer actually ordered after the save, up to the as-of day. */
  orderedSince: number;
  /**
   * The customer's first order after their first visit when it came on or before the save's day,
   * else 0: what the save of a one-visit customer who had ordered again by the tap records (counted
   * only for such a save).
   */
  nextVisitOrderBySave: number;
}

/**
 * The amount of customer i's first order after their first visit (inVisitOf, as features value it)
 * when it came by `day`, else 0: an order of the visit itself, a second invoice that day or the
 * next, is not the customer ordering again.
 */
function nextVisitOrderBy(book: Book, i: number, day: number): number {
  const start = book.orderStart[i];
  const end = ordersEnd(book, i, day);
  for (let k = start + 1; k < end; k++) {
    if (!inVisitOf(book.orderDay[start], book.orderDay[k])) return book.orderAmount[k];
  }
  return 0;
}

/**
 * Saves that hold: for each won-back customer (marked lost since or not), at each check day that
 * has come, were they ordering again (an order after the save) and not late against their rhythm on
 * that day; and the value ordered since the save.
 */
export function savesHolding(
  states: Iterable<CustomerState>,
  lookup: OrderLookup,
  rules: Pick<Rules, 'followUps'>,
): SaveHolding[] {
  const out: SaveHolding[] = [];
  const { heldCheckDays, lateFactor } = rules.followUps;
  for (const s of states) {
    if (s.wonBackAt === null) continue;
    const i = lookup.indexOf(s.customerId);
    if (i < 0) continue;
    const saved = dayOf(s.wonBackAt);
    const checks = [...heldCheckDays]
      .sort((a, b) => a - b)
      .filter((d) => saved + d <= lookup.asOfDay)
      .map((d) => {
        const on = saved + d;
        const ordered = firstOrderAfter({ ...lookup, asOfDay: on }, i, saved) !== null;
        return { days: d, held: ordered && lateSince(lookup, i, on, lateFactor) === null };
      });
    out.push({
      customerId: s.customerId,
      name: s.name,
      owner: s.owner,
      wonBackOn: s.wonBackAt,
      recordedValue: s.recoveredValue ?? 0,
      checks,
      orderedSince: orderedBetween(lookup, i, saved, lookup.asOfDay),
      nextVisitOrderBySave: nextVisitOrderBy(lookup.book, i, saved),
    });
  }
  return out;
}
