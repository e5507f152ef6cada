import { setImmediate as nextTurn } from 'node:timers/promises';
import { consoleLog, type Log } from '../../bot/ports';
import { dateWording } from '../../bot/taps/actionWords';
import type { AccessPolicy } from '../../bot/taps/authorise';
import { numberWords, wonBackBox } from '../../cards/format';
import { type RepNames, repName, repNameLabels, repNamesOf, repOwner } from '../../cards/repNames';
import { feedReadKey, type KeptFeed, keptFeed } from '../../feed/keptFeed';
import { type RulesNow, rulesGetter } from '../../feed/keptRules';
import type { FeedResult } from '../../feed/readFeed';
import { computeMonthlySummary, priorMonthsOf } from '../../jobs/monthly';
import { figureRepNames, weeklyDeliveries } from '../../jobs/monthly/summaryCardFor';
import { summaryFeedFigures } from '../../jobs/monthly/summaryFeedFigures';
import { cardOutcome } from '../../jobs/monthly/weeklyCards';
import { weeklyRunKeyOfDay } from '../../jobs/schedule/weeklyRunDue';
import { runSettled } from '../../jobs/weekly/weeklyRetry';
import { runKeyOfWeeklyRow } from '../../jobs/weekly/weeklySurfaced';
import { addressKey } from '../../rules/addresses';
import { backtest } from '../../rules/backtest';
import { type Book, dayOf, isoOfDay } from '../../rules/book';
import { localDate, mondayOf, shiftMonth } from '../../rules/calendar';
import type { CustomerState } from '../../rules/customerState';
import { feedSilence, isStale, staleFeedWords } from '../../rules/feedFreshness';
import type { Rules } from '../../rules/rulesSchema';
import { type ScoredBook, scoreBook } from '../../rules/scoreBook';
import type { RunLedger, Storage } from '../../storage';
import type { CardStore } from '../../storage/cardStore';
import { repAddresses } from '../../storage/conversationStore';
import { keptStates } from '../../storage/keptStates';
import { weeksIfReadable } from '../../storage/listingStore';
import { type CustomersQuery, customerGroups, FIRST_PAGE, OWNER } from './customerList';
import {
  bookIndex,
  type ChartWeek,
  chartWeek,
  chartWeekOf,
  customerFacts,
  customerRow,
  customerRows,
  ordersByMonth,
  scoredById,
  scoredWeeks,
  timeline,
  undoableAction,
  weekPoints,
} from './customerViews';
import { tapInTab } from './tabActions';
import type { TabUser } from './tabToken';
import type {
  ActionRequestBody,
  ActionResponse,
  CustomerChartResponse,
  CustomerDetailResponse,
  CustomerRow,
  CustomersResponse,
  MeResponse,
  TeamResponse,
} from './tabTypes';
import {
  accuracyWords,
  holdoutWords,
  monthFigures,
  ordersNotReadByRep,
  ownedBy,
  untouchedThisWeek,
  valueAtRiskByRep,
} from './teamViews';

/**
 * The tab API's work behind the HTTP functions: reads the stores and the feed, calls the pure views,
 * and applies who may see what. A rep sees their own customers (the token's sign-in name is the
 * feed's `owner`); admins and managers see every rep's.
 */

export interface TabServiceDeps {
  storage: Pick<Storage, 'state' | 'audit' | 'conversations' | 'runs' | 'listings'>;
  cards: Pick<CardStore, 'pushRecentAction'>;
  /** The rules, or how to get the current ones (the deployed tabs' follow the rules file as it changes). */
  rules: RulesNow;
  /** The feed as of the team's day, read as `rules` say (columns, formats, owner names). */
  readBook: (asOf: string, rules: Rules) => Promise<FeedResult>;
  /**
   * The kept feed the tabs share with the follow-up ticks; without it the tabs keep their own, with
   * no version to compare, so read again every FEED_RECHECK_MS (feed/keptFeed.ts).
   */
  feed?: KeptFeed;
  timeZone: string;
  access: AccessPolicy & { managerUserIds: readonly string[] };
  clock: () => Date;
  /** How far back each load asks again for the stored rows written (default STATE_REREAD_MARGIN_MS). */
  statesRereadMs?: number;
  /** The kept states the tabs share with the bot's `list`; without it the tabs keep their own (with statesRereadMs). */
  states?: () => Promise<ReadonlyMap<string, CustomerState>>;
  /** The book's currency (ISO 4217, default USD) and the locale the API's own words use (default en-US), as on the cards. */
  currency?: string;
  locale?: string;
  /** Where a chart worked out ahead that failed is told (default the console). */
  log?: Pick<Log, 'warn'>;
  /**
   * After a save in the tab, brings the cards that show the customer up to date, in the user's chat,
   * the owning rep's and that of the rep this week's card listed them for (refreshCardsInChats).
   * Missing: the cards show it when next tapped.
   */
  refreshCards?: (userId: string, customer: { customerId: string; owner: string }) => Promise<void>;
}

/** A refusal the HTTP layer turns into a status. */
export class TabApiError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'TabApiError';
  }
}

/** The facts of a customer with no orders in the feed. */
const NO_FACTS: CustomerDetailResponse['facts'] = {
  orders: 0,
  spend: 0,
  firstOrder: null,
  lastOrder: null,
  expectedNextOrder: null,
  typicalGapDays: null,
  openTickets: 0,
  noOrderInValueDays: null,
};

/** Weeks of score history on a customer's page; months on the team tab. */
export const HISTORY_WEEKS = 12;
export const TEAM_MONTHS = 6;
/** The earliest month the Team tab shows: no action can be recorded before it. */
export const FIRST_MONTH = '1970-01';
/** The backtest the team tab reports: replayed this many days back, looking this many ahead. */
export const ACCURACY_HORIZON_DAYS = 90;

/** Who the user is to the tabs. */
export function roleOf(user: TabUser, access: TabServiceDeps['access']): MeResponse['role'] {
  if (access.adminUserIds.includes(user.userId)) return 'admin';
  if (access.managerUserIds.includes(user.userId)) return 'manager';
  return 'rep';
}

export interface TabService {
  /** Reads the feed and scores today ahead of the first request (the local host calls it at start). */
  warm(): Promise<void>;
  me(user: TabUser): Promise<MeResponse>;
  /** "My customers": one page of the rows the user may see, searched, sorted and grouped over all of them. */
  customers(user: TabUser, query?: CustomersQuery): Promise<CustomersResponse>;
  /** A customer's page, all but the week-by-week chart (`chart`), which takes a while on a large book. */
  customer(user: TabUser, customerId: string): Promise<CustomerDetailResponse>;
  /** A customer's week-by-week chart, to the same users as their page. */
  chart(user: TabUser, customerId: string): Promise<CustomerChartResponse>;
  act(user: TabUser, customerId: string, body: ActionRequestBody): Promise<ActionResponse>;
  team(user: TabUser, filter: { rep: string | null; month: string | null }): Promise<TeamResponse>;
}

/** Builds the service over its ports. */
export function createTabService(deps: TabServiceDeps): TabService {
  const rulesNow = rulesGetter(deps.rules);
  // Read in full once, then only what was written since: the rows' reading was most of every load's wait.
  const states = deps.states ?? keptStates(deps.storage.state, { rereadMs: deps.statesRereadMs });
  const currency = deps.currency ?? 'USD';
  const locale = deps.locale ?? 'en-US';
  const answering = answersInFlight();
  const books = bookCache(deps, rulesNow, locale, deps.log ?? consoleLog, answering.idle);
  const today = () => localDate(deps.clock(), deps.timeZone);
  const seesAll = (user: TabUser) => roleOf(user, deps.access) !== 'rep';
  /** A feed that stopped coming in makes every figure here look later than it is: the tabs say so. */
  const staleFeedNotice = (book: Book, day: string, rules: Rules): string | null => {
    const silence = feedSilence(book, dayOf(day), rules.feedStaleDays);
    if (!isStale(silence)) return null;
    return `${staleFeedWords(silence, day, locale)} The figures here are as of that feed, so every customer looks later than they are.`;
  };
  /**
   * The addresses the feed may name a rep by: their sign-in name, and the email (or sign-in name)
   * their install of the bot stored for the same Entra user (the roster's, so as trusted as the
   * token). A rep whose email is not their sign-in name, named in the feed by email, gets the weekly
   * card: the tabs show them the same customers.
   */
  async function addressesOf(user: TabUser): Promise<string[]> {
    const [rep, holder] = await Promise.all([
      deps.storage.conversations.getRep(user.userId),
      deps.storage.conversations.getRepByEmail(user.email),
    ]);
    // A sign-in name that is another installed rep's email names that rep in the feed, not this
    // user (the install never gives it to them either): their customers stay theirs here too.
    const othersEmail = holder !== null && holder.userId !== user.userId && holder.email === user.email;
    return [...new Set([...(othersEmail ? [] : [user.email]), ...(rep ? repAddresses(rep) : [])])];
  }
  /**
   * Every address of the rep `address` names, for matching stored rows and audit rows: the weekly run
   * stores a rep's email where the feed names their sign-in name, but a row it no longer rewrites (a
   * customer gone from the feed) keeps the name it was stored under.
   */
  async function addressesOfRep(address: string): Promise<string[]> {
    const rep = await deps.storage.conversations.getRepByEmail(address);
    return [...new Set([address, ...(rep ? repAddresses(rep) : [])])];
  }
  /**
   * The customers this week's weekly run flagged (its `surfaced` audit rows, in the month of the
   * week's Monday or of today: a run goes on through the week): `delivered`, those on a card its
   * ledger says a rep got; `undelivered`, those on a card that reached no rep (cardOutcome), which
   * the lists leave out as the summary card does. A card still to go out is in neither.
   */
  async function flaggedThisWeek(day: string): Promise<{ delivered: Set<string>; undelivered: Set<string> }> {
    const runKey = weeklyRunKeyOfDay(day);
    const months = [...new Set([mondayOf(day).slice(0, 7), day.slice(0, 7)])];
    const rows = (await Promise.all(months.map((m) => deps.storage.audit.readMonth(m))))
      .flat()
      .filter((r) => r.action === 'surfaced' && runKeyOfWeeklyRow(r.id) === runKey);
    const cards = (await weeklyDeliveries(deps.storage.runs, rows, day)).get(runKey);
    const delivered = new Set<string>();
    const undelivered = new Set<string>();
    for (const r of rows) {
      const outcome = cardOutcome(cards, r.owner);
      if (outcome !== 'pending') (outcome === 'delivered' ? delivered : undelivered).add(r.customerId);
    }
    return { delivered, undelivered };
  }
  /** The rep's address the stored customers use (their sign-in name when none does); null sees everyone. */
  async function ownerScope(user: TabUser, states: Iterable<CustomerState>): Promise<string | null> {
    if (seesAll(user)) return null;
    const addresses = await addressesOf(user);
    const owners = new Set<string>();
    for (const s of states) owners.add(addressKey(s.owner));
    return addresses.find((a) => owners.has(a)) ?? user.email;
  }

  /**
   * The cards that show the customer (the user's, the owning rep's and this week's card's rep's),
   * brought up to date after a tab tap. The tap is recorded by then: a failure here is logged, and
   * the tab still gets its answer.
   */
  async function refreshCardsAfter(userId: string, customer: CustomerState): Promise<void> {
    if (!deps.refreshCards) return;
    const { customerId, owner } = customer;
    try {
      await deps.refreshCards(userId, { customerId, owner });
    } catch (error) {
      (deps.log ?? consoleLog).warn('cards showing the customer not refreshed after a tab tap', {
        customerId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** The customer's state, and the user as the owner's address names them (the sign-in name for admins and managers). */
  async function visibleState(
    user: TabUser,
    customerId: string,
  ): Promise<{ state: CustomerState; as: TabUser; addresses: readonly string[] }> {
    const [read, addresses] = await Promise.all([
      deps.storage.state.get(customerId),
      seesAll(user) ? [user.email] : addressesOf(user),
    ]);
    const address =
      read && (seesAll(user) ? user.email : addresses.find((a) => ownedBy(read.state.owner, [a])));
    // Another rep's customer is answered exactly like a missing one: ids are not probed.
    if (!read || !address) throw new TabApiError(404, 'No such customer of yours.');
    return { state: read.state, as: { ...user, email: address }, addresses };
  }

  const service: TabService = {
    async warm() {
      // Today for the list; the weeks of the customer page's chart (about 20 ms each on 300 customers).
      const day = today();
      await books.scored(day);
      await books.chart(day);
    },

    async me(user) {
      const role = roleOf(user, deps.access);
      return {
        user: { userId: user.userId, name: user.name, email: user.email },
        seesAll: role !== 'rep',
        addresses: await addressesOf(user),
        role,
      };
    },

    async customers(user, query = FIRST_PAGE) {
      const day = today();
      const [stored, loaded, reps] = await Promise.all([
        states(),
        books.scored(day),
        deps.storage.conversations.listReps(),
      ]);
      const owner = await ownerScope(user, stored.values());
      const own = await addressesOf(user);
      const rows = customerRows(stored.values(), loaded.scored, owner === null ? null : own);
      books.chartAhead(loaded, day);
      // A manager or admin sees every rep's; one who is also a rep starts on their own.
      const mine = (c: CustomerRow) => ownedBy(c.owner, own);
      const whose = !seesAll(user) ? 'mine' : (query.whose ?? (rows.some(mine) ? 'mine' : 'everyone'));
      const shown =
        !seesAll(user) || whose === 'everyone'
          ? rows
          : whose === 'mine'
            ? rows.filter(mine)
            : rows.filter((c) => addressKey(c.owner) === addressKey(whose.slice(OWNER.length)));
      return {
        asOf: day,
        currency,
        locale,
        owner,
        reps: seesAll(user) ? namedReps([...stored.values()], repNamesOf(reps)) : [],
        staleFeed: staleFeedNotice(loaded.book, day, loaded.rules),
        feedBeingRead: loaded.newerUnderWay,
        whose,
        horizonDays: loaded.scored.noOrderHorizonDays,
        total: shown.length,
        ...customerGroups(shown, query),
      };
    },

    async customer(user, customerId) {
      const { state } = await visibleState(user, customerId);
      const day = today();
      const [loaded, audit, reps, listed] = await Promise.all([
        books.scored(day),
        // The whole trail, as the orders are whole: a busy customer's grows by about 130 rows a year
        // (a Reached out and a Snooze most weeks), read 1,000 to a request.
        deps.storage.audit.latestForCustomer(customerId, { limit: Number.POSITIVE_INFINITY }),
        deps.storage.conversations.listReps(),
        // With the weekly runs since their first week (one query): a week with no run is no gap.
        // A row that cannot be read leaves their weeks out, and the page says so; as it does of the
        // weeks before the weekly run started such a row again.
        weeksIfReadable(deps.storage.listings, customerId).then(async (read) => {
          if (read.unreadable !== null)
            (deps.log ?? consoleLog).warn(
              `customer ${customerId}: their weeks on the lists not read, so their page leaves them out`,
              { customerId, error: read.unreadable },
            );
          return {
            weeks: read.weeks,
            unreadable:
              read.unreadable !== null ? ('all' as const) : read.startedAgain ? ('earlier' as const) : null,
            runs:
              read.weeks.length === 0
                ? []
                : await finishedWeeklyRuns(deps.storage.runs, read.weeks[0].run, day),
          };
        }),
      ]);
      const { book, scored, rules } = loaded;
      const i = bookIndex(book, customerId);
      const names = repNamesOf(reps);
      // A customer gone from the feed keeps their page: the stored state and what reps did, no
      // figures from the orders.
      const fromFeed =
        i < 0
          ? { facts: NO_FACTS, ordersByMonth: [] }
          : {
              facts: customerFacts(book, scored.customers[i], dayOf(day), rules.windows.valueDays),
              ordersByMonth: ordersByMonth(book, i, day),
            };
      const customer = customerRow(state, i < 0 ? undefined : scored.customers[i]);
      books.chartAhead(loaded, day);
      const box = wonBackBox(customer.monthlyValue, { currency, locale });
      return {
        asOf: day,
        currency,
        locale,
        customer,
        ownerName: repName(names, state.owner),
        ...fromFeed,
        horizonDays: scored.noOrderHorizonDays,
        timeline: timeline(book, i, audit, {
          today: day,
          timeZone: deps.timeZone,
          lossReasons: rules.lossReasons,
          currency,
          locale,
          surfacedAt: state.surfacedAt,
          listedWeeks: listed.weeks,
          weeklyRuns: listed.runs,
          listedAt: state.listedAt,
          repName: (owner) => repName(names, owner),
        }),
        lossReasons: rules.lossReasons.map((r) => ({ code: r.code, label: r.label })),
        feedBeingRead: loaded.newerUnderWay,
        listedWeeksUnreadable: listed.unreadable,
        wonBackPrefill: box.valuePrefill,
        wonBackPlaceholder: box.valuePlaceholder,
        undoable: undoableAction(audit, dateWording(deps.clock(), deps.timeZone, locale)),
      };
    },

    async chart(user, customerId) {
      // The page's own check: whoever may not open the page learns nothing here either.
      await visibleState(user, customerId);
      const day = today();
      const { book, weeks, newerUnderWay } = await books.chart(day);
      const i = bookIndex(book, customerId);
      return { asOf: day, weeks: i < 0 ? [] : weekPoints(i, weeks), feedBeingRead: newerUnderWay };
    },

    async act(user, customerId, body) {
      // Visibility first: a rep acting on another rep's customer learns nothing about it.
      const { state, as, addresses } = await visibleState(user, customerId);
      const rowNow = async (s: CustomerState) => {
        const { book, scored } = await books.scored(today());
        const i = bookIndex(book, customerId);
        return customerRow(s, i < 0 ? undefined : scored.customers[i]);
      };
      // A Won back records the kind of value the page shows (today's scoring, not the stored state's);
      // the other taps need no scoring before they are recorded.
      const shownValueKind = body.action === 'won_back' ? (await rowNow(state)).valueKind : undefined;
      const result = await tapInTab(
        {
          state: deps.storage.state,
          audit: deps.storage.audit,
          cards: deps.cards,
          rules: await rulesNow(),
          timeZone: deps.timeZone,
          access: deps.access,
          clock: deps.clock,
          currency,
          locale,
        },
        as,
        customerId,
        body,
        addresses,
        shownValueKind,
      );
      if (!result.ok) throw new TabApiError(result.status, result.message);
      await refreshCardsAfter(user.userId, result.state);
      return { ok: true, message: result.message, customer: await rowNow(result.state) };
    },

    async team(user, filter) {
      const day = today();
      const month = filter.month ?? day.slice(0, 7);
      // The figures run up to today: a later month has none (and the year 9999's next month is no month).
      if (month > day.slice(0, 7))
        throw new TabApiError(400, `month ${month} is after this month (${day.slice(0, 7)})`);
      // Nor one before any tap could be recorded (audit keys count time from 1970): far enough back,
      // the months read before it are no months at all.
      if (month < FIRST_MONTH) throw new TabApiError(400, `month ${month} is before ${FIRST_MONTH}`);
      const months = Array.from({ length: TEAM_MONTHS }, (_, k) => shiftMonth(month, -(TEAM_MONTHS - 1 - k)));
      // Each month's summary also reads the months before it and the one after (as summaryCardFor does).
      // Not as far back as the card's re-churn window under a long cool-down: the tab shows no
      // re-churn, and a year more of audit partitions on every open would be read for nothing shown.
      const partitions = [...priorMonthsOf(months[0]).reverse(), ...months, shiftMonth(month, 1)];
      const [stored, names, weeklyRun, accuracy, loaded, undosSince, ...rowsByMonth] = await Promise.all([
        states(),
        figureRepNames(deps.storage.conversations),
        deps.storage.runs.getRun(weeklyRunKeyOfDay(day)),
        books.accuracy(day),
        books.scored(day),
        deps.storage.audit.readUndosAfter(shiftMonth(month, 1)),
        ...partitions.map((m) => deps.storage.audit.readMonth(m)),
      ]);
      const { book, scored, rules } = loaded;
      // A rep sees the team tab for themselves only; managers choose a rep or everyone.
      const rep = seesAll(user)
        ? (filter.rep && addressKey(filter.rep)) || null
        : await ownerScope(user, stored.values());
      const nameOf = (owner: string) => repName(names, owner);
      const all = [...stored.values()];
      const scope = rep === null ? null : seesAll(user) ? await addressesOfRep(rep) : await addressesOf(user);
      const mine = all.filter((s) => ownedBy(s.owner, scope));
      // Undo rows are read whoever's customer they are now: the owner since may undo what the one
      // before did, and an undo cancels only rows shown, by id.
      const rowsOf = (m: string) =>
        (rowsByMonth[partitions.indexOf(m)] ?? []).filter(
          (r) => r.action === 'undo' || ownedBy(r.owner, scope),
        );
      // An undo has no time limit: a month's save undone any month since is out of its figures.
      const undosAfter = (m: string) =>
        [
          ...partitions.filter((p) => p > m).flatMap((p) => rowsByMonth[partitions.indexOf(p)] ?? []),
          ...undosSince,
        ].filter((r) => r.action === 'undo');
      // A flag counts only on a card its weekly run delivered, as on the channel card; one on a card
      // this week's run may still send is not yet said to have reached no rep.
      const deliveries = await weeklyDeliveries(
        deps.storage.runs,
        months.flatMap((m) => rowsOf(m)),
        day,
      );
      // The saves that hold and the holdout's comeback rates are read from the order feed, as the
      // monthly summary reads them (of the shown rep's customers only).
      const summaries = months.map((m) =>
        computeMonthlySummary({
          ...summaryFeedFigures(book, mine, rules, m, day),
          silentAfterDays: rules.followUps.silentAfterDays,
          month: m,
          rows: rowsOf(m),
          deliveries,
          priorRows: priorMonthsOf(m).flatMap(rowsOf),
          laterRows: [...rowsOf(shiftMonth(m, 1)), ...undosAfter(shiftMonth(m, 1))],
          timeZone: deps.timeZone,
          currency,
          lossReasons: [...rules.lossReasons],
          ...repNameLabels(names),
        }),
      );
      const selected = summaries[summaries.length - 1];
      // The reps who own customers now, and those who acted in the months shown: a rep who left
      // (their customers handed to others) keeps their months on the tab.
      const shownRows = months.flatMap((m) => rowsByMonth[partitions.indexOf(m)] ?? []);
      const byId = scoredById(scored);
      const { delivered: listed, undelivered } = await flaggedThisWeek(day);
      books.chartAhead(loaded, day);
      return {
        asOf: day,
        currency,
        locale,
        staleFeed: staleFeedNotice(book, day, rules),
        feedBeingRead: loaded.newerUnderWay,
        reps: seesAll(user)
          ? namedReps([...all, ...shownRows], names)
          : [{ owner: rep ?? user.email, name: user.name }],
        filter: { rep, month },
        months,
        valueAtRiskByRep: valueAtRiskByRep(mine, byId, { rules, today: day, locale }, nameOf),
        listedThisWeek: mine.filter((c) => listed.has(c.customerId)).length,
        notDeliveredThisWeek: mine.filter((c) => undelivered.has(c.customerId) && !listed.has(c.customerId))
          .length,
        weeklyRunDone: runSettled(weeklyRun),
        // Sending: a run the feed stopped before any card stays open for its next tick, but sends nothing.
        weeklyRunUnderWay: weeklyRun !== null && !weeklyRun.finishedAt && listed.size > 0,
        untouched: untouchedThisWeek(mine, byId, listed, nameOf),
        ordersNotRead: ordersNotReadByRep(mine, byId, nameOf),
        monthly: summaries.map(monthFigures),
        lossesByReason: selected.losses.map((l) => ({ label: l.label, count: l.count, share: l.share })),
        holdout: holdoutWords(selected),
        accuracy,
      };
    },
  };
  // Each of the chart's Mondays waits until none of these answers is under way. The chart's own
  // answer is not counted (it would wait for itself), nor is warming, which nobody waits for.
  return {
    ...service,
    me: answering.counted(service.me),
    customers: answering.counted(service.customers),
    customer: answering.counted(service.customer),
    act: answering.counted(service.act),
    team: answering.counted(service.team),
  };
}

/** A chart worked out ahead of any page, stopped because the feed read or rules it is of were replaced. */
class ChartReplaced extends Error {}

/**
 * The tab's answers being worked out, for work that can wait for them: each of the chart's Mondays
 * is a second or more of scoring on a large book, with nothing else answered meanwhile, so it starts
 * only when no answer is under way. A list or a page opened while the chart is worked out then waits
 * for the Monday in progress at most, not for one at each of its reads of the tables.
 */
function answersInFlight() {
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  return {
    /** `work`, counted while it runs. */
    counted<A extends unknown[], R>(work: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
      return async (...args) => {
        inFlight++;
        try {
          return await work(...args);
        } finally {
          inFlight--;
          if (inFlight === 0) for (const resume of waiting.splice(0)) resume();
        }
      };
    },
    /** After a turn, once no answer is under way. */
    async idle(): Promise<void> {
      await nextTurn();
      while (inFlight > 0) await new Promise<void>((resume) => waiting.push(resume));
    },
  };
}

/**
 * The reps who own any of `rows`, named from their installs (else by address), in the order of the
 * names a manager picks from: on a team of a hundred reps, a list by address reads unsorted.
 */
function namedReps(rows: readonly { owner: string }[], names: RepNames): { owner: string; name: string }[] {
  // A rep the rows name by both their addresses (before and after the install) is one rep.
  return [...new Set(rows.map((r) => repOwner(names, r.owner)).filter((o) => o !== ''))]
    .map((owner) => ({ owner, name: repName(names, owner) }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.owner.localeCompare(b.owner));
}

interface LoadedDay {
  book: Book;
  /** True when a newer read of the feed is under way: `book` is the last one read. */
  newerUnderWay: boolean;
  scored: ScoredBook;
  /** The rules it was scored by. */
  rules: Rules;
  /** All that is worked out of the same feed read with the same rules. */
  worked: Worked;
}

/** What the tabs work out from one read of the feed with one version of the rules, kept as long as both are. */
interface Worked {
  rules: Rules;
  days: Map<string, ScoredBook>;
  /** The customer page's chart: the figures it draws of each of the last HISTORY_WEEKS Mondays up to a day's. */
  charts: Map<string, Promise<ChartWeek[]>>;
  /** The days whose chart was started ahead of any page (once: a failure is worked out again only when a page asks). */
  chartsAhead: Set<string>;
  accuracy?: TeamResponse['accuracy'];
}

/**
 * The feed and its scorings, reused until the feed changes or the team's day does; their words are
 * in `locale`, the cards'.
 */
function bookCache(
  deps: TabServiceDeps,
  rulesNow: () => Promise<Rules>,
  locale: string,
  log: Pick<Log, 'warn'>,
  /** Resolves when the chart may score its next Monday. */
  idle: () => Promise<void>,
) {
  const feed = deps.feed ?? keptFeed({ clock: deps.clock });
  const worked = new WeakMap<FeedResult, Worked>();
  /**
   * What the latest answer was worked out of: a chart of anything else is of a feed read or rules
   * since replaced. Weakly held: a read the kept feed let go of is not kept alive by it.
   */
  let latest: WeakRef<Worked> | null = null;
  const current = async (): Promise<{ book: Book; worked: Worked; newerUnderWay: boolean }> => {
    const rules = await rulesNow();
    // Read as of the team's day: a feed read as of yesterday, scored as of today, fits the book's
    // model without the day's orders, so its chances, counts and values at risk were not the card's
    // (after the local stack's clock moved a week: 96 slipping on the Team tab beside the card's 67).
    const day = localDate(deps.clock(), deps.timeZone);
    // A read that takes a while (a new export downloaded, the Monday run reading it) is not waited
    // for: the pages answer from the feed as last read, and say so.
    const { result, newerUnderWay } = await feed.readOrLast({
      key: feedReadKey(rules, day),
      read: () => deps.readBook(day, rules),
    });
    let done = worked.get(result);
    // Changed weights, caps or pauses score the same read again.
    if (done?.rules !== rules) {
      done = { rules, days: new Map(), charts: new Map(), chartsAhead: new Set() };
      worked.set(result, done);
    }
    latest = new WeakRef(done);
    return { book: result.book, worked: done, newerUnderWay };
  };
  /**
   * The chart's figures of the book as of each Monday: of only those figures, as the weekly replay
   * scores last week (the reasons and most records left out), one Monday at a time with a turn
   * between them for the bot and the timers, and each once no tab answer is under way. A whole
   * scoring of each Monday, kept, held twelve times today's (about 600 MB at 100,000 customers, past
   * the instance's heap at 300,000).
   */
  const chartOf = async (book: Book, worked: Worked, day: string, ahead: boolean): Promise<ChartWeek[]> => {
    const weeks: ChartWeek[] = [];
    for (const monday of scoredWeeks(day, HISTORY_WEEKS)) {
      const whole = worked.days.get(monday);
      if (whole) {
        weeks.push(chartWeekOf(whole));
        continue;
      }
      await idle();
      // Worked out ahead of a page, of a feed read or rules since replaced: no page will show it,
      // and each Monday more is seconds of scoring the current chart waits behind, with the old
      // book held meanwhile.
      if (ahead && worked !== latest?.deref()) throw new ChartReplaced();
      const scores = new Float64Array(book.customers.length);
      const listChances = new Float64Array(book.customers.length);
      const scored = scoreBook(book, worked.rules, dayOf(monday), new Map(), {
        reasons: false,
        scores,
        listChances,
      });
      weeks.push(chartWeek(scored, scores, listChances));
    }
    return weeks;
  };
  /**
   * The chart of `day` of this feed read, started unless it was (requests meanwhile share it);
   * `ahead` when no page asked for it yet.
   */
  const chartKept = (book: Book, worked: Worked, day: string, ahead = false): Promise<ChartWeek[]> => {
    let chart = worked.charts.get(day);
    if (!chart) {
      chart = chartOf(book, worked, day, ahead);
      worked.charts.set(day, chart);
      // A failed scoring is worked out again at the next request.
      chart.catch(() => worked.charts.delete(day));
    }
    return chart;
  };
  return {
    async scored(day: string): Promise<LoadedDay> {
      const { book, worked, newerUnderWay } = await current();
      let scored = worked.days.get(day);
      if (!scored) {
        // The reasons' numbers as the cards write them (LOCALE): the tab shows the card's rows.
        scored = scoreBook(book, worked.rules, dayOf(day), new Map(), {
          numbers: numberWords(locale),
        });
        worked.days.set(day, scored);
      }
      return { book, scored, rules: worked.rules, worked, newerUnderWay };
    },
    /**
     * The customer page's chart as of `day`, of the book it is worked out on (once per feed read;
     * requests meanwhile share it).
     */
    async chart(day: string): Promise<{ book: Book; weeks: ChartWeek[]; newerUnderWay: boolean }> {
      for (;;) {
        const { book, worked, newerUnderWay } = await current();
        try {
          return { book, weeks: await chartKept(book, worked, day), newerUnderWay };
        } catch (error) {
          // The chart this request joined was started ahead and stopped for a newer feed read or
          // rules: the newer one's is the answer.
          if (!(error instanceof ChartReplaced)) throw error;
        }
      }
    },
    /**
     * Starts the chart of `day` of the feed read `loaded` was scored from, once per feed read, after
     * this turn (the answer in hand goes out first), so a customer page opened a minute after the
     * day's first list does not wait for it. Nobody awaits it: a failure is logged (a rejection no
     * one handled would end the process), and a page that asks works it out again.
     */
    chartAhead({ book, worked }: LoadedDay, day: string): void {
      if (worked.chartsAhead.has(day)) return;
      worked.chartsAhead.add(day);
      setImmediate(() => {
        chartKept(book, worked, day, true).catch((error: unknown) => {
          if (error instanceof ChartReplaced) return;
          log.warn('the tabs could not work out the customer pages’ chart ahead of a page', {
            day,
            error: error instanceof Error ? error.message : String(error),
          });
        });
      });
    },
    /** The backtest replayed ACCURACY_HORIZON_DAYS before `day`, in words (computed once per feed read). */
    async accuracy(day: string): Promise<TeamResponse['accuracy']> {
      const { book, worked } = await current();
      if (worked.accuracy === undefined) {
        const asOfDay = dayOf(day) - ACCURACY_HORIZON_DAYS;
        const result = backtest(book, worked.rules, { asOfDay, horizonDays: ACCURACY_HORIZON_DAYS });
        worked.accuracy = accuracyWords(result, isoOfDay(asOfDay), { today: day, locale });
      }
      return worked.accuracy;
    },
  };
}

/** The keys of the weekly runs that finished from `fromKey` to the week of `today`, oldest first. */
async function finishedWeeklyRuns(
  runs: Pick<RunLedger, 'runsBetween'>,
  fromKey: string,
  today: string,
): Promise<string[]> {
  const beforeKey = weeklyRunKeyOfDay(isoOfDay(dayOf(today) + 7));
  return (await runs.runsBetween(fromKey, beforeKey)).filter((r) => r.finished).map((r) => r.runKey);
}
