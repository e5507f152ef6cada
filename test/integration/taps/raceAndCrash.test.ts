import { beforeEach, describe, expect, it } from 'vitest';
import type { SubmitRequest } from '../../../bot/ports';
import { type ActionStores, createActionHandler } from '../../../bot/taps/actionHandler';
import { CANCELLED_NOTE } from '../../../bot/taps/commitAction';
import { outcomeKey } from '../../../cards/cardModels';
import { summaryCardFor } from '../../../jobs/monthly/summaryCardFor';
import { defaultRules } from '../../../rules/rulesSchema';
import type { Storage } from '../../../storage';
import type { TableCardStore } from '../../../storage/cardStore';
import type { StateStore } from '../../../storage/stateStore';
import { tapInTab } from '../../../tabs/api/tabActions';
import { weeklyRows } from '../../helpers/weeklyCardData';
import {
  ADMIN,
  ANA,
  ANA_IN_TAB,
  actionStores,
  advancingClock,
  customer,
  handlerDeps,
  openActionStorage,
  saveCard,
  seed,
  TENANT,
  TIME_ZONE,
  TODAY,
  tabActionDeps,
  tap,
} from './actionHarness';
import { cardRow } from './cardRows';

// The handler on Azurite with one store wrapped to force the interleavings that matter: a rival
// action landing between our read and our write, and a crash between the audit row and the state.

const greenfield = customer('cust-1', { name: 'Greenfield Cafe' });

function request(user: typeof ANA, value: Record<string, unknown>, replyToId = 'card-1'): SubmitRequest {
  return {
    actor: { userId: user.userId, name: user.name, tenantId: TENANT },
    value,
    replyToId,
    conversationId: `a:${user.userId}`,
    conversationKind: 'personal',
  };
}

let storage: Storage;
let cards: TableCardStore;
let stores: ActionStores;
/** One clock for every handler in a test, as one real clock would be. */
let clock: () => Date;

beforeEach(async () => {
  ({ storage, cards } = await openActionStorage('race'));
  await seed(storage, [greenfield]);
  await saveCard(cards, 'card-1', ANA, [greenfield]);
  await saveCard(cards, 'card-admin', ADMIN, [greenfield]);
  stores = actionStores(storage, cards);
  clock = advancingClock();
});

/** A StateStore whose first get() lets `rival` run to completion before returning the (now stale) read. */
function withRivalAfterFirstRead(state: StateStore, rival: () => Promise<unknown>): StateStore {
  let fired = false;
  return new Proxy(state, {
    get(target, property, receiver) {
      if (property !== 'get') return Reflect.get(target, property, receiver);
      return async (customerId: string) => {
        const read = await target.get(customerId);
        if (!fired) {
          fired = true;
          await rival();
        }
        return read;
      };
    },
  });
}

describe('two people acting on one customer at once', () => {
  it('one wins; the other is told who changed it and what it is now; the loser’s row is cancelled', async () => {
    const admin = createActionHandler(handlerDeps(stores, { clock }));
    const ana = createActionHandler(
      handlerDeps(
        {
          ...stores,
          state: withRivalAfterFirstRead(storage.state, () =>
            admin.submit(request(ADMIN, tap.lost('cust-1', 'price'), 'card-admin')),
          ),
        },
        { clock },
      ),
    );
    const reply = await ana.submit(request(ANA, tap.wonBack('cust-1', '1500')));
    expect(reply).toEqual({
      text: `Ada Admin changed Greenfield Cafe at the same moment. Greenfield Cafe is already marked lost (Price, on Tue 24 Nov). Nothing was changed.`,
    });
    // The state shows the winner only.
    expect((await storage.state.get('cust-1'))?.state).toEqual({
      ...greenfield,
      status: 'lost',
      lostAt: TODAY,
      lostReason: 'price',
      lostNote: null,
    });
    // The trail shows both attempts; the loser's is cancelled by an undo row, so it nets out.
    const rows = await storage.audit.latestForCustomer('cust-1');
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(rows.map((r) => r.action).sort()).toEqual(['lost', 'undo', 'won_back']);
    const lost = rows.find((r) => r.action === 'lost');
    const wonBack = rows.find((r) => r.action === 'won_back');
    const cancel = rows.find((r) => r.action === 'undo');
    expect(cancel).toMatchObject({ undoes: wonBack?.id, note: CANCELLED_NOTE, actorId: ANA.userId });
    expect(byId.get(lost?.id ?? '')?.actorId).toBe(ADMIN.userId);
    // Both cards show the loss: the admin's save brought Ana's card, in her chat, up to date too.
    for (const [chat, id] of [
      [`a:${ANA.userId}`, 'card-1'],
      [`a:${ADMIN.userId}`, 'card-admin'],
    ])
      expect(weeklyRows(await cards.get(chat, id))[0].outcome).toMatchObject({
        kind: 'lost',
        by: 'Ada Admin',
      });
    // Undo skips the cancelled row: the admin's loss is the action that can be undone.
    const undo = await admin.submit(request(ADMIN, tap.undo('cust-1'), 'card-admin'));
    expect(undo.updateCard).toBeDefined();
    expect((await storage.state.get('cust-1'))?.state).toEqual(greenfield);
  });

  it('when the rival’s change still allows the action, the loser’s action is applied on top', async () => {
    const admin = createActionHandler(handlerDeps(stores, { clock }));
    const ana = createActionHandler(
      handlerDeps(
        {
          ...stores,
          state: withRivalAfterFirstRead(storage.state, () =>
            admin.submit(request(ADMIN, tap.reachedOut('cust-1'), 'card-admin')),
          ),
        },
        { clock },
      ),
    );
    const reply = await ana.submit(request(ANA, tap.wonBack('cust-1', '1500')));
    expect(cardRow(reply.updateCard, 'Greenfield Cafe').texts).toContain(
      'Won back $1,500/month by Ana Ruiz, Tue 24 Nov',
    );
    const state = (await storage.state.get('cust-1'))?.state;
    expect(state).toMatchObject({ wonBackAt: TODAY, recoveredValue: 1500, lastContact: null });
    const rows = await storage.audit.latestForCustomer('cust-1');
    // reached_out (admin), won_back cancelled, won_back re-run with a snapshot that includes the contact.
    expect(rows.map((r) => r.action).sort()).toEqual(['reached_out', 'undo', 'won_back', 'won_back']);
    const applied = rows.find((r) => r.action === 'won_back' && !rows.some((u) => u.undoes === r.id));
    expect(applied?.snapshot?.lastContact).toBe(TODAY);
  });
});

/** November's summary as the monthly run computes it from the trail. */
async function november() {
  const { summary } = await summaryCardFor(storage, '2026-11', {
    timeZone: TIME_ZONE,
    lossReasons: defaultRules().lossReasons,
  });
  return summary;
}

/** Ana's handler, with `rival` landing between her read of the customer and her write. */
function anaWithRival(rival: () => Promise<unknown>) {
  return createActionHandler(
    handlerDeps({ ...stores, state: withRivalAfterFirstRead(storage.state, rival) }, { clock }),
  );
}

describe('two taps at once with the same result', () => {
  it('Won back by the rep and by an admin: one save counts, the second is told who and when', async () => {
    const admin = createActionHandler(handlerDeps(stores, { clock }));
    const ana = anaWithRival(() => admin.submit(request(ADMIN, tap.wonBack('cust-1'), 'card-admin')));
    const reply = await ana.submit(request(ANA, tap.wonBack('cust-1')));
    // The shared clock starts at 09:00 in Chicago, and the admin's tap, landing inside Ana's read, reads it first.
    expect(reply).toEqual({
      text: 'Ada Admin already marked Greenfield Cafe "won back" at 09:00. Nothing was changed.',
    });
    const summary = await november();
    expect(summary.saves).toBe(1);
    expect(summary.recoveredValue).toBe(1200);
    const rows = await storage.audit.latestForCustomer('cust-1');
    const anas = rows.find((r) => r.action === 'won_back' && r.actorId === ANA.userId);
    expect(rows.find((r) => r.action === 'undo')).toMatchObject({
      undoes: anas?.id,
      note: 'not applied: the same change was already recorded by Ada Admin',
    });
    // Ana's card shows the admin's save (brought up to date by it), and the state is the admin's save.
    expect(weeklyRows(await cards.get(`a:${ANA.userId}`, 'card-1'))[0].outcome).toMatchObject({
      kind: 'won_back',
      by: 'Ada Admin',
    });
    expect((await storage.state.get('cust-1'))?.state).toMatchObject({
      wonBackAt: TODAY,
      recoveredValue: 1200,
    });
  });

  it('Lost with the same reason twice: one loss counts', async () => {
    const admin = createActionHandler(handlerDeps(stores, { clock }));
    const ana = anaWithRival(() => admin.submit(request(ADMIN, tap.lost('cust-1', 'price'), 'card-admin')));
    const reply = await ana.submit(request(ANA, tap.lost('cust-1', 'price')));
    expect(reply.text).toMatch(/^Ada Admin already marked Greenfield Cafe "lost" at /);
    expect((await november()).lost).toBe(1);
  });

  it('Reached out twice, then the admin’s undone: the trail and the state agree nothing stands', async () => {
    const admin = createActionHandler(handlerDeps(stores, { clock }));
    const ana = anaWithRival(() => admin.submit(request(ADMIN, tap.reachedOut('cust-1'), 'card-admin')));
    const reply = await ana.submit(request(ANA, tap.reachedOut('cust-1')));
    expect(reply.text).toMatch(/^Ada Admin already marked Greenfield Cafe "reached out" at /);
    const undo = await admin.submit(request(ADMIN, tap.undo('cust-1'), 'card-admin'));
    expect(undo.updateCard).toBeDefined();
    expect((await storage.state.get('cust-1'))?.state).toEqual(greenfield);
    const rows = await storage.audit.latestForCustomer('cust-1');
    const undone = new Set(rows.filter((r) => r.action === 'undo').map((r) => r.undoes));
    expect(rows.filter((r) => r.action === 'reached_out' && !undone.has(r.id))).toEqual([]);
  });

  it.each([
    ['won back', tap.wonBack('cust-1'), 'saves'],
    ['reached out', tap.reachedOut('cust-1'), 'reachedOut'],
  ] as const)(
    'one rep tapping %s on two cards at once: the second card’s tap is not counted again',
    async (words, value, figure) => {
      await saveCard(cards, 'card-2', ANA, [greenfield]);
      const first = createActionHandler(handlerDeps(stores, { clock }));
      const ana = anaWithRival(() => first.submit(request(ANA, value, 'card-2')));
      const reply = await ana.submit(request(ANA, value));
      expect(reply.text).toMatch(new RegExp(`^You already marked Greenfield Cafe "${words}" at `));
      expect((await november())[figure]).toBe(1);
    },
  );

  it('one rep tapping Reached out on last week’s card and this week’s: one contact a day', async () => {
    await saveCard(cards, 'card-2', ANA, [greenfield]);
    const handler = createActionHandler(handlerDeps(stores, { clock }));
    expect((await handler.submit(request(ANA, tap.reachedOut('cust-1'), 'card-2'))).updateCard).toBeDefined();
    const reply = await handler.submit(request(ANA, tap.reachedOut('cust-1')));
    expect(reply.text).toBe(
      'Greenfield Cafe was already marked reached out today by you. Nothing was changed.',
    );
    const rows = await storage.audit.latestForCustomer('cust-1');
    expect(rows.map((r) => r.action)).toEqual(['reached_out']);
  });

  it('a double tap whose second tap finishes the state write first: both answered done, one row', async () => {
    const again = createActionHandler(handlerDeps(stores, { clock }));
    let fired = false;
    // The second tap of the same button runs after the first recorded its row, before its state write.
    const state = new Proxy(storage.state, {
      get(target, property, receiver) {
        if (property !== 'update') return Reflect.get(target, property, receiver);
        return async (...args: Parameters<StateStore['update']>) => {
          if (!fired) {
            fired = true;
            expect((await again.submit(request(ANA, tap.wonBack('cust-1')))).updateCard).toBeDefined();
          }
          return target.update(...args);
        };
      },
    });
    const ana = createActionHandler(handlerDeps({ ...stores, state }, { clock }));
    const reply = await ana.submit(request(ANA, tap.wonBack('cust-1')));
    expect(fired).toBe(true);
    expect(cardRow(reply.updateCard, 'Greenfield Cafe').buttons).toEqual(['undo']);
    expect((await storage.audit.latestForCustomer('cust-1')).map((r) => r.action)).toEqual(['won_back']);
    expect((await november()).saves).toBe(1);
  });
});

/** The state store, but the process dies in its first update (after the audit row is written). */
function crashingOnFirstUpdate(state: StateStore): StateStore {
  let crashes = 1;
  return new Proxy(state, {
    get(target, property, receiver) {
      if (property !== 'update') return Reflect.get(target, property, receiver);
      return async (...args: Parameters<StateStore['update']>) => {
        if (crashes-- > 0) throw new Error('process killed');
        return target.update(...args);
      };
    },
  });
}

describe('a crash between the audit row and the state write', () => {
  it('leaves no state change without a row, and the same tap again finishes it (one row)', async () => {
    const crashingState = crashingOnFirstUpdate(storage.state);
    const crashing = createActionHandler(handlerDeps({ ...stores, state: crashingState }, { clock }));
    await expect(crashing.submit(request(ANA, tap.lost('cust-1', 'competitor', 'gone')))).rejects.toThrow(
      'process killed',
    );
    // The row is there; the state is not yet changed.
    expect(await storage.audit.latestForCustomer('cust-1')).toHaveLength(1);
    expect((await storage.state.get('cust-1'))?.state).toEqual(greenfield);
    // The rep taps again (Teams showed an error): the same key finishes the write from the row.
    const reply = await crashing.submit(request(ANA, tap.lost('cust-1', 'competitor', 'gone')));
    expect(cardRow(reply.updateCard, 'Greenfield Cafe').buttons).toEqual(['undo']);
    expect(await storage.audit.latestForCustomer('cust-1')).toHaveLength(1);
    expect((await storage.state.get('cust-1'))?.state).toMatchObject({
      status: 'lost',
      lostReason: 'competitor',
      lostNote: 'gone',
    });
  });

  it('with a re-score in between, the same tap again puts the action on the state as it is now', async () => {
    const crashing = createActionHandler(
      handlerDeps({ ...stores, state: crashingOnFirstUpdate(storage.state) }, { clock }),
    );
    await expect(crashing.submit(request(ANA, tap.lost('cust-1', 'competitor')))).rejects.toThrow(
      'process killed',
    );
    // The weekly run re-scores the customer before the rep taps again.
    const rescored = { ...greenfield, score: 80, reasons: ['No order in 41 days (usually every 9)'] };
    await storage.state.update('cust-1', (s) => (s ? rescored : null));
    const reply = await crashing.submit(request(ANA, tap.lost('cust-1', 'competitor')));
    expect(cardRow(reply.updateCard, 'Greenfield Cafe').buttons).toEqual(['undo']);
    expect((await storage.state.get('cust-1'))?.state).toEqual({
      ...rescored,
      status: 'lost',
      lostAt: TODAY,
      lostReason: 'competitor',
      lostNote: null,
    });
    expect((await storage.audit.latestForCustomer('cust-1')).map((r) => r.action)).toEqual(['lost']);
  });

  it('the same change by someone else after the crash: the older tap counts, once, and repeats agree', async () => {
    const crashing = createActionHandler(
      handlerDeps({ ...stores, state: crashingOnFirstUpdate(storage.state) }, { clock }),
    );
    await expect(crashing.submit(request(ANA, tap.wonBack('cust-1')))).rejects.toThrow('process killed');
    const admin = createActionHandler(handlerDeps(stores, { clock }));
    // Ana's row came first with the same change: it is finished and counts; the admin is told.
    const first = await admin.submit(request(ADMIN, tap.wonBack('cust-1'), 'card-admin'));
    expect(first.text).toBe('Greenfield Cafe was already won back on Tue 24 Nov. Nothing was changed.');
    // Both tapped again (Teams showed Ana an error; the admin's client retried): nothing moves.
    await admin.submit(request(ADMIN, tap.wonBack('cust-1'), 'card-admin'));
    await crashing.submit(request(ANA, tap.wonBack('cust-1')));
    const rows = await storage.audit.latestForCustomer('cust-1');
    const cancelled = new Set(rows.filter((r) => r.action === 'undo').map((r) => r.undoes));
    const standing = rows.filter((r) => r.action === 'won_back' && !cancelled.has(r.id));
    expect(standing.map((r) => r.actorName)).toEqual(['Ana Ruiz']);
    const summary = await november();
    expect(summary.saves).toBe(1);
    expect(summary.recoveredValue).toBe(1200);
    expect((await storage.state.get('cust-1'))?.state).toMatchObject({
      wonBackAt: TODAY,
      recoveredValue: 1200,
    });
  });

  it('someone acting on the customer after the crash finds the recorded action finished, and is told', async () => {
    const crashing = createActionHandler(
      handlerDeps({ ...stores, state: crashingOnFirstUpdate(storage.state) }, { clock }),
    );
    await expect(crashing.submit(request(ANA, tap.lost('cust-1', 'competitor')))).rejects.toThrow(
      'process killed',
    );
    // Ana's loss is in the trail first: the admin's Won back is decided on it, as after any loss.
    const admin = createActionHandler(handlerDeps(stores, { clock }));
    expect(await admin.submit(request(ADMIN, tap.wonBack('cust-1'), 'card-admin'))).toEqual({
      text: 'Greenfield Cafe is already marked lost (Went to a competitor, on Tue 24 Nov). Nothing was changed.',
    });
    expect((await storage.state.get('cust-1'))?.state).toMatchObject({
      status: 'lost',
      lostReason: 'competitor',
    });
    // Ana taps again (Teams showed her an error): her card shows the loss, recorded once.
    const reply = await crashing.submit(request(ANA, tap.lost('cust-1', 'competitor')));
    expect(cardRow(reply.updateCard, 'Greenfield Cafe').buttons).toEqual(['undo']);
    const summary = await november();
    expect(summary.lost).toBe(1);
    expect(summary.saves).toBe(0);
  });

  it('an undo interrupted the same way is finished by tapping Undo again', async () => {
    const handler = createActionHandler(handlerDeps(stores, { clock }));
    await handler.submit(request(ANA, tap.reachedOut('cust-1')));
    const crashingState = crashingOnFirstUpdate(storage.state);
    const crashing = createActionHandler(handlerDeps({ ...stores, state: crashingState }, { clock }));
    await expect(crashing.submit(request(ANA, tap.undo('cust-1')))).rejects.toThrow('process killed');
    expect((await storage.state.get('cust-1'))?.state.lastContact).toBe(TODAY);
    await crashing.submit(request(ANA, tap.undo('cust-1')));
    expect((await storage.state.get('cust-1'))?.state).toEqual(greenfield);
    expect((await storage.audit.latestForCustomer('cust-1')).map((r) => r.action)).toEqual([
      'undo',
      'reached_out',
    ]);
  });
});

describe('an undo racing another write', () => {
  const rescored = { ...greenfield, score: 0.9, band: 'at_risk' as const, reasons: ['quiet'] };
  /** Ana's Undo on card-1, with the weekly run re-scoring the customer between its read and its write. */
  const undoUnderARescore = () => {
    const rescore = () =>
      storage.state.update('cust-1', (s) =>
        s ? { ...s, score: rescored.score, band: rescored.band, reasons: rescored.reasons } : null,
      );
    const racing = createActionHandler(
      handlerDeps({ ...stores, state: withRivalAfterFirstRead(storage.state, rescore) }, { clock }),
    );
    return racing.submit(request(ANA, tap.undo('cust-1')));
  };

  it('a re-score landing between the read and the write does not cancel the undo: it is redone on the fresh state', async () => {
    const handler = createActionHandler(handlerDeps(stores, { clock }));
    await handler.submit(request(ANA, tap.reachedOut('cust-1')));
    const reply = await undoUnderARescore();
    expect(reply.updateCard).toBeDefined();
    // The contact is undone; the re-score stands.
    expect((await storage.state.get('cust-1'))?.state).toEqual(rescored);
    const rows = await storage.audit.latestForCustomer('cust-1');
    expect(rows.map((r) => r.action)).toEqual(['undo', 'reached_out']);
  });

  it('a re-score landing under the undo of a loss further back than the latest 50 rows: redone on the fresh state too', async () => {
    const handler = createActionHandler(handlerDeps(stores, { clock }));
    await handler.submit(request(ANA, tap.lost('cust-1', 'price')));
    // 60 rows after the loss that leave it standing: taps on old cards that lost a race, cancelled.
    for (let k = 0; k < 60; k++) {
      const tapped = `old-card-${k}|cust-1|reached_out|1`;
      await storage.audit.record({
        id: `undo|${tapped}`,
        action: 'undo',
        customerId: 'cust-1',
        customerName: greenfield.name,
        owner: greenfield.owner,
        actorId: ANA.userId,
        actorName: ANA.name,
        at: clock().toISOString(),
        undoes: tapped,
        note: CANCELLED_NOTE,
        cardMessageId: `old-card-${k}`,
        source: 'weekly',
      });
    }
    const reply = await undoUnderARescore();
    expect(reply.text).toBeUndefined();
    expect((await storage.state.get('cust-1'))?.state).toEqual(rescored);
    const [undo] = await storage.audit.latestForCustomer('cust-1', { limit: 1 });
    expect(undo).toMatchObject({ action: 'undo', snapshot: expect.anything() });
  });

  it('an undo that loses to another rep action is cancelled and its target is not counted as undone', async () => {
    const handler = createActionHandler(handlerDeps(stores, { clock }));
    await handler.submit(request(ANA, tap.reachedOut('cust-1')));
    const admin = createActionHandler(handlerDeps(stores, { clock }));
    const racing = createActionHandler(
      handlerDeps(
        {
          ...stores,
          state: withRivalAfterFirstRead(storage.state, () =>
            admin.submit(request(ADMIN, tap.lost('cust-1', 'price'), 'card-admin')),
          ),
        },
        { clock },
      ),
    );
    // Ana's Undo is the one beside her own call, as her card showed it when she tapped.
    const herCall = outcomeKey({ kind: 'reached_out', by: ANA.name, at: TODAY });
    const reply = await racing.submit(request(ANA, tap.undo('cust-1', herCall)));
    // Tried again after the race, it is still her call's Undo (the admin's save changed her card's
    // stored data meanwhile): she is told the loss stands now, not that she may not undo it.
    expect(reply.text).toBe(
      'Ada Admin changed Greenfield Cafe at the same moment. The latest action on Greenfield Cafe is "lost" on Tue 24 Nov by Ada Admin; only that one can be undone.',
    );
    // The card shows the action that stands now, not the contact it no longer can undo.
    expect(cardRow(reply.updateCard, 'Greenfield Cafe').texts.join(' ')).toMatch(
      /Lost: Price\. Marked by Ada Admin/,
    );
    // The contact still stands in the state, and the trail agrees: the reached_out row is not undone.
    expect((await storage.state.get('cust-1'))?.state).toMatchObject({ lastContact: TODAY, status: 'lost' });
    const rows = await storage.audit.latestForCustomer('cust-1');
    const reached = rows.find((r) => r.action === 'reached_out');
    const standingUndos = rows.filter(
      (r) => r.action === 'undo' && r.undoes === reached?.id && !rows.some((c) => c.undoes === r.id),
    );
    expect(standingUndos).toEqual([]);
    // Tapping Reached out again on Ana's card says it is already recorded, not "already undone".
    const again = await handler.submit(request(ANA, tap.reachedOut('cust-1')));
    expect(again.text ?? '').not.toMatch(/already undone/);
  });
});

describe('the rules file changing while a tap is handled', () => {
  it('one tap is decided and committed under one version: a double tap across the change is finished, not an apology', async () => {
    // The file's next version renames the price reason: a row recorded as "price" is no reason in it.
    const before = defaultRules();
    const after = { ...before, lossReasons: before.lossReasons.filter((r) => r.code !== 'price') };
    let reads = 0;
    // The instance takes the changed file between the tap's decision (its first read) and its commit.
    const rulesNow = async () => (reads++ === 0 ? before : after);
    const first = createActionHandler(handlerDeps(stores, { clock }));
    let fired = false;
    // The first tap of a double tap records its row while the second is being decided.
    const audit = new Proxy(storage.audit, {
      get(target, property, receiver) {
        if (property !== 'record') return Reflect.get(target, property, receiver);
        return async (...args: Parameters<typeof target.record>) => {
          if (!fired) {
            fired = true;
            expect((await first.submit(request(ANA, tap.lost('cust-1', 'price')))).updateCard).toBeDefined();
          }
          return target.record(...args);
        };
      },
    });
    const second = createActionHandler(handlerDeps({ ...stores, audit }, { clock, rules: rulesNow }));
    const reply = await second.submit(request(ANA, tap.lost('cust-1', 'price')));
    expect(fired).toBe(true);
    expect(cardRow(reply.updateCard, 'Greenfield Cafe').buttons).toEqual(['undo']);
    expect((await storage.audit.latestForCustomer('cust-1')).map((r) => r.action)).toEqual(['lost']);
    expect((await storage.state.get('cust-1'))?.state).toMatchObject({ status: 'lost', lostReason: 'price' });
  });
});

describe('a row recorded under rules the file has changed since', () => {
  it('a tap cut short before its state write, tapped again after the reason was dropped: finished as recorded', async () => {
    const before = defaultRules();
    const after = { ...before, lossReasons: before.lossReasons.filter((r) => r.code !== 'price') };
    const crashing = createActionHandler(
      handlerDeps({ ...stores, state: crashingOnFirstUpdate(storage.state) }, { clock, rules: before }),
    );
    await expect(crashing.submit(request(ANA, tap.lost('cust-1', 'price')))).rejects.toThrow(
      'process killed',
    );
    // The row counts as a loss in the summary already; its state write must not wait for rules that allow it.
    const later = createActionHandler(handlerDeps(stores, { clock, rules: after }));
    const reply = await later.submit(request(ANA, tap.lost('cust-1', 'price')));
    expect(cardRow(reply.updateCard, 'Greenfield Cafe').buttons).toEqual(['undo']);
    expect((await storage.audit.latestForCustomer('cust-1')).map((r) => r.action)).toEqual(['lost']);
    expect((await storage.state.get('cust-1'))?.state).toMatchObject({ status: 'lost', lostReason: 'price' });
  });
});

describe('a crash between the audit row and the state write, then a tap elsewhere', () => {
  /** Ana's Reached out or Lost on the weekly card, recorded, its state write cut short. */
  async function interrupted(value: Record<string, unknown>): Promise<void> {
    const crashing = createActionHandler(
      handlerDeps({ ...stores, state: crashingOnFirstUpdate(storage.state) }, { clock }),
    );
    await expect(crashing.submit(request(ANA, value))).rejects.toThrow('process killed');
  }

  it('Reached out in the tab the same day: the recorded contact is put on the state, not refused as done while missing', async () => {
    await interrupted(tap.reachedOut('cust-1'));
    const result = await tapInTab(tabActionDeps(storage, cards), ANA_IN_TAB, 'cust-1', {
      action: 'reached_out',
    });
    expect(result).toMatchObject({ ok: false, status: 409 });
    expect((await storage.state.get('cust-1'))?.state.lastContact).toBe(TODAY);
    expect((await storage.audit.latestForCustomer('cust-1')).map((r) => r.action)).toEqual(['reached_out']);
  });

  it('an Undo cut short before its state write, then Reached out in the tab: the undo is finished first', async () => {
    await createActionHandler(handlerDeps(stores, { clock })).submit(
      request(ANA, tap.lost('cust-1', 'price')),
    );
    const crashing = createActionHandler(
      handlerDeps({ ...stores, state: crashingOnFirstUpdate(storage.state) }, { clock }),
    );
    await expect(crashing.submit(request(ANA, tap.undo('cust-1')))).rejects.toThrow('process killed');
    // The trail says the loss is undone; the state still says lost.
    expect((await storage.state.get('cust-1'))?.state.status).toBe('lost');
    const result = await tapInTab(tabActionDeps(storage, cards), ANA_IN_TAB, 'cust-1', {
      action: 'reached_out',
    });
    expect(result).toMatchObject({ ok: true });
    expect((await storage.state.get('cust-1'))?.state).toMatchObject({
      status: 'active',
      lastContact: TODAY,
    });
    // One row each: the undo finished, not written again.
    const rows = (await storage.audit.latestForCustomer('cust-1')).map((r) => r.action);
    expect(rows.sort()).toEqual(['lost', 'reached_out', 'undo']);
    expect((await november()).lost).toBe(0);
  });

  it('an Undo cut short, then `undo` typed in the chat: the undo is finished first, and the action before it undone', async () => {
    const handler = createActionHandler(handlerDeps(stores, { clock }));
    await handler.submit(request(ANA, tap.reachedOut('cust-1')));
    await saveCard(cards, 'digest-1', ANA, [greenfield]);
    await handler.submit(request(ANA, tap.lost('cust-1', 'price'), 'digest-1'));
    const crashing = createActionHandler(
      handlerDeps({ ...stores, state: crashingOnFirstUpdate(storage.state) }, { clock }),
    );
    await expect(crashing.submit(request(ANA, tap.undo('cust-1'), 'digest-1'))).rejects.toThrow(
      'process killed',
    );
    const reply = await handler.command({
      command: 'undo',
      actor: { userId: ANA.userId, name: ANA.name, tenantId: TENANT },
      conversationKind: 'personal',
    });
    expect(reply.text).toMatch(/^Undone on Greenfield Cafe: /);
    // Both undone: the customer is as before Ana's first tap, not lost with the contact taken off.
    expect((await storage.state.get('cust-1'))?.state).toEqual(greenfield);
    expect((await november()).lost).toBe(0);
  });

  it('Lost on the next day’s digest: the loss recorded the day before is the one that counts, once', async () => {
    await interrupted(tap.lost('cust-1', 'price'));
    await saveCard(cards, 'digest-1', ANA, [greenfield]);
    const nextDay = createActionHandler(
      handlerDeps(stores, { clock: advancingClock(new Date(clock().getTime() + 86_400_000)) }),
    );
    const reply = await nextDay.submit(request(ANA, tap.lost('cust-1', 'price'), 'digest-1'));
    expect(reply.text).toMatch(/already marked lost/i);
    expect((await storage.state.get('cust-1'))?.state).toMatchObject({ status: 'lost', lostAt: TODAY });
    expect((await november()).lost).toBe(1);
  });
});
