import { describe, expect, it } from 'vitest';
import { heldElsewhere, RUN_HELD_MS } from '../../../jobs/weekly/runOpening';
import { CLAIM_HOLD_MS, decideClaim } from '../../../jobs/weekly/weeklyClaims';
import { sendClaimed } from '../../../jobs/weekly/weeklyDelivery';

const AT = '2026-11-23T14:03:00.000Z';
const later = (ms: number) => new Date(Date.parse(AT) + ms);

describe('a send claim found in the ledger', () => {
  it('is left to the send under way while fresh (another instance on the same run)', () => {
    expect(decideClaim({ at: AT, sends: 1 }, later(0))).toBe('under_way');
    expect(decideClaim({ at: AT, sends: 2 }, later(CLAIM_HOLD_MS - 1))).toBe('under_way');
  });

  it('from an earlier tick: settled from the card store, else sent once more, and never a third time', () => {
    expect(decideClaim({ at: AT, sends: 1 }, later(15 * 60_000))).toBe('resend_unless_found');
    expect(decideClaim({ at: AT, sends: 2 }, later(15 * 60_000))).toBe('give_up_unless_found');
    expect(decideClaim({ at: AT, sends: 5 }, later(CLAIM_HOLD_MS))).toBe('give_up_unless_found');
  });
});

describe('a run row another instance started', () => {
  it('is held while recent and unfinished; the next tick (15 minutes on) resumes it', () => {
    expect(heldElsewhere({ runKey: 'weekly-2026-W48', startedAt: AT }, later(60_000))).toBe(true);
    expect(heldElsewhere({ runKey: 'weekly-2026-W48', startedAt: AT }, later(RUN_HELD_MS))).toBe(false);
    expect(heldElsewhere({ runKey: 'weekly-2026-W48', startedAt: AT }, later(15 * 60_000))).toBe(false);
    expect(
      heldElsewhere({ runKey: 'weekly-2026-W48', startedAt: AT, finishedAt: AT, report: '{}' }, later(0)),
    ).toBe(false);
  });
});

describe('a claim taken late in a long run', () => {
  it('carries the time of its send, not of the tick, so a second instance leaves it to the send', async () => {
    const taken: string[] = [];
    const tick = new Date(AT);
    const ctx = {
      runKey: 'weekly-2026-W48',
      at: AT,
      now: tick,
      // Eleven minutes into the run (a throttled store), past the claim's hold if counted from the tick.
      clock: () => later(11 * 60_000),
      runs: {
        claimSend: async (_run: string, _rep: string, at: string) => {
          taken.push(at);
          return { claimed: false as const, claim: { at, sends: 1, etag: 'e' } };
        },
      },
    } as unknown as Parameters<typeof sendClaimed>[0];
    const outcome = await sendClaimed(
      ctx,
      'ana@demo.example',
      { reference: {}, userId: 'u' },
      { card: {}, summary: '', data: {} } as unknown as Parameters<typeof sendClaimed>[3],
      { attempts: 0, retries: 0, throttled: 0, cardSaves: 0 },
    );
    expect(taken).toEqual([later(11 * 60_000).toISOString()]);
    expect(outcome).toMatchObject({ status: 'failed', error: expect.stringContaining('still under way') });
  });
});
