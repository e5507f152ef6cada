import { endOfSentence } from '../../cards/format';
import { formatDateNear } from '../../rules/calendar';
import type { CustomerState } from '../../rules/customerState';
import type { LossReason } from './actionTypes';

/** The label of a loss reason code, or the code itself when the rules no longer list it. */
export function lossReasonLabel(code: string, reasons: readonly LossReason[]): string {
  return reasons.find((r) => r.code === code)?.label ?? code;
}

/**
 * True when the customer was won back in the current slip cycle: `wonBackAt` is set and the weekly
 * run has not listed them again since (won back clears `surfacedAt`; a new slip sets it anew, or
 * only `listedAt` for a row past the card, which is not flagged), nor has a rep reached out since
 * (won back clears `lastContact`, and a call is refused in the save's cycle: one since was made on a
 * later listing, whose `listedAt` an order then cleared).
 */
export function wonBackThisCycle(state: CustomerState): boolean {
  const saved = state.wonBackAt;
  if (saved === null) return false;
  return [state.surfacedAt, state.listedAt, state.lastContact].every((d) => d === null || d <= saved);
}

/**
 * Why a card action on this customer would contradict what is already recorded (lost, or won back
 * in this cycle), in words; null when the card is not stale. A loss can be years old: its date
 * carries the year when it is not the year of `today` (`YYYY-MM-DD`, the team's). `showText` puts the
 * customer's name and the reason into the words (escaped for the bot's chat; as typed by default).
 */
export function staleReason(
  state: CustomerState,
  reasons: readonly LossReason[],
  today: string,
  locale = 'en-US',
  showText: (text: string) => string = (text) => text,
): string | null {
  const date = (isoDate: string) => formatDateNear(isoDate, today, locale);
  const name = showText(state.name);
  if (state.status === 'lost') {
    // A stored code the rules no longer list is shown as it was stored: escaped like the name.
    const reason = state.lostReason
      ? showText(lossReasonLabel(state.lostReason, reasons))
      : 'no reason given';
    const words = state.lostAt ? `${reason}, on ${date(state.lostAt)}` : reason;
    return `${name} is already marked lost (${words}).`;
  }
  if (wonBackThisCycle(state) && state.wonBackAt !== null)
    return `${name} was already won back on ${endOfSentence(date(state.wonBackAt))}`;
  return null;
}
