import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionHandler } from '../../../bot/taps/actionHandler';
import { buildWeeklyCard } from '../../../cards/buildWeeklyCard';
import type { WeeklyCardData } from '../../../cards/cardModels';
import { runFollowUps } from '../../../jobs/followups/followUpsRun';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { dayOf, isoOfDay } from '../../../rules/book';
import { cardOf } from '../../fakes/teamsConnector';
import { bookExportedOn, type CustomerRow, type OrderRow } from '../../helpers/bookFromRows';
import { weeklyRows } from '../../helpers/weeklyCardData';
import { texts } from '../../unit/cards/cardWalk';
import { dailyDeps } from '../followups/dailyRun';
import { handlerDeps } from '../taps/actionHarness';
import {
  actionStoresOf,
  changeLinesOf,
  completed,
  conversationOf,
  depsFor,
  installReps,
  listsNowIn,
  openWeeklyWorld,
  ordersEvery,
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

/** A Monday's weekly run as the reps got it: each rep's card message and its rows' change lines. */
interface MondayCards {
  runKey: string;
  activityOf: Map<string, string>;
  linesOf: Map<string, Record<string, string>>;
}

/** Runs Monday's weekly job (08:03 in Chicago) in `world` and reads each rep's card back. */
async function runMonday(world: WeeklyWorld, day: string): Promise<MondayCards> {
  const deps = depsFor(world, bookOn(day), {
    readBook: async (asOf) => ({ book: bookOn(asOf), report: { files: [], rowsSkipped: 0 } }),
  });
  const report = completed(await runWeekly(deps, { now: new Date(`${day}T14:03:00Z`) }));
  const activityOf = new Map<string, string>();
  const linesOf = new Map<string, Record<string, string>>();
  for (const row of await world.storage.runs.listRun(report.runKey)) {
    if (!row.activityId) continue;
    const saved = await world.cards.get(conversationOf(row.repId), row.activityId);
    const all = texts(buildWeeklyCard(saved?.data as WeeklyCardData));
    activityOf.set(row.repId, row.activityId);
    linesOf.set(
      row.repId,
      changeLinesOf(
        all,
        weeklyRows(saved).map((c) => c.name),
      ),
    );
  }
  return { runKey: report.runKey, activityOf, linesOf };
}

/** Ana taps Won back on `id` on her card of `monday`, with `value` typed. */
async function anaWinsBack(
  handler: ReturnType<typeof createActionHandler>,
  monday: MondayCards,
  id: string,
  value: string,
): Promise<void> {
  const reply = await handler.submit({
    actor: { userId: `aad-${ANA}`, name: ANA, tenantId: 'tenant-1' },
    value: {
      action: 'won_back',
      customerId: id,
      fields: { value: 'value_0' },
      value_0: value,
      runKey: monday.runKey,
      v: 1,
    },
    replyToId: monday.activityOf.get(ANA) ?? '',
    conversationId: conversationOf(ANA),
    conversationKind: 'personal',
  });
  expect(reply.updateCard).toBeDefined();
}

describe('a save that did not hold, back on the list weeks later', () => {
  let world: WeeklyWorld;
  let now = new Date('2026-11-09T14:03:00Z');
  let last: MondayCards;
  // `list` knows last week from the run ledger, as the deployed bot's does.
  const handler = () =>
    createActionHandler(
      handlerDeps(actionStoresOf(world), {
        clock: () => now,
        listsNow: listsNowIn(world, bookOn, () => now),
      }),
    );

  /** Runs Monday's weekly job and reads Ana's card back: each row's change line. */
  async function monday(day: string): Promise<Record<string, string>> {
    now = new Date(`${day}T14:03:00Z`);
    last = await runMonday(world, day);
    return last.linesOf.get(ANA) ?? {};
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
    await anaWinsBack(handler(), last, 'alder', '1300');
    await anaWinsBack(handler(), last, 'birch', '1200');
    await anaWinsBack(handler(), last, 'fir', '1250');
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
    expect(last.linesOf.get(BOB)).toMatchObject({ Fir: 'New on your list' });
  });

  it('12 Jan: `list` says the same of each', async () => {
    now = new Date('2027-01-12T16:00:00Z');
    const reply = await handler().command({
      command: 'list',
      actor: { userId: `aad-${ANA}`, name: ANA, tenantId: 'tenant-1' },
      conversationKind: 'personal',
    });
    const card = reply.savedCard?.card ?? reply.cards?.[0];
    expect(changeLinesOf(texts(card), ['Alder', 'Birch'])).toEqual({
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

// The same saves with the daily follow-ups running, as they do by default: within the cool-down the
// digest tells Ana each save is slipping and starts a new cycle, so her taps on its row act. The
// digest put neither on a list: past the cool-down the card names Alder's save, and Birch, who
// ordered after hers, is new, where both read "Back on your list (first flagged ...)", dating a
// listing that never was.
describe('a save that did not hold, told by the digest within the cool-down', () => {
  let world: WeeklyWorld;
  const digestTexts: string[] = [];
  const anaLines = async (day: string) => (await runMonday(world, day)).linesOf.get(ANA) ?? {};

  /** Runs the daily follow-ups at 09:03 in Chicago (none at weekends) and keeps the texts Ana got. */
  async function daily(day: string): Promise<void> {
    const sentBefore = world.fake.sentTo(conversationOf(ANA)).length;
    const deps = dailyDeps(world, async (asOf) => ({
      book: bookOn(asOf),
      report: { files: [], rowsSkipped: 0 },
    }));
    const report = await runFollowUps(deps, { now: new Date(`${day}T15:03:00Z`) });
    expect(report.status).toMatch(/^(completed|not_due)$/);
    for (const sent of world.fake.sentTo(conversationOf(ANA)).slice(sentBefore))
      digestTexts.push(...texts(cardOf(sent)));
  }

  beforeAll(async () => {
    world = await openWeeklyWorld('savedigest');
    await installReps(world, [ANA, BOB]);
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('11 Jan: Alder is back with the save named, Birch is new, and their slips go on from there', async () => {
    const first = await runMonday(world, '2026-11-09');
    const now = new Date('2026-11-10T16:00:00Z');
    const handler = createActionHandler(handlerDeps(actionStoresOf(world), { clock: () => now }));
    await anaWinsBack(handler, first, 'alder', '1300');
    await anaWinsBack(handler, first, 'birch', '1200');
    for (let d = dayOf('2026-11-11'); d <= dayOf('2027-01-10'); d++) {
      const day = isoOfDay(d);
      if (new Date(`${day}T12:00:00Z`).getUTCDay() === 1)
        expect(await anaLines(day)).not.toHaveProperty('Alder');
      await daily(day);
    }
    expect(digestTexts.some((t) => t.startsWith('Won back on Tue 10 Nov, but no order since'))).toBe(true);
    expect(digestTexts.some((t) => /^Won back on Tue 10 Nov, now .* slipping again\.$/.test(t))).toBe(true);
    expect(await anaLines('2027-01-11')).toMatchObject({
      Alder: 'Back on your list (won back Tue 10 Nov, no order since)',
      Birch: 'New on your list',
    });
    expect(await anaLines('2027-01-18')).toMatchObject({
      Alder: 'Still on your list (week 2)',
      Birch: 'Still on your list (week 2)',
    });
  });
});
