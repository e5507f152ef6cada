import { format } from 'date-fns';
import { zonedNow } from '../../jobs/schedule/timeZone';

/** The calendar date (`YYYY-MM-DD`) of an instant in an IANA time zone: "today" for the team. */
export function localDateOf(instant: Date | string, timeZone: string): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  return format(zonedNow(date, timeZone), 'yyyy-MM-dd');
}

/** The month (`YYYY-MM`) before the one containing `instant` in the time zone: the summary's month. */
export function previousMonthOf(instant: Date, timeZone: string): string {
  const [year, month] = localDateOf(instant, timeZone).split('-').map(Number);
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}
