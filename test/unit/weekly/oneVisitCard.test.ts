import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildWeeklyCard } from '../../../cards/buildWeeklyCard';
import { feedOptionsFrom } from '../../../feed/feedOptions';
import { readFeed } from '../../../feed/readFeed';
import { weeklyCardDataFor } from '../../../jobs/weekly/weeklyCardFor';
import { repWeeks } from '../../../jobs/weekly/weeklyLists';
import { dayOf } from '../../../rules/book';
import { defaultRules } from '../../../rules/rulesSchema';
import { scoreBook } from '../../../rules/scoreBook';
import { texts } from '../cards/cardWalk';

// UCI Online Retail (a UK wholesaler; SOURCE.md beside the feed), as of Monday 12 Sep 2011.
const FEED = join(__dirname, '..', '..', 'fixtures', 'online-retail', 'feed');

describe('a burst of orders on the weekly card', () => {
  it("shows 17850's £5,391 of 1-2 Dec 2010 as what another order is worth, not as £3,816 a month", async () => {
    const rules = defaultRules();
    const asOf = '2011-09-12';
    const { book } = await readFeed(FEED, feedOptionsFrom(rules, asOf));
    const scored = scoreBook(book, rules, dayOf(asOf));
    const week = repWeeks(scored.customers, rules.capPerRep).find((w) => w.owner === 'uk3@example.com');
    if (!week) throw new Error('no list for uk3@example.com');
    const data = weeklyCardDataFor(week, rules, 'weekly-2011-W37', { currency: 'GBP', locale: 'en-GB' });
    expect(data.customers.find((c) => c.customerId === '17850')).toMatchObject({ valueKind: 'second_order' });
    const words = texts(buildWeeklyCard(data));
    expect(words).toContain('£5,391 if they order again');
    expect(words).not.toContain('£3,816/month');
    // Its Won back box asks for one order's value, prefilled with the burst's.
    expect(JSON.stringify(buildWeeklyCard(data))).toContain('Value of the order won back (GBP)');
  });
});
