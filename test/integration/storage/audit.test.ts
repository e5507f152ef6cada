import { RestError, TableClient } from '@azure/data-tables';
import { describe, expect, inject, it } from 'vitest';
import type { NewAuditRow, PolicyConfig, Storage } from '../../../storage';
import { fullState, openTestStorage } from './support';

function action(overrides: Partial<NewAuditRow> = {}): NewAuditRow {
  return {
    id: 'msg-1|A/B#1|reached_out',
    action: 'reached_out',
    customerId: 'A/B#1',
    customerName: 'Greenfield Cafe',
    owner: 'rep@example.com',
    actorId: 'aad-rep-1',
    actorName: 'Rep One',
    at: '2026-11-23T08:03:00.123Z',
    ...overrides,
  };
}

describe('audit trail on Azurite', () => {
  it('records a row and reads every field back', async () => {
    const storage = await openTestStorage('auditRt');
    const snapshot = fullState('A/B#1');
    const input = action({
      action: 'won_back',
      value: 1200.5,
      reason: 'price',
      note: 'called, "happy" again\nnew line',
      snapshot,
      undoes: 'prev-row',
      cardMessageId: '1:abc',
    });
    const result = await storage.audit.record(input);
    expect(result.recorded).toBe(true);
    expect(result.row).toEqual({ ...input, at: '2026-11-23T08:03:00.123Z' });
    expect(await storage.audit.readMonth('2026-11')).toEqual([result.row]);
    expect(await storage.audit.latestForCustomer('A/B#1')).toEqual([result.row]);
    expect(await storage.audit.get('A/B#1', input.id)).toEqual(result.row);
  });

  it('omitted optional fields come back as null', async () => {
    const storage = await openTestStorage('auditNull');
    const { row } = await storage.audit.record(action());
    expect(row).toMatchObject({
      value: null,
      reason: null,
      note: null,
      snapshot: null,
      undoes: null,
      cardMessageId: null,
    });
    expect((await storage.audit.readMonth('2026-11'))[0]).toEqual(row);
  });

  it('a double tap with a different timestamp is one row, and the second call gets the first row back', async () => {
    const storage = await openTestStorage('auditTwice');
    const first = await storage.audit.record(action({ at: '2026-11-23T08:03:00.123Z' }));
    const second = await storage.audit.record(action({ at: '2026-11-23T08:03:01.950Z', note: 'second tap' }));
    expect(first.recorded).toBe(true);
    expect(second).toEqual({ recorded: false, row: first.row });
    expect(await storage.audit.readMonth('2026-11')).toHaveLength(1);
    expect(await storage.audit.latestForCustomer('A/B#1')).toHaveLength(1);
  });

  it("a double tap straddling the month boundary is still one row, in the first tap's month", async () => {
    const storage = await openTestStorage('auditEdge');
    await storage.audit.record(action({ at: '2026-11-30T23:59:59.900Z' }));
    const again = await storage.audit.record(action({ at: '2026-12-01T00:00:00.200Z' }));
    expect(again.recorded).toBe(false);
    expect(await storage.audit.readMonth('2026-11')).toHaveLength(1);
    expect(await storage.audit.readMonth('2026-12')).toHaveLength(0);
  });

  it("partitions by the team's month and reads exactly one month, oldest first", async () => {
    const storage = await openTestStorage('auditMonth', { timeZone: 'America/Chicago' });
    const times = [
      '2026-11-15T12:00:00.000Z',
      '2026-10-31T12:00:00.000Z', // October
      '2026-11-02T09:00:00.000Z',
      '2026-12-01T03:00:00.000Z', // still 30 November, 21:00 in Chicago
      '2026-12-01T07:00:00.000Z', // 1 December 01:00 in Chicago
      '2026-11-01T04:00:00.000Z', // 31 October, 23:00 in Chicago
    ];
    for (const [i, at] of times.entries()) {
      await storage.audit.record(action({ id: `k${i}`, customerId: `c${i % 2}`, at }));
    }
    const november = await storage.audit.readMonth('2026-11');
    expect(november.map((r) => r.id)).toEqual(['k2', 'k0', 'k3']);
    expect((await storage.audit.readMonth('2026-10')).map((r) => r.id)).toEqual(['k1', 'k5']);
    expect((await storage.audit.readMonth('2026-12')).map((r) => r.id)).toEqual(['k4']);
    await expect(storage.audit.readMonth('2026-13')).rejects.toThrow(/Not a month/);
  });

  it("latestForCustomer returns that customer's actions newest first, up to the limit", async () => {
    const storage = await openTestStorage('auditLatest');
    const days = [3, 1, 7, 5, 2];
    for (const d of days) {
      await storage.audit.record(action({ id: `day${d}`, at: `2026-11-0${d}T10:00:00.000Z` }));
    }
    await storage.audit.record(
      action({ id: 'other', customerId: 'someone else', at: '2026-11-09T10:00:00.000Z' }),
    );
    const latest = await storage.audit.latestForCustomer('A/B#1', { limit: 3 });
    expect(latest.map((r) => r.id)).toEqual(['day7', 'day5', 'day3']);
    expect(await storage.audit.latestForCustomer('A/B#1', { limit: 50 })).toHaveLength(5);
    expect(await storage.audit.latestForCustomer('nobody')).toEqual([]);
  });

  it('rejects a malformed row before writing anything', async () => {
    const storage = await openTestStorage('auditBad');
    storage.resetRequestCount();
    await expect(storage.audit.record(action({ at: 'yesterday' }))).rejects.toThrow(/Invalid audit row/);
    await expect(storage.audit.record(action({ value: Number.NaN }))).rejects.toThrow(/Invalid audit row/);
    await expect(storage.audit.record(action({ action: 'deleted' as never }))).rejects.toThrow(
      /Invalid audit row/,
    );
    expect(storage.requests().requests).toBe(0);
  });

  it('a crash between the customer rows and the month row is healed by recording the same action again', async () => {
    let failMonthInsert = true;
    const crashOnce: PolicyConfig = {
      position: 'perCall',
      policy: {
        name: 'crashOnMonthInsert',
        sendRequest: async (request, next) => {
          const path = new URL(request.url).pathname;
          if (failMonthInsert && request.method === 'POST' && /Audit$/.test(path)) {
            failMonthInsert = false;
            throw new RestError('injected: process died', { statusCode: 500 });
          }
          return next(request);
        },
      },
    };
    const storage = await openTestStorage('auditHeal', { policies: [crashOnce] });
    await expect(storage.audit.record(action())).rejects.toThrow(/injected/);
    expect(await storage.audit.readMonth('2026-11')).toHaveLength(0);
    const retry = await storage.audit.record(action({ at: '2026-11-23T08:04:00.000Z' }));
    expect(retry.recorded).toBe(false);
    const month = await storage.audit.readMonth('2026-11');
    expect(month).toEqual([retry.row]);
    expect(month[0].at).toBe('2026-11-23T08:03:00.123Z');
  });

  describe('recordMany', () => {
    /** The weekly run's shape: one row per customer, ids that differ per customer. */
    function weeklyRows(n: number, at: string, from = 0): NewAuditRow[] {
      return Array.from({ length: n }, (_, k) => {
        const i = from + k;
        return action({ id: `surfaced_w47_c${i}`, action: 'surfaced', customerId: `c${i}`, at });
      });
    }

    /** A raw client on one of the store's tables, to stage states record() never leaves behind. */
    function rawTable(storage: Storage, table: 'audit' | 'auditByCustomer'): TableClient {
      return TableClient.fromConnectionString(inject('azuriteConnectionString'), storage.tables[table], {
        allowInsecureConnection: true,
      });
    }

    it('writes every row as record() would, with the month rows in transactions of up to 100', async () => {
      const storage = await openTestStorage('auditMany');
      const rows = [
        ...weeklyRows(230, '2026-11-23T14:03:00.000Z'),
        ...weeklyRows(20, '2026-12-01T14:03:00.000Z', 230), // December: a month partition of its own
      ];
      storage.resetRequestCount();
      const results = await storage.audit.recordMany(rows, { concurrency: 4 });
      // One guard transaction per row, then 3 month transactions for November and 1 for December.
      expect(storage.requests()).toEqual({ requests: 254, transactions: 254 });
      expect(results.every((r) => r.recorded)).toBe(true);
      expect(results.map((r) => r.row.id)).toEqual(rows.map((r) => r.id));
      const november = await storage.audit.readMonth('2026-11');
      expect(november).toHaveLength(230);
      expect(new Set(november.map((r) => r.id))).toEqual(new Set(rows.slice(0, 230).map((r) => r.id)));
      expect((await storage.audit.readMonth('2026-12')).map((r) => r.id).sort()).toEqual(
        rows
          .slice(230)
          .map((r) => r.id)
          .sort(),
      );
      expect(await storage.audit.latestForCustomer('c7')).toEqual([results[7].row]);
      expect(await storage.audit.get('c240', 'surfaced_w47_c240')).toEqual(results[240].row);
    });

    it('a rerun at another time adds no row and returns the rows stored the first time', async () => {
      const storage = await openTestStorage('auditManyRerun');
      const first = await storage.audit.recordMany(weeklyRows(120, '2026-11-23T14:03:00.000Z'));
      const again = await storage.audit.recordMany(weeklyRows(130, '2026-11-23T15:45:00.000Z'));
      expect(again.slice(0, 120)).toEqual(first.map((r) => ({ recorded: false, row: r.row })));
      expect(again.slice(120).every((r) => r.recorded && r.row.at === '2026-11-23T15:45:00.000Z')).toBe(true);
      const november = await storage.audit.readMonth('2026-11');
      expect(november).toHaveLength(130);
      expect(november.filter((r) => r.at === '2026-11-23T14:03:00.000Z')).toHaveLength(120);
      expect(await storage.audit.latestForCustomer('c3')).toHaveLength(1);
    });

    it('the same id twice in one call is one row; the repeat gets the first row back', async () => {
      const storage = await openTestStorage('auditManyDup');
      const one = action({ at: '2026-11-23T08:03:00.123Z' });
      const repeat = action({ at: '2026-11-23T08:03:01.950Z', note: 'second tap' });
      const other = action({ id: 'another', at: '2026-11-23T08:05:00.000Z' });
      const results = await storage.audit.recordMany([one, repeat, other]);
      expect(results[0].recorded).toBe(true);
      expect(results[1]).toEqual({ recorded: false, row: results[0].row });
      expect(results[2].recorded).toBe(true);
      expect((await storage.audit.readMonth('2026-11')).map((r) => r.id).sort()).toEqual(['another', one.id]);
      expect(await storage.audit.latestForCustomer('A/B#1')).toHaveLength(2);
    });

    it('rows already recorded one by one come back as they were, beside new ones', async () => {
      const storage = await openTestStorage('auditManyMixed');
      const tapped = await storage.audit.record(action());
      const results = await storage.audit.recordMany([
        ...weeklyRows(3, '2026-11-23T14:03:00.000Z'),
        action({ at: '2026-11-23T14:03:00.000Z' }),
      ]);
      expect(results.map((r) => r.recorded)).toEqual([true, true, true, false]);
      expect(results[3].row).toEqual(tapped.row);
      expect(await storage.audit.readMonth('2026-11')).toHaveLength(4);
    });

    it('heals month rows lost in a crash after the customer rows, keeping their first time', async () => {
      const storage = await openTestStorage('auditManyHeal');
      const rows = weeklyRows(5, '2026-11-23T14:03:00.000Z');
      await storage.audit.recordMany(rows);
      // As if the process died after the guards: two month rows never written.
      const months = rawTable(storage, 'audit');
      const written = await storage.audit.readMonth('2026-11');
      for (const row of written.slice(0, 2)) {
        await months.deleteEntity('2026-11', `${row.at}_${row.id}`);
      }
      expect(await storage.audit.readMonth('2026-11')).toHaveLength(3);
      const rerun = await storage.audit.recordMany(weeklyRows(5, '2026-11-23T16:00:00.000Z'));
      expect(rerun.every((r) => !r.recorded)).toBe(true);
      const healed = await storage.audit.readMonth('2026-11');
      expect(healed).toEqual(written);
    });

    it('a month transaction that meets an existing row falls back to one by one and writes the rest', async () => {
      const storage = await openTestStorage('auditManyConflict');
      const rows = weeklyRows(50, '2026-11-23T14:03:00.000Z');
      // A month row whose customer rows are gone: its guard is new again, its month row is not.
      await storage.audit.record(rows[10]);
      const byCustomer = rawTable(storage, 'auditByCustomer');
      for await (const e of byCustomer.listEntities({ queryOptions: { filter: "PartitionKey eq 'c10'" } })) {
        await byCustomer.deleteEntity(e.partitionKey ?? '', e.rowKey ?? '');
      }
      storage.resetRequestCount();
      const results = await storage.audit.recordMany(rows);
      expect(results.every((r) => r.recorded)).toBe(true);
      // 50 guards, the rejected month transaction, then 50 single inserts (one of them a 409).
      expect(storage.requests()).toEqual({ requests: 101, transactions: 51 });
      const november = await storage.audit.readMonth('2026-11');
      expect(november).toHaveLength(50);
      expect(new Set(november.map((r) => r.id)).size).toBe(50);
    });

    it('rejects a malformed row before writing anything', async () => {
      const storage = await openTestStorage('auditManyBad');
      storage.resetRequestCount();
      await expect(
        storage.audit.recordMany([...weeklyRows(3, '2026-11-23T14:03:00.000Z'), action({ at: 'yesterday' })]),
      ).rejects.toThrow(/Invalid audit row/);
      expect(storage.requests().requests).toBe(0);
    });

    it('rethrows a failure that is not a conflict', async () => {
      const failBatch: PolicyConfig = {
        position: 'perCall',
        policy: {
          name: 'failBatch',
          sendRequest: async (request, next) => {
            if (new URL(request.url).pathname.endsWith('/$batch')) {
              throw new RestError('injected: server busy', { statusCode: 503 });
            }
            return next(request);
          },
        },
      };
      const storage = await openTestStorage('auditManyFail', { policies: [failBatch] });
      await expect(storage.audit.recordMany(weeklyRows(2, '2026-11-23T14:03:00.000Z'))).rejects.toThrow(
        /injected/,
      );
      expect(await storage.audit.readMonth('2026-11')).toEqual([]);
    });
  });
});
