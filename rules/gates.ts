import { dayOf } from './book';
import type { Band, CustomerState } from './customerState';
import type { Rules } from './rulesSchema';

/** Why a customer is not put on a rep's list, in the order the gates are checked. */
export type Gate = 'not_at_risk' | 'lost' | 'paused' | 'cooling_down' | 'below_floor';

/** The outcome of the gates for one customer. */
export type GateResult = { surfaced: true } | { surfaced: false; gate: Gate };

export interface GateInput {
  band: Band;
  monthlyValue: number;
  /** What the product remembers; undefined for a customer it has not seen yet. */
  state?: Pick<CustomerState, 'status' | 'lastContact' | 'wonBackAt'>;
}

/** Runs the gates in order (at risk, not lost, not paused, not cooling down, above the value floor). */
export function classifyGates(input: GateInput, rules: Rules, asOfDay: number): GateResult {
  const { state } = input;
  if (input.band !== 'at_risk') return { surfaced: false, gate: 'not_at_risk' };
  if (state?.status === 'lost') return { surfaced: false, gate: 'lost' };
  if (state?.lastContact && asOfDay < dayOf(state.lastContact) + rules.pauseDays) {
    return { surfaced: false, gate: 'paused' };
  }
  if (state?.wonBackAt && asOfDay < dayOf(state.wonBackAt) + rules.coolDownDays) {
    return { surfaced: false, gate: 'cooling_down' };
  }
  if (!(input.monthlyValue > rules.valueFloor)) return { surfaced: false, gate: 'below_floor' };
  return { surfaced: true };
}
