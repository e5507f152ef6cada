import { dayOf } from './book';
import type { Band, CustomerState } from './customerState';
import type { Rules } from './rulesSchema';

/** Why a customer is not put on a rep's list, in the order the gates are checked. */
export type Gate =
  | 'not_at_risk'
  | 'lost'
  | 'paused'
  | 'cooling_down'
  | 'silent_past_value_window'
  | 'below_floor';

/** The outcome of the gates for one customer. */
export type GateResult = { surfaced: true } | { surfaced: false; gate: Gate };

export interface GateInput {
  band: Band;
  monthlyValue: number;
  /** Days since the customer's last order on or before the as-of day; null with none. */
  daysSinceLastOrder: number | null;
  /** What the product remembers; undefined for a customer it has not seen yet. */
  state?: Pick<CustomerState, 'status' | 'lostAt' | 'lastContact' | 'wonBackAt'>;
}

// One shared, frozen result per outcome: a million customers need no million small objects.
const SURFACED: GateResult = Object.freeze({ surfaced: true });
const STOPPED: Readonly<Record<Gate, GateResult>> = Object.freeze({
  not_at_risk: Object.freeze({ surfaced: false, gate: 'not_at_risk' }),
  lost: Object.freeze({ surfaced: false, gate: 'lost' }),
  paused: Object.freeze({ surfaced: false, gate: 'paused' }),
  cooling_down: Object.freeze({ surfaced: false, gate: 'cooling_down' }),
  silent_past_value_window: Object.freeze({ surfaced: false, gate: 'silent_past_value_window' }),
  below_floor: Object.freeze({ surfaced: false, gate: 'below_floor' }),
});

/**
 * Runs the gates in order (at risk, not lost, not paused, not cooling down, an order within the value
 * window, above the value floor) as of `asOfDay`: a tap dated after it had not happened yet. The
 * weekly run replays last week's list against this week's states, and a customer a rep reached out
 * to (or won back, or marked lost) after last week's card was still on it: left out, one who then
 * ordered was never "back on track".
 */
export function classifyGates(
  input: GateInput,
  rules: Rules,
  asOfDay: number,
  /** The last day whose taps had happened: asOfDay, or the day before for a card replayed (judgeBook). */
  tapsThrough = asOfDay,
): GateResult {
  const { state } = input;
  const by = (date: string | null): date is string => date !== null && dayOf(date) <= tapsThrough;
  if (input.band !== 'at_risk') return STOPPED.not_at_risk;
  if (state?.status === 'lost' && (state.lostAt === null || by(state.lostAt))) return STOPPED.lost;
  if (state && by(state.lastContact) && asOfDay < dayOf(state.lastContact) + rules.pauseDays)
    return STOPPED.paused;
  if (state && by(state.wonBackAt) && asOfDay < dayOf(state.wonBackAt) + rules.coolDownDays)
    return STOPPED.cooling_down;
  if (silentPastValueWindow(input.daysSinceLastOrder, rules.windows.valueDays))
    return STOPPED.silent_past_value_window;
  if (!(input.monthlyValue > rules.valueFloor)) return STOPPED.below_floor;
  return SURFACED;
}

/**
 * No order in the last `valueDays` (windows.valueDays): a win-back list is for customers lost within
 * the year a value is taken from, and one silent longer is on none, by this rule, whatever their
 * value (which does not fall to 0 with the silence: rules/features.ts). Null: no order at all.
 */
export function silentPastValueWindow(daysSinceLastOrder: number | null, valueDays: number): boolean {
  return daysSinceLastOrder !== null && daysSinceLastOrder >= valueDays;
}
