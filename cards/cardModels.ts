import type { Band } from '../rules/customerState';

/** The most customers one weekly card lists; the rest are summarised as "+N more, type list". */
export const MAX_CARD_CUSTOMERS = 25;
/** Longest customer name, reason and play shown; longer text is cut with an ellipsis to bound the card's size. */
export const MAX_NAME_CHARS = 80;
export const MAX_REASON_CHARS = 160;
export const MAX_PLAY_CHARS = 200;
/** The card shows the top reasons only. */
export const MAX_REASONS_SHOWN = 3;
/** Default bound on the Lost note (the bot must enforce its own bound too: a forged submit ignores this). */
export const DEFAULT_NOTE_MAX_LENGTH = 500;

/** What a rep already did about a customer: the row then shows this and an Undo button instead of the actions. */
export type CustomerOutcome =
  | { kind: 'reached_out'; by: string; at: string }
  | { kind: 'won_back'; by: string; at: string; value: number }
  | { kind: 'lost'; by: string; at: string; reason: string; note?: string | null };

/** One customer row of the weekly card. Dates are `YYYY-MM-DD` in the team's time zone. */
export interface WeeklyCardCustomer {
  customerId: string;
  name: string;
  band: Band;
  score: number;
  /** Value per month, in `currency`. Prefills the Won back amount. */
  monthlyValue: number;
  /** Plain-word reasons, most important first; the card shows up to three. */
  reasons: string[];
  /** The chance of no order and when the next order was due, in words ("3 in 4 chance of no order in the next 90 days; expected by Tue 24 Nov"). */
  outlook?: string;
  /** The suggested play (VIP care, a time-bound offer...). */
  play: string;
  outcome?: CustomerOutcome | null;
}

/** A loss reason the Lost picker offers: `value` is what the bot receives, `title` what the rep sees. */
export interface LossReasonChoice {
  value: string;
  title: string;
}

/** Everything the weekly card shows to one rep. */
export interface WeeklyCardData {
  /** The week's run key, e.g. `weekly-2026-W48`; it goes back to the bot in every submit. */
  runKey: string;
  /** The rows to show (at most MAX_CARD_CUSTOMERS), in display order. */
  customers: WeeklyCardCustomer[];
  /** Customers on the rep's list beyond the rows shown: counted in the header, listed by the `list` command. */
  overflow?: { count: number; monthlyValue: number };
  lossReasons: LossReasonChoice[];
  /** ISO 4217 code for money; default USD. */
  currency?: string;
  /** BCP 47 locale for numbers and dates; default en-US. */
  locale?: string;
  noteMaxLength?: number;
}

/** The actions a card button sends. */
export type CardAction = 'reached_out' | 'won_back' | 'lost' | 'undo';
