import type { Band, ValueKind } from '../rules/customerState';
import type { ListChange } from '../rules/listChanges';
import type { Segment } from '../rules/segments';

export type { ListChange, ValueKind };

/** An Adaptive Card as JSON, as the templates expand it. */
export type CardJson = Record<string, unknown>;

/** The most customers one weekly card lists; the rest are summarised as "+N more" with a next page. */
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
  /** `valueKind` second_order: the value is a one-off order's, not monthly revenue (missing: monthly). */
  | { kind: 'won_back'; by: string; at: string; value: number; valueKind?: ValueKind }
  | { kind: 'lost'; by: string; at: string; reason: string; note?: string | null }
  | { kind: 'snoozed'; by: string; at: string; until: string };

/**
 * The action a row shows, as its Undo button carries it (`shown`): kind, who, which day, and the value,
 * reason or snooze end (not the Lost note, which may be long). A card Teams was not able to bring up to
 * date still shows an older action than its stored data: its Undo is decided on what the rep saw.
 */
export function outcomeKey(o: CustomerOutcome): string {
  const rest =
    o.kind === 'won_back'
      ? `${o.value}|${o.valueKind ?? 'monthly'}`
      : o.kind === 'lost'
        ? o.reason
        : o.kind === 'snoozed'
          ? o.until
          : '';
  return `${o.kind}|${o.at}|${rest}|${o.by}`;
}

/**
 * Longest `shown` an Undo submit is read with (outcomeKey: an audit row's actor name, up to 1,000
 * characters, and a reason of up to 100, a day and a kind); a longer one is read as missing.
 */
export const MAX_SHOWN_CHARS = 1_200;

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
  /** When the next order was due at the customer's own pace, in words ("expected by Tue 24 Nov", "was due Mon 21 Sep"). */
  outlook?: string;
  /** The suggested play (VIP care, a time-bound offer...), with its days when the plan table gives them. */
  play: string;
  /** Warnings shown on the row, e.g. "Won back twice this year: no discount". */
  flags?: string[];
  outcome?: CustomerOutcome | null;
  /**
   * Set when the card's reader may not undo the outcome: who may (a name), said in place of the Undo.
   * Absent: the reader may.
   */
  undoLeftTo?: string;
  /** The kind of name; rows saved before the kinds existed have none and show the band instead. */
  segment?: Segment;
  /** `second_order`: monthlyValue is what another order of a one-visit customer is worth, not a monthly figure. */
  valueKind?: ValueKind;
  /** Chance (0-1) of no order in `horizonDays`. */
  noOrder?: { probability: number; horizonDays: number };
  /** Value times the chance of no order; the header sums it. */
  valueAtRisk?: number;
  change?: ListChange | null;
}

/** A customer who left the list since last week by ordering again. */
export interface BackOnTrack {
  name: string;
  /** `YYYY-MM-DD` of the order. */
  orderedOn: string;
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
  /** Everyone on the rep's list by kind, before the cap: the header's counts. */
  counts?: Record<Segment, number>;
  /**
   * Which page of the rep's list this card is (1 = the week's list); `pageCount` pages in all;
   * the next page starts at row `nextStart` of the list and shows `nextCount` rows (pages hold as
   * many rows as fit the card's size).
   */
  page?: { number: number; pageCount: number; nextStart?: number; nextCount?: number };
  /** Customers who left the list since last week by ordering again: one line. */
  backOnTrack?: BackOnTrack[];
  /**
   * The feed has no order newer than the one last week's cards were made from (`YYYY-MM-DD`: that
   * card's day and the newest order): one line saying so, and no row says "worse".
   */
  feedUnchanged?: { lastCardsOn: string; newestOrder: string };
  /** `weekly`: the Monday card; `list`: the list as of now (the `list` command and its pages). */
  kind?: 'weekly' | 'list';
  /** ISO 4217 code for money; default USD. */
  currency?: string;
  /** BCP 47 locale for numbers and dates; default en-US. */
  locale?: string;
  noteMaxLength?: number;
  /** The Teams app id: when set, each customer's name links to their page in the personal tab. */
  tabAppId?: string;
}
