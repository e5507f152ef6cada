import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMonthlySummary } from '../../../jobs/monthly/monthlySummaryRun';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { cardOf } from '../../fakes/teamsConnector';
import {
  completed,
  conversationOf,
  depsFor,
  installReps,
  openWeeklyWorld,
  setSummaryChannel,
  slippingBook,
  type WeeklyWorld,
} from '../weekly/weeklyWorld';

// The monthly card posted on the 1st while the week's run, begun in the month it sums up, still
// has a rep's card to send (their own Monday 08:03 is still to come): the card counts as the Team
// tab does, so that rep's flags are not said to be on a card that reached no rep.

const TEAM_ZONE = 'Pacific/Auckland';
const [ANA, BEN] = ['ana@x.com', 'ben@x.com'];
/** Monday 30 November 2026, 08:03 in Auckland (NZDT, UTC+13): the team's send time. */
const TEAM_0803 = new Date('2026-11-29T19:03:00Z');
/** Tuesday 1 December 2026, 07:00 in Auckland: the summary's time, before Ben's Monday 08:03 in Honolulu. */
const FIRST_0700 = new Date('2026-11-30T18:00:00Z');
/** Monday 25 January 2027, 08:03 in Auckland (NZDT): the team's send time, in the month's last week. */
const JAN_0803 = new Date('2027-01-24T19:03:00Z');
/** Monday 1 February 2027, 00:00 in Auckland, 31 January being a Sunday. */
const FEB_FIRST_0000 = new Date('2027-01-31T11:00:00Z');

describe('the monthly card on the 1st while a rep still waits for their own Monday 08:03', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('monthwait');
    await installReps(world, [ANA, BEN]);
    await world.storage.conversations.learnTimeZone(`aad-${BEN}`, 'Pacific/Honolulu');
    await setSummaryChannel(world);
  });
  afterEach(async () => {
    await world.stop();
  });

  it('counts neither Ben\'s flags as flagged nor as "card not delivered"', async () => {
    const book = slippingBook([ANA, BEN], { slipping: 2 });
    const weekly = depsFor(world, book, {
      config: { timeZone: TEAM_ZONE, weeklySendAt: { weekday: 1, hour: 8, minute: 3 } },
    });
    const run = completed(await runWeekly(weekly, { now: TEAM_0803 }));
    expect(run).toMatchObject({ retry: 'rep_time', counts: { delivered: 1, waiting: 1 } });

    const report = await runMonthlySummary({
      storage: world.storage,
      sender: (reference, card, summary) => world.sender.sendCard(reference, card, summary),
      now: FIRST_0700,
      config: {
        timeZone: TEAM_ZONE,
        lossReasons: [],
        schedule: { timeZone: TEAM_ZONE, hour: 7, minute: 0 },
      },
    });
    expect(report).toMatchObject({ status: 'delivered', month: '2026-11' });
    const [posted] = world.fake.sentTo('19:sales@thread.tacv2');
    // Ben's flags are on a card still to come: in neither count, as on the Team tab.
    const card = JSON.stringify(cardOf(posted));
    expect(card).toContain('"title":"Flagged at risk","value":"3 customers"');
    expect(card).not.toContain('card not delivered');
    expect(world.fake.sentTo(conversationOf(BEN))).toHaveLength(0);
  });

  it('on the midnight tick fired early, counts the week that ended on the Sunday as over, as on time', async () => {
    const weekly = depsFor(world, slippingBook([ANA, BEN], { slipping: 2 }), {
      config: { timeZone: TEAM_ZONE, weeklySendAt: { weekday: 1, hour: 8, minute: 3 } },
    });
    // Ben's own 08:03 in Honolulu is a later tick, which never came: his card reached no one.
    const run = completed(await runWeekly(weekly, { now: JAN_0803 }));
    expect(run).toMatchObject({ retry: 'rep_time', counts: { delivered: 1, waiting: 1 } });

    // The 1st's 00:00 tick, fired at 23:59:59.995 on the 31st: the card reads the month as that tick.
    const report = await runMonthlySummary({
      storage: world.storage,
      sender: (reference, card, summary) => world.sender.sendCard(reference, card, summary),
      now: new Date(FEB_FIRST_0000.getTime() - 5),
      config: {
        timeZone: TEAM_ZONE,
        lossReasons: [],
        schedule: { timeZone: TEAM_ZONE, hour: 0, minute: 0 },
      },
    });
    expect(report).toMatchObject({ status: 'delivered', month: '2027-01' });
    const [posted] = world.fake.sentTo('19:sales@thread.tacv2');
    expect(JSON.stringify(cardOf(posted))).toContain(
      '"title":"Flagged, card not delivered (not counted)","value":"3 customers"',
    );
  });
});
