import type { CustomerOutcome, LossReasonChoice } from './cardModels';

/** The most rows one digest shows; the rest wait for a later day (they stay due). */
export const MAX_DIGEST_ROWS = 25;

/**
 * Why a customer is on today's digest. Dates are `YYYY-MM-DD` in the team's time zone.
 * - no_order: reached out `days` ago (a step of the rules file), no order since;
 * - ordered: ordered after the rep reached out: record the save?
 * - silent: no order `days` after the contact: mark lost, went quiet?
 * - save_slipping: won back within the cool-down, late against their rhythm again.
 */
export type FollowUpReason =
  | { kind: 'no_order'; contactOn: string; days: number }
  | { kind: 'ordered'; contactOn: string; orderOn: string; amount: number }
  | { kind: 'silent'; contactOn: string; days: number }
  | { kind: 'save_slipping'; wonBackOn: string; daysSinceOrder: number; cadenceDays: number };

/** One row of the digest: a customer, why they are here, and what the rep did about it. */
export interface DigestRow {
  customerId: string;
  name: string;
  /** Value per month, in `currency`; prefills the Won back amount. */
  monthlyValue: number;
  reason: FollowUpReason;
  /** Warnings, e.g. "Won back twice this year: no discount". */
  flags?: string[];
  outcome?: CustomerOutcome | null;
}

/** Everything one rep's daily digest shows. */
export interface DigestCardData {
  kind: 'digest';
  /** The day's run key, e.g. `daily-2026-11-27`; it goes back to the bot in every submit. */
  runKey: string;
  rows: DigestRow[];
  lossReasons: LossReasonChoice[];
  /** The loss reason the silent rows' one-tap Lost records (the rules file's "went quiet"). */
  quietReason: string;
  /** ISO 4217; default USD. */
  currency?: string;
  /** BCP 47; default en-US. */
  locale?: string;
  noteMaxLength?: number;
}
