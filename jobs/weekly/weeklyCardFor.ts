import { buildWeeklyCard, countsText, weeklyRowBytes } from '../../cards/buildWeeklyCard';
import { MAX_CARD_CUSTOMERS, type WeeklyCardCustomer, type WeeklyCardData } from '../../cards/cardModels';
import { cardBytes, MAX_CARD_BYTES } from '../../cards/cardSize';
import { countOf, formatMoney, weekOfRunKey } from '../../cards/format';
import { type RepNames, repName } from '../../cards/repNames';
import { lossReasonChoices } from '../../cards/weeklyCardData';
import { dayOf } from '../../rules/book';
import type { ListChange } from '../../rules/listChanges';
import { outlookText } from '../../rules/model/plainWords';
import { planText } from '../../rules/plans';
import { playFlags } from '../../rules/play';
import type { Rules } from '../../rules/rulesSchema';
import type { ScoredCustomer } from '../../rules/scoreBook';
import { MONDAY_TO_FRIDAY, type WorksOn } from '../../rules/workingDays';
import type { RepWeek } from './weeklyLists';

export interface CardLocale {
  /** ISO 4217; default USD. */
  currency?: string;
  /** BCP 47; default en-US. */
  locale?: string;
  /** The Teams app id: names link to the personal tab's customer page. */
  tabAppId?: string;
  /** How a rep is named to another ("New on your list (moved from Ana Ruiz)"); none: by the feed's address. */
  repNames?: RepNames;
}

/** How the rep's list is cut into cards, and what the card is. */
export interface CardPageOptions extends CardLocale {
  /** `YYYY-MM-DD` the list is for: the play's days count from it. Without it they read "day 0". */
  date?: string;
  /**
   * The days the team works (jobs/schedule `teamWorksOn`): a play's day that falls on another moves
   * to the next one (playDays). Without it, Monday to Friday.
   */
  worksOn?: WorksOn;
  /** 1 = the week's list; each later page shows the next customers past it. */
  page?: number;
  /**
   * Where `page` starts in the ranking, as the "Show the next" button of the page before carries
   * it: the page goes on from the row after that card's last. Without it the pages are counted
   * from the top (`list 3`).
   */
  start?: number;
  /**
   * The customer the card whose "Show the next" was tapped ended with: the page goes on from the
   * row after theirs in the list as of now, wherever orders since moved it (`start` when they are
   * no longer on it).
   */
  after?: string;
  kind?: 'weekly' | 'list';
  /** The chance of no order's horizon in days (ScoredBook.noOrderHorizonDays). */
  horizonDays?: number;
}

/** The row of one listed customer. */
function rowOf(c: ScoredCustomer, week: RepWeek, options: CardPageOptions): WeeklyCardCustomer {
  const start = options.date
    ? { day: dayOf(options.date), worksOn: options.worksOn ?? MONDAY_TO_FRIDAY }
    : null;
  return {
    customerId: c.customerId,
    name: c.name.trim() || c.customerId,
    band: c.band,
    score: c.score,
    monthlyValue: c.monthlyValue,
    reasons: c.reasons,
    // Won back twice this year: no offer, whatever the plan table says.
    play: c.plan && c.play.kind !== 'no_offer' ? planText(c.plan, start, options.locale) : c.play.text,
    flags: playFlags(c.play),
    outcome: null,
    ...(c.segment ? { segment: c.segment } : {}),
    valueKind: c.valueKind,
    ...(options.horizonDays
      ? { noOrder: { probability: c.listChance, horizonDays: options.horizonDays } }
      : {}),
    valueAtRisk: c.valueAtRisk,
    change: changeNamed(week.changes.get(c.customerId) ?? null, options.repNames),
    ...outlookField(c, options.locale),
  };
}

/** A move from another rep says who they are by name, where the rep's install gave one. */
function changeNamed(change: ListChange | null, names: RepNames | undefined): ListChange | null {
  return change?.kind === 'new' && change.from !== undefined && names
    ? { ...change, from: repName(names, change.from) }
    : change;
}

/** When the next order was due at the customer's own pace; the chance itself is on the row's status line. */
function outlookField(c: ScoredCustomer, locale: string | undefined): { outlook?: string } {
  const outlook = outlookText({ ...c, noOrderProbability: null, tier: null }, locale);
  return outlook ? { outlook } : {};
}

/** One page of the rep's list: its rows are `[start, end)` of the ranking (the week's list, then the rest). */
export interface ListPage {
  start: number;
  end: number;
}

/**
 * Room a page keeps beyond its frame and rows as measured one by one: the header and footer name
 * how many rows there are, and the inputs' ids grow a digit past the tenth row.
 */
const PAGE_SLACK_BYTES = 1024;

/**
 * How the rep's list is cut into cards: in ranked order, page 1 at most the week's list (the cap),
 * each later page at most as many, and each page only as many rows as fit the size Teams takes
 * (MAX_CARD_BYTES), so long names and ids move rows to the next page rather than lose the card. A
 * page holds at least one row, so the pages always reach the end. `from` is where the first page
 * starts: the row after the last one of the card whose "Show the next" was tapped; `limit` stops
 * after that many pages (the rest of a long list is not measured).
 */
export function listPagesOf(
  week: RepWeek,
  rules: Pick<Rules, 'lossReasons'>,
  runKey: string,
  options: CardPageOptions = {},
  from = 0,
  limit = Number.POSITIVE_INFINITY,
): ListPage[] {
  const all = [...week.shown, ...week.overflow];
  const size = Math.max(1, week.shown.length);
  const frame = (customers: WeeklyCardCustomer[]): WeeklyCardData => ({
    ...cardFrame(week, rules, runKey, options, 1),
    customers,
    overflow: overflowOf(all),
    // The longest header and footer a page can have: "page N of N", "Show the next N".
    page: { number: Math.max(1, all.length), pageCount: Math.max(1, all.length), nextCount: size },
  });
  const empty = cardBytes(buildWeeklyCard(frame([])));
  // Rows are measured a card's worth at a time (the card data holds at most MAX_CARD_CUSTOMERS).
  const costs: number[] = [];
  const costOf = (k: number) => {
    while (costs.length <= k) {
      const next = all.slice(costs.length, costs.length + MAX_CARD_CUSTOMERS);
      costs.push(...weeklyRowBytes(frame(next.map((c) => rowOf(c, week, options)))));
    }
    return costs[k];
  };
  const budget = MAX_CARD_BYTES - empty - PAGE_SLACK_BYTES;
  // The "Show the next" button names the page's last customer (to go on from them): up to 400 characters.
  const buttonBytes = (k: number) => 2 * JSON.stringify(all[k].customerId).length;
  const pages: ListPage[] = [];
  let start = Math.min(Math.max(0, from), all.length);
  do {
    let end = start;
    let used = 0;
    while (end < all.length && end - start < size) {
      const cost = costOf(end);
      if (end > start && used + cost + buttonBytes(end) > budget) break;
      used += cost;
      end++;
    }
    pages.push({ start, end });
    start = end;
  } while (start < all.length && pages.length < limit);
  return pages;
}

/** "+N more": the customers past a page, and what they are worth a month. */
function overflowOf(rest: readonly ScoredCustomer[]): NonNullable<WeeklyCardData['overflow']> {
  return { count: rest.length, monthlyValue: rest.reduce((sum, c) => sum + c.monthlyValue, 0) };
}

/** What every page of the rep's list carries besides its rows. */
function cardFrame(
  week: RepWeek,
  rules: Pick<Rules, 'lossReasons'>,
  runKey: string,
  options: CardPageOptions,
  page: number,
): Omit<WeeklyCardData, 'customers'> {
  return {
    runKey,
    kind: options.kind ?? 'weekly',
    counts: { ...week.counts },
    ...(page === 1 && week.backOnTrack.length > 0
      ? { backOnTrack: week.backOnTrack.slice(0, 10).map((b) => ({ name: b.name, orderedOn: b.orderedOn })) }
      : {}),
    ...(page === 1 && week.feedUnchanged ? { feedUnchanged: { ...week.feedUnchanged } } : {}),
    lossReasons: lossReasonChoices(rules.lossReasons),
    ...(options.currency ? { currency: options.currency } : {}),
    ...(options.locale ? { locale: options.locale } : {}),
    ...(options.tabAppId ? { tabAppId: options.tabAppId } : {}),
  };
}

/**
 * One card of a rep's list: page 1 is the week's list (the cap, or as much of it as fits), each
 * later page the next rows of the ranking (listPagesOf), from where the page before ended when the
 * tap says so. Carries the honest counts by kind, "+N more" past the page with how many the next
 * page shows and where it starts, and on page 1 who left the list by ordering again.
 */
export function repCardData(
  week: RepWeek,
  rules: Pick<Rules, 'lossReasons'>,
  runKey: string,
  options: CardPageOptions = {},
): WeeklyCardData {
  const all = [...week.shown, ...week.overflow];
  const asked = Math.max(1, options.page ?? 1);
  // A start past the list as of now (it got shorter since the card) counts the pages from the top.
  const anchor = options.after === undefined ? -1 : all.findIndex((c) => c.customerId === options.after);
  const start = anchor >= 0 ? anchor + 1 : (options.start ?? 0);
  const carried = asked > 1 && start > 0 && start < all.length;
  const pages = listPagesOf(week, rules, runKey, options, carried ? start : 0);
  const before = carried ? asked - 1 : 0;
  const index = carried ? 0 : Math.min(asked, pages.length) - 1;
  const { start: first, end } = pages[index];
  const next = pages[index + 1];
  const number = before + index + 1;
  const after = all.slice(end);
  return {
    ...cardFrame(week, rules, runKey, options, number),
    customers: all.slice(first, end).map((c) => rowOf(c, week, options)),
    ...(after.length > 0 ? { overflow: overflowOf(after) } : {}),
    page: {
      number,
      pageCount: before + pages.length,
      ...(next ? { nextStart: next.start, nextCount: next.end - next.start } : {}),
    },
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
