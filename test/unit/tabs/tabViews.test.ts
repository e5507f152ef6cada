import { describe, expect, it } from 'vitest';
import { buildWeeklyCard } from '../../../cards/buildWeeklyCard';
import { weeklyCardDataFor } from '../../../jobs/weekly/weeklyCardFor';
import { repWeeks } from '../../../jobs/weekly/weeklyLists';
import { initialState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import { customerKind } from '../../../tabs/api/customerKinds';
import { scoredWeeks } from '../../../tabs/api/customerViews';
import { customerPageLink } from '../../../tabs/api/deepLink';
import { accuracyWords, untouchedThisWeek, valueAtRiskByRep } from '../../../tabs/api/teamViews';
import { matchPath } from '../../../tools/local/functionsHost';
import { adaptiveCardErrors } from '../../fixtures/adaptive-card-schema/validateAdaptiveCard';
import { texts } from '../cards/cardWalk';
import { representativeWeek } from '../cards/weeklyCardFixtures';
import { scoredBook } from '../weekly/scoredFixture';

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
  it('value at risk sums monthly value × score of active customers who are not steady, per rep', () => {
    const rows = valueAtRiskByRep(
      [
        { ...base, band: 'at_risk', score: 50 },
        { ...base, customerId: 'C-2', band: 'watch', score: 20, owner: 'Ana@x.example ' },
        { ...base, customerId: 'C-3', band: 'at_risk', score: 90, status: 'lost' },
        { ...base, customerId: 'C-4', owner: 'ben@x.example', band: 'watch', score: 10, monthlyValue: 300 },
      ],
      name,
    );
    expect(rows).toEqual([
      { owner: 'ana@x.example', name: 'ANA@X.EXAMPLE', valueAtRisk: 700, slipping: 2 },
      { owner: 'ben@x.example', name: 'BEN@X.EXAMPLE', valueAtRisk: 30, slipping: 1 },
    ]);
  });

  it('untouched this week: surfaced since Monday and no tap since', () => {
    const rows = untouchedThisWeek(
      [
        { ...base, surfacedAt: '2026-11-23', score: 40 },
        { ...base, customerId: 'C-2', surfacedAt: '2026-11-23', lastContact: '2026-11-24' },
        { ...base, customerId: 'C-3', surfacedAt: '2026-11-16' },
        { ...base, customerId: 'C-4', surfacedAt: '2026-11-23', lastContact: '2026-11-10' },
      ],
      '2026-11-23',
      name,
    );
    expect(rows).toEqual([
      {
        owner: 'ana@x.example',
        name: 'ANA@X.EXAMPLE',
        customers: [
          { customerId: 'C-1', name: 'Greenfield Cafe', valueAtRisk: 400 },
          { customerId: 'C-4', name: 'Greenfield Cafe', valueAtRisk: 0 },
        ],
      },
    ]);
  });

  it('says the backtest in plain words, beside the days-since-last-order baseline', () => {
    const words = accuracyWords(
      {
        asOfDay: 0,
        horizonDays: 90,
        activeWithinDays: null,
        topK: 10,
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
      } as Parameters<typeof accuracyWords>[0],
      '2026-08-25',
    );
    expect(words?.sentence).toBe(
      'Replayed on your own book as of 2026-08-25: of 200 customers, 20 placed no order in the next 90 days. ' +
        'Picking one who stopped and one who kept ordering, the score ranked the one who stopped higher 81% of the time, ' +
        "better than simply sorting by days since the last order (70%). In each rep's top 10, 40% really stopped ordering.",
    );
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
