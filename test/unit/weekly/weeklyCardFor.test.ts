import { describe, expect, it } from 'vitest';
import { buildWeeklyCard } from '../../../cards/buildWeeklyCard';
import { defaultRules } from '../../../rules/rulesSchema';
import {
  cardBytes,
  MAX_CARD_BYTES,
  weeklyCardDataFor,
  weeklyNotificationText,
} from '../../../runs/weeklyCardFor';
import { repWeeks } from '../../../runs/weeklyLists';
import { adaptiveCardErrors } from '../../fixtures/adaptive-card-schema/validateAdaptiveCard';
import { scoredBook } from './scoredFixture';

const RUN = 'weekly-2026-W48';

describe('weeklyCardDataFor', () => {
  it('carries name, band, score, value, reasons and play per row, and "+N more" with its value', () => {
    const rules = { ...defaultRules(), capPerRep: 2 };
    const book = scoredBook(
      [1000, 2000, 3000].map((v, k) => ({
        id: `c${k}`,
        name: ` Cafe ${k} `,
        owner: 'a@x.com',
        monthlyValue: v,
        slip: true,
      })),
      rules,
    );
    const [week] = repWeeks(book.customers, rules.capPerRep);
    const data = weeklyCardDataFor(week, rules, RUN, { currency: 'EUR', locale: 'de-DE' });
    expect(data.customers.map((c) => [c.customerId, c.name, c.monthlyValue])).toEqual([
      ['c2', 'Cafe 2', 3000],
      ['c1', 'Cafe 1', 2000],
    ]);
    const top = week.shown[0];
    expect(data.customers[0]).toEqual({
      customerId: 'c2',
      name: 'Cafe 2',
      band: 'at_risk',
      score: top.score,
      monthlyValue: 3000,
      reasons: top.reasons,
      play: top.play.text,
      outcome: null,
      // Issue 14: the date the next order was due at the customer's own pace (no calibrated chance on a two-customer book).
      outlook: 'Was due Mon 21 Sep',
    });
    expect(data.overflow).toEqual({ count: 1, monthlyValue: 1000 });
    expect(data.lossReasons.map((r) => r.value)).toEqual(['price', 'competitor', 'went_quiet', 'other']);
    expect(data).toMatchObject({ runKey: RUN, currency: 'EUR', locale: 'de-DE' });
    expect(weeklyNotificationText(data)).toBe('Week 48: 3 customers slipping, 6.000\u00a0€/month');
  });

  it('a blank name falls back to the id; no overflow when everything fits', () => {
    const book = scoredBook([{ id: 'c0', name: '   ', owner: 'a@x.com', monthlyValue: 500, slip: true }]);
    const [week] = repWeeks(book.customers, 10);
    const data = weeklyCardDataFor(week, defaultRules(), RUN);
    expect(data.customers[0].name).toBe('c0');
    expect(data.overflow).toBeUndefined();
    expect(weeklyNotificationText(data)).toBe('Week 48: 1 customer slipping, $500/month');
  });

  it('the fullest card (25 long rows + overflow) is valid Adaptive Card 1.5 JSON under 80 KB', () => {
    const rules = { ...defaultRules(), capPerRep: 100 };
    const book = scoredBook(
      Array.from({ length: 100 }, (_, k) => ({
        id: `customer-${'x'.repeat(200)}-${k}`,
        name: `${'Very Long Customer Name '.repeat(20)}${k}`,
        owner: 'a@x.com',
        monthlyValue: 987_654.32 + k,
        slip: true,
      })),
      rules,
    );
    const [week] = repWeeks(book.customers, rules.capPerRep);
    const card = buildWeeklyCard(weeklyCardDataFor(week, rules, RUN));
    expect(adaptiveCardErrors(card)).toEqual([]);
    expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
    expect(JSON.stringify(card)).toContain('+75 more');
  });
});
