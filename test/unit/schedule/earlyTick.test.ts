import { describe, expect, it } from 'vitest';
import { dailyRunDue, monthlyRunDue, weeklyRunDue } from '../../../jobs/schedule';
import { nextTickAfter, tickOf, timeHasCome } from '../../../jobs/schedule/timerSchedule';

// The timer has fired ticks a few milliseconds before their minute: a call at 08:02:59.995 is the
// 08:03 tick, and decides as that tick would, not as one 15 minutes before the next.

const CHICAGO = 'America/Chicago';
const monday0803 = { timeZone: CHICAGO, weekday: 1, hour: 8, minute: 3 };
const weekdays0803 = { timeZone: CHICAGO, hour: 8, minute: 3, workingDays: [1, 2, 3, 4, 5] };

describe('tickOf', () => {
  it('reads a call within the minute before a tick as that tick, and any other call as itself', () => {
    expect(tickOf(new Date('2026-11-30T14:02:59.995Z')).toISOString()).toBe('2026-11-30T14:03:00.000Z');
    expect(tickOf(new Date('2026-11-30T14:03:00Z')).toISOString()).toBe('2026-11-30T14:03:00.000Z');
    // A late tick, or a restart between ticks, is its own instant.
    expect(tickOf(new Date('2026-11-30T14:03:00.200Z')).toISOString()).toBe('2026-11-30T14:03:00.200Z');
    expect(tickOf(new Date('2026-11-30T14:01:00Z')).toISOString()).toBe('2026-11-30T14:01:00.000Z');
  });

  it('the next tick after one fired early is the quarter hour after it, not the tick itself', () => {
    // The report's nextTickAt, for failed reps tried again.
    expect(nextTickAfter(new Date('2026-11-30T14:02:59.995Z')).toISOString()).toBe(
      '2026-11-30T14:18:00.000Z',
    );
    expect(nextTickAfter(new Date('2026-11-30T14:03:00Z')).toISOString()).toBe('2026-11-30T14:18:00.000Z');
  });

  it('reads the monthly timer’s own ticks (minutes 0, 15, 30, 45)', () => {
    expect(tickOf(new Date('2026-12-01T14:59:59.995Z'), [0, 15, 30, 45]).toISOString()).toBe(
      '2026-12-01T15:00:00.000Z',
    );
  });
});

describe('an early tick decides as the tick it stands for', () => {
  it('Monday 08:02:59.995 is due for a Monday 08:03 card; 08:01 is not', () => {
    // Monday 30 Nov 2026, 08:03 in Chicago is 14:03 UTC.
    expect(weeklyRunDue(new Date('2026-11-30T14:02:59.995Z'), monday0803)).toMatchObject({
      due: true,
      runKey: 'weekly-2026-W49',
      localDate: '2026-11-30',
    });
    expect(weeklyRunDue(new Date('2026-11-30T14:01:00Z'), monday0803)).toMatchObject({
      due: false,
      reason: 'before_send_time',
      runKey: 'weekly-2026-W49',
    });
  });

  it('Sunday 08:02:59.995 starts no new week, and no digest is due on a Sunday', () => {
    // Sunday 29 Nov: still the week of 23 Nov, whose card went out on its Monday.
    expect(weeklyRunDue(new Date('2026-11-29T14:02:59.995Z'), monday0803)).toMatchObject({
      runKey: 'weekly-2026-W48',
    });
    expect(dailyRunDue(new Date('2026-11-29T14:02:59.995Z'), weekdays0803)).toMatchObject({
      due: false,
      reason: 'not_a_working_day',
    });
  });

  it('a 23:48 digest on the tick fired at 23:47:59.995 is that day’s, not the next', () => {
    // Tuesday 24 Nov 23:48 in Chicago is 05:48 UTC on the 25th.
    expect(
      dailyRunDue(new Date('2026-11-25T05:47:59.995Z'), { ...weekdays0803, hour: 23, minute: 48 }),
    ).toMatchObject({ due: true, runKey: 'daily-2026-11-24' });
  });

  it('a 09:00 summary on the monthly tick fired at 08:59:59.995 is due', () => {
    // Tuesday 1 Dec 09:00 in Chicago is 15:00 UTC.
    expect(
      monthlyRunDue(new Date('2026-12-01T14:59:59.995Z'), { timeZone: CHICAGO, hour: 9, minute: 0 }),
    ).toMatchObject({ due: true, runKey: 'monthly-2026-11' });
    // A midnight summary fired at 23:59:59.995 on the 30th is the 1st's, of November, not a second
    // October one on the 30th.
    expect(
      monthlyRunDue(new Date('2026-12-01T05:59:59.995Z'), { timeZone: CHICAGO, hour: 0, minute: 0 }),
    ).toMatchObject({ due: true, runKey: 'monthly-2026-11', localDate: '2026-12-01' });
  });
});

describe('a rep’s own send time on an early tick', () => {
  it('has come at 08:02:59.995 for 08:03, not at 08:01', () => {
    const at = new Date('2026-11-30T14:03:00Z');
    expect(timeHasCome(new Date('2026-11-30T14:02:59.995Z'), at)).toBe(true);
    expect(timeHasCome(new Date('2026-11-30T14:01:00Z'), at)).toBe(false);
  });
});
