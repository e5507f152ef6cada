import { z } from 'zod';

/**
 * What the product remembers about a customer between runs (stored one row per customer by the
 * storage module). The gates read it; the bot's actions write it. Dates are `YYYY-MM-DD` in the
 * team's time zone.
 */
export const bandSchema = z.enum(['steady', 'watch', 'at_risk']);
export type Band = z.infer<typeof bandSchema>;
export const customerStatusSchema = z.enum(['active', 'lost']);
/** The kinds of name a list holds (see segments.ts): late against their rhythm, new and not back, gone. */
export const segmentSchema = z.enum(['slipping', 'not_back', 'lapsed']);
export type Segment = z.infer<typeof segmentSchema>;
export type CustomerStatus = z.infer<typeof customerStatusSchema>;
/**
 * What `monthlyValue` is: per month, or (`second_order`) for a one-visit customer, one order day or
 * a burst of them within a few days (features.ts BURST_DAYS), what another such visit is worth: a
 * one-off, not monthly. The name dates from when only one-order customers had it; it is kept because
 * stored states, audit rows and `score --format json` readers know it by that name.
 */
export const valueKindSchema = z.enum(['monthly', 'second_order']);
export type ValueKind = z.infer<typeof valueKindSchema>;

/** The one definition of a customer's remembered state; storage and the audit snapshots parse with it. */
export const customerStateSchema = z
  .object({
    customerId: z.string(),
    name: z.string(),
    owner: z.string(),
    monthlyValue: z.number(),
    /** Rows and snapshots from before the kinds have none: their values were all monthly. */
    valueKind: valueKindSchema.default('monthly'),
    score: z.number(),
    band: bandSchema,
    /** The kind of name from the last scoring (slipping, not back yet, lapsed), null when none; rows from before the kinds have none. */
    segment: segmentSchema.nullable().default(null),
    /** Plain-word reasons from the last scoring. */
    reasons: z.array(z.string()),
    status: customerStatusSchema,
    /** When the customer was last put on a rep's list in this slip cycle. */
    surfacedAt: z.string().nullable(),
    /**
     * When the customer was first on a rep's list, on any page, in this slip (null off the list, but
     * kept while the slip goes on without an order: paused after a call, cooling down, a week under
     * the bar). Unlike surfacedAt it counts the rows past the first card, which are not flagged: a
     * row's "(week N)" is counted from the earlier of the two. Rows from before it have none.
     */
    listedAt: z.string().nullable().default(null),
    /** When the rep last tapped "Reached out". */
    lastContact: z.string().nullable(),
    wonBackAt: z.string().nullable(),
    recoveredValue: z.number().nullable(),
    lostAt: z.string().nullable(),
    lostReason: z.string().nullable(),
    lostNote: z.string().nullable(),
    /** The save before `wonBackAt` (a repeat save within a year changes the play). Rows and snapshots from before the follow-ups have none. */
    previousWonBackAt: z.string().nullable().default(null),
    /**
     * The customer's owner when `wonBackAt` was recorded: listed later under another rep, the save is
     * none of theirs to be told of. Rows and snapshots from before it have none: read as the owner's.
     */
    wonBackOwner: z.string().nullable().default(null),
    /** "Snooze a week": the daily follow-ups leave the customer alone until this day. */
    snoozedUntil: z.string().nullable().default(null),
    /**
     * The day "Snooze a week" was tapped: an order placed since is news the snooze does not hold back.
     * Rows from before it have none (the day is then `snoozedUntil` less the rules' snoozeDays).
     */
    snoozedAt: z.string().nullable().default(null),
  })
  .strict();
export type CustomerState = z.infer<typeof customerStateSchema>;

/** A fresh state for a customer the product has not seen before. */
export function initialState(c: {
  customerId: string;
  name: string;
  owner: string;
  monthlyValue: number;
  valueKind?: CustomerState['valueKind'];
}): CustomerState {
  // Fields named one by one: a spread of `c` followed by thirteen new fields took 17 µs a customer
  // (V8 builds such an object in dictionary mode), 1.7 s for a 100k book's first run.
  return {
    customerId: c.customerId,
    name: c.name,
    owner: c.owner,
    monthlyValue: c.monthlyValue,
    valueKind: c.valueKind ?? 'monthly',
    score: 0,
    band: 'steady',
    segment: null,
    reasons: [],
    status: 'active',
    surfacedAt: null,
    listedAt: null,
    lastContact: null,
    wonBackAt: null,
    recoveredValue: null,
    lostAt: null,
    lostReason: null,
    lostNote: null,
    previousWonBackAt: null,
    wonBackOwner: null,
    snoozedUntil: null,
    snoozedAt: null,
  };
}

const STATE_FIELDS = customerStateSchema.keyof().options;

/** True when two states hold the same values (every field; reasons in order; 0 and -0 alike). */
export function sameCustomerState(a: CustomerState, b: CustomerState): boolean {
  return STATE_FIELDS.every((k) => {
    const x = a[k];
    const y = b[k];
    if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => v === y[i]);
    return x === y || Object.is(x, y);
  });
}
