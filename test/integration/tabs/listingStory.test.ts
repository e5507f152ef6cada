import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weeklyRunKeyOfDay } from '../../../jobs/schedule/weeklyRunDue';
import { dayOf, isoOfDay } from '../../../rules/book';
import { initialState } from '../../../rules/customerState';
import type { ListedWeek } from '../../../rules/listedWeeks';
import { idKey } from '../../../storage/keys';
import type { TabUser } from '../../../tabs/api/tabToken';
import { bookFromRows } from '../../helpers/bookFromRows';
import { listedWeek } from '../../helpers/listedWeek';
import {
  installReps,
  openWeeklyWorld,
  tabsOver,
  type WeeklyWorld,
  weeklyOrders,
} from '../weekly/weeklyWorld';

// A manager reads a customer who was held out one week in September, was on Ana's card five weeks
// in November (one of them past the card's first page), ordered on Wednesday 2 December, and came back on in the week
// of 21 December, where the card still has them. The page told only the first listing of the cycle.

const ANA = 'ana@example.com';
const MANAGER: TabUser = {
  userId: 'aad-boss',
  name: 'Boss',
  email: 'boss@example.com',
  tenantId: 'tenant-1',
};

/** A week on Ana's card at `chance`, second on its first page unless `place` says otherwise. */
const week = (run: string, day: string, chance: number, place: Partial<ListedWeek> = {}): ListedWeek =>
  listedWeek(run, day, ANA, { chance, rank: 2, ...place });

const book = bookFromRows({
  customers: [
    { id: 'oak', name: 'Oak Deli', owner: ANA, monthlyValue: 1200 },
    { id: 'old', name: 'Old Mill', owner: ANA, monthlyValue: 900 },
    { id: 'elm', name: 'Elm Bakery', owner: ANA, monthlyValue: 800 },
    { id: 'ash', name: 'Ash Cafe', owner: ANA, monthlyValue: 700 },
    { id: 'fir', name: 'Fir Kitchen', owner: ANA, monthlyValue: 600 },
    { id: 'yew', name: 'Yew Grocer', owner: ANA, monthlyValue: 500 },
  ],
  orders: [
    ...weeklyOrders('oak', '2026-03-02', '2026-09-14'),
    { customerId: 'oak', date: '2026-12-02', amount: 300 },
    ...weeklyOrders('old', '2026-03-02', '2026-09-14'),
    ...weeklyOrders('elm', '2026-03-02', '2026-09-14'),
    ...weeklyOrders('ash', '2026-03-02', '2026-09-14'),
    ...weeklyOrders('fir', '2026-03-02', '2026-09-14'),
    ...weeklyOrders('yew', '2026-03-02', '2026-09-14'),
  ],
});

describe("the customer page's story of the weekly lists (tab API, Azurite)", () => {
  let world: WeeklyWorld;
  beforeAll(async () => {
    world = await openWeeklyWorld('story');
    await installReps(world, [ANA]);
    const state = (id: string, name: string) => ({
      ...initialState({ customerId: id, name, owner: ANA, monthlyValue: 1000 }),
      band: 'at_risk' as const,
      segment: 'slipping' as const,
    });
    await world.storage.state.writeChanged(new Map(), [
      { ...state('oak', 'Oak Deli'), surfacedAt: '2026-12-21', listedAt: '2026-12-21' },
      // Listed before the weeks were kept: the page shows what it always showed.
      { ...state('old', 'Old Mill'), surfacedAt: '2026-11-09', listedAt: '2026-11-09' },
      { ...state('elm', 'Elm Bakery'), surfacedAt: '2026-11-02', lastContact: '2026-11-03' },
      state('ash', 'Ash Cafe'),
      state('fir', 'Fir Kitchen'),
      // Paused after Ana's call and not ordering since: the row keeps the slip's first week on the
      // list (listedAt), so "(week N)" counts on when they come back, though no card has them now.
      {
        ...state('yew', 'Yew Grocer'),
        surfacedAt: '2026-11-02',
        listedAt: '2026-11-02',
        lastContact: '2026-11-10',
      },
    ]);
    await world.storage.audit.record({
      id: 'tab|yew|reached_out',
      action: 'reached_out',
      customerId: 'yew',
      customerName: 'Yew Grocer',
      owner: ANA,
      actorId: `aad-${ANA}`,
      actorName: 'Ana',
      at: '2026-11-10T15:00:00.000Z',
    });
    await world.storage.listings.append(
      [week('weekly-2026-W45', '2026-11-02', 50), week('weekly-2026-W46', '2026-11-09', 52)].map((w) => ({
        customerId: 'yew',
        week: w,
      })),
    );
    // Ana called Elm Bakery in their first week on the card; they stayed on it two more weeks.
    await world.storage.audit.record({
      id: 'tab|elm|reached_out',
      action: 'reached_out',
      customerId: 'elm',
      customerName: 'Elm Bakery',
      owner: ANA,
      actorId: `aad-${ANA}`,
      actorName: 'Ana',
      at: '2026-11-03T15:00:00.000Z',
    });
    await world.storage.listings.append(
      [
        week('weekly-2026-W40', '2026-09-28', 55, { rank: null, page: null, heldOut: true }),
        week('weekly-2026-W45', '2026-11-02', 62, { rank: 3 }),
        week('weekly-2026-W46', '2026-11-09', 66),
        week('weekly-2026-W47', '2026-11-16', 70, { rank: 12, page: 2 }),
        week('weekly-2026-W48', '2026-11-23', 74, { kind: 'lapsed', rank: 1 }),
        week('weekly-2026-W49', '2026-11-30', 78, { kind: 'lapsed', rank: 1 }),
        week('weekly-2026-W52', '2026-12-21', 58),
        week('weekly-2026-W53', '2026-12-28', 61),
        week('weekly-2027-W01', '2027-01-04', 63),
      ].map((w) => ({ customerId: 'oak', week: w })),
    );
    await world.storage.listings.append(
      [
        week('weekly-2026-W45', '2026-11-02', 40),
        week('weekly-2026-W46', '2026-11-09', 42),
        week('weekly-2026-W47', '2026-11-16', 45),
      ].map((w) => ({ customerId: 'elm', week: w })),
    );
    // A weekly run every Monday from 7 September, but for the week of 19 October: the team was closed.
    for (let day = '2026-09-07'; day <= '2027-01-04'; day = isoOfDay(dayOf(day) + 7)) {
      const key = weeklyRunKeyOfDay(day);
      if (day === '2026-10-19') continue;
      await world.storage.runs.startRun(key, `${day}T14:03:00.000Z`);
      await world.storage.runs.finishRun(key, `${day}T14:10:00.000Z`, {});
    }
    // On the card the week before the closed week and the week after it; snoozed in the second.
    await world.storage.audit.record({
      id: 'tab|fir|snoozed',
      action: 'snoozed',
      customerId: 'fir',
      customerName: 'Fir Kitchen',
      owner: ANA,
      actorId: `aad-${ANA}`,
      actorName: 'Ana',
      at: '2026-10-27T15:00:00.000Z',
    });
    await world.storage.listings.append(
      [week('weekly-2026-W42', '2026-10-12', 20), week('weekly-2026-W44', '2026-10-26', 22)].map((w) => ({
        customerId: 'fir',
        week: w,
      })),
    );
    // Past the card one week (no slip cycle begun), then drawn by the holdout the next.
    await world.storage.listings.append(
      [
        week('weekly-2026-W45', '2026-11-02', 30, { rank: 11, page: 2 }),
        week('weekly-2026-W46', '2026-11-09', 31, { rank: null, page: null, heldOut: true }),
      ].map((w) => ({ customerId: 'ash', week: w })),
    );
  });
  afterAll(async () => {
    await world?.stop();
  });

  const tabs = () =>
    tabsOver(world, book, {
      clock: () => new Date('2027-01-04T18:00:00Z'),
      access: { tenantId: 'tenant-1', adminUserIds: [], managerUserIds: [MANAGER.userId] },
    });
  const listings = async (id: string) =>
    (await tabs().customer(MANAGER, id)).timeline
      .filter((e) => e.kind === 'listing' || e.title === 'Put on the weekly list')
      .map(({ day, title, detail, weeks }) => ({ day, title, detail, weeks }));

  it('tells every run of weeks on the card in one line, each week under it, the week they left and why, and the holdout draw', async () => {
    expect(await listings('oak')).toEqual([
      {
        day: '2027-01-04',
        title: "On Rep ana@example.com's card, 3 weeks",
        detail: '21 Dec 2026 – 4 Jan 2027 · slipping · chance of no order 58%\u00a0→\u00a063% · still on it',
        weeks: [
          'Mon 21 Dec 2026: slipping, 58%, no. 2 on the card',
          'Mon 28 Dec 2026: slipping, 61%, no. 2 on the card',
          'Mon 4 Jan: slipping, 63%, no. 2 on the card',
        ],
      },
      {
        day: '2026-12-07',
        title: "Off Rep ana@example.com's list",
        detail: 'Ordered again on Wed 2 Dec 2026',
        weeks: undefined,
      },
      {
        day: '2026-11-30',
        title: "On Rep ana@example.com's card, 5 weeks",
        detail: '2 Nov 2026 – 30 Nov 2026 · slipping, then lapsed · chance of no order 62%\u00a0→\u00a078%',
        weeks: [
          'Mon 2 Nov 2026: slipping, 62%, no. 3 on the card',
          'Mon 9 Nov 2026: slipping, 66%, no. 2 on the card',
          'Mon 16 Nov 2026: slipping, 70%, no. 12 on the list, on a later page',
          'Mon 23 Nov 2026: lapsed, 74%, no. 1 on the card',
          'Mon 30 Nov 2026: lapsed, 78%, no. 1 on the card',
        ],
      },
      {
        day: '2026-09-28',
        title: "Held out of Rep ana@example.com's list, week of 28 Sep 2026",
        detail:
          'slipping · chance of no order 55% · drawn by the holdout, which keeps a few customers off every list to measure what the cards change',
        weeks: undefined,
      },
    ]);
  });

  it('a tap in an earlier week of the run is not why they left: they fell off', async () => {
    expect((await listings('elm')).map((e) => [e.day, e.title, e.detail])).toEqual([
      [
        '2026-11-23',
        "Off Rep ana@example.com's list",
        'Fell off the list with no order and no action by a rep',
      ],
      [
        '2026-11-16',
        "On Rep ana@example.com's card, 3 weeks",
        '2 Nov 2026 – 16 Nov 2026 · slipping · chance of no order 40%\u00a0→\u00a045%',
      ],
    ]);
  });

  it('a week held out right after a week on the list is why they were off it, not a fall', async () => {
    expect((await listings('ash')).map((e) => [e.day, e.title])).toEqual([
      ['2026-11-09', "Held out of Rep ana@example.com's list, week of 9 Nov 2026"],
      ['2026-11-02', "On Rep ana@example.com's card, week of 2 Nov 2026"],
    ]);
  });

  it('says where a single week on the list had them, with no "Each week" under it to say so', async () => {
    const [, week] = await listings('ash');
    expect(week.detail).toBe('slipping · chance of no order 30% · no. 11 on the list, on a later page');
    expect(week.weeks).toBeUndefined();
  });

  it("writes each chance as the card and the rest of the page do in the team's locale", async () => {
    const german = tabsOver(world, book, {
      clock: () => new Date('2027-01-04T18:00:00Z'),
      locale: 'de-DE',
      access: { tenantId: 'tenant-1', adminUserIds: [], managerUserIds: [MANAGER.userId] },
    });
    const [run] = (await german.customer(MANAGER, 'elm')).timeline.filter((e) => e.title.startsWith('On '));
    expect(run.detail).toContain('chance of no order 40\u00a0%\u00a0→\u00a045\u00a0%');
    expect(run.weeks?.[0]).toMatch(/: slipping, 40\u00a0%, no\. 2 on the card$/);
  });

  it('a customer paused after a call is off the list, though their row keeps the week the slip was first listed', async () => {
    expect((await listings('yew')).map((e) => [e.day, e.title, e.detail])).toEqual([
      ['2026-11-16', "Off Rep ana@example.com's list", 'Acted on: Ana reached out on Tue 10 Nov 2026'],
      [
        '2026-11-09',
        "On Rep ana@example.com's card, 2 weeks",
        '2 Nov 2026 – 9 Nov 2026 · slipping · chance of no order 50%\u00a0→\u00a052%',
      ],
    ]);
  });

  it('a week with no weekly run (the team closed) neither breaks their weeks in a row nor is the week they left', async () => {
    expect((await listings('fir')).map((e) => [e.day, e.title, e.detail])).toEqual([
      [
        '2026-11-02',
        "Off Rep ana@example.com's list",
        'Acted on: Ana snoozed them a week on Tue 27 Oct 2026',
      ],
      [
        '2026-10-26',
        "On Rep ana@example.com's card, 2 weeks",
        '12 Oct 2026 – 26 Oct 2026 · slipping · chance of no order 20%\u00a0→\u00a022%',
      ],
    ]);
  });

  it('a customer listed before the weeks were kept shows what it showed before', async () => {
    expect(await listings('old')).toEqual([
      { day: '2026-11-09', title: 'Put on the weekly list', detail: 'Weekly run', weeks: undefined },
    ]);
  });
  /** Old Mill's Listings row with `weeks` as no release of the app writes it, through the table's own client. */
  async function damagedRow(weeks: string): Promise<TableClient> {
    const client = TableClient.fromConnectionString(world.connectionString, world.storage.tables.listings, {
      allowInsecureConnection: true,
    });
    await client.upsertEntity({ partitionKey: 'weeks', rowKey: idKey('old'), customerId: 'old', weeks });
    return client;
  }

  it('a customer whose row of weeks cannot be read: the page tells the rest of their story and says the weeks are left out', async () => {
    // Half restored from a backup: not the schema of a customer's weeks.
    const client = await damagedRow(JSON.stringify([{ run: 'weekly-2026-W46' }]));
    try {
      const page = await tabs().customer(MANAGER, 'old');
      expect(page.listedWeeksUnreadable).toBe('all');
      // What the state row says, as for a customer listed before the weeks were kept.
      expect(await listings('old')).toEqual([
        { day: '2026-11-09', title: 'Put on the weekly list', detail: 'Weekly run', weeks: undefined },
      ]);
      expect((await tabs().customer(MANAGER, 'oak')).listedWeeksUnreadable).toBeNull();
    } finally {
      await client.deleteEntity('weeks', idKey('old'));
    }
  });
  it('a customer whose row the weekly run started again: the page says their weeks before it are left out', async () => {
    const client = await damagedRow('damaged by hand');
    try {
      await world.storage.listings.append([
        { customerId: 'old', week: week('weekly-2026-W46', '2026-11-09', 30) },
      ]);
      const page = await tabs().customer(MANAGER, 'old');
      // The timeline reads as if this were their first week on a list: the page says it is not.
      expect(page.listedWeeksUnreadable).toBe('earlier');
      expect((await listings('old')).map((e) => e.title)).toContain(
        "On Rep ana@example.com's card, week of 9 Nov 2026",
      );
    } finally {
      await client.deleteEntity('weeks', idKey('old'));
    }
  });
});
