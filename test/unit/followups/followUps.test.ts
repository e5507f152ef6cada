import { describe, expect, it } from 'vitest';
import { buildDigestCard, followUpText } from '../../../cards/buildDigestCard';
import { digestCardDataFor, leftOutEarlier, repDigests } from '../../../jobs/followups/digestFor';
import { dayOf } from '../../../rules/book';
import { type CustomerState, initialState } from '../../../rules/customerState';
import {
  dueFollowUps,
  type FollowUp,
  followUpFor,
  orderLookup,
  savesHolding,
  wonBackTwice,
} from '../../../rules/followUps';
import { defaultRules, parseRules, type Rules } from '../../../rules/rulesSchema';
import { bookFromRows, type OrderRow } from '../../helpers/bookFromRows';

const rules = defaultRules();

/** Orders every 7 days from 2026-09-01 to `last`. */
function weekly(customerId: string, last: string, amount = 100): OrderRow[] {
  const out: OrderRow[] = [];
  for (let d = dayOf('2026-09-01'); d <= dayOf(last); d += 7) {
    out.push({ customerId, date: new Date(d * 86_400_000).toISOString().slice(0, 10), amount });
  }
  return out;
}

function state(id: string, fields: Partial<CustomerState>): CustomerState {
  return {
    ...initialState({ customerId: id, name: id, owner: 'ana@example.com', monthlyValue: 1200 }),
    ...fields,
  };
}

const book = bookFromRows({
  customers: [{ id: 'greenfield' }, { id: 'quiet' }, { id: 'saved' }],
  orders: [
    ...weekly('greenfield', '2026-11-02'),
    { customerId: 'greenfield', date: '2026-11-26', amount: 450 },
    ...weekly('quiet', '2026-10-20'),
    ...weekly('saved', '2026-11-03'),
  ],
});

const at = (today: string, after: string) => ({
  lookup: orderLookup(book, rules, dayOf(today)),
  window: { today, after },
});

/** What is due for `s` on `today`, in the window after `after`. */
const dueFor = (s: CustomerState, today: string, after: string, r: Rules = rules) => {
  const { lookup, window } = at(today, after);
  return followUpFor(s, lookup, r, window);
};

describe('followUpFor: what is due for one customer', () => {
  const greenfield = state('greenfield', { lastContact: '2026-11-23' });

  it('says nothing on the days before a step', () => {
    const { lookup, window } = at('2026-11-25', '2026-11-24');
    expect(followUpFor(greenfield, lookup, rules, window)).toBeNull();
  });

  it('offers the save the morning after an order placed after the contact, with the order', () => {
    const { lookup, window } = at('2026-11-27', '2026-11-26');
    expect(followUpFor(greenfield, lookup, rules, window)).toMatchObject({
      reason: { kind: 'ordered', contactOn: '2026-11-23', orderOn: '2026-11-26', amount: 450 },
      dueOn: '2026-11-27',
      autoLose: false,
    });
    // Once: the next day it is not due again.
    const next = at('2026-11-30', '2026-11-27');
    expect(followUpFor(greenfield, next.lookup, rules, next.window)).toBeNull();
  });

  it('ignores orders after the as-of day (the feed as of each day)', () => {
    const { lookup, window } = at('2026-11-25', '2026-11-20');
    expect(followUpFor(greenfield, lookup, rules, window)).toBeNull();
  });

  it('reminds on the 7th and 14th day after the contact with no order, then suggests lost on day 31', () => {
    const quiet = state('quiet', { lastContact: '2026-10-26' });
    const kinds = (today: string, after: string) => {
      const { lookup, window } = at(today, after);
      return followUpFor(quiet, lookup, rules, window)?.reason ?? null;
    };
    expect(kinds('2026-11-02', '2026-10-30')).toEqual({ kind: 'no_order', contactOn: '2026-10-26', days: 7 });
    expect(kinds('2026-11-03', '2026-11-02')).toBeNull();
    // Day 14 was a Monday; Tuesday after Monday sees nothing new.
    expect(kinds('2026-11-09', '2026-11-06')).toEqual({
      kind: 'no_order',
      contactOn: '2026-10-26',
      days: 14,
    });
    expect(kinds('2026-11-26', '2026-11-25')).toEqual({ kind: 'silent', contactOn: '2026-10-26', days: 31 });
  });

  it('a weekend step goes out on Monday (due since the previous working day)', () => {
    // Contact on a Saturday: day 7 is the next Saturday, shown Monday.
    const s = state('quiet', { lastContact: '2026-10-31' });
    const { lookup, window } = at('2026-11-09', '2026-11-06');
    expect(followUpFor(s, lookup, rules, window)).toMatchObject({ dueOn: '2026-11-07', reason: { days: 9 } });
  });

  it('marks lost automatically only when autoLoseAfterDays is set', () => {
    const quiet = state('quiet', { lastContact: '2026-10-26' });
    const strict = parseRules({ followUps: { autoLoseAfterDays: 31 } });
    const { window } = at('2026-11-26', '2026-11-25');
    const lookup = orderLookup(book, strict, dayOf('2026-11-26'));
    expect(followUpFor(quiet, lookup, strict, window)?.autoLose).toBe(true);
    expect(followUpFor(quiet, lookup, rules, window)?.autoLose).toBe(false);
  });

  it('stays quiet for the lost and the snoozed; a snoozed step comes back when the snooze ends', () => {
    const { lookup, window } = at('2026-11-27', '2026-11-26');
    expect(followUpFor({ ...greenfield, status: 'lost' }, lookup, rules, window)).toBeNull();
    expect(followUpFor({ ...greenfield, snoozedUntil: '2026-12-04' }, lookup, rules, window)).toBeNull();
    const later = at('2026-12-04', '2026-12-03');
    expect(
      followUpFor({ ...greenfield, snoozedUntil: '2026-12-04' }, later.lookup, rules, later.window),
    ).toMatchObject({ reason: { kind: 'ordered' }, dueOn: '2026-12-04' });
  });

  it('flags a save late against its rhythm within the cool-down, once', () => {
    // Orders every 7 days up to 3 Nov; won back 1 Nov; 1.5 x 7 = 11 days late on 14 Nov.
    const saved = state('saved', { wonBackAt: '2026-11-01', recoveredValue: 400 });
    const { lookup, window } = at('2026-11-16', '2026-11-13');
    expect(followUpFor(saved, lookup, rules, window)).toMatchObject({
      reason: { kind: 'save_slipping', wonBackOn: '2026-11-01', daysSinceOrder: 13, cadenceDays: 7 },
      dueOn: '2026-11-14',
    });
    const afterCoolDown = at('2027-01-04', '2027-01-01');
    expect(followUpFor(saved, afterCoolDown.lookup, rules, afterCoolDown.window)).toBeNull();
  });

  it('flags a save the day it turns late, not the day before', () => {
    // Orders every 7 days up to Tue 3 Nov: late from 3 Nov + ceil(1.5 x 7) = Sat 14 Nov.
    const saved = state('saved', { wonBackAt: '2026-11-01', recoveredValue: 400 });
    expect(dueFor(saved, '2026-11-13', '2026-11-12')).toBeNull();
    expect(dueFor(saved, '2026-11-14', '2026-11-13')).toMatchObject({
      reason: { kind: 'save_slipping', daysSinceOrder: 11 },
      dueOn: '2026-11-14',
    });
  });

  it('stops flagging a slipping save the day its cool-down ends, when the weekly list takes it back', () => {
    // Won back 1 Nov, coolDownDays 60: the cool-down covers up to 30 Dec; on 31 Dec the gates let
    // the customer back on the weekly list, so the digest no longer speaks for them.
    const sixtyDays = parseRules({ coolDownDays: 60 });
    const saved = state('saved', { wonBackAt: '2026-11-01', recoveredValue: 400 });
    expect(dueFor(saved, '2026-12-30', '2026-11-13', sixtyDays)).toMatchObject({
      reason: { kind: 'save_slipping' },
      dueOn: '2026-11-14',
    });
    expect(dueFor(saved, '2026-12-31', '2026-11-13', sixtyDays)).toBeNull();
  });

  it('gives a save made the very day the customer turned late the grace of a cycle, as any promise', () => {
    // Saved's last order was 3 Nov, late from 14 Nov; saved on 14 Nov with no order since: slipping
    // 11 days after the save (25 Nov), not at once.
    const saved = state('saved', { wonBackAt: '2026-11-14', recoveredValue: 400 });
    expect(dueFor(saved, '2026-11-16', '2026-11-13')).toBeNull();
    expect(dueFor(saved, '2026-11-25', '2026-11-24')).toMatchObject({
      reason: { kind: 'save_slipping', wonBackOn: '2026-11-14' },
      dueOn: '2026-11-25',
    });
  });

  it('does not count an order placed the day of the contact as ordered after it', () => {
    // The feed has the day, not the hour: Greenfield's order of 26 Nov may well predate a call that
    // day, so no "ordered after you reached out" the next morning; the no-order steps run as usual.
    const sameDay = state('greenfield', { lastContact: '2026-11-26' });
    expect(dueFor(sameDay, '2026-11-27', '2026-11-26')).toBeNull();
    expect(dueFor(sameDay, '2026-12-03', '2026-12-02')?.reason).toEqual({
      kind: 'no_order',
      contactOn: '2026-11-26',
      days: 7,
    });
  });

  it("flags a save that never ordered after it, its rhythm's grace after the save", () => {
    // Quiet ordered weekly up to 20 Oct; Ana recorded the save on Mon 2 Nov on a promise. No order
    // since: 1.5 x 7 = 11 days after the save, Fri 13 Nov, it is slipping.
    const promised = state('quiet', { wonBackAt: '2026-11-02', recoveredValue: 800 });
    const early = at('2026-11-12', '2026-11-11');
    expect(followUpFor(promised, early.lookup, rules, early.window)).toBeNull();
    const { lookup, window } = at('2026-11-13', '2026-11-12');
    const due = followUpFor(promised, lookup, rules, window);
    expect(due).toMatchObject({
      reason: { kind: 'save_slipping', wonBackOn: '2026-11-02', daysSinceOrder: 24, cadenceDays: 7 },
      dueOn: '2026-11-13',
    });
    const money = (n: number) => `$${n}`;
    expect(due && followUpText(due.reason, money, '2026-11-13', 'en-US')).toBe(
      'Won back on Mon 2 Nov, but no order since: now 24 days without one (usually every 7).',
    );
  });

  it('words a save whose last order was on the save day as slipping again, one ordered only before as no order since', () => {
    const money = (n: number) => `$${n}`;
    const reason = (daysSinceOrder: number) =>
      ({
        kind: 'save_slipping',
        wonBackOn: '2026-11-13',
        daysSinceOrder,
        cadenceDays: 7,
        ownRhythm: true,
      }) as const;
    // 27 Nov is 14 days after the save: an order 14 days ago was placed on the save day.
    expect(followUpText(reason(14), money, '2026-11-27', 'en-US')).toBe(
      'Won back on Fri 13 Nov, now 14 days without an order (usually every 7): slipping again.',
    );
    expect(followUpText(reason(15), money, '2026-11-27', 'en-US')).toBe(
      'Won back on Fri 13 Nov, but no order since: now 15 days without one (usually every 7).',
    );
  });

  it("a save with too few orders for a rhythm of its own is late against the book's gap, and says so", () => {
    // Fir ordered on 14 Sep and, after the save on 24 Nov, on the 25th: two orders 72 days apart,
    // judged against the book's weekly gap, which is not Fir's own.
    const withFir = bookFromRows({
      customers: [{ id: 'saved' }, { id: 'greenfield' }, { id: 'fir' }],
      orders: [
        ...weekly('saved', '2026-11-30'),
        ...weekly('greenfield', '2026-11-30'),
        { customerId: 'fir', date: '2026-09-14', amount: 800 },
        { customerId: 'fir', date: '2026-11-25', amount: 600 },
      ],
    });
    const fir = state('fir', { wonBackAt: '2026-11-24', recoveredValue: 800 });
    const lookup = orderLookup(withFir, rules, dayOf('2026-12-09'));
    expect(followUpFor(fir, lookup, rules, { today: '2026-12-09', after: '2026-12-04' })).toMatchObject({
      reason: { kind: 'save_slipping', daysSinceOrder: 14, cadenceDays: 7, ownRhythm: false },
    });
    const saved = state('saved', { wonBackAt: '2026-11-01', recoveredValue: 400 });
    const own = at('2026-11-16', '2026-11-13');
    expect(followUpFor(saved, own.lookup, rules, own.window)?.reason).toMatchObject({ ownRhythm: true });
  });

  it('a rep with nothing pending gets nothing (quiet defaults)', () => {
    const { lookup, window } = at('2026-11-27', '2026-11-26');
    expect(dueFollowUps([state('greenfield', {}), state('quiet', {})], lookup, rules, window)).toEqual([]);
  });
});

describe('won back twice within a year', () => {
  it('flags two saves within 365 days, not one, nor two far apart', () => {
    expect(wonBackTwice({ wonBackAt: '2026-11-20', previousWonBackAt: '2026-03-01' }, '2026-11-27')).toBe(
      true,
    );
    expect(wonBackTwice({ wonBackAt: '2026-11-20', previousWonBackAt: null }, '2026-11-27')).toBe(false);
    expect(wonBackTwice({ wonBackAt: '2026-11-20', previousWonBackAt: '2025-10-01' }, '2026-11-27')).toBe(
      false,
    );
  });

  it('a year is 365 days: a save 364 days back still counts, one 365 days back no longer', () => {
    expect(wonBackTwice({ wonBackAt: '2026-11-20', previousWonBackAt: '2025-11-28' }, '2026-11-27')).toBe(
      true,
    );
    expect(wonBackTwice({ wonBackAt: '2026-11-20', previousWonBackAt: '2025-11-27' }, '2026-11-27')).toBe(
      false,
    );
  });
});

describe('savesHolding', () => {
  it('checks 30/60/90 days on whether the save orders at its rhythm, and the value since', () => {
    const held = bookFromRows({
      customers: [{ id: 'held' }, { id: 'lapsed' }],
      orders: [...weekly('held', '2027-02-01'), ...weekly('lapsed', '2026-11-10')],
    });
    const lookup = orderLookup(held, rules, dayOf('2027-02-01'));
    const saves = savesHolding(
      [
        state('held', { wonBackAt: '2026-11-02', recoveredValue: 400 }),
        state('lapsed', { wonBackAt: '2026-11-02', recoveredValue: 300 }),
      ],
      lookup,
      rules,
    );
    expect(saves.map((s) => [s.customerId, s.checks.map((c) => `${c.days}:${c.held}`)])).toEqual([
      ['held', ['30:true', '60:true', '90:true']],
      ['lapsed', ['30:false', '60:false', '90:false']],
    ]);
    // 13 weekly orders of 100 after 2 Nov up to 1 Feb; two (3 and 10 Nov) for the other.
    expect(saves.map((s) => s.orderedSince)).toEqual([1300, 200]);
  });

  it('counts what was ordered after the save day, not an order of the day itself', () => {
    // Saved on Tue 3 Nov, an order day: that order came before or with the call, not from it.
    const lookup = orderLookup(book, rules, dayOf('2026-11-30'));
    const [save] = savesHolding(
      [state('saved', { wonBackAt: '2026-11-03', recoveredValue: 400 })],
      lookup,
      rules,
    );
    expect(save.orderedSince).toBe(0);
  });

  it("a one-visit customer's own burst is not an order by the save: only an order after the visit is", () => {
    // Orders on 1 and 2 Oct (one visit), saved on 5 Nov; the next order comes on 4 Nov.
    const orders = [
      { customerId: 'burst', date: '2026-10-01', amount: 500 },
      { customerId: 'burst', date: '2026-10-02', amount: 300 },
      { customerId: 'back', date: '2026-10-01', amount: 500 },
      { customerId: 'back', date: '2026-10-02', amount: 300 },
      { customerId: 'back', date: '2026-11-04', amount: 450 },
    ];
    const lookup = orderLookup(
      bookFromRows({ customers: [{ id: 'burst' }, { id: 'back' }], orders }),
      rules,
      dayOf('2026-11-30'),
    );
    const saves = savesHolding(
      [
        state('burst', { wonBackAt: '2026-11-05', recoveredValue: 800 }),
        state('back', { wonBackAt: '2026-11-05', recoveredValue: 800 }),
      ],
      lookup,
      rules,
    );
    expect(saves.map((s) => [s.customerId, s.nextVisitOrderBySave])).toEqual([
      ['burst', 0],
      ['back', 450],
    ]);
  });
});

describe('leftOutEarlier: steps a capped digest left out', () => {
  const step = (id: string, dueOn: string): FollowUp => ({
    state: state(id, { lastContact: '2026-11-13' }),
    reason: { kind: 'no_order', contactOn: '2026-11-13', days: 7 },
    dueOn,
    autoLose: false,
  });
  const due = [step('greenfield', '2026-11-20'), step('quiet', '2026-11-20')];

  it('catches up what a digest since the due day left out, not what it listed', () => {
    const shown = [{ day: '2026-11-20', owner: 'ana@example.com', customerIds: ['greenfield'] }];
    expect(leftOutEarlier(due, shown).map((f) => f.state.customerId)).toEqual(['quiet']);
  });

  it('leaves a rep who got no digest since alone: nothing was promised as "+N more"', () => {
    const before = [{ day: '2026-11-19', owner: 'ana@example.com', customerIds: [] }];
    expect(leftOutEarlier(due, before)).toEqual([]);
    expect(leftOutEarlier(due, [{ day: '2026-11-20', owner: 'ben@example.com', customerIds: [] }])).toEqual(
      [],
    );
  });
});

describe('digestCardDataFor: the fullest digest', () => {
  it('shows as many rows as fit 80 KB as Teams counts it (UTF-16) and counts the rest as "+N more"', () => {
    // 17 follow-ups with the longest ids the feed takes and long names, a wordy reminder each.
    const due: FollowUp[] = Array.from({ length: 17 }, (_, k) => ({
      state: {
        ...state(`c-${k}`.padEnd(400, 'x'), { lastContact: '2026-11-13' }),
        name: `Greenfield Organic Wholesale ${k} `.repeat(30),
      },
      reason: { kind: 'no_order', contactOn: '2026-11-13', days: 7 },
      dueOn: '2026-11-20',
      autoLose: false,
    }));
    const [digest] = repDigests(due);
    const data = digestCardDataFor(
      digest,
      rules,
      { runKey: 'daily-2026-11-20', today: '2026-11-20' },
      new Map(),
    );
    const card = buildDigestCard(data);
    expect(2 * JSON.stringify(card).length).toBeLessThanOrEqual(80 * 1024);
    expect(data.rows.length).toBeGreaterThan(0);
    // Every follow-up due is on the card or counted past it, the most urgent first.
    expect(data.rows.length + (data.overflow ?? 0)).toBe(17);
    expect(data.rows.map((r) => r.customerId)).toEqual(
      digest.shown.slice(0, data.rows.length).map((f) => f.state.customerId),
    );
    expect(JSON.stringify(card)).toContain(`+${17 - data.rows.length} more due today`);
    // A tap replaces the digest with the row's outcome in place of its buttons: it never grows.
    const outcome = {
      kind: 'lost',
      by: 'B'.repeat(500),
      at: '2026-11-20',
      reason: 'other',
      note: 'n'.repeat(2000),
    } as const;
    const tapped = buildDigestCard({ ...data, rows: data.rows.map((r) => ({ ...r, outcome })) });
    expect(2 * JSON.stringify(tapped).length).toBeLessThanOrEqual(80 * 1024);
  });
});
