import type { Book } from '../../rules/book';
import { type CustomerState, sameCustomerState } from '../../rules/customerState';
import type { Rules } from '../../rules/rulesSchema';
import {
  type ListInputs,
  type ListSources,
  type ListsNow,
  type ListsNowRequest,
  type ListsScoring,
  listInputsFor,
  listsOfScored,
  listsScoring,
  putBack,
  scoringKey,
  sortedEntries,
} from './weeklyPlan';

/**
 * How many planned lists are kept at once, all of one book and one rules file: one per set of
 * this week's actions put back (each rep's own), day and locale. What is kept is the listed
 * customers' rows and the rows put back (and, once for all of them, the book's scoring).
 */
export const KEPT_LISTS = 4;

/**
 * The largest book whose scoring is kept between plans. A scoring holds about 54 MB of heap at
 * 100,000 customers and 533 MB at a million, in the instance whose weekly run already nears its
 * memory at 900,000 customers (docs/scale.md): up to 300,000 (about 160 MB) it is kept, and a
 * larger book's list after a change of states is scored again, as each plan was before.
 */
export const KEPT_SCORING_MAX_CUSTOMERS = 300_000;

export interface KeptListsDeps extends ListSources {
  /** The rules in force: the same object while the rules file has not changed. */
  rules: () => Promise<Rules>;
  /**
   * The feed as of a day, read with `rules`' columns and formats through the kept feed: the same
   * book while neither the feed nor how it is read changed.
   */
  readBook: (asOf: string, rules: Rules) => Promise<{ book: Book }>;
  clock: () => Date;
  /** KEPT_SCORING_MAX_CUSTOMERS unless given. */
  keptScoringMaxCustomers?: number;
}

/** The states a plan was made from: the stored rows as read, and this week's actions put back. */
interface PlannedStates {
  stored: ReadonlyMap<string, CustomerState>;
  putBack: ReadonlyMap<string, CustomerState>;
}

/** The book scored for `list` (listsScoring), and what it was scored from. */
interface KeptScoring {
  read: Book;
  rules: Rules;
  key: string;
  scoring: ListsScoring;
}

interface Kept {
  read: Book;
  rules: Rules;
  key: string;
  states: PlannedStates;
  lists: ListsNow;
}

/**
 * `list` and its pages ("Show the next", `list 2`), planned as listsNowFrom plans them, and the plan
 * kept while nothing it is planned from changed: the book the feed was read into, the rules, every
 * customer's state as the plan judges it (this week's actions put back, compared field by field,
 * so the asking rep's own "Reached out" between pages, put back, changes nothing, while any other
 * write does), the day, the week, the locale, the reps' names and the runs before this week's (read
 * again on every request: a few small queries). Reading and scoring a 100,000-customer book takes
 * seconds, 30 at a million: each page read and scored it again, and Azure Bot Service gives a bot
 * 10 to 15 seconds, depending on the channel, to answer before it times out with a 504
 * (https://learn.microsoft.com/azure/bot-service/bot-builder-howto-long-operations-guidance).
 * When the states changed (another rep's tap, a save, a run, before the first run a page's own
 * rows), the book's scoring is kept too (listsScoring: this week's and the replay of last week's,
 * everything that reads no customer's state, for as long as the book, the rules and scoringKey
 * stay the same), and only the gates, the ranks and what changed since last week are worked out
 * again: a fraction of a second where the whole plan took seconds. `beforePlanning` is awaited
 * only before the book is scored.
 * The outcome a tapped row shows is not part of the plan: the caller reads it on each request.
 */
export function keptListsNow(deps: KeptListsDeps): (request: ListsNowRequest) => Promise<ListsNow> {
  let kept: Kept[] = [];
  // One scoring: another day, locale, run or rename is not asked for again, and at a million
  // customers a scoring holds hundreds of MB.
  let scored: KeptScoring | null = null;
  const planned = async (request: ListsNowRequest): Promise<ListsNow> => {
    const rules = await deps.rules();
    const read = (await deps.readBook(request.localDate, rules)).book;
    const inputs = await listInputsFor(read, request, deps);
    const key = listsKey(request, inputs);
    const states = { stored: request.states, putBack: putBack(request.states, request.asBefore) };
    // A plan of an earlier book or rules file is not asked for again (each only moves on): let it
    // go, and the book it holds with it.
    kept = kept.filter((k) => k.read === read && k.rules === rules);
    const found = kept.find((k) => k.key === key && sameStates(k.states, states));
    if (found) {
      found.states = states;
      kept = [found, ...kept.filter((k) => k !== found)];
      return found.lists;
    }
    // The book scored as of the day is kept apart from the plans: a write that changes any state
    // (another rep's tap, a run, a save, a page's own rows before the first run) re-judges it, in a
    // fraction of a second, where scoring it again took seconds.
    const sKey = scoringKey(request, inputs);
    let scoring =
      scored?.read === read && scored.rules === rules && scored.key === sKey ? scored.scoring : null;
    if (scoring === null) {
      scored = null;
      await request.beforePlanning?.(read.customers.length);
      scoring = listsScoring(read, rules, request, inputs);
      if (read.customers.length <= (deps.keptScoringMaxCustomers ?? KEPT_SCORING_MAX_CUSTOMERS))
        scored = { read, rules, key: sKey, scoring };
    }
    const lists = listsOfScored(scoring, request, inputs, deps.clock().toISOString());
    // Plans of states read before these are let go too: a write since (a tap, a run) is in every
    // rep's states but the writer's own put-back rows.
    kept = [{ read, rules, key, states, lists }, ...kept.filter((k) => k.states.stored === states.stored)];
    kept.length = Math.min(kept.length, KEPT_LISTS);
    return lists;
  };
  // A `list` asked while the same one is being worked out (typed twice, `list 2` after `list`) waits
  // for that plan rather than planning the book a second time. The same message delivered again by
  // Teams gets here only when its first worker died: the bot answers each activity id once (leasedWork).
  const inFlight = new Map<string, InFlight>();
  return (request) => {
    const key = inFlightKey(request);
    const same = inFlight.get(key);
    if (same && same.states === request.states) {
      if (request.beforePlanning) same.waiting.push(request.beforePlanning);
      return same.lists;
    }
    const waiting = request.beforePlanning ? [request.beforePlanning] : [];
    const lists = planned({
      ...request,
      beforePlanning: async (customers) => {
        // By index: a request that joins while one of these is awaited is told as well.
        for (let i = 0; i < waiting.length; i++) await waiting[i]?.(customers);
      },
    }).finally(() => {
      if (inFlight.get(key)?.lists === lists) inFlight.delete(key);
    });
    inFlight.set(key, { states: request.states, waiting, lists });
    return lists;
  };
}

/** A plan being worked out, and the callers waiting for it, each told before the planning starts. */
interface InFlight {
  states: ReadonlyMap<string, CustomerState>;
  waiting: ((customers: number) => Promise<void>)[];
  lists: Promise<ListsNow>;
}

/** The same request as far as a plan goes: the same day, week, locale and rows put back (the states are compared as the same map). */
function inFlightKey(request: ListsNowRequest): string {
  const { localDate, runKey, locale = 'en-US', asBefore = [] } = request;
  return JSON.stringify([localDate, runKey, locale, [...asBefore].sort()]);
}

/** True when every customer's state reads the same in `a` and `b`, each with its rows put back. */
function sameStates(a: PlannedStates, b: PlannedStates): boolean {
  const of = (s: PlannedStates, id: string) => s.putBack.get(id) ?? s.stored.get(id);
  const same = (id: string) => {
    const x = of(a, id);
    const y = of(b, id);
    return x === y || (x !== undefined && y !== undefined && sameCustomerState(x, y));
  };
  // The same stored rows (a kept reader's map while nothing was written): only the rows put back differ.
  if (a.stored === b.stored) return [...a.putBack.keys(), ...b.putBack.keys()].every(same);
  if (a.stored.size !== b.stored.size) return false;
  for (const id of b.stored.keys()) if (!a.stored.has(id) || !same(id)) return false;
  return true;
}

/** What a plan depends on besides the book, the rules and the states, as one comparable text. */
function listsKey(request: ListsNowRequest, inputs: ListInputs): string {
  const { lastWeek = null } = inputs.lastCards;
  return JSON.stringify([
    scoringKey(request, inputs),
    request.runKey,
    sortedEntries(inputs.storedRenames),
    lastWeek,
  ]);
}
