import { TZDate } from '@date-fns/tz';

// Building an Intl.DateTimeFormat costs far more than the check itself, and a timer asks every tick.
const knownZones = new Set<string>();

/** Throws a clear error unless `timeZone` is an IANA zone this runtime knows (e.g. `America/Chicago`). */
export function assertTimeZone(timeZone: string): void {
  if (knownZones.has(timeZone)) return;
  try {
    // Intl is the runtime's own zone database; TZDate would silently yield an invalid date instead.
    new Intl.DateTimeFormat('en-US', { timeZone });
    knownZones.add(timeZone);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new Error(`Unknown time zone "${timeZone}": expected an IANA zone such as "Europe/London"`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** `now` seen as a wall clock in `timeZone`; date-fns functions then compute in that zone. */
export function zonedNow(now: Date, timeZone: string): TZDate {
  assertTimeZone(timeZone);
  if (Number.isNaN(now.getTime())) throw new Error('Expected a valid `now` date');
  return new TZDate(now.getTime(), timeZone);
}
