import { beforeEach, describe, expect, it } from 'vitest';
import type { SubmitRequest } from '../../../bot/ports';
import { type ActionStores, createActionHandler } from '../../../bot/taps/actionHandler';
import { CANCELLED_NOTE } from '../../../bot/taps/commitAction';
import type { Storage } from '../../../storage';
import type { TableCardStore } from '../../../storage/cardStore';
import type { StateStore } from '../../../storage/stateStore';
import { weeklyRows } from '../../helpers/weeklyCardData';
import {
  ADMIN,
  ANA,
  advancingClock,
  customer,
  handlerDeps,
  openActionStorage,
  saveCard,
  seed,
  TENANT,
  TODAY,
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
  stores = { state: storage.state, audit: storage.audit, conversations: storage.conversations, cards };
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
      text: `Ada Admin changed Greenfield Cafe at the same moment. Greenfield Cafe is already marked lost (Price, on ${TODAY}). Nothing was changed.`,
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
    // Ana's card was not changed; the admin's card shows the loss.
    expect(weeklyRows(await cards.get(`a:${ANA.userId}`, 'card-1'))[0].outcome ?? null).toBeNull();
    expect(weeklyRows(await cards.get(`a:${ADMIN.userId}`, 'card-admin'))[0].outcome).toMatchObject({
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
  it('a re-score landing between the read and the write does not cancel the undo: it is redone on the fresh state', async () => {
    const handler = createActionHandler(handlerDeps(stores, { clock }));
    await handler.submit(request(ANA, tap.reachedOut('cust-1')));
    const rescore = () =>
      storage.state.update('cust-1', (s) =>
        s ? { ...s, score: 0.9, band: 'at_risk', reasons: ['quiet'] } : null,
      );
    const racing = createActionHandler(
      handlerDeps({ ...stores, state: withRivalAfterFirstRead(storage.state, rescore) }, { clock }),
    );
    const reply = await racing.submit(request(ANA, tap.undo('cust-1')));
    expect(reply.updateCard).toBeDefined();
    // The contact is undone; the re-score stands.
    expect((await storage.state.get('cust-1'))?.state).toEqual({
      ...greenfield,
      score: 0.9,
      band: 'at_risk',
      reasons: ['quiet'],
    });
    const rows = await storage.audit.latestForCustomer('cust-1');
    expect(rows.map((r) => r.action)).toEqual(['undo', 'reached_out']);
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
    const reply = await racing.submit(request(ANA, tap.undo('cust-1')));
    expect(reply.updateCard).toBeUndefined();
    expect(reply.text).toMatch(/Ada Admin changed Greenfield Cafe at the same moment/);
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
