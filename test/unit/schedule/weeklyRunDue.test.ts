import { describe, expect, it } from 'vitest';
import {
  quarterHourNcrontab,
  WEEKLY_TIMER_NCRONTAB,
  weeklyRunDue,
  weeklyRunKey,
  weeklyRunKeyOfDay,
  weeklyRunKeyWeeksBefore,
} from '../../../jobs/schedule';
import { dayOf, isoOfDay } from '../../../rules/calendar';
import { simulateTimer } from './simulateTimer';

const monday0803 = (timeZone: string) => ({ timeZone, weekday: 1, hour: 8, minute: 3 });

describe('weeklyRunDue over daylight-saving change weeks', () => {
  // 2026 transitions (tz database): US 8 Mar / 1 Nov; EU 29 Mar / 25 Oct; Sydney 5 Apr / 4 Oct.
  const cases = [
    {
      zone: 'America/Chicago',
      from: '2026-03-01T12:00:00Z',
      ran: 'W09',
      weeks: ['2026-03-02', '2026-03-09'],
    },
    {
      zone: 'America/Chicago',
      from: '2026-10-25T12:00:00Z',
      ran: 'W43',
      weeks: ['2026-10-26', '2026-11-02'],
    },
    { zone: 'Europe/London', from: '2026-03-22T12:00:00Z', ran: 'W12', weeks: ['2026-03-23', '2026-03-30'] },
    { zone: 'Europe/London', from: '2026-10-18T12:00:00Z', ran: 'W42', weeks: ['2026-10-19', '2026-10-26'] },
    {
      zone: 'Australia/Sydney',
      from: '2026-03-29T00:00:00Z',
      ran: 'W13',
      weeks: ['2026-03-30', '2026-04-06'],
    },
    {
      zone: 'Australia/Sydney',
      from: '2026-09-27T00:00:00Z',
      ran: 'W39',
      weeks: ['2026-09-28', '2026-10-05'],
    },
  ];

  for (const { zone, from, ran, weeks } of cases) {
    it(`${zone} from ${from.slice(0, 10)}: fires Monday 08:03 local exactly once per week`, () => {
      const to = new Date(new Date(from).getTime() + 14 * 86_400_000 - 1).toISOString();
      const decide = (now: Date) => weeklyRunDue(now, monday0803(zone));
      const fired = simulateTimer(from, to, zone, decide, `weekly-2026-${ran}`);
      expect(fired.map((f) => f.local.slice(0, 20))).toEqual(weeks.map((d) => `${d} Mon 08:03`));
      expect(new Set(fired.map((f) => f.runKey)).size).toBe(2);
    });
  }

  it('the UTC instant of 08:03 moves by an hour across the US spring change', () => {
    const fired = simulateTimer(
      '2026-03-01T00:00:00Z',
      '2026-03-15T00:00:00Z',
      'America/Chicago',
      (now) => weeklyRunDue(now, monday0803('America/Chicago')),
      'weekly-2026-W09',
    );
    expect(fired.map((f) => f.local.slice(-6))).toEqual(['-06:00', '-05:00']);
  });

  it('a send time on the change day itself (Sunday 08:03, Chicago, 8 Mar 2026) fires once', () => {
    const cfg = { timeZone: 'America/Chicago', weekday: 7, hour: 8, minute: 3 };
    const fired = simulateTimer(
      '2026-03-02T06:00:00Z',
      '2026-03-09T05:59:00Z',
      'America/Chicago',
      (now) => weeklyRunDue(now, cfg),
      'weekly-2026-W09',
    );
    expect(fired.map((f) => f.local)).toEqual(['2026-03-08 Sun 08:03 -05:00']);
  });

  it('a send time inside the skipped hour (Sunday 02:30, Chicago, 8 Mar 2026) still fires exactly once', () => {
    const cfg = { timeZone: 'America/Chicago', weekday: 7, hour: 2, minute: 30 };
    const fired = simulateTimer(
      '2026-03-02T06:00:00Z',
      '2026-03-09T05:59:00Z',
      'America/Chicago',
      (now) => weeklyRunDue(now, cfg),
      'weekly-2026-W09',
    );
    expect(fired).toHaveLength(1);
    expect(fired[0].local.startsWith('2026-03-08 Sun 0')).toBe(true);
  });
});

describe('weeklyRunDue decisions', () => {
  const cfg = monday0803('Europe/London');

  it('is not due before the send time, then due at it, and due again with the same key (the ledger keeps it once)', () => {
    const before = weeklyRunDue(new Date('2026-11-23T08:01:00Z'), cfg);
    expect(before).toMatchObject({ due: false, reason: 'before_send_time', runKey: 'weekly-2026-W48' });
    const at = weeklyRunDue(new Date('2026-11-23T08:03:00Z'), cfg);
    expect(at).toMatchObject({ due: true, runKey: 'weekly-2026-W48', localDate: '2026-11-23' });
    const again = weeklyRunDue(new Date('2026-11-23T08:18:00Z'), cfg);
    expect(again).toMatchObject({ due: true, runKey: 'weekly-2026-W48' });
  });

  it('a late start (Thursday, timer was down since Sunday) still runs that week, dated that day', () => {
    const late = weeklyRunDue(new Date('2026-11-26T15:48:00Z'), cfg);
    expect(late).toMatchObject({ due: true, runKey: 'weekly-2026-W48', localDate: '2026-11-26' });
  });

  it('decides from the clock alone: past the send time it is due whatever ran before', () => {
    const d = weeklyRunDue(new Date('2026-11-23T09:00:00Z'), cfg);
    expect(d).toMatchObject({
      due: true,
      runKey: 'weekly-2026-W48',
      scheduledAt: new Date('2026-11-23T08:03:00Z'),
    });
  });

  it('uses the local ISO week in Sydney, where Monday 08:03 is still Sunday in UTC', () => {
    const d = weeklyRunDue(new Date('2026-11-22T21:03:00Z'), monday0803('Australia/Sydney'));
    expect(d).toMatchObject({ due: true, runKey: 'weekly-2026-W48', localDate: '2026-11-23' });
    const utcWouldSay = weeklyRunDue(new Date('2026-11-22T21:02:00Z'), monday0803('Australia/Sydney'));
    expect(utcWouldSay).toMatchObject({ due: false, reason: 'before_send_time', runKey: 'weekly-2026-W48' });
  });

  it('rejects an unknown zone with a clear error', () => {
    expect(() => weeklyRunDue(new Date('2026-11-23T08:03:00Z'), monday0803('Mars/Olympus'))).toThrow(
      /Unknown time zone "Mars\/Olympus"/,
    );
  });

  it('rejects an out-of-range weekday or hour', () => {
    expect(() => weeklyRunDue(new Date(), { ...cfg, weekday: 0 })).toThrow();
    expect(() => weeklyRunDue(new Date(), { ...cfg, hour: 24 })).toThrow();
  });
});

describe('weeklyRunKey across the ISO week-year boundary', () => {
  it.each([
    ['2025-12-29T12:00:00Z', 'weekly-2026-W01'], // Monday of 2026-W01 falls in December 2025
    ['2026-01-01T12:00:00Z', 'weekly-2026-W01'],
    ['2026-12-28T12:00:00Z', 'weekly-2026-W53'], // 2026 starts on a Thursday: it has 53 ISO weeks
    ['2027-01-03T12:00:00Z', 'weekly-2026-W53'],
    ['2027-01-04T12:00:00Z', 'weekly-2027-W01'],
    ['2026-11-23T12:00:00Z', 'weekly-2026-W48'],
  ])('%s is %s', (iso, key) => {
    expect(weeklyRunKey(new Date(iso))).toBe(key);
  });

  it.each([
    ['2026-11-29', 'weekly-2026-W48'], // Sunday
    ['2026-11-30', 'weekly-2026-W49'],
    ['2020-12-31', 'weekly-2020-W53'], // 2020 is a leap year starting on a Wednesday: 53 weeks
    ['2021-01-03', 'weekly-2020-W53'],
    ['2027-01-01', 'weekly-2026-W53'], // 1 January on a Friday belongs to the year before
    ['2015-12-31', 'weekly-2015-W53'], // 1 January 2015 was a Thursday
    ['2024-02-29', 'weekly-2024-W09'],
  ])('the calendar date %s is %s in any process zone', (date, key) => {
    const zone = process.env.TZ;
    try {
      for (const tz of ['UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
        process.env.TZ = tz;
        expect(weeklyRunKeyOfDay(date)).toBe(key);
      }
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('the key some weeks before a week is the key of its day that many weeks earlier, over years of 52 and 53 weeks', () => {
    for (let day = dayOf('2019-12-01'); day < dayOf('2031-01-31'); day++) {
      const key = weeklyRunKeyOfDay(isoOfDay(day));
      for (const weeks of [1, 8, 60]) {
        expect(weeklyRunKeyWeeksBefore(key, weeks)).toBe(weeklyRunKeyOfDay(isoOfDay(day - 7 * weeks)));
      }
    }
    expect(weeklyRunKeyWeeksBefore('weekly-2027-W02', 8)).toBe('weekly-2026-W47');
    expect(weeklyRunKeyWeeksBefore('daily-2026-11-30', 8)).toBeNull();
  });

  it('runs once in W53 and once in W01 when the timer steps over New Year in Chicago', () => {
    const fired = simulateTimer(
      '2026-12-27T00:00:00Z',
      '2027-01-10T00:00:00Z',
      'America/Chicago',
      (now) => weeklyRunDue(now, monday0803('America/Chicago')),
      'weekly-2026-W52',
    );
    expect(fired.map((f) => [f.runKey, f.local.slice(0, 20)])).toEqual([
      ['weekly-2026-W53', '2026-12-28 Mon 08:03'],
      ['weekly-2027-W01', '2027-01-04 Mon 08:03'],
    ]);
  });
});

describe('timer NCRONTAB', () => {
  it('ticks at the configured minute past each quarter hour', () => {
    expect(WEEKLY_TIMER_NCRONTAB).toBe('0 3,18,33,48 * * * *');
    expect(quarterHourNcrontab(3)).toBe(WEEKLY_TIMER_NCRONTAB);
    expect(quarterHourNcrontab(50)).toBe('0 5,20,35,50 * * * *');
    expect(() => quarterHourNcrontab(60)).toThrow();
  });
});
