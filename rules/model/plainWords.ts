/**
 * The book model's figures in words a rep reads at a glance: a chance as "3 in 4", a day as
 * "Tue 24 Nov".
 */
import { formatDateNear, formatShortDate, isoOfDay } from '../calendar';
import type { ModelChoice, NoOrderProbability } from './bookModel';
import type { Tier } from './tier';

/**
 * How words write their numbers. A card passes its LOCALE's (cards/format.ts numberWords), so a German
 * card's reasons read "9,6" and "40 %" beside "2.400 €" (the words stay English); PLAIN_NUMBERS, the
 * default, writes them as code does (`1234`, `9.6`, `40%`), for the CLI's CSV, reports and backtests.
 */
export interface NumberWords {
  /** A whole number: `1,204` in en-US, `1.204` in de-DE. */
  count(n: number): string;
  /** A figure to one decimal: `9.6`, `9,6`. */
  decimal(n: number): string;
  /** A whole percent, `n` in percent: `40%`, `40 %`. */
  percent(n: number): string;
}

export const PLAIN_NUMBERS: NumberWords = {
  count: (n) => String(n),
  decimal: (n) => n.toFixed(1),
  percent: (n) => `${n}%`,
};

/** A count and its noun, `1 day` or `3 days` (every noun the product counts takes an s). */
export function plural(n: number, noun: string, numbers: NumberWords = PLAIN_NUMBERS): string {
  return `${numbers.count(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * A count of days with an order, in words: "3 orders" while the customer never ordered twice on one
 * day (the two counts are then the same in every window), else "3 order days", as 34 invoices
 * placed on 2 days are not "2 orders".
 */
export function orderDaysText(
  days: number,
  f: { orderCount: number; orderDays: number },
  numbers: NumberWords = PLAIN_NUMBERS,
): string {
  return plural(days, f.orderCount === f.orderDays ? 'order' : 'order day', numbers);
}

/**
 * A customer whose orders all fell on one day, and how long ago: "Ordered once, 20 days ago", or
 * "3 orders on one day, 20 days ago" when they placed several that day, as the customer page counts
 * each order ("Orders 3") and lists each in its timeline.
 */
export function oneOrderDayText(
  f: { orderCount: number; daysSinceLastOrder: number },
  numbers: NumberWords = PLAIN_NUMBERS,
): string {
  const today = f.daysSinceLastOrder === 0;
  const ago = today ? 'today' : `${plural(f.daysSinceLastOrder, 'day', numbers)} ago`;
  if (f.orderCount === 1) return `Ordered once, ${ago}`;
  return today
    ? `${numbers.count(f.orderCount)} orders today`
    : `${numbers.count(f.orderCount)} orders on one day, ${ago}`;
}

/** The days since a repeat customer's last order: "No order in 12 days", or "Ordered today", not "No order in 0 days". */
export function noOrderInText(days: number, numbers: NumberWords = PLAIN_NUMBERS): string {
  return days === 0 ? 'Ordered today' : `No order in ${plural(days, 'day', numbers)}`;
}

/** Simple odds, tried in turn for the one nearest the probability. */
const ODDS: readonly [number, number][] = [
  [1, 10],
  [1, 5],
  [1, 4],
  [1, 3],
  [2, 5],
  [1, 2],
  [3, 5],
  [2, 3],
  [3, 4],
  [4, 5],
  [9, 10],
  [19, 20],
];

/** "3 in 4" for 0.74; the nearest of a few simple odds. */
export function oddsText(p: number): string {
  let best = ODDS[0];
  for (const o of ODDS) if (Math.abs(o[0] / o[1] - p) < Math.abs(best[0] / best[1] - p)) best = o;
  return `${best[0]} in ${best[1]}`;
}

/** The horizon a tier speaks of: the longest one the customer is more likely than not to stay silent for. */
const TIER_HORIZON: Readonly<Record<Tier, 30 | 60 | 90>> = {
  immediate: 90,
  moderate: 60,
  early_warning: 30,
};

/** "3 in 4 chance of no order in the next 90 days"; null without a tier (no honest headline to state). */
export function chanceText(p: NoOrderProbability | null, tier: Tier | null): string | null {
  if (!p || !tier) return null;
  const h = TIER_HORIZON[tier];
  return `${oddsText(p[`in${h}`])} chance of no order in the next ${h} days`;
}

/** "Tue 24 Nov" of a day number (days since 1970-01-01), in `locale`. */
export function shortDate(day: number, locale = 'en-US'): string {
  return formatShortDate(isoOfDay(day), locale);
}

/**
 * "expected by Tue 24 Nov" (or "was due Tue 24 Nov" once that day has passed); with the year when it
 * is not the as-of day's, so a lapsed customer's "was due Thu 7 Jan 2027" never reads as last week.
 */
export function expectedText(expectedDay: number | null, asOfDay: number, locale = 'en-US'): string | null {
  if (expectedDay === null) return null;
  const date = formatDateNear(isoOfDay(expectedDay), isoOfDay(asOfDay), locale);
  return expectedDay >= asOfDay ? `expected by ${date}` : `was due ${date}`;
}

/** What the outlook line needs of a scored customer. */
export interface OutlookInput {
  noOrderProbability: NoOrderProbability | null;
  tier: Tier | null;
  expectedNextOrderDay: number | null;
  lastOrderDay: number | null;
  daysSinceLastOrder: number | null;
}

/**
 * One line for a card or a listing: "3 in 4 chance of no order in the next 90 days; was due Tue 24
 * Nov"; null when there is nothing honest to say (no calibrated chance and no own pace).
 */
export function outlookText(c: OutlookInput, locale = 'en-US'): string | null {
  const asOfDay =
    c.lastOrderDay !== null && c.daysSinceLastOrder !== null ? c.lastOrderDay + c.daysSinceLastOrder : null;
  const parts = [
    chanceText(c.noOrderProbability, c.tier),
    asOfDay === null ? null : expectedText(c.expectedNextOrderDay, asOfDay, locale),
  ].filter((t): t is string => t !== null);
  if (parts.length === 0) return null;
  const line = parts.join('; ');
  return line.charAt(0).toUpperCase() + line.slice(1);
}

/** One sentence: what ranked the book (its own model or the rules, default or from the rules file) and why. */
export function rankingText(choice: ModelChoice): string {
  const by = choice.use === 'model' ? "Ranked by the book's own model" : 'Ranked by the rules';
  const v = choice.validation;
  // Said beside backtest's and tune's figures on every customer with an order: the same day's AUCs
  // differ by who is judged, so the sentence names its own population.
  const baseline = v
    ? ` (on the ${v.customers.toLocaleString('en-US')} customers who ordered in the ${v.activeWithinDays} days before it; days since the last order: AUC ${v.baselineAuc.toFixed(4)})`
    : '';
  return `${by}: ${choice.reason}${baseline}.`;
}
