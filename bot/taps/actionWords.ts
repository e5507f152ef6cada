import { localDate } from '../../rules/calendar';
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

/** An audit row's action in words, with its date in the team's zone, e.g. `"won back" on 2026-11-24`. */
export function actionWords(row: Pick<AuditRow, 'action' | 'at'>, timeZone = 'UTC'): string {
  return `${WORDS[row.action]} on ${localDate(row.at, timeZone)}`;
}

/** An action name in words, without a date (`"won back"`). */
export function actionName(action: AuditRow['action']): string {
  return WORDS[action];
}
