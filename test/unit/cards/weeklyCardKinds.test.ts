import { describe, expect, it } from 'vitest';
import { buildWeeklyCard, type WeeklyCardData } from '../../../cards';
import { adaptiveCardErrors } from '../../fixtures/adaptive-card-schema/validateAdaptiveCard';
import { ofType, texts } from './cardWalk';
import { LOSS_REASONS } from './weeklyCardFixtures';

/** A week of the three kinds of name, in pounds, as the weekly run builds it for a UK book. */
function kindsWeek(overrides: Partial<WeeklyCardData> = {}): WeeklyCardData {
  const row = {
    band: 'at_risk' as const,
    score: 40,
    reasons: ['No order in 34 days, usually every 9'],
    play: 'Standard: Time-limited offer (email), Mon 23 Nov, Thu 26 Nov and Thu 3 Dec',
  };
  return {
    runKey: 'weekly-2026-W48',
    kind: 'weekly',
    lossReasons: LOSS_REASONS,
    currency: 'GBP',
    locale: 'en-GB',
    counts: { slipping: 6, not_back: 2, lapsed: 31 },
    page: { number: 1, pageCount: 4 },
    overflow: { count: 29, monthlyValue: 9000 },
    backOnTrack: [{ name: 'Rosemary Diner', orderedOn: '2026-11-17' }],
    customers: [
      {
        ...row,
        customerId: 'a',
        name: 'Greenfield Cafe',
        monthlyValue: 1200,
        segment: 'slipping',
        valueKind: 'monthly',
        noOrder: { probability: 0.27, horizonDays: 90 },
        valueAtRisk: 324,
        change: { kind: 'worse', points: 12.4 },
      },
      {
        ...row,
        customerId: 'b',
        name: 'Corner Shop',
        monthlyValue: 1070,
        segment: 'not_back',
        valueKind: 'second_order',
        noOrder: { probability: 0.6, horizonDays: 90 },
        valueAtRisk: 642,
        change: { kind: 'new' },
      },
      {
        ...row,
        customerId: 'c',
        name: 'Old Mill Pub',
        monthlyValue: 500,
        segment: 'lapsed',
        valueKind: 'monthly',
        noOrder: { probability: 0.8, horizonDays: 90 },
        valueAtRisk: 400,
        change: { kind: 'still', week: 3 },
      },
    ],
    ...overrides,
  };
}

describe('the weekly card with kinds of name', () => {
  // Not "the 3 worth most shown", nor "+29 more, worth less at risk than these": each kind keeps its
  // share of the places (the slipping by chance of no order), so on Online Retail as of 2011-09-12
  // export@example.com's later pages held 148 names with more value at risk than the card's last row.
  it("heads with honest counts by kind and says what it shows, in the book's currency", () => {
    const card = buildWeeklyCard(kindsWeek());
    expect(texts(card).slice(0, 2)).toEqual([
      'Week 48 · 6 slipping · 2 not back yet · 31 lapsed; the first 3 shown',
      '£1,366 at risk on this card (value × chance of no order in 90 days)',
    ]);
    expect(adaptiveCardErrors(card)).toEqual([]);
  });

  it('says nothing of "the first N shown" when the card shows the whole list', () => {
    const card = buildWeeklyCard(
      kindsWeek({ counts: { slipping: 1, not_back: 1, lapsed: 1 }, page: undefined, overflow: undefined }),
    );
    expect(texts(card)[0]).toBe('Week 48 · 1 slipping · 1 not back yet · 1 lapsed');
  });

  it('labels each row by kind with its chance, a second-order value as such, and what changed', () => {
    const t = texts(buildWeeklyCard(kindsWeek()));
    expect(t).toEqual(
      expect.arrayContaining([
        '£1,200/month',
        'Slipping · 27% chance of no order in 90 days',
        'Worse: chance of no order up 12 points',
        '£1,070 if they order again',
        'Not back yet · 60% chance of no order in 90 days',
        'New on your list',
        'Lapsed: win back · 80% chance of no order in 90 days',
        'Still on your list (week 3)',
        'Suggested: Standard: Time-limited offer (email), Mon 23 Nov, Thu 26 Nov and Thu 3 Dec',
        'Back on track: Rosemary Diner ordered Tue 17 Nov',
        '+29 more on your list',
      ]),
    );
    expect(t.some((x) => x.includes('$'))).toBe(false);
  });

  it("a row back after a pause says since when its slip was flagged, in the card's locale", () => {
    const week = kindsWeek();
    week.customers[0] = { ...week.customers[0], change: { kind: 'back', since: '2026-11-09' } };
    const card = buildWeeklyCard(week);
    expect(texts(card)).toContain('Back on your list (first flagged Mon 9 Nov)');
    expect(adaptiveCardErrors(card)).toEqual([]);
  });

  it('a row back after a save that did not hold names the save, dated as the card dates, and keeps the schema', () => {
    const week = kindsWeek({ locale: 'de-DE', currency: 'EUR' });
    week.customers[0] = {
      ...week.customers[0],
      change: { kind: 'back', since: '2026-11-10', wonBack: true },
    };
    const card = buildWeeklyCard(week);
    expect(texts(card)).toContain('Back on your list (won back Di., 10. Nov., no order since)');
    expect(adaptiveCardErrors(card)).toEqual([]);
    // Only `true` is a flag: data that says otherwise is refused, not shown as a save.
    const wrong = { kind: 'back', since: '2026-11-10', wonBack: false } as unknown as {
      kind: 'back';
      since: string;
    };
    week.customers[0] = { ...week.customers[0], change: wrong };
    expect(() => buildWeeklyCard(week)).toThrow(/wonBack/);
  });

  it('a German card whose feed has not moved ends the date\'s sentence with one full stop, not "Nov.."', () => {
    const card = buildWeeklyCard(
      kindsWeek({
        locale: 'de-DE',
        currency: 'EUR',
        feedUnchanged: { lastCardsOn: '2026-11-16', newestOrder: '2026-11-13' },
      }),
    );
    const line = texts(card).find((t) => t.startsWith('No new orders'));
    expect(line).toContain('its newest is from Fr., 13. Nov. The chances below rose');
  });

  it('never states a certainty: a chance of 0.996 reads 99%, not 100%', () => {
    // Wholesale seed 8 as of 2026-10-05, rep0's first row: "Slipping · 100% chance of no order in 90 days".
    const week = kindsWeek();
    const [first, ...rest] = week.customers;
    const t = texts(
      buildWeeklyCard({
        ...week,
        customers: [
          { ...first, noOrder: { probability: 0.996, horizonDays: 90 } },
          { ...rest[0], noOrder: { probability: 0.004, horizonDays: 90 } },
          ...rest.slice(1),
        ],
      }),
    );
    expect(t).toEqual(
      expect.arrayContaining([
        'Slipping · 99% chance of no order in 90 days',
        'Not back yet · 1% chance of no order in 90 days',
      ]),
    );
  });

  it('never states a certainty: a chance that rounds to 100% reads 99%', () => {
    const week = kindsWeek();
    week.customers[2] = { ...week.customers[2], noOrder: { probability: 0.9996, horizonDays: 90 } };
    expect(texts(buildWeeklyCard(week))).toContain('Lapsed: win back · 99% chance of no order in 90 days');
  });

  it('a second-order row asks for and shows the value of the order won back, not a monthly value', () => {
    const week = kindsWeek();
    const card = buildWeeklyCard(week);
    const labels = ofType(card, 'Input.Text')
      .filter((i) => String(i.id).startsWith('value_'))
      .map((i) => [i.label, i.value]);
    expect(labels).toEqual([
      ['Monthly value won back (GBP)', '1200'],
      ['Value of the order won back (GBP)', '1070'],
      ['Monthly value won back (GBP)', '500'],
    ]);
    const at = '2026-11-23';
    week.customers[1].outcome = {
      kind: 'won_back',
      by: 'Ana Ruiz',
      at,
      value: 1070,
      valueKind: 'second_order',
    };
    week.customers[0].outcome = { kind: 'won_back', by: 'Ana Ruiz', at, value: 1200 };
    const t = texts(buildWeeklyCard(week));
    expect(t).toContain('Won back another £1,070 order by Ana Ruiz, Mon 23 Nov');
    expect(t).toContain('Won back £1,200/month by Ana Ruiz, Mon 23 Nov');
  });

  it('a later page of `list` says which page, and the last page has no next button', () => {
    const secondData = kindsWeek({ kind: 'list', page: { number: 2, pageCount: 4 } });
    const second = buildWeeklyCard(secondData);
    expect(texts(second)[0]).toBe('Your list now · 6 slipping · 2 not back yet · 31 lapsed; page 2 of 4');
    // Saved before a page said where the next starts: every page held as many rows as this one.
    expect(ofType(second, 'Action.Submit').find((a) => a.title === 'Show the next 3')?.data).toEqual({
      action: 'list_page',
      page: 3,
      start: 6,
      // The next page goes on after this page's last customer.
      after: secondData.customers.at(-1)?.customerId,
      runKey: 'weekly-2026-W48',
      v: 1,
    });
    const last = buildWeeklyCard(kindsWeek({ page: { number: 4, pageCount: 4 }, overflow: undefined }));
    expect(
      ofType(last, 'Action.Submit').some((a) => (a.data as { action?: string }).action === 'list_page'),
    ).toBe(false);
  });
});
