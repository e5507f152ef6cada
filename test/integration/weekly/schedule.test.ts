import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WEEKLY_TIMER_NCRONTAB } from '../../../jobs/schedule';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import {
  depsFor,
  installReps,
  openWeeklyWorld,
  slippingBook,
  type WeeklyWorld,
  weeklyOrders,
} from './weeklyWorld';

/** The minutes past the hour (UTC) the timer ticks at, read from the NCRONTAB itself. */
const TICK_MINUTES = WEEKLY_TIMER_NCRONTAB.split(' ')[1].split(',').map(Number);

function localClock(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(instant);
}

// Each case starts at midnight local on the Monday before the change (a fresh ledger would otherwise
// run the previous week's late run at once, as it should) and ends on the Wednesday after it.

/** Every timer tick from `from` (inclusive) to `to` (exclusive), as the Functions host would fire them in UTC. */
function ticks(from: string, to: string): Date[] {
  const out: Date[] = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += 60_000) {
    if (TICK_MINUTES.includes(new Date(t).getUTCMinutes())) out.push(new Date(t));
  }
  return out;
}

const CASES = [
  {
    name: 'America/Chicago, spring forward (8 March 2026)',
    timeZone: 'America/Chicago',
    from: '2026-03-02T06:00:00Z',
    to: '2026-03-11T00:00:00Z',
    expected: ['2026-03-02T14:03:00.000Z', '2026-03-09T13:03:00.000Z'],
  },
  {
    name: 'America/Chicago, fall back (1 November 2026)',
    timeZone: 'America/Chicago',
    from: '2026-10-26T05:00:00Z',
    to: '2026-11-04T00:00:00Z',
    expected: ['2026-10-26T13:03:00.000Z', '2026-11-02T14:03:00.000Z'],
  },
  {
    name: 'Europe/London, spring forward (29 March 2026)',
    timeZone: 'Europe/London',
    from: '2026-03-23T00:00:00Z',
    to: '2026-04-01T00:00:00Z',
    expected: ['2026-03-23T08:03:00.000Z', '2026-03-30T07:03:00.000Z'],
  },
  {
    name: 'Europe/London, fall back (25 October 2026)',
    timeZone: 'Europe/London',
    from: '2026-10-18T23:00:00Z',
    to: '2026-10-28T00:00:00Z',
    expected: ['2026-10-19T07:03:00.000Z', '2026-10-26T08:03:00.000Z'],
  },
];

describe('the weekly timer stepped every 15 minutes through DST change weeks', () => {
  // A fresh ledger per case: two cases share ISO week 44 of 2026.
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('dst');
    await installReps(world, ['ann@example.com']);
  });
  afterEach(async () => {
    await world.stop();
  });

  it.each(CASES)('$name: runs at 08:03 local, once each week', async ({ timeZone, from, to, expected }) => {
    const deps = depsFor(world, slippingBook(['ann@example.com'], { slipping: 1 }), {
      config: { timeZone, weeklySendAt: { weekday: 1, hour: 8, minute: 3 } },
    });
    const ran: Date[] = [];
    for (const now of ticks(from, to)) {
      const report = await runWeekly(deps, { now });
      if (report.status === 'completed') ran.push(now);
    }
    expect(ran.map((d) => d.toISOString())).toEqual(expected);
    for (const d of ran) expect(localClock(d, timeZone)).toBe('Mon 08:03');
  });
});

// The team's public holidays (HOLIDAYS): the week's card waits for the next working day, at the same
// local time. England's 2027 bank holidays and the US federal ones, as gov.uk and opm.gov publish them.
const HOLIDAY_CASES = [
  {
    name: 'GB-ENG, Easter Monday (29 March 2027): Tuesday 08:03 BST',
    timeZone: 'Europe/London',
    holidays: 'GB-ENG',
    from: '2027-03-29T00:00:00+01:00',
    expected: '2027-03-30T07:03:00.000Z',
  },
  {
    name: 'GB-ENG, the late-May bank holiday (31 May 2027): Tuesday 08:03 BST',
    timeZone: 'Europe/London',
    holidays: 'GB-ENG',
    from: '2027-05-31T00:00:00+01:00',
    expected: '2027-06-01T07:03:00.000Z',
  },
  {
    name: 'US, Memorial Day (31 May 2027): Tuesday 08:03 CDT',
    timeZone: 'America/Chicago',
    holidays: 'US',
    from: '2027-05-31T00:00:00-05:00',
    expected: '2027-06-01T13:03:00.000Z',
  },
  {
    name: 'no calendar: Easter Monday 2027 is a Monday like any other',
    timeZone: 'Europe/London',
    holidays: null,
    from: '2027-03-29T00:00:00+01:00',
    expected: '2027-03-29T07:03:00.000Z',
  },
];

describe('the weekly timer stepped every 15 minutes through a week starting with a public holiday', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('hol');
    await installReps(world, ['ann@example.com']);
  });
  afterEach(async () => {
    await world.stop();
  });

  it.each(HOLIDAY_CASES)('$name', async ({ timeZone, holidays, from, expected }) => {
    // A customer still ordering every week, so the 2027 feed is not a stopped export.
    const book = slippingBook(
      ['ann@example.com'],
      { slipping: 1 },
      {
        customers: [{ id: 'ann#now', name: 'Ordering now', owner: 'ann@example.com', monthlyValue: 900 }],
        orders: weeklyOrders('ann#now', '2026-01-05', '2027-06-28'),
      },
    );
    const deps = depsFor(world, book, {
      config: { timeZone, weeklySendAt: { weekday: 1, hour: 8, minute: 3 }, holidays },
    });
    const ran: Date[] = [];
    // From midnight local on the Monday to midnight on the Wednesday.
    const start = new Date(from).toISOString();
    const end = new Date(Date.parse(from) + 2 * 86_400_000).toISOString();
    for (const now of ticks(start, end)) {
      const report = await runWeekly(deps, { now });
      if (report.status === 'completed') ran.push(now);
    }
    expect(ran.map((d) => d.toISOString())).toEqual([expected]);
    expect(world.fake.activities).toHaveLength(1);
  });
});
