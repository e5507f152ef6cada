import { describe, expect, it } from 'vitest';
import { buildWeeklyCard, weeklyRowBytes } from '../../../cards/buildWeeklyCard';
import { cardBytes } from '../../../cards/cardSize';
import {
  listPagesOf,
  repCardData,
  weeklyCardDataFor,
  weeklyNotificationText,
} from '../../../jobs/weekly/weeklyCardFor';
import { repWeeks } from '../../../jobs/weekly/weeklyLists';
import { defaultRules } from '../../../rules/rulesSchema';
import { adaptiveCardErrors } from '../../fixtures/adaptive-card-schema/validateAdaptiveCard';
import { ofType, texts } from '../cards/cardWalk';
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
    expect(data.page).toEqual({ number: 1, pageCount: 2, nextStart: 2, nextCount: 1 });
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

  it('the fullest list (100 rows with 200-character ids and long names): every page fits 80 KB as Teams counts it (UTF-16), and the pages show each customer once', () => {
    const rules = { ...defaultRules(), capPerRep: 25 };
    const book = scoredBook(
      Array.from({ length: 100 }, (_, k) => ({
        id: `customer-${'x'.repeat(200)}-${k}`,
        name: `${'Very Long Customer Name '.repeat(40)}${k}`,
        owner: 'a@x.com',
        monthlyValue: 987_654.32 + k,
        slip: true,
      })),
      rules,
    );
    const [week] = repWeeks(book.customers, rules.capPerRep);
    const ranked = [...week.shown, ...week.overflow].map((c) => c.customerId);
    const shown: string[] = [];
    let data = weeklyCardDataFor(week, rules, RUN);
    for (;;) {
      const card = buildWeeklyCard(data);
      expect(adaptiveCardErrors(card)).toEqual([]);
      // Teams counts two bytes per UTF-16 code unit of the JSON: the ids and names are ASCII here.
      expect(2 * JSON.stringify(card).length).toBeLessThanOrEqual(80 * 1024);
      // A tap replaces the card with the row's outcome in place of its buttons: it never grows.
      const outcome = {
        kind: 'lost',
        by: 'B'.repeat(500),
        at: '2026-11-24',
        reason: 'other',
        note: 'n'.repeat(2000),
      };
      const tapped = buildWeeklyCard({
        ...data,
        customers: data.customers.map((c) => ({ ...c, outcome }) as never),
      });
      expect(2 * JSON.stringify(tapped).length).toBeLessThanOrEqual(80 * 1024);
      shown.push(...data.customers.map((c) => c.customerId));
      const rest = ranked.length - shown.length;
      expect(data.overflow?.count ?? 0).toBe(rest);
      expect(data.counts).toEqual({ slipping: 100, not_back: 0, lapsed: 0 });
      if (rest === 0) break;
      const button = ofType(card, 'Action.Submit').find((a) => String(a.title).startsWith('Show the next'));
      if (!button) throw new Error('a page with more after it has no "Show the next" button');
      const { page, start } = button.data as { page: number; start: number };
      const next = repCardData(week, rules, RUN, { page, start, kind: 'list' });
      // The button says how many the next page shows.
      expect(button.title).toBe(`Show the next ${next.customers.length}`);
      data = next;
    }
    expect(shown).toEqual(ranked);
    // The first page says it shows only part of the list.
    expect(texts(buildWeeklyCard(weeklyCardDataFor(week, rules, RUN)))[0]).toMatch(
      /^Week 48 · 100 slipping; the first \d+ shown$/,
    );
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
    expect(listPagesOf(week, rules, RUN)).toHaveLength(3);
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
      '{"action":"list_page","page":2,"start":2,"after":"c3","runKey":"weekly-2026-W48","v":1}',
    );
    expect(button(last)).not.toContain('list_page');
    // A tap goes on from the row its card ended at; one past the list as of now (it got shorter since)
    // counts the pages from the top, so the bot can say there is no such page.
    expect(
      repCardData(week, rules, RUN, { page: 2, start: 3, kind: 'list' }).customers.map((c) => c.customerId),
    ).toEqual(['c1', 'c0']);
    expect(repCardData(week, rules, RUN, { page: 4, start: 9, kind: 'list' }).page).toEqual({
      number: 3,
      pageCount: 3,
    });
    expect(adaptiveCardErrors(buildWeeklyCard(second))).toEqual([]);
  });

  it("measures each row as its share of the card: the rows' sizes add up to the card's less its frame", () => {
    const rules = { ...defaultRules(), capPerRep: 12 };
    const book = scoredBook(
      Array.from({ length: 12 }, (_, k) => ({
        id: `C-${k}-${'é'.repeat(k * 20)}`,
        name: `Café ${'Ü'.repeat(k * 30)} ${k}`,
        owner: 'a@x.com',
        monthlyValue: 900 + k,
        slip: true,
      })),
      rules,
    );
    const [week] = repWeeks(book.customers, rules.capPerRep);
    const data = weeklyCardDataFor(week, rules, RUN);
    const rows = weeklyRowBytes(data);
    const frame = cardBytes(buildWeeklyCard({ ...data, customers: [] }));
    const whole = cardBytes(buildWeeklyCard(data));
    expect(rows).toHaveLength(12);
    // Each row costs differently (its name and id grow); their sum and the frame make the card,
    // give or take the few bytes of the header's and footer's wording about the rows.
    expect(new Set(rows).size).toBe(12);
    expect(Math.abs(frame + rows.reduce((a, b) => a + b, 0) - whole)).toBeLessThan(400);
  });
});
