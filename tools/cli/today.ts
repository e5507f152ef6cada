/** Today's date (`YYYY-MM-DD`) in an IANA zone, or the machine's own zone when none is given. */
export function todayIn(timeZone: string | undefined, now = new Date()): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}
