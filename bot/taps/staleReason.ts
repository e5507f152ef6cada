import { formatShortDate } from '../../rules/calendar';
import type { CustomerState } from '../../rules/customerState';
import type { LossReason } from './actionTypes';

/** The label of a loss reason code, or the code itself when the rules no longer list it. */
export function lossReasonLabel(code: string, reasons: readonly LossReason[]): string {
  return reasons.find((r) => r.code === code)?.label ?? code;
}

/**
 * True when the customer was won back in the current slip cycle: `wonBackAt` is set and the weekly
 * run has not surfaced them again since (won back clears `surfacedAt`; a new slip sets it anew).
 */
export function wonBackThisCycle(state: CustomerState): boolean {
  if (state.wonBackAt === null) return false;
  return state.surfacedAt === null || state.surfacedAt <= state.wonBackAt;
}

/**
 * Why a card action on this customer would contradict what is already recorded (lost, or won back
 * in this cycle), in words; null when the card is not stale.
 */
export function staleReason(
  state: CustomerState,
  reasons: readonly LossReason[],
  locale = 'en-US',
): string | null {
  if (state.status === 'lost')
    return `${state.name} is already marked lost (${lostWords(state, reasons, locale)}).`;
  if (wonBackThisCycle(state) && state.wonBackAt !== null)
    return `${state.name} was already won back on ${formatShortDate(state.wonBackAt, locale)}.`;
  return null;
}

function lostWords(state: CustomerState, reasons: readonly LossReason[], locale: string): string {
  const reason = state.lostReason ? lossReasonLabel(state.lostReason, reasons) : 'no reason given';
  return state.lostAt ? `${reason}, on ${formatShortDate(state.lostAt, locale)}` : reason;
}
