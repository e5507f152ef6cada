import { join } from 'node:path';
import { readFeed } from '../../feed/readFeed';
import { weeklyRunKey } from '../../jobs/schedule/weeklyRunDue';
import { planWeek } from '../../jobs/weekly/weeklyPlan';
import { type Book, dayOf, defaultRules, ordersEnd, type ScoredCustomer } from '../../rules';

/**
 * The figures issue "A list a rep can act on, on any book" asks for, per book:
 * - precision of each rep's `slipping` rows (the share who then placed no order in the horizon),
 *   among customers with an order in the last `activeWithin` days, beside the same number of that
 *   rep's customers taken by "longest since last order" among the same customers;
 * - one-order customers who ordered more recently than the book's median gap and are listed (any
 *   kind, and as slipping): must be 0;
 * - each rep's list size and the header's counts.
 * The lists are planned exactly as the weekly run plans them (planWeek, no remembered taps).
 */

interface BookCase {
  name: string;
  feed: string;
  asOf: string;
  horizon: number;
  activeWithin: number;
}

const root = join(__dirname, '../..');
const CASES: BookCase[] = [
  {
    name: 'Online Retail',
    feed: join(root, '../shared/data/benchmarks/online-retail/feed'),
    asOf: '2011-09-09',
    horizon: 91,
    activeWithin: 90,
  },
  { name: 'demo', feed: join(root, 'demo/feed'), asOf: '2026-08-24', horizon: 90, activeWithin: 90 },
];

function stoppedIn(book: Book, c: ScoredCustomer, day: number, horizon: number): boolean {
  return ordersEnd(book, c.index, day + horizon) === ordersEnd(book, c.index, day);
}

const pct = (hits: number, n: number) =>
  n === 0 ? '  n/a' : `${((100 * hits) / n).toFixed(1).padStart(5)}%`;

async function main(): Promise<void> {
  for (const k of CASES) {
    const { book } = await readFeed(k.feed, {});
    const rules = defaultRules();
    const day = dayOf(k.asOf);
    const plan = planWeek(book, rules, new Map(), {
      localDate: k.asOf,
      runKey: weeklyRunKey(new Date(`${k.asOf}T12:00:00Z`)),
      runAt: `${k.asOf}T00:00:00.000Z`,
    });
    const active = (c: ScoredCustomer) =>
      c.daysSinceLastOrder !== null && c.daysSinceLastOrder <= k.activeWithin;
    console.log(
      `\n${k.name}, as of ${k.asOf}, horizon ${k.horizon} days, among customers with an order in the last ${k.activeWithin} days`,
    );
    console.log(
      'rep                             rows  header counts (slipping/not back/lapsed)  slipping rows   precision   longest-since   difference',
    );
    let hitsS = 0;
    let hitsB = 0;
    let nAll = 0;
    for (const week of plan.weeks) {
      const mine = plan.customers.filter((c) => c.owner === week.owner && active(c));
      const rows = process.env.LISTS_ALL ? [...week.shown, ...week.overflow] : week.shown;
      const slipping = rows.filter((c) => c.segment === 'slipping' && active(c));
      const n = slipping.length;
      const baseline = [...mine]
        .sort((a, b) => (b.daysSinceLastOrder ?? 0) - (a.daysSinceLastOrder ?? 0))
        .slice(0, n);
      const hs = slipping.filter((c) => stoppedIn(book, c, day, k.horizon)).length;
      const hb = baseline.filter((c) => stoppedIn(book, c, day, k.horizon)).length;
      hitsS += hs;
      hitsB += hb;
      nAll += n;
      const counts = `${week.counts.slipping}/${week.counts.not_back}/${week.counts.lapsed}`;
      const diff = n === 0 ? '' : `${((100 * (hs - hb)) / n).toFixed(1)} pts`;
      console.log(
        `${week.owner.padEnd(32)}${String(week.shown.length).padStart(4)}  ${counts.padEnd(42)}${String(n).padStart(13)}  ${pct(hs, n).padStart(10)}  ${pct(hb, n).padStart(14)}   ${diff}`,
      );
    }
    console.log(
      `${'all reps'.padEnd(32)}${''.padStart(4)}  ${''.padEnd(42)}${String(nAll).padStart(13)}  ${pct(hitsS, nAll).padStart(10)}  ${pct(hitsB, nAll).padStart(14)}   ${nAll ? `${((100 * (hitsS - hitsB)) / nAll).toFixed(1)} pts` : ''}`,
    );
    const median = plan.scored.populationCadenceDays;
    const tooNew = plan.customers.filter(
      (c) => c.orderDays === 1 && c.daysSinceLastOrder !== null && c.daysSinceLastOrder < median,
    );
    const listed = tooNew.filter((c) => c.rank !== null);
    console.log(
      `one-order customers who ordered within the book's median gap (${median} days): ${tooNew.length}; listed: ${listed.length}; listed as slipping: ${listed.filter((c) => c.segment === 'slipping').length}`,
    );
    const atRisk = plan.customers.filter((c) => c.band === 'at_risk').length;
    const stopped = plan.customers.filter(
      (c) => c.orderDays > 0 && stoppedIn(book, c, day, k.horizon),
    ).length;
    const withOrders = plan.customers.filter((c) => c.orderDays > 0).length;
    console.log(
      `at risk: ${atRisk} of ${plan.customers.length} (${pct(atRisk, plan.customers.length).trim()}); of the ${withOrders} with an order, ${stopped} (${pct(stopped, withOrders).trim()}) placed none in the horizon`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
