import { z } from 'zod';
import { MONTH_KEY } from '../../rules/calendar';
import { DEFAULT_SILENT_AFTER_DAYS } from '../../rules/rulesSchema';
import { RECHURN_WINDOW_DAYS } from './computeMonthlySummary';

/**
 * The monthly summary as computed from the audit trail: the typed data the summary card, the bot's
 * `summary` command and the CLI all render. Counts are button taps net of undos.
 */

const count = z.number().int().nonnegative();
const money = z.number().finite().nonnegative();
const share = z.number().min(0).max(1);

const lossSchema = z.object({
  /** The rules file's reason code (`price`, `went_quiet`...). */
  code: z.string(),
  label: z.string(),
  count: count.min(1),
  /** count / all losses. */
  share,
});

const repSchema = z.object({
  /** The feed's owner (email/UPN): the rep the customer belongs to, whoever tapped. */
  owner: z.string(),
  /** Display name when the rep installed the app, else the owner. */
  name: z.string(),
  /** Distinct customers of this rep put on a list. */
  surfaced: count,
  reachedOut: count,
  wonBack: count,
  lost: count,
  /** Monthly revenue won back. */
  valueWonBack: money,
  /** Orders of one-visit customers won back: one-offs said apart, as the month's figures are. */
  secondOrderValue: money,
});

const reChurnCustomerSchema = z.object({
  customerId: z.string(),
  name: z.string(),
  owner: z.string(),
  /** Local date of the save that did not last. */
  wonBackOn: z.string(),
  /** Local date they were flagged at risk again (surfaced or held out). */
  atRiskAgainOn: z.string(),
  /**
   * Whether they ordered from the save's day on, before that flag (from the order feed): false is a
   * save that never held. Null when not known (no feed; summaries made before it was recorded).
   */
  orderedSince: z.boolean().nullable().default(null),
});

const armSchema = z.object({
  customers: count,
  /** Customers of the arm who ordered again after they were selected (from the order feed). */
  cameBack: count,
  rate: share.nullable(),
});

const holdoutSchema = z.object({
  /** Distinct customers kept off the lists at random this month (held_out rows). */
  heldOut: count,
  /** Distinct customers put on a list this month. */
  listed: count,
  /** Customers whose first row this month put them in one arm and a later row in the other (counted in the first). */
  crossovers: count,
  /** Same measure on both arms; null when the order feed was not available to the summary. */
  comparison: z
    .object({
      heldOut: armSchema,
      listed: armSchema,
      /** listed.rate - heldOut.rate, in percentage points; null when either rate is. */
      liftPoints: z.number().nullable(),
      /** The feed date the outcomes were read up to. */
      asOf: z.string(),
    })
    .nullable(),
  /** One plain sentence for the card and the terminal. */
  text: z.string(),
});

const followUpsSchema = z.object({
  /** Digest rows sent this month (follow_up rows). */
  sent: count,
  /** Of them, rows a rep acted on from the digest (a standing tap on that row of that card). */
  actedOn: count,
  /** Distinct customers a rep reached out to this month... */
  reachedOut: count,
  /** ...and of those, how many were won back after it (this month or later). */
  reachedOutThenWonBack: count,
  /** Median days from the reach-out to the save, over this month's saves that followed one. */
  medianDaysReachedOutToWonBack: z.number().nonnegative().nullable(),
  /** The saves in that median. */
  savesAfterReachOut: count,
  /** Lost, went quiet, at least followUps.silentAfterDays after the last reach-out... */
  lostAfterSilence: count,
  /** ...of which the product marked itself (followUps.autoLoseAfterDays). */
  lostAfterSilenceAutomatically: count,
  /** The followUps.silentAfterDays those were counted with, for the card to say. */
  silentAfterDays: z.number().int().positive().default(DEFAULT_SILENT_AFTER_DAYS),
});

const heldCheckSchema = z.object({ days: count, held: count, of: count });

/** Saves that hold, from the order feed: null when the summary had no feed. */
const savesHeldSchema = z.object({
  /** The feed date the checks were read as of. */
  asOf: z.string(),
  /** Won-back customers checked (still active, in the feed). */
  saves: count,
  /** Per check day (followUps.heldCheckDays): saves past it, and how many were ordering at their rhythm then. */
  checks: z.array(heldCheckSchema),
  /** Monthly value recorded with those saves... */
  valueRecorded: money,
  /** ...and the orders recorded with saves of one-visit customers: one order's worth each, not monthly. */
  valueRecordedSecondOrder: money.default(0),
  /** ...and what those customers actually ordered since their saves. */
  valueRetained: money,
});

export const monthlySummarySchema = z.object({
  /** `YYYY-MM`. */
  month: z.string().regex(MONTH_KEY),
  /** `November 2026`. */
  monthTitle: z.string(),
  currency: z.string().length(3),
  locale: z.string().min(2),
  /** No counted row at all this month (after undos). */
  isEmpty: z.boolean(),
  headline: z.string(),
  saves: count,
  customersWonBack: count,
  /** Monthly value of the saves of customers with a monthly value. */
  recoveredValue: money,
  /** What the saves of one-visit customers were worth: one order each, not monthly revenue. */
  secondOrderValue: money.default(0),
  surfaced: count,
  reachedOut: count,
  lost: count,
  /** Customers flagged this month and won back after the flag / customers flagged this month; null when nobody was flagged. */
  winBackRate: z.number().min(0).max(1).nullable(),
  /** Saves of the month outside that cohort (customers flagged in an earlier month): said beside the rate. */
  savesOfEarlierFlags: count.default(0),
  /**
   * Saves of customers on the rep's list below the card's rows at the time (read on a `list` page,
   * never flagged on a card): said apart, so a manager does not read them as saves the lists missed.
   */
  savesFurtherDown: count.default(0),
  /**
   * Saves of customers no list had flagged or listed at the time (a save recorded from the tab of a
   * customer the lists never named in that slip): said apart, not as "flagged earlier".
   */
  savesNotFlagged: count.default(0),
  medianDaysToWinBack: z.number().nonnegative().nullable(),
  /** Saves whose surfacing date was known (the median's sample size). */
  winBacksTimed: count,
  losses: z.array(lossSchema),
  hints: z.array(z.string()),
  reps: z.array(repSchema),
  /**
   * Days from a save to a new flag that count as re-churn (the rules' cool-down and weeks after it,
   * at least 90); summaries made before it was recorded used 90.
   */
  reChurnWindowDays: z.number().int().positive().default(RECHURN_WINDOW_DAYS),
  reChurn: z.array(reChurnCustomerSchema),
  holdout: holdoutSchema.nullable(),
  /** Action rows of the month cancelled by an undo (shown, so the netting is visible). */
  undone: count,
  /** Customers flagged only on cards that were never delivered (the rep had no chat, or the send failed): not counted. */
  notDelivered: count.default(0),
  followUps: followUpsSchema,
  savesHeld: savesHeldSchema.nullable(),
});

export type MonthlySummary = z.infer<typeof monthlySummarySchema>;
export type LossShare = z.infer<typeof lossSchema>;
export type RepFigures = z.infer<typeof repSchema>;
export type ReChurnCustomer = z.infer<typeof reChurnCustomerSchema>;
export type HoldoutFigures = z.infer<typeof holdoutSchema>;
export type FollowUpFigures = z.infer<typeof followUpsSchema>;
export type SavesHeld = z.infer<typeof savesHeldSchema>;
