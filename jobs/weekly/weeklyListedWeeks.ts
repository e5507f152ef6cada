import { chancePercent } from '../../cards/format';
import type { ListedWeek } from '../../rules/listedWeeks';
import type { ScoredCustomer } from '../../rules/scoreBook';
import type { RepWeek } from './weeklyLists';

/**
 * What this week's run records of each customer on a list (any page) or drawn by the holdout: the
 * kind, the chance the card stated, the place on the list and the card page. A card's first page is
 * the rows it flagged (those past it are not surfaced); the later pages, "Show the next", hold as
 * many rows each.
 */
export function listedWeeksOf(
  weeks: readonly RepWeek[],
  heldOut: readonly ScoredCustomer[],
  at: { runKey: string; localDate: string },
): { customerId: string; week: ListedWeek }[] {
  const out: { customerId: string; week: ListedWeek }[] = [];
  const entry = (c: ScoredCustomer, place: { rank: number; page: number } | null) => {
    if (c.segment === null) return;
    out.push({
      customerId: c.customerId,
      week: {
        run: at.runKey,
        day: at.localDate,
        owner: c.owner,
        kind: c.segment,
        chance: chancePercent(c.listChance),
        rank: place?.rank ?? null,
        page: place?.page ?? null,
        heldOut: place === null,
      },
    });
  };
  for (const week of weeks) {
    const onFirstPage = week.shown.filter((c) => c.surfaced).length;
    const pageSize = Math.max(1, onFirstPage || week.shown.length);
    [...week.shown, ...week.overflow].forEach((c, k) => {
      entry(c, { rank: c.rank ?? k + 1, page: Math.floor(k / pageSize) + 1 });
    });
  }
  for (const c of heldOut) entry(c, null);
  return out;
}
