import { chancePercent } from '../../cards/format';
import type { CustomerState } from '../../rules/customerState';
import type { ListedWeek } from '../../rules/listedWeeks';
import type { ScoredCustomer } from '../../rules/scoreBook';
import type { Segment } from '../../rules/segments';
import type { RepWeek } from './weeklyLists';

/**
 * What this week's run records of each customer on a list (any page) or drawn by the holdout: the
 * kind, the chance the card stated, the place on the list, and whether the card's first page had
 * them (page 1) or a later one did (2: how many rows "Show the next" holds is worked out when it is
 * tapped, so the run does not know which later page). A rep's card an earlier attempt of the week
 * delivered (`delivered`, its customers in the card's order) is what the rep saw: those on it are
 * recorded in its order even if a tap or an order since took them off the list.
 */
export function listedWeeksOf(
  weeks: readonly RepWeek[],
  customers: readonly ScoredCustomer[],
  heldOut: readonly ScoredCustomer[],
  delivered: ReadonlyMap<string, ReadonlySet<string>>,
  previous: ReadonlyMap<string, CustomerState>,
  at: { runKey: string; localDate: string },
): { customerId: string; week: ListedWeek }[] {
  const out: { customerId: string; week: ListedWeek }[] = [];
  const recorded = new Set<string>();
  const entry = (
    c: ScoredCustomer,
    kind: Segment | null,
    place: { rank: number | null; page: number } | null,
  ) => {
    if (kind === null || recorded.has(c.customerId)) return;
    recorded.add(c.customerId);
    out.push({
      customerId: c.customerId,
      week: {
        run: at.runKey,
        day: at.localDate,
        owner: c.owner,
        kind,
        chance: chancePercent(c.listChance),
        rank: place?.rank ?? null,
        page: place?.page ?? null,
        heldOut: place === null,
      },
    });
  };
  const cardPlace = (c: ScoredCustomer): number | null => {
    const card = delivered.get(c.owner);
    if (!card?.has(c.customerId)) return null;
    return [...card].indexOf(c.customerId) + 1;
  };
  for (const c of customers) {
    const rank = cardPlace(c);
    // On a card that went out, though no longer listed now: the kind the card gave them.
    if (rank !== null) entry(c, c.segment ?? previous.get(c.customerId)?.segment ?? null, { rank, page: 1 });
  }
  for (const week of weeks)
    for (const c of [...week.shown, ...week.overflow])
      entry(c, c.segment, { rank: c.rank, page: c.surfaced ? 1 : 2 });
  for (const c of heldOut) entry(c, c.segment, null);
  return out;
}
