import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionHandler } from '../../../bot/taps/actionHandler';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { defaultRules } from '../../../rules/rulesSchema';
import { weeklyRows } from '../../helpers/weeklyCardData';
import {
  completed,
  conversationOf,
  depsFor,
  installReps,
  openWeeklyWorld,
  slippingBook,
  TIME_ZONE,
  tabsOver,
  type WeeklyWorld,
} from './weeklyWorld';

// Three slipping customers and a card of two: the third is on page 2. The week is run three times
// (two forced reruns), then the rep calls the first row's customer, and the next Monday is run: each
// customer's recorded weeks say what each card had, once a week, and the customer page tells it.

const REP = 'ana@example.com';
const rules = { ...defaultRules(), capPerRep: 2 };
const book = slippingBook([REP], { slipping: 3 });
const ids = ['0', '1', '2'].map((k) => `${REP}#s${k}`);
const at = (day: string) => new Date(`${day}T14:03:00Z`);

describe("a customer's weeks on the list (Azurite)", () => {
  let world: WeeklyWorld;
  let shown: string[] = [];
  beforeAll(async () => {
    world = await openWeeklyWorld('listed');
    await installReps(world, [REP]);
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('records one week per run and customer: two reruns of the week add nothing', async () => {
    const deps = depsFor(world, book, { rules });
    const first = completed(await runWeekly(deps, { now: at('2026-11-16') }));
    const [row] = await world.storage.runs.listRun(first.runKey);
    const card = await world.cards.get(conversationOf(REP), row.activityId ?? '');
    shown = weeklyRows(card).map((c) => c.customerId);
    expect(shown).toHaveLength(2);
    const third = ids.find((id) => !shown.includes(id)) ?? '';
    const recorded = await Promise.all(ids.map((id) => world.storage.listings.read(id)));

    completed(await runWeekly(deps, { now: at('2026-11-16'), force: true }));
    completed(await runWeekly(deps, { now: at('2026-11-18'), force: true }));
    expect(await Promise.all(ids.map((id) => world.storage.listings.read(id)))).toEqual(recorded);

    const [top] = await world.storage.listings.read(shown[0]);
    expect(top).toMatchObject({
      run: 'weekly-2026-W47',
      day: '2026-11-16',
      owner: REP,
      kind: 'slipping',
      rank: 1,
      page: 1,
      heldOut: false,
    });
    expect(top.chance).toBeGreaterThan(0);
    expect(await world.storage.listings.read(third)).toEqual([
      expect.objectContaining({ run: 'weekly-2026-W47', rank: 3, page: 2 }),
    ]);
  });

  it('adds next week and tells the story on the customer page: the weeks in a row, and who left and why', async () => {
    const handler = createActionHandler({
      stores: { ...world.storage, cards: world.cards },
      rules,
      timeZone: TIME_ZONE,
      access: { tenantId: 'tenant-1', adminUserIds: [] },
      clock: () => new Date('2026-11-17T16:00:00Z'),
    });
    const [row] = await world.storage.runs.listRun('weekly-2026-W47');
    await handler.submit({
      actor: { userId: `aad-${REP}`, name: 'Ana', tenantId: 'tenant-1' },
      value: { action: 'reached_out', customerId: shown[0], runKey: 'weekly-2026-W47', v: 1 },
      replyToId: row.activityId ?? '',
      conversationId: conversationOf(REP),
      conversationKind: 'personal',
    });
    completed(await runWeekly(depsFor(world, book, { rules }), { now: at('2026-11-23') }));
    completed(await runWeekly(depsFor(world, book, { rules }), { now: at('2026-11-23'), force: true }));
    expect((await world.storage.listings.read(shown[0])).map((w) => w.run)).toEqual(['weekly-2026-W47']);
    const kept = await world.storage.listings.read(shown[1]);
    expect(kept.map((w) => w.run)).toEqual(['weekly-2026-W47', 'weekly-2026-W48']);

    const tabs = tabsOver(world, book, { clock: () => new Date('2026-11-30T18:00:00Z') });
    const ana = { userId: `aad-${REP}`, name: 'Ana', email: REP, tenantId: 'tenant-1' };
    const story = async (id: string) =>
      (await tabs.customer(ana, id)).timeline
        .filter((e) => e.kind === 'listing')
        .map((e) => ({ day: e.day, title: e.title, detail: e.detail, weeks: e.weeks }));

    const twoWeeks = await story(shown[1]);
    const chances = kept.map((w) => `${w.chance}%`);
    const chance = chances[0] === chances[1] ? chances[0] : chances.join('\u00a0→\u00a0');
    // The card still has them on the 30th: the run of that Monday is still to come.
    expect(twoWeeks).toEqual([
      {
        day: '2026-11-23',
        title: `On Rep ${REP}'s card, 2 weeks`,
        detail: `16 Nov – 23 Nov · slipping · chance of no order ${chance} · still on it`,
        weeks: [
          `Mon 16 Nov: slipping, ${chances[0]}, no. ${kept[0].rank} on the card`,
          `Mon 23 Nov: slipping, ${chances[1]}, no. ${kept[1].rank} on the card`,
        ],
      },
    ]);
    // Reached out on the 17th: off the list on the next Monday, and the page says why.
    expect(await story(shown[0])).toEqual([
      {
        day: '2026-11-23',
        title: `Off Rep ${REP}'s list`,
        detail: 'Acted on: Ana reached out on Tue 17 Nov',
        weeks: undefined,
      },
      expect.objectContaining({ day: '2026-11-16', title: `On Rep ${REP}'s card, week of 16 Nov` }),
    ]);
  });
});
