import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CardSender } from '../../../bot/ports';
import { createActionHandler } from '../../../bot/taps/actionHandler';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import type { Book } from '../../../rules/book';
import { defaultRules } from '../../../rules/rulesSchema';
import type { AuditStore, RunLedger, StateStore } from '../../../storage';
import type { TableCardStore } from '../../../storage/cardStore';
import {
  conversationOf,
  depsFor,
  installReps,
  openWeeklyWorld,
  repEmails,
  SEND_TIME,
  slippingBook,
  TIME_ZONE,
  type WeeklyWorld,
} from './weeklyWorld';

const REPS = repEmails(10);
/** The next timer tick: the run is unfinished, so it is still due and resumes. */
const NEXT_TICK = new Date(SEND_TIME.getTime() + 15 * 60_000);

describe('crash midway, then a rerun', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('crash');
    await installReps(world, REPS);
  });
  afterEach(async () => {
    await world.stop();
  });

  it('a crash after half the reps plus the next tick delivers the rest and nothing twice', async () => {
    const book = slippingBook(REPS, { slipping: 2 });
    let calls = 0;
    const crashing: CardSender = async (reference, card, summary) => {
      calls++;
      if (calls === REPS.length / 2 + 1) throw new Error('injected crash: the process died');
      return world.sender.sendCard(reference, card, summary);
    };
    const first = runWeekly(
      depsFor(world, book, { sender: crashing, config: { ...config(), sendConcurrency: 1 } }),
      {
        now: SEND_TIME,
      },
    );
    await expect(first).rejects.toThrow('injected crash');
    expect(world.fake.activities).toHaveLength(REPS.length / 2);
    const run = await world.storage.runs.getRun('weekly-2026-W48');
    expect(run?.finishedAt).toBeUndefined();

    const second = await runWeekly(depsFor(world, book), { now: NEXT_TICK });
    expect(second).toMatchObject({
      status: 'completed',
      resumed: true,
      deliveredEarlier: REPS.length / 2,
      counts: { delivered: REPS.length, failed: 0 },
    });
    for (const rep of REPS) expect(world.fake.sentTo(conversationOf(rep))).toHaveLength(1);
    expect(world.fake.activities).toHaveLength(REPS.length);
    // Audit rows of the crashed attempt are not written again.
    const audit = await world.storage.audit.readMonth('2026-11');
    expect(audit.filter((r) => r.action === 'surfaced')).toHaveLength(REPS.length * 2);
  });

  it('a rep who taps Reached out between the crash and the next tick still has every name of their card flagged', async () => {
    const book = slippingBook(REPS, { slipping: 2 });
    let calls = 0;
    const crashing: CardSender = async (reference, card, summary) => {
      if (++calls === 2) throw new Error('injected crash: the process died');
      return world.sender.sendCard(reference, card, summary);
    };
    // The process died before the run's audit rows were written.
    const dead = Object.assign(Object.create(world.storage.audit) as AuditStore, {
      appendRunRows: async () => {
        throw new Error('injected crash: the process died');
      },
    });
    await expect(
      runWeekly(
        depsFor(world, book, {
          sender: crashing,
          storage: { ...world.storage, audit: dead },
          config: { ...config(), sendConcurrency: 1 },
        }),
        { now: SEND_TIME },
      ),
    ).rejects.toThrow('injected crash');
    const [got] = await world.storage.runs.listRun('weekly-2026-W48');
    expect(got.customerIds).toHaveLength(2);
    const called = got.customerIds?.[0] ?? '';
    const tapped = await createActionHandler({
      stores: { ...world.storage, cards: world.cards },
      rules: defaultRules(),
      timeZone: TIME_ZONE,
      access: { tenantId: 'tenant-1', adminUserIds: [] },
      clock: () => new Date(SEND_TIME.getTime() + 5 * 60_000),
    }).submit({
      actor: { userId: `aad-${got.repId}`, name: got.repId, tenantId: 'tenant-1' },
      value: { action: 'reached_out', customerId: called, runKey: 'weekly-2026-W48', v: 1 },
      replyToId: got.activityId ?? null,
      conversationId: conversationOf(got.repId),
      conversationKind: 'personal',
    });
    expect(tapped.updateCard).toBeDefined();

    await runWeekly(depsFor(world, book), { now: NEXT_TICK });
    const audit = await world.storage.audit.readMonth('2026-11');
    // The call paused the customer, yet the card that went out flagged them: the summary counts them.
    expect(audit.filter((r) => r.action === 'surfaced' && r.customerId === called)).toHaveLength(1);
    expect(audit.filter((r) => r.action === 'surfaced')).toHaveLength(REPS.length * 2);
    expect(world.fake.activities).toHaveLength(REPS.length);
    // Their page tells the week too, first on the card as it went out, not "off the list".
    expect(await world.storage.listings.read(called)).toEqual([
      expect.objectContaining({ run: 'weekly-2026-W48', rank: 1, page: 1, heldOut: false }),
    ]);
  });

  it('a crash with several reps in flight still ends with one card each after the rerun', async () => {
    const book = slippingBook(REPS, { slipping: 1 });
    let calls = 0;
    const crashing: CardSender = async (reference, card, summary) => {
      if (++calls === 6) throw new Error('injected crash');
      return world.sender.sendCard(reference, card, summary);
    };
    await expect(
      runWeekly(depsFor(world, book, { sender: crashing, config: { ...config(), sendConcurrency: 4 } }), {
        now: SEND_TIME,
      }),
    ).rejects.toThrow('injected crash');
    const second = await runWeekly(depsFor(world, book), { now: NEXT_TICK });
    expect(second).toMatchObject({ status: 'completed', counts: { delivered: REPS.length } });
    for (const rep of REPS) expect(world.fake.sentTo(conversationOf(rep))).toHaveLength(1);
  });

  it('a crash right after a 201, before the ledger row: the next tick finds the saved card and does not send it again', async () => {
    const book = slippingBook(REPS, { slipping: 1 });
    const victim = REPS[3];
    await crashThenNextTick(world, book, victim);
    for (const rep of REPS) expect(world.fake.sentTo(conversationOf(rep))).toHaveLength(1);
  });

  it('documents the chosen side of the send/ledger window: with no saved card either, the next tick sends that one card again, once', async () => {
    const book = slippingBook(REPS, { slipping: 1 });
    const victim = REPS[3];
    const noCards: TableCardStore = Object.assign(Object.create(world.cards) as TableCardStore, {
      save: async (card: Parameters<TableCardStore['save']>[0]) => {
        if (card.conversationId === conversationOf(victim))
          throw new Error('injected crash before the card save');
        return world.cards.save(card);
      },
    });
    await crashThenNextTick(world, book, victim, noCards);
    expect(world.fake.sentTo(conversationOf(victim))).toHaveLength(2);
    for (const rep of REPS.filter((r) => r !== victim))
      expect(world.fake.sentTo(conversationOf(rep))).toHaveLength(1);
  });

  it('a failure writing the audit rows is thrown only once the state rows beside it have finished', async () => {
    const book = slippingBook(REPS, { slipping: 1, steady: 2 });
    const state = world.storage.state;
    let writes = 0;
    let restFinished = false;
    const slowState: StateStore = Object.assign(Object.create(state) as StateStore, {
      writeGuarded: async (...args: Parameters<StateStore['writeGuarded']>) => {
        // The second call is the background one (everything but the rows the cards need first).
        if (++writes !== 2) return state.writeGuarded(...args);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const result = await state.writeGuarded(...args);
        restFinished = true;
        return result;
      },
    });
    const failingAudit: AuditStore = Object.assign(Object.create(world.storage.audit) as AuditStore, {
      appendRunRows: async () => {
        throw new Error('injected audit failure');
      },
    });
    const deps = depsFor(world, book, {
      storage: { ...world.storage, state: slowState, audit: failingAudit },
    });
    await expect(runWeekly(deps, { now: SEND_TIME })).rejects.toThrow('injected audit failure');
    expect(writes).toBe(2);
    expect(restFinished).toBe(true);
  });
});

/**
 * A run, one rep at a time, that dies on the way to the victim's `delivered` row (after the card
 * went out), then the next tick, which completes the week.
 */
async function crashThenNextTick(
  world: WeeklyWorld,
  book: Book,
  victim: string,
  cards: TableCardStore = world.cards,
): Promise<void> {
  const runs = world.storage.runs;
  const crashingLedger: RunLedger = Object.assign(Object.create(runs) as RunLedger, {
    recordDelivery: async (...args: Parameters<RunLedger['recordDelivery']>) => {
      if (args[1] === victim && args[2].status === 'delivered')
        throw new Error('injected crash before the ledger write');
      return runs.recordDelivery(...args);
    },
  });
  const crashing = depsFor(world, book, {
    storage: { ...world.storage, runs: crashingLedger },
    cards,
    config: { ...config(), sendConcurrency: 1 },
  });
  await expect(runWeekly(crashing, { now: SEND_TIME })).rejects.toThrow('injected crash');
  const second = await runWeekly(depsFor(world, book), { now: NEXT_TICK });
  expect(second).toMatchObject({ status: 'completed', counts: { delivered: REPS.length } });
}

function config() {
  return { timeZone: 'America/Chicago', weeklySendAt: { weekday: 1, hour: 8, minute: 3 } };
}
