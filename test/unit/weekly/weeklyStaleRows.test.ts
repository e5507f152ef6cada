import { describe, expect, it } from 'vitest';
import { decideStaleRow, REP_FIELDS, resolveStaleRow } from '../../../jobs/weekly/weeklyStaleRows';
import { type CustomerState, initialState } from '../../../rules/customerState';

const read: CustomerState = {
  ...initialState({ customerId: 'c1', name: 'Greenfield Cafe', owner: 'ann@x.com', monthlyValue: 1000 }),
  score: 20,
  band: 'watch',
  reasons: ['old reason'],
};
// What the run meant to store: rescored, listed for the first time.
const intended: CustomerState = {
  ...read,
  name: 'Greenfield Café',
  monthlyValue: 1100,
  score: 61,
  band: 'at_risk',
  reasons: ['no order in 34 days (usually every 9)'],
  surfacedAt: '2026-11-23',
};

describe('decideStaleRow: a row changed between the run read it and wrote it', () => {
  it.each([
    ['reached out', { lastContact: '2026-11-23' }],
    ['won back', { band: 'steady', score: 0, wonBackAt: '2026-11-23', recoveredValue: 1000 }],
    ['lost', { status: 'lost', lostAt: '2026-11-23', lostReason: 'price', lostNote: 'too dear' }],
    ['an undo that cleared an earlier cycle', { surfacedAt: '2026-11-02' }],
  ] as const)('after a %s tap, keeps the rep’s row as it is', (_, tap) => {
    const fresh = { ...read, ...tap } as CustomerState;
    expect(decideStaleRow({ fresh, intended, read })).toEqual({ kind: 'keep_for_rep' });
    expect(resolveStaleRow({ fresh, intended, read })).toBeNull();
  });

  it('every field a rep action writes counts', () => {
    const values: Record<(typeof REP_FIELDS)[number], unknown> = {
      status: 'lost',
      lastContact: '2026-11-23',
      wonBackAt: '2026-11-23',
      recoveredValue: 5,
      lostAt: '2026-11-23',
      lostReason: 'price',
      lostNote: 'n',
      previousWonBackAt: '2026-10-01',
      snoozedUntil: '2026-11-30',
      surfacedAt: '2026-11-01',
    };
    for (const k of REP_FIELDS) {
      const fresh = { ...read, [k]: values[k] } as CustomerState;
      expect(decideStaleRow({ fresh, intended, read }).kind, k).toBe('keep_for_rep');
    }
  });

  it('re-applies the run’s scoring fields and surfacedAt onto a row changed otherwise', () => {
    const fresh: CustomerState = { ...read, score: 25, reasons: ['written by someone else'] };
    const decision = decideStaleRow({ fresh, intended, read });
    expect(decision).toEqual({ kind: 'reapply', state: intended });
  });

  it('a change to a field the run owns (the owner) is overwritten with the run’s value', () => {
    // A concurrent writer changed a field the run owns (the owner): nothing a rep did, the run's value wins.
    const fresh: CustomerState = { ...read, owner: 'bob@x.com' };
    const decision = decideStaleRow({ fresh, intended, read });
    expect(decision.kind).toBe('reapply');
    if (decision.kind === 'reapply') expect(decision.state.owner).toBe(intended.owner);
  });

  it('a row the run saw as new, created meanwhile: kept when someone acted on it, else re-applied', () => {
    const created = { ...intended, score: 1, band: 'steady' as const, surfacedAt: null };
    expect(
      decideStaleRow({ fresh: { ...created, lastContact: '2026-11-23' }, intended, read: undefined }),
    ).toEqual({
      kind: 'keep_for_rep',
    });
    expect(decideStaleRow({ fresh: created, intended, read: undefined })).toEqual({
      kind: 'reapply',
      state: intended,
    });
  });

  it('a row gone since the read is written as the run meant it', () => {
    expect(decideStaleRow({ fresh: null, intended, read })).toEqual({ kind: 'write', state: intended });
    expect(resolveStaleRow({ fresh: null, intended, read })).toEqual(intended);
  });
});
