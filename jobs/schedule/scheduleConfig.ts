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

/** The product's defaults: Monday 08:03 for the weekly card, the 1st at 09:00 for the summary. */
export const DEFAULT_WEEKLY_SEND = { weekday: 1, hour: 8, minute: 3 } as const;
export const DEFAULT_MONTHLY_SEND = { hour: 9, minute: 0 } as const;
