import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardSender } from '../../../bot/ports';
import { createActionHandler } from '../../../bot/taps/actionHandler';
import { buildWeeklyCard } from '../../../cards/buildWeeklyCard';
import type { WeeklyCardData } from '../../../cards/cardModels';
import { WEEKLY_TIMER_NCRONTAB } from '../../../jobs/schedule';
import type { WeeklyReport } from '../../../jobs/weekly/weeklyReport';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { defaultRules } from '../../../rules/rulesSchema';
import { bookExportedOn, type CustomerRow, type OrderRow } from '../../helpers/bookFromRows';
import { weeklyRows } from '../../helpers/weeklyCardData';
import { texts } from '../../unit/cards/cardWalk';
import {
  changeLineOf,
  conversationOf,
  depsFor,
  installReps,
  listsNowIn,
  openWeeklyWorld,
  ordersEvery,
  TIME_ZONE,
  type WeeklyWorld,
  weeklyOrders,
} from './weeklyWorld';

// A Chicago team closed from Christmas Eve to New Year's Eve 2026 with HOLIDAYS=US (New Year's Day
// a public holiday): the week of Monday 28 December has no working day. Cards on Mondays at 08:03,
// Ann's on the team's clock, Bob's at 08:03 in Los Angeles (two hours later). The weekly timer is
// stepped every 15 minutes from Monday 21 December to Tuesday 5 January, on Azurite and the fake
// Teams connector, the feed as exported each day; the process dies on 4 January at Ann's card.

const [ANN, BOB] = ['ann@example.com', 'bob@example.com'];
const DAYS_OFF = { holidays: 'US', closedDays: [{ from: '2026-12-24', to: '2026-12-31' }] };

const customers: CustomerRow[] = [
  // Ordered every Monday until 23 November: slipping on the cards of December and January.
  { id: 'alder', name: 'Alder', owner: ANN, monthlyValue: 1300 },
  // The same, then an order on Saturday 26 December while the team was away.
  { id: 'birch', name: 'Birch', owner: ANN, monthlyValue: 1200 },
  { id: 'cedar', name: 'Cedar', owner: BOB, monthlyValue: 1100 },
  // Ordered every other day until 12 December: first listed on 21 December.
  { id: 'ginkgo', name: 'Ginkgo', owner: ANN, monthlyValue: 1000 },
  // Ordering every week throughout: never listed, and the feed is no stopped export.
  { id: 'elm', name: 'Elm', owner: ANN, monthlyValue: 900 },
  { id: 'fir', name: 'Fir', owner: BOB, monthlyValue: 900 },
];
const orders: OrderRow[] = [
  ...weeklyOrders('alder', '2026-06-01', '2026-11-23'),
  ...weeklyOrders('birch', '2026-06-01', '2026-11-23'),
  { customerId: 'birch', date: '2026-12-26', amount: 300 },
  ...ordersEvery('ginkgo', '2026-06-01', '2026-12-12', 2, 100),
  ...weeklyOrders('cedar', '2026-06-01', '2026-11-23'),
  ...weeklyOrders('elm', '2026-06-01', '2027-01-04'),
  ...weeklyOrders('fir', '2026-06-01', '2027-01-04'),
];
const bookOn = (day: string) => bookExportedOn({ customers, orders }, day);

/** The minutes past the hour (UTC) the timer ticks at, read from the NCRONTAB itself. */
const TICK_MINUTES = WEEKLY_TIMER_NCRONTAB.split(' ')[1].split(',').map(Number);

function ticks(from: string, to: string): Date[] {
  const out: Date[] = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += 60_000)
    if (TICK_MINUTES.includes(new Date(t).getUTCMinutes())) out.push(new Date(t));
  return out;
}

/** A card a rep got: when, and each row's name with the lines under it, as the card shows them. */
interface SeenCard {
  at: string;
  text: string[];
}

describe('a team closed for the whole week between Christmas and New Year', () => {
  let world: WeeklyWorld;
  const reports: { now: Date; report: WeeklyReport | Error }[] = [];
  const seen = new Map<string, SeenCard[]>([
    [ANN, []],
    [BOB, []],
  ]);
  /** Ann's `list` on Wednesday 30 December, in the closed week: the card the bot answers with. */
  let closedWeekList: string[] = [];

  beforeAll(async () => {
    world = await openWeeklyWorld('closed');
    await installReps(world, [ANN, BOB]);
    await world.storage.conversations.learnTimeZone(`aad-${BOB}`, 'America/Los_Angeles');
    let crashed = false;
    const sender: CardSender = async (reference, card, summary) => {
      // The process dies as it sends the first card of 4 January (Ann's, at the team's time).
      const to = (reference.conversation as { id?: string } | undefined)?.id;
      if (!crashed && to === conversationOf(ANN) && now.startsWith('2027-01-04')) {
        crashed = true;
        throw new Error('injected crash: the process died');
      }
      return world.sender.sendCard(reference, card, summary);
    };
    let now = '';
    const deps = depsFor(world, bookOn('2026-12-21'), {
      readBook: async (asOf) => ({ book: bookOn(asOf), report: { files: [], rowsSkipped: 0 } }),
      sender,
      config: {
        timeZone: TIME_ZONE,
        weeklySendAt: { weekday: 1, hour: 8, minute: 3 },
        ...DAYS_OFF,
      },
    });
    // The week before, so the cards of 21 December have a card before them too.
    for (const at of [
      '2026-12-14T14:03:00Z',
      '2026-12-14T16:03:00Z',
      ...ticks('2026-12-21T00:00:00Z', '2027-01-05T00:00:00Z'),
    ]) {
      const tick = new Date(at);
      now = tick.toISOString();
      const before = new Map([ANN, BOB].map((rep) => [rep, world.fake.sentTo(conversationOf(rep)).length]));
      try {
        reports.push({ now: tick, report: await runWeekly(deps, { now: tick }) });
      } catch (error) {
        reports.push({ now: tick, report: error as Error });
      }
      if (now === '2026-12-30T15:03:00.000Z') {
        // Ann opens Teams while the team is away and asks for her list.
        const handler = createActionHandler({
          stores: { ...world.storage, cards: world.cards },
          rules: defaultRules(),
          timeZone: TIME_ZONE,
          access: { tenantId: 'tenant-1', adminUserIds: [] },
          clock: () => tick,
          daysOff: DAYS_OFF,
          listsNow: listsNowIn(world, bookOn, () => tick),
        });
        const reply = await handler.command({
          command: 'list',
          actor: { userId: `aad-${ANN}`, name: 'Ann', tenantId: 'tenant-1' },
          conversationKind: 'personal',
        });
        closedWeekList = reply.savedCard ? texts(reply.savedCard.card) : [reply.text ?? ''];
      }
      for (const rep of [ANN, BOB]) {
        const sent = world.fake.sentTo(conversationOf(rep));
        for (const activity of sent.slice(before.get(rep))) {
          const saved = await world.cards.get(conversationOf(rep), activity.activityId);
          const text = saved ? texts(buildWeeklyCard(saved.data as WeeklyCardData)) : [];
          seen.get(rep)?.push({ at: now, text });
          expect(weeklyRows(saved).length).toBeGreaterThan(0);
        }
      }
    }
  }, 120_000);
  afterAll(async () => {
    await world?.stop();
  });

  /** The line under a row's name that says what changed since the last card, on a rep's `n`th card. */
  const change = (rep: string, n: number, name: string) => changeLineOf(seen.get(rep)?.[n]?.text ?? [], name);

  it('sends no card in the closed week: Ann and Bob get theirs on 21 December and next on 4 January, each at their own 08:03', () => {
    expect(seen.get(ANN)?.map((c) => c.at)).toEqual([
      '2026-12-14T14:03:00.000Z',
      '2026-12-21T14:03:00.000Z',
      // The tick after the crash.
      '2027-01-04T14:18:00.000Z',
    ]);
    expect(seen.get(BOB)?.map((c) => c.at)).toEqual([
      '2026-12-14T16:03:00.000Z',
      '2026-12-21T16:03:00.000Z',
      '2027-01-04T16:03:00.000Z',
    ]);
    // Each tick of that week says why, on its Monday at the send time as on the others.
    const monday28 = reports.find((r) => r.now.toISOString() === '2026-12-28T14:03:00.000Z')?.report;
    expect(monday28).toEqual({ status: 'not_due', runKey: 'weekly-2026-W53', reason: 'no_working_day' });
  });

  it('keeps no run of the closed week in the ledger, and finishes the run of 4 January after the crash', async () => {
    expect(await world.storage.runs.getRun('weekly-2026-W53')).toBeNull();
    const crash = reports.find((r) => r.report instanceof Error);
    expect(crash?.now.toISOString()).toBe('2027-01-04T14:03:00.000Z');
    const done = reports.filter((r) => !(r.report instanceof Error) && r.report.status === 'completed');
    expect(done.map((r) => [r.now.toISOString(), r.report])).toEqual([
      ['2026-12-14T14:03:00.000Z', expect.objectContaining({ runKey: 'weekly-2026-W51' })],
      ['2026-12-14T16:03:00.000Z', expect.objectContaining({ runKey: 'weekly-2026-W51' })],
      ['2026-12-21T14:03:00.000Z', expect.objectContaining({ runKey: 'weekly-2026-W52' })],
      ['2026-12-21T16:03:00.000Z', expect.objectContaining({ runKey: 'weekly-2026-W52' })],
      [
        '2027-01-04T14:18:00.000Z',
        expect.objectContaining({
          runKey: 'weekly-2027-W01',
          resumed: true,
          counts: expect.objectContaining({ delivered: 1, waiting: 1, failed: 0 }),
        }),
      ],
      [
        '2027-01-04T16:03:00.000Z',
        expect.objectContaining({
          runKey: 'weekly-2027-W01',
          counts: expect.objectContaining({ delivered: 2, waiting: 0, failed: 0 }),
        }),
      ],
    ]);
    expect((await world.storage.runs.getRun('weekly-2027-W01'))?.finishedAt).toMatch(/^2027-01-04T16:03/);
  });

  it("answers Ann's `list` in the closed week against her card of 21 December, as the next card will", () => {
    // No card that week: the list says what changed since the last one she got, counting the
    // closed week as a week, and Birch's Saturday order is news.
    expect(closedWeekList[0]).toBe('Your list now · 2 slipping');
    const under = (name: string) => changeLineOf(closedWeekList, name);
    expect(under('Alder')).toBe('Still on your list (week 3)');
    expect(under('Ginkgo')).toBe('Still on your list (week 2)');
    expect(closedWeekList).toContain('Back on track: Birch ordered Sat 26 Dec');
  });

  it("dates the plays on the days the team works: none in the closure, none on New Year's Day", () => {
    const plays = (text: string[]) => [...new Set(text.filter((t) => t.startsWith('Suggested: ')))];
    // The card of 21 December: day 3 and day 10 (Christmas Eve, New Year's Eve) are closed.
    expect(plays(seen.get(ANN)?.[1].text ?? [])).toEqual([
      'Suggested: Standard: Time-limited offer (email), Mon 21 Dec and Mon 4 Jan',
    ]);
    // Ann's `list` on Wednesday 30 December: today is closed too, day 3 and day 10 Saturdays.
    expect(plays(closedWeekList)).toEqual([
      'Suggested: Standard: Time-limited offer (email), Mon 4 Jan and Mon 11 Jan',
    ]);
  });

  it('says what changed since the cards of 21 December, the last the reps got', () => {
    // Birch, on the card of 21 December, ordered on Saturday 26th: back on track on the next card.
    // Against a card of 28 December, which never went out, she had ordered already and was on no list.
    expect(seen.get(ANN)?.[2].text).toContain('Back on track: Birch ordered Sat 26 Dec');
    expect(seen.get(ANN)?.[2].text).not.toContain('Birch');
    // Still on the list since the last card; its week the slip's, counted in calendar weeks from the
    // week it was first listed (14 December: week 4; 21 December: week 3), closed weeks included.
    expect(change(ANN, 2, 'Alder')).toBe('Still on your list (week 4)');
    expect(change(ANN, 2, 'Ginkgo')).toBe('Still on your list (week 3)');
    expect(change(BOB, 2, 'Cedar')).toBe('Still on your list (week 4)');
  });
});
