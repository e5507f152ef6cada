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
  });
});
