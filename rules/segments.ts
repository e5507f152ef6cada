import { type Segment, segmentSchema } from './customerState';
import type { FeatureContext, Features } from './features';
import type { ModelChoice } from './model/bookModel';
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
 * What a rep's list holds, in README's words: told wherever the list is described (help, an empty
 * list), since "slipping" alone hides the new customers not back yet and the lapsed ones.
 */
export const LIST_HOLDS = `the customers worth a call, each ${SEGMENT_LABEL.slipping} (late against their own rhythm, or fading), ${SEGMENT_LABEL.not_back} (new, past the usual time to a second order) or ${SEGMENT_LABEL.lapsed} (gone well past their rhythm)`;

/** What a list holds in short, where there is no room for LIST_HOLDS (an empty list, the CLI's usage). */
export const WORTH_A_CALL = `worth a call (${SEGMENT_LABEL.slipping}, ${SEGMENT_LABEL.not_back} or ${SEGMENT_LABEL.lapsed})`;

/** An empty list in words (`right now` for `list`, `this week` for the weekly card). */
export function nobodyListed(when: 'right now' | 'this week'): string {
  return `Nobody on your list ${when}: no customer ${WORTH_A_CALL}.`;
}

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

/** What the lists read of the learned model's choice: its horizon and its validation day's active book. */
export interface ValidationShare {
  horizonDays: ModelChoice['horizonDays'];
  validation: Pick<NonNullable<ModelChoice['validation']>, 'customers' | 'churned'> | null;
}

/**
 * The share of the active book that placed no order in the horizon, as measured on the learned
 * model's validation day (customers with an order in learn.activeWithinDays before it): the usual
 * chance of no order of a customer who is buying. Null when there was no validation day, or it looked
 * at another horizon than the list's chances (`horizonDays`).
 */
export function usualNoOrderShare(choice: ValidationShare, horizonDays: number): number | null {
  const v = choice.validation;
  if (!v || v.customers === 0 || choice.horizonDays !== horizonDays) return null;
  return v.churned / v.customers;
}

/**
 * Per kind of name, the chance of no order from which a customer of it is at risk (on a list):
 * lists.minNoOrderProbability, and for a slipping customer also lists.slippingOverUsual times the
 * book's usual chance (usualNoOrderShare). An established customer past their gap is a save call only
 * if they are likelier to stop than a customer who is buying: on Online Retail (a retail-like book)
 * the late regulars mostly came back (as of 2011-06-11, 23% of those with an order in the last 90 days
 * stopped, against 44% of everyone with one), and filling six places a rep with them put the rows least
 * likely to stop on the card. On the wholesale books the usual share is 6.5-8% and this bar is below
 * minNoOrderProbability: it changes nothing there.
 */
export function atRiskChances(
  rules: Pick<Rules, 'lists' | 'model'>,
  choice: ValidationShare,
): Readonly<Record<Segment, number>> {
  const min = rules.lists.minNoOrderProbability;
  const usual = usualNoOrderShare(choice, rules.model.horizonDays);
  const slipping = usual === null ? min : Math.max(min, rules.lists.slippingOverUsual * usual);
  return { slipping, not_back: min, lapsed: min };
}
