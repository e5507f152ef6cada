import { describe, expect, it } from 'vitest';
import { catchUpWindow, dailyRunDue } from '../../../jobs/schedule';

const CHICAGO = { timeZone: 'America/Chicago', hour: 9, minute: 3, workingDays: [1, 2, 3, 4, 5] };

describe('dailyRunDue', () => {
  it('is due on a working day from 09:03 local, keyed by the local date', () => {
    // Tuesday 24 Nov 2026, 09:03 in Chicago is 15:03 UTC.
    expect(dailyRunDue(new Date('2026-11-24T15:03:00Z'), CHICAGO)).toMatchObject({
      due: true,
      runKey: 'daily-2026-11-24',
      localDate: '2026-11-24',
    });
    expect(dailyRunDue(new Date('2026-11-24T15:01:00Z'), CHICAGO)).toMatchObject({
      due: false,
      reason: 'before_send_time',
    });
  });

  it('uses the team’s date, not UTC’s: 20:00 Monday in Chicago is Tuesday in UTC', () => {
    expect(dailyRunDue(new Date('2026-11-24T02:00:00Z'), CHICAGO)).toMatchObject({
      due: true,
      runKey: 'daily-2026-11-23',
    });
  });

  it('is not due on a weekend', () => {
    expect(dailyRunDue(new Date('2026-11-28T16:00:00Z'), CHICAGO)).toMatchObject({
      due: false,
      reason: 'not_a_working_day',
      runKey: 'daily-2026-11-28',
    });
    expect(dailyRunDue(new Date('2026-11-30T15:03:00Z'), CHICAGO)).toMatchObject({ due: true });
  });

  it('follows the rules file’s working days', () => {
    const sixDays = { ...CHICAGO, workingDays: [1, 2, 3, 4, 5, 6] };
    expect(dailyRunDue(new Date('2026-11-28T16:00:00Z'), sixDays)).toMatchObject({ due: true });
  });
});

describe('catchUpWindow', () => {
  // Tuesday 24 Nov: after the last completed run (not the previous working day), at most 14 days back.
  it.each([
    ['Monday’s run completed: one day', '2026-11-23', { since: '2026-11-23', from: 'last_run', days: 1 }],
    ['no run on Monday: back to Friday’s', '2026-11-20', { since: '2026-11-20', from: 'last_run', days: 4 }],
    ['a run 14 days ago: back to it', '2026-11-10', { since: '2026-11-10', from: 'last_run', days: 14 }],
    ['a run 15 days ago: the limit', '2026-11-09', { since: '2026-11-10', from: 'limit', days: 14 }],
    ['the first run ever: the limit', null, { since: '2026-11-10', from: 'limit', days: 14 }],
  ])('%s', (_, lastCompleted, window) => {
    expect(catchUpWindow('2026-11-24', lastCompleted)).toEqual(window);
  });
});
