import type { ListedWeek } from '../../rules/listedWeeks';

/** A week a run listed the customer on `owner`'s card, first on its first page (slipping, 60%) unless said. */
export function listedWeek(run: string, day: string, owner: string, o: Partial<ListedWeek> = {}): ListedWeek {
  return { run, day, owner, kind: 'slipping', chance: 60, rank: 1, page: 1, heldOut: false, ...o };
}
