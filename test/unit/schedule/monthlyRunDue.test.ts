import { describe, expect, it } from 'vitest';
import { monthlyRunDue, monthlyRunKey, summarisedMonth } from '../../../jobs/schedule';
import { simulateTimer } from './simulateTimer';

const nineAm = (timeZone: string) => ({ timeZone, hour: 9, minute: 3 });

describe('monthlyRunDue', () => {
  it('fires once on the 1st at 09:03 local, keyed by the previous month, across a year end', () => {
    const fired = simulateTimer(
      '2026-11-25T00:00:00Z',
      '2027-02-05T00:00:00Z',
      'Europe/London',
      (now) => monthlyRunDue(now, nineAm('Europe/London')),
      'monthly-2026-10',
    );
    expect(fired.map((f) => [f.runKey, f.local.slice(0, 20)])).toEqual([
      ['monthly-2026-11', '2026-12-01 Tue 09:03'],
      ['monthly-2026-12', '2027-01-01 Fri 09:03'],
      ['monthly-2027-01', '2027-02-01 Mon 09:03'],
    ]);
  });

  it('with a holiday calendar, waits out a 1st that is a public holiday until the next working day', () => {
    const schedule = { ...nineAm('Europe/London'), holidays: 'GB-ENG', workingDays: [1, 2, 3, 4, 5] };
    const around = (from: string, to: string, before: string) =>
      simulateTimer(from, to, 'Europe/London', (now) => monthlyRunDue(now, schedule), before).map((f) => [
        f.runKey,
        f.local.slice(0, 20),
      ]);
    expect(around('2026-12-28T00:00:00Z', '2027-01-10T00:00:00Z', 'monthly-2026-11')).toEqual([
      // New Year's Day, a Friday.
      ['monthly-2026-12', '2027-01-04 Mon 09:03'],
    ]);
    expect(around('2027-12-28T00:00:00Z', '2028-01-10T00:00:00Z', 'monthly-2027-11')).toEqual([
      // New Year's Day a Saturday, its bank holiday Monday the 3rd.
      ['monthly-2027-12', '2028-01-04 Tue 09:03'],
    ]);
    // A 1st that is no holiday is kept, on a weekend too, as without a calendar.
    expect(around('2027-04-28T00:00:00Z', '2027-05-03T00:00:00Z', 'monthly-2027-03')).toEqual([
      ['monthly-2027-04', '2027-05-01 Sat 09:03'],
    ]);
  });

  it('uses the local month in Sydney (the 1st there is still the 31st in UTC)', () => {
    const d = monthlyRunDue(new Date('2026-11-30T22:03:00Z'), nineAm('Australia/Sydney'));
    expect(d).toMatchObject({ due: true, runKey: 'monthly-2026-11', localDate: '2026-12-01' });
  });

  it('a late start on the 3rd is still due, and so is the next tick (the ledger keeps it once)', () => {
    const late = monthlyRunDue(new Date('2026-12-03T10:00:00Z'), nineAm('Europe/London'));
    expect(late).toMatchObject({ due: true, runKey: 'monthly-2026-11' });
    const again = monthlyRunDue(new Date('2026-12-03T10:15:00Z'), nineAm('Europe/London'));
    expect(again).toMatchObject({ due: true, runKey: 'monthly-2026-11' });
  });

  it('keys and parses the summarised month', () => {
    expect(monthlyRunKey(new Date('2027-01-15T12:00:00Z'))).toBe('monthly-2026-12');
    expect(summarisedMonth('monthly-2026-12')).toBe('2026-12');
    expect(() => summarisedMonth('weekly-2026-W48')).toThrow(/Not a monthly run key/);
  });

  it('rejects an unknown zone with a clear error', () => {
    expect(() => monthlyRunDue(new Date(), nineAm('Europe/Atlantis'))).toThrow(/Unknown time zone/);
  });
});
