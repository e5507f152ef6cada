import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFeed } from '../../../feed/readFeed';
import { weeklyRunKeyOfDay } from '../../../jobs/schedule/weeklyRunDue';
import { planWeek } from '../../../jobs/weekly/weeklyPlan';
import { type Book, defaultRules } from '../../../rules';
import { type JudgedDay, judgeLists } from '../../../tools/bench/slippingRows';
import { WHOLESALE_AS_OF, WHOLESALE_HORIZON_DAYS, wholesaleBook } from '../../synthetic/wholesaleBook';

// The lists' promise, on two of the books the settings were chosen on (the judged ones are run by
// `npm run bench lists`): each rep's slipping rows on the card (customers with an order in the last
// 90 days) place no order in the horizon at least 5 points more often than as many of the rep's
// customers silent longest. A book whose late regulars are no likelier to stop than anyone buying
// (Online Retail) keeps its slipping places for the likelier kinds instead.

const rules = defaultRules();

function judged(book: Book, day: JudgedDay) {
  const plan = planWeek(book, rules, new Map(), {
    localDate: day.asOf,
    runKey: weeklyRunKeyOfDay(day.asOf),
    runAt: `${day.asOf}T00:00:00.000Z`,
  });
  return judgeLists(book, plan, day, rules.lists);
}

describe("each rep's slipping rows beside longest-since", () => {
  it('Online Retail as of 2011-06-11: no slipping row that stops less often than longest-since', async () => {
    const { book } = await readFeed(join(__dirname, '../../fixtures/online-retail/feed'), {});
    const j = judged(book, { asOf: '2011-06-11', horizon: 91, activeWithin: 90 });
    // Before: 27 rows, 44.4% placed no order against 70.4% for longest-since.
    expect(j.card.hits - j.card.baseline).toBeGreaterThanOrEqual(0.05 * j.card.n);
    // The places went to rows likelier to stop than a customer who is buying (44%), not to nobody.
    expect(j.cardRows.n).toBe(50);
    expect(j.cardRows.hits / j.cardRows.n).toBeGreaterThan(j.activeBook.hits / j.activeBook.n + 0.15);
  });

  it('wholesale seed 1: 40 or more slipping rows on the cards, at least 5 points above longest-since', () => {
    const { book } = wholesaleBook({ seed: 1 });
    const j = judged(book, { asOf: WHOLESALE_AS_OF, horizon: WHOLESALE_HORIZON_DAYS, activeWithin: 90 });
    expect(j.card.n).toBeGreaterThanOrEqual(40);
    expect(j.card.hits - j.card.baseline).toBeGreaterThanOrEqual(0.05 * j.card.n);
  });
});
