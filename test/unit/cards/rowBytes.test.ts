import { describe, expect, it } from 'vitest';
import { buildWeeklyCard, type WeeklyCardCustomer, type WeeklyCardData } from '../../../cards';
import { weeklyRowBytes } from '../../../cards/buildWeeklyCard';
import { cardBytes } from '../../../cards/cardSize';
import { LOSS_REASONS } from './weeklyCardFixtures';

const AT = '2026-11-23';

/** Rows of every shape a card has: each kind of change and outcome, 0-4 reasons, flags, texts JSON must escape. */
function variedRows(): WeeklyCardCustomer[] {
  const names = [
    'Greenfield Cafe',
    'Café "Müller" \\ Söhne',
    '**Bold** [link](x)',
    '😀 Emoji Bar',
    '  ',
    'Tab\there\nnew',
  ];
  const changes: WeeklyCardCustomer['change'][] = [
    null,
    { kind: 'new' },
    { kind: 'new', from: 'ben@example.com' },
    { kind: 'worse', points: 12.4 },
    { kind: 'still', week: 3 },
  ];
  const outcomes: WeeklyCardCustomer['outcome'][] = [
    null,
    { kind: 'reached_out', by: 'Ana', at: AT },
    { kind: 'won_back', by: 'Ana', at: AT, value: 1234.5, valueKind: 'second_order' },
    { kind: 'lost', by: 'Ana "A"', at: AT, reason: 'price', note: 'Went to a "cheaper" rival\n' },
    { kind: 'snoozed', by: 'Ana', at: AT, until: '2026-12-07' },
  ];
  return Array.from({ length: 25 }, (_, k) => ({
    customerId: `C-${k}-${'é"'.repeat(k * 7)}`,
    name: names[k % names.length] + 'x'.repeat(k * 5),
    band: k % 3 === 0 ? 'at_risk' : 'watch',
    score: k * 4,
    monthlyValue: k % 4 === 0 ? 1200 : 22.2 * k,
    reasons: Array.from({ length: k % 5 }, (_, r) => `Reason ${r} with "quotes" ${'y'.repeat(k * r)}`),
    ...(k % 2 === 0 ? { outlook: `expected by Tue ${k} Nov` } : {}),
    play: `Standard: Time-limited offer ${'z'.repeat(k * 9)}`,
    flags: k % 3 === 1 ? ['Won back twice this year: no discount'] : [],
    outcome: outcomes[k % outcomes.length],
    segment: (['slipping', 'not_back', 'lapsed'] as const)[k % 3],
    valueKind: k % 3 === 1 ? 'second_order' : 'monthly',
    ...(k % 2 === 1 ? { noOrder: { probability: 0.27 + k / 100, horizonDays: 90 } } : {}),
    valueAtRisk: 100 + k,
    change: changes[k % changes.length],
  }));
}

function card(overrides: Partial<WeeklyCardData>): WeeklyCardData {
  return {
    runKey: 'weekly-2026-W48',
    kind: 'weekly',
    lossReasons: LOSS_REASONS,
    counts: { slipping: 10, not_back: 10, lapsed: 5 },
    customers: variedRows(),
    ...overrides,
  };
}

describe('weeklyRowBytes', () => {
  it.each([
    ['en-US, USD', {}],
    [
      'de-DE, EUR, a tab app id',
      { currency: 'EUR', locale: 'de-DE', tabAppId: 'b2e7f0a1-3c4d-4e5f-8a9b-0c1d2e3f4a5b' },
    ],
    [
      'a list page with a long note bound',
      { kind: 'list' as const, noteMaxLength: 1000, page: { number: 2, pageCount: 3 } },
    ],
  ])('gives each row the bytes of its Container on the card Teams gets (%s)', (_name, overrides) => {
    const data = card(overrides);
    const built = buildWeeklyCard(data);
    const containers = (built.body as { type: string }[]).filter((item) => item.type === 'Container');
    expect(containers).toHaveLength(25);
    // Each Container as the card holds it, and the comma before the next.
    expect(weeklyRowBytes(data)).toEqual(containers.map((c) => cardBytes(c) + 2));
  });

  it("measures rows afresh on a card whose run key or loss reasons differ from the last card's", () => {
    const rowsOf = (data: WeeklyCardData) =>
      (buildWeeklyCard(data).body as { type: string }[])
        .filter((item) => item.type === 'Container')
        .map((c) => cardBytes(c) + 2);
    const first = card({});
    expect(weeklyRowBytes(first)).toEqual(rowsOf(first));
    // Every row lists the loss reasons in its picker.
    const later = card({
      runKey: 'weekly-2027-W01',
      lossReasons: [...LOSS_REASONS, { value: 'moved_away', title: 'Moved away (closed the shop)' }],
    });
    expect(weeklyRowBytes(later)).toEqual(rowsOf(later));
    expect(weeklyRowBytes(later)[0]).toBeGreaterThan(weeklyRowBytes(first)[0]);
  });
});
