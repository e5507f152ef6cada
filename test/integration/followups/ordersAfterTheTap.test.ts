import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createActionHandler } from '../../../bot/taps/actionHandler';
import { readFeed } from '../../../feed/readFeed';
import { type FollowUpsRunDeps, runFollowUps } from '../../../jobs/followups/followUpsRun';
import { initialState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import { cardOf } from '../../fakes/teamsConnector';
import { findAll, texts } from '../../unit/cards/cardWalk';
import {
  actionStoresOf,
  conversationOf,
  installReps,
  openWeeklyWorld,
  TIME_ZONE,
  type WeeklyWorld,
} from '../weekly/weeklyWorld';
import { completed, dailyDeps } from './dailyRun';

// A real book (UCI Online Retail, test/fixtures/online-retail, SOURCE.md there), its orders as they
// came in August 2011, and what a rep's taps left before them: the digest tells of an order placed
// after the tap the morning after, whatever the tap was.

const FEED = join(__dirname, '..', '..', 'fixtures', 'online-retail', 'feed');
const ANA = 'ana@example.com';
const ID = '13248';
const NAME = 'Customer 13248 (United Kingdom)';
/** Monday 8 Aug 2011, 09:03 in Chicago: the default send time. */
const MONDAY = new Date('2011-08-08T14:03:00Z');

describe('orders after the tap, in the digest', () => {
  let world: WeeklyWorld;

  beforeEach(async () => {
    world = await openWeeklyWorld('ordersafter');
    await installReps(world, [ANA]);
  });
  afterEach(async () => {
    await world.stop();
  });

  const deps = (): FollowUpsRunDeps => ({
    ...dailyDeps(world, (asOf) => readFeed(FEED, { asOf, timeZone: TIME_ZONE }), { rules: defaultRules() }),
    config: { timeZone: TIME_ZONE, currency: 'GBP', locale: 'en-GB' },
  });
  const sentDigests = () => world.fake.activities.filter((a) => a.kind === 'send').map((a) => cardOf(a));

  /** Ana's taps, as the bot takes them at `now`. */
  const actionsAt = (now: Date) =>
    createActionHandler({
      stores: actionStoresOf(world),
      rules: defaultRules(),
      timeZone: TIME_ZONE,
      access: { tenantId: 'tenant-1', adminUserIds: [] },
      clock: () => now,
    });

  /**
   * Customer 13248 was marked lost for the price on Mon 1 Aug and ordered £78.21 on Sun 7 Aug: what
   * Ana's Lost tap on Monday's card left, the state and its audit row (the snapshot Undo restores).
   */
  async function lostOn1Aug(
    by: { actorId: string; actorName: string } = { actorId: `aad-${ANA}`, actorName: 'Ana' },
  ) {
    const before = initialState({ customerId: ID, name: NAME, owner: ANA, monthlyValue: 387.47 });
    await world.storage.state.writeChanged(new Map(), [
      { ...before, valueKind: 'second_order', status: 'lost', lostAt: '2011-08-01', lostReason: 'price' },
    ]);
    await world.storage.audit.record({
      id: `weekly-card-1|${ID}|lost`,
      action: 'lost',
      customerId: ID,
      customerName: NAME,
      owner: ANA,
      ...by,
      at: '2011-08-01T15:00:00Z',
      reason: 'price',
      snapshot: { ...before, valueKind: 'second_order' },
      cardMessageId: 'weekly-card-1',
      source: 'weekly',
    });
  }

  const titles = (card: unknown) =>
    findAll(card, (n) => n.type === 'Action.Submit' || n.type === 'Action.ShowCard').map((n) => n.title);

  /** Monday's digest: the loss shown with its Undo, and Ana's tap on that Undo (the card it leaves). */
  async function undoTheLossOnMondaysDigest() {
    const report = completed(await runFollowUps(deps(), { now: MONDAY }));
    expect(report.followUps).toMatchObject({ due: 1, lost_ordered: 1 });
    const [digest] = sentDigests();
    expect(texts(digest)).toEqual([
      'Follow-ups for Mon 8 Aug · 1 customer',
      NAME,
      '£78.21 order placed',
      'Ordered £78.21 on Sun 7 Aug, 6 days after being marked lost: Undo the loss to record the save?',
      'Lost: Price. Marked by Ana, Mon 1 Aug',
    ]);
    expect(titles(digest)).toEqual(['Undo']);

    const [delivery] = await world.storage.runs.listRun('daily-2011-08-08');
    const tap = (value: Record<string, unknown>) =>
      actionsAt(new Date('2011-08-08T15:00:00Z')).submit({
        actor: { userId: `aad-${ANA}`, name: 'Ana', tenantId: 'tenant-1' },
        value: { customerId: ID, runKey: 'daily-2011-08-08', v: 1, ...value },
        replyToId: delivery.activityId ?? '',
        conversationId: conversationOf(ANA),
        conversationKind: 'personal',
      });
    const reply = await tap({ action: 'undo' });
    expect(reply.text).toBeUndefined();
    expect(texts(reply.updateCard)).toContain(
      'Ordered £78.21 on Sun 7 Aug, 6 days after being marked lost: record the save?',
    );
    expect(titles(reply.updateCard).slice(0, 1)).toEqual(['Won back']);
    expect((await world.storage.state.get(ID))?.state).toMatchObject({ status: 'active', lostAt: null });
    return tap;
  }

  it('a loss an admin marked: the digest leaves its Undo to them, as the bot would refuse Ana hers', async () => {
    await lostOn1Aug({ actorId: 'aad-ben', actorName: 'Ben Ortiz' });
    const access = { tenantId: 'tenant-1', adminUserIds: ['aad-ben'] };
    const run = { ...deps(), config: { ...deps().config, access } };
    completed(await runFollowUps(run, { now: MONDAY }));
    const [digest] = sentDigests();
    expect(texts(digest).slice(3)).toEqual([
      'Ordered £78.21 on Sun 7 Aug, 6 days after being marked lost.',
      'Lost: Price. Marked by Ben Ortiz, Mon 1 Aug · Ben Ortiz or an admin can undo',
    ]);
    expect(titles(digest)).toEqual([]);
    // The Undo the card no longer offers is one the bot refuses Ana.
    const [delivery] = await world.storage.runs.listRun('daily-2011-08-08');
    const reply = await createActionHandler({
      stores: actionStoresOf(world),
      rules: defaultRules(),
      timeZone: TIME_ZONE,
      access,
      clock: () => new Date('2011-08-08T15:00:00Z'),
    }).submit({
      actor: { userId: `aad-${ANA}`, name: 'Ana', tenantId: 'tenant-1' },
      value: { customerId: ID, runKey: 'daily-2011-08-08', v: 1, action: 'undo' },
      replyToId: delivery.activityId ?? '',
      conversationId: conversationOf(ANA),
      conversationKind: 'personal',
    });
    expect(reply.text).toMatch(/^Only Ben Ortiz or an admin can undo/);
  });

  /**
   * 60 rows newer than the loss that leave it standing, written straight into the trail: taps that
   * lost a race and were cancelled (the rows a commit writes then), one for each of 60 old cards.
   */
  async function cancellationsAfterTheLoss() {
    for (let week = 0; week < 60; week++) {
      const tapped = `old-card-${week}|${ID}|reached_out|1`;
      await world.storage.audit.record({
        id: `undo|${tapped}`,
        action: 'undo',
        customerId: ID,
        customerName: NAME,
        owner: ANA,
        actorId: `aad-${ANA}`,
        actorName: 'Ana',
        at: new Date(Date.parse('2011-08-02T15:00:00Z') + week * 60_000).toISOString(),
        undoes: tapped,
        note: 'not applied: Ana acted on the customer before it reached the state',
        cardMessageId: `old-card-${week}`,
        source: 'weekly',
      });
    }
  }

  it("a customer marked lost who orders again: Monday's digest says so, and Undo on it leads to the save", async () => {
    await lostOn1Aug();
    await undoTheLossOnMondaysDigest();
  });

  it('a loss further back than the latest 50 rows on the customer is still shown, undone, and the save recorded', async () => {
    await lostOn1Aug();
    await cancellationsAfterTheLoss();
    const tap = await undoTheLossOnMondaysDigest();
    const saved = await tap({ action: 'won_back', fields: { value: 'value_0' }, value_0: '78.21' });
    expect(saved.text).toBeUndefined();
    expect((await world.storage.state.get(ID))?.state).toMatchObject({
      status: 'active',
      wonBackAt: '2011-08-08',
      recoveredValue: 78.21,
    });
  });

  it('a loss further back than the latest 50 rows is found when a Lost tapped at the same moment lost the race to it', async () => {
    await lostOn1Aug();
    // Bob tapped Lost on the customer on his own card a moment after Ana, on the state before hers:
    // his row is the newer one, and it was cancelled when Ana's loss reached the state first.
    const bobs = `bob-card|${ID}|lost|1`;
    const bob = {
      owner: ANA,
      actorId: 'aad-bob',
      actorName: 'Bob',
      cardMessageId: 'bob-card',
      source: 'weekly',
    } as const;
    const [lossRow] = await world.storage.audit.latestForCustomer(ID, { limit: 1 });
    await world.storage.audit.record({
      ...bob,
      id: bobs,
      action: 'lost',
      customerId: ID,
      customerName: NAME,
      at: '2011-08-01T15:00:00.400Z',
      reason: 'price',
      snapshot: lossRow.snapshot,
    });
    await world.storage.audit.record({
      ...bob,
      id: `undo|${bobs}`,
      action: 'undo',
      customerId: ID,
      customerName: NAME,
      at: '2011-08-01T15:00:00.900Z',
      undoes: bobs,
      note: 'not applied: Ana acted on the customer before it reached the state',
    });
    await cancellationsAfterTheLoss();
    await undoTheLossOnMondaysDigest();
  });

  /** Ana reached out to Customer 18248 on Mon 1 Aug and has snoozed their row until `until`. */
  async function reachedOutOn1AugSnoozedUntil(until: string | null) {
    await world.storage.state.writeChanged(new Map(), [
      {
        ...initialState({
          customerId: '18248',
          name: 'Customer 18248 (United Kingdom)',
          owner: ANA,
          monthlyValue: 235,
        }),
        lastContact: '2011-08-01',
        snoozedUntil: until,
      },
    ]);
  }

  it('a customer snoozed on a no-order reminder who then orders: the order is told the morning after, not when the snooze ends', async () => {
    // Ana reached out to Customer 18248 on Mon 1 Aug; on Monday 8 Aug's "no order since" she tapped
    // Snooze a week (until Mon 15 Aug). The customer ordered £307.56 on Tue 9 Aug.
    await reachedOutOn1AugSnoozedUntil('2011-08-15');
    const wednesday = completed(await runFollowUps(deps(), { now: new Date('2011-08-10T14:03:00Z') }));
    expect(wednesday.followUps).toMatchObject({ due: 1, ordered: 1 });
    expect(texts(sentDigests()[0])).toContain(
      'Ordered £307.56 on Tue 9 Aug, 8 days after you reached out: record the save?',
    );
    // Said once: the day the snooze ends brings nothing more.
    for (const day of ['2011-08-11', '2011-08-12', '2011-08-15', '2011-08-16'])
      expect(completed(await runFollowUps(deps(), { now: new Date(`${day}T14:03:00Z`) })).followUps.due).toBe(
        0,
      );
    expect(sentDigests()).toHaveLength(1);
  });

  it('a save snoozed to record later stays held to the day it was set to end when an admin changes snoozeDays meanwhile', async () => {
    // Tuesday 9 Aug's order is on Wednesday 10 Aug's digest; Ana taps Snooze a week there (until Wed
    // 17 Aug). On Thursday an admin sets snoozeDays to 14 in the rules file.
    await reachedOutOn1AugSnoozedUntil(null);
    const wednesday = completed(await runFollowUps(deps(), { now: new Date('2011-08-10T14:03:00Z') }));
    expect(wednesday.followUps).toMatchObject({ due: 1, ordered: 1 });
    const [delivery] = await world.storage.runs.listRun('daily-2011-08-10');
    const reply = await actionsAt(new Date('2011-08-10T15:00:00Z')).submit({
      actor: { userId: `aad-${ANA}`, name: 'Ana', tenantId: 'tenant-1' },
      value: { action: 'snoozed', customerId: '18248', runKey: 'daily-2011-08-10', v: 1 },
      replyToId: delivery.activityId ?? '',
      conversationId: conversationOf(ANA),
      conversationKind: 'personal',
    });
    expect(reply.text).toBeUndefined();
    expect((await world.storage.state.get('18248'))?.state.snoozedUntil).toBe('2011-08-17');

    const fortnight = defaultRules();
    fortnight.followUps.snoozeDays = 14;
    const withFortnight = (): FollowUpsRunDeps => ({ ...deps(), rules: fortnight });
    for (const day of ['2011-08-11', '2011-08-12', '2011-08-15', '2011-08-16'])
      expect(
        completed(await runFollowUps(withFortnight(), { now: new Date(`${day}T14:03:00Z`) })).followUps.due,
        day,
      ).toBe(0);
    const back = completed(await runFollowUps(withFortnight(), { now: new Date('2011-08-17T14:03:00Z') }));
    expect(back.followUps).toMatchObject({ due: 1, ordered: 1 });
  });

  it('a row snoozed after the order (record the save later) comes back when the snooze ends', async () => {
    // Tuesday 9 Aug's order was on Wednesday's digest; Ana tapped Snooze a week there (until Wed 17 Aug).
    await reachedOutOn1AugSnoozedUntil('2011-08-17');
    expect(
      completed(await runFollowUps(deps(), { now: new Date('2011-08-11T14:03:00Z') })).followUps.due,
    ).toBe(0);
    const back = completed(await runFollowUps(deps(), { now: new Date('2011-08-17T14:03:00Z') }));
    expect(back.followUps).toMatchObject({ due: 1, ordered: 1 });
    expect(texts(sentDigests()[0])).toContain(
      'Ordered £307.56 on Tue 9 Aug, 8 days after you reached out: record the save?',
    );
  });
});
