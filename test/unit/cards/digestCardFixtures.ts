import type { DigestCardData } from '../../../cards/digestCardModels';
import { LOSS_REASONS } from './weeklyCardFixtures';

/** One row of each kind, the silent one already marked lost by the product. */
export function digest(): DigestCardData {
  return {
    kind: 'digest',
    runKey: 'daily-2026-11-27',
    rows: [
      {
        customerId: 'cust-001',
        name: 'Greenfield Cafe',
        monthlyValue: 1200,
        reason: { kind: 'ordered', contactOn: '2026-11-23', orderOn: '2026-11-26', amount: 450 },
      },
      {
        customerId: 'cust-002',
        name: 'Harbor Bistro',
        monthlyValue: 640,
        reason: { kind: 'silent', contactOn: '2026-10-27', days: 31 },
      },
      {
        customerId: 'cust-003',
        name: 'Oak Street Deli',
        monthlyValue: 300,
        reason: { kind: 'save_slipping', wonBackOn: '2026-10-20', daysSinceOrder: 19, cadenceDays: 9 },
        flags: ['Won back twice this year: no discount'],
      },
      {
        customerId: 'cust-004',
        name: 'Maple Bakery',
        monthlyValue: 410,
        reason: { kind: 'no_order', contactOn: '2026-11-20', days: 7 },
      },
      {
        customerId: 'cust-005',
        name: 'Pier Seven',
        monthlyValue: 220,
        reason: { kind: 'silent', contactOn: '2026-10-20', days: 38 },
        outcome: { kind: 'lost', by: 'Churn Predictor', at: '2026-11-27', reason: 'went_quiet' },
      },
    ],
    lossReasons: LOSS_REASONS,
    quietReason: 'went_quiet',
  };
}
