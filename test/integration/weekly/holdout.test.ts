import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeMonthlySummary, isHeldOut, outcomesFromBook } from '../../../jobs/monthly';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { heldOutRowId } from '../../../jobs/weekly/weeklySurfaced';
import { defaultRules } from '../../../rules/rulesSchema';
import type { AuditRow } from '../../../storage/auditRow';
import { weeklyOverflow, weeklyRows } from '../../helpers/weeklyCardData';
import {
  completed,
  conversationOf,
  depsFor,
  installReps,
  openWeeklyWorld,
  repEmails,
  SEND_TIME,
  slippingBook,
  TIME_ZONE,
  type WeeklyWorld,
} from './weeklyWorld';

const PERCENT = 25;
const SEED = 'lift-test';
const rules = { ...defaultRules(), holdoutPercent: PERCENT, holdoutSeed: SEED, capPerRep: 10 };
const W48 = 'weekly-2026-W48';
const NEXT_WEEK = new Date(SEND_TIME.getTime() + 7 * 86_400_000);

const ids = (rows: readonly AuditRow[], action: AuditRow['action']) =>
  new Set(rows.filter((r) => r.action === action).map((r) => r.customerId));

describe('the holdout in the weekly run (Azurite, fake Teams connector)', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('hold');
  });
  afterEach(async () => {
    await world.stop();
  });

  it('keeps the drawn customers off every card, audits them held_out, and keeps them in that arm next week', async () => {
    const reps = repEmails(10);
    await installReps(world, reps);
    const book = slippingBook(reps, { slipping: 40, steady: 2 });
    const deps = depsFor(world, book, {
      rules,
      config: { ...depsFor(world, book).config, backgroundConcurrency: 8 },
    });
    const slipping = book.customers.map((c) => c.id).filter((id) => id.includes('#s'));
    const expected = new Set(slipping.filter((id) => isHeldOut(id, W48, PERCENT, SEED)));
    expect(expected.size).toBeGreaterThan(40); // about 100 of 400; the test means nothing with too few

    const week1 = completed(await runWeekly(deps, { now: SEND_TIME }));
    expect(week1.holdout).toEqual({
      percent: PERCENT,
      heldOut: expected.size,
      recorded: expected.size,
      alreadyThere: 0,
    });
    expect(week1.gates.surfaced).toBe(reps.length * rules.capPerRep);
    expect(week1.gates.overCap).toBe(slipping.length - reps.length * rules.capPerRep - expected.size);

    // No card shows a held-out customer; each "+N more" counts only the rep's other customers.
    const ledger = await world.storage.runs.listRun(W48);
    expect(ledger).toHaveLength(reps.length);
    for (const row of ledger) {
      const card = await world.cards.get(conversationOf(row.repId), row.activityId ?? '');
      const shown = weeklyRows(card).map((c) => c.customerId);
      expect(shown).toHaveLength(rules.capPerRep);
      expect(shown.filter((id) => expected.has(id))).toEqual([]);
      const heldOfRep = [...expected].filter((id) => id.startsWith(`${row.repId}#`)).length;
      expect(weeklyOverflow(card)?.count ?? 0).toBe(40 - rules.capPerRep - heldOfRep);
    }

    // One held_out row per held-out customer (and no surfaced row for them); their state marks the cycle.
    const month = await world.storage.audit.readMonth('2026-11');
    expect(ids(month, 'held_out')).toEqual(expected);
    expect([...ids(month, 'surfaced')].filter((id) => expected.has(id))).toEqual([]);
    const heldRow = month.find((r) => r.id === heldOutRowId(W48, [...expected][0]));
    expect(heldRow).toMatchObject({
      action: 'held_out',
      actorId: 'churn-predictor:weekly-run',
      snapshot: null,
    });
    const states = await world.storage.state.getAll();
    for (const id of expected) expect(states.get(id)?.surfacedAt, id).toBe('2026-11-23');
    // Their week is kept as a holdout draw, on no card, for the customer page's story.
    expect(await world.storage.listings.read([...expected][0])).toEqual([
      expect.objectContaining({ run: W48, day: '2026-11-23', heldOut: true, rank: null, page: null }),
    ]);

    // A forced rerun of the week adds no row.
    const rerun = completed(await runWeekly(deps, { now: SEND_TIME, force: true }));
    expect(rerun.holdout).toMatchObject({ heldOut: expected.size, recorded: 0, alreadyThere: expected.size });

    // Next week: the same customers are held out (drawn on the week their slip began, not on W49),
    // listed ones stay listed, and customers never listed nor held are drawn afresh on W49.
    const week2 = completed(await runWeekly(deps, { now: NEXT_WEEK }));
    expect(week2.runKey).toBe('weekly-2026-W49');
    const after = await world.storage.audit.readMonth('2026-11');
    const w49Held = new Set(
      after.filter((r) => r.action === 'held_out' && r.id.includes('W49')).map((r) => r.customerId),
    );
    for (const id of expected) expect(w49Held.has(id), id).toBe(true);
    const listedW48 = ids(month, 'surfaced');
    expect([...listedW48].filter((id) => w49Held.has(id))).toEqual([]);
    const newlyHeld = [...w49Held].filter((id) => !expected.has(id));
    for (const id of newlyHeld) {
      expect(listedW48.has(id)).toBe(false);
      expect(isHeldOut(id, 'weekly-2026-W49', PERCENT, SEED)).toBe(true);
    }
    expect(week2.holdout.heldOut).toBe(w49Held.size);

    // The monthly summary's comparison sees both arms, from the rows in the store.
    const summary = computeMonthlySummary({
      month: '2026-11',
      timeZone: TIME_ZONE,
      rows: after,
      outcomes: outcomesFromBook(book, '2026-11-30'),
    });
    expect(summary.holdout).toMatchObject({
      heldOut: w49Held.size,
      listed: ids(after, 'surfaced').size,
      crossovers: 0,
    });
    expect(summary.holdout?.comparison?.heldOut.customers).toBe(w49Held.size);
  });

  it('with the default holdout of 0 nobody is held out and no held_out row is written', async () => {
    const reps = repEmails(2);
    await installReps(world, reps);
    const book = slippingBook(reps, { slipping: 12, steady: 1 });
    const report = completed(await runWeekly(depsFor(world, book), { now: SEND_TIME }));
    expect(report.holdout).toEqual({ percent: 0, heldOut: 0, recorded: 0, alreadyThere: 0 });
    expect(report.gates).toMatchObject({ surfaced: 20, overCap: 4 });
    const month = await world.storage.audit.readMonth('2026-11');
    expect(ids(month, 'held_out').size).toBe(0);
    expect(ids(month, 'surfaced').size).toBe(20);
  });
});
