import type { FeedResult } from '../../feed/readFeed';
import { dayOf, isoOfDay } from '../../rules/book';
import { localDate, shiftMonth } from '../../rules/calendar';
import { orderLookup, savesHolding } from '../../rules/followUps';
import type { Rules } from '../../rules/rulesSchema';
import type { StateStore } from '../../storage/stateStore';
import type { SummaryInput } from '../monthly';

/** Reads the saves that hold for a month's summary: as of the month's last day, or today when that is earlier. */
export type SavesLoader = (month: string, now: Date) => Promise<NonNullable<SummaryInput['saves']>>;

/** Saves that hold from the feed and the stored states (every won-back customer still in the book). */
export function savesLoader(
  readBook: (asOf: string) => Promise<FeedResult>,
  state: Pick<StateStore, 'getAll'>,
  rules: Rules,
  timeZone: string,
): SavesLoader {
  return async (month, now) => {
    const monthEnd = dayOf(`${shiftMonth(month, 1)}-01`) - 1;
    const asOf = isoOfDay(Math.min(dayOf(localDate(now.toISOString(), timeZone)), monthEnd));
    const [{ book }, states] = await Promise.all([readBook(asOf), state.getAll()]);
    const lookup = orderLookup(book, rules, dayOf(asOf));
    const active = [...states.values()].filter(
      (s) => s.status === 'active' && s.wonBackAt !== null && s.wonBackAt <= asOf,
    );
    return { asOf, saves: savesHolding(active, lookup, rules) };
  };
}
