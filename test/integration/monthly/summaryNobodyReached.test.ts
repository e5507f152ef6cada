import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMonthlySummary } from '../../../jobs';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { defaultRules } from '../../../rules/rulesSchema';
import { texts } from '../../unit/cards/cardWalk';
import {
  completed,
  depsFor,
  openWeeklyWorld,
  SEND_TIME,
  setSummaryChannel,
  slippingBook,
  TIME_ZONE,
  type WeeklyWorld,
} from '../weekly/weeklyWorld';

// The first month after the app is added to the sales team, before any rep has installed it: the
// weekly run flags each rep's slipping customers, but has no chat to send the cards to. The summary
// posted on the 1st must not tell the manager that nobody was flagged.

const CHANNEL = '19:sales@thread.tacv2';
/** 1 December 2026, 09:00 in Chicago: November's summary is due. */
const FIRST_OF_DECEMBER = new Date('2026-12-01T15:00:00.000Z');

describe('a month whose weekly cards reached no rep', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('nobody');
  });
  afterEach(async () => {
    await world.stop();
  });

  it('says the customers were flagged on cards no rep received, not that none were flagged', async () => {
    const reps = ['ana@x.com', 'ben@x.com'];
    const book = slippingBook(reps, { slipping: 3, steady: 1 });
    // By hand: 3 slipping customers per rep, under the cap of the default rules: 6 flagged; no rep
    // has the app, so no card goes out and nobody can tap.
    const week = completed(await runWeekly(depsFor(world, book), { now: SEND_TIME }));
    expect(week.gates.surfaced).toBe(6);
    await setSummaryChannel(world);

    const report = await runMonthlySummary({
      storage: world.storage,
      sender: (reference, card, text) => world.sender.sendCard(reference, card, text),
      now: FIRST_OF_DECEMBER,
      config: {
        schedule: { timeZone: TIME_ZONE, hour: 9, minute: 0 },
        timeZone: TIME_ZONE,
        lossReasons: defaultRules().lossReasons,
      },
    });
    expect(report).toMatchObject({ status: 'delivered', month: '2026-11' });
    const [post] = world.fake.sentTo(CHANNEL);
    const card = (post.activity.attachments as { content: Record<string, unknown> }[])[0].content;
    const headline =
      'Nothing was recorded in November: 6 at-risk customers were flagged, but no card reached their reps (no chat with the app), so no button could be tapped.';
    expect(texts(card)[1]).toBe(headline);
    expect(post.activity.summary).toBe(headline);
    expect(JSON.stringify(card)).not.toContain('no customer was flagged');
  });
});
