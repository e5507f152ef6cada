import { countsText } from '../../cards/buildWeeklyCard';
import type { WeeklyCardCustomer, WeeklyCardData } from '../../cards/cardModels';
import { countOf, formatMoney, weekOfRunKey } from '../../cards/format';
import { lossReasonChoices } from '../../cards/weeklyCardData';
import { dayOf } from '../../rules/book';
import { outlookText } from '../../rules/model/plainWords';
import { planText } from '../../rules/plans';
import { playFlags } from '../../rules/play';
import type { Rules } from '../../rules/rulesSchema';
import type { ScoredCustomer } from '../../rules/scoreBook';
import type { RepWeek } from './weeklyLists';

export interface CardLocale {
  /** ISO 4217; default USD. */
  currency?: string;
  /** BCP 47; default en-US. */
  locale?: string;
  /** The Teams app id: names link to the personal tab's customer page. */
  tabAppId?: string;
}

/** How the rep's list is cut into cards, and what the card is. */
export interface CardPageOptions extends CardLocale {
  /** `YYYY-MM-DD` the list is for: the play's days count from it. Without it they read "day 0". */
  date?: string;
  /** 1 = the week's list; each later page shows the next customers past it. */
  page?: number;
  kind?: 'weekly' | 'list';
  /** The chance of no order's horizon in days (ScoredBook.noOrderHorizonDays). */
  horizonDays?: number;
}

/** The row of one listed customer. */
function rowOf(c: ScoredCustomer, week: RepWeek, options: CardPageOptions): WeeklyCardCustomer {
  const startDay = options.date ? dayOf(options.date) : null;
  return {
    customerId: c.customerId,
    name: c.name.trim() || c.customerId,
    band: c.band,
    score: c.score,
    monthlyValue: c.monthlyValue,
    reasons: c.reasons,
    // Won back twice this year: no offer, whatever the plan table says.
    play: c.plan && c.play.kind !== 'no_offer' ? planText(c.plan, startDay, options.locale) : c.play.text,
    flags: playFlags(c.play),
    outcome: null,
    ...(c.segment ? { segment: c.segment } : {}),
    valueKind: c.valueKind,
    ...(options.horizonDays
      ? { noOrder: { probability: c.listChance, horizonDays: options.horizonDays } }
      : {}),
    valueAtRisk: c.valueAtRisk,
    change: week.changes.get(c.customerId) ?? null,
    ...outlookField(c, options.locale),
  };
}

/** When the next order was due at the customer's own pace; the chance itself is on the row's status line. */
function outlookField(c: ScoredCustomer, locale: string | undefined): { outlook?: string } {
  const outlook = outlookText({ ...c, noOrderProbability: null, tier: null }, locale);
  return outlook ? { outlook } : {};
}

/** How many pages the rep's list takes (at least one, even empty). */
export function pageCountOf(week: RepWeek): number {
  const size = Math.max(1, week.shown.length);
  return Math.max(1, 1 + Math.ceil(week.overflow.length / size));
}

/**
 * One card of a rep's list: page 1 is the week's list (the cap), each later page the next as many
 * from the rest of the ranking. Carries the honest counts by kind, "+N more" past the page, and on
 * page 1 who left the list by ordering again.
 */
export function repCardData(
  week: RepWeek,
  rules: Pick<Rules, 'lossReasons'>,
  runKey: string,
  options: CardPageOptions = {},
): WeeklyCardData {
  const size = Math.max(1, week.shown.length);
  const pageCount = pageCountOf(week);
  const page = Math.min(Math.max(1, options.page ?? 1), pageCount);
  const all = [...week.shown, ...week.overflow];
  const rows = all.slice((page - 1) * size, page * size);
  const after = all.slice(page * size);
  return {
    runKey,
    kind: options.kind ?? 'weekly',
    customers: rows.map((c) => rowOf(c, week, options)),
    ...(after.length > 0
      ? { overflow: { count: after.length, monthlyValue: after.reduce((sum, c) => sum + c.monthlyValue, 0) } }
      : {}),
    counts: { ...week.counts },
    page: { number: page, pageCount },
    ...(page === 1 && week.backOnTrack.length > 0
      ? { backOnTrack: week.backOnTrack.slice(0, 10).map((b) => ({ name: b.name, orderedOn: b.orderedOn })) }
      : {}),
    lossReasons: lossReasonChoices(rules.lossReasons),
    ...(options.currency ? { currency: options.currency } : {}),
    ...(options.locale ? { locale: options.locale } : {}),
    ...(options.tabAppId ? { tabAppId: options.tabAppId } : {}),
  };
}

/** The weekly card's data for one rep: page 1 of their list. */
export function weeklyCardDataFor(
  week: RepWeek,
  rules: Pick<Rules, 'lossReasons'>,
  runKey: string,
  options: CardPageOptions = {},
): WeeklyCardData {
  return repCardData(week, rules, runKey, { ...options, page: 1, kind: 'weekly' });
}

/** The notification preview Teams shows for the card, e.g. `Week 48: 6 customers slipping, $4,200/month`. */
export function weeklyNotificationText(data: WeeklyCardData): string {
  if (data.counts) {
    return `Week ${weekOfRunKey(data.runKey)}: ${countsText(data.counts, data.locale ?? 'en-US')}`;
  }
  const count = data.customers.length + (data.overflow?.count ?? 0);
  const value =
    data.customers.reduce((sum, c) => sum + c.monthlyValue, 0) + (data.overflow?.monthlyValue ?? 0);
  const locale = data.locale ?? 'en-US';
  const money = formatMoney(value, data.currency ?? 'USD', locale);
  const who = countOf(count, 'customer', 'customers', locale);
  return `Week ${weekOfRunKey(data.runKey)}: ${who} slipping, ${money}/month`;
}

/** Teams refuses bot messages over about 100 KB (413); the run keeps each card under 80 KB. */
export const MAX_CARD_BYTES = 80 * 1024;

/** The card's size on the wire, as UTF-8 JSON. */
export function cardBytes(card: object): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}
