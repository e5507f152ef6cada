import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createActionHandler } from '../../../bot/taps/actionHandler';
import { listsNowFrom } from '../../../jobs/weekly/weeklyPlan';
import { repDirectory } from '../../../jobs/weekly/weeklyRepDirectory';
import { weeklyReportText } from '../../../jobs/weekly/weeklyReport';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { defaultRules } from '../../../rules/rulesSchema';
import { bookFromRows, type CustomerRow, type OrderRow } from '../../helpers/bookFromRows';
import { weeklyRows } from '../../helpers/weeklyCardData';
import {
  completed,
  depsFor,
  installReps,
  openWeeklyWorld,
  SEND_TIME,
  TIME_ZONE,
  type WeeklyWorld,
  weeklyOrders,
} from '../weekly/weeklyWorld';

// Two Mondays of a book that changes between them: a customer moves from Ana to Ben, another is
// deleted from the export. What each rep's card says, what the stored rows keep, what the run reports.

const ANA = 'ana@example.com';
const BEN = 'ben@example.com';
const NEXT_MONDAY = new Date(SEND_TIME.getTime() + 7 * 86_400_000);
const WEDNESDAY = new Date(SEND_TIME.getTime() + 2 * 86_400_000);

function book(owners: Record<string, string>) {
  const customers: CustomerRow[] = [];
  const orders: OrderRow[] = [];
  for (const [id, owner] of Object.entries(owners)) {
    customers.push({ id, name: `Customer ${id}`, owner, monthlyValue: 1000 });
    // Weekly orders that stopped in September: at risk on both Mondays.
    orders.push(...weeklyOrders(id, '2026-01-05', '2026-09-14'));
  }
  // A steady customer each, so each rep is in the book whatever moves.
  for (const rep of [ANA, BEN]) {
    customers.push({ id: `${rep}#ok`, owner: rep, monthlyValue: 900 });
    orders.push(...weeklyOrders(`${rep}#ok`, '2026-01-05', '2026-11-27'));
  }
  return bookFromRows({ customers, orders });
}

describe('the weekly run when the book changed since last week', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('bookchg');
    await installReps(world, [ANA, BEN]);
  });
  afterEach(async () => {
    await world.stop();
  });

  it('lists a moved customer on the new rep’s card as new to them, keeps a deleted one’s row, and reports both', async () => {
    completed(
      await runWeekly(depsFor(world, book({ 'C-1': ANA, 'C-2': ANA, 'C-3': BEN })), { now: SEND_TIME }),
    );
    const week2 = completed(
      await runWeekly(depsFor(world, book({ 'C-1': BEN, 'C-3': BEN })), { now: NEXT_MONDAY }),
    );

    const [benCard] = (await world.storage.runs.listRun(week2.runKey)).filter((d) => d.repId === BEN);
    const rows = weeklyRows(await world.cards.get(`a:conv-${BEN}`, benCard.activityId ?? ''));
    expect(rows.find((r) => r.customerId === 'C-1')?.change).toEqual({ kind: 'new', from: `Rep ${ANA}` });
    expect(rows.find((r) => r.customerId === 'C-3')?.change).toMatchObject({ kind: 'still' });
    const states = await world.storage.state.getAll();
    expect(states.get('C-1')?.owner).toBe(BEN);
    // Gone from the feed: the row stays as it was (history, taps), on nobody's card.
    expect(states.get('C-2')).toMatchObject({ owner: ANA, surfacedAt: '2026-11-23' });

    expect(week2.bookChanges).toEqual({
      notInFeed: { count: 1, examples: ['C-2'] },
      moved: [{ customerId: 'C-1', from: ANA, to: BEN }],
    });
    const text = weeklyReportText(week2, { timeZone: 'UTC', today: week2.localDate });
    expect(text).toContain('1 stored customer not in this feed (C-2): on no card');
    expect(text).toContain(`1 customer moved to another rep since the last run:\n- C-1: ${ANA} to ${BEN}`);

    // A second run of the same week sends nothing twice.
    const sent = world.fake.activities.length;
    const again = completed(
      await runWeekly(depsFor(world, book({ 'C-1': BEN, 'C-3': BEN })), { now: NEXT_MONDAY, force: true }),
    );
    expect(world.fake.activities.length).toBe(sent);
    expect(again.deliveredEarlier).toBe(again.counts.delivered);
  });

  it('a rerun of the week after the feed added a customer at risk flags nobody whose rep’s card went out without them', async () => {
    // Monday: Ben's customers are all on time, so his run records "nothing to send".
    const first = completed(await runWeekly(depsFor(world, book({ 'C-1': ANA })), { now: SEND_TIME }));
    expect(first.counts).toMatchObject({ delivered: 1, nothing_to_send: 1 });
    // Tuesday's export adds C-5, at risk, for Ben; the week is run again by hand.
    const sent = world.fake.activities.length;
    completed(
      await runWeekly(depsFor(world, book({ 'C-1': ANA, 'C-5': BEN })), { now: SEND_TIME, force: true }),
    );
    expect(world.fake.activities.length).toBe(sent);
    // No card showed C-5 this week: no surfaced row, no slip cycle begun (next week's card says new).
    const audit = await world.storage.audit.readMonth('2026-11');
    expect(audit.filter((r) => r.customerId === 'C-5')).toEqual([]);
    expect(audit.filter((r) => r.customerId === 'C-1' && r.action === 'surfaced')).toHaveLength(1);
    expect((await world.storage.state.get('C-5'))?.state.surfacedAt).toBeNull();
  });

  it('a rerun after the feed switched from a rep’s email to their sign-in name sends them no second card, and no move', async () => {
    const upn = 'aruiz@example.onmicrosoft.com';
    const ana = await world.storage.conversations.getRepByEmail(ANA);
    if (!ana) throw new Error('Ana is not installed');
    await world.storage.conversations.saveRep({ ...ana, upn });
    completed(await runWeekly(depsFor(world, book({ 'C-1': ANA })), { now: SEND_TIME }));
    const sent = world.fake.activities.length;
    const again = completed(
      await runWeekly(depsFor(world, book({ 'C-1': upn })), { now: SEND_TIME, force: true }),
    );
    expect(world.fake.activities.length).toBe(sent);
    // One rep, one owner: the rows and the ledger keep her email, and nothing reads as a move.
    expect(again.outcomes.find((o) => o.rep === ANA)).toMatchObject({ status: 'delivered', earlier: true });
    expect(again.outcomes.some((o) => o.rep === upn)).toBe(false);
    expect((await world.storage.state.get('C-1'))?.state.owner).toBe(ANA);
    expect(again.bookChanges.moved).toEqual([]);
  });

  it('a customer the new rep saw through `list` mid-week is still new to them on Monday’s card', async () => {
    completed(await runWeekly(depsFor(world, book({ 'C-1': ANA, 'C-3': BEN })), { now: SEND_TIME }));
    const moved = book({ 'C-1': BEN, 'C-3': BEN });
    const actions = createActionHandler({
      stores: { ...world.storage, cards: world.cards },
      rules: defaultRules(),
      timeZone: TIME_ZONE,
      access: { tenantId: 'tenant-1', adminUserIds: [] },
      clock: () => WEDNESDAY,
      listsNow: listsNowFrom(
        async () => ({ book: moved }),
        defaultRules(),
        () => WEDNESDAY,
        () => repDirectory(world.storage.conversations),
      ),
    });
    await actions.command({
      command: 'list',
      actor: { userId: `aad-${BEN}`, name: 'Ben', tenantId: 'tenant-1' },
      conversationKind: 'personal',
    });
    // list handed Ben the row, so his taps count before Monday.
    expect((await world.storage.state.get('C-1'))?.state.owner).toBe(BEN);

    const week2 = completed(await runWeekly(depsFor(world, moved), { now: NEXT_MONDAY }));
    const [benCard] = (await world.storage.runs.listRun(week2.runKey)).filter((d) => d.repId === BEN);
    const rows = weeklyRows(await world.cards.get(`a:conv-${BEN}`, benCard.activityId ?? ''));
    // Ana's two weeks with C-1 are not Ben's: not "Still on your list (week 2)".
    expect(rows.find((r) => r.customerId === 'C-1')?.change).toMatchObject({ kind: 'new' });
    expect((await world.storage.state.get('C-1'))?.state.surfacedAt).toBe('2026-11-30');
  });

  it('a rep whose rows were stored under their sign-in name before the install knew it is not "moved" to their email', async () => {
    const upn = 'aruiz@example.onmicrosoft.com';
    // Monday: the feed names Ana by her sign-in name, which her install has not stored yet.
    completed(await runWeekly(depsFor(world, book({ 'C-1': upn })), { now: SEND_TIME }));
    expect((await world.storage.state.get('C-1'))?.state.owner).toBe(upn);
    const ana = await world.storage.conversations.getRepByEmail(ANA);
    if (!ana) throw new Error('Ana is not installed');
    await world.storage.conversations.saveRep({ ...ana, upn });

    const week2 = completed(await runWeekly(depsFor(world, book({ 'C-1': upn })), { now: NEXT_MONDAY }));
    expect(week2.bookChanges.moved).toEqual([]);
    const [anaCard] = (await world.storage.runs.listRun(week2.runKey)).filter((d) => d.repId === ANA);
    const rows = weeklyRows(await world.cards.get(`a:conv-${ANA}`, anaCard.activityId ?? ''));
    // Her own customer, not "New on your list (moved from aruiz@...)".
    expect(rows.find((r) => r.customerId === 'C-1')?.change).not.toHaveProperty('from');
    expect((await world.storage.state.get('C-1'))?.state.owner).toBe(ANA);
  });
  it('a rep who left with 500 customers, all given to another rep: the run finishes, its ledger row names the first moves and how many', async () => {
    const steady = (owner: string) => {
      const customers: CustomerRow[] = [];
      const orders: OrderRow[] = [];
      for (let i = 0; i < 500; i++) {
        customers.push({ id: `CUST-${String(i).padStart(5, '0')}`, owner, monthlyValue: 900 });
        orders.push(...weeklyOrders(`CUST-${String(i).padStart(5, '0')}`, '2026-08-03', '2026-11-27'));
      }
      for (const rep of [ANA, BEN]) {
        customers.push({ id: `${rep}#ok`, owner: rep, monthlyValue: 900 });
        orders.push(...weeklyOrders(`${rep}#ok`, '2026-08-03', '2026-11-27'));
      }
      return bookFromRows({ customers, orders });
    };
    completed(await runWeekly(depsFor(world, steady(ANA)), { now: SEND_TIME }));
    const week2 = completed(await runWeekly(depsFor(world, steady(BEN)), { now: NEXT_MONDAY }));
    expect(week2.bookChanges.moved).toHaveLength(500);
    const run = await world.storage.runs.getRun(week2.runKey);
    expect(run?.finishedAt).toBeDefined();
    const kept = JSON.parse(run?.report ?? '{}');
    expect(kept.bookChanges.moved[0]).toEqual({ customerId: 'CUST-00000', from: ANA, to: BEN });
    expect(kept.bookChanges.movedCount).toBe(500);
    // The week's later ticks find it finished: nothing runs again.
    const later = await runWeekly(depsFor(world, steady(BEN)), {
      now: new Date(NEXT_MONDAY.getTime() + 900_000),
    });
    expect(later).toMatchObject({ status: 'not_due' });
  });
});
