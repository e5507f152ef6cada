import { z } from 'zod';
import { DEFAULT_WORKING_DAYS } from '../../rules/rulesSchema';

/** ISO weekdays, 1 = Monday ... 7 = Sunday. */
const isoWeekdays = z.array(z.number().int().min(1).max(7)).min(1);

/**
 * A team's public holiday calendar (HOLIDAYS, e.g. `GB-ENG`) and working weekdays (the rules file's
 * followUps.workingDays, Monday to Friday when not given); no calendar: every working weekday is worked.
 */
export const workingCalendarSchema = z.object({
  holidays: z.string().min(1).nullable().optional(),
  workingDays: isoWeekdays.default(DEFAULT_WORKING_DAYS),
});

/**
 * When the weekly card goes out, in the team's local time. `weekday` is ISO: 1 = Monday ... 7 = Sunday.
 * On a public holiday of `holidays` it moves to the next working day (weeklyRunDue).
 */
export const weeklyScheduleSchema = z.object({
  timeZone: z.string().min(1),
  weekday: z.number().int().min(1).max(7),
  hour: z.number().int().min(0).max(23),
  minute: z.number().int().min(0).max(59),
  ...workingCalendarSchema.shape,
});
export type WeeklySchedule = z.input<typeof weeklyScheduleSchema>;

/**
 * When the monthly summary goes out: the 1st of each month at `hour:minute` local; on a 1st that is
 * a public holiday of `holidays`, the next working day (monthlyRunDue).
 */
export const monthlyScheduleSchema = z.object({
  timeZone: z.string().min(1),
  hour: z.number().int().min(0).max(23),
  minute: z.number().int().min(0).max(59),
  ...workingCalendarSchema.shape,
});
export type MonthlySchedule = z.input<typeof monthlyScheduleSchema>;
