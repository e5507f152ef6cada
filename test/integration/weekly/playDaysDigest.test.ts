import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionHandler } from '../../../bot/taps/actionHandler';
import { buildDigestCard } from '../../../cards/buildDigestCard';
import { buildWeeklyCard } from '../../../cards/buildWeeklyCard';
import type { WeeklyCardData } from '../../../cards/cardModels';
import type { DigestCardData } from '../../../cards/digestCardModels';
import { runFollowUps } from '../../../jobs/followups/followUpsRun';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { parseRules } from '../../../rules/rulesSchema';
import { bookExportedOn, type CustomerRow, type OrderRow } from '../../helpers/bookFromRows';
import { texts } from '../../unit/cards/cardWalk';
import { dailyDeps } from '../followups/dailyRun';
import {
  actionStoresOf,
  completed,
  conversationOf,
  depsFor,
  installReps,
  openWeeklyWorld,
  TIME_ZONE,
  type WeeklyWorld,
  weeklyOrders,
} from './weeklyWorld';

// A Chicago team with HOLIDAYS=US, closed from Christmas Eve to New Year's Eve 2026. The weekly run
// of Monday 21 December, on Azurite and the fake Teams connector, gives Ann her card; she reaches out
// to Alder that morning; the daily follow-ups run at 09:03 each day to Tuesday 5 January. The play
// and the digest count the same days from that Monday (day 3 and day 10), and both land on the
// first day the team is back: Monday 4 January.

const ANN = 'ann@example.com';
const DAYS_OFF = { holidays: 'US', closedDays: [{ from: '2026-12-24', to: '2026-12-31' }] };

const customers: CustomerRow[] = [
  // Ordered every Monday until 23 November: slipping on the card of 21 December.
  { id: 'alder', name: 'Alder', owner: ANN, monthlyValue: 1300 },
  // Ordering every week throughout: never listed, and the feed is no stopped export.
  { id: 'elm', name: 'Elm', owner: ANN, monthlyValue: 900 },
];
const orders: OrderRow[] = [
  ...weeklyOrders('alder', '2026-06-01', '2026-11-23'),
  ...weeklyOrders('elm', '2026-06-01', '2027-01-04'),
];
const bookOn = (day: string) => bookExportedOn({ customers, orders }, day);
const readBook = async (asOf: string) => ({ book: bookOn(asOf), report: { files: [], rowsSkipped: 0 } });

// The digest's reminders on the play's own days: day 3 and day 10 after the contact.
const rules = parseRules({
  plans: { slipping: { vip: { days: [0, 3, 10] }, standard: { days: [0, 3, 10] } } },
  followUps: { noOrderSteps: [3, 10] },
});

describe('the play days on the weekly card and the daily digest, around a closure', () => {
  let world: WeeklyWorld;
  let card: string[] = [];
  /** The days Ann got a digest, each with its text. */
  const digests: { day: string; text: string[] }[] = [];

  beforeAll(async () => {
    world = await openWeeklyWorld('playdays');
    await installReps(world, [ANN]);
    let now = new Date('2026-12-21T14:03:00Z'); // Monday 08:03 in Chicago
    const weekly = depsFor(world, bookOn('2026-12-21'), {
      readBook,
      rules,
      config: { timeZone: TIME_ZONE, weeklySendAt: { weekday: 1, hour: 8, minute: 3 }, ...DAYS_OFF },
    });
    const report = completed(await runWeekly(weekly, { now }));
    const [row] = await world.storage.runs.listRun(report.runKey);
    const saved = await world.cards.get(conversationOf(ANN), row.activityId ?? '');
    card = texts(buildWeeklyCard(saved?.data as WeeklyCardData));

    // Ann reaches out to Alder at 10:00 that Monday, on the card.
    now = new Date('2026-12-21T16:00:00Z');
    const handler = createActionHandler({
      stores: actionStoresOf(world),
      rules,
      timeZone: TIME_ZONE,
      access: { tenantId: 'tenant-1', adminUserIds: [] },
      clock: () => now,
    });
    await handler.submit({
      actor: { userId: `aad-${ANN}`, name: 'Ann', tenantId: 'tenant-1' },
      value: { action: 'reached_out', customerId: 'alder', runKey: report.runKey, v: 1 },
      replyToId: row.activityId ?? null,
      conversationId: conversationOf(ANN),
      conversationKind: 'personal',
    });
    expect((await world.storage.state.get('alder'))?.state.lastContact).toBe('2026-12-21');

    const daily = {
      ...dailyDeps(world, async () => readBook(day), { rules }),
      config: { timeZone: TIME_ZONE, ...DAYS_OFF },
    };
    let day = '';
    for (let d = 22; d <= 36; d++) {
      const date = new Date(Date.UTC(2026, 11, d));
      day = date.toISOString().slice(0, 10);
      const before = world.fake.sentTo(conversationOf(ANN)).length;
      now = new Date(`${day}T15:03:00Z`); // 09:03 in Chicago
      await runFollowUps(daily, { now });
      for (const sent of world.fake.sentTo(conversationOf(ANN)).slice(before)) {
        const got = await world.cards.get(conversationOf(ANN), sent.activityId);
        digests.push({ day, text: texts(buildDigestCard(got?.data as DigestCardData)) });
      }
    }
  }, 120_000);
  afterAll(async () => {
    await world?.stop();
  });

  it('the card names the day the team is back for day 3 and day 10, and the digest comes that day', () => {
    const play = card
      .slice(card.indexOf('Alder'))
      .find((t) => t.includes('Time-limited offer') || t.includes('Personal call'));
    expect(play).toMatch(/, Mon 21 Dec and Mon 4 Jan$/);
    expect(digests.map((d) => d.day)).toEqual(['2027-01-04']);
    expect(digests[0].text.slice(0, 4)).toEqual([
      'Follow-ups for Mon 4 Jan · 1 customer',
      'Alder',
      '$1,300/month',
      'Reached out 14 days ago (Mon 21 Dec 2026), no order since.',
    ]);
  });
});
