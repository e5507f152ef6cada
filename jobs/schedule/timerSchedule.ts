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
  return tickAtOrAfter(instant, WEEKLY_TICK_MINUTES);
}

/** The first tick at or after `instant` of a 15-minute timer ticking at `ticks` past the hour. */
function tickAtOrAfter(instant: Date, ticks: readonly number[]): Date {
  const minuteMs = 60_000;
  const quarterMs = 15 * minuteMs;
  const offset = ticks[0] * minuteMs;
  return new Date(Math.ceil((instant.getTime() - offset) / quarterMs) * quarterMs + offset);
}

/**
 * The tick a call at `now` stands for, of the timer ticking at `ticks` past the hour: the timer has
 * fired ticks milliseconds before their minute, so a call within the minute before a tick is that
 * tick (08:02:59.995 is the 08:03 tick, and decides as it). A late tick, or a call more than a minute
 * before the next tick (a restart, a forced run), is its own instant. A call by hand within that
 * minute is taken for the tick too. The weekly ticks (3 minutes past each quarter hour) never carry a call into
 * another day; the monthly timer's 00:00 tick does, so its run reads the month as of this tick, not `now`.
 */
export function tickOf(now: Date, ticks: readonly number[] = WEEKLY_TICK_MINUTES): Date {
  const earlyMs = 60_000;
  const tick = tickAtOrAfter(now, ticks);
  return tick.getTime() - now.getTime() < earlyMs ? tick : now;
}

/** True when a send time `at` (a rep's own, on a tick) has come for the call at `now` (tickOf). */
export function timeHasCome(now: Date, at: Date): boolean {
  return tickOf(now).getTime() >= at.getTime();
}

/** The weekly timer's tick after the one a call at `now` stands for (tickOf). */
export function nextTickAfter(now: Date): Date {
  return weeklyTickAtOrAfter(new Date(tickOf(now).getTime() + 1));
}

/**
 * True when `now` is the last tick of `runKey`: the timer's next tick is of another run key
 * (`keyAt`, the week's or day's key of an instant), so no later tick runs it. The 23:48 tick fired
 * at 23:47:59.995 is still the 23:48 tick (tickOf), whose next is 00:03.
 */
export function lastTickOf(runKey: string, now: Date, keyAt: (instant: Date) => string): boolean {
  return keyAt(nextTickAfter(now)) !== runKey;
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
