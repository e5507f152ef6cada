import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionHandler } from '../../../bot/taps/actionHandler';
import { buildWeeklyCard } from '../../../cards/buildWeeklyCard';
import type { WeeklyCardData } from '../../../cards/cardModels';
import { listsNowFrom } from '../../../jobs/weekly/weeklyPlan';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { dayOf, isoOfDay } from '../../../rules/book';
import { defaultRules } from '../../../rules/rulesSchema';
import { bookExportedOn, type CustomerRow, type OrderRow } from '../../helpers/bookFromRows';
import { weeklyRows } from '../../helpers/weeklyCardData';
import { texts } from '../../unit/cards/cardWalk';
import { handlerDeps } from '../taps/actionHarness';
import {
  actionStoresOf,
  changeLineOf,
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

// Two saves on one Tuesday, through the weekly run on Azurite, the fake Teams connector and the bot's
// action handler, Monday after Monday until the 60-day cool-down is over: Alder never orders again,
// Birch orders for three weeks and stops. The card must tell the rep which save did not hold. Fir,
// saved by Ana too and never ordering since, is handed to Bob during the cool-down: to Bob, who never
// had Fir on a list nor saved them, Fir is new.

const ANA = 'ana@x.com';
const BOB = 'bob@x.com';
const FIR_TO_BOB = '2026-12-01';

const customersOn = (day: string): CustomerRow[] => [
  { id: 'fir', name: 'Fir', owner: day >= FIR_TO_BOB ? BOB : ANA, monthlyValue: 1250 },
  { id: 'alder', name: 'Alder', owner: ANA, monthlyValue: 1300 },
  { id: 'birch', name: 'Birch', owner: ANA, monthlyValue: 1200 },
  { id: 'cedar', name: 'Cedar', owner: ANA, monthlyValue: 1100 },
  { id: 'ginkgo', name: 'Ginkgo', owner: ANA, monthlyValue: 800 },
  { id: 'kiwi', name: 'Kiwi', owner: ANA, monthlyValue: 600 },
  { id: 'juniper', name: 'Juniper', owner: ANA, monthlyValue: 700 },
];

const orders: OrderRow[] = [
  // Every Monday from June until 19 October: slipping from 9 November.
  ...weeklyOrders('alder', '2026-06-01', '2026-10-19'),
  ...weeklyOrders('birch', '2026-06-01', '2026-10-19'),
  ...weeklyOrders('cedar', '2026-06-01', '2026-10-19'),
  ...weeklyOrders('fir', '2026-06-01', '2026-10-19'),
  // Birch orders again the three Mondays after the save, then stops.
  ...weeklyOrders('birch', '2026-11-16', '2026-11-30'),
  // Ginkgo and Kiwi order every Monday throughout; Juniper stopped in July.
  ...weeklyOrders('ginkgo', '2026-06-01', '2027-01-25'),
  ...weeklyOrders('kiwi', '2026-06-01', '2027-01-25'),
  ...ordersEvery('juniper', '2026-06-01', '2026-07-27', 14, 400),
];

const bookOn = (day: string) => bookExportedOn({ customers: customersOn(day), orders }, day);
const rules = defaultRules();

describe('a save that did not hold, back on the list weeks later', () => {
  let world: WeeklyWorld;
  let now = new Date('2026-11-09T14:03:00Z');
  let runKey = '';
  let activityId = '';
  // `list` knows last week from the run ledger, as the deployed bot's does.
  const handler = () =>
    createActionHandler(
      handlerDeps(actionStoresOf(world), {
        clock: () => now,
        listsNow: listsNowFrom(
          async (asOf) => ({ book: bookOn(asOf) }),
          rules,
          () => now,
          async () => world.storage.conversations,
          { runs: world.storage.runs, timeZone: TIME_ZONE },
        ),
      }),
    );

  /** Each row's "what changed" line on a card's texts (`all`), by the rows' names. */
  const changeLines = (all: string[], names: string[]) =>
    Object.fromEntries(names.map((name) => [name, changeLineOf(all, name)]));

  /** Each rep's card of the last Monday run, as `monday` reads it. */
  const cardOf = new Map<string, Record<string, string>>();

  /** A rep's card of the run `runKey`, read back: each row's change line ({} when none was sent). */
  async function cardLines(key: string, rep: string): Promise<Record<string, string>> {
    const [row] = (await world.storage.runs.listRun(key)).filter((r) => r.repId === rep);
    if (!row?.activityId) return {};
    const saved = await world.cards.get(conversationOf(rep), row.activityId);
    const all = texts(buildWeeklyCard(saved?.data as WeeklyCardData));
    return changeLines(
      all,
      weeklyRows(saved).map((c) => c.name),
    );
  }

  /** Runs Monday's weekly job (08:03 in Chicago) and reads Ana's card back: each row's change line. */
  async function monday(day: string): Promise<Record<string, string>> {
    now = new Date(`${day}T14:03:00Z`);
    const deps = depsFor(world, bookOn(day), {
      readBook: async (asOf) => ({ book: bookOn(asOf), report: { files: [], rowsSkipped: 0 } }),
    });
    const report = completed(await runWeekly(deps, { now }));
    runKey = report.runKey;
    const [row] = (await world.storage.runs.listRun(report.runKey)).filter((r) => r.repId === ANA);
    activityId = row?.activityId ?? '';
    for (const rep of [ANA, BOB]) cardOf.set(rep, await cardLines(report.runKey, rep));
    return cardOf.get(ANA) ?? {};
  }

  beforeAll(async () => {
    world = await openWeeklyWorld('savenotheld');
    await installReps(world, [ANA, BOB]);
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('9 Nov: Alder, Birch and Fir are new; Ana wins all three back on Tuesday', async () => {
    expect(await monday('2026-11-09')).toMatchObject({
      Alder: 'New on your list',
      Birch: 'New on your list',
      Fir: 'New on your list',
    });
    now = new Date('2026-11-10T16:00:00Z');
    for (const [id, value] of [
      ['alder', '1300'],
      ['birch', '1200'],
      ['fir', '1250'],
    ]) {
      const reply = await handler().submit({
        actor: { userId: `aad-${ANA}`, name: ANA, tenantId: 'tenant-1' },
        value: {
          action: 'won_back',
          customerId: id,
          fields: { value: 'value_0' },
          value_0: value,
          runKey,
          v: 1,
        },
        replyToId: activityId,
        conversationId: conversationOf(ANA),
        conversationKind: 'personal',
      });
      expect(reply.updateCard).toBeDefined();
    }
  });

  it('through the cool-down neither is on a card', async () => {
    for (let d = dayOf('2026-11-16'); d <= dayOf('2027-01-04'); d += 7) {
      const rows = await monday(isoOfDay(d));
      expect(Object.keys(rows)).not.toContain('Alder');
      expect(Object.keys(rows)).not.toContain('Birch');
    }
  });

  it('11 Jan: Alder, saved with no order since, is back with the save named; Birch, who ordered since, is new', async () => {
    expect(await monday('2027-01-11')).toMatchObject({
      Alder: 'Back on your list (won back Tue 10 Nov, no order since)',
      Birch: 'New on your list',
    });
    // Bob never had Fir on a list nor saved them: "Back on your list" would be untrue to him.
    expect(cardOf.get(BOB)).toMatchObject({ Fir: 'New on your list' });
  });

  it('12 Jan: `list` says the same of each', async () => {
    now = new Date('2027-01-12T16:00:00Z');
    const reply = await handler().command({
      command: 'list',
      actor: { userId: `aad-${ANA}`, name: ANA, tenantId: 'tenant-1' },
      conversationKind: 'personal',
    });
    const card = reply.savedCard?.card ?? reply.cards?.[0];
    expect(changeLines(texts(card), ['Alder', 'Birch'])).toEqual({
      Alder: 'Back on your list (won back Tue 10 Nov, no order since)',
      Birch: 'New on your list',
    });
  });

  it('18 Jan: the slip goes on from that listing, as any other', async () => {
    expect(await monday('2027-01-18')).toMatchObject({
      Alder: 'Still on your list (week 2)',
      Birch: 'Still on your list (week 2)',
    });
  });
});
