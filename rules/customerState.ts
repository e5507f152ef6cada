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
  };
}
