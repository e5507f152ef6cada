import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionHandler } from '../../../bot/taps/actionHandler';
import { buildWeeklyCard } from '../../../cards/buildWeeklyCard';
import type { WeeklyCardData } from '../../../cards/cardModels';
import { isDigest } from '../../../cards/renderCard';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { defaultRules } from '../../../rules/rulesSchema';
import { weeklyRows } from '../../helpers/weeklyCardData';
import { texts } from '../../unit/cards/cardWalk';
import {
  changeLineOf,
  completed,
  conversationOf,
  depsFor,
  installReps,
  openWeeklyWorld,
  slippingBook,
  TIME_ZONE,
  type WeeklyWorld,
} from './weeklyWorld';

// Three slipping customers and a card of two: the third is first listed past the card (page 2, not
// flagged). A week later, with a row of the first card called off the list, the third is on the card
// beside a row flagged a week before: both have been on the list two weeks, and both say so.

const REP = 'ana@example.com';
const rules = { ...defaultRules(), capPerRep: 2 };
const book = slippingBook([REP], { slipping: 3 });

describe('a customer first listed on page 2', () => {
  let world: WeeklyWorld;
  beforeAll(async () => {
    world = await openWeeklyWorld('pagetwo');
    await installReps(world, [REP]);
  });
  afterAll(async () => {
    await world?.stop();
  });

  /** Runs the weekly job on a Monday and reads the rep's card back. */
  async function monday(day: string) {
    const now = new Date(`${day}T14:03:00Z`);
    const report = completed(await runWeekly(depsFor(world, book, { rules }), { now }));
    const [row] = await world.storage.runs.listRun(report.runKey);
    const saved = await world.cards.get(conversationOf(REP), row.activityId ?? '');
    if (!saved || isDigest(saved.data)) throw new Error('no weekly card');
    return { runKey: report.runKey, activityId: row.activityId ?? '', data: saved.data as WeeklyCardData };
  }

  it('is counted in weeks on the list like the flagged rows, and is not flagged', async () => {
    const first = await monday('2026-11-16');
    const shown = weeklyRows({ data: first.data }).map((c) => c.customerId);
    expect(shown).toHaveLength(2);
    const third = ['0', '1', '2'].map((k) => `${REP}#s${k}`).find((id) => !shown.includes(id)) ?? '';
    expect((await world.storage.state.get(third))?.state.surfacedAt).toBeNull();

    // The rep calls the first row's customer: paused, off next week's list.
    const handler = createActionHandler({
      stores: { ...world.storage, cards: world.cards },
      rules,
      timeZone: TIME_ZONE,
      access: { tenantId: 'tenant-1', adminUserIds: [] },
      clock: () => new Date('2026-11-17T16:00:00Z'),
    });
    await handler.submit({
      actor: { userId: `aad-${REP}`, name: 'Ana', tenantId: 'tenant-1' },
      value: { action: 'reached_out', customerId: shown[0], runKey: first.runKey, v: 1 },
      replyToId: first.activityId,
      conversationId: conversationOf(REP),
      conversationKind: 'personal',
    });

    const second = await monday('2026-11-23');
    const all = texts(buildWeeklyCard(second.data));
    const line = (id: string) => {
      const name = weeklyRows({ data: second.data }).find((c) => c.customerId === id)?.name ?? id;
      return changeLineOf(all, name);
    };
    expect(line(shown[1])).toBe('Still on your list (week 2)');
    expect(line(third)).toBe('Still on your list (week 2)');
    // Listed past the card a week ago: flagged only now, on the card.
    expect((await world.storage.state.get(third))?.state.surfacedAt).toBe('2026-11-23');
  });
});
