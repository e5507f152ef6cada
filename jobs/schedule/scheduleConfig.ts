import { z } from 'zod';
import { DEFAULT_WORKING_DAYS } from '../../rules/rulesSchema';

/** ISO weekdays, 1 = Monday ... 7 = Sunday. */
const isoWeekdays = z.array(z.number().int().min(1).max(7)).min(1);

/** Days from `from` to `to`, both `YYYY-MM-DD` and both included (one day: the same twice). */
export const dayRangeSchema = z.object({ from: z.string(), to: z.string() });
export type DayRange = z.infer<typeof dayRangeSchema>;

/**
 * The team's days off besides its weekdays off: a public holiday calendar (HOLIDAYS, e.g. `GB-ENG`),
 * the holidays of it the team works all the same, by name (HOLIDAYS_WORKED), and its own closed
 * days (CLOSED_DAYS). None of them: every working weekday is worked.
 */
const daysOffSchema = z.object({
  holidays: z.string().min(1).nullable().optional(),
  holidaysWorked: z.array(z.string()).readonly().default([]),
  closedDays: z.array(dayRangeSchema).readonly().default([]),
});
export type DaysOff = z.input<typeof daysOffSchema>;
/** The days-off settings as the app holds them once read, every list given. */
export type DaysOffSettings = z.output<typeof daysOffSchema>;

/** A team's days off (daysOffSchema) and working weekdays (the rules file's followUps.workingDays, Monday to Friday when not given). */
export const workingCalendarSchema = z.object({
  ...daysOffSchema.shape,
  workingDays: isoWeekdays.default(DEFAULT_WORKING_DAYS),
});
export type WorkingCalendar = z.output<typeof workingCalendarSchema>;

/** The days-off settings of a run's config, for its schedule. */
export function daysOffOf(config: DaysOff): DaysOff {
  const { holidays, holidaysWorked, closedDays } = config;
  return { holidays, holidaysWorked, closedDays };
}

/**
 * When the weekly card goes out, in the team's local time. `weekday` is ISO: 1 = Monday ... 7 = Sunday.
 * On a day off of the team's (a public holiday of `holidays` not worked, a closed day) it moves to
 * the next working day (weeklyRunDue).
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
 * a public holiday of `holidays` (not worked) or a closed day, the next working day (monthlyRunDue).
 */
export const monthlyScheduleSchema = z.object({
  timeZone: z.string().min(1),
  hour: z.number().int().min(0).max(23),
  minute: z.number().int().min(0).max(59),
  ...workingCalendarSchema.shape,
});
export type MonthlySchedule = z.input<typeof monthlyScheduleSchema>;
