import { describe, expect, it } from 'vitest';
import { decideAttempt, previousAttempt, willRetry } from '../../../jobs/weekly/weeklyRetry';
import type { RunRecord } from '../../../storage';

const STARTED = '2026-11-23T14:03:00.000Z';

function finished(report: unknown): RunRecord {
  return {
    runKey: 'weekly-2026-W48',
    startedAt: STARTED,
    finishedAt: '2026-11-23T14:04:00.000Z',
    report: typeof report === 'string' ? report : JSON.stringify(report),
  };
}

describe('previousAttempt', () => {
  it('reads the attempt and the failures from the run row, the first attempt when none is recorded', () => {
    expect(previousAttempt(finished({ attempt: 3, counts: { failed: 2, delivered: 5 } }))).toEqual({
      attempt: 3,
      counts: { failed: 2, delivered: 5, waiting: 0 },
    });
    expect(previousAttempt(finished({ counts: { failed: 1 } }))).toEqual({
      attempt: 1,
      counts: { failed: 1, delivered: 0, waiting: 0 },
    });
  });

  it('is null for no row, no report, a report that is not JSON or not a run report', () => {
    expect(previousAttempt(null)).toBeNull();
    expect(previousAttempt({ runKey: 'weekly-2026-W48', startedAt: STARTED })).toBeNull();
    expect(previousAttempt(finished('{not json'))).toBeNull();
    expect(previousAttempt(finished({ attempt: 'two', counts: { failed: 1 } }))).toBeNull();
  });
});

/** A tick of the week, after its send time. */
const TICK = new Date('2026-11-23T15:03:00Z');

describe('decideAttempt', () => {
  it('runs the first attempt when there is no row, and resumes a crashed (unfinished) one as the same attempt', () => {
    expect(decideAttempt(null, 3, false, TICK)).toEqual({ run: true, attempt: 1 });
    expect(decideAttempt({ runKey: 'weekly-2026-W48', startedAt: STARTED }, 3, false, TICK)).toEqual({
      run: true,
      attempt: 1,
    });
  });

  it('runs a finished week again only while reps failed and attempts remain', () => {
    expect(decideAttempt(finished({ attempt: 1, counts: { failed: 0 } }), 3, false, TICK)).toEqual({
      run: false,
    });
    expect(decideAttempt(finished({ attempt: 1, counts: { failed: 2 } }), 3, false, TICK)).toEqual({
      run: true,
      attempt: 2,
    });
    expect(decideAttempt(finished({ attempt: 3, counts: { failed: 1 } }), 3, false, TICK)).toEqual({
      run: true,
      attempt: 4,
    });
    expect(decideAttempt(finished({ attempt: 4, counts: { failed: 1 } }), 3, false, TICK)).toEqual({
      run: false,
    });
    expect(decideAttempt(finished({ attempt: 1, counts: { failed: 1 } }), 0, false, TICK)).toEqual({
      run: false,
    });
  });

  it('leaves a finished week with an unreadable report finished, but a forced run always runs as the next attempt', () => {
    expect(decideAttempt(finished('garbage'), 3, false, TICK)).toEqual({ run: false });
    expect(decideAttempt(finished({ attempt: 4, counts: { failed: 1 } }), 3, true, TICK)).toEqual({
      run: true,
      attempt: 5,
    });
    expect(decideAttempt(finished({ attempt: 1, counts: { failed: 0 } }), 3, true, TICK)).toEqual({
      run: true,
      attempt: 2,
    });
  });
});

describe('a week whose listings were not written', () => {
  it('runs again as the next attempt while attempts remain, as a failed rep does', () => {
    const refused = (attempt: number) =>
      finished({
        attempt,
        counts: { failed: 0 },
        listings: { status: 'failed', error: 'Table Storage answered 503' },
      });
    expect(decideAttempt(refused(1), 3, false, TICK)).toEqual({ run: true, attempt: 2 });
    expect(decideAttempt(refused(4), 3, false, TICK)).toEqual({ run: false });
    const recorded = finished({
      attempt: 1,
      counts: { failed: 0 },
      listings: { status: 'recorded', recorded: 3, alreadyThere: 0 },
    });
    expect(decideAttempt(recorded, 3, false, TICK)).toEqual({ run: false });
    // Recorded by an earlier attempt: nothing is run again for them.
    const earlier = finished({
      attempt: 2,
      counts: { failed: 0 },
      listings: { status: 'failed', error: 'Table Storage answered 503', recordedEarlier: true },
    });
    expect(decideAttempt(earlier, 3, false, TICK)).toEqual({ run: false });
  });
});

describe('willRetry', () => {
  it('is true only with failures before the last attempt', () => {
    expect(willRetry(1, 1, 3)).toBe(true);
    expect(willRetry(3, 1, 3)).toBe(true);
    expect(willRetry(4, 1, 3)).toBe(false);
    expect(willRetry(1, 0, 3)).toBe(false);
  });

  it("runs a finished week again, as the same attempt, once a waiting rep's own send time has come", () => {
    const waiting = finished({ attempt: 1, counts: { failed: 0 }, nextSendAt: '2026-11-23T16:03:00.000Z' });
    expect(decideAttempt(waiting, 3, false, TICK)).toEqual({ run: false });
    expect(decideAttempt(waiting, 3, false, new Date('2026-11-23T16:03:00Z'))).toEqual({
      run: true,
      attempt: 1,
      atRepTime: true,
    });
    // The 16:03 tick the timer fired a few milliseconds early is that tick: the rep's time has come.
    expect(decideAttempt(waiting, 3, false, new Date('2026-11-23T16:02:59.995Z'))).toEqual({
      run: true,
      attempt: 1,
      atRepTime: true,
    });
    // Failed reps left too: their extra attempt comes first, and sends the waiting reps whose time came.
    const both = finished({ attempt: 1, counts: { failed: 1 }, nextSendAt: '2026-11-23T16:03:00.000Z' });
    expect(decideAttempt(both, 3, false, TICK)).toEqual({ run: true, attempt: 2 });
  });
});
