import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { feedOptionsFrom } from '../../../feed/feedOptions';
import { readFeed } from '../../../feed/readFeed';
import { initialState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import type { TabUser } from '../../../tabs/api/tabToken';
import { openWeeklyWorld, tabsOver, type WeeklyWorld } from '../weekly/weeklyWorld';

// CDNOW (Fader & Hardie; SOURCE.md beside the feed) as of 30 Sep 1997. Customer 1887 bought 16 times
// from January to 23 August, the last few about a week apart, then nothing for 38 days. Their page says "usually every 6 days" (their recent order days' median gap) beside
// the reason "Expected 2.9 orders by now at their usual pace; placed 0": at that pace 38 days come to
// six orders, not three. The model's count is their average pace over their whole history (16 orders
// in 7 months), and its reason must say so.

const CDNOW = join(__dirname, '..', '..', 'fixtures', 'cdnow', 'feed');
const REP = 'rep3@example.com';
const user: TabUser = { userId: 'aad-rep3', name: 'Rep Three', email: REP, tenantId: '' };

describe("the model's expected orders on a customer page", () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('expectedpace');
  });
  afterEach(async () => {
    await world.stop();
  });

  it('names the pace its count is worked out at, which the "usually every" beside it is not', async () => {
    const rules = defaultRules();
    const { book } = await readFeed(CDNOW, feedOptionsFrom(rules, '1997-09-30'));
    await world.storage.state.writeChanged(new Map(), [
      initialState({ customerId: '1887', name: 'CDNOW customer 1887', owner: REP, monthlyValue: 0 }),
    ]);
    const tabs = tabsOver(world, book, {
      access: { tenantId: '', adminUserIds: [], managerUserIds: [] },
      clock: () => new Date('1997-09-30T14:03:00Z'),
    });
    const page = await tabs.customer(user, '1887');
    const silent = page.customer.daysSinceLastOrder ?? 0;
    expect([silent, page.facts.typicalGapDays, page.facts.orders]).toEqual([38, 6, 16]);
    const reason = page.customer.reasons.find((r) => r.startsWith('Expected'));
    expect(reason).toBe('Expected 2.9 orders by now at their average pace so far; placed 0');
    // The count agrees with the pace it names: orders after the first, over the days from the first
    // to the last, read off the page's own timeline (the model pulls it a little toward the book's).
    const days = [...new Set(page.timeline.filter((e) => e.kind === 'order').map((e) => e.day))].sort();
    const span = (Date.parse(days[days.length - 1]) - Date.parse(days[0])) / 86_400_000;
    const averagePace = ((days.length - 1) / span) * silent;
    const said = Number(reason?.match(/^Expected ([\d.]+)/)?.[1]);
    expect(Math.abs(said - averagePace) / averagePace).toBeLessThan(0.2);
    // And not the one beside it: at "usually every 6 days", 38 days come to six.
    expect(silent / (page.facts.typicalGapDays ?? 1)).toBeGreaterThan(2 * said);
  });
});
