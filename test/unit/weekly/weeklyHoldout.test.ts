import { describe, expect, it } from 'vitest';
import { isHeldOut } from '../../../jobs/monthly/holdout';
import { weeklyRunKeyOfDay } from '../../../jobs/schedule';
import { slipWeekKey, splitHoldout } from '../../../jobs/weekly/weeklyHoldout';
import { countGates, repWeeks } from '../../../jobs/weekly/weeklyLists';
import { nextStates } from '../../../jobs/weekly/weeklyStates';
import { type CustomerState, initialState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import { AS_OF, scoredBook } from './scoredFixture';

const RUN_KEY = 'weekly-2026-W48'; // the week of AS_OF (Monday 2026-11-23)

function slipping(reps: number, perRep: number) {
  return Array.from({ length: reps * perRep }, (_, i) => ({
    id: `c${String(i).padStart(4, '0')}`,
    owner: `rep${String(i % reps).padStart(2, '0')}@x.com`,
    monthlyValue: 500 + i,
    slip: true,
  }));
}

// 2,000 at-risk customers over 20 reps, scored once for the whole file.
const BIG = scoredBook(slipping(20, 100));
const holdoutRules = (percent: number, seed = 'churn-holdout') => ({
  ...defaultRules(),
  holdoutPercent: percent,
  holdoutSeed: seed,
});

describe('weeklyRunKeyOfDay / slipWeekKey', () => {
  it('names the ISO week of a date like the run keys, across a year boundary', () => {
    expect(weeklyRunKeyOfDay('2026-11-23')).toBe(RUN_KEY);
    expect(weeklyRunKeyOfDay('2026-11-29')).toBe(RUN_KEY); // Sunday: same ISO week
    expect(weeklyRunKeyOfDay('2026-11-30')).toBe('weekly-2026-W49');
    expect(weeklyRunKeyOfDay('2027-01-01')).toBe('weekly-2026-W53'); // ISO year 2026 has 53 weeks
  });

  it("is the stored surfacedAt's week when a slip cycle is under way, else this run's", () => {
    const state = (surfacedAt: string | null): CustomerState => ({
      ...initialState({ customerId: 'a', name: 'a', owner: 'o', monthlyValue: 1 }),
      surfacedAt,
    });
    expect(slipWeekKey(state('2026-11-04'), RUN_KEY)).toBe('weekly-2026-W45');
    expect(slipWeekKey(state(null), RUN_KEY)).toBe(RUN_KEY);
    expect(slipWeekKey(undefined, RUN_KEY)).toBe(RUN_KEY);
  });
});

describe('splitHoldout', () => {
  it('with 0 percent changes nothing', () => {
    const split = splitHoldout(BIG.customers, new Map(), holdoutRules(0), RUN_KEY);
    expect(split.heldOut).toEqual([]);
    expect(split.customers.map((c) => [c.rank, c.surfaced])).toEqual(
      BIG.customers.map((c) => [c.rank, c.surfaced]),
    );
  });

  it('holds out about the given share of those who pass the gates, reproducibly', () => {
    expect(BIG.customers.every((c) => c.gate.surfaced)).toBe(true);
    const a = splitHoldout(BIG.customers, new Map(), holdoutRules(10), RUN_KEY);
    // Binomial(2000, 0.1): mean 200, sd 13.4; 150..250 is beyond 3.7 sd either side.
    expect(a.heldOut.length).toBeGreaterThan(150);
    expect(a.heldOut.length).toBeLessThan(250);
    const again = splitHoldout(BIG.customers, new Map(), holdoutRules(10), RUN_KEY);
    expect(again.heldOut.map((c) => c.customerId)).toEqual(a.heldOut.map((c) => c.customerId));
    // The draw is isHeldOut on this week's key for customers with no cycle under way.
    expect(a.heldOut.map((c) => c.customerId)).toEqual(
      BIG.customers
        .filter((c) => isHeldOut(c.customerId, RUN_KEY, 10, 'churn-holdout'))
        .map((c) => c.customerId),
    );
    const otherSeed = splitHoldout(BIG.customers, new Map(), holdoutRules(10, 'another'), RUN_KEY);
    expect(otherSeed.heldOut.map((c) => c.customerId)).not.toEqual(a.heldOut.map((c) => c.customerId));
  });

  it('keeps the held out off every list and "+N more", and fills each list up to the cap from the rest', () => {
    const rules = holdoutRules(30);
    const split = splitHoldout(BIG.customers, new Map(), rules, RUN_KEY);
    for (const c of split.heldOut) expect(c).toMatchObject({ rank: null, surfaced: false });
    const weeks = repWeeks(split.customers, rules.capPerRep);
    const onCards = new Set(weeks.flatMap((w) => [...w.shown, ...w.overflow].map((c) => c.customerId)));
    expect(split.heldOut.some((c) => onCards.has(c.customerId))).toBe(false);
    for (const w of weeks) {
      expect(w.shown).toHaveLength(rules.capPerRep);
      const held = split.heldOut.filter((c) => c.owner === w.owner).length;
      expect(w.shown.length + w.overflow.length).toBe(100 - held);
      // Ranks are 1..n with no gaps left by the held out.
      expect([...w.shown, ...w.overflow].map((c) => c.rank)).toEqual(
        Array.from({ length: 100 - held }, (_, k) => k + 1),
      );
    }
    const gates = countGates(split.customers, split.heldOutIds);
    expect(gates.surfaced).toBe(20 * rules.capPerRep);
    expect(gates.overCap).toBe(2000 - 20 * rules.capPerRep - split.heldOut.length);
    // scoreBook's own objects are untouched.
    expect(BIG.customers.filter((c) => c.rank === null)).toHaveLength(0);
  });

  it("draws on the week the customer's slip began, so a cycle stays in one arm", () => {
    const rules = holdoutRules(50);
    const ids = BIG.customers.map((c) => c.customerId);
    const inWeek45 = ids.filter((id) => isHeldOut(id, 'weekly-2026-W45', 50, rules.holdoutSeed));
    const previous = new Map(
      BIG.customers.map((c) => [
        c.customerId,
        {
          ...initialState({ customerId: c.customerId, name: c.name, owner: c.owner, monthlyValue: 1 }),
          surfacedAt: '2026-11-02',
        },
      ]),
    );
    const split = splitHoldout(BIG.customers, previous, rules, RUN_KEY);
    expect(split.heldOut.map((c) => c.customerId)).toEqual(inWeek45);
  });
});

describe('held-out states', () => {
  const SEED = 'churn-holdout';
  // Two steady customers whose cycle began in the week of 2026-11-02: one drawn into the holdout then, one not.
  const candidates = Array.from({ length: 50 }, (_, k) => `ok${k}`);
  const wasHeld = candidates.find((id) => isHeldOut(id, 'weekly-2026-W45', 50, SEED)) ?? '';
  const wasListed = candidates.find((id) => !isHeldOut(id, 'weekly-2026-W45', 50, SEED)) ?? '';
  const book = scoredBook([
    { id: 'slipA', owner: 'ann@x.com', monthlyValue: 1200, slip: true },
    { id: 'slipB', owner: 'ann@x.com', monthlyValue: 1100, slip: true },
    { id: wasHeld, owner: 'ann@x.com', monthlyValue: 900, slip: false },
    { id: wasListed, owner: 'ann@x.com', monthlyValue: 900, slip: false },
  ]);
  const base = (id: string, surfacedAt: string | null): CustomerState => ({
    ...initialState({ customerId: id, name: id, owner: 'ann@x.com', monthlyValue: 1000 }),
    surfacedAt,
  });

  it('a held-out customer gets surfacedAt like a listed one, and keeps an earlier one', () => {
    const marks = { heldOutIds: new Set(['slipA', 'slipB']), cycleEnded: new Set<string>() };
    const previous = new Map([['slipB', base('slipB', '2026-11-09')]]);
    const customers = book.customers.map((c) => ({ ...c, rank: null, surfaced: false }));
    const [a, b, c] = nextStates(customers, previous, AS_OF, marks);
    expect(a.surfacedAt).toBe(AS_OF);
    expect(b.surfacedAt).toBe('2026-11-09');
    expect(c.surfacedAt).toBeNull();
    // Without the marks, nobody off the lists gets a surfacedAt.
    expect(nextStates(customers, new Map(), AS_OF).map((s) => s.surfacedAt)).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it('a held-out customer back to steady ends the cycle (surfacedAt cleared); a listed one keeps it', () => {
    const previous = new Map([
      [wasHeld, base(wasHeld, '2026-11-02')],
      [wasListed, base(wasListed, '2026-11-02')],
    ]);
    const split = splitHoldout(book.customers, previous, holdoutRules(50, SEED), RUN_KEY);
    expect(book.customers[2].band).toBe('steady');
    expect([...split.cycleEnded]).toEqual([wasHeld]);
    const [, , held, listed] = nextStates(split.customers, previous, AS_OF, split);
    expect(held.surfacedAt).toBeNull();
    expect(listed.surfacedAt).toBe('2026-11-02');
  });
});
