/**
 * Azure timers are 6-field NCRONTAB in UTC, and Linux plans ignore WEBSITE_TIME_ZONE, so the timer
 * ticks every 15 minutes and `weeklyRunDue`/`monthlyRunDue` decide. Ticking at minutes 3, 18, 33 and
 * 48 lands exactly on HH:03 local in every zone whose UTC offset is a multiple of 15 minutes (all
 * zones in use today), so the card goes out at 08:03, not at the next quarter hour.
 */
export const WEEKLY_TIMER_NCRONTAB = '0 3,18,33,48 * * * *';

/** The 15-minute NCRONTAB whose ticks hit `minute` past the hour local in every quarter-hour zone. */
export function quarterHourNcrontab(minute: number): string {
  if (!Number.isInteger(minute) || minute < 0 || minute > 59) {
    throw new Error(`Expected a minute 0-59, got ${minute}`);
  }
  const first = minute % 15;
  return `0 ${[first, first + 15, first + 30, first + 45].join(',')} * * * *`;
}

/** The summary goes out at 09:00 local by default: ticks at minutes 0, 15, 30, 45. */
export const MONTHLY_TIMER_NCRONTAB = quarterHourNcrontab(0);
