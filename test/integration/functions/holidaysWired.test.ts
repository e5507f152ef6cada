import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../../functions/config';
import { wire } from '../../../functions/wiring';
import { runFollowUps } from '../../../jobs/followups/followUpsRun';
import { runMonthlySummary } from '../../../jobs/monthly/monthlySummaryRun';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';

// HOLIDAYS, HOLIDAYS_WORKED and CLOSED_DAYS as the deployed app reads them: the setting through the one config and the app's wiring to
// both timers, on Azurite with the demo feed in a folder, the clock set to a US team's holidays.

const DEMO = join(__dirname, '../../../demo/feed');
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

async function wiredFor(daysOff: Record<string, string>) {
  return wire(
    loadConfig({
      STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
      TABLE_PREFIX: `thol${randomBytes(3).toString('hex')}`,
      TIME_ZONE: 'America/Chicago',
      FEED_DIR: DEMO,
      ...daysOff,
    }),
    { log: quiet },
  );
}

describe('HOLIDAYS=US through the wiring', () => {
  it('holds the weekly card on Labor Day (Mon 7 Sep 2026) until Tuesday 08:03', async () => {
    const wiring = await wiredFor({ HOLIDAYS: 'US' });
    // 08:03 in Chicago (CDT) is 13:03 UTC.
    const monday = await runWeekly(await wiring.weekly(quiet), { now: new Date('2026-09-07T13:03:00Z') });
    expect(monday).toMatchObject({
      status: 'not_due',
      reason: 'before_send_time',
      runKey: 'weekly-2026-W37',
    });
    const tuesday = await runWeekly(await wiring.weekly(quiet), { now: new Date('2026-09-08T13:03:00Z') });
    expect(tuesday).toMatchObject({ status: 'completed', runKey: 'weekly-2026-W37' });
  });

  it('sends no digest on Thanksgiving (Thu 26 Nov 2026), naming the holiday', async () => {
    const wiring = await wiredFor({ HOLIDAYS: 'US' });
    const report = await runFollowUps(await wiring.followUps(quiet), {
      now: new Date('2026-11-26T15:03:00Z'),
    });
    expect(report).toMatchObject({
      status: 'not_due',
      reason: 'public_holiday',
      holiday: 'Thanksgiving Day',
    });
  });

  it("posts December's summary on Monday 4 January 2027, not on New Year's Day", async () => {
    const wiring = await wiredFor({ HOLIDAYS: 'US' });
    // MONTHLY_SEND_AT 09:00 in Chicago (CST) is 15:00 UTC.
    const newYear = await runMonthlySummary(await wiring.monthly(new Date('2027-01-01T15:00:00Z'), quiet));
    expect(newYear).toMatchObject({ status: 'not_due', runKey: 'monthly-2026-12' });
    // The first working day: due (no channel in this app yet, so it is not posted, and says why).
    const monday = await runMonthlySummary(await wiring.monthly(new Date('2027-01-04T15:00:00Z'), quiet));
    expect(monday).toMatchObject({ status: 'no_channel', runKey: 'monthly-2026-12' });
  });

  it('without the setting, Labor Day is a Monday like any other', async () => {
    const wiring = await wiredFor({});
    const monday = await runWeekly(await wiring.weekly(quiet), { now: new Date('2026-09-07T13:03:00Z') });
    expect(monday).toMatchObject({ status: 'completed', runKey: 'weekly-2026-W37' });
  });
});

describe('HOLIDAYS_WORKED and CLOSED_DAYS through the wiring', () => {
  it('sends the card on Columbus Day (Mon 12 Oct 2026) at 08:03 when the team works it', async () => {
    const wiring = await wiredFor({ HOLIDAYS: 'US', HOLIDAYS_WORKED: 'Columbus Day, Veterans Day' });
    const monday = await runWeekly(await wiring.weekly(quiet), { now: new Date('2026-10-12T13:03:00Z') });
    expect(monday).toMatchObject({ status: 'completed', runKey: 'weekly-2026-W42' });
  });

  it('sends no digest on a closed day (Mon 28 Dec 2026), saying so', async () => {
    const wiring = await wiredFor({ HOLIDAYS: 'US', CLOSED_DAYS: '2026-12-24..2026-12-31' });
    const report = await runFollowUps(await wiring.followUps(quiet), {
      now: new Date('2026-12-28T15:03:00Z'),
    });
    expect(report).toMatchObject({ status: 'not_due', reason: 'closed_day', runKey: 'daily-2026-12-28' });
  });

  it("posts February's summary on Tuesday 2 March 2027 when the 1st is a stocktake, without HOLIDAYS", async () => {
    const wiring = await wiredFor({ CLOSED_DAYS: '2027-03-01' });
    const first = await runMonthlySummary(await wiring.monthly(new Date('2027-03-01T15:00:00Z'), quiet));
    expect(first).toMatchObject({ status: 'not_due', runKey: 'monthly-2027-02' });
    const tuesday = await runMonthlySummary(await wiring.monthly(new Date('2027-03-02T15:00:00Z'), quiet));
    expect(tuesday).toMatchObject({ status: 'no_channel', runKey: 'monthly-2027-02' });
  });
});
