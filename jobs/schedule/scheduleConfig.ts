import { z } from 'zod';

/** When the weekly card goes out, in the team's local time. `weekday` is ISO: 1 = Monday ... 7 = Sunday. */
export const weeklyScheduleSchema = z.object({
  timeZone: z.string().min(1),
  weekday: z.number().int().min(1).max(7),
  hour: z.number().int().min(0).max(23),
  minute: z.number().int().min(0).max(59),
});
export type WeeklySchedule = z.infer<typeof weeklyScheduleSchema>;

/** When the monthly summary goes out: the 1st of each month at `hour:minute` local. */
export const monthlyScheduleSchema = z.object({
  timeZone: z.string().min(1),
  hour: z.number().int().min(0).max(23),
  minute: z.number().int().min(0).max(59),
});
export type MonthlySchedule = z.infer<typeof monthlyScheduleSchema>;
