import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardBytes, MAX_CARD_BYTES } from '../../../cards/cardSize';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { type CustomerState, initialState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import { adaptiveCardErrors } from '../../fixtures/adaptive-card-schema/validateAdaptiveCard';
import { weeklyRows } from '../../helpers/weeklyCardData';
import { ofType } from '../../unit/cards/cardWalk';
import {
  conversationOf,
  depsFor,
  installReps,
  openWeeklyWorld,
  SEND_TIME,
  slippingBook,
  type WeeklyWorld,
  weeklyOrders,
} from './weeklyWorld';

const REP = 'ann@example.com';

function stored(customerId: string, fields: Partial<CustomerState>): CustomerState {
  return { ...initialState({ customerId, name: customerId, owner: REP, monthlyValue: 1000 }), ...fields };
}

describe('gates and the card, end to end', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('gates');
    await installReps(world, [REP]);
  });
  afterEach(async () => {
    await world.stop();
  });

  it('keeps paused, lost, cooling-down and below-floor customers off the card and leaves the actions’ fields alone', async () => {
    const ids = ['paused', 'pauseOver', 'lost', 'cooling', 'coolOver', 'small', 'fresh'];
    const values: Record<string, number> = { small: 300 };
    // One steady customer of REP keeps the feed current (orders up to the week before).
    const book = slippingBook(
      [REP],
      { slipping: 0 },
      {
        customers: ids.map((id) => ({ id, name: id, owner: REP, monthlyValue: values[id] ?? 1000 })),
        orders: ids.flatMap((id) => weeklyOrders(id, '2026-01-05', '2026-09-14')),
      },
    );
    const before = [
      stored('paused', { lastContact: '2026-11-16', surfacedAt: '2026-11-09' }),
      stored('pauseOver', { lastContact: '2026-11-01', surfacedAt: '2026-10-26' }),
      stored('lost', { status: 'lost', lostAt: '2026-11-02', lostReason: 'price', lostNote: 'too dear' }),
      stored('cooling', { wonBackAt: '2026-10-15', recoveredValue: 950 }),
      stored('coolOver', { wonBackAt: '2026-09-01', recoveredValue: 800 }),
    ];
    await world.storage.state.writeChanged(new Map(), before);
    const rules = { ...defaultRules(), valueFloor: 500 };

    const report = await runWeekly(depsFor(world, book, { rules }), { now: SEND_TIME });
    if (report.status !== 'completed') throw new Error('expected a completed run');
    expect(report.gates).toMatchObject({
      atRisk: 7,
      surfaced: 3,
      keptOff: { lost: 1, paused: 1, cooling_down: 1, below_floor: 1 },
    });
    const [row] = await world.storage.runs.listRun(report.runKey);
    const card = await world.cards.get(conversationOf(row.repId), row.activityId ?? '');
    expect(
      weeklyRows(card)
        .map((c) => c.customerId)
        .sort(),
    ).toEqual(['coolOver', 'fresh', 'pauseOver']);

    const states = await world.storage.state.getAll();
    expect(states.get('paused')).toMatchObject({
      lastContact: '2026-11-16',
      surfacedAt: '2026-11-09',
      band: 'at_risk',
    });
    expect(states.get('pauseOver')).toMatchObject({ lastContact: '2026-11-01', surfacedAt: '2026-10-26' });
    expect(states.get('lost')).toMatchObject({
      status: 'lost',
      lostReason: 'price',
      lostNote: 'too dear',
      surfacedAt: null,
    });
    expect(states.get('cooling')).toMatchObject({
      wonBackAt: '2026-10-15',
      recoveredValue: 950,
      surfacedAt: null,
    });
    expect(states.get('coolOver')).toMatchObject({ wonBackAt: '2026-09-01', surfacedAt: '2026-11-23' });
    expect(states.get('fresh')).toMatchObject({ surfacedAt: '2026-11-23', status: 'active' });
    expect(states.get('small')).toMatchObject({ surfacedAt: null, monthlyValue: 300 });
  });

  it('the largest list the rules allow: as many rows as fit 80 KB as Teams counts it (UTF-16), the rest "+N more", valid Adaptive Card 1.5', async () => {
    const rules = { ...defaultRules(), capPerRep: 60 };
    const longName = (k: number) => `${'Greenfield Organic Wholesale Cafe & Bakery Ltd '.repeat(8)}${k}`;
    const n = 60;
    // One steady customer of REP keeps the feed current (orders up to the week before).
    const book = slippingBook(
      [REP],
      { slipping: 0 },
      {
        customers: Array.from({ length: n }, (_, k) => ({
          id: `c${k}`,
          name: longName(k),
          owner: REP,
          monthlyValue: 123_456.78 + k,
        })),
        orders: Array.from({ length: n }, (_, k) => weeklyOrders(`c${k}`, '2026-01-05', '2026-09-14')).flat(),
      },
    );
    const report = await runWeekly(depsFor(world, book, { rules }), { now: SEND_TIME });
    expect(report).toMatchObject({ counts: { delivered: 1 } });

    const [sent] = world.fake.sentTo(conversationOf(REP));
    const attachments = sent.activity.attachments as { content: Record<string, unknown> }[];
    const card = attachments[0].content;
    expect(cardBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(adaptiveCardErrors(card)).toEqual([]);
    expect(card.version).toBe('1.5');
    const shown = ofType(card, 'Container').length;
    expect(shown).toBeGreaterThan(10);
    expect(shown).toBeLessThan(25);
    const text = JSON.stringify(card);
    expect(text).toContain(`+${n - shown} more`);
    expect(text).toContain(`60 slipping; the first ${shown} shown`);
    expect(sent.activity.summary).toBe('Week 48: 60 slipping');
  });
});
