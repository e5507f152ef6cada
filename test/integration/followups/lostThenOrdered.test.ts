import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createActionHandler } from '../../../bot/taps/actionHandler';
import { readFeed } from '../../../feed/readFeed';
import { type FollowUpsRunDeps, runFollowUps } from '../../../jobs/followups/followUpsRun';
import { initialState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import { findAll, texts } from '../../unit/cards/cardWalk';
import {
  conversationOf,
  installReps,
  openWeeklyWorld,
  TIME_ZONE,
  type WeeklyWorld,
} from '../weekly/weeklyWorld';
import { completed, dailyDeps } from './dailyRun';

// A real book (UCI Online Retail, test/fixtures/online-retail, SOURCE.md there): its rep marked
// Customer 13248 lost for the price on Monday 1 Aug 2011, and the customer ordered £78.21 on Sunday
// 7 Aug. Monday's digest says so, with the loss and its Undo beside it; undone, the row offers the save.

const FEED = join(__dirname, '..', '..', 'fixtures', 'online-retail', 'feed');
const ANA = 'ana@example.com';
const ID = '13248';
const NAME = 'Customer 13248 (United Kingdom)';
/** Monday 8 Aug 2011, 09:03 in Chicago: the default send time. */
const MONDAY = new Date('2011-08-08T14:03:00Z');

describe('a customer marked lost who orders again', () => {
  let world: WeeklyWorld;

  beforeEach(async () => {
    world = await openWeeklyWorld('lostorder');
    await installReps(world, [ANA]);
    // What Ana's Lost tap on Monday's card left: the state and its audit row (the snapshot Undo restores).
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
      actorId: `aad-${ANA}`,
      actorName: 'Ana',
      at: '2011-08-01T15:00:00Z',
      reason: 'price',
      snapshot: { ...before, valueKind: 'second_order' },
      cardMessageId: 'weekly-card-1',
      source: 'weekly',
    });
  });
  afterEach(async () => {
    await world.stop();
  });

  const deps = (): FollowUpsRunDeps => ({
    ...dailyDeps(world, (asOf) => readFeed(FEED, { asOf, timeZone: TIME_ZONE }), { rules: defaultRules() }),
    config: { timeZone: TIME_ZONE, currency: 'GBP', locale: 'en-GB' },
  });

  it("Monday's digest says they ordered after the loss, and Undo on it leads to the save", async () => {
    const report = completed(await runFollowUps(deps(), { now: MONDAY }));
    expect(report.followUps).toMatchObject({ due: 1, lost_ordered: 1 });
    const sent = world.fake.activities.find((a) => a.kind === 'send')?.activity as {
      attachments: { content: unknown }[];
    };
    const digest = sent.attachments[0].content;
    expect(texts(digest)).toEqual([
      'Follow-ups for Mon 8 Aug · 1 customer',
      NAME,
      '£78.21 order placed',
      'Ordered £78.21 on Sun 7 Aug, 6 days after being marked lost: Undo the loss to record the save?',
      'Lost: Price. Marked by Ana, Mon 1 Aug',
    ]);
    const titles = (card: unknown) =>
      findAll(card, (n) => n.type === 'Action.Submit' || n.type === 'Action.ShowCard').map((n) => n.title);
    expect(titles(digest)).toEqual(['Undo']);

    const [delivery] = await world.storage.runs.listRun('daily-2011-08-08');
    const actions = createActionHandler({
      stores: {
        state: world.storage.state,
        audit: world.storage.audit,
        conversations: world.storage.conversations,
        cards: world.cards,
      },
      rules: defaultRules(),
      timeZone: TIME_ZONE,
      access: { tenantId: 'tenant-1', adminUserIds: [] },
      clock: () => new Date('2011-08-08T15:00:00Z'),
    });
    const reply = await actions.submit({
      actor: { userId: `aad-${ANA}`, name: 'Ana', tenantId: 'tenant-1' },
      value: { action: 'undo', customerId: ID, runKey: 'daily-2011-08-08', v: 1 },
      replyToId: delivery.activityId ?? '',
      conversationId: conversationOf(ANA),
      conversationKind: 'personal',
    });
    expect(reply.text).toBeUndefined();
    expect(texts(reply.updateCard)).toContain(
      'Ordered £78.21 on Sun 7 Aug, 6 days after being marked lost: record the save?',
    );
    expect(titles(reply.updateCard).slice(0, 1)).toEqual(['Won back']);
    expect((await world.storage.state.get(ID))?.state).toMatchObject({ status: 'active', lostAt: null });
  });
});
