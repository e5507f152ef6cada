import { describe, expect, it } from 'vitest';
import { sameChangeKeeper, sameChangeRival, settleRecorded } from '../../../bot/taps/settleRow';
import { atRisk, BEN, row } from './fixtures';

// Two Reached out taps on the same day from a state without a contact: the same change.
const TZ = 'America/Chicago';
const contacted = { ...atRisk(), lastContact: '2026-11-24' };
const older = row({ id: '200|cust-1|reached_out|1', action: 'reached_out', at: '2026-11-24T15:00:00.000Z' });
const newer = row({
  id: '100|cust-1|reached_out|1',
  action: 'reached_out',
  at: '2026-11-24T15:00:02.000Z',
  actorId: BEN.userId,
  actorName: BEN.name,
  cardMessageId: 'msg-2',
});
const asAction = (r: typeof older) => ({
  row: { ...r, action: 'reached_out' as const },
  replayed: contacted,
});

describe('sameChangeKeeper', () => {
  // History is newest first, as the audit store returns it.
  const history = [newer, older];

  it('picks the oldest standing row with the same change, whichever row asks', () => {
    expect(sameChangeKeeper(history, asAction(newer), TZ)?.id).toBe(older.id);
    expect(sameChangeKeeper(history, asAction(older), TZ)?.id).toBe(older.id);
    expect(sameChangeRival(history, asAction(newer), TZ)?.id).toBe(older.id);
    expect(sameChangeRival(history, asAction(older), TZ)).toBeNull();
  });

  it('skips a row already cancelled, so the next oldest counts', () => {
    const cancel = row({ id: `undo:${older.id}`, action: 'undo', undoes: older.id, snapshot: null });
    expect(sameChangeRival([cancel, newer, older], asAction(newer), TZ)).toBeNull();
  });

  it('ignores another day’s contact and a row taken on a state that already showed the change', () => {
    const yesterday = row({
      id: '300|cust-1|reached_out|1',
      action: 'reached_out',
      at: '2026-11-23T15:00:00.000Z',
    });
    expect(sameChangeRival([newer, yesterday], asAction(newer), TZ)).toBeNull();
    const afterIt = { ...newer, snapshot: contacted };
    expect(sameChangeKeeper([afterIt, older], asAction(afterIt), TZ)).toBeNull();
  });
});

describe('settleRecorded', () => {
  // Ana's Reached out (the older row) reached the state; Ben then recorded a save on that state,
  // which cleared lastContact. Ana's row, found again on a retry, does not show in the state now.
  const reached = asAction(older);
  const save = row({
    id: '300|cust-1|won_back|1',
    action: 'won_back',
    value: 1200,
    at: '2026-11-24T16:00:00.000Z',
    actorId: BEN.userId,
    actorName: BEN.name,
    cardMessageId: 'msg-3',
    snapshot: contacted,
  });
  const now = { ...contacted, lastContact: null, band: 'steady' as const, wonBackAt: '2026-11-24' };

  it('lets an action stand when a later row was decided on a state that showed it', () => {
    expect(settleRecorded(reached, [save, older], now, TZ)).toEqual({ kind: 'stands' });
  });

  it('cancels it when the later row was decided on a state without it: it never reached the state', () => {
    const decidedWithout = { ...save, snapshot: atRisk() };
    expect(settleRecorded(reached, [decidedWithout, older], now, TZ)).toEqual({
      kind: 'cancel',
      by: decidedWithout,
      same: false,
    });
  });
});
