import { describe, expect, it } from 'vitest';
import {
  computeMonthlySummary,
  type MonthlySummary,
  outcomesFromBook,
  priorMonthsOf,
  reChurnWindowDays,
} from '../../../jobs/monthly';
import { surfacedRowId } from '../../../jobs/weekly/weeklySurfaced';
import type { Book } from '../../../rules/book';
import { bookFromRows } from '../../helpers/bookFromRows';
import { LOSS_REASONS, Rows, snapshotSurfacedOn } from './auditRows';
import { ANA, BEN, november } from './novemberFixture';

const TZ = 'America/Chicago';

/**
 * Each customer won back on 10 Sep and flagged again on 16 Nov: [id, orderedSince] of November's
 * re-churn, with the order feed of `book` as of `feedAsOf`.
 */
function orderedSinceOf(ids: readonly string[], book: Book, feedAsOf: string) {
  const r = new Rows();
  for (const c of ids) r.wonBack(c, '2026-09-10T15:00:00Z', 400);
  const prior = [...r.all];
  for (const c of ids) r.surfaced(c, '2026-11-16T14:03:00Z');
  const s = computeMonthlySummary({
    month: '2026-11',
    timeZone: TZ,
    rows: r.all.slice(prior.length),
    priorRows: prior,
    outcomes: outcomesFromBook(book, feedAsOf),
  });
  return s.reChurn.map((c) => [c.customerId, c.orderedSince]);
}
const summarise = (input: Partial<Parameters<typeof computeMonthlySummary>[0]> = {}): MonthlySummary =>
  computeMonthlySummary({
    month: '2026-11',
    timeZone: TZ,
    lossReasons: LOSS_REASONS,
    repNames: { [ANA]: 'Ana Ruiz' },
    ...november(),
    ...input,
  });

describe('computeMonthlySummary on the worked November', () => {
  const s = summarise();

  it('says it in a sales lead’s words', () => {
    expect(s.headline).toBe(
      'The team won back $3,400 of monthly revenue in November from 2 at-risk customers. 4 lost.',
    );
    expect(s.monthTitle).toBe('November 2026');
    expect(s.isEmpty).toBe(false);
  });

  it('counts saves, value, flags and reach-outs net of undos (same-month and later undos)', () => {
    expect(s).toMatchObject({
      saves: 2,
      customersWonBack: 2,
      recoveredValue: 3400,
      surfaced: 8,
      reachedOut: 3,
      lost: 4,
      undone: 3,
    });
  });

  it('keeps second orders won back out of monthly revenue and says them apart', () => {
    const r = new Rows();
    const oneOrder = { ...snapshotSurfacedOn('once', '2026-11-02'), valueKind: 'second_order' as const };
    r.wonBack('once', '2026-11-10T15:00:00Z', 1829, { snapshot: oneOrder });
    // A row from before the kinds (no valueKind in its snapshot) is monthly.
    r.wonBack('monthly', '2026-11-11T15:00:00Z', 500, {
      snapshot: snapshotSurfacedOn('monthly', '2026-11-02'),
    });
    const mixed = computeMonthlySummary({ month: '2026-11', timeZone: TZ, rows: r.all });
    expect(mixed).toMatchObject({ recoveredValue: 500, secondOrderValue: 1829, saves: 2 });
    expect(mixed.reps[0]).toMatchObject({ valueWonBack: 500, secondOrderValue: 1829 });
    expect(mixed.headline).toBe(
      'The team won back $500 of monthly revenue, plus $1,829 of one-off orders, in November from 2 at-risk customers. None lost.',
    );
    const only = computeMonthlySummary({ month: '2026-11', timeZone: TZ, rows: r.all.slice(0, 1) });
    expect(only.headline).toBe(
      'The team won back $1,829 of one-off orders in November from 1 at-risk customer. None lost.',
    );
  });

  it('counts as flagged only customers on cards that were delivered, and says how many were not', () => {
    const r = new Rows();
    const run = 'weekly-2026-W46';
    const at = '2026-11-09T14:00:00Z';
    r.add('surfaced', 'a1', at, { id: surfacedRowId(run, 'a1'), owner: ANA });
    r.add('surfaced', 'b1', at, { id: surfacedRowId(run, 'b1'), owner: BEN });
    r.add('surfaced', 'b2', at, { id: surfacedRowId(run, 'b2'), owner: BEN });
    r.wonBack('a1', '2026-11-12T15:00:00Z', 400);
    const onlyAna = new Map([
      [run, { delivered: new Set([ANA]), notReached: new Set<string>(), settled: true }],
    ]);
    const s = computeMonthlySummary({ month: '2026-11', timeZone: TZ, rows: r.all, deliveries: onlyAna });
    expect(s).toMatchObject({ surfaced: 1, notDelivered: 2, winBackRate: 1 });
    expect(s.reps.map((rep) => [rep.owner, rep.surfaced])).toEqual([[ANA, 1]]);
    // This week's run still to send Ben's card (his own send time to come): not yet a card that
    // reached no rep. Once it reached none (no chat with the app), it is.
    const benToCome = { delivered: new Set([ANA]), notReached: new Set<string>(), settled: false };
    const toCome = (cards: typeof benToCome) =>
      computeMonthlySummary({
        month: '2026-11',
        timeZone: TZ,
        rows: r.all,
        deliveries: new Map([[run, cards]]),
      });
    expect(toCome(benToCome)).toMatchObject({ surfaced: 1, notDelivered: 0 });
    expect(toCome({ ...benToCome, notReached: new Set([BEN]) })).toMatchObject({
      surfaced: 1,
      notDelivered: 2,
    });
    // Without the ledger, every flag counts, as before.
    expect(computeMonthlySummary({ month: '2026-11', timeZone: TZ, rows: r.all })).toMatchObject({
      surfaced: 3,
      notDelivered: 0,
    });
  });

  it('computes the win-back rate as saves over flagged customers', () => {
    expect(s.winBackRate).toBe(0.25);
    expect(s.savesOfEarlierFlags).toBe(0);
  });

  it('takes the median days flagged to won back from the snapshot, else the surfaced row', () => {
    expect(s.medianDaysToWinBack).toBe(14); // (10 + 18) / 2
    expect(s.winBacksTimed).toBe(2);
  });

  it('lists losses by reason with shares, an undone undo restoring the loss', () => {
    expect(s.losses).toEqual([
      { code: 'price', label: 'Price', count: 2, share: 0.5 },
      { code: 'went_quiet', label: 'Went quiet', count: 1, share: 0.25 },
      { code: 'other', label: 'Other', count: 1, share: 0.25 },
    ]);
  });

  it('gives the pricing hint when price is half the losses', () => {
    expect(s.hints).toEqual(['2 of 4 losses were price: that is a pricing conversation.']);
  });

  it('credits each rep (the owner) and names them when known, most value first', () => {
    expect(s.reps).toEqual([
      {
        owner: BEN,
        name: BEN,
        surfaced: 2,
        reachedOut: 1,
        wonBack: 1,
        lost: 1,
        valueWonBack: 2200,
        secondOrderValue: 0,
      },
      {
        owner: ANA,
        name: 'Ana Ruiz',
        surfaced: 6,
        reachedOut: 2,
        wonBack: 1,
        lost: 3,
        valueWonBack: 1200,
        secondOrderValue: 0,
      },
    ]);
  });

  it('finds re-churn within 90 days of a save, not beyond', () => {
    expect(s.reChurn).toEqual([
      {
        customerId: 'c10',
        name: 'Customer c10',
        owner: ANA,
        wonBackOn: '2026-09-10',
        atRiskAgainOn: '2026-11-16',
        // No order feed given: whether the save held is not known, so not said.
        orderedSince: null,
      },
    ]);
    expect(s.reChurnWindowDays).toBe(90);
  });

  it('says whether a re-churned customer ordered between the save and the new flag', () => {
    const ids = ['held', 'sameDay', 'hope', 'flagDay', 'later'];
    const book = bookFromRows({
      customers: ids.map((id) => ({ id })),
      orders: [
        // On the save's day itself: the book cannot tell it from an order after the tap, so "no order
        // since" would be untrue of it (as the weekly card's "won back …, no order since").
        { customerId: 'sameDay', date: '2026-09-10', amount: 90 },
        { customerId: 'held', date: '2026-09-28', amount: 90 },
        { customerId: 'held', date: '2026-10-20', amount: 90 },
        // On the new flag's day: nobody who ordered on the day of a weekly run is listed by it, so the
        // order came after the flag, as one after it: a new comeback, not the save holding.
        { customerId: 'flagDay', date: '2026-11-16', amount: 90 },
        { customerId: 'later', date: '2026-11-20', amount: 90 },
      ],
    });
    expect(orderedSinceOf(ids, book, '2026-12-01')).toEqual([
      ['held', true],
      ['sameDay', true],
      ['hope', false],
      ['flagDay', false],
      ['later', false],
    ]);
  });

  it('does not guess whether a save held when the feed ends before the new flag and shows no order', () => {
    const book = bookFromRows({
      customers: [{ id: 'a' }, { id: 'b' }],
      orders: [{ customerId: 'b', date: '2026-10-01', amount: 90 }],
    });
    expect(orderedSinceOf(['a', 'b'], book, '2026-11-01')).toEqual([
      ['a', null],
      ['b', true],
    ]);
  });

  it('does not say "no order since" when the feed stopped before the new flag (its newest order is older)', () => {
    // The export stopped on 1 Oct: read on 1 Dec, it shows nobody ordering since, which says nothing.
    const stopped = bookFromRows({
      customers: [{ id: 'a' }, { id: 'b' }],
      orders: [{ customerId: 'b', date: '2026-10-01', amount: 90 }],
    });
    expect(orderedSinceOf(['a', 'b'], stopped, '2026-12-01')).toEqual([
      ['a', null],
      ['b', true],
    ]);
    // Kept up to the day before the flag, it does.
    const kept = bookFromRows({
      customers: [{ id: 'a' }, { id: 'b' }],
      orders: [{ customerId: 'b', date: '2026-11-15', amount: 90 }],
    });
    expect(orderedSinceOf(['a', 'b'], kept, '2026-12-01')).toEqual([
      ['a', false],
      ['b', true],
    ]);
  });

  it('does not say "no order since" of a customer whose orders the feed does not hold', () => {
    // 'gone' is no longer in the feed at all; none of 'badRows' lines could be read; every line of
    // 'cancelled' was a cancelled order (read as it stands: no order); 'silent' has none.
    const book = bookFromRows({
      customers: [{ id: 'badRows' }, { id: 'cancelled' }, { id: 'silent' }, { id: 'other' }],
      orders: [{ customerId: 'other', date: '2026-11-30', amount: 90 }],
    });
    book.unreadOrders = new Map([
      [0, { lines: 3, why: 'date: not a date', undone: false, leftOutOrders: 3 }],
      [1, { lines: 2, why: 'status: cancelled', undone: true, leftOutOrders: 2 }],
    ]);
    expect(orderedSinceOf(['gone', 'badRows', 'cancelled', 'silent'], book, '2026-12-01')).toEqual([
      ['gone', null],
      ['badRows', null],
      ['cancelled', false],
      ['silent', false],
    ]);
  });

  it('counts a save relisted past the card’s first page as at risk again, by the week the listing store kept', () => {
    const r = new Rows();
    r.wonBack('p2', '2026-09-10T15:00:00Z', 400);
    r.wonBack('notAgain', '2026-09-10T15:00:00Z', 400);
    const week = (run: string, day: string, page: number | null, heldOut = false) => ({
      run,
      day,
      owner: ANA,
      kind: 'slipping' as const,
      chance: 60,
      rank: page === null ? null : 12,
      page,
      heldOut,
    });
    const s = computeMonthlySummary({
      month: '2026-11',
      timeZone: TZ,
      rows: [],
      priorRows: r.all,
      listedWeeks: new Map([
        // Listed on page 2 the week of 16 Nov and of 23 Nov: at risk again from the first.
        ['p2', [week('weekly-2026-W47', '2026-11-16', 2), week('weekly-2026-W48', '2026-11-23', 2)]],
        // Listed before the save, and in no week of November since: not at risk again this month.
        ['notAgain', [week('weekly-2026-W36', '2026-09-07', 2)]],
      ]),
    });
    expect(s.reChurn).toEqual([
      {
        customerId: 'p2',
        name: 'Customer p2',
        owner: ANA,
        wonBackOn: '2026-09-10',
        atRiskAgainOn: '2026-11-16',
        orderedSince: null,
      },
    ]);
  });

  it('widens the re-churn window past a cool-down longer than 90 days, so such a team still sees re-churn', () => {
    const r = new Rows();
    // Cool-down 120 days: won back 1 Jul, off every list to 29 Oct, flagged again 16 Nov (138 days).
    r.wonBack('x', '2026-07-01T15:00:00Z', 400);
    const prior = [...r.all];
    r.surfaced('x', '2026-11-16T14:03:00Z');
    const input = { month: '2026-11', timeZone: TZ, rows: r.all.slice(prior.length), priorRows: prior };
    expect(computeMonthlySummary(input).reChurn).toEqual([]);
    const s = computeMonthlySummary({ ...input, coolDownDays: 120 });
    expect(s.reChurn.map((c) => [c.customerId, c.wonBackOn])).toEqual([['x', '2026-07-01']]);
    // The cool-down and four weeks after it (four weekly lists for the slip to show on).
    expect(s.reChurnWindowDays).toBe(148);
  });

  it('keeps the window at 90 days for the default 60-day cool-down', () => {
    expect(reChurnWindowDays(60)).toBe(90);
    expect(reChurnWindowDays(0)).toBe(90);
    expect(reChurnWindowDays(62)).toBe(90);
    expect(reChurnWindowDays(63)).toBe(91);
  });

  it('stops the window at two years, so a cool-down meaning "never again" does not read the audit back for decades', () => {
    expect(reChurnWindowDays(700)).toBe(728);
    expect(reChurnWindowDays(702)).toBe(730);
    expect(reChurnWindowDays(99999)).toBe(730);
    // 1 Nov 2026 less 730 days is 1 Nov 2024: back to that month, not to the 18th century.
    expect(priorMonthsOf('2026-11', reChurnWindowDays(99999))).toHaveLength(24);
  });

  it('reads back as many months as the window reaches', () => {
    expect(priorMonthsOf('2026-11')).toEqual(['2026-10', '2026-09', '2026-08']);
    // 1 Nov less 148 days is 6 Jun.
    expect(priorMonthsOf('2026-11', 148)).toEqual(['2026-10', '2026-09', '2026-08', '2026-07', '2026-06']);
    // 1 Mar less 90 days is 1 Dec: still three months, across the year.
    expect(priorMonthsOf('2027-03', 90)).toEqual(['2027-02', '2027-01', '2026-12']);
  });

  it('re-churn reaches back exactly 90 days, and an undone save is none', () => {
    const r = new Rows();
    // Flagged Mon 16 Nov; 16 Nov less 90 days is 18 Aug (Chicago dates).
    r.wonBack('x', '2026-08-18T15:00:00Z', 400);
    r.wonBack('y', '2026-08-17T15:00:00Z', 400);
    r.undo(r.wonBack('z', '2026-10-01T15:00:00Z', 400), '2026-10-01T16:00:00Z');
    const prior = [...r.all];
    for (const c of ['x', 'y', 'z']) r.surfaced(c, '2026-11-16T14:03:00Z');
    const s = computeMonthlySummary({
      month: '2026-11',
      timeZone: TZ,
      rows: r.all.slice(prior.length),
      priorRows: prior,
    });
    expect(s.reChurn.map((c) => [c.customerId, c.wonBackOn, c.atRiskAgainOn])).toEqual([
      ['x', '2026-08-18', '2026-11-16'],
    ]);
  });

  it('puts no rep in the table for digest rows and snoozes alone: they are not outcomes', () => {
    const r = new Rows();
    r.wonBack('a', '2026-11-05T15:00:00Z', 400, { owner: ANA });
    r.add('follow_up', 'b', '2026-11-06T15:00:00Z', { owner: BEN });
    r.add('snoozed', 'b', '2026-11-06T15:05:00Z', { owner: BEN, note: 'until 2026-11-13' });
    const s = computeMonthlySummary({ month: '2026-11', timeZone: TZ, rows: r.all });
    expect(s.reps.map((rep) => rep.owner)).toEqual([ANA]);
  });

  it('has no holdout section when nobody was held out', () => {
    expect(s.holdout).toBeNull();
  });

  it('counts the later undo only when the later rows are given', () => {
    const withoutLater = summarise({ laterRows: [] });
    expect(withoutLater.saves).toBe(3);
    expect(withoutLater.recoveredValue).toBe(3900);
  });
});

describe('computeMonthlySummary edge months', () => {
  it('keeps the win-back rate to the customers flagged this month; saves of earlier flags are counted apart', () => {
    const r = new Rows();
    // Flagged in October, won back in November: saves of the month, not of its flags.
    for (const c of ['a', 'b', 'c']) r.wonBack(c, '2026-11-05T15:00:00Z', 400);
    // Won back on the 3rd, flagged again on the 16th: that save came before this month's flag.
    r.wonBack('d', '2026-11-03T15:00:00Z', 300);
    r.surfaced('d', '2026-11-16T14:03:00Z');
    r.surfaced('e', '2026-11-09T14:03:00Z');
    r.wonBack('e', '2026-11-20T15:00:00Z', 500);
    r.wonBack('e', '2026-11-27T15:00:00Z', 500);
    const s = computeMonthlySummary({ month: '2026-11', timeZone: TZ, rows: r.all });
    expect(s).toMatchObject({ surfaced: 2, saves: 6, winBackRate: 0.5, savesOfEarlierFlags: 4 });
  });

  it('says an empty month plainly and invents nothing', () => {
    const s = computeMonthlySummary({ month: '2026-11', rows: [] });
    expect(s.headline).toBe(
      'Nothing was recorded in November: no customer was flagged and no button was tapped.',
    );
    expect(s).toMatchObject({
      isEmpty: true,
      saves: 0,
      recoveredValue: 0,
      surfaced: 0,
      winBackRate: null,
      medianDaysToWinBack: null,
      losses: [],
      hints: [],
      reps: [],
      reChurn: [],
      holdout: null,
    });
  });

  it('treats a month whose only action was undone as empty', () => {
    const r = new Rows();
    r.undo(r.wonBack('c1', '2026-11-03T10:00:00Z', 100), '2026-11-03T10:01:00Z');
    const s = computeMonthlySummary({ month: '2026-11', rows: r.all });
    expect(s.isEmpty).toBe(true);
    expect(s.undone).toBe(1);
  });

  it('reports a month with only losses, with the went-quiet hint', () => {
    const r = new Rows();
    r.lost('a', '2026-11-03T10:00:00Z', 'went_quiet');
    r.lost('b', '2026-11-04T10:00:00Z', 'went_quiet');
    r.lost('c', '2026-11-05T10:00:00Z', 'competitor');
    const s = computeMonthlySummary({ month: '2026-11', rows: r.all, lossReasons: LOSS_REASONS });
    expect(s.headline).toBe('No customer was won back in November. 3 lost.');
    expect(s.winBackRate).toBeNull();
    expect(s.losses.map((l) => [l.label, l.count])).toEqual([
      ['Went quiet', 2],
      ['Went to a competitor', 1],
    ]);
    expect(s.hints).toEqual(['2 of 3 losses went quiet: flag earlier, tighten the weights.']);
  });

  it('counts reasons whose labels differ only in case or in how an accent is typed as one', () => {
    // A rules file that grew a second "price" (another code, the label typed in lower case) and an
    // accent typed two ways: a manager reads two reasons, not four, and the price hint holds.
    const lossReasons = [
      { code: 'price', label: 'Price' },
      { code: 'cafe', label: 'Went to a caf\u00e9' },
      { code: 'pricing', label: 'price ' },
      { code: 'cafe_chain', label: 'Went to a cafe\u0301' },
    ];
    const r = new Rows();
    r.lost('a', '2026-11-03T10:00:00Z', 'pricing');
    r.lost('b', '2026-11-04T10:00:00Z', 'price');
    r.lost('c', '2026-11-05T10:00:00Z', 'cafe');
    r.lost('d', '2026-11-06T10:00:00Z', 'cafe_chain');
    r.lost('e', '2026-11-07T10:00:00Z', 'pricing');
    const s = computeMonthlySummary({ month: '2026-11', rows: r.all, lossReasons });
    expect(s.losses).toEqual([
      { code: 'price', label: 'Price', count: 3, share: 0.6 },
      { code: 'cafe', label: 'Went to a caf\u00e9', count: 2, share: 0.4 },
    ]);
    expect(s.hints).toEqual(['3 of 5 losses were price: that is a pricing conversation.']);
  });

  it('counts reasons whose labels differ only in the spaces between their words as one', () => {
    // "Went  quiet" (two spaces, a slip in the rules file) reads on the card as "Went quiet".
    const lossReasons = [
      { code: 'went_quiet', label: 'Went quiet' },
      { code: 'silent', label: 'Went  quiet' },
    ];
    const r = new Rows();
    r.lost('a', '2026-11-03T10:00:00Z', 'went_quiet');
    r.lost('b', '2026-11-04T10:00:00Z', 'silent');
    const s = computeMonthlySummary({ month: '2026-11', rows: r.all, lossReasons });
    expect(s.losses).toEqual([{ code: 'went_quiet', label: 'Went quiet', count: 2, share: 1 }]);
  });

  it("writes a hint's counts in the team's locale", () => {
    const r = new Rows();
    for (const c of ['a', 'b', 'c']) r.lost(c, '2026-11-03T10:00:00Z', 'price');
    r.lost('d', '2026-11-04T10:00:00Z', 'competitor');
    const s = computeMonthlySummary({
      month: '2026-11',
      rows: r.all,
      lossReasons: LOSS_REASONS,
      // Marathi, written left to right as the app requires, with its own digits.
      locale: 'mr-IN',
    });
    expect(s.hints).toEqual(['३ of ४ losses were price: that is a pricing conversation.']);
  });

  it('gives no hint from a single loss, nor when no reason reaches half', () => {
    const one = new Rows();
    one.lost('a', '2026-11-03T10:00:00Z', 'price');
    expect(computeMonthlySummary({ month: '2026-11', rows: one.all }).hints).toEqual([]);
    const spread = new Rows();
    for (const [c, reason] of [
      ['a', 'price'],
      ['b', 'went_quiet'],
      ['c', 'competitor'],
    ])
      spread.lost(c, '2026-11-03T10:00:00Z', reason);
    expect(computeMonthlySummary({ month: '2026-11', rows: spread.all }).hints).toEqual([]);
  });

  it('gives both hints when price and went quiet are half each', () => {
    const r = new Rows();
    r.lost('a', '2026-11-03T10:00:00Z', 'price');
    r.lost('b', '2026-11-03T10:00:00Z', 'went_quiet');
    expect(computeMonthlySummary({ month: '2026-11', rows: r.all }).hints).toHaveLength(2);
  });

  it('says so when customers were flagged but none won back or lost, and singularises one', () => {
    const r = new Rows();
    r.surfaced('a', '2026-11-03T10:00:00Z');
    expect(computeMonthlySummary({ month: '2026-11', rows: r.all }).headline).toBe(
      'No customer was won back or lost in November: 1 at-risk customer flagged, none reached out to yet.',
    );
    r.wonBack('a', '2026-11-09T10:00:00Z', 250);
    expect(computeMonthlySummary({ month: '2026-11', rows: r.all }).headline).toBe(
      'The team won back $250 of monthly revenue in November from 1 at-risk customer. None lost.',
    );
  });

  it('uses the team’s zone for day counts (a late-evening save in Chicago is the same local day)', () => {
    const r = new Rows();
    r.surfaced('a', '2026-11-02T14:00:00Z');
    r.wonBack('a', '2026-11-05T04:30:00Z', 100); // 22:30 on 4 November in Chicago
    expect(
      computeMonthlySummary({ month: '2026-11', rows: r.all, timeZone: 'UTC' }).medianDaysToWinBack,
    ).toBe(3);
    expect(computeMonthlySummary({ month: '2026-11', rows: r.all, timeZone: TZ }).medianDaysToWinBack).toBe(
      2,
    );
  });

  it('rejects a malformed month', () => {
    expect(() => computeMonthlySummary({ month: '2026-13', rows: [] })).toThrow(/YYYY-MM/);
  });
});
