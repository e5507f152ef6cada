import { format, getISODay, isBefore, set, subDays } from 'date-fns';
import { z } from 'zod';
import { zonedNow } from '../../rules/calendar';
import type { RunDecision } from './runDecision';

/** When the daily follow-ups go out: `hour:minute` local on the ISO `workingDays` (1 = Monday ... 7 = Sunday). */
export const dailyScheduleSchema = z.object({
  timeZone: z.string().min(1),
  hour: z.number().int().min(0).max(23),
  minute: z.number().int().min(0).max(59),
  workingDays: z.array(z.number().int().min(1).max(7)).min(1),
});
export type DailySchedule = z.infer<typeof dailyScheduleSchema>;

/** Run key of a local calendar day, e.g. `daily-2026-11-27`. */
export function dailyRunKey(local: Date): string {
  return `daily-${format(local, 'yyyy-MM-dd')}`;
}

/** What a tick decides for the daily run: a weekly-style decision, plus the previous working day. */
export type DailyRunDecision =
  | (RunDecision & { due: true; previousWorkingDay: string })
  | (
      | Exclude<RunDecision, { due: true }>
      | { due: false; reason: 'not_a_working_day'; runKey: string; scheduledAt: Date }
    );

/**
 * Decides on a timer tick whether today's follow-up run is due: a working day, at or after the send
 * time local to the zone (the run ledger keeps it to one run a day). `previousWorkingDay` is the last
 * working day before today: what fell due since then (a weekend) goes out today.
 */
export function dailyRunDue(now: Date, cfg: DailySchedule): DailyRunDecision {
  const { timeZone, hour, minute, workingDays } = dailyScheduleSchema.parse(cfg);
  const local = zonedNow(now, timeZone);
  const scheduledAt = set(local, { hours: hour, minutes: minute, seconds: 0, milliseconds: 0 });
  const runKey = dailyRunKey(local);
  if (!workingDays.includes(getISODay(local)))
    return { due: false, reason: 'not_a_working_day', runKey, scheduledAt };
  if (isBefore(local, scheduledAt)) return { due: false, reason: 'before_send_time', runKey, scheduledAt };
  return {
    due: true,
    runKey,
    localDate: format(local, 'yyyy-MM-dd'),
    scheduledAt,
    previousWorkingDay: previousWorkingDay(local, workingDays),
  };
}

/** The last working day before `local`'s date (`YYYY-MM-DD`), at most a week back. */
export function previousWorkingDay(local: Date, workingDays: readonly number[]): string {
  for (let back = 1; back <= 7; back++) {
    const day = subDays(local, back);
    if (workingDays.includes(getISODay(day))) return format(day, 'yyyy-MM-dd');
  }
  return format(subDays(local, 7), 'yyyy-MM-dd');
}
