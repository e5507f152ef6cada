/**
 * Azure timers are 6-field NCRONTAB in UTC, and Flex Consumption supports neither WEBSITE_TIME_ZONE
 * nor TZ, so the timer ticks every 15 minutes and `weeklyRunDue`/`monthlyRunDue` decide. Ticking at
 * minutes 3, 18, 33 and 48 lands exactly on HH:03 local in every zone whose UTC offset is a multiple
 * of 15 minutes (all zones in use today), so the card goes out at 08:03, not at the next quarter hour.
 */
export const WEEKLY_TIMER_NCRONTAB = quarterHourNcrontab(3);
/**
 * The minutes past the hour the weekly timer (and the daily follow-ups', on the same ticks) runs at:
 * a send time between two ticks would go out at the next one, so config.ts accepts only these.
 */
export const WEEKLY_TICK_MINUTES = quarterHourTicks(3);

/**
 * The weekly timer's first tick at or after `instant`: ticks fall on whole minutes of UTC, which
 * every zone's quarter hours share, so no zone or DST change moves them.
 */
export function weeklyTickAtOrAfter(instant: Date): Date {
  const minuteMs = 60_000;
  const quarterMs = 15 * minuteMs;
  const offset = WEEKLY_TICK_MINUTES[0] * minuteMs;
  return new Date(Math.ceil((instant.getTime() - offset) / quarterMs) * quarterMs + offset);
}

/**
 * True when `now` is the last tick of `runKey`: the timer's next tick is of another run key
 * (`keyAt`, the week's or day's key of an instant), so no later tick runs it. A tick is taken for
 * one due within the minute: the timer has fired ticks milliseconds before their minute, and
 * 23:47:59.995 is the 23:48 tick, whose next is 00:03. A late tick needs no such care.
 */
export function lastTickOf(runKey: string, now: Date, keyAt: (instant: Date) => string): boolean {
  const earlyMs = 60_000;
  return keyAt(weeklyTickAtOrAfter(new Date(now.getTime() + earlyMs))) !== runKey;
}

/** The minutes past the hour, 0-59, a 15-minute timer ticks at when one of its ticks is `minute`. */
export function quarterHourTicks(minute: number): number[] {
  if (!Number.isInteger(minute) || minute < 0 || minute > 59) {
    throw new Error(`Expected a minute 0-59, got ${minute}`);
  }
  const first = minute % 15;
  return [first, first + 15, first + 30, first + 45];
}

/** The 15-minute NCRONTAB whose ticks hit `minute` past the hour local in every quarter-hour zone. */
export function quarterHourNcrontab(minute: number): string {
  return `0 ${quarterHourTicks(minute).join(',')} * * * *`;
}

/** The summary goes out at 09:00 local by default: ticks at minutes 0, 15, 30, 45. */
export const MONTHLY_TIMER_NCRONTAB = quarterHourNcrontab(0);
/** The minutes past the hour the monthly timer runs at, the only ones config.ts accepts for it. */
export const MONTHLY_TICK_MINUTES = quarterHourTicks(0);
