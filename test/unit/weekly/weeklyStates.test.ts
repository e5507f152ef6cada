import { describe, expect, it } from 'vitest';
import { nextState, nextStates, onlyScoreDrift } from '../../../jobs/weekly/weeklyStates';
import { type CustomerState, initialState } from '../../../rules/customerState';
import { AS_OF, scoredBook } from './scoredFixture';

const book = scoredBook([
  { id: 'slip', owner: 'ann@x.com', monthlyValue: 1200, name: 'Greenfield Cafe', slip: true },
  { id: 'ok', owner: 'ann@x.com', monthlyValue: 900, slip: false },
]);
const [slip, ok] = book.customers;

describe('nextState', () => {
  it('a new customer starts from initialState with the scoring fields and surfacedAt today when listed', () => {
    expect(slip.surfaced).toBe(true);
    expect(nextState(slip, undefined, AS_OF)).toEqual({
      ...initialState({
        customerId: 'slip',
        name: 'Greenfield Cafe',
        owner: 'ann@x.com',
        monthlyValue: 1200,
      }),
      score: slip.score,
      band: 'at_risk',
      segment: slip.segment,
      reasons: slip.reasons,
      surfacedAt: AS_OF,
      listedAt: AS_OF,
    });
    expect(slip.segment).not.toBeNull();
    expect(nextState(ok, undefined, AS_OF).surfacedAt).toBeNull();
  });

  it("keeps the actions' fields and an earlier surfacedAt; updates only what scoring owns", () => {
    const before: CustomerState = {
      ...initialState({ customerId: 'slip', name: 'Old name', owner: 'old@x.com', monthlyValue: 1 }),
      score: 3,
      band: 'steady',
      reasons: ['old'],
      surfacedAt: '2026-11-09',
      listedAt: '2026-11-09',
      lastContact: '2026-11-10',
      wonBackAt: '2026-01-02',
      recoveredValue: 700,
      lostAt: '2026-02-01',
      lostReason: 'price',
      lostNote: 'note',
    };
    const after = nextState(slip, before, AS_OF);
    expect(after).toEqual({
      ...before,
      name: 'Greenfield Cafe',
      owner: 'ann@x.com',
      monthlyValue: 1200,
      score: slip.score,
      band: 'at_risk',
      segment: slip.segment,
      reasons: slip.reasons,
    });
  });

  it('a customer who recovered keeps surfacedAt until an action clears it', () => {
    const before = { ...nextState(slip, undefined, '2026-11-16') };
    expect(nextState(ok, { ...before, customerId: 'ok' }, AS_OF).surfacedAt).toBe('2026-11-16');
  });

  it('nextStates maps the book in order', () => {
    expect(nextStates(book.customers, new Map(), AS_OF).map((s) => s.customerId)).toEqual(['slip', 'ok']);
  });
});

describe('onlyScoreDrift / nextStates skipping immaterial rewrites', () => {
  const stored = nextState(slip, undefined, AS_OF);
  it('a score moved by under one point with nothing else changed keeps the stored row', () => {
    const drifted = { ...stored, score: stored.score + 0.9 };
    expect(onlyScoreDrift(stored, drifted)).toBe(true);
    expect(onlyScoreDrift(stored, { ...stored, score: stored.score - 1 })).toBe(false);
    expect(onlyScoreDrift(stored, { ...drifted, reasons: ['other'] })).toBe(false);
    expect(onlyScoreDrift(stored, { ...drifted, monthlyValue: 1201 })).toBe(false);
    expect(onlyScoreDrift(stored, { ...drifted, surfacedAt: null })).toBe(false);
  });

  it('nextStates returns the very stored object when only the score drifted', () => {
    const previous = new Map([['slip', { ...stored, score: slip.score + 0.5 }]]);
    const [next] = nextStates([slip], previous, AS_OF);
    expect(next).toBe(previous.get('slip'));
    const far = new Map([['slip', { ...stored, score: slip.score + 5 }]]);
    expect(nextStates([slip], far, AS_OF)[0].score).toBe(slip.score);
  });
});
