import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actionRulesFrom } from '../../../bot/taps/actionRules';
import { commitDecision } from '../../../bot/taps/commitAction';
import { decideReachedOut } from '../../../bot/taps/decideReachedOut';
import { type FollowUpsRunDeps, runFollowUps } from '../../../jobs/followups/followUpsRun';
import { type CustomerState, initialState } from '../../../rules/customerState';
import { defaultRules } from '../../../rules/rulesSchema';
import { cardOf } from '../../fakes/teamsConnector';
import { bookFromRows } from '../../helpers/bookFromRows';
import { texts } from '../../unit/cards/cardWalk';
import { completed, TUESDAY } from '../followups/dailyRun';
import {
  conversationOf,
  installReps,
  openWeeklyWorld,
  TIME_ZONE,
  type WeeklyWorld,
  weeklyOrders,
} from '../weekly/weeklyWorld';

// Ana reached out to Quiet Deli; the feed then gave Quiet Deli to Ben. The follow-up of Ana's call
// goes to Ben, the owner now, and says who made the call: not "you reached out".

const ANA = 'ana@example.com';
const BEN = 'ben@example.com';
const rules = defaultRules();

const book = bookFromRows({
  customers: [{ id: 'quiet', name: 'Quiet Deli', owner: BEN, monthlyValue: 800 }],
  orders: weeklyOrders('quiet', '2026-06-01', '2026-10-12'),
});

/** The daily run's deps over `feed`, sending through the world's fake connector. */
function digestDeps(world: WeeklyWorld, feed: typeof book): FollowUpsRunDeps {
  return {
    storage: world.storage,
    cards: world.cards,
    readBook: async () => ({ book: feed, report: { files: [], rowsSkipped: 0 } }),
    rules,
    sender: (reference, card, summary) => world.sender.sendCard(reference, card, summary),
    config: { timeZone: TIME_ZONE },
    log: world.log,
  };
}

/** Ana taps Reached out on Quiet Deli on Sat 24 Oct, from a card (its message id) or the tab (null). */
async function anaReachesOut(
  world: WeeklyWorld,
  quiet: CustomerState,
  cardMessageId: string | null,
): Promise<void> {
  const at = '2026-10-24T15:00:00.000Z';
  const decision = decideReachedOut(
    {
      current: quiet,
      actor: { userId: `aad-${ANA}`, name: 'Ana Ruiz' },
      today: '2026-10-24',
      timeZone: TIME_ZONE,
      currency: 'USD',
      at,
      key: `${cardMessageId ?? 'tab'}|quiet|reached_out|1`,
      cardMessageId,
    },
    actionRulesFrom(rules),
  );
  if (!decision.ok) throw new Error(decision.message);
  await commitDecision(world.storage, decision, {
    rules: actionRulesFrom(rules),
    timeZone: TIME_ZONE,
    currency: 'USD',
    at,
  });
}

describe('the follow-up of a call made before the customer moved to another rep', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('fumove');
    await installReps(world, [ANA, BEN]);
    await world.storage.conversations.learnName(`aad-${ANA}`, 'Ana Ruiz');
    const quiet = initialState({ customerId: 'quiet', name: 'Quiet Deli', owner: ANA, monthlyValue: 800 });
    await world.storage.state.writeChanged(new Map(), [quiet]);
    await anaReachesOut(world, quiet, 'card-ana');
    // The next weekly run stored Ben as the owner, from the feed.
    await world.storage.state.update('quiet', (s) => s && { ...s, owner: BEN });
  });
  afterEach(async () => {
    await world.stop();
  });

  it('goes to the new owner and names the rep who reached out', async () => {
    const deps = digestDeps(world, book);
    const report = completed(await runFollowUps(deps, { now: TUESDAY }));
    expect(report.followUps).toMatchObject({ due: 1, silent: 1 });
    const sends = world.fake.activities.filter((a) => a.kind === 'send');
    expect(sends.map((a) => a.conversationId)).toEqual([conversationOf(BEN)]);
    const card = cardOf(sends[0]);
    expect(texts(card)).toContain(
      'No order in the 31 days since Ana Ruiz reached out (Sat 24 Oct): mark lost, went quiet?',
    );
  });
});

describe('the follow-up of a call made while the rep’s rows named her by her sign-in name', () => {
  const upn = 'aruiz@example.onmicrosoft.com';
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('fuupn');
    await installReps(world, [ANA]);
    const quiet = initialState({ customerId: 'quiet', name: 'Quiet Deli', owner: upn, monthlyValue: 800 });
    await world.storage.state.writeChanged(new Map(), [quiet]);
    await anaReachesOut(world, quiet, null);
    // Her install learns her sign-in name afterwards; the feed goes on naming her by it.
    const ana = await world.storage.conversations.getRepByEmail(ANA);
    if (!ana) throw new Error('Ana is not installed');
    await world.storage.conversations.saveRep({ ...ana, upn });
    // The next weekly run read the feed's sign-in name as her email, and stored that.
    await world.storage.state.update('quiet', (s) => s && { ...s, owner: ANA });
  });
  afterEach(async () => {
    await world.stop();
  });

  it('tells her that she reached out, not that "Ana Ruiz" did', async () => {
    const byUpn = bookFromRows({
      customers: [{ id: 'quiet', name: 'Quiet Deli', owner: upn, monthlyValue: 800 }],
      orders: weeklyOrders('quiet', '2026-06-01', '2026-10-12'),
    });
    const deps = digestDeps(world, byUpn);
    completed(await runFollowUps(deps, { now: TUESDAY }));
    const sends = world.fake.activities.filter((a) => a.kind === 'send');
    expect(sends.map((a) => a.conversationId)).toEqual([conversationOf(ANA)]);
    const card = cardOf(sends[0]);
    expect(texts(card)).toContain(
      'No order in the 31 days since you reached out (Sat 24 Oct): mark lost, went quiet?',
    );
  });
});

// Two reps Teams names "Ana Ruiz": Ben reads which one called, as every card and the Team tab tell
// them apart, by the caller's address.
describe('the follow-up of a call by one of two reps of one name', () => {
  const OTHER_ANA = 'ana.ruiz@example.com';
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('futwoanas');
    await installReps(world, [ANA, OTHER_ANA, BEN]);
    for (const email of [ANA, OTHER_ANA])
      await world.storage.conversations.learnName(`aad-${email}`, 'Ana Ruiz');
    const quiet = initialState({ customerId: 'quiet', name: 'Quiet Deli', owner: ANA, monthlyValue: 800 });
    await world.storage.state.writeChanged(new Map(), [quiet]);
    await anaReachesOut(world, quiet, 'card-ana');
    await world.storage.state.update('quiet', (s) => s && { ...s, owner: BEN });
  });
  afterEach(async () => {
    await world.stop();
  });

  it('names the one who called with her address', async () => {
    const deps = digestDeps(world, book);
    completed(await runFollowUps(deps, { now: TUESDAY }));
    const sends = world.fake.activities.filter((a) => a.kind === 'send');
    expect(sends.map((a) => a.conversationId)).toEqual([conversationOf(BEN)]);
    const card = cardOf(sends[0]);
    expect(texts(card)).toContain(
      `No order in the 31 days since Ana Ruiz (${ANA}) reached out (Sat 24 Oct): mark lost, went quiet?`,
    );
  });
});
