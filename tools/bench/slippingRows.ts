import type { WeekPlan } from '../../jobs/weekly/weeklyPlan';
import { type Book, dayOf, ordersEnd, type Rules, type ScoredCustomer } from '../../rules';

/** Hits (no order in the horizon) among `n` rows, beside a baseline's hits among as many. */
export interface Tally {
  n: number;
  hits: number;
  baseline: number;
}

/** Where and how far ahead the lists are judged. */
export interface JudgedDay {
  asOf: string;
  horizon: number;
  /** The slipping rows counted, and the baseline's pool: customers with an order in this many days. */
  activeWithin: number;
}

/** One rep's card: its slipping rows beside as many of the rep's customers silent longest. */
export interface RepJudgement {
  owner: string;
  shown: number;
  counts: WeekPlan['weeks'][number]['counts'];
  card: Tally;
}

/** The figures the lists are judged on (see listsBench.ts), pooled over the reps. */
export interface ListsJudgement {
  reps: RepJudgement[];
  /** Slipping rows on the cards beside "longest since last order" among the rep's active customers. */
  card: Tally;
  /** The same beside longest-since among the rep's established customers only. */
  established: Tally;
  /** Every slipping row of the list, later pages too. */
  wholeList: Tally;
  /** Every slipping row on the cards, however long the silence (baseline unused). */
  cardSlipping: Tally;
  /** Every row on the cards, any kind (baseline unused). */
  cardRows: Tally;
  /** Customers with an order in activeWithin days, and how many placed none in the horizon. */
  activeBook: { n: number; hits: number };
}

const zero = (): Tally => ({ n: 0, hits: 0, baseline: 0 });
const add = (a: Tally, b: Tally) => {
  a.n += b.n;
  a.hits += b.hits;
  a.baseline += b.baseline;
};

/** Each rep's card judged against what the book did in the horizon after `day.asOf`. */
export function judgeLists(
  book: Book,
  plan: WeekPlan,
  day: JudgedDay,
  lists: Pick<Rules['lists'], 'newCustomerOrders'>,
): ListsJudgement {
  const asOf = dayOf(day.asOf);
  const stopped = (c: ScoredCustomer) =>
    ordersEnd(book, c.index, asOf + day.horizon) === ordersEnd(book, c.index, asOf);
  const active = (c: ScoredCustomer) =>
    c.daysSinceLastOrder !== null && c.daysSinceLastOrder <= day.activeWithin;
  const longestSince = (a: ScoredCustomer, b: ScoredCustomer) =>
    (b.daysSinceLastOrder ?? 0) - (a.daysSinceLastOrder ?? 0);
  const tally = (rows: ScoredCustomer[], pool: ScoredCustomer[] = []): Tally => ({
    n: rows.length,
    hits: rows.filter(stopped).length,
    baseline: pool.slice(0, rows.length).filter(stopped).length,
  });
  const out: ListsJudgement = {
    reps: [],
    card: zero(),
    established: zero(),
    wholeList: zero(),
    cardSlipping: zero(),
    cardRows: zero(),
    activeBook: { n: 0, hits: 0 },
  };
  const activeBook = plan.customers.filter(active);
  out.activeBook = { n: activeBook.length, hits: activeBook.filter(stopped).length };
  for (const week of plan.weeks) {
    add(out.cardRows, tally(week.shown));
    add(out.cardSlipping, tally(week.shown.filter((c) => c.segment === 'slipping')));
    const mine = activeBook.filter((c) => c.owner === week.owner).sort(longestSince);
    const slipping = (rows: ScoredCustomer[]) => rows.filter((c) => c.segment === 'slipping' && active(c));
    const card = tally(slipping(week.shown), mine);
    add(out.card, card);
    add(
      out.established,
      tally(
        slipping(week.shown),
        mine.filter((c) => c.orderDays > lists.newCustomerOrders),
      ),
    );
    add(out.wholeList, tally(slipping([...week.shown, ...week.overflow]), mine));
    out.reps.push({ owner: week.owner, shown: week.shown.length, counts: week.counts, card });
  }
  return out;
}
