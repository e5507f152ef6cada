import { endOfSentence } from '../../cards/format';
import { formatDateNear, formatTimeOfDay, localDate } from '../../rules/calendar';
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
 * What a reply needs to word a date as the cards do: the team's zone and the locale, and the team's
 * `today` (`YYYY-MM-DD`), so an action from another year carries its year (an undo of last
 * November's save is not "on Tue 24 Nov"). A DecisionContext is one.
 */
export interface DateWording {
  timeZone: string;
  locale?: string;
  today: string;
  /**
   * How text from the feed or from people (customer names, reps' names) is put into the words. The
   * bot's chat renders markdown, so it escapes them (`chatSafe`); missing, they go in as typed, as
   * the tab needs: it shows its messages as text, where an escape would show as a backslash.
   */
  showText?: (text: string) => string;
}

/** The DateWording of the instant `now`. */
export function dateWording(
  now: Date,
  timeZone: string,
  locale?: string,
  showText?: (text: string) => string,
): DateWording {
  return { timeZone, locale, today: localDate(now, timeZone), ...(showText ? { showText } : {}) };
}

/** Feed or user text as `wording` puts it into words (see DateWording's `showText`). */
export function userText(text: string, wording: Pick<DateWording, 'showText'>): string {
  return wording.showText ? wording.showText(text) : text;
}

/**
 * How a refused Won back or Lost ends: naming the customer, so a rep with several rows' boxes open
 * knows which one was refused.
 */
export function nothingRecordedOn(customerName: string, wording: Pick<DateWording, 'showText'>): string {
  return `Nothing was recorded on ${userText(customerName, wording)}.`;
}

/** The team's day of an instant, as the cards word dates: `Tue 24 Nov`, or `Tue 24 Nov 2025` from another year. */
export function dayWords(at: string, wording: DateWording): string {
  return formatDateNear(localDate(at, wording.timeZone), wording.today, wording.locale);
}

/** An instant in the team's words, day and time of day: `Mon 23 Nov at 10:03 AM`. */
export function dayAndTimeWords(at: string, wording: DateWording): string {
  return `${dayWords(at, wording)} at ${formatTimeOfDay(at, wording.timeZone, wording.locale)}`;
}

/** An audit row's action in words, with its day as the cards word dates, e.g. `"won back" on Tue 24 Nov`. */
export function actionWords(row: Pick<AuditRow, 'action' | 'at'>, wording: DateWording): string {
  return `${WORDS[row.action]} on ${dayWords(row.at, wording)}`;
}

/** An action name in words, without a date (`"won back"`). */
export function actionName(action: AuditRow['action']): string {
  return WORDS[action];
}

/** The action's name without the quotes a sentence puts around a button's name ("reached out"). */
export function plainActionName(action: AuditRow['action']): string {
  return WORDS[action].replace(/"/g, '');
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
  wording: DateWording,
): string {
  const { row, by } = result;
  const who = by
    ? by.actorId === viewerId
      ? 'You'
      : userText(by.actorName.trim(), wording) || 'Someone else'
    : null;
  const name = userText(row.customerName, wording);
  if (by && result.same) {
    return `${who} already marked ${name} ${actionName(by.action)} at ${clockTime(by.at, wording.timeZone)}. Nothing was changed.`;
  }
  const since = by
    ? `since then ${who} recorded ${actionWords(by, wording)}`
    : `someone else changed ${name} since`;
  return `${name} was not marked ${actionName(row.action)}: ${endOfSentence(since)} Nothing was changed.`;
}
