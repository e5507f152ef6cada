import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createActionHandler } from '../../../bot/taps/actionHandler';
import { FeedError } from '../../../feed/feedError';
import { readFeed } from '../../../feed/readFeed';
import { followUpsReportText } from '../../../jobs/followups/followUpsReport';
import { type FollowUpsRunDeps, runFollowUps } from '../../../jobs/followups/followUpsRun';
import { initialState } from '../../../rules/customerState';
import { defaultRules, parseRules, type Rules } from '../../../rules/rulesSchema';
import type { AuditStore } from '../../../storage';
import { cardOf } from '../../fakes/teamsConnector';
import { bookFromRows } from '../../helpers/bookFromRows';
import { findAll, texts } from '../../unit/cards/cardWalk';
import { handlerDeps } from '../taps/actionHarness';
import {
  actionStoresOf,
  conversationOf,
  installReps,
  openWeeklyWorld,
  type WeeklyWorld,
  weeklyOrders,
} from '../weekly/weeklyWorld';
import { completed, dailyDeps, TUESDAY } from './dailyRun';

// The daily run on Azurite and the limit-enforcing fake connector: when it is due, one digest per
// rep with something to say and none for the others, idempotent per day through the ledger, and
// silence marked lost only when the rules say so, as a system row the rep can undo on the digest.

const ANA = 'ana@example.com';
const BEN = 'ben@example.com';

const book = bookFromRows({
  customers: [
    { id: 'quiet', name: 'Quiet Deli', owner: ANA, monthlyValue: 800 },
    { id: 'steady', name: 'Steady Cafe', owner: BEN, monthlyValue: 500 },
  ],
  orders: [
    ...weeklyOrders('quiet', '2026-06-01', '2026-10-12'),
    ...weeklyOrders('steady', '2026-06-01', '2026-11-23'),
  ],
});

describe('runFollowUps', () => {
  let world: WeeklyWorld;

  beforeEach(async () => {
    world = await openWeeklyWorld('fu');
    await installReps(world, [ANA, BEN]);
    // Ana reached out to Quiet Deli 35 days ago; nothing since. Ben's customer is fine.
    await world.storage.state.writeChanged(new Map(), [
      {
        ...initialState({ customerId: 'quiet', name: 'Quiet Deli', owner: ANA, monthlyValue: 800 }),
        lastContact: '2026-10-20',
      },
      initialState({ customerId: 'steady', name: 'Steady Cafe', owner: BEN, monthlyValue: 500 }),
    ]);
  });
  afterEach(async () => {
    await world.stop();
  });

  const deps = (rules: Rules = defaultRules()): FollowUpsRunDeps =>
    dailyDeps(world, async () => ({ book, report: { files: [], rowsSkipped: 0 } }), { rules });

  /** The bot's tap handler over the world's storage: a digest's buttons go through it, as the weekly card's do. */
  const digestActions = (overrides: Parameters<typeof handlerDeps>[1]) =>
    createActionHandler(handlerDeps(actionStoresOf(world), overrides));

  /**
   * The daily deps over a book where Ana reached out on Mon 16 Nov to each customer named (their
   * values falling in that order) and none has ordered since; Ben's one customer is steady.
   */
  async function calledOnMonday(customers: { id: string; name: string }[]): Promise<FollowUpsRunDeps> {
    const value = (i: number) => 2000 - i * 10;
    const crowded = bookFromRows({
      customers: [
        { id: 'steady', name: 'Steady Cafe', owner: BEN, monthlyValue: 500 },
        ...customers.map((c, i) => ({ ...c, owner: ANA, monthlyValue: value(i) })),
      ],
      orders: [
        ...weeklyOrders('steady', '2026-06-01', '2026-11-23'),
        ...customers.flatMap((c) => weeklyOrders(c.id, '2026-06-01', '2026-10-12')),
      ],
    });
    await world.storage.state.writeChanged(
      new Map(),
      customers.map((c, i) => ({
        ...initialState({ customerId: c.id, name: c.name, owner: ANA, monthlyValue: value(i) }),
        lastContact: '2026-11-16',
      })),
    );
    return { ...deps(), readBook: async () => ({ book: crowded, report: { files: [], rowsSkipped: 0 } }) };
  }

  it('a rep who removed the app before her digest: the account says so and when, as the weekly notice does', async () => {
    await world.storage.state.update('quiet', (s) => s && { ...s, lastContact: '2026-10-24' });
    // Ana uninstalled the app on Sunday evening, Chicago time (Monday in UTC).
    await world.storage.conversations.removeRep(`aad-${ANA}`, '2026-11-23T03:30:00.000Z');
    const report = completed(await runFollowUps(deps(), { now: TUESDAY }));
    expect(report.notReached).toEqual([
      {
        rep: ANA,
        status: 'no_conversation',
        detail:
          'they removed the app on Sun 22 Nov: ask them to add Churn Predictor again, or, if they left, move their customers to another rep in the order feed',
      },
    ]);
  });

  it('waits for a working day and the send time', async () => {
    expect(await runFollowUps(deps(), { now: new Date('2026-11-24T14:00:00Z') })).toMatchObject({
      status: 'not_due',
      reason: 'before_send_time',
    });
    expect(await runFollowUps(deps(), { now: new Date('2026-11-28T15:03:00Z') })).toMatchObject({
      status: 'not_due',
      reason: 'not_a_working_day',
    });
    expect(
      await runFollowUps(deps(parseRules({ followUps: { enabled: false } })), { now: TUESDAY }),
    ).toMatchObject({ status: 'not_due', reason: 'disabled' });
    expect(world.fake.activities).toEqual([]);
  });

  it('waits out a public holiday of the team’s calendar: Thanksgiving’s step goes out on Friday', async () => {
    // Ana reached out on Thu 19 Nov: the 7-day step falls due on Thanksgiving, Thu 26 Nov 2026.
    await world.storage.state.update('quiet', (s) => s && { ...s, lastContact: '2026-11-19' });
    const us: FollowUpsRunDeps = { ...deps(), config: { timeZone: 'America/Chicago', holidays: 'US' } };
    const at = (day: string) => new Date(`${day}T15:03:00Z`); // 09:03 in Chicago
    expect(completed(await runFollowUps(us, { now: at('2026-11-25') })).followUps.due).toBe(0);

    expect(await runFollowUps(us, { now: at('2026-11-26') })).toMatchObject({
      status: 'not_due',
      reason: 'public_holiday',
      holiday: 'Thanksgiving Day',
    });
    expect(world.fake.activities.filter((a) => a.kind === 'send')).toEqual([]);

    const friday = completed(await runFollowUps(us, { now: at('2026-11-27') }));
    expect(friday).toMatchObject({
      since: '2026-11-25',
      lookedBack: { days: 2, from: 'last_run' },
      followUps: { due: 1, no_order: 1 },
      counts: { delivered: 1 },
    });
    const sends = world.fake.activities.filter((a) => a.kind === 'send');
    expect(sends.map((a) => a.conversationId)).toEqual([conversationOf(ANA)]);
  });

  it('a snooze that ends on a closed day (CLOSED_DAYS) is told on the next working day, as after a holiday', async () => {
    // Ana snoozed Quiet Deli, silent since 20 Oct, on Tue 24 Nov until Tue 1 Dec: a stocktake day.
    await world.storage.state.update(
      'quiet',
      (s) => s && { ...s, snoozedUntil: '2026-12-01', snoozedAt: '2026-11-24' },
    );
    const closed: FollowUpsRunDeps = {
      ...deps(),
      config: { timeZone: 'America/Chicago', closedDays: [{ from: '2026-12-01', to: '2026-12-01' }] },
    };
    const at = (day: string) => new Date(`${day}T15:03:00Z`); // 09:03 in Chicago
    expect(completed(await runFollowUps(closed, { now: at('2026-11-30') })).followUps.due).toBe(0);
    expect(await runFollowUps(closed, { now: at('2026-12-01') })).toMatchObject({
      status: 'not_due',
      reason: 'closed_day',
    });
    expect(world.fake.activities.filter((a) => a.kind === 'send')).toEqual([]);
    const wednesday = completed(await runFollowUps(closed, { now: at('2026-12-02') }));
    expect(wednesday).toMatchObject({ followUps: { due: 1, silent: 1 }, counts: { delivered: 1 } });
    const sends = world.fake.activities.filter((a) => a.kind === 'send');
    expect(sends.map((a) => a.conversationId)).toEqual([conversationOf(ANA)]);
  });

  it('a closure longer than the catch-up limit loses nothing: the step due on its first day is told on the return', async () => {
    // Ana reached out on Tue 20 Oct; its one step falls due on Tue 27 Oct, the first day of a closure
    // to Fri 13 Nov: 18 days before the return on Mon 16 Nov, past the 14 days a run looks back.
    await world.storage.state.update('quiet', (s) => s && { ...s, lastContact: '2026-10-20' });
    const rules = parseRules({ followUps: { noOrderSteps: [7], silentAfterDays: 60 } });
    const closed: FollowUpsRunDeps = {
      ...deps(rules),
      config: { timeZone: 'America/Chicago', closedDays: [{ from: '2026-10-27', to: '2026-11-13' }] },
    };
    const at = (day: string) => new Date(`${day}T15:03:00Z`); // 09:03 in Chicago
    expect(completed(await runFollowUps(closed, { now: at('2026-10-26') })).followUps.due).toBe(0);
    const back = completed(await runFollowUps(closed, { now: at('2026-11-16') }));
    expect(back).toMatchObject({
      since: '2026-10-26',
      lookedBack: { from: 'last_run' },
      followUps: { due: 1, no_order: 1 },
      counts: { delivered: 1 },
    });
  });

  it('sends one digest to the rep with something due and nothing to the others; once a day', async () => {
    // Day 35 of silence: the silent step fell due on day 31 (Friday 20 Nov), not since Monday.
    await world.storage.state.update('quiet', (s) => s && { ...s, lastContact: '2026-10-24' });
    const report = completed(await runFollowUps(deps(), { now: TUESDAY }));
    expect(report).toMatchObject({
      runKey: 'daily-2026-11-24',
      // No daily run completed before: the first one looks back the whole limit.
      since: '2026-11-10',
      lookedBack: { days: 14, from: 'limit' },
      followUps: { due: 1, silent: 1 },
      markedLost: { recorded: 0 },
      counts: { delivered: 1 },
      quietReps: 1,
      followUpRows: { recorded: 1, alreadyThere: 0 },
    });
    const sends = world.fake.activities.filter((a) => a.kind === 'send');
    expect(sends.map((a) => a.conversationId)).toEqual([conversationOf(ANA)]);
    const card = cardOf(sends[0]);
    expect(texts(card)).toContain(
      'No order in the 31 days since you reached out (Sat 24 Oct): mark lost, went quiet?',
    );
    // Suggested, not marked: the rules leave autoLoseAfterDays unset.
    expect((await world.storage.state.get('quiet'))?.state.status).toBe('active');

    const again = completed(await runFollowUps(deps(), { now: TUESDAY, force: true }));
    expect(again.counts.delivered).toBe(1);
    expect(again.outcomes[0]).toMatchObject({ earlier: true });
    expect(again.followUpRows).toEqual({ recorded: 0, alreadyThere: 1 });
    expect(world.fake.activities.filter((a) => a.kind === 'send')).toHaveLength(1);
  });

  it('a day whose run did not complete is caught up the next day: the window starts at the last completed run', async () => {
    // Ana reached out to two customers on Mon 16 Nov; one ordered on Fri 20 Nov.
    const withCalls = bookFromRows({
      customers: [
        ...book.customers.map((c) => ({ ...c, monthlyValue: c.monthlyValue ?? undefined })),
        { id: 'called', name: 'Called Bistro', owner: ANA, monthlyValue: 700 },
        { id: 'ordered', name: 'Ordered Grill', owner: ANA, monthlyValue: 600 },
      ],
      orders: [
        ...weeklyOrders('quiet', '2026-06-01', '2026-10-12'),
        ...weeklyOrders('steady', '2026-06-01', '2026-11-23'),
        ...weeklyOrders('called', '2026-06-01', '2026-10-12'),
        ...weeklyOrders('ordered', '2026-06-01', '2026-10-12'),
        { customerId: 'ordered', date: '2026-11-20', amount: 450 },
      ],
    });
    await world.storage.state.writeChanged(new Map(), [
      {
        ...initialState({ customerId: 'called', name: 'Called Bistro', owner: ANA, monthlyValue: 700 }),
        lastContact: '2026-11-16',
      },
      {
        ...initialState({ customerId: 'ordered', name: 'Ordered Grill', owner: ANA, monthlyValue: 600 }),
        lastContact: '2026-11-16',
      },
    ]);
    const daily: FollowUpsRunDeps = {
      ...deps(),
      readBook: async () => ({ book: withCalls, report: { files: [], rowsSkipped: 0 } }),
    };
    // Friday's run completes: Quiet Deli's day 31 of silence (since 20 Oct) is all that is due.
    const friday = completed(await runFollowUps(daily, { now: new Date('2026-11-20T15:03:00Z') }));
    expect(friday.followUps).toMatchObject({ due: 1, silent: 1 });
    // Monday the feed is broken all day: the run stops at every tick and never completes.
    const broken: FollowUpsRunDeps = {
      ...daily,
      readBook: (asOf) => readFeed(join(__dirname, '../../fixtures/feeds/header-only-orders'), { asOf }),
    };
    for (const at of ['2026-11-23T15:03:00Z', '2026-11-23T22:48:00Z'])
      expect(await runFollowUps(broken, { now: new Date(at) })).toMatchObject({ status: 'stopped' });

    const tuesday = completed(await runFollowUps(daily, { now: TUESDAY }));
    expect(tuesday).toMatchObject({
      since: '2026-11-20',
      lookedBack: { days: 4, from: 'last_run' },
      // The save to record (due Saturday) and the day-7 reminder (due Monday); Friday's row not again.
      followUps: { due: 2, ordered: 1, no_order: 1, silent: 0 },
      counts: { delivered: 1 },
      followUpRows: { recorded: 2 },
    });
    const sends = world.fake.activities.filter((a) => a.kind === 'send');
    const [last] = sends.slice(-1);
    const digest = cardOf(last);
    expect(texts(digest)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Ordered \$450 on Fri 20 Nov, .*record the save\?$/)]),
    );
    // Wednesday follows Tuesday's completed run: nothing new.
    const wednesday = completed(await runFollowUps(daily, { now: new Date('2026-11-25T15:03:00Z') }));
    expect(wednesday).toMatchObject({ since: '2026-11-24', lookedBack: { days: 1 }, followUps: { due: 0 } });
  });

  /**
   * Tuesday's digest for Ana's customer `id` of one order in June (`first`), reached out to on Mon 16
   * Nov, who ordered `second` on Fri 20 Nov (a steady customer of Ben's beside them).
   */
  async function digestOfOneOrderCustomer(id: string, name: string, first: number, second: number) {
    const book = bookFromRows({
      customers: [
        { id: 'steady', name: 'Steady Cafe', owner: BEN, monthlyValue: 500 },
        { id, name, owner: ANA },
      ],
      orders: [
        ...weeklyOrders('steady', '2026-06-01', '2026-11-23'),
        { customerId: id, date: '2026-06-10', amount: first },
        { customerId: id, date: '2026-11-20', amount: second },
      ],
    });
    await world.storage.state.writeChanged(new Map(), [
      {
        ...initialState({ customerId: id, name, owner: ANA, monthlyValue: first, valueKind: 'second_order' }),
        lastContact: '2026-11-16',
      },
    ]);
    const daily: FollowUpsRunDeps = {
      ...deps(),
      readBook: async () => ({ book, report: { files: [], rowsSkipped: 0 } }),
    };
    expect(completed(await runFollowUps(daily, { now: TUESDAY })).followUps).toMatchObject({ ordered: 1 });
    const [delivery] = await world.storage.runs.listRun('daily-2026-11-24');
    const sent = world.fake.activities.find((a) => a.kind === 'send')?.activity as {
      attachments: { content: unknown }[];
    };
    return { delivery, digest: sent.attachments[0].content };
  }

  /** Ana taps Won back on Tuesday's digest row of `customerId` with the box as it opened. */
  function saveAsPrefilled(delivery: { activityId?: string | null }, customerId: string, boxValue: unknown) {
    return digestActions({ clock: () => new Date('2026-11-24T16:03:00Z') }).submit({
      actor: { userId: `aad-${ANA}`, name: 'Ana', tenantId: 'tenant-1' },
      value: {
        action: 'won_back',
        customerId,
        runKey: 'daily-2026-11-24',
        v: 1,
        fields: { value: 'value_0' },
        value_0: String(boxValue),
      },
      replyToId: delivery.activityId ?? '',
      conversationId: conversationOf(ANA),
      conversationKind: 'personal',
    });
  }

  it("a one-order customer who ordered after the call: Won back opens with that order's amount, and the save records it", async () => {
    // Ana reached out on Mon 16 Nov to a customer of one £1,600 order in June; on Fri 20 Nov they
    // ordered £450. Their value on the row is what a second order might be worth (the first's):
    // the save is the order they placed, which the feed now holds.
    const { delivery, digest } = await digestOfOneOrderCustomer('once', 'Once Bakery', 1600, 450);
    expect(texts(digest)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Ordered \$450 on Fri 20 Nov, 4 days after you reached out/),
      ]),
    );
    const [box] = findAll(digest, (n) => n.id === 'value_0');
    expect(box).toMatchObject({ type: 'Input.Text', value: '450' });

    // Ana saves it as the card opens: Teams sends the box's value with the button's data.
    const reply = await saveAsPrefilled(delivery, 'once', box.value);
    expect(texts(reply.updateCard)).toContain('Won back another $450 order by Ana, Tue 24 Nov');
    expect((await world.storage.state.get('once'))?.state).toMatchObject({ recoveredValue: 450 });
  });

  it("a one-order customer's next order, over ten times their first, is recorded as the row prefilled it, not refused", async () => {
    // A $100 trial order in June, then $2,400 after Ana's call: the box opens with $2,400; the cap
    // counted from the first order alone ($1,000) refused the figure the card itself had filled in.
    const { delivery, digest } = await digestOfOneOrderCustomer('trial', 'Trial Bakery', 100, 2400);
    const [box] = findAll(digest, (n) => n.id === 'value_0');
    expect(box).toMatchObject({ value: '2400' });
    const reply = await saveAsPrefilled(delivery, 'trial', box.value);
    expect(texts(reply.updateCard)).toContain('Won back another $2,400 order by Ana, Tue 24 Nov');
    expect((await world.storage.state.get('trial'))?.state).toMatchObject({ recoveredValue: 2400 });
  });

  it("rows past a digest's cap come in the next digest, not never", async () => {
    // Ana reached out to 17 customers on Mon 16 Nov; none has ordered since. Monday's digest can
    // list 15 of the day-7 reminders and says "+2 more"; Tuesday's brings those two.
    const ids = Array.from({ length: 17 }, (_, i) => `c${String(i).padStart(2, '0')}`);
    const daily = await calledOnMonday(ids.map((id) => ({ id, name: `Cafe ${id}` })));
    const names = () => {
      const sends = world.fake.activities.filter((a) => a.kind === 'send');
      const [last] = sends.slice(-1);
      const card = cardOf(last);
      return texts(card).filter((t) => /^\*\*Cafe /.test(t) || /^Cafe /.test(t));
    };
    const monday = completed(await runFollowUps(daily, { now: new Date('2026-11-23T15:03:00Z') }));
    expect(monday.followUps).toMatchObject({ due: 17, no_order: 17, overflow: 2 });
    expect(names().join(' ')).not.toMatch(/c15|c16/);
    const tuesday = completed(await runFollowUps(daily, { now: TUESDAY }));
    expect(tuesday.followUps).toMatchObject({ due: 2, no_order: 2, overflow: 0 });
    expect(names().join(' ')).toMatch(/Cafe c15.*Cafe c16|Cafe c16.*Cafe c15/);
    // Shown once: Wednesday has nothing new to say.
    const wednesday = completed(await runFollowUps(daily, { now: new Date('2026-11-25T15:03:00Z') }));
    expect(wednesday.followUps).toMatchObject({ due: 0 });
  });

  it('a digest of 15 follow-ups with the longest ids and names reaches the rep, the rows past 80 KB (UTF-16) counted for the next', async () => {
    const ids = Array.from(
      { length: 15 },
      (_, i) => `${String(i).padStart(2, '0')}-${'customer-'.repeat(44)}`,
    );
    const name = (i: number) => `${'Greenfield Organic Wholesale Cafe & Bakery Ltd '.repeat(21)}${i}`;
    const daily = await calledOnMonday(ids.map((id, i) => ({ id, name: name(i) })));
    const monday = completed(await runFollowUps(daily, { now: new Date('2026-11-23T15:03:00Z') }));
    expect(monday.counts.delivered).toBe(1);
    expect(world.fake.stats.tooLarge).toBe(0);
    const [sent] = world.fake.activities.filter((a) => a.kind === 'send');
    const card = cardOf(sent);
    const shown = ids.filter((id) => JSON.stringify(card).includes(id));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown).toEqual(ids.slice(0, shown.length));
    expect(monday.followUps).toMatchObject({ due: 15, overflow: 15 - shown.length });
    expect(texts(card)).toContain(
      `+${15 - shown.length} more due today: the most urgent are above, the rest come in your next digest`,
    );
  });

  /**
   * The daily deps with Ana's client in Los Angeles (her digest two hours after the team's) and Ben's
   * call to Busy Bar on Mon 16 Nov followed by its order on the 20th: his Tuesday digest says so.
   */
  async function anaInLosAngelesBenCalledBusyBar(): Promise<FollowUpsRunDeps> {
    await world.storage.conversations.learnTimeZone(`aad-${ANA}`, 'America/Los_Angeles');
    const withBen = bookFromRows({
      customers: [...book.customers, { id: 'busy', name: 'Busy Bar', owner: BEN, monthlyValue: 600 }],
      orders: [
        ...weeklyOrders('quiet', '2026-06-01', '2026-10-12'),
        ...weeklyOrders('steady', '2026-06-01', '2026-11-23'),
        ...weeklyOrders('busy', '2026-06-01', '2026-10-12'),
        { customerId: 'busy', date: '2026-11-20', amount: 450 },
      ],
    });
    await world.storage.state.writeChanged(new Map(), [
      {
        ...initialState({ customerId: 'busy', name: 'Busy Bar', owner: BEN, monthlyValue: 600 }),
        lastContact: '2026-11-16',
      },
    ]);
    return dailyDeps(world, async () => ({ book: withBen, report: { files: [], rowsSkipped: 0 } }));
  }

  /** The digests the fake Teams got for a rep's chat. */
  const sendsTo = (email: string) =>
    world.fake.activities.filter((a) => a.kind === 'send' && a.conversationId === conversationOf(email));

  it('a rep whose client is in Los Angeles gets the digest at 09:03 there, her silent customer marked lost only then', async () => {
    await world.storage.conversations.learnTimeZone(`aad-${ANA}`, 'America/Los_Angeles');
    const rules = parseRules({ followUps: { autoLoseAfterDays: 35 } });
    const d = deps(rules);
    const sends = () => world.fake.activities.filter((a) => a.kind === 'send');
    // 09:03 in Chicago: Ana's 09:03 is two hours later; nothing of hers is touched yet.
    const first = completed(await runFollowUps(d, { now: TUESDAY }));
    expect(first).toMatchObject({
      counts: { delivered: 0, waiting: 1, failed: 0 },
      retry: 'rep_time',
      nextSendAt: '2026-11-24T17:03:00.000Z',
      markedLost: { recorded: 0 },
      notReached: [],
    });
    expect(sends()).toHaveLength(0);
    expect((await world.storage.state.get('quiet'))?.state.status).toBe('active');

    const cameAt: string[] = [];
    for (let t = TUESDAY.getTime() + 15 * 60_000; t <= Date.parse('2026-11-24T19:03:00Z'); t += 15 * 60_000) {
      const before = sends().length;
      await runFollowUps(d, { now: new Date(t) });
      if (sends().length > before) cameAt.push(new Date(t).toISOString());
    }
    expect(cameAt).toEqual(['2026-11-24T17:03:00.000Z']);
    expect(sends().map((a) => a.conversationId)).toEqual([conversationOf(ANA)]);
    const card = cardOf(sends()[0]);
    expect(texts(card)).toContain('Lost: Went quiet. Marked by Churn Predictor, Tue 24 Nov');
    expect((await world.storage.state.get('quiet'))?.state.status).toBe('lost');
  });

  it('on ticks the timer fires milliseconds early, a rep in Los Angeles still gets the digest at 09:03 there', async () => {
    await world.storage.conversations.learnTimeZone(`aad-${ANA}`, 'America/Los_Angeles');
    const d = deps(parseRules({ followUps: { autoLoseAfterDays: 35 } }));
    const sends = () => world.fake.activities.filter((a) => a.kind === 'send');
    const early = (iso: string) => new Date(Date.parse(iso) - 5);
    expect(completed(await runFollowUps(d, { now: early(TUESDAY.toISOString()) }))).toMatchObject({
      counts: { delivered: 0, waiting: 1, failed: 0 },
      nextSendAt: '2026-11-24T17:03:00.000Z',
    });
    await runFollowUps(d, { now: early('2026-11-24T16:48:00Z') });
    expect(sends()).toHaveLength(0);
    await runFollowUps(d, { now: early('2026-11-24T17:03:00Z') });
    expect(sends().map((a) => a.conversationId)).toEqual([conversationOf(ANA)]);
  });

  it('a rep whose own time never came that day (the host down all afternoon): her next digest says what fell due, nothing goes twice to the others', async () => {
    const d = await anaInLosAngelesBenCalledBusyBar();
    // Tuesday 09:03 in Chicago: Ben's digest; Ana's waits for 09:03 in Los Angeles, a tick that never comes.
    expect(completed(await runFollowUps(d, { now: TUESDAY })).counts).toMatchObject({
      delivered: 1,
      waiting: 1,
    });
    expect(sendsTo(BEN)).toHaveLength(1);
    // Wednesday, both times.
    await runFollowUps(d, { now: new Date('2026-11-25T15:03:00Z') });
    await runFollowUps(d, { now: new Date('2026-11-25T17:03:00Z') });
    expect(sendsTo(BEN)).toHaveLength(1);
    expect(sendsTo(ANA)).toHaveLength(1);
    const card = cardOf(sendsTo(ANA)[0]);
    expect(texts(card).some((t) => t.includes('Quiet Deli'))).toBe(true);
  });

  it("a failed rep and a waiting one on the same day: the account says the failed rep is tried again at the waiting rep's time, and is", async () => {
    const d = await anaInLosAngelesBenCalledBusyBar();
    // Teams answers 500 to every send to Ben's chat through 09:48 in Chicago, the day's last extra attempt.
    world.fake.injectForConversation(conversationOf(BEN), { status: 500 });
    const reports = [];
    for (let t = TUESDAY.getTime(); t <= Date.parse('2026-11-24T15:48:00Z'); t += 15 * 60_000)
      reports.push(completed(await runFollowUps(d, { now: new Date(t) })));
    const last = reports[reports.length - 1];
    expect(last).toMatchObject({ attempt: 4, retry: 'rep_time', counts: { failed: 1, waiting: 1 } });
    expect(
      followUpsReportText(last, { timeZone: 'America/Chicago', today: last.localDate })
        .split('\n')
        .slice(2, 4),
    ).toEqual([
      'The 1 failed rep is tried again when the next digest goes out.',
      "The next digest goes out Tue 24 Nov at 11:03 AM, the send time in its rep's own time zone (what is due for the reps waiting counts then).",
    ]);
    expect(sendsTo(BEN)).toHaveLength(0);
    // Teams is back; at 09:03 in Los Angeles both get theirs.
    world.fake.injectForConversation(conversationOf(BEN), { status: 500 }, 0);
    for (
      let t = Date.parse('2026-11-24T16:03:00Z');
      t <= Date.parse('2026-11-24T17:03:00Z');
      t += 15 * 60_000
    )
      await runFollowUps(d, { now: new Date(t) });
    expect(sendsTo(ANA)).toHaveLength(1);
    expect(sendsTo(BEN)).toHaveLength(1);
  });

  it('a feed broken at her time: the admins hear that her digest waits for it today, not that none went out', async () => {
    await world.storage.conversations.learnTimeZone(`aad-${ANA}`, 'America/Los_Angeles');
    let broken = false;
    const notices: string[] = [];
    const d = dailyDeps(
      world,
      async () => {
        if (broken) throw new FeedError('missing_file', 'orders.csv is missing from the feed.', 'orders.csv');
        return { book, report: { files: [], rowsSkipped: 0 } };
      },
      {
        notifyAdmins: async (text) => {
          notices.push(text);
          return 'posted';
        },
      },
    );
    completed(await runFollowUps(d, { now: TUESDAY }));
    broken = true;
    expect(await runFollowUps(d, { now: new Date('2026-11-24T17:03:00Z') })).toMatchObject({
      status: 'stopped',
    });
    expect(notices.map((n) => n.split('\n'))).toEqual([
      [
        'The follow-ups run daily-2026-11-24 could not go on.',
        'orders.csv is missing from the feed.',
        '1 rep waiting for their own send time gets theirs once the feed reads again today, else in their next digest.',
        'Fix the feed: the run reads it again every 15 minutes today.',
      ],
    ]);
  });

  it('with autoLoseAfterDays, marks the silent lost as a system row that the rep undoes on the digest', async () => {
    const rules = parseRules({ followUps: { autoLoseAfterDays: 35 } });
    const report = completed(await runFollowUps(deps(rules), { now: TUESDAY }));
    expect(report.markedLost).toEqual({ recorded: 1, alreadyThere: 0 });
    expect((await world.storage.state.get('quiet'))?.state).toMatchObject({
      status: 'lost',
      lostReason: 'went_quiet',
      lostAt: '2026-11-24',
    });
    const [lost] = await world.storage.audit.latestForCustomer('quiet');
    expect(lost).toMatchObject({
      action: 'lost',
      actorId: 'churn-predictor:follow-ups',
      reason: 'went_quiet',
      cardMessageId: null,
    });
    const [delivery] = await world.storage.runs.listRun('daily-2026-11-24');
    const digestId = delivery.activityId ?? '';
    const sent = world.fake.activities.find((a) => a.kind === 'send')?.activity as {
      attachments: { content: unknown }[];
    };
    expect(texts(sent.attachments[0].content)).toContain(
      'Lost: Went quiet. Marked by Churn Predictor, Tue 24 Nov',
    );

    // Ana taps Undo on the digest: the same handler as the weekly card's buttons.
    // An hour after the run.
    const actions = digestActions({ rules, clock: () => new Date('2026-11-24T16:03:00Z') });
    const reply = await actions.submit({
      actor: { userId: `aad-${ANA}`, name: 'Ana', tenantId: 'tenant-1' },
      value: { action: 'undo', customerId: 'quiet', runKey: 'daily-2026-11-24', v: 1 },
      replyToId: digestId,
      conversationId: conversationOf(ANA),
      conversationKind: 'personal',
    });
    expect(reply.text).toBeUndefined();
    const buttons = findAll(
      reply.updateCard,
      (n) => n.type === 'Action.Submit' || n.type === 'Action.ShowCard',
    ).map((n) => n.title);
    expect(buttons).toContain('Lost: went quiet');
    expect((await world.storage.state.get('quiet'))?.state).toMatchObject({ status: 'active', lostAt: null });
    const [undo] = await world.storage.audit.latestForCustomer('quiet');
    expect(undo).toMatchObject({ action: 'undo', undoes: lost.id, actorId: `aad-${ANA}` });

    // Ben cannot act on Ana's customer from a forged tap.
    const refused = await actions.submit({
      actor: { userId: `aad-${BEN}`, name: 'Ben', tenantId: 'tenant-1' },
      value: {
        action: 'lost',
        customerId: 'quiet',
        runKey: 'daily-2026-11-24',
        v: 1,
        preset: { reason: 'went_quiet' },
      },
      replyToId: digestId,
      conversationId: conversationOf(BEN),
      conversationKind: 'personal',
    });
    expect(refused.text).toMatch(/I do not know that customer/);
  });

  it('a crash between the digest and its follow_up rows: the rerun writes them from the digest the rep got', async () => {
    const rules = parseRules({ followUps: { autoLoseAfterDays: 35 } });
    const audit = world.storage.audit;
    const unavailable: AuditStore = Object.assign(Object.create(audit) as AuditStore, {
      appendRunRows: async () => {
        throw Object.assign(new Error('Service Unavailable'), { statusCode: 503 });
      },
    });
    const crashing: FollowUpsRunDeps = { ...deps(rules), storage: { ...world.storage, audit: unavailable } };
    await expect(runFollowUps(crashing, { now: TUESDAY })).rejects.toThrow('Service Unavailable');
    // The digest went out, and Quiet Deli was marked lost on it.
    const [delivery] = await world.storage.runs.listRun('daily-2026-11-24');
    expect(delivery).toMatchObject({ repId: ANA, status: 'delivered' });
    expect((await world.storage.state.get('quiet'))?.state.status).toBe('lost');

    // Next tick: nothing is due any more (the customer is lost), yet the row Ana saw is recorded.
    const next = completed(
      await runFollowUps(deps(rules), { now: new Date(TUESDAY.getTime() + 15 * 60_000) }),
    );
    expect(next).toMatchObject({
      resumed: true,
      followUps: { due: 0 },
      followUpRows: { recorded: 1, alreadyThere: 0 },
      counts: { delivered: 1 },
    });
    expect(next.outcomes).toEqual([expect.objectContaining({ rep: ANA, earlier: true, customers: 1 })]);
    const rows = await world.storage.audit.readMonth('2026-11');
    expect(rows.filter((r) => r.action === 'follow_up')).toEqual([
      expect.objectContaining({
        reason: 'silent',
        cardMessageId: expect.stringContaining(delivery.activityId ?? '?'),
      }),
    ]);
    expect(world.fake.activities.filter((a) => a.kind === 'send')).toHaveLength(1);
  });

  it('a header-only orders file stops the day: states as they were, no digest, the admins told once; fixed, the day runs', async () => {
    await world.storage.state.update('quiet', (s) => s && { ...s, lastContact: '2026-10-24' });
    const before = [...(await world.storage.state.readAll()).states.entries()];
    const told: string[] = [];
    const broken: FollowUpsRunDeps = {
      ...deps(),
      readBook: (asOf) => readFeed(join(__dirname, '../../fixtures/feeds/header-only-orders'), { asOf }),
      notifyAdmins: async (text) => {
        told.push(text);
        return 'posted';
      },
    };
    const stopped = await runFollowUps(broken, { now: TUESDAY });
    expect(stopped).toMatchObject({ status: 'stopped', reason: 'feed_error', adminNotice: 'posted' });
    expect(told).toEqual([
      expect.stringMatching(
        /^The follow-ups run daily-2026-11-24 stopped before anything was sent\.\norders\.csv has a header but no rows.*\nNo customer was changed and no digest was sent/,
      ),
    ]);
    expect([...(await world.storage.state.readAll()).states.entries()]).toEqual(before);
    expect(world.fake.activities.filter((a) => a.kind === 'send')).toEqual([]);
    // The next tick reads the feed again without telling the admins twice; fixed, the day runs.
    const later = new Date(TUESDAY.getTime() + 15 * 60_000);
    expect(await runFollowUps(broken, { now: later })).toMatchObject({ adminNotice: 'told_earlier' });
    expect(told).toHaveLength(1);
    const fixed = completed(await runFollowUps(deps(), { now: new Date(later.getTime() + 15 * 60_000) }));
    expect(fixed).toMatchObject({ resumed: true, counts: { delivered: 1 } });
  });
});
