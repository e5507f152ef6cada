import type { Book } from '../../rules/book';
import type { CustomerState } from '../../rules/customerState';
import type { Rules } from '../../rules/rulesSchema';
import {
  type ListInputs,
  type ListSources,
  type ListsNow,
  type ListsNowRequest,
  listInputsFor,
  listsOf,
} from './weeklyPlan';

/**
 * How many planned lists are kept at once, all of one book, one rules file and one read of the
 * states: one per set of this week's actions put back (each rep's own), day and locale. A plan of a
 * 100,000-customer book takes seconds; what is kept is only the listed customers' rows.
 */
export const KEPT_LISTS = 8;

export interface KeptListsDeps extends ListSources {
  /** The rules in force: the same object while the rules file has not changed. */
  rules: () => Promise<Rules>;
  /**
   * The feed as of a day, read with `rules`' columns and formats through the kept feed: the same
   * book while neither the feed nor how it is read changed.
   */
  readBook: (asOf: string, rules: Rules) => Promise<{ book: Book }>;
  clock: () => Date;
}

interface Kept {
  read: Book;
  rules: Rules;
  states: ReadonlyMap<string, CustomerState>;
  key: string;
  lists: ListsNow;
}

/**
 * `list` and its pages ("Show the next"), planned as listsNowFrom plans them, and the plan kept
 * while nothing it is planned from changed: the book the feed was read into, the rules, the states
 * map (a kept reader hands out a new map when any row was written: a tap, a weekly run), the
 * customers put back as before this week's actions, the day, the week, the locale, the reps'
 * names and the runs before this week's (read again on every request: a few small queries).
 * Reading and scoring a 100,000-customer book takes seconds, 30 at a million: each page of a list
 * read it again, and Azure Bot Service gives a bot 10 to 15 seconds, depending on the channel, to
 * answer before it times out with a 504
 * (https://learn.microsoft.com/azure/bot-service/bot-builder-howto-long-operations-guidance).
 * The outcome a tapped row shows is not part of the plan: the caller reads it on each request.
 */
export function keptListsNow(deps: KeptListsDeps): (request: ListsNowRequest) => Promise<ListsNow> {
  let kept: Kept[] = [];
  return async (request) => {
    const rules = await deps.rules();
    const read = (await deps.readBook(request.localDate, rules)).book;
    const inputs = await listInputsFor(read, request, deps);
    const key = listsKey(request, inputs);
    const sameSources = (k: Kept) => k.read === read && k.rules === rules && k.states === request.states;
    const found = kept.find((k) => sameSources(k) && k.key === key);
    if (found) {
      kept = [found, ...kept.filter((k) => k !== found)];
      return found.lists;
    }
    const lists = listsOf(read, rules, request, inputs, deps.clock().toISOString());
    // A plan of an earlier book, rules file or states is not asked for again (each only moves on):
    // let it go, and the book it holds with it.
    kept = [{ read, rules, states: request.states, key, lists }, ...kept.filter(sameSources)].slice(
      0,
      KEPT_LISTS,
    );
    return lists;
  };
}

/** What a plan depends on besides the book, the rules and the states map, as one comparable text. */
function listsKey(request: ListsNowRequest, inputs: ListInputs): string {
  const sorted = (m: ReadonlyMap<string, unknown>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const { lastWeek = null, lastRun = null, lastRunByRep = new Map() } = inputs.lastCards;
  return JSON.stringify([
    request.localDate,
    request.runKey,
    request.locale ?? 'en-US',
    [...(request.asBefore ?? [])].sort(),
    sorted(inputs.feedRenames),
    sorted(inputs.storedRenames),
    lastWeek,
    lastRun,
    sorted(lastRunByRep),
  ]);
}
