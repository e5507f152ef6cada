import { describe, expect, it } from 'vitest';
import { buildMonthlySummaryCard, MAX_LISTED_REPS } from '../../../cards';
import { computeMonthlySummary, type MonthlySummary, renderSummaryText } from '../../../jobs/monthly';
import { teamTabLink } from '../../../tabs/api/deepLink';
import { adaptiveCardErrors } from '../../fixtures/adaptive-card-schema/validateAdaptiveCard';
import {
  chartsOf,
  donutChartSchema,
  horizontalBarChartSchema,
  withChartFallbacks,
} from '../../helpers/cardCharts';
import { type Node, ofType, oneLineTexts, perRepFigures, texts } from '../cards/cardWalk';
import { LOSS_REASONS, Rows, snapshotSurfacedOn } from './auditRows';
import { ANA, november } from './novemberFixture';

const summary = (): MonthlySummary =>
  computeMonthlySummary({
    month: '2026-11',
    timeZone: 'America/Chicago',
    lossReasons: LOSS_REASONS,
    repNames: { [ANA]: 'Ana Ruiz' },
    ...november(),
  });

/** Facts of the first FactSet (the figures) as title -> value. */
const figures = (card: object) =>
  Object.fromEntries(
    ((ofType(card, 'FactSet')[0].facts as Node[]) ?? []).map((f) => [String(f.title), String(f.value)]),
  );

describe('buildMonthlySummaryCard', () => {
  it('matches the snapshot for the worked November', () => {
    expect(buildMonthlySummaryCard(summary())).toMatchSnapshot();
  });

  it('wraps every text, so the per-rep list on a phone shows each amount in full rather than cut with an ellipsis', () => {
    expect(oneLineTexts(buildMonthlySummaryCard(summary()))).toEqual([]);
  });

  it('shows the headline and every figure', () => {
    const card = buildMonthlySummaryCard(summary());
    expect(card.version).toBe('1.5');
    expect(texts(card).slice(0, 2)).toEqual([
      'Churn Predictor · November 2026',
      'The team won back $3,400 of monthly revenue in November from 2 at-risk customers. 4 lost.',
    ]);
    expect(figures(card)).toEqual({
      'Won back': '2 saves',
      'Monthly value recovered': '$3,400',
      'Flagged at risk': '8 customers',
      'Reached out': '3 times',
      // What the rate divides by, and what the median is of, in the words of the card.
      'Win-back rate': '25% (2 of 8 customers flagged this month won back)',
      'Median days, flagged to won back': '14 (middle of 2 saves)',
      Lost: '4',
      'At risk again after a save': '1',
      // Both saves followed a reach-out in the month; the third reach-out is still open.
      'Reached out, then won back': '2 of 3 customers reached out to (67%)',
      'Undone (not counted)': '3',
    });
    expect(texts(card)).toContain('2 of 4 losses were price: that is a pricing conversation.');
    expect(texts(card)).toContain('At risk again within 90 days of a save: 1');
    expect(texts(card)).toContain('Customer c10: won back 10 Sep, at risk again 16 Nov');
  });

  it('says of each re-churned customer whether the save held, one line each, and counts those past the first five', () => {
    const s = summary();
    const entry = { customerId: 'a', owner: ANA, wonBackOn: '2026-09-10', atRiskAgainOn: '2026-11-16' };
    const names = ['Alder', 'Birch', 'Cedar', 'Dogwood', 'Elm', 'Fir', 'Gum'];
    const card = buildMonthlySummaryCard({
      ...s,
      reChurnWindowDays: 148,
      reChurn: names.map((name, k) => ({
        ...entry,
        name,
        orderedSince: k === 0 ? false : k === 1 ? true : null,
      })),
    });
    const shown = texts(card);
    const at = shown.indexOf('At risk again within 148 days of a save: 7');
    expect(at).toBeGreaterThan(-1);
    expect(shown.slice(at + 1, at + 7)).toEqual([
      'Alder: won back 10 Sep, no order since, at risk again 16 Nov',
      'Birch: won back 10 Sep, ordered again, at risk again 16 Nov',
      'Cedar: won back 10 Sep, at risk again 16 Nov',
      'Dogwood: won back 10 Sep, at risk again 16 Nov',
      'Elm: won back 10 Sep, at risk again 16 Nov',
      '+2 more',
    ]);
    expect(adaptiveCardErrors(withChartFallbacks(card))).toEqual([]);
  });

  it('draws a summary saved before the re-churn window and the orders after a save were recorded', () => {
    const { reChurnWindowDays: _window, ...older } = summary();
    const card = buildMonthlySummaryCard({
      ...older,
      reChurn: older.reChurn.map(({ orderedSince: _ordered, ...c }) => c),
    } as unknown as MonthlySummary);
    expect(texts(card)).toContain('At risk again within 90 days of a save: 1');
    expect(texts(card)).toContain('Customer c10: won back 10 Sep, at risk again 16 Nov');
  });

  it('draws losses as a donut and value per rep as horizontal bars, each with a FactSet fallback', () => {
    const [donut, bars] = chartsOf(buildMonthlySummaryCard(summary()));
    expect(donutChartSchema.parse(donut)).toMatchObject({
      data: [
        { legend: 'Price', value: 2 },
        { legend: 'Went quiet', value: 1 },
        { legend: 'Other', value: 1 },
      ],
      fallback: {
        type: 'FactSet',
        facts: [
          { title: 'Price', value: '2 (50%)' },
          { title: 'Went quiet', value: '1 (25%)' },
          { title: 'Other', value: '1 (25%)' },
        ],
      },
    });
    expect(horizontalBarChartSchema.parse(bars)).toMatchObject({
      data: [
        { x: 'ben@demo.example', y: 2200 },
        { x: 'Ana Ruiz', y: 1200 },
      ],
      fallback: {
        facts: [
          { title: 'ben@demo.example', value: '$2,200' },
          { title: 'Ana Ruiz', value: '$1,200' },
        ],
      },
    });
  });

  it("a client that draws the bars' fallback reads their heading as the monthly value alone, beside one-off orders", () => {
    // On Online Retail, July 2011: "Value won back per rep: Uk One £95" above "Per rep: ... Value won
    // back £95 + £4,186 in one-off orders", the chart's own title (monthly value) not drawn.
    const lines = texts(withChartFallbacks(buildMonthlySummaryCard(summary())));
    expect(lines).toContain('Monthly value won back per rep');
    expect(lines).not.toContain('Value won back per rep');
  });

  it('is valid Adaptive Card 1.5 as a chartless client renders it (charts swapped for their fallbacks)', () => {
    const card = buildMonthlySummaryCard(summary());
    const rendered = withChartFallbacks(card);
    expect(chartsOf(rendered)).toEqual([]);
    expect(adaptiveCardErrors(rendered)).toEqual([]);
    // The check can fail: the raw card's chart types are not in the 1.5 schema.
    expect(adaptiveCardErrors(card).length).toBeGreaterThan(0);
  });

  it('writes the counts in the locale, as it does the money', () => {
    const s = { ...summary(), locale: 'de-DE', surfaced: 1234, undone: 2000 };
    expect(figures(buildMonthlySummaryCard(s))).toMatchObject({
      'Flagged at risk': '1.234 customers',
      'Undone (not counted)': '2.000',
    });
    expect(renderSummaryText(s)).toMatch(/Flagged at risk +1\.234 customers/);
    expect(figures(buildMonthlySummaryCard({ ...s, locale: 'en-US' }))['Flagged at risk']).toBe(
      '1,234 customers',
    );
  });

  it('writes the median days in the locale: a half day with its decimal comma, Devanagari digits in mr-IN', () => {
    // The middle of an even number of saves falls between two whole days.
    const base = summary();
    const s = {
      ...base,
      medianDaysToWinBack: 13.5,
      followUps: { ...base.followUps, medianDaysReachedOutToWonBack: 2.5 },
    };
    const de = figures(buildMonthlySummaryCard({ ...s, locale: 'de-DE' }));
    expect(de['Median days, flagged to won back']).toMatch(/^13,5 \(/);
    expect(de['Median days, last reach-out to won back']).toMatch(/^2,5 \(/);
    expect(renderSummaryText({ ...s, locale: 'de-DE' })).toMatch(/Median days, flagged to won back +13,5 \(/);
    const mr = figures(buildMonthlySummaryCard({ ...s, locale: 'mr-IN' }));
    expect(mr['Median days, flagged to won back']).toMatch(/^१३\.५ \(/);
    expect(figures(buildMonthlySummaryCard(s))['Median days, flagged to won back']).toMatch(/^13\.5 \(/);
  });

  it('lists each rep with their figures on one line', () => {
    expect(perRepFigures(buildMonthlySummaryCard(summary()))).toEqual({
      'ben@demo.example': 'Flagged 2 · Reached out 1 · Won back 1 · Lost 1 · Value won back $2,200',
      'Ana Ruiz': 'Flagged 6 · Reached out 2 · Won back 1 · Lost 3 · Value won back $1,200',
    });
  });

  it('an empty month is one plain sentence: no figures, charts or per-rep list', () => {
    const card = buildMonthlySummaryCard(computeMonthlySummary({ month: '2026-11', rows: [] }));
    expect(texts(card)).toEqual([
      'Churn Predictor · November 2026',
      'Nothing was recorded in November: no customer was flagged and no button was tapped.',
      'Flagged counts the customers on the weekly lists; every other count is a button tap, net of undos.',
    ]);
    expect(chartsOf(card)).toEqual([]);
    expect(adaptiveCardErrors(card)).toEqual([]);
  });

  it('with nobody flagged this month, the rate says so and counts the saves of earlier flags', () => {
    const r = new Rows();
    r.wonBack('a', '2026-11-03T10:00:00Z', 500);
    const card = buildMonthlySummaryCard(computeMonthlySummary({ month: '2026-11', rows: r.all }));
    expect(figures(card)['Win-back rate']).toBe(
      'n/a: no one was flagged this month; 1 save of a customer flagged earlier',
    );
  });

  it('never shows a rate over 100%: saves of customers flagged earlier are said beside it', () => {
    const r = new Rows();
    for (const c of ['a', 'b', 'c']) r.wonBack(c, '2026-11-05T10:00:00Z', 400);
    r.surfaced('d', '2026-11-09T14:03:00Z');
    const card = buildMonthlySummaryCard(computeMonthlySummary({ month: '2026-11', rows: r.all }));
    expect(figures(card)['Flagged at risk']).toBe('1 customer');
    expect(figures(card)['Win-back rate']).toBe(
      '0% (0 of 1 customer flagged this month won back); 3 saves of customers flagged earlier',
    );
  });

  it('saves of customers no list had flagged are not said to be of customers flagged earlier', () => {
    // Dogwood flagged on the 9th and won back; Hazel and Fir never on a list, won back from the tab;
    // Alder flagged in October, won back in November.
    const r = new Rows();
    r.surfaced('dogwood', '2026-11-09T14:03:00Z');
    r.wonBack('dogwood', '2026-11-11T16:00:00Z', 450, {
      snapshot: snapshotSurfacedOn('dogwood', '2026-11-09'),
    });
    r.wonBack('hazel', '2026-11-20T16:00:00Z', 1500, { snapshot: snapshotSurfacedOn('hazel', null) });
    r.wonBack('fir', '2026-11-24T16:00:00Z', 800, { snapshot: snapshotSurfacedOn('fir', null) });
    const prior = new Rows();
    prior.surfaced('alder', '2026-10-19T14:03:00Z');
    r.wonBack('alder', '2026-11-02T16:00:00Z', 700, { snapshot: snapshotSurfacedOn('alder', null) });
    const summary = computeMonthlySummary({ month: '2026-11', rows: r.all, priorRows: prior.all });
    expect(summary).toMatchObject({ winBackRate: 1, savesOfEarlierFlags: 1, savesNotFlagged: 2 });
    expect(figures(buildMonthlySummaryCard(summary))['Win-back rate']).toBe(
      '100% (1 of 1 customer flagged this month won back); 1 save of a customer flagged earlier; 2 saves of customers on no list at the time',
    );
  });

  it('saves of customers on the rep\'s list below the card\'s rows are said so, not "on no list"', () => {
    // Elm and Oak were on the rep's list on page 3 (listed, never on the card's rows) when saved from
    // a `list` page; Hazel was on no list. A manager reading "not flagged" took all three for saves
    // the lists had missed.
    const r = new Rows();
    r.surfaced('dogwood', '2026-11-09T14:03:00Z');
    r.wonBack('dogwood', '2026-11-11T16:00:00Z', 450, {
      snapshot: snapshotSurfacedOn('dogwood', '2026-11-09'),
    });
    const listedOn = (id: string, day: string) => ({ ...snapshotSurfacedOn(id, null), listedAt: day });
    r.wonBack('elm', '2026-11-12T16:00:00Z', 300, { snapshot: listedOn('elm', '2026-11-09') });
    r.wonBack('oak', '2026-11-17T16:00:00Z', 200, { snapshot: listedOn('oak', '2026-11-16') });
    r.wonBack('hazel', '2026-11-20T16:00:00Z', 1500, { snapshot: snapshotSurfacedOn('hazel', null) });
    const summary = computeMonthlySummary({ month: '2026-11', rows: r.all });
    expect(summary).toMatchObject({ saves: 4, savesFurtherDown: 2, savesNotFlagged: 1 });
    expect(figures(buildMonthlySummaryCard(summary))['Win-back rate']).toBe(
      "100% (1 of 1 customer flagged this month won back); 2 saves of customers listed below the card's rows; 1 save of a customer on no list at the time",
    );
  });

  it("a save of a customer reached out to from a list page is listed below the card's rows, though the weekly run between took them off the list", () => {
    // Elm was on page 3 of Ana's list (listed on Mon 2 Nov, never on the card's rows); she tapped
    // Reached out there on the 3rd. Monday the 9th's run paused Elm (off the list: listedAt
    // cleared); Elm ordered, and the digest of the 12th had Ana record the save.
    const r = new Rows();
    r.surfaced('dogwood', '2026-11-09T14:03:00Z');
    r.wonBack('dogwood', '2026-11-11T16:00:00Z', 450, {
      snapshot: snapshotSurfacedOn('dogwood', '2026-11-09'),
    });
    r.add('reached_out', 'elm', '2026-11-03T15:00:00Z', {
      snapshot: { ...snapshotSurfacedOn('elm', null), listedAt: '2026-11-02' },
    });
    r.wonBack('elm', '2026-11-12T16:00:00Z', 300, {
      snapshot: { ...snapshotSurfacedOn('elm', null), lastContact: '2026-11-03' },
    });
    // Fir was listed and saved in October; saved again in November from the tab, on no list.
    const prior = new Rows();
    prior.add('reached_out', 'fir', '2026-10-06T15:00:00Z', {
      snapshot: { ...snapshotSurfacedOn('fir', null), listedAt: '2026-10-05' },
    });
    prior.wonBack('fir', '2026-10-14T16:00:00Z', 250, {
      snapshot: { ...snapshotSurfacedOn('fir', null), lastContact: '2026-10-06' },
    });
    r.wonBack('fir', '2026-11-25T16:00:00Z', 250, { snapshot: snapshotSurfacedOn('fir', null) });
    const summary = computeMonthlySummary({ month: '2026-11', rows: r.all, priorRows: prior.all });
    expect(summary).toMatchObject({ saves: 3, savesFurtherDown: 1, savesNotFlagged: 1 });
    expect(figures(buildMonthlySummaryCard(summary))['Win-back rate']).toBe(
      "100% (1 of 1 customer flagged this month won back); 1 save of a customer listed below the card's rows; 1 save of a customer on no list at the time",
    );
  });

  it('a month with only losses has the donut but no value chart', () => {
    const r = new Rows();
    r.lost('a', '2026-11-03T10:00:00Z', 'price');
    r.lost('b', '2026-11-04T10:00:00Z', 'competitor');
    const card = buildMonthlySummaryCard(computeMonthlySummary({ month: '2026-11', rows: r.all }));
    expect(chartsOf(card).map((c) => c.type)).toEqual(['Chart.Donut']);
    expect(adaptiveCardErrors(withChartFallbacks(card))).toEqual([]);
  });

  it("shows the rules file's loss labels as written: in the donut as typed, in its markdown fallback escaped", () => {
    // An admin's labels, with what Teams' markdown would read as italics or a numbered list.
    const lossReasons = [
      { code: 'acme', label: 'Went to Acme_Co_Ltd' },
      { code: 'price', label: '1. Price *too high*' },
    ];
    const r = new Rows();
    r.lost('a', '2026-11-03T10:00:00Z', 'acme');
    r.lost('b', '2026-11-04T10:00:00Z', 'price');
    const [donut] = chartsOf(
      buildMonthlySummaryCard(computeMonthlySummary({ month: '2026-11', rows: r.all, lossReasons })),
    );
    expect(donutChartSchema.parse(donut)).toMatchObject({
      data: [
        { legend: 'Went to Acme_Co_Ltd', value: 1 },
        { legend: '1. Price *too high*', value: 1 },
      ],
      fallback: {
        facts: [
          { title: 'Went to Acme\\_Co\\_Ltd', value: '1 (50%)' },
          { title: '1\\. Price \\*too high\\*', value: '1 (50%)' },
        ],
      },
    });
  });

  it('stays far under 28 KB with 60 reps (reps listed capped, bars summed into Others)', () => {
    const r = new Rows();
    for (let i = 0; i < 60; i++) {
      const owner = `rep${String(i).padStart(2, '0')}@demo.example`;
      r.surfaced(`c${i}`, '2026-11-02T10:00:00Z', owner);
      r.wonBack(`c${i}`, '2026-11-10T10:00:00Z', 1000 + i, { owner });
      r.lost(`d${i}`, '2026-11-11T10:00:00Z', 'x'.repeat(150), { owner });
    }
    const card = buildMonthlySummaryCard(computeMonthlySummary({ month: '2026-11', rows: r.all }));
    const bytes = Buffer.byteLength(JSON.stringify(card));
    expect(bytes).toBeLessThan(28 * 1024);
    // Teams counts a bot message as UTF-16 and takes 80 KB for sure.
    expect(2 * JSON.stringify(card).length).toBeLessThan(80 * 1024);
    const [, bars] = chartsOf(card);
    expect((bars.data as Node[]).at(-1)).toEqual({ x: 'Others (50)', y: expect.any(Number) });
    expect(Object.keys(perRepFigures(card))).toHaveLength(MAX_LISTED_REPS);
    // The channel reads Teams: the line points at the Team tab, which lists every rep, not at a command line.
    expect(texts(card)).toContain(
      '+30 more reps: the Team tab (Churn Predictor, added to a channel) shows every rep.',
    );
    expect(texts(card).join('\n')).not.toContain('churn-predictor');
    expect(adaptiveCardErrors(withChartFallbacks(card))).toEqual([]);
    // With the Teams app id configured, a deep link to the Team tab in the summary's channel.
    const linked = buildMonthlySummaryCard(computeMonthlySummary({ month: '2026-11', rows: r.all }), {
      teamTab: teamTabLink('app-1', '19:abc@thread.tacv2'),
    });
    expect(texts(linked)).toContain(
      '+30 more reps: [open the Team tab](https://teams.microsoft.com/l/entity/app-1/team?context=%7B%22channelId%22%3A%2219%3Aabc%40thread.tacv2%22%7D) for every rep.',
    );
  });

  it('with 120 reps, the list keeps every rep who recorded something and says the rest recorded nothing', () => {
    // A team of 120 where a few reps tapped: the list of 30 used to fill with reps who recorded
    // nothing, in name order, and leave out Zoe's reach-outs and Yann's losses.
    const r = new Rows();
    const owner = (i: number) => `rep${String(i).padStart(3, '0')}@demo.example`;
    for (let i = 0; i < 118; i++) r.surfaced(`c${i}`, '2026-11-02T10:00:00Z', owner(i));
    r.wonBack('c0', '2026-11-03T10:00:00Z', 900, { owner: owner(0) });
    r.surfaced('y1', '2026-11-02T10:00:00Z', 'yann@demo.example');
    r.lost('y1', '2026-11-04T10:00:00Z', 'price', { owner: 'yann@demo.example' });
    r.surfaced('z1', '2026-11-02T10:00:00Z', 'zoe@demo.example');
    r.add('reached_out', 'z1', '2026-11-04T10:00:00Z', { owner: 'zoe@demo.example' });
    const s = computeMonthlySummary({
      month: '2026-11',
      rows: r.all,
      repNames: { 'yann@demo.example': 'Yann', 'zoe@demo.example': 'Zoe' },
    });
    expect(s.reps.slice(0, 3).map((rep) => rep.name)).toEqual([owner(0), 'Yann', 'Zoe']);
    const card = buildMonthlySummaryCard(s);
    expect(perRepFigures(card)).toHaveProperty('Yann');
    expect(perRepFigures(card)).toHaveProperty('Zoe');
    expect(texts(card)).toContain(
      '+90 more reps, each with customers flagged and no reach-out, save or loss recorded.',
    );
  });

  it('refuses a malformed summary', () => {
    expect(() => buildMonthlySummaryCard({ ...summary(), saves: -1 })).toThrow();
  });
});
