import { describe, expect, it } from 'vitest';
import { buildWeeklyCard } from '../../../cards/buildWeeklyCard';
import { computeMonthlySummary } from '../../../jobs/monthly';
import { weeklyCardDataFor } from '../../../jobs/weekly/weeklyCardFor';
import { repWeeks } from '../../../jobs/weekly/weeklyLists';
import { dayOf } from '../../../rules/book';
import { type CustomerState, initialState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import { scoreBook } from '../../../rules/scoreBook';
import { customerKind } from '../../../tabs/api/customerKinds';
import { customerRow, customerRows, scoredById, scoredWeeks } from '../../../tabs/api/customerViews';
import { customerPageLink } from '../../../tabs/api/deepLink';
import {
  accuracyWords,
  monthFigures,
  untouchedThisWeek,
  valueAtRiskByRep,
} from '../../../tabs/api/teamViews';
import { matchPath } from '../../../tools/local/functionsHost';
import { adaptiveCardErrors } from '../../fixtures/adaptive-card-schema/validateAdaptiveCard';
import { bookFromRows } from '../../helpers/bookFromRows';
import { texts } from '../cards/cardWalk';
import { representativeWeek } from '../cards/weeklyCardFixtures';
import { Rows } from '../monthly/auditRows';
import { AS_OF, scoredBook } from '../weekly/scoredFixture';

const base = initialState({
  customerId: 'C-1',
  name: 'Greenfield Cafe',
  owner: 'ana@x.example',
  monthlyValue: 1000,
});

describe('the weekly card links a name to its customer page', () => {
  it('as a Teams deep link to the personal tab, with the customer id as the sub-entity', () => {
    expect(customerPageLink('11111111-2222', 'C-1001')).toBe(
      'https://teams.microsoft.com/l/entity/11111111-2222/customers?context=%7B%22subEntityId%22%3A%22C-1001%22%7D',
    );
  });

  it('only when the Teams app id is configured; the card stays valid', () => {
    const plain = buildWeeklyCard(representativeWeek());
    expect(texts(plain)).toContain('Greenfield Cafe');
    const linked = buildWeeklyCard({ ...representativeWeek(), tabAppId: 'app-1' });
    expect(texts(linked)).toContain(`[Greenfield Cafe](${customerPageLink('app-1', 'cust-001')})`);
    expect(adaptiveCardErrors(linked)).toEqual([]);
  });

  it("an id with markdown's link characters keeps the link whole and opens that customer", () => {
    // The feed takes any text as an id: ")" would end the card's markdown link early, "*" start emphasis.
    const id = "ACME (UK) *1* it's!";
    const week = representativeWeek();
    week.customers[0].customerId = id;
    const nameText =
      texts(buildWeeklyCard({ ...week, tabAppId: 'app-1' })).find((t) => t.startsWith('[')) ?? '';
    const link = /^\[Greenfield Cafe\]\((https:\/\/[^()*\s]+)\)$/.exec(nameText);
    expect(link).not.toBeNull();
    const context = new URL(link?.[1] ?? '').searchParams.get('context') ?? '';
    expect(JSON.parse(context)).toEqual({ subEntityId: id });
  });

  it('the weekly run passes the Teams app id to the card data', () => {
    const rules = defaultRules();
    const book = scoredBook(
      [{ id: 'c1', name: 'Cafe', owner: 'a@x.com', monthlyValue: 900, slip: true }],
      rules,
    );
    const [week] = repWeeks(book.customers, rules.capPerRep);
    expect(weeklyCardDataFor(week, rules, 'weekly-2026-W48', { tabAppId: 'app-1' }).tabAppId).toBe('app-1');
    expect(weeklyCardDataFor(week, rules, 'weekly-2026-W48').tabAppId).toBeUndefined();
  });
});

describe('customer kinds: what the rep did, then the kind of name the weekly run gave, as the card shows it', () => {
  it('lost, won back, reached out and not back yet, then lapsed, then the kind at risk, watch, steady', () => {
    expect(customerKind({ ...base, status: 'lost', segment: 'slipping' }, 40)).toBe('lost');
    expect(customerKind({ ...base, wonBackAt: '2026-11-20', segment: 'slipping' }, 40)).toBe('won_back');
    expect(
      customerKind(
        {
          ...base,
          band: 'at_risk',
          segment: 'slipping',
          surfacedAt: '2026-11-16',
          lastContact: '2026-11-17',
        },
        40,
      ),
    ).toBe('not_back_yet');
    expect(customerKind({ ...base, band: 'watch', segment: 'lapsed' }, 40)).toBe('lapsed');
    expect(customerKind({ ...base, band: 'at_risk', segment: 'slipping' }, 40)).toBe('slipping');
    expect(customerKind({ ...base, band: 'at_risk', segment: 'not_back' }, 40)).toBe('new_not_back');
    // A day late at a small chance is worth a look, not a call.
    expect(customerKind({ ...base, band: 'watch', segment: 'slipping' }, 40)).toBe('watch');
    expect(customerKind({ ...base, band: 'watch', segment: 'not_back' }, 40)).toBe('watch');
    expect(customerKind(base, 40)).toBe('steady');
  });

  it('a customer with no order yet is "No orders yet", not "Steady" (as the CLI counts them apart)', () => {
    // A customer export also lists accounts that have not ordered yet (prospects, new accounts).
    const book = bookFromRows({
      customers: [
        { id: 'C-1', owner: 'ana@x.example' },
        { id: 'C-2', owner: 'ana@x.example' },
      ],
      orders: [{ customerId: 'C-2', date: '2026-11-02', amount: 100 }],
    });
    const scored = scoredById(scoreBook(book, defaultRules(), dayOf(AS_OF)));
    expect(customerRow(base, scored.get('C-1')).kind).toBe('no_orders');
    expect(customerRow({ ...base, customerId: 'C-2' }, scored.get('C-2')).kind).toBe('steady');
  });

  it('reached out to and ordered since is not "reached out, not back yet": they are back', () => {
    const called = { ...base, segment: null, surfacedAt: '2026-11-16', lastContact: '2026-11-17' };
    expect(customerKind(called, 4, '2026-11-19')).toBe('steady');
    // An order on the day of the call is no answer to it (the follow-ups go by the same).
    expect(customerKind(called, 6, '2026-11-17')).toBe('not_back_yet');
    // From the row: today's scoring has the last order (every Monday, the last on 16 Nov).
    const scored = scoredBook([{ id: 'C-1', owner: 'ana@x.example', monthlyValue: 1000, slip: false }]);
    const ordered = scored.customers[0];
    const calledEarlier = { ...called, surfacedAt: '2026-11-09', lastContact: '2026-11-10' };
    expect(customerRow(calledEarlier, ordered).kind).toBe('steady');
    expect(customerRow({ ...calledEarlier, lastContact: '2026-11-16' }, ordered).kind).toBe('not_back_yet');
  });

  it('listed on Monday and ordered on Wednesday is not "Slipping" that week: ordered since the card', () => {
    const listed = {
      ...base,
      band: 'at_risk' as const,
      segment: 'slipping' as const,
      surfacedAt: '2026-11-23',
    };
    expect(customerKind(listed, 2, '2026-11-25')).toBe('ordered_since');
    // An order on the listing day came after the card: nobody who ordered that day is listed.
    expect(customerKind(listed, 4, '2026-11-23')).toBe('ordered_since');
    expect(customerKind({ ...listed, segment: 'not_back' }, 2, '2026-11-25')).toBe('ordered_since');
    expect(customerKind({ ...listed, band: 'watch', segment: 'lapsed' }, 2, '2026-11-25')).toBe(
      'ordered_since',
    );
    // The last order before the listing: still the kind the weekly run gave.
    expect(customerKind(listed, 40, '2026-10-14')).toBe('slipping');
    // Reached out, then ordered: the same.
    expect(customerKind({ ...listed, lastContact: '2026-11-24' }, 2, '2026-11-25')).toBe('ordered_since');
    // Not a listed kind (the weekly run has scored them since the order): its own kind.
    expect(customerKind({ ...listed, band: 'watch' }, 2, '2026-11-25')).toBe('watch');
    expect(customerKind({ ...listed, band: 'steady', segment: null }, 2, '2026-11-25')).toBe('steady');
  });

  it('a row stored before the kinds (no segment) reads as it did: lapsed past 180 days, else at risk as slipping', () => {
    expect(customerKind({ ...base, band: 'at_risk', segment: null }, 40)).toBe('slipping');
    expect(customerKind({ ...base, band: 'at_risk', segment: null }, 400)).toBe('lapsed');
    expect(customerKind({ ...base, band: 'watch', segment: null }, 400)).toBe('lapsed');
    // A kind from the weekly run wins over the silence.
    expect(customerKind({ ...base, band: 'at_risk', segment: 'slipping' }, 400)).toBe('slipping');
  });
});

describe('team figures', () => {
  const name = (owner: string) => owner.toUpperCase();
  const rules = defaultRules();
  // Two of Ana's customers slipping, one of Ben's; scored as the weekly card scores them.
  const book = scoredBook(
    [
      { id: 'C-1', name: 'Cafe', owner: 'ana@x.example', monthlyValue: 900, slip: true },
      { id: 'C-2', name: 'Deli', owner: 'ana@x.example', monthlyValue: 400, slip: true },
      { id: 'C-3', name: 'Bakery', owner: 'ana@x.example', monthlyValue: 700, slip: true },
      { id: 'C-4', name: 'Bar', owner: 'ben@x.example', monthlyValue: 300, slip: true },
      { id: 'C-5', name: 'Shop', owner: 'ben@x.example', monthlyValue: 300, slip: false },
    ],
    rules,
  );
  const byId = scoredById(book);
  const state = (id: string, overrides: Partial<CustomerState> = {}): CustomerState => {
    const c = byId.get(id);
    if (!c) throw new Error(id);
    return {
      ...initialState({ customerId: id, name: c.name, owner: c.owner, monthlyValue: c.monthlyValue }),
      score: c.score,
      band: c.band,
      segment: c.segment,
      surfacedAt: '2026-11-23',
      ...overrides,
    };
  };

  it('value at risk by rep: the customers the card counts (its gates on the stored state), value × chance as on the card', () => {
    expect(book.customers.filter((c) => c.segment && c.band === 'at_risk')).toHaveLength(4);
    const rows = valueAtRiskByRep(
      [
        // A stored score unlike the chance: the figure must not come from it.
        state('C-1', { score: 10 }),
        // Reached out yesterday: paused, the card does not count them.
        state('C-2', { lastContact: '2026-11-22' }),
        state('C-3', { status: 'lost' }),
        state('C-4', { owner: 'Ben@x.example ' }),
        state('C-5'),
      ],
      byId,
      { rules, today: AS_OF, locale: 'en-US' },
      name,
    );
    const risk = (id: string) => byId.get(id)?.valueAtRisk ?? Number.NaN;
    expect(rows).toEqual([
      {
        owner: 'ana@x.example',
        name: 'ANA@X.EXAMPLE',
        valueAtRisk: Math.round(risk('C-1')),
        listed: 1,
        countsText: '1 slipping',
      },
      {
        owner: 'ben@x.example',
        name: 'BEN@X.EXAMPLE',
        valueAtRisk: Math.round(risk('C-4')),
        listed: 1,
        countsText: '1 slipping',
      },
    ]);
    // Not the monthly value weighted by the score.
    expect(rows[0].valueAtRisk).not.toBe(90);
  });

  it("untouched this week: on this week's cards and no tap since first listed, at the value at risk the card states", () => {
    // This week's run listed all four. C-3 is on its second card, never touched: untouched too.
    const listed = new Set(['C-1', 'C-2', 'C-3', 'C-4']);
    const rows = untouchedThisWeek(
      [
        state('C-1'),
        state('C-2', { lastContact: '2026-11-24' }),
        state('C-3', { surfacedAt: '2026-11-16' }),
        state('C-4', { lastContact: '2026-11-10', owner: 'ana@x.example' }),
      ],
      byId,
      listed,
      name,
    );
    const at = (id: string) => Math.round(byId.get(id)?.valueAtRisk ?? 0);
    expect(rows).toEqual([
      {
        owner: 'ana@x.example',
        name: 'ANA@X.EXAMPLE',
        customers: [
          { customerId: 'C-1', name: 'Cafe', valueAtRisk: at('C-1') },
          { customerId: 'C-3', name: 'Bakery', valueAtRisk: at('C-3') },
          { customerId: 'C-4', name: 'Bar', valueAtRisk: at('C-4') },
        ].sort((a, b) => b.valueAtRisk - a.valueAtRisk),
      },
    ]);
    // Off this week's cards (paused after a call last week, say): not untouched, whatever its surfacedAt.
    expect(untouchedThisWeek([state('C-1')], byId, new Set(['C-4']), name)).toEqual([]);
  });

  it("a feed name's bidi overrides and zero-width characters reach the tab as spaces, as on the cards", () => {
    // U+202E shows "Cafe\u202Efdp.exe" as "Cafeexe.pdf"; a zero-width space makes a second "Cafe" look like the first.
    const disguised = 'Ca\u200bfe \u202Efdp.exe\u202C\u0007';
    const shown = 'Ca fe fdp.exe';
    expect(customerRow(state('C-1', { name: disguised }), byId.get('C-1')).name).toBe(shown);
    const [rep] = untouchedThisWeek([state('C-1', { name: disguised })], byId, new Set(['C-1']), name);
    expect(rep.customers.map((c) => c.name)).toEqual([shown]);
  });

  it('says the backtest in plain words, beside the days-since-last-order baseline', () => {
    const words = accuracyWords(
      replay({
        customers: 200,
        churned: 20,
        score: { auc: 0.81, topKPrecision: 0.4 },
        baseline: { auc: 0.7, topKPrecision: 0.3 },
        choice: {
          use: 'rules',
          reason: 'too little history',
          horizonDays: 90,
          fitDates: [],
          validationDate: null,
          fitRows: 0,
          validation: null,
          calibrated: false,
        },
        calibration: null,
      }),
      '2026-08-25',
      { today: '2026-11-23', locale: 'en-US' },
    );
    expect(words?.sentence).toBe(
      "Replayed on the team's whole book as of Tue 25 Aug: of 200 customers, 20 placed no order in the next 90 days. " +
        'Picking one who stopped and one who kept ordering, the scoring ranked the one who stopped higher 81% of the time, ' +
        "better than simply sorting by days since the last order (70%). In each rep's top 10, 40% really stopped ordering.",
    );
  });
});

/** A 90-day backtest of each rep's top 10, with the figures a test gives. */
function replay(figures: Partial<Parameters<typeof accuracyWords>[0]>): Parameters<typeof accuracyWords>[0] {
  return {
    asOfDay: 0,
    horizonDays: 90,
    activeWithinDays: null,
    topK: 10,
    calibration: null,
    ...figures,
  } as Parameters<typeof accuracyWords>[0];
}

describe("the team tab's accuracy sentence, in LOCALE as the cards word dates and numbers", () => {
  it('a replay date of last year carries its year, and a big book its thousands separator', () => {
    const result = replay({
      customers: 4372,
      churned: 1250,
      score: { auc: 0.8, topKPrecision: 0.5 },
      baseline: { auc: 0.75, topKPrecision: 0.4 },
    });
    const words = accuracyWords(result, '2025-12-22', { today: '2026-03-23', locale: 'en-GB' });
    expect(words?.sentence).toMatch(
      /^Replayed on the team's whole book as of Mon 22 Dec 2025: of 4,372 customers, 1,250 placed no order/,
    );
  });
});

describe("the team tab's accuracy sentence says how close the stated chances were", () => {
  // Online Retail replayed as of 2011-06-14 (the Team tab's replay on 12 Sep 2011, and
  // `churn-predictor backtest --as-of 2011-06-14 --horizon 90`): Brier skill 0.1776, decile gaps
  // 0.0547 on average and 0.1226 at worst. Every customer row states a chance: a manager is told
  // how far to trust it.
  /** The sentence of that replay, with the calibration figures `c`. */
  const sentence = (c: { brierSkill: number; meanDecileGap: number; worstDecileGap: number }) =>
    accuracyWords(
      replay({
        customers: 2840,
        churned: 1476,
        score: { auc: 0.7443, topKPrecision: 0.86 },
        baseline: { auc: 0.6685, topKPrecision: 0.82 },
        calibration: { rows: 2840, baseRate: 0.5197, brier: 0.2, deciles: [], ...c },
      }),
      '2011-06-14',
      { today: '2011-09-12', locale: 'en-GB' },
    )?.sentence;

  it('off the goals (Online Retail): by how much, and to read them as rough', () => {
    expect(sentence({ brierSkill: 0.1776, meanDecileGap: 0.0547, worstDecileGap: 0.1226 })).toMatch(
      /In each rep's top 10, 86% really stopped ordering\. The chances of no order in 90 days it stated were off by 5 points on average, 12 at worst: read them as rough\.$/,
    );
  });

  it('close to what happened but hardly better than one chance for all: says so, not that they were off', () => {
    // A book whose stated chances sit near its base rate: every group of ten came true, but the
    // chances tell one customer from another little more than the base rate does (Brier skill 0.03).
    expect(sentence({ brierSkill: 0.03, meanDecileGap: 0.02, worstDecileGap: 0.06 })).toMatch(
      /The chances of no order in 90 days it stated were within 6 points of what happened \(2 on average\), but hardly better than stating the same chance for every customer: read them as rough\.$/,
    );
  });

  it('within the goals: says they held', () => {
    expect(sentence({ brierSkill: 0.2, meanDecileGap: 0.03, worstDecileGap: 0.08 })).toMatch(
      /The chances of no order in 90 days it stated were within 8 points of what happened \(3 on average\)\.$/,
    );
  });
});

describe("the team tab's accuracy sentence, its percents and days in LOCALE too", () => {
  it('writes every figure of the sentence as the summary card beside it does', () => {
    const result = replay({
      customers: 200,
      churned: 20,
      score: { auc: 0.81, topKPrecision: 0.4 },
      baseline: { auc: 0.7, topKPrecision: 0.3 },
      calibration: {
        rows: 200,
        baseRate: 0.1,
        brier: 0.08,
        deciles: [],
        brierSkill: 0.2,
        meanDecileGap: 0.03,
        worstDecileGap: 0.08,
      },
    });
    // de-DE: a space before the percent sign, as the summary's win-back rate has it.
    expect(accuracyWords(result, '2026-08-25', { today: '2026-11-23', locale: 'de-DE' })?.sentence).toMatch(
      /next 90 days\. .* higher 81\u00a0% of the time, .* \(70\u00a0%\)\. In each rep's top 10, 40\u00a0% really/,
    );
    // mr-IN writes its own digits: none of the sentence's figures in another script.
    const mr = accuracyWords(result, '2026-08-25', { today: '2026-11-23', locale: 'mr-IN' })?.sentence ?? '';
    expect(mr).toMatch(/next ९० days\. .* higher ८१\u00a0?% of the time/);
    expect(mr).toMatch(/within ८ points of what happened \(३ on average\)\.$/);
    expect(mr).not.toMatch(/[0-9]/);
  });
});

describe("the team tab's month row", () => {
  it("follow-up conversion is the summary card's reached out, then won back: not every save over every contact", () => {
    // Two reached out to, neither won back; two others won back straight from the card.
    const rows = new Rows();
    rows.add('reached_out', 'cedar', '2026-11-10T16:00:00Z');
    rows.add('reached_out', 'larch', '2026-11-10T16:00:00Z');
    rows.wonBack('dogwood', '2026-11-11T16:00:00Z', 450);
    rows.wonBack('hazel', '2026-11-20T16:00:00Z', 1500);
    const summary = computeMonthlySummary({ month: '2026-11', rows: rows.all, timeZone: 'America/Chicago' });
    expect(summary.followUps).toMatchObject({ reachedOut: 2, reachedOutThenWonBack: 0 });
    expect(monthFigures(summary)).toMatchObject({ reachedOut: 2, saves: 2, followUpConversion: 0 });

    rows.wonBack('cedar', '2026-11-24T16:00:00Z', 900);
    const later = computeMonthlySummary({ month: '2026-11', rows: rows.all, timeZone: 'America/Chicago' });
    expect(monthFigures(later).followUpConversion).toBe(0.5);
  });
});

describe('tab plumbing', () => {
  it('scores week by week on Mondays, ending with the current week', () => {
    expect(scoredWeeks('2026-11-25', 3)).toEqual(['2026-11-09', '2026-11-16', '2026-11-23']);
    expect(scoredWeeks('2026-11-23', 1)).toEqual(['2026-11-23']);
  });

  it('the local host matches Functions-style routes: {id} one segment, {*path} the rest', () => {
    expect(matchPath('/api/tab/customers/{id}', '/api/tab/customers/C%201')).toEqual({ id: 'C 1' });
    expect(matchPath('/api/tab/customers/{id}', '/api/tab/customers/C-1/actions')).toBeNull();
    expect(matchPath('/api/tab/customers/{id}/actions', '/api/tab/customers/C-1/actions')).toEqual({
      id: 'C-1',
    });
    expect(matchPath('/tab/{*path}', '/tab/assets/index.js')).toEqual({ path: 'assets/index.js' });
    expect(matchPath('/api/messages', '/api/messages')).toEqual({});
    expect(matchPath('/api/messages', '/api/messages/x')).toBeNull();
  });
});

describe('My customers after the feed dropped a customer', () => {
  it('keeps their row under "no longer in the feed", not under the kind the last weekly run gave them', () => {
    const scored = scoredBook([
      { id: 'C-2', name: 'Blue Door', owner: 'ana@x.example', monthlyValue: 900, slip: true },
    ]);
    // Greenfield was slipping when the weekly run last scored it; this week's feed has no C-1.
    const gone: CustomerState = {
      ...base,
      band: 'at_risk',
      segment: 'slipping',
      score: 80,
      surfacedAt: '2026-11-16',
    };
    const still = {
      ...initialState({ customerId: 'C-2', name: 'Blue Door', owner: 'ana@x.example', monthlyValue: 900 }),
    };
    const rows = customerRows([gone, still], scored, ['ana@x.example']);
    expect(rows.find((r) => r.customerId === 'C-1')).toMatchObject({ kind: 'not_in_feed', valueAtRisk: 0 });
    expect(rows.find((r) => r.customerId === 'C-2')?.kind).not.toBe('not_in_feed');
    // Without a scoring to go by (none read), nobody is said to be gone.
    expect(customerRows([gone], null, null)[0].kind).toBe('slipping');
  });
});
