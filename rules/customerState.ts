/**
 * What the product remembers about a customer between runs (stored one row per customer by the
 * storage module). The gates read it; the bot's actions write it. Dates are `YYYY-MM-DD` in the
 * team's time zone.
 */
export type Band = 'steady' | 'watch' | 'at_risk';
export type CustomerStatus = 'active' | 'lost';

export interface CustomerState {
  customerId: string;
  name: string;
  owner: string;
  monthlyValue: number;
  score: number;
  band: Band;
  /** Plain-word reasons from the last scoring. */
  reasons: string[];
  status: CustomerStatus;
  /** When the customer was last put on a rep's list in this slip cycle. */
  surfacedAt: string | null;
  /** When the rep last tapped "Reached out". */
  lastContact: string | null;
  wonBackAt: string | null;
  recoveredValue: number | null;
  lostAt: string | null;
  lostReason: string | null;
  lostNote: string | null;
  /** The save before `wonBackAt` (a repeat save within a year changes the play). */
  previousWonBackAt: string | null;
  /** "Snooze a week": the daily follow-ups leave the customer alone until this day. */
  snoozedUntil: string | null;
}

/** A fresh state for a customer the product has not seen before. */
export function initialState(c: {
  customerId: string;
  name: string;
  owner: string;
  monthlyValue: number;
}): CustomerState {
  return {
    ...c,
    score: 0,
    band: 'steady',
    reasons: [],
    status: 'active',
    surfacedAt: null,
    lastContact: null,
    wonBackAt: null,
    recoveredValue: null,
    lostAt: null,
    lostReason: null,
    lostNote: null,
    previousWonBackAt: null,
    snoozedUntil: null,
  };
}

/** Every field of a CustomerState, for comparisons: `satisfies` makes the compiler keep it complete. */
const FIELD_SET = {
  customerId: true,
  name: true,
  owner: true,
  monthlyValue: true,
  score: true,
  band: true,
  reasons: true,
  status: true,
  surfacedAt: true,
  lastContact: true,
  wonBackAt: true,
  recoveredValue: true,
  lostAt: true,
  lostReason: true,
  lostNote: true,
  previousWonBackAt: true,
  snoozedUntil: true,
} satisfies Record<keyof CustomerState, true>;
const STATE_FIELDS = Object.keys(FIELD_SET) as (keyof CustomerState)[];

/** True when two states hold the same values (every field; reasons in order; 0 and -0 alike). */
export function sameCustomerState(a: CustomerState, b: CustomerState): boolean {
  return STATE_FIELDS.every((k) => {
    const x = a[k];
    const y = b[k];
    if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => v === y[i]);
    return x === y || Object.is(x, y);
  });
}
