import { describe, expect, it } from 'vitest';
import { type DaysOff, dailyRunDue, monthlyRunDue, weeklyRunDue } from '../../../jobs/schedule';
import { simulateTimer } from './simulateTimer';

// The days a team works and the days it closes beyond the public holiday table: HOLIDAYS_WORKED
// (public holidays worked all the same) and CLOSED_DAYS (the team's own days off), against every
// tick of the timers. US federal holidays as opm.gov publishes them: Columbus Day Monday 11 October
// 2027, Independence Day Sunday 4 July 2027 observed Monday 5 July, New Year's Day Friday 1 January
// 2027. A team in Chicago: the card Mondays 08:03, the digest and the summary at 09:03.

const timeZone = 'America/Chicago';
const workingDays = [1, 2, 3, 4, 5];
const card = (daysOff: DaysOff) => ({ timeZone, weekday: 1, hour: 8, minute: 3, workingDays, ...daysOff });
const nineAm = (daysOff: DaysOff) => ({ timeZone, hour: 9, minute: 3, workingDays, ...daysOff });

/** The local days and times the timer sent on, from `from` to `to` (UTC), the period before having run. */
function sends(from: string, to: string, decide: Parameters<typeof simulateTimer>[3], ranBefore: string) {
  return simulateTimer(from, to, timeZone, decide, ranBefore).map((f) => f.local.slice(0, 20));
}

/** When the card of the ISO week from Monday `monday` went out, the week before having run. */
function cardOfWeek(monday: string, weekBefore: string, daysOff: DaysOff) {
  const start = new Date(`${monday}T00:00:00Z`).getTime();
  const iso = (ms: number) => new Date(ms).toISOString();
  return sends(
    iso(start),
    iso(start + 7 * 86_400_000),
    (now) => weeklyRunDue(now, card(daysOff)),
    weekBefore,
  );
}

describe('public holidays the team works (HOLIDAYS_WORKED)', () => {
  it('a US team’s card on Columbus Day 2027 goes out on Monday with it, on Tuesday without', () => {
    const worked = { holidays: 'US', holidaysWorked: ['columbus  DAY'] };
    expect(cardOfWeek('2027-10-11', 'weekly-2027-W40', worked)).toEqual(['2027-10-11 Mon 08:03']);
    expect(cardOfWeek('2027-10-11', 'weekly-2027-W40', { holidays: 'US' })).toEqual(['2027-10-12 Tue 08:03']);
  });

  it('works the day a worked holiday is observed on: Independence Day 2027’s Monday 5 July', () => {
    const worked = { holidays: 'US', holidaysWorked: ['Independence Day'] };
    expect(cardOfWeek('2027-07-05', 'weekly-2027-W26', worked)).toEqual(['2027-07-05 Mon 08:03']);
    expect(cardOfWeek('2027-07-05', 'weekly-2027-W26', { holidays: 'US' })).toEqual(['2027-07-06 Tue 08:03']);
  });

  it('sends the digest on Veterans Day 2027 when worked, and still none on Thanksgiving', () => {
    const worked = nineAm({ holidays: 'US', holidaysWorked: ['Veterans Day'] });
    expect(dailyRunDue(new Date('2027-11-11T15:03:00Z'), worked)).toMatchObject({ due: true });
    expect(dailyRunDue(new Date('2027-11-25T15:03:00Z'), worked)).toMatchObject({
      due: false,
      reason: 'public_holiday',
      holiday: 'Thanksgiving Day',
    });
  });
  it('keeps a day off that is two public holidays when the team works only one of them', () => {
    // Norway's Constitution Day, 17 May 2027, falls on Whit Monday: a team that works Whit Monday is still off.
    const oslo = { timeZone: 'Europe/Oslo', hour: 9, minute: 3, workingDays, holidays: 'NO' };
    const constitutionDay = new Date('2027-05-17T07:03:00Z');
    expect(dailyRunDue(constitutionDay, { ...oslo, holidaysWorked: ['Whit Monday'] })).toMatchObject({
      due: false,
      reason: 'public_holiday',
      holiday: 'Constitution Day',
    });
    expect(dailyRunDue(constitutionDay, { ...oslo, holidaysWorked: ['Constitution Day'] })).toMatchObject({
      due: false,
      reason: 'public_holiday',
      holiday: 'Whit Monday',
    });
    expect(
      dailyRunDue(constitutionDay, { ...oslo, holidaysWorked: ['Whit Monday', 'Constitution Day'] }),
    ).toMatchObject({ due: true });
  });
});

describe('a team closed from Christmas Eve to New Year’s Eve 2026 (CLOSED_DAYS)', () => {
  const closed: DaysOff = { holidays: 'US', closedDays: [{ from: '2026-12-24', to: '2026-12-31' }] };
  const from = '2026-12-20T00:00:00Z';
  const to = '2027-01-09T00:00:00Z';

  it('gets no digest on those days, saying why, and none on New Year’s Day: the next on Monday 4 January', () => {
    const daily = (now: Date) => dailyRunDue(now, nineAm(closed));
    expect(sends(from, to, daily, 'daily-2026-12-18')).toEqual([
      '2026-12-21 Mon 09:03',
      '2026-12-22 Tue 09:03',
      '2026-12-23 Wed 09:03',
      '2027-01-04 Mon 09:03',
      '2027-01-05 Tue 09:03',
      '2027-01-06 Wed 09:03',
      '2027-01-07 Thu 09:03',
      '2027-01-08 Fri 09:03',
    ]);
    expect(dailyRunDue(new Date('2026-12-28T15:03:00Z'), nineAm(closed))).toMatchObject({
      due: false,
      reason: 'closed_day',
      runKey: 'daily-2026-12-28',
    });
    // Christmas Day is named as the public holiday it is, closed or not.
    expect(dailyRunDue(new Date('2026-12-25T15:03:00Z'), nineAm(closed))).toMatchObject({
      reason: 'public_holiday',
      holiday: 'Christmas Day',
    });
  });

  it('gets no card in the week of 28 December, that week having no working day; without HOLIDAYS on Friday 1 January', () => {
    const weekly = (daysOff: DaysOff) => (now: Date) => weeklyRunDue(now, card(daysOff));
    // Monday 28 to Thursday 31 closed, Friday 1 January a public holiday: nobody is there to read a
    // card that week, and the next comes on Monday 4 January.
    expect(sends(from, to, weekly(closed), 'weekly-2026-W51')).toEqual([
      '2026-12-21 Mon 08:03',
      '2027-01-04 Mon 08:03',
    ]);
    expect(weeklyRunDue(new Date('2026-12-31T14:03:00Z'), card(closed))).toMatchObject({
      due: false,
      reason: 'no_working_day',
      runKey: 'weekly-2026-W53',
    });
    const { holidays: _, ...closedOnly } = closed;
    expect(sends(from, to, weekly(closedOnly), 'weekly-2026-W51')).toEqual([
      '2026-12-21 Mon 08:03',
      '2027-01-01 Fri 08:03',
      '2027-01-04 Mon 08:03',
    ]);
    // A Sunday send: Sunday 27 December closed, so that week's card on its last working day before.
    // The card of Sunday 3 January is the one the team reads on its return on Monday 4 January, so
    // it goes out, closed day or not: without it they would work that week from the card of 23
    // December. A Friday's likewise, on New Year's Day: the next comes only on Friday 8 January.
    const on = (weekday: number, daysOff: DaysOff) => (now: Date) =>
      weeklyRunDue(now, { ...card(daysOff), weekday });
    const throughSunday = { ...closed, closedDays: [{ from: '2026-12-24', to: '2027-01-03' }] };
    for (const daysOff of [closed, throughSunday])
      expect(sends(from, '2027-01-11T00:00:00Z', on(7, daysOff), 'weekly-2026-W51')).toEqual([
        '2026-12-23 Wed 08:03',
        '2027-01-03 Sun 08:03',
        '2027-01-10 Sun 08:03',
      ]);
    expect(sends(from, '2027-01-09T00:00:00Z', on(5, closed), 'weekly-2026-W51')).toEqual([
      '2026-12-23 Wed 08:03',
      '2027-01-01 Fri 08:03',
      '2027-01-08 Fri 08:03',
    ]);
  });

  it('gets December’s summary on Monday 4 January, as a US team does; a closed 1st moves it as a holiday does', () => {
    const monthly = (daysOff: DaysOff) => (now: Date) => monthlyRunDue(now, nineAm(daysOff));
    expect(sends(from, to, monthly(closed), 'monthly-2026-11')).toEqual(['2027-01-04 Mon 09:03']);
    const toNewYear = { closedDays: [{ from: '2026-12-24', to: '2027-01-01' }] };
    expect(sends(from, to, monthly(toNewYear), 'monthly-2026-11')).toEqual(['2027-01-04 Mon 09:03']);
    // A stocktake on Monday 1 March 2027: February's summary on Tuesday.
    const stocktake = { closedDays: [{ from: '2027-03-01', to: '2027-03-01' }] };
    expect(
      sends('2027-02-27T00:00:00Z', '2027-03-05T00:00:00Z', monthly(stocktake), 'monthly-2027-01'),
    ).toEqual(['2027-03-02 Tue 09:03']);
  });
});
