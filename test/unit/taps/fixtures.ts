import { actionRulesFrom } from '../../../bot/taps/actionRules';
import type { ActionRules, DecisionContext } from '../../../bot/taps/actionTypes';
import { type CustomerState, initialState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import type { AuditRow } from '../../../storage/auditRow';

export const RULES: ActionRules = actionRulesFrom(defaultRules());

/** Greenfield Cafe, at risk, surfaced this week, owned by Ana. */
export function atRisk(overrides: Partial<CustomerState> = {}): CustomerState {
  return {
    ...initialState({
      customerId: 'cust-1',
      name: 'Greenfield Cafe',
      owner: 'ana@demo.example',
      monthlyValue: 1200,
    }),
    score: 72,
    band: 'at_risk',
    reasons: ['No order in 34 days (usually every 9)'],
    surfacedAt: '2026-11-23',
    ...overrides,
  };
}

export const ANA = { userId: 'aad-ana', name: 'Ana Ruiz' };
export const BEN = { userId: 'aad-ben', name: 'Ben Ortiz' };

/** A decision context on 24 Nov 2026 (Chicago), for Ana, tapping card message `msg-1`. */
export function ctx(current: CustomerState, overrides: Partial<DecisionContext> = {}): DecisionContext {
  return {
    current,
    actor: ANA,
    today: '2026-11-24',
    timeZone: 'America/Chicago',
    currency: 'USD',
    at: '2026-11-24T15:00:00.000Z',
    key: 'msg-1|cust-1|reached_out|1',
    cardMessageId: 'msg-1',
    ...overrides,
  };
}

/** A stored audit row (the shape AuditStore returns). */
export function row(overrides: Partial<AuditRow> & Pick<AuditRow, 'id' | 'action'>): AuditRow {
  return {
    customerId: 'cust-1',
    customerName: 'Greenfield Cafe',
    owner: 'ana@demo.example',
    actorId: ANA.userId,
    actorName: ANA.name,
    at: '2026-11-24T15:00:00.000Z',
    value: null,
    reason: null,
    note: null,
    snapshot: atRisk(),
    undoes: null,
    cardMessageId: 'msg-1',
    deliveryId: null,
    source: null,
    valueKind: null,
    ...overrides,
  };
}
