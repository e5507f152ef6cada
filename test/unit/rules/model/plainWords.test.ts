import { describe, expect, it } from 'vitest';
import { dayOf } from '../../../../rules/book';
import {
  chanceText,
  oddsText,
  outlookText,
  rankingText,
  shortDate,
} from '../../../../rules/model/plainWords';
import { tierOf } from '../../../../rules/model/tier';

describe('the model in words', () => {
  it('says a chance as simple odds', () => {
    expect(oddsText(0.74)).toBe('3 in 4');
    expect(oddsText(0.5)).toBe('1 in 2');
    expect(oddsText(0.97)).toBe('19 in 20');
    expect(oddsText(0.07)).toBe('1 in 10');
  });

  it('writes a day as a rep reads it ("expected by Tue 24 Nov")', () => {
    expect(shortDate(dayOf('2026-11-24'))).toBe('Tue 24 Nov');
    expect(shortDate(dayOf('2024-02-29'))).toBe('Thu 29 Feb');
  });

  it('tiers by the longest window the customer is more likely than not to stay silent for', () => {
    expect(tierOf({ in30: 0.9, in60: 0.8, in90: 0.6 })).toBe('immediate');
    expect(tierOf({ in30: 0.9, in60: 0.55, in90: 0.4 })).toBe('moderate');
    expect(tierOf({ in30: 0.75, in60: 0.45, in90: 0.3 })).toBe('early_warning');
    expect(tierOf({ in30: 0.4, in60: 0.2, in90: 0.1 })).toBeNull();
    expect(chanceText({ in30: 0.75, in60: 0.45, in90: 0.3 }, 'early_warning')).toBe(
      '3 in 4 chance of no order in the next 30 days',
    );
  });

  it('puts the chance and the due date on one line, and says nothing without either', () => {
    const asOf = dayOf('2026-11-23');
    const base = { lastOrderDay: asOf - 34, daysSinceLastOrder: 34 };
    expect(
      outlookText({
        ...base,
        noOrderProbability: { in30: 0.8, in60: 0.7, in90: 0.6 },
        tier: 'immediate',
        expectedNextOrderDay: asOf - 25,
      }),
    ).toBe('3 in 5 chance of no order in the next 90 days; was due Thu 29 Oct');
    expect(
      outlookText({ ...base, noOrderProbability: null, tier: null, expectedNextOrderDay: asOf + 1 }),
    ).toBe('Expected by Tue 24 Nov');
    expect(
      outlookText({ ...base, noOrderProbability: null, tier: null, expectedNextOrderDay: null }),
    ).toBeNull();
  });

  it("gives a due day the year when it is not the as-of day's: a lapsed customer's was due a year back", () => {
    // As of Monday 10 Jan 2028, due on Thursday 7 Jan 2027: "was due Thu 7 Jan" reads as last week.
    const asOf = dayOf('2028-01-10');
    const base = { lastOrderDay: asOf - 415, daysSinceLastOrder: 415, noOrderProbability: null, tier: null };
    expect(outlookText({ ...base, expectedNextOrderDay: dayOf('2027-01-07') })).toBe(
      'Was due Thu 7 Jan 2027',
    );
    expect(outlookText({ ...base, expectedNextOrderDay: dayOf('2027-01-07') }, 'en-GB')).toBe(
      'Was due Thu 7 Jan 2027',
    );
    expect(outlookText({ ...base, expectedNextOrderDay: dayOf('2028-01-03') })).toBe('Was due Mon 3 Jan');
  });

  it('says what ranked the book, why, and how the naive ranking did', () => {
    const choice = {
      use: 'model' as const,
      reason: "the book's model beat the rules on 2026-06-03: AUC 0.9253 against 0.8922",
      horizonDays: 90,
      fitDates: ['2026-01-01'],
      validationDate: '2026-06-03',
      fitRows: 12000,
      validation: {
        activeWithinDays: 90,
        customers: 1100,
        churned: 140,
        modelAuc: 0.9253,
        rulesAuc: 0.8922,
        baselineAuc: 0.86561,
      },
      calibrated: true,
    };
    expect(rankingText(choice)).toBe(
      "Ranked by the book's own model: the book's model beat the rules on 2026-06-03: AUC 0.9253 against 0.8922 (on the 1,100 customers who ordered in the 90 days before it; days since the last order: AUC 0.8656).",
    );
    expect(rankingText({ ...choice, use: 'rules', reason: 'too little history', validation: null })).toBe(
      'Ranked by the rules: too little history.',
    );
  });
});
