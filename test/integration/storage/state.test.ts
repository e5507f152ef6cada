import { describe, expect, inject, it } from 'vitest';
import type { CustomerState } from '../../../rules/customerState';
import { ConflictError, openStorage, type PolicyConfig } from '../../../storage';
import { fullState, manyStates, openTestStorage } from './support';

describe('state store on Azurite', () => {
  it('round-trips every field, nulls, doubles beyond Int32 and ids with forbidden key characters', async () => {
    const storage = await openTestStorage('stateRt');
    const ids = ['A/B#1', 'back\\slash?q', 'ünïcødé-客户-🙂', '100%', "o'brien", 'tab\there', '~tilde', ''];
    const states = ids.map((id, i) =>
      fullState(id, {
        monthlyValue: i === 0 ? 5_000_000_000.25 : 1200,
        recoveredValue: i === 1 ? 99.99 : null,
        lostReason: i === 2 ? 'price' : null,
        reasons: i === 3 ? [] : ['a', 'b"quoted"'],
      }),
    );
    const result = await storage.state.writeChanged(new Map(), states);
    expect(result).toEqual({ written: ids.length, transactions: 1 });
    const all = await storage.state.getAll();
    expect(all.size).toBe(ids.length);
    for (const s of states) {
      expect(all.get(s.customerId)).toEqual(s);
      expect((await storage.state.get(s.customerId))?.state).toEqual(s);
    }
  });

  it('get returns null for a customer never written', async () => {
    const storage = await openTestStorage('stateMiss');
    expect(await storage.state.get('nobody')).toBeNull();
  });

  it.each([
    [99, 1],
    [100, 1],
    [101, 2],
    [250, 3],
  ])('batches %i changed rows into %i transaction(s), all rows present', async (n, transactions) => {
    const storage = await openTestStorage(`stateB${n}`);
    storage.resetRequestCount();
    const result = await storage.state.writeChanged(new Map(), manyStates(n));
    expect(result).toEqual({ written: n, transactions });
    expect(storage.requests().transactions).toBe(transactions);
    const all = await storage.state.getAll();
    expect(all.size).toBe(n);
  });

  it('writes only the rows that changed', async () => {
    const storage = await openTestStorage('stateDiff');
    const before = manyStates(300);
    await storage.state.writeChanged(new Map(), before);
    const previous = await storage.state.getAll();
    const next = before.map((s, i) => (i % 20 === 0 ? { ...s, score: 0.9, band: 'at_risk' as const } : s));
    storage.resetRequestCount();
    const result = await storage.state.writeChanged(previous, next);
    expect(result).toEqual({ written: 15, transactions: 1 });
    expect(storage.requests()).toEqual({ requests: 1, transactions: 1 });
    const after = await storage.state.getAll();
    expect(after.get('c00020')?.score).toBe(0.9);
    expect(after.get('c00021')?.score).toBe(0);
    // Nothing changed: nothing sent at all.
    storage.resetRequestCount();
    expect(await storage.state.writeChanged(after, next)).toEqual({ written: 0, transactions: 0 });
    expect(storage.requests().requests).toBe(0);
  });

  it('refuses a run that lists one customer twice, before sending anything', async () => {
    const storage = await openTestStorage('stateDup');
    storage.resetRequestCount();
    const twice = [...manyStates(3), manyStates(1)[0]];
    await expect(storage.state.writeChanged(new Map(), twice)).rejects.toThrow(/c00000.*twice/);
    expect(storage.requests().requests).toBe(0);
  });

  it('reads every state across more than one page (a page holds 1,000 rows)', async () => {
    const storage = await openTestStorage('statePage');
    await storage.state.writeChanged(new Map(), manyStates(1_050));
    storage.resetRequestCount();
    const all = await storage.state.readAll();
    expect(all.states.size).toBe(1_050);
    expect(all.etags.size).toBe(1_050);
    expect(storage.requests().requests).toBe(2);
  });

  it('a Replace write clears fields that became null', async () => {
    const storage = await openTestStorage('stateNull');
    const s = fullState('x1', { lostReason: 'price', lostAt: '2026-11-02', status: 'lost' });
    await storage.state.writeChanged(new Map(), [s]);
    const cleared = { ...s, lostReason: null, lostAt: null, status: 'active' as const };
    await storage.state.writeChanged(new Map([[s.customerId, s]]), [cleared]);
    expect((await storage.state.get('x1'))?.state).toEqual(cleared);
  });
});

/** A policy that runs `interfere` just before each of this handle's writes (PUT with If-Match / POST insert). */
function beforeWrites(interfere: () => Promise<void>): PolicyConfig {
  return {
    position: 'perCall',
    policy: {
      name: 'interfereBeforeWrite',
      sendRequest: async (request, next) => {
        const conditionalPut = request.method === 'PUT' && request.headers.has('If-Match');
        if (conditionalPut || request.method === 'POST') await interfere();
        return next(request);
      },
    },
  };
}

describe('state update with the ETag', () => {
  it('two writers race: the loser gets 412, re-reads, re-decides, and no update is lost', async () => {
    const b = await openTestStorage('stateRace');
    const prefix = b.tables.state.slice(0, -'State'.length);
    let bWrote = false;
    const a = await openStorage(
      { connectionString: inject('azuriteConnectionString'), tablePrefix: prefix },
      {
        policies: [
          beforeWrites(async () => {
            if (bWrote) return;
            bWrote = true; // writer B commits between A's read and A's write
            await b.state.update('r1', (cur) => (cur ? { ...cur, reasons: [...cur.reasons, 'B'] } : null));
          }),
        ],
      },
    );
    await a.state.writeChanged(new Map(), [fullState('r1', { reasons: [] })]);
    bWrote = false;
    const seen: string[][] = [];
    const result = await a.state.update('r1', (cur) => {
      if (!cur) throw new Error('expected a row');
      seen.push(cur.reasons);
      return { ...cur, reasons: [...cur.reasons, 'A'] };
    });
    expect(seen).toEqual([[], ['B']]);
    expect(result).toMatchObject({ written: true, attempts: 2 });
    expect((await b.state.get('r1'))?.state.reasons).toEqual(['B', 'A']);
  });

  it("two writers creating the same new customer: the loser re-reads the winner's row (409) and decides again", async () => {
    const b = await openTestStorage('stateCreate');
    const prefix = b.tables.state.slice(0, -'State'.length);
    let bWrote = true; // armed below, after openStorage's own table-creating POSTs
    const a = await openStorage(
      { connectionString: inject('azuriteConnectionString'), tablePrefix: prefix },
      {
        policies: [
          beforeWrites(async () => {
            if (bWrote) return;
            bWrote = true;
            await b.state.update('n1', (cur) => cur ?? fullState('n1', { reasons: ['B'] }));
          }),
        ],
      },
    );
    bWrote = false;
    const result = await a.state.update('n1', (cur) =>
      cur ? { ...cur, reasons: [...cur.reasons, 'A'] } : fullState('n1', { reasons: ['A only'] }),
    );
    expect(result.attempts).toBe(2);
    expect((await b.state.get('n1'))?.state.reasons).toEqual(['B', 'A']);
  });

  it('a writer that loses every time gives up with a ConflictError after maxAttempts', async () => {
    const b = await openTestStorage('stateLose');
    const prefix = b.tables.state.slice(0, -'State'.length);
    const a = await openStorage(
      { connectionString: inject('azuriteConnectionString'), tablePrefix: prefix },
      {
        policies: [
          beforeWrites(async () => {
            await b.state.update('l1', (cur) => (cur ? { ...cur, score: cur.score + 1 } : null));
          }),
        ],
      },
    );
    await b.state.writeChanged(new Map(), [fullState('l1', { score: 0 })]);
    let decisions = 0;
    const attempt = a.state.update(
      'l1',
      (cur) => {
        decisions++;
        return cur ? { ...cur, band: 'watch' } : null;
      },
      { maxAttempts: 3 },
    );
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    await expect(attempt).rejects.toThrow(/l1.*3 times/);
    expect(decisions).toBe(3);
    // Our change never landed; the other writer's three did.
    const final = (await b.state.get('l1'))?.state;
    expect(final?.band).toBe('at_risk');
    expect(final?.score).toBe(3);
  });

  it('decide returning null writes nothing', async () => {
    const storage = await openTestStorage('stateNoop');
    storage.resetRequestCount();
    const result = await storage.state.update('ghost', () => null);
    expect(result).toEqual({ state: null, written: false, attempts: 1 });
    expect(storage.requests().requests).toBe(1); // the read only
    expect(await storage.state.get('ghost')).toBeNull();
  });
});

describe('guarded writes (ETag-conditional, for a run racing the reps)', () => {
  const rescored = (s: CustomerState) => ({ ...s, score: 55, band: 'at_risk' as const });

  it('readAll gives every row its ETag; guarded writes go 100 to a transaction and land', async () => {
    const storage = await openTestStorage('guardB');
    const created = await storage.state.writeGuarded(await storage.state.readAll(), manyStates(250), {
      resolve: () => {
        throw new Error('no row changed, resolve must not be called');
      },
    });
    expect(created).toEqual({ written: 250, transactions: 3, fallbacks: 0, resolved: [], kept: [] });
    const snapshot = await storage.state.readAll();
    expect(snapshot.states.size).toBe(250);
    expect(snapshot.etags.size).toBe(250);
    expect(snapshot.etags.get('c00007')).toBe((await storage.state.get('c00007'))?.etag);
    storage.resetRequestCount();
    const next = [...snapshot.states.values()].map(rescored);
    const updated = await storage.state.writeGuarded(snapshot, next, { resolve: () => null });
    expect(updated).toEqual({ written: 250, transactions: 3, fallbacks: 0, resolved: [], kept: [] });
    expect(storage.requests()).toEqual({ requests: 3, transactions: 3 });
    expect([...(await storage.state.getAll()).values()].every((s) => s.score === 55)).toBe(true);
  });

  it("makes each row's entity as its transaction goes out, not every row's before the first is sent", async () => {
    // A weekly run writes up to a million rows: all their entities at once beside the plan do not fit
    // Node's heap (docs/scale.md).
    let made = 0;
    const madeAtSend: number[] = [];
    const storage = await openTestStorage('guardLazy', {
      policies: [
        {
          position: 'perCall',
          policy: {
            name: 'entitiesMadeAtSend',
            sendRequest: (request, next) => {
              if (request.url.includes('$batch')) madeAtSend.push(made);
              return next(request);
            },
          },
        },
      ],
    });
    // toStateEntity reads each state's reasons once, to write them as JSON.
    const states = manyStates(450).map((s) => {
      const { reasons, ...rest } = s;
      return Object.defineProperty(rest, 'reasons', {
        enumerable: true,
        get: () => {
          made++;
          return reasons;
        },
      }) as CustomerState;
    });
    const result = await storage.state.writeGuarded(await storage.state.readAll(), states, {
      concurrency: 1,
      resolve: () => null,
    });
    expect(result).toEqual({ written: 450, transactions: 5, fallbacks: 0, resolved: [], kept: [] });
    // Sent one at a time: each transaction goes out once its 100 rows and the row that ended it are made.
    expect(madeAtSend).toEqual([101, 201, 301, 401, 450]);
    expect((await storage.state.getAll()).size).toBe(450);
  });

  it('a row changed after the read is never overwritten blindly: resolve decides, the rest of its batch still lands', async () => {
    const storage = await openTestStorage('guardKeep');
    await storage.state.writeChanged(new Map(), manyStates(150));
    const snapshot = await storage.state.readAll();
    // A rep taps between the run's read and its write.
    await storage.state.update('c00042', (cur) => (cur ? { ...cur, lastContact: '2026-11-23' } : null));
    const seen: { fresh: CustomerState | null; read: CustomerState | undefined }[] = [];
    const result = await storage.state.writeGuarded(snapshot, [...snapshot.states.values()].map(rescored), {
      resolve: ({ fresh, read }) => {
        seen.push({ fresh, read });
        return null; // keep the rep's row as it is
      },
    });
    expect(result).toEqual({ written: 149, transactions: 2, fallbacks: 1, resolved: [], kept: ['c00042'] });
    expect(seen).toHaveLength(1);
    expect(seen[0].fresh?.lastContact).toBe('2026-11-23');
    expect(seen[0].read?.lastContact).toBeNull();
    const after = await storage.state.getAll();
    expect(after.get('c00042')).toMatchObject({ lastContact: '2026-11-23', score: 0, band: 'steady' });
    expect([...after.values()].filter((s) => s.score === 55)).toHaveLength(149);
  });

  it('resolve can write over the fresh row: the write goes with the fresh ETag', async () => {
    const storage = await openTestStorage('guardRe');
    await storage.state.writeChanged(new Map(), manyStates(3));
    const snapshot = await storage.state.readAll();
    await storage.state.update('c00001', (cur) => (cur ? { ...cur, name: 'Renamed elsewhere' } : null));
    const result = await storage.state.writeGuarded(snapshot, [...snapshot.states.values()].map(rescored), {
      resolve: ({ fresh, intended }) =>
        fresh ? { ...fresh, score: intended.score, band: intended.band } : intended,
    });
    expect(result).toMatchObject({ written: 3, fallbacks: 1, resolved: ['c00001'], kept: [] });
    expect((await storage.state.get('c00001'))?.state).toMatchObject({
      name: 'Renamed elsewhere',
      score: 55,
    });
  });

  it('a row the snapshot did not have, created meanwhile (409), is resolved against the one now stored', async () => {
    const storage = await openTestStorage('guardNew');
    const snapshot = await storage.state.readAll();
    await storage.state.writeChanged(new Map(), [fullState('n1', { lastContact: '2026-11-24' })]);
    const seen: { fresh: CustomerState | null; read: CustomerState | undefined }[] = [];
    const mine = { ...manyStates(1)[0], customerId: 'n1' };
    const result = await storage.state.writeGuarded(snapshot, [...manyStates(2), mine], {
      resolve: ({ fresh, read }) => {
        seen.push({ fresh, read });
        return null;
      },
    });
    expect(result).toMatchObject({ written: 2, transactions: 1, fallbacks: 1, kept: ['n1'] });
    expect(seen).toHaveLength(1);
    expect(seen[0].read).toBeUndefined();
    expect(seen[0].fresh?.lastContact).toBe('2026-11-24');
    expect((await storage.state.get('n1'))?.state.lastContact).toBe('2026-11-24');
    expect((await storage.state.get('c00001'))?.state.customerId).toBe('c00001');
  });

  it('errors other than a changed row are thrown, not resolved', async () => {
    const storage = await openTestStorage('guardErr');
    const snapshot = await storage.state.readAll();
    const huge = { ...manyStates(1)[0], name: 'x'.repeat(40_000) }; // over the 32K-character string limit: 400
    await expect(
      storage.state.writeGuarded(snapshot, [huge], {
        resolve: () => {
          throw new Error('must not be called');
        },
      }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });
});
