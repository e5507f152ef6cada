import { describe, expect, it } from 'vitest';
import { buildWeeklyCard } from '../../../cards/buildWeeklyCard';
import {
  cardBytes,
  MAX_CARD_BYTES,
  pageCountOf,
  repCardData,
  weeklyCardDataFor,
  weeklyNotificationText,
} from '../../../jobs/weekly/weeklyCardFor';
import { repWeeks } from '../../../jobs/weekly/weeklyLists';
import { defaultRules } from '../../../rules/rulesSchema';
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
    const data = weeklyCardDataFor(week, rules, RUN, {
      currency: 'EUR',
      locale: 'de-DE',
      date: '2026-11-23',
      horizonDays: 90,
    });
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
      // The plan's days and the due date in the card's locale, as its money.
      play: 'Standard: Time-limited offer (email), Mo., 23. Nov., Do., 26. Nov. and Do., 3. Dez.',
      flags: [],
      outcome: null,
      segment: 'slipping',
      valueKind: 'monthly',
      noOrder: { probability: top.listChance, horizonDays: 90 },
      valueAtRisk: top.valueAtRisk,
      change: null,
      // The date the next order was due at the customer's own pace.
      outlook: 'Was due Mo., 21. Sept.',
    });
    expect(data.overflow).toEqual({ count: 1, monthlyValue: 1000 });
    expect(data.counts).toEqual({ slipping: 3, not_back: 0, lapsed: 0 });
    expect(data.page).toEqual({ number: 1, pageCount: 2 });
    expect(data.lossReasons.map((r) => r.value)).toEqual(['price', 'competitor', 'went_quiet', 'other']);
    expect(data).toMatchObject({ runKey: RUN, currency: 'EUR', locale: 'de-DE' });
    expect(weeklyNotificationText(data)).toBe('Week 48: 3 slipping');
  });

  it('a blank name falls back to the id; no overflow when everything fits', () => {
    const book = scoredBook([{ id: 'c0', name: '   ', owner: 'a@x.com', monthlyValue: 500, slip: true }]);
    const [week] = repWeeks(book.customers, 10);
    const data = weeklyCardDataFor(week, defaultRules(), RUN);
    expect(data.customers[0].name).toBe('c0');
    expect(data.overflow).toBeUndefined();
    expect(weeklyNotificationText(data)).toBe('Week 48: 1 slipping');
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

  it('pages through the whole list: page 2 shows the next customers, the last page has no "more"', () => {
    const rules = { ...defaultRules(), capPerRep: 2 };
    const book = scoredBook(
      Array.from({ length: 5 }, (_, k) => ({
        id: `c${k}`,
        owner: 'a@x.com',
        monthlyValue: 100 * (k + 1),
        slip: true,
      })),
      rules,
    );
    const [week] = repWeeks(book.customers, rules.capPerRep);
    expect(pageCountOf(week)).toBe(3);
    const ids = (page: number) =>
      repCardData(week, rules, RUN, { page, kind: 'list' }).customers.map((c) => c.customerId);
    expect([ids(1), ids(2), ids(3)]).toEqual([['c4', 'c3'], ['c2', 'c1'], ['c0']]);
    const second = repCardData(week, rules, RUN, { page: 2, kind: 'list' });
    expect(second.overflow).toEqual({ count: 1, monthlyValue: 100 });
    expect(second.counts).toEqual({ slipping: 5, not_back: 0, lapsed: 0 });
    const last = repCardData(week, rules, RUN, { page: 3, kind: 'list' });
    expect(last.overflow).toBeUndefined();
    // The first page's button asks for page 2; the last page has none.
    const button = (data: object) => JSON.stringify(buildWeeklyCard(data as never));
    expect(button(repCardData(week, rules, RUN, { page: 1 }))).toContain(
      '{"action":"list_page","page":2,"v":1}',
    );
    expect(button(last)).not.toContain('list_page');
    expect(adaptiveCardErrors(buildWeeklyCard(second))).toEqual([]);
  });
});
