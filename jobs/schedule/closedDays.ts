import { isCalendarDate } from '../../rules/calendar';
import type { DayRange } from './scheduleConfig';

/** What the CLOSED_DAYS setting read as: its days, or why parts of it are not days, in words. */
export type ClosedDaysSetting = { ok: true; days: DayRange[] } | { ok: false; problems: string[] };

/**
 * Reads CLOSED_DAYS, the team's own days off: comma-separated `YYYY-MM-DD` days and inclusive
 * `YYYY-MM-DD..YYYY-MM-DD` ranges (`2026-12-24..2026-12-31, 2027-03-15`). Every part that is no
 * real date, or a range that runs backwards, is a problem named with the part as written.
 */
export function parseClosedDays(setting: string): ClosedDaysSetting {
  const days: DayRange[] = [];
  const problems: string[] = [];
  for (const part of setting.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const [from, to = from, ...more] = part.split('..').map((d) => d.trim());
    const notDates = [from, to].filter((d) => !isCalendarDate(d));
    if (more.length > 0 || notDates.length > 0) {
      problems.push(
        `"${part}" is not a day (YYYY-MM-DD) nor a range of days (YYYY-MM-DD..YYYY-MM-DD), e.g. CLOSED_DAYS=2026-12-24..2026-12-31,2027-03-15`,
      );
    } else if (to < from) {
      problems.push(`"${part}" runs backwards: the first day comes first (${to}..${from})`);
    } else {
      days.push({ from, to });
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, days };
}
