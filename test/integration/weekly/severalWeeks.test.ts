import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionHandler } from '../../../bot/taps/actionHandler';
import { buildWeeklyCard } from '../../../cards/buildWeeklyCard';
import type { WeeklyCardData } from '../../../cards/cardModels';
import { summaryCardFor } from '../../../jobs/monthly/summaryCardFor';
import { summaryFeedFigures } from '../../../jobs/monthly/summaryFeedFigures';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import type { CustomerState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import { createTabService } from '../../../tabs/api/tabService';
import { bookExportedOn, type CustomerRow, type OrderRow } from '../../helpers/bookFromRows';
import { sentRows } from '../../helpers/tabRows';
import { weeklyRows } from '../../helpers/weeklyCardData';
import { texts } from '../../unit/cards/cardWalk';
import {
  actionStoresOf,
  changeLinesOf,
  completed,
  conversationOf,
  depsFor,
  installReps,
  openWeeklyWorld,
  ordersEvery,
  TIME_ZONE,
  type WeeklyWorld,
  weeklyOrders,
} from './weeklyWorld';

// Six Mondays of real use, end to end: the weekly run on Azurite and the fake Teams connector, the
// reps' taps through the bot's action handler and the personal tab, the tabs' figures and November's
// summary, on a book of thirteen customers whose every order is placed by hand. Each expectation is
// worked out from those orders and taps, not read off the product.

const ANA = 'ana@x.com';
const BEN = 'ben@x.com';

const customers: CustomerRow[] = [
  { id: 'alder', name: 'Alder', owner: ANA, monthlyValue: 1300 },
  { id: 'birch', name: 'Birch', owner: ANA, monthlyValue: 1200 },
  { id: 'cedar', name: 'Cedar', owner: ANA, monthlyValue: 1100 },
  { id: 'dogwood', name: 'Dogwood', owner: ANA, monthlyValue: 1000 },
  { id: 'elm', name: 'Elm', owner: ANA, monthlyValue: 900 },
  { id: 'fir', name: 'Fir', owner: ANA, monthlyValue: null },
  { id: 'ginkgo', name: 'Ginkgo', owner: ANA, monthlyValue: 800 },
  { id: 'hazel', name: 'Hazel', owner: BEN, monthlyValue: 2000 },
  { id: 'ivy', name: 'Ivy', owner: BEN, monthlyValue: 1500 },
  { id: 'juniper', name: 'Juniper', owner: BEN, monthlyValue: 700 },
  { id: 'kiwi', name: 'Kiwi', owner: BEN, monthlyValue: 600 },
  { id: 'larch', name: 'Larch', owner: BEN, monthlyValue: 1100 },
  { id: 'maple', name: 'Maple', owner: BEN, monthlyValue: null },
];

const orders: OrderRow[] = [
  // Every Monday from June, until a last order on 19 October: slipping from 9 November.
  ...weeklyOrders('alder', '2026-06-01', '2026-10-19'),
  ...weeklyOrders('cedar', '2026-06-01', '2026-10-19'),
  ...weeklyOrders('dogwood', '2026-06-01', '2026-10-19'),
  ...weeklyOrders('elm', '2026-06-01', '2026-10-19'),
  // Birch stops after 26 October, orders on Tuesday 10 November, then stops again.
  ...weeklyOrders('birch', '2026-06-01', '2026-10-26'),
  { customerId: 'birch', date: '2026-11-10', amount: 300 },
  // Fir: one order in September (no monthly value: "if they order again"), a second on 25 November.
  { customerId: 'fir', date: '2026-09-14', amount: 800 },
  { customerId: 'fir', date: '2026-11-25', amount: 600 },
  // Ginkgo and Kiwi order every Monday throughout: never listed.
  ...weeklyOrders('ginkgo', '2026-06-01', '2026-12-14'),
  ...weeklyOrders('kiwi', '2026-06-01', '2026-12-14'),
  // Hazel orders every fortnight until 12 October, then once on 18 November.
  ...ordersEvery('hazel', '2026-06-01', '2026-10-12', 14, 900),
  { customerId: 'hazel', date: '2026-11-18', amount: 900 },
  // Ivy orders every Monday until 2 November: slipping from the 16th.
  ...weeklyOrders('ivy', '2026-06-01', '2026-11-02'),
  // Juniper stopped in July (lapsed); Maple ordered twice in August.
  ...ordersEvery('juniper', '2026-06-01', '2026-07-27', 14, 400),
  { customerId: 'maple', date: '2026-08-03', amount: 500 },
  { customerId: 'maple', date: '2026-08-10', amount: 500 },
  // Larch stops after 26 October; Ben reaches out on 10 November and Larch orders on the 12th.
  ...weeklyOrders('larch', '2026-06-01', '2026-10-26'),
  { customerId: 'larch', date: '2026-11-12', amount: 300 },
];

/** The feed as exported on `day`: no order placed after it. */
const bookOn = (day: string) => bookExportedOn({ customers, orders }, day);

const rules = defaultRules();
const user = (email: string) => ({ userId: `aad-${email}`, name: email, email, tenantId: 'tenant-1' });
const BOSS = { userId: 'aad-boss', name: 'Boss', email: 'boss@x.com', tenantId: 'tenant-1' };

/** A rep's card of one week: its first line, each row's name and change line, and the back-on-track line. */
interface SeenCard {
  headline: string;
  rows: Record<string, string>;
  back: string | null;
  activityId: string;
}

describe('six Mondays of real use', () => {
  let world: WeeklyWorld;
  let now = new Date('2026-11-09T14:03:00Z');
  const clock = () => now;
  let cards = new Map<string, SeenCard>();
  let runKey = '';
  const handler = () =>
    createActionHandler({
      stores: actionStoresOf(world),
      rules,
      timeZone: TIME_ZONE,
      access: { tenantId: 'tenant-1', adminUserIds: [] },
      clock,
    });
  const tabs = (day: string) =>
    createTabService({
      storage: world.storage,
      cards: world.cards,
      rules,
      readBook: async () => ({ book: bookOn(day), report: { files: [], rowsSkipped: 0 } }),
      timeZone: TIME_ZONE,
      access: { tenantId: 'tenant-1', adminUserIds: [], managerUserIds: [BOSS.userId] },
      clock,
    });

  /** Runs Monday's weekly job (08:03 in Chicago) and reads each rep's card back. */
  async function monday(day: string): Promise<Map<string, SeenCard>> {
    now = new Date(`${day}T14:03:00Z`);
    const deps = depsFor(world, bookOn(day), {
      readBook: async (asOf) => ({ book: bookOn(asOf), report: { files: [], rowsSkipped: 0 } }),
    });
    const report = completed(await runWeekly(deps, { now }));
    runKey = report.runKey;
    cards = new Map();
    for (const row of await world.storage.runs.listRun(report.runKey)) {
      const saved = await world.cards.get(conversationOf(row.repId), row.activityId ?? '');
      if (!saved) continue;
      const all = texts(buildWeeklyCard(saved.data as WeeklyCardData));
      const rows = changeLinesOf(
        all,
        weeklyRows(saved).map((c) => c.name),
      );
      cards.set(row.repId, {
        headline: all[0],
        rows,
        back: all.find((t) => t.startsWith('Back on track')) ?? null,
        activityId: row.activityId ?? '',
      });
    }
    return cards;
  }

  /** A tap on the rep's latest card, at 10:00 in Chicago on `day`. */
  async function tap(day: string, email: string, value: Record<string, unknown>) {
    now = new Date(`${day}T16:00:00Z`);
    return handler().submit({
      actor: { userId: `aad-${email}`, name: email, tenantId: 'tenant-1' },
      value: { ...value, runKey, v: 1 },
      replyToId: cards.get(email)?.activityId ?? null,
      conversationId: conversationOf(email),
      conversationKind: 'personal',
    });
  }
  const reachedOut = (customerId: string) => ({ action: 'reached_out', customerId });
  const wonBack = (customerId: string, value: string) => ({
    action: 'won_back',
    customerId,
    fields: { value: 'value_0' },
    value_0: value,
  });
  const lost = (customerId: string, reason: string, note = '') => ({
    action: 'lost',
    customerId,
    fields: { reason: 'reason_0', note: 'note_0' },
    reason_0: reason,
    note_0: note,
  });
  const state = async (id: string): Promise<CustomerState | undefined> =>
    (await world.storage.state.get(id))?.state;
  const kinds = async (day: string, email: string) =>
    Object.fromEntries(
      sentRows(await tabs(day).customers(user(email))).map((c) => [c.name, c.kind] as const),
    );

  beforeAll(async () => {
    world = await openWeeklyWorld('weeks');
    await installReps(world, [ANA, BEN]);
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('9 Nov, the first run: every row is new, none is worse than a card nobody saw', async () => {
    const week = await monday('2026-11-09');
    expect(week.get(ANA)).toMatchObject({
      headline: 'Week 46 · 5 slipping',
      rows: {
        Alder: 'New on your list',
        Cedar: 'New on your list',
        Dogwood: 'New on your list',
        Birch: 'New on your list',
        Elm: 'New on your list',
      },
      back: null,
    });
    // Hazel, a fortnight late on a fortnightly rhythm: the one slipping customer of the book's past
    // (Juniper in August) never came back, so the chance is measured high enough to list her.
    expect(week.get(BEN)).toMatchObject({
      headline: 'Week 46 · 2 slipping',
      rows: { Larch: 'New on your list', Hazel: 'New on your list' },
    });
  });

  it("the week's taps: reached out, won back, lost and its undo, which restores the row exactly", async () => {
    const elmBefore = await state('elm');
    expect((await tap('2026-11-10', ANA, reachedOut('cedar'))).updateCard).toBeDefined();
    expect((await tap('2026-11-10', BEN, reachedOut('larch'))).updateCard).toBeDefined();
    expect((await tap('2026-11-11', ANA, wonBack('dogwood', '450'))).updateCard).toBeDefined();
    expect((await tap('2026-11-10', ANA, lost('elm', 'price'))).updateCard).toBeDefined();
    expect(await state('elm')).toMatchObject({ status: 'lost', lostReason: 'price' });
    await tap('2026-11-12', ANA, { action: 'undo', customerId: 'elm' });
    expect(await state('elm')).toEqual(elmBefore);
  });

  it("16 Nov: the paused and the cooling-down are off; who ordered is back on track, the rep's call or not", async () => {
    const week = await monday('2026-11-16');
    // Alder and Elm's chances rose under the 5 points that make "worse". Fir, one order 63 days ago,
    // is not back yet.
    expect(week.get(ANA)).toMatchObject({
      headline: 'Week 47 · 2 slipping · 1 not back yet',
      rows: {
        Alder: 'Still on your list (week 2)',
        Elm: 'Still on your list (week 2)',
        Fir: 'New on your list',
      },
      back: 'Back on track: Birch ordered Tue 10 Nov',
    });
    expect(week.get(BEN)).toMatchObject({
      headline: 'Week 47 · 2 slipping',
      rows: { Ivy: 'New on your list', Hazel: 'Still on your list (week 2)' },
      back: 'Back on track: Larch ordered Thu 12 Nov',
    });
    // Larch ordered two days after Ben's call: not "reached out, not back yet".
    expect(await kinds('2026-11-16', BEN)).toMatchObject({ Larch: 'steady', Ivy: 'slipping' });
    expect(await kinds('2026-11-16', ANA)).toMatchObject({
      Cedar: 'not_back_yet',
      Dogwood: 'won_back',
      Birch: 'steady',
    });
  });

  it("the second week's taps: lost for good, and a save recorded in the tab, undone and recorded again", async () => {
    await tap('2026-11-17', ANA, lost('elm', 'competitor', 'went to Sysco'));
    const tab = tabs('2026-11-17');
    const hazelBefore = await state('hazel');
    now = new Date('2026-11-17T16:00:00Z');
    await tab.act(user(BEN), 'hazel', { action: 'won_back' });
    expect(await state('hazel')).toMatchObject({ wonBackAt: '2026-11-17', recoveredValue: 2000 });
    now = new Date('2026-11-19T16:00:00Z');
    await tab.act(user(BEN), 'hazel', { action: 'undo' });
    expect(await state('hazel')).toEqual(hazelBefore);
    now = new Date('2026-11-20T16:00:00Z');
    const again = await tab.act(user(BEN), 'hazel', { action: 'won_back', value: '1500' });
    expect(again.message).toBe('Recorded: Hazel won back ($1,500 a month).');
  });

  it('23 Nov: Birch, back on track last week, slipped again: new on the list, not "week 3"', async () => {
    const week = await monday('2026-11-23');
    expect(week.get(ANA)).toMatchObject({
      headline: 'Week 48 · 2 slipping · 1 not back yet',
      rows: {
        Alder: 'Still on your list (week 3)',
        Birch: 'New on your list',
        Fir: 'Still on your list (week 2)',
      },
      back: null,
    });
    // Ivy: her chance rose by under the 5 points that make "worse" (the few past slipping customers
    // weigh more than the score's rise).
    expect(week.get(BEN)).toMatchObject({
      headline: 'Week 48 · 1 slipping',
      rows: { Ivy: 'Still on your list (week 2)' },
    });
    // Cedar and Larch are still paused (their calls were on 10 Nov), Elm is lost, Dogwood cooling down.
    const team = await tabs('2026-11-23').team(BOSS, { rep: null, month: null });
    expect(team.valueAtRiskByRep.map((r) => [r.owner, r.countsText])).toEqual([
      [ANA, '2 slipping · 1 not back yet'],
      [BEN, '1 slipping'],
    ]);
    // Untouched: every name on this week's cards nobody has tapped in its slip, Alder on its third
    // card as much as Birch on its first (Fir's save comes on Tuesday).
    const names = (owner: string) =>
      team.untouched.find((r) => r.owner === owner)?.customers.map((c) => c.name);
    expect(names(ANA)).toEqual(['Alder', 'Birch', 'Fir']);
    expect(names(BEN)).toEqual(['Ivy']);
  });

  it("a one-order customer's save is a second order's worth, said so", async () => {
    now = new Date('2026-11-24T16:00:00Z');
    const saved = await tabs('2026-11-24').act(user(ANA), 'fir', { action: 'won_back', value: '800' });
    expect(saved.message).toBe('Recorded: Fir won back (another $800 order).');
  });

  it('30 Nov: the paused are back when the pause ends, and the card says back, not still', async () => {
    const week = await monday('2026-11-30');
    // Birch: still on the list (the few past slipping customers weigh more than the score's rise). Cedar, listed on 9 Nov and never ordering since, was
    // paused two weeks: back, on its second card, not "still (week 4)". Larch ordered after the
    // call: a new slip.
    expect(week.get(ANA)).toMatchObject({
      headline: 'Week 49 · 3 slipping',
      rows: {
        Alder: 'Still on your list (week 4)',
        Cedar: 'Back on your list (first flagged Mon 9 Nov)',
        Birch: 'Still on your list (week 2)',
      },
    });
    expect(week.get(BEN)).toMatchObject({
      headline: 'Week 49 · 2 slipping',
      rows: { Ivy: 'Still on your list (week 3)', Larch: 'New on your list' },
    });
    expect(await kinds('2026-11-30', BEN)).toMatchObject({ Larch: 'slipping', Hazel: 'won_back' });
  });

  it("1 Dec: November's summary counts each save once, net of the undos, second orders apart", async () => {
    now = new Date('2026-12-01T15:00:00Z');
    const feed = summaryFeedFigures(
      bookOn('2026-12-01'),
      (await world.storage.state.getAll()).values(),
      rules,
      '2026-11',
      '2026-12-01',
    );
    const { summary } = await summaryCardFor(world.storage, '2026-11', {
      timeZone: TIME_ZONE,
      lossReasons: rules.lossReasons,
      ...feed,
    });
    expect(summary).toMatchObject({
      headline:
        'The team won back $1,950 of monthly revenue, plus $800 of one-off orders, in November from 3 at-risk customers. 1 lost.',
      recoveredValue: 1950,
      secondOrderValue: 800,
      saves: 3,
      lost: 1,
      losses: [expect.objectContaining({ code: 'competitor', count: 1 })],
      surfaced: 9,
      reachedOut: 2,
      undone: 2,
      // Of the nine flagged, Dogwood, Hazel and Fir were won back.
      winBackRate: 3 / 9,
      savesOfEarlierFlags: 0,
      savesNotFlagged: 0,
      medianDaysToWinBack: 8,
      followUps: expect.objectContaining({ reachedOut: 2, reachedOutThenWonBack: 0 }),
      savesHeld: expect.objectContaining({ valueRecorded: 1950, valueRecordedSecondOrder: 800 }),
    });
    const team = await tabs('2026-12-01').team(BOSS, { rep: null, month: '2026-11' });
    expect(team.monthly.at(-1)).toEqual({
      month: '2026-11',
      surfaced: 9,
      reachedOut: 2,
      saves: 3,
      losses: 1,
      valueWonBack: 1950,
      // The one-visit customer's second order, apart from the monthly value, as on the card.
      oneOffWonBack: 800,
      flaggedNotDelivered: 0,
      followUpConversion: 0,
    });
  });

  it('the audit trail holds one row per tap that changed something, none lost, and the weekly flags', async () => {
    const rows = await world.storage.audit.readMonth('2026-11');
    const taps = rows
      .filter((r) => r.action !== 'surfaced')
      .sort((a, b) => a.at.localeCompare(b.at) || a.customerId.localeCompare(b.customerId))
      .map((r) => `${r.at.slice(0, 10)} ${r.customerId} ${r.action}${r.value === null ? '' : ` ${r.value}`}`);
    expect(taps).toEqual([
      '2026-11-10 cedar reached_out',
      '2026-11-10 elm lost',
      '2026-11-10 larch reached_out',
      '2026-11-11 dogwood won_back 450',
      '2026-11-12 elm undo',
      '2026-11-17 elm lost',
      '2026-11-17 hazel won_back 2000',
      '2026-11-19 hazel undo',
      '2026-11-20 hazel won_back 1500',
      '2026-11-24 fir won_back 800',
    ]);
    const flags = rows
      .filter((r) => r.action === 'surfaced')
      .map((r) => r.id.replace('surfaced_weekly-2026-', ''));
    expect(flags.sort()).toEqual(
      [
        ['W46', ['alder', 'birch', 'cedar', 'dogwood', 'elm', 'hazel', 'larch']],
        ['W47', ['alder', 'elm', 'fir', 'hazel', 'ivy']],
        ['W48', ['alder', 'birch', 'fir', 'ivy']],
        ['W49', ['alder', 'birch', 'cedar', 'ivy', 'larch']],
      ]
        .flatMap(([week, ids]) => (ids as string[]).map((id) => `${week}_${id}`))
        .sort(),
    );
  });
});
