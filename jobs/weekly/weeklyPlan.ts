import { numberWords } from '../../cards/format';
import { addressKey } from '../../rules/addresses';
import type { Book } from '../../rules/book';
import { dayOf } from '../../rules/book';
import type { CustomerState } from '../../rules/customerState';
import { type FeedSilence, feedSilence, isStale } from '../../rules/feedFreshness';
import {
  judgeWeek,
  type LastWeekOptions,
  movedFrom,
  scoreWeek,
  scoreWeekWithChanges,
  startsListing,
  type UnjudgedWeek,
  type WeekWithChanges,
} from '../../rules/listChanges';
import type { ListedWeek } from '../../rules/listedWeeks';
import type { Rules } from '../../rules/rulesSchema';
import type { ScoredBook, ScoredCustomer } from '../../rules/scoreBook';
import type { NewAuditRow } from '../../storage/auditRow';
import type { ConversationStore } from '../../storage/conversationStore';
import { type CardPageOptions, listPagesOf } from './weeklyCardFor';
import { type HoldoutSplit, splitHoldout } from './weeklyHoldout';
import { type LastCardsLedger, lastCardsOptions } from './weeklyLastRun';
import { listedWeeksOf } from './weeklyListedWeeks';
import { type RepWeek, repWeeks } from './weeklyLists';
import { feedOwnerRenames, storedOwnerRenames, withOwnersRenamed } from './weeklyRepDirectory';
import { nextStates } from './weeklyStates';
import { heldOutRow, surfacedRow } from './weeklySurfaced';

/** Everything the weekly run decides before it writes or sends anything. */
export interface WeekPlan {
  scored: ScoredBook;
  /** Last week's lists beside this week's, and what changed. */
  since: WeekWithChanges;
  holdout: HoldoutSplit;
  /** The scored customers after the holdout, in the book's order. */
  customers: ScoredCustomer[];
  /** Each rep's list: one card each. */
  weeks: RepWeek[];
  /** State rows written before any card goes out: listed customers who are new or start a slip cycle. */
  first: CustomerState[];
  /** Every other state row, written beside the sends. */
  rest: CustomerState[];
  surfacedRows: NewAuditRow[];
  heldOutRows: NewAuditRow[];
  /** Each listed (any page) or held-out customer's week, for their story on the customer page. */
  listedWeeks: { customerId: string; week: ListedWeek }[];
}

/**
 * The pure part of a weekly run: scores the book as of the team's `localDate` against the stored
 * states, draws the holdout, and works out the state rows, the cards and the audit rows. `runAt` is
 * the time the run's own audit rows carry (the week's first start, so every attempt writes the same).
 * `delivered`: per rep an earlier attempt of the week already sent a card to, the customers it
 * listed; the feed may have changed since, and only what a card showed counts as flagged.
 * `options.lastWeek` says where last week's list is known from (rules/listChanges.ts).
 */
export function planWeek(book: Book, ...plan: PlanArgs): WeekPlan {
  const [rules, previous, at, , options] = plan;
  // The one answer to "who is on a rep's list", shared by the weekly run and the `list` command.
  const since = scoreWeekWithChanges(book, rules, dayOf(at.localDate), previous, options);
  return planScoredWeek(since, ...plan);
}

/** What planWeek plans from besides the book (planScoredWeek alike). */
type PlanArgs = [
  rules: Rules,
  previous: ReadonlyMap<string, CustomerState>,
  at: { localDate: string; runKey: string; runAt: string },
  delivered?: ReadonlyMap<string, ReadonlySet<string>>,
  options?: LastWeekOptions,
];

/** planWeek from the book as scored (scoreWeekWithChanges): planWeekOfCards plans twice from one scoring. */
function planScoredWeek(
  since: WeekWithChanges,
  ...[rules, previous, at, delivered = new Map(), options = {}]: PlanArgs
): WeekPlan {
  const { localDate, runKey, runAt } = at;
  const { scored } = since;
  // Listed as new (or back after a save that did not hold: startsListing) with an old cycle's
  // surfacedAt stored, such as the one the digest starts on a save slipping: a new slip cycle, for
  // the holdout's draw and the stored surfacedAt alike.
  const newCycles = new Set<string>();
  // Every row the card calls new, or back after a save that did not hold, starts its weeks on the
  // list (listedAt), flagged or not.
  const newListings = new Set<string>();
  for (const [id, change] of since.changes) {
    if (!startsListing(change)) continue;
    newListings.add(id);
    if (previous.get(id)?.surfacedAt) newCycles.add(id);
  }
  // A move to another rep ends the old rep's cycle even off this week's list (paused after the old
  // rep's call): listed later, the customer is new to the new rep, not "Back on your list" of a
  // slip they never had, and the row no longer names a move by then.
  for (const c of scored.customers) {
    const before = previous.get(c.customerId);
    if (before?.surfacedAt && movedFrom(before.owner, c.owner, options.storedOwner) !== null)
      newCycles.add(c.customerId);
  }
  const holdout = splitHoldout(scored.customers, previous, rules, runKey, newCycles);
  const customers = holdout.customers.map((c) => onDeliveredCard(c, delivered));
  const states = nextStates(customers, previous, localDate, holdout, newCycles, newListings);
  // A card's buttons act on its customers' state rows and judge them by surfacedAt: those rows must
  // be there before the card is.
  const isFirst = (c: ScoredCustomer, next: CustomerState) => {
    if (!c.gate.surfaced || holdout.heldOutIds.has(c.customerId)) return false;
    const before = previous.get(c.customerId);
    return before === undefined || before.surfacedAt !== next.surfacedAt;
  };
  const first: CustomerState[] = [];
  const rest: CustomerState[] = [];
  for (const [i, s] of states.entries()) {
    if (isFirst(customers[i], s)) first.push(s);
    else rest.push(s);
  }
  const weeks = repWeeks(customers, rules.capPerRep, since);
  return {
    scored,
    since,
    holdout,
    customers,
    weeks,
    first,
    rest,
    // A customer on a card an earlier attempt delivered keeps their row though a tap or an order
    // since took them off the list: that attempt may have died before writing it, and the card
    // flagged them all the same. (The first page of a card still to send lists only the surfaced.)
    surfacedRows: customers
      .filter((c) => c.surfaced || delivered.get(c.owner)?.has(c.customerId))
      .map((c) => surfacedRow(c, previous.get(c.customerId), runKey, runAt)),
    heldOutRows: holdout.heldOut.map((c) => heldOutRow(c, previous.get(c.customerId), runKey, runAt)),
    listedWeeks: listedWeeksOf(weeks, customers, holdout.heldOut, delivered, previous, { runKey, localDate }),
  };
}

/**
 * The week as the weekly run plans it: planWeek, and when a rep's list does not all fit on their
 * card (Teams' size), planned again with the card's rows (withCardsToSend, without scoring the book
 * twice), so only what a card shows is flagged. `card` is how the cards are worded and dated;
 * `settle` is applied to each plan (the weekly run takes out what storage would refuse).
 */
export function planWeekOfCards(
  book: Book,
  card: Omit<CardPageOptions, 'horizonDays'>,
  settle: (plan: WeekPlan) => WeekPlan,
  ...plan: PlanArgs
): WeekPlan {
  const [rules, previous, at, delivered = new Map(), options] = plan;
  const since = scoreWeekWithChanges(book, rules, dayOf(at.localDate), previous, options);
  const planFor = (cards: ReadonlyMap<string, ReadonlySet<string>>) =>
    settle(planScoredWeek(since, rules, previous, at, cards, options));
  let first: WeekPlan | null = planFor(delivered);
  const cards = withCardsToSend(delivered, first.weeks, rules, at.runKey, {
    ...card,
    horizonDays: since.scored.noOrderHorizonDays,
  });
  if (cards === delivered) return first;
  // Let go before the second plan is made: at a million customers one plan's states are hundreds of MB.
  first = null;
  return planFor(cards);
}

/**
 * `delivered`, and for each rep without a card yet whose week's list does not all fit on one card
 * (Teams' size), the customers their card will show: its first page, as weeklyCardDataFor cuts it.
 * Planned again with these, the rows that move to the card's next page are not flagged, as those
 * past the cap are not. The same map when every list fits.
 */
function withCardsToSend(
  delivered: ReadonlyMap<string, ReadonlySet<string>>,
  weeks: readonly RepWeek[],
  rules: Pick<Rules, 'lossReasons'>,
  runKey: string,
  card: CardPageOptions,
): ReadonlyMap<string, ReadonlySet<string>> {
  let cards: Map<string, ReadonlySet<string>> | null = null;
  for (const week of weeks) {
    if (delivered.has(week.owner) || week.shown.length === 0) continue;
    const [first] = listPagesOf(week, rules, runKey, card, 0, 1);
    if (first.end >= week.shown.length) continue;
    cards ??= new Map(delivered);
    cards.set(week.owner, new Set(week.shown.slice(0, first.end).map((c) => c.customerId)));
  }
  return cards ?? delivered;
}

/**
 * A listed customer whose rep's card went out without them (they joined the list after it was sent),
 * or goes out without them (their row did not fit), is not surfaced this week: no surfaced row, no surfacedAt, so the audit says only what a card showed.
 */
function onDeliveredCard(
  c: ScoredCustomer,
  delivered: ReadonlyMap<string, ReadonlySet<string>>,
): ScoredCustomer {
  const card = delivered.get(c.owner);
  return c.surfaced && card && !card.has(c.customerId) ? { ...c, surfaced: false } : c;
}

/** What `list` asks for: the lists as of a day, against the given states. */
export interface ListsNowRequest {
  localDate: string;
  runKey: string;
  /** Every customer's stored state, as read (a kept reader hands out the same map while no row changed). */
  states: ReadonlyMap<string, CustomerState>;
  /**
   * The customers to judge as before this week's action on them (the asking rep's own): they keep
   * their place on the list, as on the weekly card, and show the outcome (putBack).
   */
  asBefore?: readonly string[];
  /** The cards' LOCALE, the reasons' numbers' as on the weekly card (default en-US). */
  locale?: string;
  /**
   * Awaited just before the book is scored for a plan (not when a kept plan or a kept scoring
   * answers: keptListsNow), with the book's customer count: scoring holds the thread for seconds on
   * a large book, so a caller that answers slow plans at once (`list` in the bot) has to say so
   * before, not during.
   */
  beforePlanning?: (customers: number) => Promise<void>;
}

/**
 * Each of `ids` that has a stored row, put back as before this week's action on them (active, no
 * contact, save or loss): `list` judges them as the weekly card did.
 */
export function putBack(
  states: ReadonlyMap<string, CustomerState>,
  ids: readonly string[] = [],
): Map<string, CustomerState> {
  const rows = new Map<string, CustomerState>();
  for (const id of ids) {
    const s = states.get(id);
    if (s) rows.set(id, { ...s, status: 'active', lastContact: null, wonBackAt: null, lostAt: null });
  }
  return rows;
}

/** `states` with the rows `putBack` gave in place of theirs: the same map when there are none. */
export function withPutBack(
  states: ReadonlyMap<string, CustomerState>,
  rows: ReadonlyMap<string, CustomerState>,
): ReadonlyMap<string, CustomerState> {
  if (rows.size === 0) return states;
  const before = new Map(states);
  for (const [id, s] of rows) before.set(id, s);
  return before;
}

/**
 * Every rep's list as of the day, and the days the chance of no order looks ahead; or, when the
 * feed is stale (rules/feedFreshness.ts), why there is no list: the weekly run stops there too.
 */
export type ListsNow =
  | {
      weeks: RepWeek[];
      horizonDays: number;
      /** Every owner in the book (lower case): a rep who is none owns no customer, not a quiet book. */
      owners: ReadonlySet<string>;
    }
  | { stale: FeedSilence };

/** What `list`'s lists are planned from besides the book, the rules and the request, read now (listInputsFor). */
export interface ListInputs {
  /** The feed's owners that name an installed rep otherwise than by their email, and that email (withRepOwners). */
  feedRenames: ReadonlyMap<string, string>;
  /** The same for the stored rows' owners (storedOwnerOf). */
  storedRenames: ReadonlyMap<string, string>;
  /** Where last week's list is known from (the run ledger's runs before this week's). */
  lastCards: Pick<LastWeekOptions, 'lastWeek' | 'lastRun' | 'lastRunByRep'>;
}

/** Where `list` reads the reps and the runs from, besides the feed. */
export interface ListSources {
  /** The installed reps, so the feed's owners are read as the weekly run reads them (withRepOwners). */
  directory?: () => Promise<Pick<ConversationStore, 'getRepByEmail'>>;
  /**
   * The run ledger, to know the weekly run before this week's, if any (its cards are last week's
   * list), and the team's time zone, the day of a run's cards.
   */
  ledger?: { runs: LastCardsLedger; timeZone: string };
}

/** Reads what listsOf plans from besides the book: the installed reps' names and the runs before this week's. */
export async function listInputsFor(
  read: Book,
  { states, runKey }: ListsNowRequest,
  { directory, ledger }: ListSources,
): Promise<ListInputs> {
  const reps = directory ? await directory() : undefined;
  const [feedRenames, storedRenames] = reps
    ? await Promise.all([feedOwnerRenames(read, reps), storedOwnerRenames(states, reps)])
    : [new Map<string, string>(), new Map<string, string>()];
  // In the first week the stored kinds are this week's run's: read as last week's list, every
  // row past the card ("Show the next", `list 2`) said "Still on your list" beside a card whose
  // rows all said "New on your list".
  const lastCards = ledger ? await lastCardsOptions(ledger.runs, runKey, ledger.timeZone, 'list') : {};
  return { feedRenames, storedRenames, lastCards };
}

/**
 * The lists `list` shows, planned exactly as the weekly run plans its cards (planWeek: the same
 * scoring, gates, holdout, split and cap), so a card and `list` never disagree. `runAt` dates only
 * the audit rows a run would write, which `list` does not.
 */
export function listsOf(
  read: Book,
  rules: Rules,
  request: ListsNowRequest,
  inputs: ListInputs,
  runAt: string,
): ListsNow {
  return listsOfScored(listsScoring(read, rules, request, inputs), request, inputs, runAt);
}

/**
 * listsOf's part that reads no stored state: the book as `list` reads it (the feed's owners
 * renamed) scored as of the day (scoreWeek), or why there is no list. It depends on the book, the
 * rules, the day, the locale, the feed's renames and the runs before this week's (scoringKey), so
 * keptListsNow keeps it while those stay the same and only re-judges it after a write.
 */
export type ListsScoring =
  | {
      rules: Rules;
      week: UnjudgedWeek;
      /** Every owner in the book (lower case): ListsNow's. */
      owners: ReadonlySet<string>;
    }
  | { stale: FeedSilence };

/** listsOf's scoring of the book (ListsScoring). */
export function listsScoring(
  read: Book,
  rules: Rules,
  request: ListsNowRequest,
  inputs: ListInputs,
): ListsScoring {
  const book = withOwnersRenamed(read, inputs.feedRenames);
  const silence = feedSilence(book, dayOf(request.localDate), rules.feedStaleDays);
  if (isStale(silence)) return { stale: silence };
  const { lastRun, lastRunByRep } = inputs.lastCards;
  const numbers = numberWords(request.locale ?? 'en-US');
  return {
    rules,
    week: scoreWeek(book, rules, dayOf(request.localDate), { lastRun, lastRunByRep, numbers }),
    owners: new Set(book.customers.map((c) => addressKey(c.owner))),
  };
}

/** What a ListsScoring depends on besides the read book and the rules, as one comparable text. */
export function scoringKey(request: ListsNowRequest, inputs: ListInputs): string {
  const { lastRun = null, lastRunByRep = new Map() } = inputs.lastCards;
  return JSON.stringify([
    request.localDate,
    request.locale ?? 'en-US',
    sortedEntries(inputs.feedRenames),
    lastRun,
    sortedEntries(lastRunByRep),
  ]);
}

/** A map's entries sorted by key, to compare as text. */
export function sortedEntries<T>(m: ReadonlyMap<string, T>): [string, T][] {
  return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** listsOf from its scoring (listsScoring): the gates, holdout, split and cap against the request's states. */
export function listsOfScored(
  scoring: ListsScoring,
  request: ListsNowRequest,
  inputs: ListInputs,
  runAt: string,
): ListsNow {
  if ('stale' in scoring) return scoring;
  const { rules, week, owners } = scoring;
  const { localDate, runKey } = request;
  const { storedRenames } = inputs;
  const states = withPutBack(request.states, putBack(request.states, request.asBefore));
  const options: LastWeekOptions = {
    storedOwner: (owner) => storedRenames.get(owner) ?? owner,
    ...inputs.lastCards,
  };
  const since = judgeWeek(week, states, options);
  const plan = planScoredWeek(since, rules, states, { localDate, runKey, runAt }, new Map(), options);
  return { weeks: plan.weeks, horizonDays: plan.scored.noOrderHorizonDays, owners };
}

/**
 * The lists `list` shows: the feed read now and planned by listsOf, nothing kept between calls
 * (keptListsNow keeps them while nothing they are planned from changed).
 */
export function listsNowFrom(
  readBook: (asOf: string) => Promise<{ book: Book }>,
  rules: Rules,
  clock: () => Date = () => new Date(),
  directory?: ListSources['directory'],
  ledger?: ListSources['ledger'],
): (request: ListsNowRequest) => Promise<ListsNow> {
  return async (request) => {
    const read = (await readBook(request.localDate)).book;
    const inputs = await listInputsFor(read, request, { directory, ledger });
    await request.beforePlanning?.(read.customers.length);
    return listsOf(read, rules, request, inputs, clock().toISOString());
  };
}
