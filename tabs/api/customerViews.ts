import { type DateWording, dayWords, plainActionName } from '../../bot/taps/actionWords';
import { latestOpenAction, undoneIds } from '../../bot/taps/auditHistory';
import { lossReasonLabel, wonBackThisCycle } from '../../bot/taps/staleReason';
import {
  chancePercent,
  formatExactMoney,
  formatOrderAmount,
  plainText,
  wonBackValueWords,
} from '../../cards/format';
import { addressKey } from '../../rules/addresses';
import { type Book, dayOf, isoOfDay, SENTIMENT } from '../../rules/book';
import { formatTimeOfDay, localDate, mondayOf } from '../../rules/calendar';
import type { CustomerState } from '../../rules/customerState';
import { firstOrderDayOf } from '../../rules/feedFreshness';
import { silentPastValueWindow } from '../../rules/gates';
import type { ListedWeek } from '../../rules/listedWeeks';
import type { ScoredBook, ScoredCustomer } from '../../rules/scoreBook';
import { type ActionSource, type AuditRow, valueKindOf } from '../../storage/auditRow';
import { customerKind } from './customerKinds';
import { byScore } from './customerList';
import { firstListedDay, listingStory } from './listingStory';
import type { CustomerFacts, CustomerRow, TimelineEntry, WeekPoint } from './tabTypes';

/**
 * The personal tab's views, pure: the rows of "My customers" and one customer's page, from the
 * stored states, the book (orders, tickets), the scorings and the audit trail.
 */

/**
 * A customer's row: the stored state (what the card and the taps know), and from today's scoring the
 * figures the card states (score and band, value, what kind of value, value at risk: the scoring's own,
 * value × chance of no order), days since the last order and the reasons, which count those days too (Monday's
 * "No order in 34 days" beside Thursday's 37 days silent would contradict it). A customer no longer
 * in the feed has no chance: 0 at risk, and the weekly run's reasons.
 */
export function customerRow(
  state: CustomerState,
  scored: ScoredCustomer | undefined,
  inFeed = scored !== undefined,
): CustomerRow {
  const daysSinceLastOrder = scored?.daysSinceLastOrder ?? null;
  const monthlyValue = scored?.monthlyValue ?? state.monthlyValue;
  return {
    customerId: state.customerId,
    // As on the cards: bidi overrides and zero-width characters cannot disguise a name (React escapes the rest).
    name: plainText(state.name),
    owner: state.owner,
    // A customer gone from the feed keeps their row and history, but not last week's kind: "Slipping"
    // on a deleted or merged account would send the rep after a customer the book no longer has.
    kind: inFeed
      ? customerKind(
          state,
          daysSinceLastOrder,
          scored?.lastOrderDay != null ? isoOfDay(scored.lastOrderDay) : null,
          scored?.unreadOrders != null ? 'not_read' : scored?.refundedOrders != null ? 'refunded' : null,
        )
      : 'not_in_feed',
    // Today's scoring, as beside it the chance, the card and `score` state it: the stored score is
    // the last weekly run's, and a save resets it to 0 while the orders still say what they said.
    // A customer the feed no longer scores keeps the stored one, unless a save reset it: no figure then.
    band: scored?.band ?? state.band,
    score: scored
      ? Math.round(scored.score)
      : wonBackThisCycle(state) && state.score === 0
        ? null
        : Math.round(state.score),
    monthlyValue,
    // The kind of the value beside it: the stored one's for a customer gone from the feed.
    valueKind: scored?.valueKind ?? state.valueKind,
    valueAtRisk: Math.round(scored?.valueAtRisk ?? 0),
    // No chance for a customer with no order yet: "0% chance of no order" would promise one.
    noOrderChance: scored?.lastOrderDay != null ? statedChance(scored.listChance) : null,
    daysSinceLastOrder,
    reasons: scored?.reasons ?? state.reasons,
    status: state.status,
    lastContact: state.lastContact,
    wonBackAt: state.wonBackAt,
    lostAt: state.lostAt,
    lostReason: state.lostReason,
  };
}

/**
 * A chance as the weekly card states it (chancePercent: 1% to 99%), 0-1: a steady customer's 0.3%
 * shown as "0%" would promise an order, a lapsed one's 99.96% as "100%" a lost cause.
 */
function statedChance(probability: number): number {
  return chancePercent(probability) / 100;
}

/** The rows for one owner (null = everyone), riskiest first. */
export function customerRows(
  states: Iterable<CustomerState>,
  scored: ScoredBook | null,
  owners: readonly string[] | null,
): CustomerRow[] {
  const byId = scoredById(scored);
  const rows: CustomerRow[] = [];
  for (const s of states) {
    if (owners !== null && !owners.includes(addressKey(s.owner))) continue;
    const c = byId.get(s.customerId);
    rows.push(customerRow(s, c, scored === null || c !== undefined));
  }
  return rows.sort((a, b) => b.valueAtRisk - a.valueAtRisk || byScore(a, b) || a.name.localeCompare(b.name));
}

/** Today's scored customers by id. */
export function scoredById(scored: ScoredBook | null): ReadonlyMap<string, ScoredCustomer> {
  return new Map(scored?.customers.map((c) => [c.customerId, c]) ?? []);
}

/** Index of a customer in the book, or -1. */
export function bookIndex(book: Book, customerId: string): number {
  return book.customers.findIndex((c) => c.id === customerId);
}

/**
 * Orders, spend, first and last order, and when the next was due at the customer's own pace (as the
 * card says it), from today's scoring; open tickets from the book; and, for a customer with no order
 * in the last `valueDays`, those days: the gates keep such a customer off every list.
 */
export function customerFacts(
  book: Book,
  c: ScoredCustomer,
  asOfDay: number,
  valueDays: number,
): CustomerFacts {
  const gap =
    c.expectedNextOrderDay !== null && c.lastOrderDay !== null
      ? c.expectedNextOrderDay - c.lastOrderDay
      : null;
  return {
    orders: c.orders,
    spend: Math.round(c.spend * 100) / 100,
    firstOrder: c.firstOrderDay === null ? null : isoOfDay(c.firstOrderDay),
    lastOrder: c.lastOrderDay === null ? null : isoOfDay(c.lastOrderDay),
    expectedNextOrder: c.expectedNextOrderDay === null ? null : isoOfDay(c.expectedNextOrderDay),
    typicalGapDays: gap,
    openTickets: countOpenTickets(book, c.index, asOfDay),
    noOrderInValueDays: silentPastValueWindow(c.daysSinceLastOrder, valueDays) ? valueDays : null,
  };
}

function countOpenTickets(book: Book, i: number, asOfDay: number): number {
  let n = 0;
  for (let k = book.ticketStart[i]; k < book.ticketStart[i + 1]; k++)
    if (book.ticketDay[k] <= asOfDay && book.ticketOpen[k] === 1) n++;
  return n;
}

/**
 * Orders and spend per calendar month, the last `months` months up to `today` (empty months
 * included), from the month of the feed's first order: before it the export says nothing, and
 * an empty month there would read as a customer who did not order.
 */
export function ordersByMonth(
  book: Book,
  i: number,
  today: string,
  months = 12,
): { month: string; orders: number; amount: number }[] {
  const [y, m] = today.split('-').map(Number);
  const first = firstOrderDayOf(book);
  const firstMonth = first === null ? today.slice(0, 7) : isoOfDay(first).slice(0, 7);
  const keys = Array.from({ length: months }, (_, k) => {
    const d = new Date(Date.UTC(y, m - 1 - (months - 1 - k), 1));
    return d.toISOString().slice(0, 7);
  }).filter((key) => key >= firstMonth);
  const byMonth = new Map(keys.map((k) => [k, { month: k, orders: 0, amount: 0 }]));
  const last = dayOf(today);
  for (let k = book.orderStart[i]; k < book.orderStart[i + 1]; k++) {
    if (book.orderDay[k] > last) continue;
    const bucket = byMonth.get(isoOfDay(book.orderDay[k]).slice(0, 7));
    if (!bucket) continue;
    bucket.orders++;
    bucket.amount = Math.round((bucket.amount + book.orderAmount[k]) * 100) / 100;
  }
  return [...byMonth.values()];
}

/** The Mondays scored for the week-by-week chart: `weeks` of them, ending with the week of `today`. */
export function scoredWeeks(today: string, weeks: number): string[] {
  const monday = dayOf(mondayOf(today));
  return Array.from({ length: weeks }, (_, k) => isoOfDay(monday - 7 * (weeks - 1 - k)));
}

/**
 * What the week-by-week chart draws of the book scored as of one Monday, for every customer by book
 * index: the chance of no order the card and the list state (listChance, in the scoring's horizon),
 * as the card words it, a whole percent (NO_CHANCE before their first order: there was nothing to
 * score). A byte a customer, where a whole scoring kept for each of a customer page's twelve weeks
 * held about 50 MB per 100,000 customers.
 */
export interface ChartWeek {
  /** The Monday scored, `YYYY-MM-DD`. */
  week: string;
  horizonDays: number;
  chancePercents: Uint8Array;
}

/** A chart week's chance of a customer with no order by that Monday: the card states 1% to 99%. */
const NO_CHANCE = 0;

/**
 * The chart's figures of one scoring, from every customer's score (NaN: no order yet) and listChance
 * by book index (scoreBook's `scores` and `listChances`).
 */
export function chartWeek(
  scored: { asOf: string; noOrderHorizonDays: number },
  scores: Float64Array,
  listChances: Float64Array,
): ChartWeek {
  const week: ChartWeek = {
    week: scored.asOf,
    horizonDays: scored.noOrderHorizonDays,
    chancePercents: new Uint8Array(scores.length),
  };
  for (let i = 0; i < scores.length; i++) {
    week.chancePercents[i] = Number.isNaN(scores[i]) ? NO_CHANCE : chancePercent(listChances[i]);
  }
  return week;
}

/** The chart's figures of a whole scoring (every customer's record, by book index). */
export function chartWeekOf(scored: ScoredBook): ChartWeek {
  const scores = new Float64Array(scored.customers.length);
  const listChances = new Float64Array(scored.customers.length);
  for (const c of scored.customers) {
    scores[c.index] = c.lastOrderDay === null ? Number.NaN : c.score;
    listChances[c.index] = c.listChance;
  }
  return chartWeek(scored, scores, listChances);
}

/**
 * One customer's chance of no order on each scored week: this week's point is the card's figure and
 * the earlier ones are what the card would have said then.
 */
export function weekPoints(i: number, weeks: readonly ChartWeek[]): WeekPoint[] {
  return weeks.map((w) => {
    // Before their first order they were no customer yet: a gap, not "0% chance of no order".
    const chance = w.chancePercents[i];
    return {
      week: w.week,
      noOrderProbability: chance === NO_CHANCE ? null : chance / 100,
      horizonDays: w.horizonDays,
    };
  });
}

const SENTIMENT_WORDS: Record<number, string> = {
  [SENTIMENT.negative]: 'negative',
  [SENTIMENT.neutral]: 'neutral',
  [SENTIMENT.positive]: 'positive',
  [SENTIMENT.none]: 'no rating',
};

/**
 * Orders, tickets and the audit trail's actions (with notes and follow-ups) as one list, newest first.
 * `i` is the customer's index in the book, or -1 for one the feed no longer holds: their actions still
 * tell what reps did.
 */
export function timeline(
  book: Book,
  i: number,
  audit: readonly AuditRow[],
  options: {
    today: string;
    timeZone: string;
    lossReasons: readonly { code: string; label: string }[];
    currency: string;
    locale: string;
    /** The state's surfacedAt: where no listed weeks were kept (before they were), it stands in for them. */
    surfacedAt?: string | null;
    /** The weeks the weekly runs recorded the customer on a list or held out (listingStory). */
    listedWeeks?: readonly ListedWeek[];
    /** The rep's name as the tabs call them, from their address. */
    repName?: (owner: string) => string;
    /** The state's listedAt: on a list as of the last run, or a slip paused off it (listingStory tells which). */
    listedAt?: string | null;
    /** The weekly runs that finished since the first listed week (listingStory). */
    weeklyRuns?: readonly string[];
  },
): TimelineEntry[] {
  const last = dayOf(options.today);
  // One order or one save, to the cent as the feed and the rep wrote it (22,20 €, not 22 €), to be
  // checked against the order system and the card; the page's figures above are whole units. An
  // order is written as the export writes it, a whole one too (329,00 €); a save as it was typed.
  const money = (n: number) => formatExactMoney(n, options.currency, options.locale);
  const orderAmount = (n: number) => formatOrderAmount(n, options.currency, options.locale);
  const entries: TimelineEntry[] = [];
  const inBook = i >= 0;
  for (let k = inBook ? book.orderStart[i] : 0; inBook && k < book.orderStart[i + 1]; k++) {
    if (book.orderDay[k] > last) continue;
    entries.push({
      id: `order-${k}`,
      at: isoOfDay(book.orderDay[k]),
      day: isoOfDay(book.orderDay[k]),
      kind: 'order',
      time: null,
      title: 'Order',
      detail: orderAmount(book.orderAmount[k]),
    });
  }
  for (let k = inBook ? book.ticketStart[i] : 0; inBook && k < book.ticketStart[i + 1]; k++) {
    if (book.ticketDay[k] > last) continue;
    const open = book.ticketOpen[k] === 1 ? 'open' : 'closed';
    entries.push({
      id: `ticket-${k}`,
      at: isoOfDay(book.ticketDay[k]),
      day: isoOfDay(book.ticketDay[k]),
      kind: 'ticket',
      time: null,
      title: 'Support ticket',
      detail: `${SENTIMENT_WORDS[book.ticketSentiment[k]] ?? 'unknown'}, ${open}`,
    });
  }
  const listedWeeks = options.listedWeeks ?? [];
  const orderDays: string[] = [];
  for (let k = inBook ? book.orderStart[i] : 0; inBook && k < book.orderStart[i + 1]; k++)
    if (book.orderDay[k] <= last) orderDays.push(isoOfDay(book.orderDay[k]));
  entries.push(
    ...listingStory(listedWeeks, audit, {
      today: options.today,
      timeZone: options.timeZone,
      locale: options.locale,
      repName: options.repName ?? ((owner) => owner),
      orderDays,
      undone: undoneIds(audit),
      stillListed: (options.listedAt ?? null) !== null,
      weeklyRuns: options.weeklyRuns,
    }),
  );
  // Listings from before the weeks were kept: what the state and the actions' snapshots remember.
  const keptFrom = firstListedDay(listedWeeks);
  for (const day of listedDays(audit, options.surfacedAt ?? null, options.timeZone)) {
    if (keptFrom !== null && day >= keptFrom) continue;
    entries.push({
      id: `surfaced-${day}`,
      at: day,
      day,
      kind: 'action',
      // The run's day is kept, not its hour.
      time: null,
      title: 'Put on the weekly list',
      detail: 'Weekly run',
    });
  }
  const undone = undoneIds(audit);
  const byId = new Map(audit.map((r) => [r.id, r]));
  for (const row of audit) {
    entries.push({
      id: `action-${row.id}`,
      at: row.at,
      day: localDate(row.at, options.timeZone),
      kind: 'action',
      // Two taps on one day (Reached out, Undo, Won back) read in order by their time on the team's clock.
      time: formatTimeOfDay(row.at, options.timeZone, options.locale),
      title: actionTitle(row, row.undoes === null ? undefined : byId.get(row.undoes)),
      detail: actionDetail(row, options.lossReasons, money),
      undone: undone.has(row.id),
    });
  }
  // Newest first by the team's day (a tap's UTC instant may be the next day in UTC); within a day,
  // taps (which have a time) above that day's orders, and later taps above earlier ones.
  const hasTime = (e: TimelineEntry) => (e.at.length > 10 ? 1 : 0);
  return entries.sort(
    (a, b) => compareDesc(a.day, b.day) || hasTime(b) - hasTime(a) || compareDesc(a.at, b.at),
  );
}

function compareDesc(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

/**
 * The days the weekly run listed the customer: the state's surfacedAt, and the one each action's
 * snapshot kept (a save clears surfacedAt, and the run's own rows are kept by month, not by
 * customer), so the listing a save followed stays in the story. A snapshot's listing came before
 * its action: one dated later is not this customer's story.
 */
function listedDays(audit: readonly AuditRow[], surfacedAt: string | null, timeZone: string): string[] {
  if (audit.some((r) => r.action === 'surfaced')) return [];
  const days = new Set<string>();
  if (surfacedAt) days.add(surfacedAt);
  for (const row of audit) {
    const listed = row.snapshot?.surfacedAt;
    if (listed && listed <= localDate(row.at, timeZone)) days.add(listed);
  }
  return [...days];
}

/** What the timeline calls an action: an undo names what it undid ("Undo: reached out"). */
function actionTitle(row: AuditRow, undid: AuditRow | undefined): string {
  if (row.action === 'undo') return undid ? `Undo: ${plainActionName(undid.action)}` : 'Undo';
  const name = plainActionName(row.action);
  return `${name[0].toUpperCase()}${name.slice(1)}`;
}

function actionDetail(
  row: AuditRow,
  reasons: readonly { code: string; label: string }[],
  money: (n: number) => string,
): string {
  const parts = [row.actorName];
  if (row.action === 'won_back' && row.value !== null)
    parts.push(wonBackValueWords(row.value, valueKindOf(row), money));
  if (row.action === 'lost' && row.reason) parts.push(lossReasonLabel(row.reason, reasons));
  if (row.note) parts.push(`“${row.note}”`);
  if (row.source) parts.push(SOURCE_WORDS[row.source]);
  return parts.filter(Boolean).join(' · ');
}

/** Where a rep took an action, as the timeline names it (rows stored before it was kept name none). */
const SOURCE_WORDS: Record<ActionSource, string> = {
  weekly: 'weekly card',
  list: 'list card',
  digest: 'follow-up digest',
  tab: 'tab',
};

/**
 * What Undo would reverse on this customer, in words, its day as the cards and the chat word it
 * ("won back by Ana Ruiz on Mon 23 Nov"), or null.
 */
export function undoableAction(audit: readonly AuditRow[], wording: DateWording): string | null {
  const row = latestOpenAction(audit);
  if (!row) return null;
  return `${plainActionName(row.action)} by ${row.actorName} on ${dayWords(row.at, wording)}`;
}
