import type { FollowUpReason } from '../rules/followUps';
import type { CustomerOutcome, LossReasonChoice, ValueKind } from './cardModels';

/**
 * The most rows one digest shows; fewer when long ids and names would take it over the size a card
 * may take (MAX_CARD_BYTES). The rest are counted on the card as "+N more".
 */
export const MAX_DIGEST_ROWS = 15;

export type { FollowUpReason } from '../rules/followUps';

/** One row of the digest: a customer, why they are here, and what the rep did about it. */
export interface DigestRow {
  customerId: string;
  name: string;
  /** Value per month, in `currency`; prefills the Won back amount. */
  monthlyValue: number;
  /** `second_order`: monthlyValue is what another order is worth (a one-visit customer). */
  valueKind?: ValueKind;
  reason: FollowUpReason;
  /**
   * Who reached out, when it was not this rep: the feed moved the customer to them since the call.
   * The row then names the caller instead of saying "you reached out".
   */
  contactBy?: string;
  /** Warnings, e.g. "Won back twice this year: no discount". */
  flags?: string[];
  outcome?: CustomerOutcome | null;
  /** As WeeklyCardCustomer's: who may undo the outcome when the card's reader may not. */
  undoLeftTo?: string;
}

/**
 * What a row is worth: its monthly value, or for a one-visit customer what another order is worth;
 * once that order is in the feed (they ordered after the call), what it came to. The row, its
 * Won back box and the notification's sum all state this one figure.
 */
export function digestRowValue(r: Pick<DigestRow, 'monthlyValue' | 'valueKind' | 'reason'>): number {
  return isOrderRow(r.reason) && r.valueKind === 'second_order' ? r.reason.amount : r.monthlyValue;
}

/** A row whose customer has ordered (after a call, or after being marked lost): the save to record. */
export function isOrderRow(
  reason: FollowUpReason,
): reason is Extract<FollowUpReason, { kind: 'ordered' | 'lost_ordered' }> {
  return reason.kind === 'ordered' || reason.kind === 'lost_ordered';
}

/** Everything one rep's daily digest shows. */
export interface DigestCardData {
  kind: 'digest';
  /** The day's run key, e.g. `daily-2026-11-27`; it goes back to the bot in every submit. */
  runKey: string;
  rows: DigestRow[];
  /** Follow-ups due today past MAX_DIGEST_ROWS (the least urgent): counted, not shown. */
  overflow?: number;
  lossReasons: LossReasonChoice[];
  /** The loss reason the silent rows' one-tap Lost records (the rules file's "went quiet"). */
  quietReason: string;
  /** ISO 4217; default USD. */
  currency?: string;
  /** BCP 47; default en-US. */
  locale?: string;
  noteMaxLength?: number;
}
