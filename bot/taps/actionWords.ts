import { formatShortDate, localDate } from '../../rules/calendar';
import type { AuditRow } from '../../storage/auditRow';

const WORDS: Record<AuditRow['action'], string> = {
  surfaced: 'put on a list',
  held_out: 'held out',
  reached_out: '"reached out"',
  won_back: '"won back"',
  lost: '"lost"',
  snoozed: '"snooze a week"',
  follow_up: 'a follow-up',
  undo: 'an undo',
};

/**
 * An audit row's action in words, with its date in the team's zone worded as the cards word dates,
 * e.g. `"won back" on Tue 24 Nov`.
 */
export function actionWords(
  row: Pick<AuditRow, 'action' | 'at'>,
  timeZone = 'UTC',
  locale = 'en-US',
): string {
  return `${WORDS[row.action]} on ${formatShortDate(localDate(row.at, timeZone), locale)}`;
}

/** An action name in words, without a date (`"won back"`). */
export function actionName(action: AuditRow['action']): string {
  return WORDS[action];
}

const clockTimes = new Map<string, Intl.DateTimeFormat>();

/** `HH:MM` of an instant on the team's clock. */
function clockTime(at: string, timeZone: string): string {
  let format = clockTimes.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone,
    });
    clockTimes.set(timeZone, format);
  }
  return format.format(new Date(at));
}

/**
 * What the person is told when their action was cancelled instead of recorded: someone made the same
 * change first (`same`), or acted on the customer after the action was recorded but before it reached
 * the state. `viewerId` is who reads it ("You" when the other row is theirs).
 */
export function supersededWords(
  result: { row: Pick<AuditRow, 'action' | 'customerName'>; by: AuditRow | null; same: boolean },
  viewerId: string,
  timeZone = 'UTC',
  locale = 'en-US',
): string {
  const { row, by } = result;
  const who = by ? (by.actorId === viewerId ? 'You' : by.actorName.trim() || 'Someone else') : null;
  if (by && result.same) {
    return `${who} already marked ${row.customerName} ${actionName(by.action)} at ${clockTime(by.at, timeZone)}. Nothing was changed.`;
  }
  const since = by
    ? `since then ${who} recorded ${actionWords(by, timeZone, locale)}`
    : `someone else changed ${row.customerName} since`;
  return `${row.customerName} was not marked ${actionName(row.action)}: ${since}. Nothing was changed.`;
}
