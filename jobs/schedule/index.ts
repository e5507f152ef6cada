export {
  type CatchUpWindow,
  catchUpDays,
  catchUpLimit,
  catchUpWindow,
  type DailyRunDecision,
  type DailySchedule,
  dailyRunDue,
  dailyRunKey,
  dailyRunKeyOfDay,
  dailyScheduleSchema,
  dayOfDailyRunKey,
  MAX_CATCH_UP_DAYS,
} from './dailyRunDue';
export { teamWorksOn } from './holidays';
export { monthlyRunDue, monthlyRunKey, summarisedMonth } from './monthlyRunDue';
export { repSendAt } from './repSendAt';
export type { RunDecision } from './runDecision';
export {
  type DayRange,
  type DaysOff,
  daysOffOf,
  type MonthlySchedule,
  monthlyScheduleSchema,
  type WeeklySchedule,
  weeklyScheduleSchema,
} from './scheduleConfig';
export {
  MONTHLY_TICK_MINUTES,
  MONTHLY_TIMER_NCRONTAB,
  quarterHourNcrontab,
  quarterHourTicks,
  WEEKLY_TICK_MINUTES,
  WEEKLY_TIMER_NCRONTAB,
} from './timerSchedule';
export {
  type WeeklyRunDecision,
  weeklyRunDue,
  weeklyRunKey,
  weeklyRunKeyOfDay,
  weeklyRunKeyWeeksBefore,
} from './weeklyRunDue';
