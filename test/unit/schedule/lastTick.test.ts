import { describe, expect, it } from 'vitest';
import { dailyRunKey, weeklyRunKey } from '../../../jobs/schedule';
import { lastTickOf } from '../../../jobs/schedule/timerSchedule';
import { zonedNow } from '../../../rules/calendar';

// The timer ticks at minutes 3, 18, 33 and 48 of UTC; a run key's last tick is the one whose next
// falls in the next week (or day) of the team's zone.

const weekIn = (zone: string) => (instant: Date) => weeklyRunKey(zonedNow(instant, zone));
const dayIn = (zone: string) => (instant: Date) => dailyRunKey(zonedNow(instant, zone));
const last = (now: string, keyAt: (instant: Date) => string) =>
  lastTickOf(keyAt(new Date(now)), new Date(now), keyAt);

describe('lastTickOf', () => {
  it("Sunday 23:48 in Chicago is the week's last tick; 23:33, and Monday's ticks, are not", () => {
    const week = weekIn('America/Chicago');
    expect(last('2026-11-30T05:48:00Z', week)).toBe(true);
    expect(last('2026-11-30T05:33:00Z', week)).toBe(false);
    expect(last('2026-11-30T06:03:00Z', week)).toBe(false);
    // Saturday 23:48 ends a day, not the week.
    expect(last('2026-11-29T05:48:00Z', week)).toBe(false);
    expect(last('2026-11-29T05:48:00Z', dayIn('America/Chicago'))).toBe(true);
  });

  it('in Kathmandu (UTC+05:45) the day ends with the tick at 23:48 local, 18:03 UTC', () => {
    const day = dayIn('Asia/Kathmandu');
    expect(last('2026-11-24T18:03:00Z', day)).toBe(true);
    expect(last('2026-11-24T17:48:00Z', day)).toBe(false);
  });

  it('a tick run late (a restart at 23:55) is the last when the next tick is past midnight', () => {
    expect(last('2026-11-30T05:55:00Z', weekIn('America/Chicago'))).toBe(true);
    // The 23:33 tick run late, at 23:42: the 23:48 tick is still to come.
    expect(last('2026-11-30T05:42:00Z', weekIn('America/Chicago'))).toBe(false);
  });

  it('the 23:48 tick the timer fires a few milliseconds early (23:47:59.995) is still the last', () => {
    // Azure's timer has fired ticks some milliseconds before their minute; such a tick's next is
    // 00:03, not the 23:48 it stands for.
    const week = weekIn('America/Chicago');
    expect(last('2026-11-30T05:47:59.995Z', week)).toBe(true);
    expect(last('2026-11-30T05:32:59.995Z', week)).toBe(false);
    expect(last('2026-11-30T06:02:59.995Z', week)).toBe(false);
  });

  it('on a Sunday of 23 or 25 hours the last tick is still 23:48 local', () => {
    const chicago = weekIn('America/Chicago');
    // 8 March 2026, clocks forward: 23:48 CDT is 04:48 UTC.
    expect(last('2026-03-09T04:48:00Z', chicago)).toBe(true);
    expect(last('2026-03-09T04:33:00Z', chicago)).toBe(false);
    // 1 November 2026, clocks back: 23:48 CST is 05:48 UTC.
    expect(last('2026-11-02T05:48:00Z', chicago)).toBe(true);
    expect(last('2026-11-02T05:33:00Z', chicago)).toBe(false);
    // 25 October 2026 in Berlin: 23:48 CET is 22:48 UTC.
    expect(last('2026-10-25T22:48:00Z', weekIn('Europe/Berlin'))).toBe(true);
    expect(last('2026-10-25T22:33:00Z', weekIn('Europe/Berlin'))).toBe(false);
  });

  it('a day whose 23:00 comes twice (Santiago turns its clocks back at midnight) ends with the second 23:48', () => {
    const day = dayIn('America/Santiago');
    expect(last('2026-04-05T02:48:00Z', day)).toBe(false);
    expect(last('2026-04-05T03:48:00Z', day)).toBe(true);
  });

  it('in Kolkata (UTC+05:30) the day ends with the tick at 23:48 local, 18:18 UTC', () => {
    const day = dayIn('Asia/Kolkata');
    expect(last('2026-11-24T18:18:00Z', day)).toBe(true);
    expect(last('2026-11-24T18:03:00Z', day)).toBe(false);
  });
});
