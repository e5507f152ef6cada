import { TZDate } from '@date-fns/tz';
import { addDays } from 'date-fns/addDays';
import { startOfDay } from 'date-fns/startOfDay';
import { startOfISOWeek } from 'date-fns/startOfISOWeek';
import { assertTimeZone, zonedNow } from '../../rules/calendar';

/**
 * When a rep's card goes out: the team's send day (`teamSendAt`, from weeklyRunDue or dailyRunDue, so a
 * public holiday of the team's moves it too) at `hour:minute` on the rep's own clock, in `repTimeZone`
 * (none known: the team's time). The rule, and why: the run (scoring, states, the cards of the reps
 * whose time has come) starts at the team's send time, so every card of the run is planned from the
 * same feed and as-of date and a rep ahead of the team gets theirs then, never earlier; a rep whose
 * clock is behind gets theirs at their own send time, later. The team's zone is best the earliest of
 * its reps'. A card is one `period`'s (the team's ISO week, or day for the digest): a rep time past its
 * end (a Sunday send to a rep a day behind) comes at the team's time instead.
 */
export function repSendAt(
  teamSendAt: Date,
  cfg: { timeZone: string; hour: number; minute: number },
  repTimeZone: string | null | undefined,
  period: 'week' | 'day' = 'week',
): Date {
  if (!repTimeZone || repTimeZone === cfg.timeZone) return teamSendAt;
  const team = zonedNow(teamSendAt, cfg.timeZone);
  assertTimeZone(repTimeZone);
  // The team's calendar date, at the send time in the rep's zone (TZDate keeps DST in that zone).
  const own = new TZDate(
    team.getFullYear(),
    team.getMonth(),
    team.getDate(),
    cfg.hour,
    cfg.minute,
    repTimeZone,
  );
  const end = period === 'week' ? addDays(startOfISOWeek(team), 7) : addDays(startOfDay(team), 1);
  if (own.getTime() <= teamSendAt.getTime() || own.getTime() >= end.getTime()) return teamSendAt;
  return new Date(own.getTime());
}
