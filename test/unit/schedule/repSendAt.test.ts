import { describe, expect, it } from 'vitest';
import { repSendAt } from '../../../jobs/schedule';

// When a rep's card goes out: the team's send day at the send time on the rep's clock, never before
// the team's send, never past the team's week (or day, for the digest).

const NEW_YORK = { timeZone: 'America/New_York', hour: 8, minute: 3 };

describe('repSendAt', () => {
  it("a rep behind the team at 08:03 on their clock; one ahead, or of no known zone, at the team's", () => {
    const team = new Date('2026-11-23T13:03:00Z'); // Monday 08:03 in New York
    expect(repSendAt(team, NEW_YORK, 'America/Los_Angeles').toISOString()).toBe('2026-11-23T16:03:00.000Z');
    expect(repSendAt(team, NEW_YORK, 'Europe/London')).toEqual(team);
    expect(repSendAt(team, NEW_YORK, undefined)).toEqual(team);
  });

  it("a card stays in the team's week, and a digest in the team's day", () => {
    // Sunday 08:03 in Auckland (NZDT, UTC+13) is Saturday 19:03 UTC; Sunday 08:03 in Honolulu is Monday in Auckland.
    const auckland = { timeZone: 'Pacific/Auckland', hour: 8, minute: 3 };
    const sunday = new Date('2026-11-28T19:03:00Z');
    expect(repSendAt(sunday, auckland, 'Pacific/Honolulu')).toEqual(sunday);
    // Tuesday 20:03 in New York is Wednesday 01:03 UTC; 20:03 in Honolulu is past New York's Tuesday.
    const evening = { ...NEW_YORK, hour: 20 };
    const tuesday = new Date('2026-11-25T01:03:00Z');
    expect(repSendAt(tuesday, evening, 'America/Denver', 'day').toISOString()).toBe(
      '2026-11-25T03:03:00.000Z',
    );
    expect(repSendAt(tuesday, evening, 'Pacific/Honolulu', 'day')).toEqual(tuesday);
  });

  it('refuses a zone that is none', () => {
    expect(() => repSendAt(new Date('2026-11-23T13:03:00Z'), NEW_YORK, 'Mars/Olympus_Mons')).toThrow(
      'Unknown time zone "Mars/Olympus_Mons"',
    );
  });
});
