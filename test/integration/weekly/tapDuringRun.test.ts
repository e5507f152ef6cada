import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actionRulesFrom } from '../../../bot/taps/actionRules';
import type { Decision, DecisionContext } from '../../../bot/taps/actionTypes';
import { commitDecision } from '../../../bot/taps/commitAction';
import { decideLost } from '../../../bot/taps/decideLost';
import { decideReachedOut } from '../../../bot/taps/decideReachedOut';
import { decideWonBack } from '../../../bot/taps/decideWonBack';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { localMonth } from '../../../rules/calendar';
import type { CustomerState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import type { StateStore } from '../../../storage/stateStore';
import {
  depsFor,
  installReps,
  openWeeklyWorld,
  repEmails,
  SEND_TIME,
  slippingBook,
  TIME_ZONE,
  type WeeklyWorld,
} from './weeklyWorld';

const TODAY = '2026-11-23';
const AT = SEND_TIME.toISOString();
const rules = defaultRules();
const actionRules = actionRulesFrom(rules);

/** The state store with `tap` run right after the run's read: it lands between the read and every write. */
function tapAfterRead(state: StateStore, tap: () => Promise<void>): StateStore {
  return {
    getAll: () => state.getAll(),
    readAll: async () => {
      const snapshot = await state.readAll();
      await tap();
      return snapshot;
    },
    readChangedSince: (since) => state.readChangedSince(since),
    get: (customerId) => state.get(customerId),
    writeChanged: (previous, next, options) => state.writeChanged(previous, next, options),
    writeGuarded: (snapshot, next, options) => state.writeGuarded(snapshot, next, options),
    writeEach: (states, options) => state.writeEach(states, options),
    update: (customerId, decide, options) => state.update(customerId, decide, options),
  };
}

/** A rep's button tap through the real actions code (decide, then the audit row, then the state with its ETag). */
async function tap(
  world: WeeklyWorld,
  customerId: string,
  decide: (ctx: DecisionContext) => Decision,
): Promise<CustomerState> {
  const current = (await world.storage.state.get(customerId))?.state;
  if (!current) throw new Error(`no state for ${customerId}`);
  const decision = decide({
    current,
    actor: { userId: `aad-${current.owner}`, name: current.owner },
    today: TODAY,
    timeZone: TIME_ZONE,
    currency: 'USD',
    at: AT,
    key: `tap_${customerId}`,
    cardMessageId: null,
  });
  if (!decision.ok) throw new Error(decision.message);
  const result = await commitDecision(world.storage, decision, {
    rules: actionRules,
    timeZone: TIME_ZONE,
    currency: 'USD',
    at: AT,
  });
  expect(result.kind).toBe('applied');
  return decision.next;
}

describe('a rep tapping a card while the weekly run is still writing states', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('tap');
  });
  afterEach(async () => {
    await world.stop();
  });

  it('keeps every tap landing between the run’s read and its write, counts them, and writes every other row', async () => {
    const reps = repEmails(3);
    await installReps(world, reps);
    const book = slippingBook(reps, { slipping: 40, steady: 20 });
    // Last week's rows, scored then: every row changes this week; the slipping ones are in a cycle
    // begun last week, so their rows are written in the background, beside the sends.
    const lastWeek: CustomerState[] = book.customers.map((c) => ({
      customerId: c.id,
      name: c.name,
      owner: c.owner,
      monthlyValue: c.monthlyValue ?? 0,
      valueKind: 'monthly' as const,
      score: 29,
      band: 'watch',
      segment: null,
      reasons: ['scored last week'],
      status: 'active',
      surfacedAt: c.id.includes('#s') ? '2026-11-16' : null,
      listedAt: null,
      lastContact: null,
      wonBackAt: null,
      recoveredValue: null,
      lostAt: null,
      lostReason: null,
      lostNote: null,
      previousWonBackAt: null,
      wonBackOwner: null,
      snoozedUntil: null,
      snoozedAt: null,
    }));
    await world.storage.state.writeChanged(new Map(), lastWeek);

    const [a, b, c] = reps;
    const tapped = new Map<string, CustomerState>();
    const during = async () => {
      tapped.set(`${a}#s0`, await tap(world, `${a}#s0`, (ctx) => decideReachedOut(ctx, actionRules)));
      tapped.set(`${a}#s3`, await tap(world, `${a}#s3`, (ctx) => decideWonBack(ctx, actionRules, '750')));
      tapped.set(
        `${b}#s1`,
        await tap(world, `${b}#s1`, (ctx) =>
          decideLost(ctx, actionRules, { reason: 'price', note: 'too dear' }),
        ),
      );
      // Not a rep's action: someone else rewrote the score. The run's scoring goes on top of it.
      await world.storage.state.update(`${c}#s2`, (cur) => (cur ? { ...cur, score: 12 } : null));
    };
    const deps = depsFor(world, book, {
      storage: { ...world.storage, state: tapAfterRead(world.storage.state, during) },
    });

    const report = await runWeekly(deps, { now: SEND_TIME });
    if (report.status !== 'completed') throw new Error('expected a completed run');

    expect(tapped.size).toBe(3);
    expect(report.stateWrites).toEqual({ written: 177, transactions: 2, keptForRep: 3, reapplied: 1 });
    expect(report.counts.delivered).toBe(3);

    const after = await world.storage.state.getAll();
    expect(after.size).toBe(180);
    // The taps stand, exactly as the actions left them.
    for (const [id, state] of tapped) expect(after.get(id), id).toEqual(state);
    expect(after.get(`${a}#s0`)).toMatchObject({ lastContact: TODAY, band: 'watch' });
    expect(after.get(`${a}#s3`)).toMatchObject({ wonBackAt: TODAY, band: 'steady', surfacedAt: null });
    expect(after.get(`${b}#s1`)).toMatchObject({ status: 'lost', lostReason: 'price' });
    // State and audit agree: each tap's audit row is there and its effect is in the state.
    const audit = await world.storage.audit.readMonth(localMonth(AT, TIME_ZONE));
    const byKey = new Map(audit.map((r) => [r.id, r]));
    expect(byKey.get(`tap_${a}#s0`)?.action).toBe('reached_out');
    expect(byKey.get(`tap_${a}#s3`)?.action).toBe('won_back');
    expect(byKey.get(`tap_${b}#s1`)?.action).toBe('lost');

    // The row changed otherwise got this run's scoring.
    const reapplied = after.get(`${c}#s2`);
    expect(reapplied).toMatchObject({ band: 'at_risk', surfacedAt: '2026-11-16' });
    expect(reapplied?.score).not.toBe(12);
    // Every other row is this week's.
    const others = [...after.values()].filter((s) => !tapped.has(s.customerId));
    expect(others).toHaveLength(177);
    for (const s of others) {
      expect(s.reasons, s.customerId).not.toEqual(['scored last week']);
      expect(s.band).toBe(s.customerId.includes('#s') ? 'at_risk' : 'steady');
    }
  });

  it('a customer first listed this week has its row, surfacedAt included, stored before the card goes out', async () => {
    const reps = repEmails(1);
    await installReps(world, reps);
    // The steady customer keeps the feed current; the two slipping ones are what this test watches.
    const book = slippingBook(reps, { slipping: 2, steady: 1 });
    const slipping = book.customers.filter((c) => c.id.includes('#s'));
    // Stored, never listed: this week starts their cycle.
    await world.storage.state.writeChanged(
      new Map(),
      slipping.map((c) => ({
        customerId: c.id,
        name: c.name,
        owner: c.owner,
        monthlyValue: c.monthlyValue ?? 0,
        valueKind: 'monthly' as const,
        score: 10,
        band: 'steady' as const,
        segment: null,
        reasons: [],
        status: 'active' as const,
        surfacedAt: null,
        listedAt: null,
        lastContact: null,
        wonBackAt: null,
        recoveredValue: null,
        lostAt: null,
        lostReason: null,
        lostNote: null,
        previousWonBackAt: null,
        wonBackOwner: null,
        snoozedUntil: null,
        snoozedAt: null,
      })),
    );
    const atFirstSend: (string | null)[] = [];
    const deps = depsFor(world, book, {
      sender: async (reference, card, summary) => {
        const rows = await world.storage.state.getAll();
        atFirstSend.push(...slipping.map((c) => rows.get(c.id)?.surfacedAt ?? null));
        return world.sender.sendCard(reference, card, summary);
      },
    });
    const report = await runWeekly(deps, { now: SEND_TIME });
    if (report.status !== 'completed') throw new Error('expected a completed run');
    expect(atFirstSend).toEqual([TODAY, TODAY]);
  });
});
