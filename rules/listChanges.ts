import { addressKey } from './addresses';
import { type Book, dayOf, isoOfDay } from './book';
import { mondayOf } from './calendar';
import type { CustomerState } from './customerState';
import { ordersEnd } from './features';
import { lastOrderDayOf } from './feedFreshness';
import type { NumberWords } from './model/plainWords';
import { chancePercent } from './noOrderChance';
import type { Rules } from './rulesSchema';
import {
  judgeBook,
  type ScoredBook,
  type ScoredCustomer,
  scoreUnjudged,
  type UnjudgedBook,
} from './scoreBook';

/** What changed for one listed customer since last week. */
export type ListChange =
  /** `from`: the rep whose customer this was until the feed moved them to this list's rep. */
  | { kind: 'new'; from?: string }
  | { kind: 'worse'; points: number }
  | { kind: 'still'; week: number | null }
  /**
   * Listed earlier in this slip (first flagged on `since`, `YYYY-MM-DD`; `pastCard`: never flagged,
   * first on the pages past the card on `since`), not on last week's list, not ordering since.
   * `wonBack`: won back on `since` with no order since: the save did not hold. A flag, not a kind of
   * its own, so a reader of the card data that knows these four kinds still reads the row as back.
   */
  | { kind: 'back'; since: string; pastCard?: true; wonBack?: true };

/**
 * True when the row starts the customer's weeks on the list anew: new, or back after a save that did
 * not hold (the save ended the slip whose weeks the row may still have stored).
 */
export function startsListing(change: ListChange): boolean {
  return change.kind === 'new' || (change.kind === 'back' && change.wonBack === true);
}

/** A customer on last week's list who ordered again since and left it. */
export interface BackOnTrack {
  customerId: string;
  name: string;
  /** The rep whose list they left (their owner last week when the feed has moved them since). */
  owner: string;
  /** `YYYY-MM-DD` of their latest order. */
  orderedOn: string;
}

/**
 * The chance of no order must rise by at least this many points, as the two weeks' rows showed it
 * (risePoints), for a row to say "worse".
 */
export const WORSE_BY_POINTS = 5;

/**
 * How many points a chance rose, in the whole percents the two weeks' rows showed: 63% then 69% is
 * up 6, though the unrounded rise (0.6874 - 0.6325) is 5.49.
 */
export function risePoints(now: number, before: number): number {
  return chancePercent(now) - chancePercent(before);
}

/**
 * True when the customer ordered on or after `day` (`YYYY-MM-DD`). Since the day they were first
 * listed in the cycle: nobody who ordered on the day of a run is listed by it (they are on time), so
 * the order came after the card. Off last week's list after such an order, they left it by ordering
 * ("Back on track"): a new listing is a new slip, not the old one going on. Since a save: the book
 * cannot tell an order on the save's day from one before the tap, and "no order since" would be
 * untrue of it.
 */
function orderedSince(c: ScoredCustomer, day: string): boolean {
  return c.lastOrderDay !== null && c.lastOrderDay >= dayOf(day);
}

/**
 * The day of a save that did not hold: won back by `asOfDay` (a later tap had not happened yet)
 * while the customer was this list's rep's (a rep the feed moved them to since never saved them),
 * with no order since, and no listing since but this week's (`listedBefore`: the stored listedAt of
 * a slip listed before this week, else null; a listing after the save and before this week is a
 * slip of its own, said as such). Else null. `storedOwner` as movedFrom's.
 */
function saveNotHeld(
  c: ScoredCustomer,
  state: CustomerState | undefined,
  asOfDay: number,
  listedBefore: string | null,
  storedOwner?: (owner: string) => string,
): string | null {
  const saved = state?.wonBackAt ?? null;
  if (saved === null || dayOf(saved) > asOfDay || orderedSince(c, saved)) return null;
  if (movedFrom(state?.wonBackOwner ?? undefined, c.owner, storedOwner) !== null) return null;
  return listedBefore === null || listedBefore <= saved ? saved : null;
}

/**
 * True when the stored cycle is one the daily digest started, telling of a save slipping within the
 * cool-down (jobs/followups/followUpsRun.ts): surfacedAt after the save with no listing since. It put
 * the customer on no list: listed later, they are not "Back on your list (first flagged ...)" of it.
 */
function digestCycle(state: CustomerState): boolean {
  const { surfacedAt, wonBackAt } = state;
  return state.listedAt === null && surfacedAt !== null && wonBackAt !== null && surfacedAt > wonBackAt;
}

/** The first day of the customer's weeks on the list: the earlier of surfacedAt and listedAt. */
function onListSince(state: CustomerState): string | null {
  const { surfacedAt, listedAt } = state;
  return surfacedAt !== null && (listedAt === null || surfacedAt < listedAt) ? surfacedAt : listedAt;
}

/**
 * True when a weekly run stored the customer as a kind of name, or listed them in this cycle: only
 * then is the replay of last week believed to be what a card showed. Every run stores each scored
 * customer's kind, so there is none on the first run, for a customer new to the feed, or on the
 * bare row `list` makes before the first run (so a tap has a row to act on).
 */
function storedAsListed(state: CustomerState | undefined): state is CustomerState {
  return state !== undefined && (state.segment !== null || state.surfacedAt !== null);
}

/**
 * Where last week's list is known from. `stored` (the product's runs): the replay of the last run
 * (`lastRun`; else a week earlier) against the stored states, for customers a run has stored a row
 * of. `replayed` (the CLI, which remembers no run): the replay alone, as if last week's card had gone
 * out. `none`: no weekly run before this week's, so there was no list last week, whatever kinds this
 * week's run stored. A rep in `lastRunByRep` goes by their own run instead, whichever of these is set.
 */
export interface LastWeekOptions {
  lastWeek?: 'stored' | 'replayed' | 'none';
  /** The last weekly run before this week's, when the run ledger knows it (else: a week before). */
  lastRun?: LastRun;
  /**
   * Per rep (addressKey of the owner), a later run than `lastRun` that sent them their card but
   * never finished (the process died mid-run and no tick of its week came back): their last card.
   */
  lastRunByRep?: ReadonlyMap<string, LastRun>;
  /** A stored row's owner in the feed's form (the weekly run's storedOwnerOf); as stored when missing. */
  storedOwner?: (owner: string) => string;
  /** How this week's reasons write their numbers: the cards' LOCALE (rules/model/plainWords.ts). */
  numbers?: NumberWords;
}

/**
 * A weekly run as the next one replays it: the day its cards went out, and the newest order day of
 * the feed it read (null: not recorded).
 */
export interface LastRun {
  on: string;
  feedTo: string | null;
}

/**
 * The week of a slip a card is in: 1 in the calendar week (Monday to Sunday) it was first listed, 2
 * in the next, whatever weekday either run fell on: in days over 7, the Monday after a first card
 * sent on a Tuesday (the send time moved to see a card sooner, as the deploy guide suggests) would
 * say "Still on your list (week 1)" on the second card.
 */
export function slipWeek(asOfDay: number, surfacedAt: string): number {
  return Math.round((dayOf(mondayOf(isoOfDay(asOfDay))) - dayOf(mondayOf(surfacedAt))) / 7) + 1;
}

/**
 * The feed holds no order newer than the one the last run read (the export stopped, or nobody
 * ordered all week): `lastCardsOn` is the day of that run's cards, `newestOrder` the feed's newest
 * order (`YYYY-MM-DD` both).
 */
export interface FeedUnchanged {
  lastCardsOn: string;
  newestOrder: string;
}

/** This week's scoring and what changed since last week's. */
export interface WeekWithChanges {
  scored: ScoredBook;
  /** Per customer on this week's lists (by id). */
  changes: Map<string, ListChange>;
  backOnTrack: BackOnTrack[];
  /** Set when the feed has no order the last run did not read: no row is then "worse". */
  feedUnchanged: FeedUnchanged | null;
}

/**
 * Scores the book as of `asOfDay` and as last week's run read it (lastRead), and says for each
 * listed customer what changed: judgeWeek of scoreWeek.
 */
export function scoreWeekWithChanges(
  book: Book,
  rules: Rules,
  asOfDay: number,
  states: ReadonlyMap<string, CustomerState> = new Map(),
  options: LastWeekOptions = {},
): WeekWithChanges {
  return judgeWeek(scoreWeek(book, rules, asOfDay, options), states, options);
}

/**
 * This week's scoring and last week's replays before any stored state is read (UnjudgedBook, each):
 * judgeWeek judges them against the states. It reads `options`' lastRun, lastRunByRep and numbers.
 */
export interface UnjudgedWeek {
  book: Book;
  asOfDay: number;
  thisWeek: UnjudgedBook;
  /** Each replay of last week (lastRead): 0 the default (lastRun), then one per run of lastRunByRep. */
  reads: { day: number; ordersTo: number; replay: UnjudgedBook }[];
  /** Per customer (by book index), the replay their rep last got a card from. */
  readOf: Uint8Array;
  /** Per customer, their chance of no order in that replay. */
  chanceBefore: Float64Array;
  feedUnchanged: FeedUnchanged | null;
}

/** The part of scoreWeekWithChanges that reads no stored state (UnjudgedWeek): nearly all its time. */
export function scoreWeek(
  book: Book,
  rules: Rules,
  asOfDay: number,
  options: Pick<LastWeekOptions, 'lastRun' | 'lastRunByRep' | 'numbers'> = {},
): UnjudgedWeek {
  const n = book.customers.length;
  // Which replay each customer's rep last got a card from: 0 the default (lastRun), then one per run
  // of lastRunByRep, so a week after a run that died midway replays once more, not once per rep.
  const runs = [lastRead(asOfDay, options.lastRun)];
  const readOf = new Uint8Array(n);
  const byRep = options.lastRunByRep;
  if (byRep !== undefined && byRep.size > 0) {
    const readOfRun = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const run = byRep.get(addressKey(book.customers[i].owner));
      if (run === undefined) continue;
      const key = `${run.on} ${run.feedTo}`;
      let k = readOfRun.get(key);
      if (k === undefined) {
        k = runs.push(lastRead(asOfDay, run)) - 1;
        readOfRun.set(key, k);
      }
      readOf[i] = k;
    }
  }
  // Last week's lists, kept as a chance per customer and the records of those who pass the gates
  // with no stored row: a second ScoredBook held beside this week's would double the run's working
  // set on a million-customer book.
  const chanceBefore = new Float64Array(n);
  const reads = runs.map((last, k) => {
    const chances = k === 0 ? chanceBefore : new Float64Array(n);
    const replay = scoreUnjudged(asLastWeekRead(book, last), rules, last.day, {
      reasons: false,
      listChances: chances,
    });
    if (k > 0) for (let i = 0; i < n; i++) if (readOf[i] === k) chanceBefore[i] = chances[i];
    return { ...last, replay };
  });
  const thisWeek = scoreUnjudged(book, rules, asOfDay, { numbers: options.numbers });
  const feedUnchanged = unchangedSince(book, asOfDay, options.lastRun);
  return { book, asOfDay, thisWeek, reads, readOf, chanceBefore, feedUnchanged };
}

/**
 * This week's lists and what changed for each listed customer since last week's, judged against the
 * stored states: `worse` when the chance of no order rose by WORSE_BY_POINTS or more as the rows showed it, else `still` when they were
 * on last week's list (any page; the week from the stored surfacedAt or listedAt, the earlier), else `back` when
 * listed earlier in this slip cycle and not ordering since, else `new`. Before all but a move: `back`
 * with `wonBack` when won back with no order since and not listed since (saveNotHeld).
 * Last week's list is the replay of a week earlier against the stored states, believed only for a
 * customer a run stored as listed (storedAsListed).
 * A customer who left the list by ordering and is listed again is `new`: the weekly run then starts
 * their cycle anew (jobs/weekly/weeklyStates.ts). Who was on last week's list and has ordered since is
 * "back on track". It reads `options`' lastWeek and storedOwner.
 */
export function judgeWeek(
  week: UnjudgedWeek,
  states: ReadonlyMap<string, CustomerState>,
  options: Pick<LastWeekOptions, 'lastWeek' | 'storedOwner'> = {},
): WeekWithChanges {
  const { book, asOfDay, reads, readOf, chanceBefore, feedUnchanged } = week;
  // A row first listed this calendar week (this week's card, read back by `list` mid-week) says
  // nothing about last week's list: without this, `list` after a first card called its rows
  // "Still on your list" while the card itself said "New on your list".
  const listedBeforeThisWeek = (surfacedAt: string | null): surfacedAt is string =>
    surfacedAt !== null && slipWeek(asOfDay, surfacedAt) > 1;
  const n = book.customers.length;
  // A row flagged this week may have been on last week's list past its card (listedAt earlier): read
  // by `list` after the run, such a row said "New on your list" beside the card's "Still on your list".
  // No card ever reached the rep: the stored surfacedAt of a run that died before sending theirs is
  // no listing they saw ("Back on your list (first flagged ...)" of a card they never got).
  const noCardYet = (index: number) => options.lastWeek === 'none' && readOf[index] === 0;
  const wasListed = (id: string, index: number) => {
    if (options.lastWeek === 'replayed') return true;
    if (noCardYet(index)) return false;
    const state = states.get(id);
    if (!storedAsListed(state)) return false;
    const since = onListSince(state);
    return since === null || listedBeforeThisWeek(since);
  };
  // Last week's lists, kept as two columns beside chanceBefore: only the customers who passed last
  // week's gates come back as records.
  const rankedBefore = new Uint8Array(n);
  const surfacedBefore = new Uint8Array(n);
  for (const [k, { replay, day }] of reads.entries()) {
    // The rep's taps on last week's card are dated its day, after it went out: judged as of that day
    // they took the rows tapped off the replayed card, and the next ones slid into their places, so
    // "Back on track" named a customer who was never on it (as its orders of that day, asLastWeekRead).
    for (const c of judgeBook(replay, states, day - 1).customers) {
      if (readOf[c.index] !== k) continue;
      rankedBefore[c.index] = c.rank !== null ? 1 : 0;
      surfacedBefore[c.index] = c.surfaced ? 1 : 0;
    }
  }
  const scored = judgeBook(week.thisWeek, states);
  const changes = new Map<string, ListChange>();
  const backOnTrack: BackOnTrack[] = [];
  for (const c of scored.customers) {
    const before = {
      listChance: chanceBefore[c.index],
      rank: rankedBefore[c.index] === 1 ? 1 : null,
      surfaced: surfacedBefore[c.index] === 1,
    };
    if (c.rank !== null) {
      const state = states.get(c.customerId);
      const surfacedAt = state?.surfacedAt ?? null;
      // A first card must not say "worse" against a chance nobody was shown (storedAsListed).
      const onLastWeeksList = before.rank !== null && wasListed(c.customerId, c.index);
      // In the points the rows showed: by the unrounded rise, 52% then 57% said "worse" and 64% then
      // 69% on the same card "still" (a rise of 4.6).
      const rise = risePoints(c.listChance, before.listChance);
      const listedAt = state?.listedAt ?? null;
      const listedEarlier =
        listedBeforeThisWeek(surfacedAt) && !noCardYet(c.index) && !(state && digestCycle(state));
      // Rows past the first card are not flagged (no surfacedAt), but their weeks on the list are
      // known from listedAt: "(week N)" beside them as beside the flagged rows.
      const listedSince = state ? onListSince(state) : null;
      const from = movedFrom(state?.owner, c.owner, options.storedOwner);
      // This week's listing (the card `list` reads back mid-week) is the one judged, not a slip since.
      // By listedAt, which only a listing sets: the digest that tells of a save slipping within the
      // cool-down starts a new cycle (surfacedAt) with the customer on no list.
      const savedOn = saveNotHeld(
        c,
        state,
        asOfDay,
        listedBeforeThisWeek(listedAt) ? listedAt : null,
        options.storedOwner,
      );
      // A customer the feed moved from another rep is new to this one, whatever their weeks on the
      // other rep's list: "Still on your list (week 3)" on a name they never had would be untrue.
      if (from !== null) changes.set(c.customerId, { kind: 'new', from });
      // Won back and never ordering since: "New on your list" told the rep who saved them nothing of
      // the save, which did not hold.
      else if (savedOn !== null) changes.set(c.customerId, { kind: 'back', since: savedOn, wonBack: true });
      // With no order in the feed since the last card, every chance rose with the days alone: on a
      // week the export stopped, every row of the card said "Worse".
      else if (onLastWeeksList && rise >= WORSE_BY_POINTS && feedUnchanged === null)
        changes.set(c.customerId, { kind: 'worse', points: rise });
      else if (onLastWeeksList && listedBeforeThisWeek(listedSince))
        changes.set(c.customerId, { kind: 'still', week: slipWeek(asOfDay, listedSince) });
      // On last week's list, on its card or a later page (the card counts those as "on your list"
      // too, and "worse" goes by the same): not new.
      else if (onLastWeeksList) changes.set(c.customerId, { kind: 'still', week: null });
      // Off last week's list (paused after a call, cooling down, under the chance) with no order
      // since the slip was first listed: the same slip, back, not "still on your list (week 4)"
      // on its second card.
      else if (listedEarlier && !orderedSince(c, surfacedAt))
        changes.set(c.customerId, { kind: 'back', since: surfacedAt });
      // Not flagged before this week, listed on the pages past the card (paused after a call made
      // from one): the slip goes on as a flagged row's, from its first week on the list
      // (jobs/weekly/weeklyStates.ts). Flagged by this week's run, as `list` reads the row after it.
      else if (
        !listedBeforeThisWeek(surfacedAt) &&
        listedBeforeThisWeek(listedSince) &&
        !noCardYet(c.index) &&
        !orderedSince(c, listedSince)
      )
        changes.set(c.customerId, { kind: 'back', since: listedSince, pastCard: true });
      else changes.set(c.customerId, { kind: 'new' });
    } else if (before.surfaced && wasListed(c.customerId, c.index)) {
      const i = c.index;
      const end = ordersEnd(book, i, asOfDay);
      // Since last week's card, as the replay read it (asLastWeekRead): an order on that Monday counts.
      const orderedSince = end > ordersEnd(book, i, reads[readOf[i]].ordersTo);
      // The news is for the rep whose list they left: the feed may have moved them to another rep
      // since, who never had them on a list (and may not know a call brought them back).
      if (orderedSince)
        backOnTrack.push({
          customerId: c.customerId,
          name: c.name,
          owner: movedFrom(states.get(c.customerId)?.owner, c.owner, options.storedOwner) ?? c.owner,
          orderedOn: isoOfDay(book.orderDay[end - 1]),
        });
    }
  }
  return { scored, changes, backOnTrack, feedUnchanged };
}

/** FeedUnchanged when the book's newest order on or before `asOfDay` is no newer than the last run's feed's. */
function unchangedSince(book: Book, asOfDay: number, lastRun: LastRun | undefined): FeedUnchanged | null {
  if (!lastRun?.feedTo || dayOf(lastRun.on) >= asOfDay) return null;
  const newest = lastOrderDayOf(book, asOfDay);
  return newest !== null && newest <= dayOf(lastRun.feedTo)
    ? { lastCardsOn: lastRun.on, newestOrder: isoOfDay(newest) }
    : null;
}

/**
 * Last week's run as far as a book of whole days can tell: the day it scored as of, and the last day
 * of orders it read. Its orders are those before its own day: the run went out in the morning,
 * before nearly all of its day's orders. Replayed with them, last week's list lost the customers who
 * ordered that Monday after the card (so no "Back on track" named them), and the model, refitted on
 * a day's more orders, moved every chance by a point or two: "Worse: up 9 points" between rows that
 * had read 49% and 56%, and a row of last week's card under the bar in the replay came back as
 * "Back on your list". From the run ledger: the last run's day (two weeks back after a week without
 * a run), and the newest order of its feed when older (an export that had not moved that week).
 */
function lastRead(asOfDay: number, lastRun: LastRun | undefined): { day: number; ordersTo: number } {
  const on = lastRun ? dayOf(lastRun.on) : Number.NaN;
  const day = on < asOfDay ? on : asOfDay - 7;
  const feedTo = lastRun?.feedTo ? dayOf(lastRun.feedTo) : day - 1;
  return { day, ordersTo: Math.min(day - 1, feedTo) };
}

/**
 * The book as the last run read it (lastRead): its orders and tickets after `ordersTo`, up to its
 * day, moved to the day after it, where the replay does not count them; each customer's orders stay
 * sorted by day. The days are copied, not moved in place: the book is shared with this week's scoring.
 */
function asLastWeekRead(book: Book, read: { day: number; ordersTo: number }): Book {
  const later = (days: Int32Array): Int32Array => {
    let moved: Int32Array | null = null;
    for (let k = 0; k < days.length; k++) {
      if (days[k] <= read.ordersTo || days[k] > read.day) continue;
      moved ??= days.slice();
      moved[k] = read.day + 1;
    }
    return moved ?? days;
  };
  return { ...book, orderDay: later(book.orderDay), ticketDay: later(book.ticketDay) };
}

/**
 * The stored owner when the feed now names another rep (addresses compared without case, the stored
 * one read by `storedOwner` first), else null.
 */
export function movedFrom(
  stored: string | undefined,
  owner: string,
  storedOwner: (owner: string) => string = (o) => o,
): string | null {
  if (stored === undefined) return null;
  const before = addressKey(storedOwner(stored));
  return before !== '' && before !== addressKey(owner) ? before : null;
}
