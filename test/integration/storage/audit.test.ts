import { RestError } from '@azure/data-tables';
import { describe, expect, it } from 'vitest';
import type { NewAuditRow, PolicyConfig, Storage } from '../../../storage';
import { beforeNextBatch } from '../../helpers/beforeNextBatch';
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
      deliveryId: 'a:1:chat|1:tap',
      source: 'digest',
      valueKind: 'second_order',
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
      source: null,
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

  describe('appendRunRows', () => {
    /** The weekly run's shape: one row per customer, ids that differ per customer, the run's start as time. */
    function weeklyRows(n: number, at: string, from = 0): NewAuditRow[] {
      return Array.from({ length: n }, (_, k) => {
        const i = from + k;
        return action({ id: `surfaced_w47_c${i}`, action: 'surfaced', customerId: `c${i}`, at });
      });
    }

    it('writes the rows to their month partitions in transactions of up to 100, not per customer', async () => {
      const storage = await openTestStorage('auditMany');
      const rows = [
        ...weeklyRows(230, '2026-11-23T14:03:00.000Z'),
        ...weeklyRows(20, '2026-12-01T14:03:00.000Z', 230), // December: a month partition of its own
      ];
      storage.resetRequestCount();
      const results = await storage.audit.appendRunRows(rows);
      // One key read per month, then 3 transactions for November's 230 rows and 1 for December's 20.
      expect(storage.requests()).toEqual({ requests: 6, transactions: 4 });
      expect(results).toEqual(rows.map(() => ({ recorded: true })));
      const november = await storage.audit.readMonth('2026-11');
      const ids = (list: { id: string }[]) => list.map((r) => r.id).sort();
      expect(ids(november)).toEqual(ids(rows.slice(0, 230)));
      expect(november.find((r) => r.customerId === 'c7')).toMatchObject({
        id: 'surfaced_w47_c7',
        action: 'surfaced',
        at: '2026-11-23T14:03:00.000Z',
      });
      expect(ids(await storage.audit.readMonth('2026-12'))).toEqual(ids(rows.slice(230)));
      // The customer listing is for actions a rep can undo; a run's rows are not among them.
      expect(await storage.audit.latestForCustomer('c7')).toEqual([]);
    });

    it('a rerun with the same run start adds no row and keeps the first rows as they were', async () => {
      const storage = await openTestStorage('auditManyRerun');
      const first = weeklyRows(120, '2026-11-23T14:03:00.000Z');
      await storage.audit.appendRunRows(first);
      const stored = await storage.audit.readMonth('2026-11');
      // The second attempt sees other states: its rows differ in content but not in id or time.
      const again = weeklyRows(130, '2026-11-23T14:03:00.000Z').map((r) => ({ ...r, value: 999 }));
      storage.resetRequestCount();
      const results = await storage.audit.appendRunRows(again);
      // One read of the 120 keys there, one transaction of the 10 new rows: not 130 single inserts.
      expect(storage.requests()).toEqual({ requests: 2, transactions: 1 });
      expect(results.map((r) => r.recorded)).toEqual([...Array(120).fill(false), ...Array(10).fill(true)]);
      const november = await storage.audit.readMonth('2026-11');
      expect(november).toHaveLength(130);
      const firstIds = new Set(first.map((r) => r.id));
      expect(november.filter((r) => firstIds.has(r.id))).toEqual(stored);
      expect(november.filter((r) => !firstIds.has(r.id)).every((r) => r.value === 999)).toBe(true);
    });

    it('the same row twice in one call is one row; the repeat is reported as not new', async () => {
      const storage = await openTestStorage('auditManyDup');
      const [one, other] = weeklyRows(2, '2026-11-23T14:03:00.000Z');
      const results = await storage.audit.appendRunRows([one, { ...one, note: 'again' }, other]);
      expect(results.map((r) => r.recorded)).toEqual([true, false, true]);
      const november = await storage.audit.readMonth('2026-11');
      expect(november.map((r) => r.id).sort()).toEqual([one.id, other.id].sort());
      expect(november.find((r) => r.id === one.id)?.note).not.toBe('again');
    });

    it('a row written by someone else after the key read: the transaction falls back to one by one', async () => {
      const rows = weeklyRows(50, '2026-11-23T14:03:00.000Z');
      let storage: Storage | null = null;
      // Another attempt writes one of the rows between our key read and our insert.
      const race = beforeNextBatch(() => (storage as Storage).audit.appendRunRows([rows[10]]));
      storage = await openTestStorage('auditManyConflict', { policies: [race.policy] });
      storage.resetRequestCount();
      race.arm();
      const results = await storage.audit.appendRunRows(rows);
      expect(race.armed()).toBe(false);
      expect(results.map((r) => r.recorded)).toEqual(rows.map((_, i) => i !== 10));
      // Our key read; the other attempt's read and transaction; our rejected transaction, then 50
      // single inserts (one of them a 409).
      expect(storage.requests()).toEqual({ requests: 54, transactions: 2 });
      const november = await storage.audit.readMonth('2026-11');
      expect(november.map((r) => r.id).sort()).toEqual(rows.map((r) => r.id).sort());
    });

    it('rejects a malformed row before writing anything', async () => {
      const storage = await openTestStorage('auditManyBad');
      storage.resetRequestCount();
      await expect(
        storage.audit.appendRunRows([
          ...weeklyRows(3, '2026-11-23T14:03:00.000Z'),
          action({ at: 'yesterday' }),
        ]),
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
      await expect(storage.audit.appendRunRows(weeklyRows(2, '2026-11-23T14:03:00.000Z'))).rejects.toThrow(
        /injected/,
      );
      expect(await storage.audit.readMonth('2026-11')).toEqual([]);
    });
  });
});
