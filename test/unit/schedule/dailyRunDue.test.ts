import { describe, expect, it } from 'vitest';
import { dailyRunDue, previousWorkingDay } from '../../../jobs/schedule';
import { zonedNow } from '../../../rules/calendar';

const CHICAGO = { timeZone: 'America/Chicago', hour: 9, minute: 3, workingDays: [1, 2, 3, 4, 5] };

describe('dailyRunDue', () => {
  it('is due on a working day from 09:03 local, keyed by the local date', () => {
    // Tuesday 24 Nov 2026, 09:03 in Chicago is 15:03 UTC.
    expect(dailyRunDue(new Date('2026-11-24T15:03:00Z'), CHICAGO)).toMatchObject({
      due: true,
      runKey: 'daily-2026-11-24',
      localDate: '2026-11-24',
      previousWorkingDay: '2026-11-23',
    });
    expect(dailyRunDue(new Date('2026-11-24T15:02:59Z'), CHICAGO)).toMatchObject({
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

  it('is not due on a weekend; Monday looks back to Friday', () => {
    expect(dailyRunDue(new Date('2026-11-28T16:00:00Z'), CHICAGO)).toMatchObject({
      due: false,
      reason: 'not_a_working_day',
      runKey: 'daily-2026-11-28',
    });
    expect(dailyRunDue(new Date('2026-11-30T15:03:00Z'), CHICAGO)).toMatchObject({
      due: true,
      previousWorkingDay: '2026-11-27',
    });
  });

  it('follows the rules file’s working days', () => {
    const sixDays = { ...CHICAGO, workingDays: [1, 2, 3, 4, 5, 6] };
    expect(dailyRunDue(new Date('2026-11-28T16:00:00Z'), sixDays)).toMatchObject({ due: true });
    expect(
      previousWorkingDay(zonedNow(new Date('2026-11-30T16:00:00Z'), 'America/Chicago'), [1, 2, 3, 4, 5, 6]),
    ).toBe('2026-11-28');
  });
});
