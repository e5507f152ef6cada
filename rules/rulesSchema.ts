import { z } from 'zod';
import {
  CUSTOMER_COLUMNS,
  columnMappingSchema,
  ORDER_MAPPED_COLUMNS,
  TICKET_CUSTOMER_COLUMNS,
  TICKET_MAPPED_COLUMNS,
} from './columnMapping';
import { feedFormatsSchema } from './feedFormats';
import { ownerNamesSchema, signInSchema } from './ownerNames';
import { ticketValuesSchema } from './ticketValues';
import { tunedSchema } from './tunedBlock';

/**
 * The rules file: every knob of the scoring, with defaults, so `{}` is a valid rules file. The
 * same defaults are committed as `rules/default-rules.json` (a test keeps the two equal).
 */

const weight = z.number().min(0, 'must be >= 0').max(1000, 'must be <= 1000');
const days = z.number().int('must be a whole number of days').min(1, 'must be >= 1');
// A share is easily typed as the percentage it stands for (60 for 0.6): the message says which it is.
const SHARE_RANGE = 'must be from 0 to 1: a share, not a percentage (0.6 = 60%)';
const share = z.number().min(0, SHARE_RANGE).max(1, SHARE_RANGE);

/**
 * Relative weights of the signals; each signal's points are its share of 100. The cadence model's
 * "no order likely" carries most of the ranking (it pools recency, frequency and age into one
 * probability), with few orders for the time (low frequency) and silence for a large share of the
 * history (recency share) beside it; overdue keeps a regular customer with a habit who goes quiet on
 * the list (the model assumes irregular, Poisson-like ordering and is slow to see that). Set on the
 * backtests of earlier dates than the judged dates of docs/accuracy.md: the signals at 0 ranked
 * worse with weight there; the small trend and ticket weights stay for their reasons on the card.
 * When the model cannot be fitted, its signals' weights drop out and the rule signals share the 100.
 */
const weightsSchema = z
  .strictObject({
    /** Cadence model: chance of no order in the next model.horizonDays (BG/NBD, fitted on the book). */
    noOrderLikely: weight.default(45),
    /** Cadence model: orders expected since the last one at the customer's own pace, none placed. */
    missedOrders: weight.default(0),
    /** Days since the last order against the customer's own cadence (the book's when too few orders). */
    overdue: weight.default(40),
    /** Few orders for the time they have been a customer: chance of no order in a trend window at that pace. */
    lowFrequency: weight.default(20),
    /** A customer who has not had time to form a habit yet. */
    newCustomer: weight.default(0),
    /** Days since the last order against the book's typical gap (catches slow drifts). */
    recency: weight.default(0),
    /** Days since the last order as a share of the time since the first (silent for most of their history). */
    recencyShare: weight.default(10),
    /** Orders in the recent trend window against the prior one. */
    frequencyDrop: weight.default(2),
    /** Order value in the recent trend window against the prior one. */
    valueDrop: weight.default(3),
    /** Negative tickets in the ticket window. */
    sourTickets: weight.default(4),
    /** Tickets still open that were opened in the ticket window. */
    openTickets: weight.default(2),
  })
  .prefault({})
  .refine((w) => Object.values(w).some((v) => v > 0), 'at least one weight must be > 0');

const modelSchema = z
  .strictObject({
    /** Fit the BG/NBD cadence model on the book at each scoring; false = rule signals only. */
    enabled: z.boolean().default(true),
    /** "No order likely" looks this many days ahead. */
    horizonDays: days.default(90),
    /** Fewer customers with history than this: no fit, rule signals only (too little to fit four parameters). */
    minCustomers: z.number().int('must be a whole number').min(1, 'must be >= 1').default(50),
  })
  .prefault({});

const learnSchema = z
  .strictObject({
    /** Fit the book's own model at each scoring and use it where it beats the rules; false = rules only. */
    enabled: z.boolean().default(true),
    /** The model learns "no order in the next N days"; the validation day is N days before the scoring day. */
    horizonDays: days.default(90),
    /** Earlier as-of days the model is fitted on. */
    fitDates: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be >= 1')
      .max(12, 'must be <= 12')
      .default(8),
    /** Days between the fit days. */
    stepDays: days.default(21),
    /**
     * Fit days at the same time of year a year earlier (as-of − 365 and stepDays either side), where the
     * history reaches: a seasonal book then shows the model seasons turning as they turn today. 0 = none.
     */
    yearAgoDates: z
      .number()
      .int('must be a whole number')
      .min(0, 'must be >= 0')
      .max(5, 'must be <= 5')
      .default(3),
    /** Fewer fit rows than this: the rules rank the book. */
    minRows: z.number().int('must be a whole number').min(1, 'must be >= 1').default(300),
    /** Fewer rows of either outcome than this: the rules rank the book. */
    minEvents: z.number().int('must be a whole number').min(1, 'must be >= 1').default(30),
    /** The choice is judged on the active book: customers with an order in the N days before the validation day. */
    activeWithinDays: days.default(90),
    /** The model must beat the rules' AUC on the validation day by this much to be used. */
    margin: z.number().min(0, 'must be >= 0').max(1, 'must be <= 1').default(0.005),
  })
  .prefault({});

const bandsSchema = z
  .strictObject({
    /** Score from which a customer of no kind of name (on time, too new) is on watch rather than steady. */
    watch: z.number().min(0, 'must be >= 0').max(100, 'must be <= 100').default(15),
    /**
     * Read by nothing: a kind of name is at risk by its chance of no order (lists.minNoOrderProbability).
     * Kept, and not checked against watch, so older rules files stay valid and raising watch alone works.
     */
    atRisk: z.number().min(0, 'must be >= 0').max(100, 'must be <= 100').default(25),
  })
  .prefault({});

const windowsSchema = z
  .strictObject({
    /** Tickets opened in the last N days count. */
    ticketDays: days.default(30),
    /** Trend: the last N days against the N days before them. */
    trendDays: days.default(90),
    /** Derived monthly value: spend in the last N days, per month the customer was active in them (docs/feed.md). */
    valueDays: days.default(365),
    /** Own cadence: median of the last N gaps between distinct order days (needs at least 2 gaps). */
    cadenceOrders: z
      .number()
      .int('must be a whole number')
      .min(2, 'must be >= 2')
      .max(64, 'must be <= 64')
      .default(8),
    /** Cadence used when the book has no customer with enough orders to measure one. */
    fallbackCadenceDays: days.default(30),
    /**
     * Overdue counts once a customer has a habit: orders on at least N different days. With fewer,
     * their own gaps are too few to judge lateness by, and the cadence model judges better (backtests).
     */
    habitOrders: z.number().int('must be a whole number').min(2, 'must be >= 2').default(20),
  })
  .prefault({});

/**
 * Who goes on a rep's list, and how the list is split between the three kinds of name:
 * `slipping` (an established customer late against their own rhythm: a save), `notBack` (one or
 * two orders, past the book's usual time to a second order) and `lapsed` (gone well past their
 * rhythm: a win-back). Nobody too new to be late is listed.
 */
const listsSchema = z
  .strictObject({
    /**
     * A kind of name is at risk (on the list) from this chance of no order in the next
     * model.horizonDays: a probability measured on the book's own past (rules/noOrderChance), the
     * same meaning on any book, not a cut in score points. One in four: about five times the share
     * of on-time customers who stop on the books measured (Online Retail, the demo).
     */
    minNoOrderProbability: share.default(0.25),
    /**
     * A slipping customer is at risk only from this many times the book's usual chance of no order
     * too (the share of customers with an order in learn.activeWithinDays who then placed none, on
     * the learned model's validation day): a late regular no likelier to stop than anyone buying is no
     * save call. 0: minNoOrderProbability alone.
     */
    slippingOverUsual: z.number().min(0, 'must be >= 0').default(1.25),
    /** A customer with at most this many order days is new: "not back yet" rather than "slipping". */
    newCustomerOrders: z.number().int('must be a whole number').min(1, 'must be >= 1').default(2),
    /** Gone this many times their usual gap (own, or the book's for a new customer)... */
    lapsedGaps: z.number().min(1, 'must be >= 1').default(4),
    /** ...and at least this many days: lapsed, a win-back call. */
    lapsedMinDays: days.default(90),
    /**
     * Shares of capPerRep kept for each kind, so a pile of lapsed customers cannot crowd out the
     * saves; a kind with fewer names leaves its places to the next worth most of any kind.
     */
    split: z
      .strictObject({
        slipping: share.default(0.6),
        notBack: share.default(0.2),
        lapsed: share.default(0.2),
      })
      .prefault({})
      .refine((s) => s.slipping + s.notBack + s.lapsed <= 1.000001, 'the shares must add up to at most 1'),
  })
  .prefault({});

const DEFAULT_PLANS = {
  slipping: {
    vip: { action: 'Personal call + a perk that is not a discount', channel: 'phone', days: [0, 7] },
    standard: { action: 'Time-limited offer', channel: 'email', days: [0, 3, 10] },
  },
  // "Next", not "second": a not-back-yet customer may have ordered on two days already.
  notBack: {
    vip: {
      action: 'Personal call about their next order + a perk that is not a discount',
      channel: 'phone',
      days: [0, 7],
    },
    standard: { action: 'Time-limited offer on their next order', channel: 'email', days: [0, 3, 10] },
  },
  lapsed: {
    vip: { action: 'Win-back call + a perk that is not a discount', channel: 'phone', days: [0, 7] },
    standard: { action: 'Time-limited win-back offer', channel: 'email', days: [0, 3, 10] },
  },
};

type PlanStep = { action: string; channel: string; days: number[] };

/** One play; each field left out is the default play's, so a file can change a play's days alone. */
function planStepSchema(d: PlanStep) {
  return z
    .strictObject({
      /** What the rep does, in words for the card. */
      action: z.string().min(1, 'must not be empty').default(d.action),
      /** How: phone, email, visit... */
      channel: z.string().min(1, 'must not be empty').default(d.channel),
      /** Days after the list's date to act on: 0 = the day the list comes. */
      days: z
        .array(z.number().int('must be a whole number').min(0, 'must be >= 0'))
        .min(1, 'must list a day')
        .default(() => [...d.days]),
    })
    .prefault({});
}

function planPairSchema(d: { vip: PlanStep; standard: PlanStep }) {
  return z.strictObject({ vip: planStepSchema(d.vip), standard: planStepSchema(d.standard) }).prefault({});
}

/** The plan table: per kind of name and per tier (VIP or standard), the action, channel and days. */
const plansSchema = z
  .strictObject({
    slipping: planPairSchema(DEFAULT_PLANS.slipping),
    notBack: planPairSchema(DEFAULT_PLANS.notBack),
    lapsed: planPairSchema(DEFAULT_PLANS.lapsed),
  })
  .prefault({});

const lossReasonSchema = z.strictObject({
  code: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be lower_snake_case'),
  label: z.string().min(1, 'must not be empty'),
});

const DEFAULT_LOSS_REASONS = [
  { code: 'price', label: 'Price' },
  { code: 'competitor', label: 'Went to a competitor' },
  { code: 'went_quiet', label: 'Went quiet' },
  { code: 'other', label: 'Other' },
];

const vipSchema = z
  .strictObject({
    /** The top fraction of customers by monthly value are VIPs (0.1 = top decile). */
    topFraction: share.default(0.1),
    /** Monthly value from which a customer is a VIP regardless of rank; null = rank only. */
    minMonthlyValue: z.number().min(0, 'must be >= 0').nullable().default(null),
  })
  .prefault({});

const weekday = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be 1 (Monday) to 7 (Sunday)')
  .max(7, 'must be 1 (Monday) to 7 (Sunday)');

/** followUps.workingDays when the rules file leaves it out: Monday to Friday. */
export const DEFAULT_WORKING_DAYS = [1, 2, 3, 4, 5];

/** followUps.silentAfterDays when the rules file leaves it out; the monthly summary's default too. */
export const DEFAULT_SILENT_AFTER_DAYS = 31;

/**
 * The daily follow-ups after a tap. Quiet by default: a rep hears from them only when one of their
 * customers has a step due today, and never more than one digest a day.
 */
const followUpsSchema = z
  .strictObject({
    /** false = no daily digest at all (the weekly card and the summary are unchanged). */
    enabled: z.boolean().default(true),
    /** When the digest goes out, local to the team's zone, on the working days. */
    sendAt: z
      .strictObject({
        hour: z
          .number()
          .int('must be a whole hour')
          .min(0, 'must be 0-23')
          .max(23, 'must be 0-23')
          .default(9),
        minute: z
          .number()
          .int('must be a whole minute')
          .min(0, 'must be 0-59')
          .max(59, 'must be 0-59')
          .default(3),
      })
      .prefault({}),
    /** ISO weekdays the digest goes out on (1 = Monday ... 7 = Sunday); what falls due on other days waits for the next one. */
    workingDays: z.array(weekday).min(1, 'must list at least one day').default(DEFAULT_WORKING_DAYS),
    /** "Reached out N days ago, no order since": one prompt on each of these days after the contact. */
    noOrderSteps: z.array(days).max(10, 'at most 10 steps').default([7, 14]),
    /** "Silent N days after contact": suggest Lost, reason went quiet. */
    silentAfterDays: days.default(DEFAULT_SILENT_AFTER_DAYS),
    /** Mark the silent customer lost without a tap, N days after contact (a system audit row Undo reverses); null = never. */
    autoLoseAfterDays: days.nullable().default(null),
    /** A save (within the cool-down) is slipping once the days since their last order reach this multiple of their rhythm. */
    lateFactor: z.number().min(1, 'must be >= 1').max(10, 'must be <= 10').default(1.5),
    /** "Snooze a week": days a customer's follow-ups stay quiet. */
    snoozeDays: days.default(7),
    /** Saves that hold: days after a save at which the summary checks they order at their rhythm. */
    heldCheckDays: z
      .array(days)
      .min(1, 'must list at least one day')
      .max(6, 'at most 6 checks')
      .default([30, 60, 90]),
  })
  .prefault({})
  .superRefine((f, ctx) => {
    if (f.autoLoseAfterDays !== null && f.autoLoseAfterDays < f.silentAfterDays)
      ctx.addIssue({
        code: 'custom',
        path: ['autoLoseAfterDays'],
        message: 'must be >= followUps.silentAfterDays',
      });
    if (f.noOrderSteps.some((s) => s >= f.silentAfterDays))
      ctx.addIssue({
        code: 'custom',
        path: ['noOrderSteps'],
        message: 'each step must be < followUps.silentAfterDays',
      });
  });

/** Days a won-back customer stays off the list when the rules file does not say. */
export const DEFAULT_COOL_DOWN_DAYS = 60;

export const rulesSchema = z.strictObject({
  weights: weightsSchema,
  bands: bandsSchema,
  windows: windowsSchema,
  /** The cadence model (BG/NBD) fitted on the book as of each scoring day. */
  model: modelSchema,
  /** The book's own model, fitted on its past at each scoring (rules/model/bookModel.ts). */
  learn: learnSchema,
  /** Days a customer stays off the list after a rep reached out. */
  pauseDays: z.number().int('must be a whole number of days').min(0, 'must be >= 0').default(14),
  /** Days a won-back customer stays off the list. */
  coolDownDays: z
    .number()
    .int('must be a whole number of days')
    .min(0, 'must be >= 0')
    .default(DEFAULT_COOL_DOWN_DAYS),
  /** Customers worth no more than this per month are not put on a list (at 0, those worth nothing). */
  valueFloor: z.number().min(0, 'must be >= 0').default(0),
  /** Most customers on one rep's weekly list (a week of calls); the rest are counted as "+N more". */
  capPerRep: z.number().int('must be a whole number').min(1, 'must be >= 1').default(10),
  /** The three kinds of name and the list's split between them. */
  lists: listsSchema,
  /** The suggested play per kind of name and tier. */
  plans: plansSchema,
  lossReasons: z
    .array(lossReasonSchema)
    .min(1, 'must list at least one reason')
    .default(DEFAULT_LOSS_REASONS)
    .superRefine((reasons, ctx) => {
      const seen = new Set<string>();
      reasons.forEach((r, k) => {
        if (seen.has(r.code))
          ctx.addIssue({ code: 'custom', path: [k, 'code'], message: `duplicate code "${r.code}"` });
        seen.add(r.code);
      });
    }),
  vip: vipSchema,
  /**
   * Percent (0-50) of the customers who pass the gates kept off the lists at random, reproducibly,
   * and audited `held_out`, so the monthly summary can compare them with the listed ones (the lift).
   * 0 = no holdout. At most half: the lists are the product; the holdout only measures it.
   */
  holdoutPercent: z.number().min(0, 'must be >= 0').max(50, 'must be <= 50').default(0),
  /** Seeds the holdout draw; change it to draw a new holdout group. */
  holdoutSeed: z.string().min(1, 'must not be empty').default('churn-holdout'),
  /** The daily follow-up digest and the checks on saves (see followUpsSchema). */
  followUps: followUpsSchema,
  /**
   * Days without an order anywhere in the feed after which the weekly and daily runs stop and tell
   * the admins, as for a feed that cannot be read (see rules/feedFreshness.ts). Unset: the longest
   * quiet spell of the book's last year and a quarter more, at least 15 days, and no check on a book
   * of fewer than 10 customers. 0 turns the check off.
   */
  feedStaleDays: z.number().int('must be a whole number of days').min(0, 'must be >= 0').optional(),
  /** Renames of the columns of a real export (see rules/columnMapping.ts). */
  columns: columnMappingSchema.default({}),
  /** Date order, decimal mark and encoding of the feed's files, where detection cannot settle them (see rules/feedFormats.ts). */
  formats: feedFormatsSchema.default({}),
  /** The reps' Teams sign-ins for the names an export's owner column holds (see rules/ownerNames.ts). */
  owners: ownerNamesSchema.default({}),
  /**
   * The rep who gets every customer whose owner cell is empty, and every customer when the customers
   * file has no owner column or the feed has no customers file (its customers taken from the
   * orders): a shop with one rep (a Shopify or Stripe export knows no rep).
   */
  defaultOwner: signInSchema.optional(),
  /** What the help desk's ticket statuses and satisfaction values mean, beyond the ones known (see rules/ticketValues.ts). */
  ticketValues: ticketValuesSchema,
  /** Written by `churn-predictor tune`: how the weights were fitted and the before/after figures. */
  tuned: tunedSchema.optional(),
});

export type Rules = z.infer<typeof rulesSchema>;
export type Weights = Rules['weights'];
export type SignalName = keyof Weights;

/** Thrown by parseRules; `issues` lists each bad field as "path: problem"; `source` names the file when known. */
export class RulesError extends Error {
  constructor(
    readonly issues: string[],
    readonly source?: string,
  ) {
    super(`Invalid rules file${source ? ` ${source}` : ''}:\n  ${issues.join('\n  ')}`);
    this.name = 'RulesError';
  }
}

/** Validates a parsed rules file and fills in defaults; throws RulesError naming each bad field (and `source`, the file). */
export function parseRules(json: unknown, source?: string): Rules {
  const result = rulesSchema.safeParse(json);
  if (result.success) return result.data;
  throw new RulesError(result.error.issues.map(describeIssue), source);
}

// A mapping's keys are the feed's own column names, the part of a rules file a user writes first:
// a key spelled otherwise ("customerid", "date") is told the names it could have been.
const FEED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  customers: CUSTOMER_COLUMNS,
  orders: ORDER_MAPPED_COLUMNS,
  tickets: [...TICKET_MAPPED_COLUMNS, ...TICKET_CUSTOMER_COLUMNS],
};

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys' && issue.path[0] === 'columns') {
    const file = issue.path[1];
    message +=
      issue.path.length === 1
        ? ' (the files are customers, orders and tickets)'
        : typeof file === 'string' && FEED_COLUMNS[file]
          ? ` (the keys are the feed's column names: ${FEED_COLUMNS[file].join(', ')}; the values are your headers)`
          : '';
  } else if (issue.code === 'unrecognized_keys') {
    message += knownKeysHint(issue.keys, issue.path);
  }
  return path ? `${path}: ${message}` : message;
}

/**
 * For a key the rules file does not have: the key it was likely meant to be (the same letters in
 * another case, or one or two letters off), else the keys allowed at that place.
 */
function knownKeysHint(keys: readonly string[], path: readonly PropertyKey[]): string {
  let known: unknown = path.length === 0 ? rulesSchema.shape : defaultRules();
  for (const step of path) known = (known as Record<PropertyKey, unknown> | undefined)?.[step];
  if (!known || typeof known !== 'object' || Array.isArray(known)) return '';
  const names = Object.keys(known);
  if (names.length === 0) return '';
  const near = keys.flatMap((key) => {
    const match = names.find((n) => n.toLowerCase() === key.toLowerCase() || editDistance(n, key) <= 2);
    return match ? [match] : [];
  });
  return near.length > 0
    ? ` (did you mean ${near.map((n) => `"${n}"`).join(', ')}?)`
    : ` (the keys here are ${names.join(', ')})`;
}

/** Letters to insert, delete or change to turn `a` into `b` (Levenshtein). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length];
}

/** The defaults: what `parseRules({})` gives. */
export function defaultRules(): Rules {
  return parseRules({});
}
