import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../../functions/config';
import { wire } from '../../../functions/wiring';
import { runFollowUps } from '../../../jobs/followups/followUpsRun';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';

// HOLIDAYS as the deployed app reads it: the setting through the one config and the app's wiring to
// both timers, on Azurite with the demo feed in a folder, the clock set to a US team's holidays.

const DEMO = join(__dirname, '../../../demo/feed');
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

async function wiredFor(holidays: string | undefined) {
  return wire(
    loadConfig({
      STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
      TABLE_PREFIX: `thol${randomBytes(3).toString('hex')}`,
      TIME_ZONE: 'America/Chicago',
      FEED_DIR: DEMO,
      ...(holidays ? { HOLIDAYS: holidays } : {}),
    }),
    { log: quiet },
  );
}

describe('HOLIDAYS=US through the wiring', () => {
  it('holds the weekly card on Labor Day (Mon 7 Sep 2026) until Tuesday 08:03', async () => {
    const wiring = await wiredFor('US');
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
    const wiring = await wiredFor('US');
    const report = await runFollowUps(await wiring.followUps(quiet), {
      now: new Date('2026-11-26T15:03:00Z'),
    });
    expect(report).toMatchObject({
      status: 'not_due',
      reason: 'public_holiday',
      holiday: 'Thanksgiving Day',
    });
  });

  it('without the setting, Labor Day is a Monday like any other', async () => {
    const wiring = await wiredFor(undefined);
    const monday = await runWeekly(await wiring.weekly(quiet), { now: new Date('2026-09-07T13:03:00Z') });
    expect(monday).toMatchObject({ status: 'completed', runKey: 'weekly-2026-W37' });
  });
});
