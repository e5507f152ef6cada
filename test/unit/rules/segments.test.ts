import { describe, expect, it } from 'vitest';
import { changeText } from '../../../cards/buildWeeklyCard';
import { dayOf } from '../../../rules/book';
import { type CustomerState, initialState } from '../../../rules/customerState';
import { emptyFeatures, type Features } from '../../../rules/features';
import { risePoints, scoreWeekWithChanges } from '../../../rules/listChanges';
import { measureChances, noOrderChance } from '../../../rules/noOrderChance';
import { defaultRules, parseRules } from '../../../rules/rulesSchema';
import { scoreBook } from '../../../rules/scoreBook';
import { atRiskChances, classifySegment } from '../../../rules/segments';
import { bookFromRows, type OrderRow } from '../../helpers/bookFromRows';

const rules = defaultRules(); // newCustomerOrders 2, lapsedGaps 4, lapsedMinDays 90
const ctx = { secondOrderDays: 30 };
const f = (o: Partial<Features>): Features => ({ ...emptyFeatures(), orderCount: 1, orderDays: 1, ...o });

describe('classifySegment', () => {
  it("never lists a new customer within the book's usual time to a second order", () => {
    expect(classifySegment(f({ daysSinceLastOrder: 6 }), ctx, rules)).toMatchObject({
      listable: false,
      why: 'too_new',
    });
    expect(classifySegment(f({ daysSinceLastOrder: 30 }), ctx, rules)).toMatchObject({ listable: false });
  });

  it('a new customer past it is not back yet; gone four of those gaps and 90 days, lapsed', () => {
    expect(classifySegment(f({ daysSinceLastOrder: 31 }), ctx, rules)).toMatchObject({ segment: 'not_back' });
    expect(classifySegment(f({ orderDays: 2, daysSinceLastOrder: 100 }), ctx, rules)).toMatchObject({
      segment: 'not_back',
    });
    expect(classifySegment(f({ daysSinceLastOrder: 121 }), ctx, rules)).toMatchObject({ segment: 'lapsed' });
  });

  it('an established customer is slipping past their own gap, lapsed well past it, else on time', () => {
    const regular = { orderCount: 20, orderDays: 20, cadenceDays: 9, cadenceIsOwn: true };
    expect(classifySegment(f({ ...regular, daysSinceLastOrder: 8 }), ctx, rules)).toMatchObject({
      why: 'on_time',
    });
    expect(classifySegment(f({ ...regular, daysSinceLastOrder: 34 }), ctx, rules)).toMatchObject({
      segment: 'slipping',
      rhythmDays: 9,
    });
    // 4 gaps is only 36 days: lapsed also needs the 90 days.
    expect(classifySegment(f({ ...regular, daysSinceLastOrder: 60 }), ctx, rules)).toMatchObject({
      segment: 'slipping',
    });
    expect(classifySegment(f({ ...regular, daysSinceLastOrder: 232 }), ctx, rules)).toMatchObject({
      segment: 'lapsed',
    });
  });

  it('a fading customer (half the order days of the window before) is slipping from half their gap', () => {
    const fading = { orderCount: 20, orderDays: 20, cadenceDays: 10, recentOrderDays: 3, priorOrderDays: 8 };
    expect(classifySegment(f({ ...fading, daysSinceLastOrder: 6 }), ctx, rules)).toMatchObject({
      segment: 'slipping',
    });
    expect(classifySegment(f({ ...fading, daysSinceLastOrder: 4 }), ctx, rules)).toMatchObject({
      listable: false,
    });
  });
});

describe('classifySegment at the edges', () => {
  const at = (o: Partial<Features>) => classifySegment(f(o), ctx, rules);

  it('lapsed takes more than four gaps: exactly four is still not back', () => {
    expect(at({ daysSinceLastOrder: 120 })).toMatchObject({ segment: 'not_back' });
    expect(at({ daysSinceLastOrder: 121 })).toMatchObject({ segment: 'lapsed' });
  });

  it('lapsed from the 90th day on, once past four gaps', () => {
    const regular = { orderCount: 20, orderDays: 20, cadenceDays: 9, cadenceIsOwn: true };
    expect(at({ ...regular, daysSinceLastOrder: 89 })).toMatchObject({ segment: 'slipping' });
    expect(at({ ...regular, daysSinceLastOrder: 90 })).toMatchObject({ segment: 'lapsed' });
  });

  it('fading at exactly half the order days of the window before, slipping only past half a gap', () => {
    const half = { orderCount: 20, orderDays: 20, cadenceDays: 10, recentOrderDays: 4, priorOrderDays: 8 };
    expect(at({ ...half, daysSinceLastOrder: 6 })).toMatchObject({ segment: 'slipping' });
    expect(at({ ...half, daysSinceLastOrder: 5 })).toMatchObject({ listable: false, why: 'on_time' });
    // More than half as often as before is not fading: on time until the whole gap has gone.
    expect(at({ ...half, recentOrderDays: 5, daysSinceLastOrder: 6 })).toMatchObject({ listable: false });
  });
});

/** A book where customer k orders every 7 days from 2026-01-05; the `stops` first stop on 2026-06-01. */
function weeklyBook(n: number, stops: number) {
  const customers = Array.from({ length: n }, (_, k) => ({ id: `c${k}`, owner: 'a@x' }));
  return bookFromRows({ customers, orders: weeklyOrders(n, stops) });
}

describe("the chance of no order, measured on the book's past", () => {
  it("is the share of the same kind and lateness that then placed no order, shrunk to the kind's share", () => {
    const book = weeklyBook(60, 30);
    // As of 90 days before 2026-11-23 (2026-08-25), the 30 who stopped on 2026-06-01 were slipping and never came back.
    const table = measureChances(book, rules, dayOf('2026-11-23'));
    // Every slipping customer of the past stopped: n of n + 1, not a certainty.
    expect(table.shares.slipping?.overall).toBeGreaterThan(0.9);
    expect(table.shares.slipping?.overall).toBeLessThan(1);
    expect(table.shares.not_back).toBeNull(); // nobody new: too few to measure, the score stands in
    expect(
      noOrderChance(table, { segment: 'not_back', daysSinceLastOrder: 50, rhythmDays: 30, score: 40 }),
    ).toEqual({
      probability: 0.4,
      horizonDays: 90,
      source: 'score',
    });
  });

  it('never states a certainty when every customer of a kind in the past book stopped', () => {
    // 50 customers with one order each, none ever back: 100% for all of them before.
    const customers = Array.from({ length: 50 }, (_, k) => ({ id: `c${k}`, owner: 'a@x' }));
    const orders = customers.map((c, k) => ({
      customerId: c.id,
      date: new Date(Date.parse('2025-06-01') + k * 5 * 86_400_000).toISOString().slice(0, 10),
      amount: 100,
    }));
    const scored = scoreBook(bookFromRows({ customers, orders }), rules, dayOf('2026-11-23'));
    const listed = scored.customers.filter((c) => c.segment !== null);
    expect(listed.length).toBeGreaterThan(30);
    for (const c of listed) expect(c.listChance).toBeLessThan(0.99);
    expect(scored.noOrderSources.lapsed).toBe('book_history');
  });
});

describe('the chance of a kind with few customers in the past book', () => {
  it("is the few's own share, not the rule score: the lapsed who all stayed away rate above the slipping", () => {
    // 40 weekly regulars, 6 of whom stop on 2026-06-01, and 5 who stopped on 2026-02-02: as of
    // 2026-08-25 (90 days before) the 5 were lapsed and none came back.
    const customers = Array.from({ length: 45 }, (_, k) => ({ id: `c${k}`, owner: 'a@x' }));
    const orders = weeklyOrders(40, 6);
    for (let k = 40; k < 45; k++) {
      for (
        let t = Date.parse('2025-09-01') + (k % 7) * 86_400_000;
        t <= Date.parse('2026-02-02');
        t += 7 * 86_400_000
      )
        orders.push({ customerId: `c${k}`, date: new Date(t).toISOString().slice(0, 10), amount: 100 });
    }
    const scored = scoreBook(bookFromRows({ customers, orders }), rules, dayOf('2026-11-23'));
    expect(scored.choice.calibrated).toBe(false);
    expect(scored.noOrderSources.lapsed).toBe('book_history');
    const lapsed = scored.customers.filter((c) => c.segment === 'lapsed');
    expect(lapsed.length).toBe(11);
    // Every lapsed customer of the past (the 5, and some of the 6 who stopped in June) stayed away:
    // more than 5 in 6, and above any slipping customer's chance.
    const slipping = scored.customers.filter((c) => c.segment === 'slipping').map((c) => c.listChance);
    for (const c of lapsed) {
      expect(c.listChance).toBeGreaterThan(5 / 6);
      expect(c.listChance).toBeLessThan(0.95);
      expect(c.listChance).toBeGreaterThan(Math.max(0, ...slipping));
    }
  });
});

describe('what changed since last week', () => {
  it("says back on track for who left last week's list by ordering again", () => {
    const orders: OrderRow[] = [];
    for (let t = Date.parse('2026-01-05'); t <= Date.parse('2026-09-28'); t += 7 * 86_400_000)
      orders.push({ customerId: 'r', date: new Date(t).toISOString().slice(0, 10), amount: 100 });
    orders.push({ customerId: 'r', date: '2026-11-17', amount: 100 });
    const book = bookFromRows({ customers: [{ id: 'r', name: 'Rosemary Diner', owner: 'a@x' }], orders });
    // The row last week's run stored when it listed her.
    const r = initialState({ customerId: 'r', name: 'Rosemary Diner', owner: 'a@x', monthlyValue: 0 });
    const states = new Map([['r', { ...r, segment: 'slipping' as const, surfacedAt: '2026-11-16' }]]);
    const week = scoreWeekWithChanges(book, rules, dayOf('2026-11-23'), states);
    expect(scoreBook(book, rules, dayOf('2026-11-16')).customers[0].surfaced).toBe(true);
    expect(week.scored.customers[0].surfaced).toBe(false);
    expect(week.backOnTrack).toEqual([
      { customerId: 'r', name: 'Rosemary Diner', owner: 'a@x', orderedOn: '2026-11-17' },
    ]);
    // The first run stored nothing yet: there was no list last week to leave.
    expect(scoreWeekWithChanges(book, rules, dayOf('2026-11-23')).backOnTrack).toEqual([]);
  });

  it('says new on the list, or still on it with the week from the stored surfacedAt', () => {
    const book = weeklyBook(60, 30);
    const stored = (id: string): CustomerState => ({
      ...initialState({ customerId: id, name: id, owner: 'a@x', monthlyValue: 0 }),
      segment: 'slipping',
    });
    const shownBefore = scoreBook(book, rules, dayOf('2026-11-16')).customers.filter((c) => c.surfaced);
    // Last week's run stored a row for everyone it scored; c0's says when its slip was first listed.
    const states = new Map(shownBefore.map((c) => [c.customerId, stored(c.customerId)]));
    states.set('c0', { ...stored('c0'), surfacedAt: '2026-11-02' });
    const week = scoreWeekWithChanges(book, rules, dayOf('2026-11-23'), states);
    expect(week.changes.get('c0')).toEqual({ kind: 'still', week: 4 });
    // Shown last week too (a replay of 2026-11-16), its row without surfacedAt: still, week unknown.
    // A bare row (`list` makes one before the first run) says no run listed it: new.
    const again = shownBefore.find((c) => c.customerId !== 'c0' && week.changes.has(c.customerId));
    expect(again && week.changes.get(again.customerId)).toEqual({ kind: 'still', week: null });
    const bare = new Map(states).set(again?.customerId ?? '', initialState(stored(again?.customerId ?? '')));
    const listedFirst = scoreWeekWithChanges(book, rules, dayOf('2026-11-23'), bare);
    expect(again && listedFirst.changes.get(again.customerId)).toEqual({ kind: 'new' });
    const fresh = scoreWeekWithChanges(weeklyBook(60, 30), rules, dayOf('2026-06-05'));
    expect([...fresh.changes.values()].every((c) => c.kind === 'new')).toBe(true);
  });

  it('mid-week, a row first listed this Monday is still new, as the card said, not "still on your list"', () => {
    const book = weeklyBook(60, 30);
    const monday = scoreBook(book, rules, dayOf('2026-11-23')).customers.find((c) => c.surfaced);
    if (!monday) throw new Error('nobody listed on Monday');
    const row: CustomerState = {
      ...initialState({ customerId: monday.customerId, name: monday.name, owner: 'a@x', monthlyValue: 0 }),
      segment: 'slipping',
      surfacedAt: '2026-11-23',
    };
    const wednesday = scoreWeekWithChanges(
      book,
      rules,
      dayOf('2026-11-25'),
      new Map([[row.customerId, row]]),
    );
    expect(wednesday.changes.get(row.customerId)).toEqual({ kind: 'new' });
  });

  it('a slip after an order placed the day the card went out is new, not the old one back', () => {
    // Listed on Mon 9 Nov, Olive ordered that same day (after the card: a run lists nobody who
    // ordered that day), was on time on the 16th and 23rd, and is late again on the 30th.
    const orders = weeklyOrders(60, 30);
    for (let d = dayOf('2026-01-05'); d <= dayOf('2026-11-09'); d += 7)
      orders.push({
        customerId: 'o',
        date: new Date(d * 86_400_000).toISOString().slice(0, 10),
        amount: 100,
      });
    const customers = [
      ...Array.from({ length: 60 }, (_, k) => ({ id: `c${k}`, owner: 'a@x' })),
      { id: 'o', owner: 'a@x' },
    ];
    const book = bookFromRows({ customers, orders });
    const olive: CustomerState = {
      ...initialState({ customerId: 'o', name: 'Olive', owner: 'a@x', monthlyValue: 0 }),
      segment: 'slipping',
      surfacedAt: '2026-11-09',
    };
    const week = scoreWeekWithChanges(book, rules, dayOf('2026-11-30'), new Map([['o', olive]]));
    expect(week.scored.customers.find((c) => c.customerId === 'o')?.rank).not.toBeNull();
    expect(week.changes.get('o')).toEqual({ kind: 'new' });
  });

  it('a save with no order since is back on the list, not new; one followed by an order is a new slip', () => {
    // Dora ordered every Monday until 14 September; her rep won her back on Monday 28 September
    // (the tap cleared surfacedAt; the next run cleared listedAt). Past the 60-day cool-down she is
    // listed again on 30 November.
    const saved = (lastOrder: string, extra: OrderRow[] = []) => {
      const orders = [...weeklyOrders(60, 30), ...extra];
      for (let d = dayOf('2026-01-05'); d <= dayOf(lastOrder); d += 7)
        orders.push({
          customerId: 'd',
          date: new Date(d * 86_400_000).toISOString().slice(0, 10),
          amount: 100,
        });
      const customers = [
        ...Array.from({ length: 60 }, (_, k) => ({ id: `c${k}`, owner: 'a@x' })),
        { id: 'd', name: 'Dora', owner: 'd@x' },
      ];
      return bookFromRows({ customers, orders });
    };
    const dora: CustomerState = {
      ...initialState({ customerId: 'd', name: 'Dora', owner: 'd@x', monthlyValue: 0 }),
      segment: 'slipping',
      wonBackAt: '2026-09-28',
      recoveredValue: 400,
    };
    const states = new Map([['d', dora]]);
    const changeOf = (book: ReturnType<typeof saved>, s = states) =>
      scoreWeekWithChanges(book, rules, dayOf('2026-11-30'), s).changes.get('d');
    const noOrder = saved('2026-09-14');
    expect(changeOf(noOrder)).toEqual({ kind: 'back', since: '2026-09-28', wonBack: true });
    expect(changeText({ kind: 'back', since: '2026-09-28', wonBack: true })).toBe(
      'Back on your list (won back Mon 28 Sep, no order since)',
    );
    // Read back by `list` on Wednesday 2 December, after the run that listed her on Monday: as the card said.
    const monday = { ...dora, surfacedAt: '2026-11-30', listedAt: '2026-11-30' };
    expect(
      scoreWeekWithChanges(noOrder, rules, dayOf('2026-12-02'), new Map([['d', monday]])).changes.get('d'),
    ).toEqual({ kind: 'back', since: '2026-09-28', wonBack: true });
    // The digest told of the save slipping on 20 Oct and started a new cycle there (surfacedAt), with
    // her on no list: the save is still what she is back from.
    const digested = { ...dora, surfacedAt: '2026-10-20' };
    expect(changeOf(noOrder, new Map([['d', digested]]))).toEqual({
      kind: 'back',
      since: '2026-09-28',
      wonBack: true,
    });
    // An order after the save, then the digest told of the save slipping (20 Oct) and started a
    // cycle with her on no list: a new slip, not "Back on your list (first flagged Tue 20 Oct)".
    const orderedThenDigested = saved('2026-09-14', [{ customerId: 'd', date: '2026-10-05', amount: 100 }]);
    expect(changeOf(orderedThenDigested, new Map([['d', digested]]))).toEqual({ kind: 'new' });
    // Listed again since the save (16 Nov), a call then paused her: the slip of that listing, back.
    const relisted = { ...dora, surfacedAt: '2026-11-16', listedAt: '2026-11-16', lastContact: '2026-11-16' };
    expect(changeOf(noOrder, new Map([['d', relisted]]))).toEqual({ kind: 'back', since: '2026-11-16' });
    // An order after the save, then silence: the save held until then, and this is a new slip.
    expect(changeOf(saved('2026-09-14', [{ customerId: 'd', date: '2026-10-05', amount: 100 }]))).toEqual({
      kind: 'new',
    });
    // An order on the save's own day: "no order since" would be untrue of it.
    expect(changeOf(saved('2026-09-28'))).toEqual({ kind: 'new' });
    // A save tapped after the day the list is as of had not happened yet: read as if there were none.
    const later = new Map([['d', { ...dora, wonBackAt: '2026-12-02' }]]);
    const unsaved = new Map([['d', { ...dora, wonBackAt: null }]]);
    expect(changeOf(noOrder, later)).toEqual(changeOf(noOrder, unsaved));
    expect(changeOf(noOrder, later)).not.toHaveProperty('wonBack');
    // Moved to another rep since: new to the one who never saved them.
    const moved = new Map([['d', { ...dora, owner: 'e@x' }]]);
    expect(changeOf(noOrder, moved)).toEqual({ kind: 'new', from: 'e@x' });
    // Saved by Eve, then moved to Dee during the cool-down (a run stored the new owner): Dee never
    // saved her, nor had her on a list.
    const savedByEve = new Map([['d', { ...dora, wonBackOwner: 'e@x' }]]);
    expect(changeOf(noOrder, savedByEve)).toEqual({ kind: 'new' });
    // Saved by Dee under her sign-in name, the feed now naming her by email: her own save.
    const signIn = new Map([['d', { ...dora, wonBackOwner: 'Dee' }]]);
    const storedOwner = (owner: string) => (owner === 'Dee' ? 'd@x' : owner);
    expect(
      scoreWeekWithChanges(noOrder, rules, dayOf('2026-11-30'), signIn, { storedOwner }).changes.get('d'),
    ).toEqual({ kind: 'back', since: '2026-09-28', wonBack: true });
    expect(changeOf(noOrder, new Map([['d', { ...dora, wonBackOwner: 'd@x' }]]))).toEqual({
      kind: 'back',
      since: '2026-09-28',
      wonBack: true,
    });
  });

  it('on the first run every row is new: no card was sent last week to be worse or still against', () => {
    // The replay of a week earlier lists the same late customers, less late: "Worse: chance of no
    // order up 8 points" on a rep's very first card compared with a figure nobody was shown.
    const book = weeklyBook(60, 30);
    const lastWeek = scoreBook(book, rules, dayOf('2026-11-16')).customers.filter((c) => c.rank !== null);
    expect(lastWeek.length).toBeGreaterThan(0);
    const first = scoreWeekWithChanges(book, rules, dayOf('2026-11-23'));
    expect(first.changes.size).toBeGreaterThan(0);
    expect(new Set([...first.changes.values()].map((c) => c.kind))).toEqual(new Set(['new']));
    // The CLI remembers no run and tells the change against the replayed week, as it always did.
    const replayed = scoreWeekWithChanges(book, rules, dayOf('2026-11-23'), new Map(), {
      lastWeek: 'replayed',
    });
    expect([...replayed.changes.values()].some((c) => c.kind !== 'new')).toBe(true);
  });

  it('says new, and from whom, for a customer the feed moved from another rep; a case change is no move', () => {
    const book = weeklyBook(60, 30);
    const c0 = initialState({ customerId: 'c0', name: 'c0', owner: 'b@x', monthlyValue: 0 });
    // Three weeks on b's list; this week's feed names a@x as the owner.
    const moved = new Map([['c0', { ...c0, surfacedAt: '2026-11-02' }]]);
    const week = scoreWeekWithChanges(book, rules, dayOf('2026-11-23'), moved);
    expect(week.changes.get('c0')).toEqual({ kind: 'new', from: 'b@x' });
    expect(changeText({ kind: 'new', from: 'b@x' })).toBe('New on your list (moved from b@x)');
    // The same rep spelt with capitals last week is the same rep.
    const sameRep = new Map([['c0', { ...c0, owner: ' A@X', surfacedAt: '2026-11-02' }]]);
    expect(scoreWeekWithChanges(book, rules, dayOf('2026-11-23'), sameRep).changes.get('c0')).toEqual({
      kind: 'still',
      week: 4,
    });
  });

  it('says how much worse in the points the rows showed, not the unrounded rise', () => {
    // Online Retail as of 2011-09-12, customer 12559: 63% last week, 69% now, "up 5 points".
    expect(risePoints(0.6874, 0.6325)).toBe(6);
    expect(risePoints(0.999, 0.94)).toBe(5); // shown 99%, never 100%
  });

  it("is never new for who was on last week's list past the card, on a later page", () => {
    // Online Retail as of 2011-09-12: seven rows said "New on your list" though last week's list had
    // them on page 2, where a rise of 5 points would have said "Worse" instead.
    const orders: OrderRow[] = [];
    const weekly = (id: string, last: string) => {
      for (let d = dayOf(last); d >= dayOf('2026-01-05'); d -= 7)
        orders.push({
          customerId: id,
          date: new Date(d * 86_400_000).toISOString().slice(0, 10),
          amount: 100,
        });
    };
    for (let k = 0; k < 30; k++) weekly(`s${k}`, '2026-11-20');
    weekly('a', '2026-10-26');
    weekly('b', '2026-10-20');
    weekly('c', '2026-10-13');
    const book = bookFromRows({
      customers: [
        ...Array.from({ length: 30 }, (_, k) => ({ id: `s${k}`, owner: 'x@x' })),
        { id: 'a', owner: 'a@x', monthlyValue: 500 },
        { id: 'b', owner: 'a@x', monthlyValue: 400 },
        { id: 'c', owner: 'a@x', monthlyValue: 300 },
      ],
      orders,
    });
    const oneACard = parseRules({ capPerRep: 1 });
    const lastWeek = scoreBook(book, oneACard, dayOf('2026-11-16')).customers;
    expect(lastWeek.filter((c) => c.owner === 'a@x').map((c) => [c.customerId, c.rank, c.surfaced])).toEqual([
      ['a', 3, false],
      ['b', 2, false],
      ['c', 1, true],
    ]);
    // The rows last week's run stored for them (only c was on its card).
    const states = new Map(
      lastWeek.map((c) => [
        c.customerId,
        {
          ...initialState({ customerId: c.customerId, name: c.name, owner: c.owner, monthlyValue: 0 }),
          segment: c.segment,
          surfacedAt: c.surfaced ? '2026-11-16' : null,
        },
      ]),
    );
    const week = scoreWeekWithChanges(book, oneACard, dayOf('2026-11-23'), states);
    expect(Object.fromEntries(week.changes)).toEqual({
      a: { kind: 'still', week: null },
      b: { kind: 'still', week: null },
      c: { kind: 'still', week: 2 },
    });
  });

  it("never lists a one-order customer who ordered more recently than the book's median gap", () => {
    const withNew = bookFromRows({
      customers: [
        ...Array.from({ length: 40 }, (_, k) => ({ id: `c${k}`, owner: 'a@x' })),
        { id: 'new', owner: 'a@x' },
      ],
      orders: [...weeklyOrders(40, 10), { customerId: 'new', date: '2026-11-20', amount: 5000 }],
    });
    const scored = scoreBook(withNew, rules, dayOf('2026-11-23'));
    const fresh = scored.customers.find((c) => c.customerId === 'new');
    expect(fresh).toMatchObject({
      segment: null,
      notListed: 'too_new',
      rank: null,
      valueKind: 'second_order',
    });
  });
});

function weeklyOrders(n: number, stops: number): OrderRow[] {
  const orders: OrderRow[] = [];
  for (let k = 0; k < n; k++) {
    const end = Date.parse(k < stops ? '2026-06-01' : '2026-11-20');
    for (let t = Date.parse('2026-01-05') + (k % 7) * 86_400_000; t <= end; t += 7 * 86_400_000)
      orders.push({ customerId: `c${k}`, date: new Date(t).toISOString().slice(0, 10), amount: 100 });
  }
  return orders;
}

describe('the seam to the learned model', () => {
  it('goes by the calibrated chance for the horizon when the model gives one', () => {
    const table = measureChances(weeklyBook(60, 30), rules, dayOf('2026-11-23'));
    const input = { segment: 'slipping' as const, daysSinceLastOrder: 40, rhythmDays: 7, score: 40 };
    expect(noOrderChance(table, input).source).toBe('book_history');
    expect(noOrderChance(table, { ...input, calibrated: { '30': 0.7, '60': 0.5, '90': 0.42 } })).toEqual({
      probability: 0.42,
      horizonDays: 90,
      source: 'model',
    });
  });
});

describe('the chance from which each kind is at risk', () => {
  // 40 of 100 customers who were buying on the validation day placed no order in the 90 days after.
  const retailLike = { horizonDays: 90, validation: { customers: 100, churned: 40 } } as const;

  it('a slipping customer must be likelier to stop than a customer who is buying; the other kinds are not held to it', () => {
    expect(atRiskChances(rules, retailLike)).toEqual({ slipping: 0.5, not_back: 0.25, lapsed: 0.25 });
  });

  it('never below minNoOrderProbability, where buying customers rarely stop (a wholesale book)', () => {
    const wholesale = { horizonDays: 90, validation: { customers: 1000, churned: 80 } };
    expect(atRiskChances(rules, wholesale).slipping).toBe(0.25);
  });

  it('no bar of its own without a validation day, at another horizon, or with slippingOverUsual 0', () => {
    expect(atRiskChances(rules, { horizonDays: 90, validation: null }).slipping).toBe(0.25);
    // A 90-day share is no bar for a 30-day chance of no order.
    const thirty = parseRules({ model: { horizonDays: 30 } });
    expect(atRiskChances(thirty, retailLike).slipping).toBe(0.25);
    const off = parseRules({ lists: { slippingOverUsual: 0 } });
    expect(atRiskChances(off, retailLike).slipping).toBe(0.25);
  });
});
