import type { WeeklyCardData } from '../../../cards';
import { MAX_CARD_CUSTOMERS } from '../../../cards';

export const LOSS_REASONS = [
  { value: 'price', title: 'Price' },
  { value: 'competitor', title: 'Competitor' },
  { value: 'went_quiet', title: 'Went quiet' },
  { value: 'other', title: 'Other' },
];

/** A representative week: two open rows, one of each outcome, four more off the card. */
export function representativeWeek(): WeeklyCardData {
  return {
    runKey: 'weekly-2026-W48',
    lossReasons: LOSS_REASONS,
    overflow: { count: 1, monthlyValue: 900 },
    customers: [
      {
        customerId: 'cust-001',
        name: 'Greenfield Cafe',
        band: 'at_risk',
        score: 87.34,
        monthlyValue: 1200,
        reasons: [
          'No order in 34 days (usually every 9)',
          'One sour ticket',
          'Order size down 40%',
          'Ignored',
        ],
        play: 'Time-bound offer: 10% off the next order this week',
      },
      {
        customerId: 'cust-002',
        name: 'Blue Door Bakery',
        band: 'watch',
        score: 55,
        monthlyValue: 2500,
        reasons: ['Orders every 14 days instead of 7'],
        play: 'VIP care: call the owner',
      },
      {
        customerId: 'cust-003',
        name: 'Harbour Deli',
        band: 'at_risk',
        score: 71,
        monthlyValue: 1800,
        reasons: ['No order in 21 days (usually every 6)'],
        play: 'VIP care: visit',
        outcome: { kind: 'reached_out', by: 'Ana Ruiz', at: '2026-11-23' },
      },
      {
        customerId: 'cust-004',
        name: 'Corner Market',
        band: 'at_risk',
        score: 90,
        monthlyValue: 1000,
        reasons: ['No order in 60 days'],
        play: 'Time-bound offer',
        outcome: { kind: 'won_back', by: 'Ana Ruiz', at: '2026-11-24', value: 1100 },
      },
      {
        customerId: 'cust-005',
        name: 'Old Mill Pub',
        band: 'at_risk',
        score: 95,
        monthlyValue: 1000,
        reasons: ['Two negative tickets'],
        play: 'VIP care',
        outcome: {
          kind: 'lost',
          by: 'Ana Ruiz',
          at: '2026-11-25',
          reason: 'price',
          note: 'Went with a cheaper supplier',
        },
      },
    ],
  };
}

/** The largest card the rules allow: the cap of rows, each with a long name and three long reasons, none acted on. */
export function largestWeek(): WeeklyCardData {
  const long = (label: string, n: number) =>
    `${label} `.repeat(Math.ceil(n / (label.length + 1))).slice(0, n);
  return {
    runKey: 'weekly-2026-W53',
    lossReasons: LOSS_REASONS,
    overflow: { count: 475, monthlyValue: 1_234_567 },
    customers: Array.from({ length: MAX_CARD_CUSTOMERS }, (_, i) => ({
      customerId: `customer-${String(i).padStart(6, '0')}-${'x'.repeat(40)}`,
      name: long(`Wholesale Customer Number ${i} With A Very Long Trading Name`, 300),
      band: 'at_risk' as const,
      score: 0.987654321,
      monthlyValue: 123_456.78,
      reasons: [
        long('no order in 123 days', 500),
        long('three sour tickets', 500),
        long('basket shrank', 500),
      ],
      play: long('Time-bound offer', 500),
    })),
  };
}
