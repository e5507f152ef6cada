import { HttpRequest, InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { actionRulesFrom } from '../../../bot/taps/actionRules';
import { actionWords } from '../../../bot/taps/actionWords';
import { readWonBackValue, typedAmount } from '../../../bot/taps/decideWonBack';
import { replayRow } from '../../../bot/taps/replayRow';
import { buildWeeklyCard } from '../../../cards/buildWeeklyCard';
import { createTabHandlers } from '../../../functions/tabApi';
import { dayOf, isoOfDay } from '../../../rules/book';
import { formatShortDate } from '../../../rules/calendar';
import { type CustomerState, initialState } from '../../../rules/customerState';
import { chancePercent } from '../../../rules/noOrderChance';
import { defaultRules } from '../../../rules/rulesSchema';
import { scoreBook } from '../../../rules/scoreBook';
import type { AuditRow } from '../../../storage/auditRow';
import { chartWeekOf, customerRow, scoredById, timeline, weekPoints } from '../../../tabs/api/customerViews';
import { repeatedTabTap, type TabActionDeps, tabMessageId, tapInTab } from '../../../tabs/api/tabActions';
import { createTabService, TabApiError, type TabService } from '../../../tabs/api/tabService';
import type { ActionRequestBody } from '../../../tabs/api/tabTypes';
import { bookFromRows } from '../../helpers/bookFromRows';
import { representativeWeek } from '../cards/weeklyCardFixtures';
import { ANA, atRisk, BEN, row } from '../taps/fixtures';
import { AS_OF, scoredBook, slipBook } from '../weekly/scoredFixture';

const TAB = tabMessageId('aad-ana');

describe('a tap in the tab acts like a fresh card after each action', () => {
  const reached = row({ id: 'r1', action: 'reached_out', cardMessageId: TAB });

  it('the same tap again while it is the latest action of this cycle is a repeat (finished, not recorded twice)', () => {
    expect(repeatedTabTap([reached], TAB, 'reached_out', atRisk(), 'UTC')).toBe(reached);
  });

  it('another action after it is new: Reached out, then Won back or Lost, as with the follow-up digest', () => {
    expect(repeatedTabTap([reached], TAB, 'won_back', atRisk(), 'UTC')).toBeNull();
    expect(repeatedTabTap([reached], TAB, 'lost', atRisk(), 'UTC')).toBeNull();
  });

  it('not a repeat when someone acted since: the old row is no answer for the new tap', () => {
    const admin = row({ id: 'w1', action: 'won_back', cardMessageId: 'card-9', actorId: 'aad-admin' });
    expect(repeatedTabTap([admin, reached], TAB, 'reached_out', atRisk(), 'UTC')).toBeNull();
  });

  it('not a repeat once the customer was listed again after it (a new slip cycle)', () => {
    const listedAgain = atRisk({ surfacedAt: '2026-11-30', lastContact: '2026-11-24' });
    expect(repeatedTabTap([reached], TAB, 'reached_out', listedAgain, 'UTC')).toBeNull();
  });

  it('not a repeat when the action was undone, nor from another card', () => {
    const undo = row({ id: 'undo|r1', action: 'undo', undoes: 'r1', cardMessageId: TAB });
    expect(repeatedTabTap([undo, reached], TAB, 'reached_out', atRisk(), 'UTC')).toBeNull();
    const onCard = row({ id: 'r2', action: 'reached_out', cardMessageId: 'card-1' });
    expect(repeatedTabTap([onCard], TAB, 'reached_out', atRisk(), 'UTC')).toBeNull();
  });
});

describe("a customer's row and page state the card's figures", () => {
  const rules = defaultRules();
  const scored = scoredBook(
    [{ id: 'C-1', name: 'Cafe', owner: 'ana@x.example', monthlyValue: 165.85623949579835, slip: true }],
    rules,
  );
  const c = scored.customers[0];
  const state = {
    ...initialState({
      customerId: 'C-1',
      name: 'Cafe',
      owner: 'ana@x.example',
      monthlyValue: c.monthlyValue,
    }),
    score: 90,
    band: c.band,
    segment: c.segment,
  };

  it('value at risk is the scoring’s value × chance of no order (the card’s and the CLI’s), not value × score', () => {
    const r = customerRow(state, scoredById(scored).get('C-1'));
    expect(r.valueAtRisk).toBe(Math.round(c.valueAtRisk));
    expect(r.valueAtRisk).not.toBe(Math.round((c.monthlyValue * 90) / 100));
    expect(r.valueKind).toBe(c.valueKind);
  });

  it('the row’s reasons are as of the tab’s day, as its days silent are: never "no order in 34 days" beside "37 days silent"', () => {
    const onMonday = scoreBook(
      slipBook([{ id: 'C-1', name: 'Cafe', owner: 'a', monthlyValue: 500, slip: true }]),
      rules,
      dayOf(AS_OF),
    );
    const thursday = scoreBook(
      slipBook([{ id: 'C-1', name: 'Cafe', owner: 'a', monthlyValue: 500, slip: true }]),
      rules,
      dayOf(AS_OF) + 3,
    );
    const stored = { ...state, reasons: onMonday.customers[0].reasons };
    const r = customerRow(stored, scoredById(thursday).get('C-1'));
    const days = r.daysSinceLastOrder;
    expect(days).toBe((onMonday.customers[0].daysSinceLastOrder ?? 0) + 3);
    expect(r.reasons[0]).toMatch(new RegExp(`^No order in ${days} days`));
    // A customer no longer in the feed keeps what the weekly run said.
    expect(customerRow(stored, undefined).reasons).toEqual(stored.reasons);
  });

  it("a one-visit customer gone from the feed keeps the weekly run's kind of value: not '£1,070/month'", () => {
    // The row falls back to the stored value, what another order is worth: said so, as the Won back
    // tap records it (by the stored kind), not as a monthly figure.
    const stored: CustomerState = { ...state, monthlyValue: 1070, valueKind: 'second_order' };
    expect(customerRow(stored, undefined)).toMatchObject({ monthlyValue: 1070, valueKind: 'second_order' });
  });

  it('the card pre-fills Won back with the figure its row states, which the Won back check accepts', () => {
    const value = 165.85623949579835;
    const week = representativeWeek();
    const card = JSON.stringify(
      buildWeeklyCard({ ...week, customers: [{ ...week.customers[0], monthlyValue: value }] }),
    );
    expect(card).toContain('"id":"value_0","label":"Monthly value won back (USD)","value":"166",');
    // The row reads "$166/month": the box holds that figure, not 165.86.
    expect(readWonBackValue('166', value, actionRulesFrom(rules))).toEqual({ ok: true, value: 166 });
  });

  it("the chart's chance of no order is the card's (listChance in the scoring's horizon), this week and before", () => {
    const earlier = scoredBook(
      [{ id: 'C-1', name: 'Cafe', owner: 'ana@x.example', monthlyValue: 500, slip: true }],
      rules,
    );
    const [point] = weekPoints(0, [chartWeekOf(earlier)]);
    // As the card words it: a whole percent, 1 to 99.
    expect((point.noOrderProbability ?? 0) * 100).toBeCloseTo(
      chancePercent(earlier.customers[0].listChance),
      9,
    );
    expect(point.horizonDays).toBe(earlier.noOrderHorizonDays);
  });

  it('the timeline writes amounts in the book’s currency and locale', () => {
    const entries = timeline(
      slipBook([{ id: 'C-1', name: 'Cafe', owner: 'a', monthlyValue: 1, slip: true }]),
      0,
      [],
      {
        today: AS_OF,
        timeZone: 'UTC',
        lossReasons: [],
        currency: 'EUR',
        locale: 'de-DE',
      },
    );
    const order = entries.find((e) => e.kind === 'order');
    // Not en-US's "€380": the locale places the sign.
    expect(order?.detail).toMatch(/^[\d.]+,\d{2}\s€$/);
  });

  it('the timeline writes each order to the penny, as the export does: £329.00 beside £328.64, not £329', () => {
    const book = bookFromRows({
      customers: [{ id: 'C-1' }],
      orders: [
        { customerId: 'C-1', date: '2026-11-02', amount: 328.64 },
        { customerId: 'C-1', date: '2026-11-09', amount: 329 },
      ],
    });
    const entries = timeline(book, 0, [], {
      today: AS_OF,
      timeZone: 'UTC',
      lossReasons: [],
      currency: 'GBP',
      locale: 'en-GB',
    });
    expect(entries.filter((e) => e.kind === 'order').map((e) => e.detail)).toEqual(['£329.00', '£328.64']);
    // In yen, which has no pence, as the currency writes it.
    const yen = timeline(book, 0, [], {
      today: AS_OF,
      timeZone: 'UTC',
      lossReasons: [],
      currency: 'JPY',
      locale: 'ja-JP',
    });
    expect(yen.filter((e) => e.kind === 'order').map((e) => e.detail)).toEqual(['￥329', '￥329']);
  });

  it("the timeline words a one-order customer's save as a second order, not as monthly revenue", () => {
    const before = atRisk({ valueKind: 'second_order', monthlyValue: 800 });
    const save = (id: string, snapshot: typeof before, value: number) =>
      row({ id, action: 'won_back', value, snapshot, at: `${AS_OF}T15:00:00.000Z` });
    const entries = timeline(
      slipBook([{ id: 'cust-1', name: 'Cafe', owner: 'a', monthlyValue: 1, slip: true }]),
      0,
      [save('w2', atRisk({ monthlyValue: 1200 }), 1500), save('w1', before, 800)],
      { today: AS_OF, timeZone: 'UTC', lossReasons: [], currency: 'USD', locale: 'en-US' },
    );
    expect(entries.filter((e) => e.title === 'Won back').map((e) => e.detail)).toEqual([
      'Ana Ruiz · $1,500 a month',
      'Ana Ruiz · another $800 order',
    ]);
  });

  it('a tap is dated on the team’s calendar, as the card words it: 18:00 Monday in Los Angeles is Tuesday in UTC', () => {
    const book = slipBook([{ id: 'C-1', name: 'Cafe', owner: 'a', monthlyValue: 1, slip: true }]);
    const lastOrder = book.orderDay[book.orderStart[1] - 1];
    const tappedOn = isoOfDay(lastOrder + 1);
    // 02:00 UTC the next day: still the evening of tappedOn in Los Angeles (UTC-8 in winter, -7 in summer).
    const at = new Date((lastOrder + 2) * 86_400_000 + 2 * 3_600_000).toISOString();
    const reached = row({ id: 'r1', action: 'reached_out', at, customerId: 'C-1' });
    const entries = timeline(book, 0, [reached], {
      today: isoOfDay(lastOrder + 30),
      timeZone: 'America/Los_Angeles',
      lossReasons: [],
      currency: 'USD',
      locale: 'en-US',
    });
    const tap = entries.find((e) => e.kind === 'action');
    expect(tap?.day).toBe(tappedOn);
    expect(actionWords(reached, { timeZone: 'America/Los_Angeles', today: tappedOn })).toContain(
      formatShortDate(tappedOn),
    );
    // Newest first, by the team's day: the tap (the day after the last order) lists above it.
    expect(entries.map((e) => e.kind).slice(0, 2)).toEqual(['action', 'order']);
    expect(entries.every((e) => /^\d{4}-\d{2}-\d{2}$/.test(e.day))).toBe(true);
  });
});

describe('the tab’s answers word dates in LOCALE, as the card and the chat do', () => {
  const user = { userId: ANA.userId, name: ANA.name, email: 'ana@demo.example', tenantId: '' };
  const deps = (state: CustomerState, history: AuditRow[]): TabActionDeps =>
    ({
      state: { get: async () => ({ state, etag: 'e' }) },
      audit: { latestForCustomer: async () => history },
      cards: { pushRecentAction: async () => undefined },
      rules: defaultRules(),
      timeZone: 'Europe/Berlin',
      access: { tenantId: '', adminUserIds: [] },
      clock: () => new Date('2026-11-26T10:00:00Z'),
      currency: 'EUR',
      locale: 'de-DE',
    }) as unknown as TabActionDeps;

  it('a customer already lost: the date of the loss as the card writes it', async () => {
    const lost = atRisk({ status: 'lost', lostAt: '2026-11-24', lostReason: 'price' });
    const result = await tapInTab(deps(lost, []), user, 'cust-1', { action: 'reached_out' });
    expect(result).toMatchObject({ ok: false, status: 409 });
    expect(result.ok ? '' : result.message).toContain(formatShortDate('2026-11-24', 'de-DE'));
    expect(result.ok ? '' : result.message).not.toContain('Tue 24 Nov');
  });

  it('Undo of another rep’s action: its date as the card writes it', async () => {
    const ben = row({ id: 'w1', action: 'won_back', actorId: BEN.userId, actorName: BEN.name, value: 900 });
    // The state Ben's Won back left (its whole change, as replayed from his row).
    const wonBack = replayRow(ben, {
      rules: actionRulesFrom(defaultRules()),
      timeZone: 'Europe/Berlin',
      currency: 'EUR',
    });
    const result = await tapInTab(deps(wonBack, [ben]), user, 'cust-1', { action: 'undo' });
    expect(result.ok ? '' : result.message).toContain(formatShortDate('2026-11-24', 'de-DE'));
  });
});

describe('the Undo button names the day as the card and the chat do', () => {
  const user = { userId: ANA.userId, name: ANA.name, email: 'ana@demo.example', tenantId: '' };
  const pageOn = async (now: string, at: string, locale?: string) => {
    const reached = row({ id: 'r1', action: 'reached_out', at });
    const state = atRisk({ owner: 'ana@demo.example', lastContact: at.slice(0, 10) });
    const service = createTabService({
      storage: {
        state: { get: async () => ({ state, etag: 'e' }) },
        audit: { latestForCustomer: async () => [reached] },
        listings: { readRow: async () => ({ weeks: [], startedAgain: false }) },
        conversations: {
          getRep: async () => null,
          getRepByEmail: async () => null,
          listReps: async () => [],
        },
      } as unknown as Parameters<typeof createTabService>[0]['storage'],
      cards: { pushRecentAction: async () => undefined },
      rules: defaultRules(),
      readBook: async () => ({ book: slipBook([]), report: { files: [], rowsSkipped: 0 } }),
      timeZone: 'UTC',
      access: { tenantId: '', adminUserIds: [], managerUserIds: [] },
      clock: () => new Date(now),
      locale,
    });
    return (await service.customer(user, 'cust-1')).undoable;
  };

  it('in LOCALE, with the year only when the action was in another year', async () => {
    expect(await pageOn('2026-11-25T10:00:00Z', '2026-11-23T15:00:00.000Z')).toBe(
      'reached out by Ana Ruiz on Mon 23 Nov',
    );
    expect(await pageOn('2026-11-25T10:00:00Z', '2026-11-23T15:00:00.000Z', 'de-DE')).toBe(
      `reached out by Ana Ruiz on ${formatShortDate('2026-11-23', 'de-DE')}`,
    );
    expect(await pageOn('2027-01-04T10:00:00Z', '2026-12-30T15:00:00.000Z')).toBe(
      'reached out by Ana Ruiz on Wed 30 Dec 2026',
    );
  });
});

describe('the tab API reads the Won back value as the card does', () => {
  const user = { userId: 'u', name: 'Ana', email: 'ana@x.example', tenantId: '' };
  const post = async (body: unknown, text = JSON.stringify(body)) => {
    const received: ActionRequestBody[] = [];
    const service = {
      act: async (_user: unknown, _id: string, b: ActionRequestBody) => {
        received.push(b);
        return { ok: true, message: 'ok', customer: null };
      },
    } as unknown as TabService;
    const handlers = createTabHandlers(async () => ({
      verify: async () => ({ ok: true as const, user }),
      service,
    }));
    const response = await handlers.action(
      new HttpRequest({
        method: 'POST',
        url: 'http://127.0.0.1/api/tab/customer/actions?id=C-1',
        body: { string: text },
        headers: { 'content-type': 'application/json' },
      }),
      new InvocationContext({ functionName: 'tabAction' }),
    );
    return {
      status: response.status,
      received,
      error: ('jsonBody' in response ? (response.jsonBody as { error?: string }) : undefined)?.error,
    };
  };

  it('a JSON number is read as the number typed (not replaced by the customer’s value)', async () => {
    const answer = await post({ action: 'won_back', value: 12 });
    expect(answer.status).toBe(200);
    expect(answer.received).toEqual([{ action: 'won_back', value: '12', locale: 'en-US' }]);
    expect((await post({ action: 'won_back', value: '12.50' })).received[0].value).toBe('12.50');
  });

  it('a JSON number with decimals is read with its decimal point in any LOCALE: 1.125 is not 1,125 in a German team', async () => {
    // Without a locale the value is read as LOCALE writes numbers, where de-DE's "1.125" is 1,125.
    for (const sent of [{ value: 1.125 }, { value: 1.125, locale: 'de-DE' }]) {
      const [body] = (await post({ action: 'won_back', ...sent })).received;
      expect(typedAmount(String(body.value), body.locale ?? 'de-DE')).toBe(1.125);
    }
    expect((await post({ action: 'won_back', value: '1.125' })).received[0].locale).toBeUndefined();
  });

  it('every answer, refusals included, is no-store and nosniff (a 409 can name a customer)', async () => {
    const service = {
      act: async () => {
        throw new TabApiError(409, 'Greenfield Cafe is already marked "reached out".');
      },
      customer: async () => {
        throw new TabApiError(404, 'No such customer.');
      },
    } as unknown as TabService;
    const verifyAs = (ok: boolean) =>
      createTabHandlers(async () => ({
        verify: async () =>
          ok
            ? { ok: true as const, user }
            : { ok: false as const, reason: 'missing' as const, detail: 'none' },
        service,
      }));
    const request = (method: string, path: string) =>
      new HttpRequest({
        method,
        url: `http://127.0.0.1/api/tab/${path}`,
        ...(method === 'POST'
          ? { body: { string: '{"action":"reached_out"}' }, headers: { 'content-type': 'application/json' } }
          : {}),
      });
    const context = new InvocationContext({ functionName: 'tab' });
    const answers = [
      await verifyAs(true).action(request('POST', 'customer/actions?id=C-1'), context),
      await verifyAs(true).customer(request('GET', 'customer?id=C-1'), context),
      await verifyAs(false).customer(request('GET', 'customer?id=C-1'), context),
    ];
    expect(answers.map((a) => a.status)).toEqual([409, 404, 401]);
    for (const answer of answers)
      expect(answer.headers).toMatchObject({
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
  });

  it('anything else is refused with 400, nothing reaches the service', async () => {
    for (const value of [null, true, { n: 1 }, [12]]) {
      expect(await post({ action: 'won_back', value })).toMatchObject({ status: 400, received: [] });
    }
    expect(await post({ action: 'lost', reason: 3 })).toMatchObject({ status: 400, received: [] });
  });

  it('the Team tab’s query is checked as the list’s is: a rep address past 300 characters or a month that is none is a 400', async () => {
    const asked: unknown[] = [];
    const handlers = createTabHandlers(async () => ({
      verify: async () => ({ ok: true as const, user }),
      service: {
        team: async (_user: unknown, filter: unknown) => {
          asked.push(filter);
          return {};
        },
      } as unknown as TabService,
    }));
    const team = async (query: string) => {
      const response = await handlers.team(
        new HttpRequest({ method: 'GET', url: `http://127.0.0.1/api/tab/team?${query}` }),
        new InvocationContext({ functionName: 'tabTeam' }),
      );
      return `${response.status} ${JSON.stringify('jsonBody' in response ? response.jsonBody : null)}`;
    };
    expect(await team(`rep=${'x'.repeat(301)}`)).toBe(
      '400 {"error":"rep: Too big: expected string to have <=300 characters"}',
    );
    expect(await team('month=2026-13')).toBe('400 {"error":"month: must be YYYY-MM"}');
    expect(asked).toEqual([]);
    expect(await team(`rep=${'x'.repeat(300)}&month=`)).toBe('200 {}');
    expect(await team('rep=&month=2026-11')).toBe('200 {}');
    expect(asked).toEqual([
      { rep: 'x'.repeat(300), month: null },
      { rep: null, month: '2026-11' },
    ]);
  });

  it('a body that names a key twice is refused with 400, whichever of the two a reader would keep', async () => {
    for (const text of [
      '{"action":"reached_out","action":"lost","reason":"price"}',
      '{"action":"won_back","value":"12","value":"12000"}',
      '{"action":"lost","reason":"price","note":"a","note":"b"}',
    ])
      expect(await post(undefined, text)).toEqual({
        status: 400,
        received: [],
        error: expect.stringMatching(
          /^malformed JSON: the key "(action|value|note)" appears twice in one object$/,
        ),
      });
    // The same names in different objects, or inside a string, are no repeat.
    expect(
      await post(
        undefined,
        '{"action":"lost","reason":"price","note":"\\"action\\":1, \\"action\\"","x":{"action":1}}',
      ),
    ).toMatchObject({ status: 200, received: [{ action: 'lost', reason: 'price' }] });
  });
});
