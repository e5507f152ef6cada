import { describe, expect, it } from 'vitest';
import { dailyRunDue, weeklyRunDue } from '../../../jobs/schedule';

// The team's public holidays (HOLIDAYS) against the timers' decisions, dates from the published
// calendars: England's bank holidays 2027 (gov.uk/bank-holidays: Good Friday 26 March, Easter Monday
// 29 March, spring bank holiday 31 May, Christmas and Boxing Day substitutes 27 and 28 December), the
// US federal holidays (opm.gov: Memorial Day 31 May 2027) and Bavaria's (Ostermontag 29 March 2027).

const london = { timeZone: 'Europe/London', weekday: 1, hour: 8, minute: 3, holidays: 'GB-ENG' };
const digest = { timeZone: 'Europe/London', hour: 9, minute: 3, workingDays: [1, 2, 3, 4, 5] };

describe('the weekly card on a public holiday', () => {
  it('comes on Tuesday at 08:03 when Monday is Easter Monday, under the same week’s key', () => {
    // 29 March 2027 is in British Summer Time: 08:03 local is 07:03 UTC.
    expect(weeklyRunDue(new Date('2027-03-29T07:03:00Z'), london)).toMatchObject({
      due: false,
      reason: 'before_send_time',
      runKey: 'weekly-2027-W13',
      scheduledAt: new Date('2027-03-30T07:03:00Z'),
    });
    expect(weeklyRunDue(new Date('2027-03-30T07:02:00Z'), london)).toMatchObject({ due: false });
    expect(weeklyRunDue(new Date('2027-03-30T07:03:00Z'), london)).toMatchObject({
      due: true,
      runKey: 'weekly-2027-W13',
      localDate: '2027-03-30',
    });
  });

  it('comes on Monday as set without a holiday calendar, and in a week with no holiday', () => {
    const { holidays: _, ...none } = london;
    expect(weeklyRunDue(new Date('2027-03-29T07:03:00Z'), none)).toMatchObject({ due: true });
    expect(weeklyRunDue(new Date('2027-04-05T07:03:00Z'), london)).toMatchObject({ due: true });
  });

  it('skips every holiday in a row: Christmas week 2027 in England starts on Wednesday', () => {
    expect(weeklyRunDue(new Date('2027-12-28T08:03:00Z'), london)).toMatchObject({
      due: false,
      scheduledAt: new Date('2027-12-29T08:03:00Z'),
    });
  });

  it('goes by the team’s working days: with Tuesday off, Easter Monday’s card comes on Wednesday', () => {
    const monWedFri = { ...london, workingDays: [1, 3, 5] };
    expect(weeklyRunDue(new Date('2027-03-30T07:03:00Z'), monWedFri)).toMatchObject({
      due: false,
      scheduledAt: new Date('2027-03-31T07:03:00Z'),
    });
  });

  it('stays in its week: a Friday card on Good Friday comes on Thursday, not after Easter Monday', () => {
    const friday = { ...london, weekday: 5 };
    expect(weeklyRunDue(new Date('2027-03-25T08:03:00Z'), friday)).toMatchObject({
      due: true,
      runKey: 'weekly-2027-W12',
      localDate: '2027-03-25',
    });
  });

  it('a US team’s card on Memorial Day comes on Tuesday at 08:03 Chicago time', () => {
    const chicago = { timeZone: 'America/Chicago', weekday: 1, hour: 8, minute: 3, holidays: 'US' };
    expect(weeklyRunDue(new Date('2027-05-31T13:03:00Z'), chicago)).toMatchObject({
      due: false,
      scheduledAt: new Date('2027-06-01T13:03:00Z'),
    });
  });
});

describe('the daily digest on a public holiday', () => {
  it('does not go out on Easter Monday, naming it, and goes out on Tuesday', () => {
    expect(dailyRunDue(new Date('2027-03-29T08:03:00Z'), { ...digest, holidays: 'GB-ENG' })).toMatchObject({
      due: false,
      reason: 'public_holiday',
      holiday: 'Easter Monday',
      runKey: 'daily-2027-03-29',
    });
    expect(dailyRunDue(new Date('2027-03-30T08:03:00Z'), { ...digest, holidays: 'GB-ENG' })).toMatchObject({
      due: true,
      runKey: 'daily-2027-03-30',
    });
  });

  it('goes out on the late-May bank holiday without a calendar, as before', () => {
    expect(dailyRunDue(new Date('2027-05-31T08:03:00Z'), digest)).toMatchObject({ due: true });
    expect(dailyRunDue(new Date('2027-05-31T08:03:00Z'), { ...digest, holidays: 'GB-ENG' })).toMatchObject({
      due: false,
      holiday: 'Spring bank holiday',
    });
  });

  it('keeps to the region: Easter Monday is a day off in Bavaria, not in Scotland', () => {
    const berlin = { ...digest, timeZone: 'Europe/Berlin', holidays: 'DE-BY' };
    expect(dailyRunDue(new Date('2027-03-29T07:03:00Z'), berlin)).toMatchObject({
      due: false,
      holiday: 'Easter Monday',
    });
    expect(dailyRunDue(new Date('2027-03-29T08:03:00Z'), { ...digest, holidays: 'GB-SCT' })).toMatchObject({
      due: true,
    });
  });

  it('keeps every day of a holiday of several days: Chuseok 2026 in Korea, Thursday to Saturday', () => {
    const seoul = { ...digest, timeZone: 'Asia/Seoul', holidays: 'KR' };
    // 09:03 in Seoul is 00:03 UTC. Friday 25 September is the festival's second day.
    expect(dailyRunDue(new Date('2026-09-24T00:03:00Z'), seoul)).toMatchObject({ due: false });
    expect(dailyRunDue(new Date('2026-09-25T00:03:00Z'), seoul)).toMatchObject({
      due: false,
      holiday: 'Korean Thanksgiving',
    });
    expect(dailyRunDue(new Date('2026-09-28T00:03:00Z'), seoul)).toMatchObject({ due: true });
  });

  it('keeps the days of a holiday begun the year before: Incwala in Eswatini, 28 Dec 2025 to 2 Jan 2026', () => {
    // As the date-holidays table has it: six days from 28 December.
    const mbabane = { ...digest, timeZone: 'Africa/Mbabane', holidays: 'SZ' };
    expect(dailyRunDue(new Date('2026-01-02T07:03:00Z'), mbabane)).toMatchObject({
      due: false,
      holiday: 'Incwala Festival',
    });
    expect(dailyRunDue(new Date('2026-01-05T07:03:00Z'), mbabane)).toMatchObject({ due: true });
  });

  it('works on observances and bank-only days: Rose Monday and Christmas Eve in Bavaria', () => {
    const berlin = { ...digest, timeZone: 'Europe/Berlin', holidays: 'DE-BY' };
    expect(dailyRunDue(new Date('2027-02-08T08:03:00Z'), berlin)).toMatchObject({ due: true });
    expect(dailyRunDue(new Date('2027-12-24T08:03:00Z'), berlin)).toMatchObject({ due: true });
  });
});
