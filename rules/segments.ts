import { type Segment, segmentSchema } from './customerState';
import type { FeatureContext, Features } from './features';
import type { Rules } from './rulesSchema';

/**
 * The three kinds of name on a rep's list. Win-back practice draws the line: churn prevention acts
 * before a customer decides (`slipping`), win-back after (`lapsed`); a new customer who has not come
 * back (`not_back`) is a third case, with its own play.
 */
export type { Segment };

export const SEGMENTS: readonly Segment[] = segmentSchema.options;

/** Why a customer is no kind of name on a list. */
export type NotListed = 'no_orders' | 'too_new' | 'on_time';

/** A customer's kind, or why they are none, with the rhythm (days) they were judged against. */
export type SegmentResult =
  | { listable: true; segment: Segment; rhythmDays: number }
  | { listable: false; why: NotListed; rhythmDays: number };

/** The rules' keys of each kind (the rules file spells not_back `notBack`). */
export const SEGMENT_KEY: Readonly<Record<Segment, 'slipping' | 'notBack' | 'lapsed'>> = {
  slipping: 'slipping',
  not_back: 'notBack',
  lapsed: 'lapsed',
};

/** How a card and the CLI name each kind: `6 slipping · 2 not back yet · 31 lapsed`. */
export const SEGMENT_LABEL: Readonly<Record<Segment, string>> = {
  slipping: 'slipping',
  not_back: 'not back yet',
  lapsed: 'lapsed',
};

/**
 * The kind of name a customer is as of the features' day.
 * - No order yet: not listed (nothing to be late against).
 * - New (at most `lists.newCustomerOrders` order days): their rhythm is the book's usual time to a
 *   second order; within it they are too new to be late, past it `not_back`.
 * - Established: their rhythm is their own usual gap; within it they are on time, past it `slipping`.
 *   A fading customer (half the order days of the window before, or fewer) is slipping too once
 *   past half their gap.
 * - Either, gone `lists.lapsedGaps` rhythms and at least `lists.lapsedMinDays` days: `lapsed`.
 */
export function classifySegment(
  f: Features,
  ctx: Pick<FeatureContext, 'secondOrderDays'>,
  rules: Rules,
): SegmentResult {
  const { lists } = rules;
  const isNew = f.orderDays <= lists.newCustomerOrders;
  const rhythmDays = Math.max(1, isNew ? ctx.secondOrderDays : f.cadenceDays);
  if (f.orderCount === 0) return { listable: false, why: 'no_orders', rhythmDays };
  const since = f.daysSinceLastOrder;
  if (since > lists.lapsedGaps * rhythmDays && since >= lists.lapsedMinDays)
    return { listable: true, segment: 'lapsed', rhythmDays };
  if (isNew) {
    return since > rhythmDays
      ? { listable: true, segment: 'not_back', rhythmDays }
      : { listable: false, why: 'too_new', rhythmDays };
  }
  const fading = f.priorOrderDays >= 2 && f.recentOrderDays * 2 <= f.priorOrderDays;
  if (since > rhythmDays || (fading && since > rhythmDays / 2))
    return { listable: true, segment: 'slipping', rhythmDays };
  return { listable: false, why: 'on_time', rhythmDays };
}
