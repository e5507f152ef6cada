import { TableClient } from '@azure/data-tables';
import { describe, expect, inject, it } from 'vitest';
import { isoOfDay } from '../../../rules/book';
import type { ListedWeek } from '../../../rules/listedWeeks';
import type { PolicyConfig, Storage } from '../../../storage';
import { idKey } from '../../../storage/keys';
import { beforeNextBatch } from '../../helpers/beforeNextBatch';
import { openTestStorage } from './support';

/** Week `k` after Monday 5 January 2026 on Ana's list. */
function week(k: number): ListedWeek {
  const day = isoOfDay(Date.UTC(2026, 0, 5) / 86_400_000 + 7 * k);
  return {
    // Unique per week, which is all the store reads of it.
    run: `weekly-2026-W${String(k).padStart(2, '0')}`,
    day,
    owner: 'ana@example.com',
    kind: 'slipping',
    chance: 40,
    rank: 1,
    page: 1,
    heldOut: false,
  };
}

describe("customers' weeks on the lists on Azurite", () => {
  it('keeps a year of weeks per customer: the oldest drop off, none is rewritten', async () => {
    const storage = await openTestStorage('listings');
    const id = 'A/B#1 café';
    for (let k = 0; k < 60; k += 10) {
      const batch = Array.from({ length: 10 }, (_, j) => ({ customerId: id, week: week(k + j) }));
      await expect(storage.listings.append(batch)).resolves.toEqual({ recorded: 10, alreadyThere: 0 });
    }
    const kept = await storage.listings.read(id);
    expect(kept).toHaveLength(52);
    expect(kept[0].day).toBe(week(8).day);
    expect(kept[51].day).toBe(week(59).day);
    // The same week again with another chance (a rerun): kept as first recorded.
    await expect(
      storage.listings.append([{ customerId: id, week: { ...week(59), chance: 90 } }]),
    ).resolves.toEqual({
      recorded: 0,
      alreadyThere: 1,
    });
    expect((await storage.listings.read(id))[51].chance).toBe(40);
    await expect(storage.listings.read('never listed')).resolves.toEqual([]);
  });

  it("keeps another writer's week written between the read and the transaction, and adds its own", async () => {
    let storage: Storage | undefined;
    // Another writer adds week 1 to the row after our read of the partition.
    const race = beforeNextBatch(() =>
      (storage as Storage).listings.append([{ customerId: 'C-1', week: week(1) }]),
    );
    storage = await openTestStorage('listingsRace', { policies: [race.policy] });
    await storage.listings.append([{ customerId: 'C-1', week: week(0) }]);
    // Our transaction updates C-1 with the ETag read before week 1 was added (412) and creates C-2.
    race.arm();
    const result = await storage.listings.append([
      { customerId: 'C-1', week: week(2) },
      { customerId: 'C-2', week: week(2) },
    ]);
    expect(race.armed()).toBe(false);
    expect(result).toEqual({ recorded: 2, alreadyThere: 0 });
    expect((await storage.listings.read('C-1')).map((w) => w.day)).toEqual([0, 1, 2].map((k) => week(k).day));
    expect((await storage.listings.read('C-2')).map((w) => w.day)).toEqual([week(2).day]);
  });

  it('keeps a row Table Storage takes when a long rep address would make a year of weeks too long', async () => {
    const storage = await openTestStorage('listingsLong');
    // A rep address of 1,000 characters: 52 weeks of it are past the 32K characters of one property.
    const owner = `${'a'.repeat(988)}@example.com`;
    const weeks = Array.from({ length: 52 }, (_, k) => ({ customerId: 'C-1', week: { ...week(k), owner } }));
    weeks.push({ customerId: 'C-2', week: week(51) });
    await storage.listings.append(weeks);
    const kept = await storage.listings.read('C-1');
    // The newest weeks, as many as fit; the customer listed beside them is recorded too.
    expect(kept.length).toBeGreaterThan(20);
    expect(kept.at(-1)?.day).toBe(week(51).day);
    expect(JSON.stringify(kept).length).toBeLessThanOrEqual(32 * 1024);
    expect(await storage.listings.read('C-2')).toHaveLength(1);
  });

  it('reads only the rows of the customers it lists, however many the partition holds', async () => {
    const sent: string[] = [];
    const recording: PolicyConfig = {
      position: 'perCall',
      policy: {
        name: 'recording',
        sendRequest: async (request, next) => {
          const url = new URL(request.url);
          sent.push(`${request.method} ${decodeURIComponent(url.pathname + url.search)}`);
          return next(request);
        },
      },
    };
    const storage = await openTestStorage('listingsFew', { policies: [recording] });
    const everyone = Array.from({ length: 1_500 }, (_, i) => ({ customerId: `C-${i}`, week: week(0) }));
    await storage.listings.append(everyone, { concurrency: 4 });
    sent.length = 0;
    const result = await storage.listings.append([
      { customerId: 'C-7', week: week(1) },
      { customerId: 'C-new', week: week(1) },
    ]);
    expect(result).toEqual({ recorded: 2, alreadyThere: 0 });
    // One point read per listed customer and one transaction: no query over the partition.
    const reads = sent.filter((r) => r.startsWith('GET'));
    expect(reads.sort()).toEqual([
      expect.stringMatching(/\(PartitionKey='weeks',RowKey='C-7'\)$/),
      expect.stringMatching(/\(PartitionKey='weeks',RowKey='C-new'\)$/),
    ]);
    expect(sent.filter((r) => r.endsWith('/$batch'))).toHaveLength(1);
    expect((await storage.listings.read('C-7')).map((w) => w.day)).toEqual([week(0).day, week(1).day]);
  });

  it('refuses a week that is not one, before writing anything', async () => {
    const storage = await openTestStorage('listingsBad');
    await expect(
      storage.listings.append([{ customerId: 'C-1', week: { ...week(0), day: '23/11/2026' } }]),
    ).rejects.toThrow('The week listed for C-1 is not valid: day: ');
    await expect(storage.listings.read('C-1')).resolves.toEqual([]);
  });
});

describe("a customer's Listings row that cannot be read (edited by hand, half restored, a later version's)", () => {
  /** The Listings table's own client, beside the store: to write and read rows as no release of the app writes them. */
  const tableOf = (storage: Storage) =>
    TableClient.fromConnectionString(inject('azuriteConnectionString'), storage.tables.listings, {
      allowInsecureConnection: true,
    });

  async function badRow(storage: Storage, customerId: string, weeks: string): Promise<void> {
    await tableOf(storage).upsertEntity(
      { partitionKey: 'weeks', rowKey: idKey(customerId), customerId, weeks },
      'Replace',
    );
  }

  it('is replaced by a row starting from this week, the unreadable text kept beside it and reported', async () => {
    const storage = await openTestStorage('listingsUnreadable');
    await storage.listings.append([{ customerId: 'C-ok', week: week(0) }]);
    await badRow(storage, 'C-json', '[{"run":');
    await badRow(storage, 'C-schema', JSON.stringify([{ run: 'weekly-2026-W01', chance: 'high' }]));
    const reported: { customerId: string; error: string; text: string }[] = [];
    const result = await storage.listings.append(
      ['C-ok', 'C-json', 'C-schema', 'C-new'].map((customerId) => ({ customerId, week: week(1) })),
      { onUnreadable: (row) => reported.push(row) },
    );
    expect(result).toEqual({ recorded: 4, alreadyThere: 0 });
    expect(reported.map((r) => [r.customerId, r.text])).toEqual([
      ['C-json', '[{"run":'],
      ['C-schema', JSON.stringify([{ run: 'weekly-2026-W01', chance: 'high' }])],
    ]);
    expect(reported[0].error).toBe('listed weeks are not JSON');
    expect(reported[1].error).toContain('listed weeks are not the schema');
    for (const id of ['C-json', 'C-schema', 'C-new'])
      expect((await storage.listings.read(id)).map((w) => w.day)).toEqual([week(1).day]);
    expect((await storage.listings.read('C-ok')).map((w) => w.day)).toEqual([week(0).day, week(1).day]);
    // The text that could not be read stays in the row, through the weeks written after it.
    await storage.listings.append([{ customerId: 'C-json', week: week(2) }]);
    const client = tableOf(storage);
    const row = await client.getEntity<{ weeks: string; unreadableWeeks: string }>('weeks', idKey('C-json'));
    expect(row.unreadableWeeks).toBe('[{"run":');
    expect((JSON.parse(row.weeks) as ListedWeek[]).map((w) => w.day)).toEqual([week(1).day, week(2).day]);
    // Read again: nothing more to replace, nothing reported.
    reported.length = 0;
    await expect(
      storage.listings.append([{ customerId: 'C-json', week: week(2) }], {
        onUnreadable: (r) => reported.push(r),
      }),
    ).resolves.toEqual({ recorded: 0, alreadyThere: 1 });
    expect(reported).toEqual([]);
  });

  it('found unreadable again, keeps the text kept the first time and adds the new one after it', async () => {
    const storage = await openTestStorage('listingsUnreadableAgain');
    await badRow(storage, 'C-1', 'first damage');
    await storage.listings.append([{ customerId: 'C-1', week: week(1) }]);
    // An admin's repair by hand in Storage Explorer goes wrong: the weeks are damaged again, the kept text left as it was.
    await tableOf(storage).updateEntity(
      { partitionKey: 'weeks', rowKey: idKey('C-1'), weeks: '[{"run": second damage' },
      'Merge',
    );
    const reported: { text: string; whole: boolean }[] = [];
    await storage.listings.append([{ customerId: 'C-1', week: week(2) }], {
      onUnreadable: ({ text, whole }) => reported.push({ text, whole }),
    });
    expect(reported).toEqual([{ text: '[{"run": second damage', whole: true }]);
    const row = await tableOf(storage).getEntity<{ unreadableWeeks: string }>('weeks', idKey('C-1'));
    expect(row.unreadableWeeks).toBe('first damage\n--- then, unreadable again ---\n[{"run": second damage');
    expect((await storage.listings.read('C-1')).map((w) => w.day)).toEqual([week(2).day]);
  });

  it('keeps no more of the text than one column holds: a long binary value in the weeks column does not stop the week', async () => {
    const storage = await openTestStorage('listingsUnreadableBinary');
    // Storage Explorer lets an admin set a column's type: 40 KB of bytes, as no release of the app writes them.
    await tableOf(storage).upsertEntity(
      {
        partitionKey: 'weeks',
        rowKey: idKey('C-bin'),
        customerId: 'C-bin',
        weeks: { value: Buffer.alloc(40_000, 7).toString('base64'), type: 'Binary' },
      },
      'Replace',
    );
    const reported: boolean[] = [];
    await expect(
      storage.listings.append(
        ['C-ok', 'C-bin'].map((customerId) => ({ customerId, week: week(1) })),
        { onUnreadable: ({ whole }) => reported.push(whole) },
      ),
    ).resolves.toEqual({ recorded: 2, alreadyThere: 0 });
    expect(reported).toEqual([false]);
    const row = await tableOf(storage).getEntity<{ unreadableWeeks: string }>('weeks', idKey('C-bin'));
    // 32K characters: what one string property of Table Storage holds (64 KiB of UTF-16).
    expect(row.unreadableWeeks.length).toBe(32 * 1024);
    expect(row.unreadableWeeks.endsWith('…')).toBe(true);
    expect((await storage.listings.read('C-bin')).map((w) => w.day)).toEqual([week(1).day]);
  });

  it('is replaced when redone one by one after another writer changed a row of the transaction', async () => {
    let storage: Storage | undefined;
    // Another writer adds week 1 to C-1 after our reads: the transaction fails (412) and each row is redone.
    const race = beforeNextBatch(() =>
      (storage as Storage).listings.append([{ customerId: 'C-1', week: week(1) }]),
    );
    storage = await openTestStorage('listingsUnreadableRace', { policies: [race.policy] });
    await storage.listings.append([{ customerId: 'C-1', week: week(0) }]);
    await badRow(storage, 'C-bad', 'not json');
    race.arm();
    const reported: string[] = [];
    const result = await storage.listings.append(
      [
        { customerId: 'C-1', week: week(2) },
        { customerId: 'C-bad', week: week(2) },
      ],
      { onUnreadable: (r) => reported.push(r.customerId) },
    );
    expect(race.armed()).toBe(false);
    expect(result).toEqual({ recorded: 2, alreadyThere: 0 });
    expect(reported).toEqual(['C-bad']);
    expect((await storage.listings.read('C-bad')).map((w) => w.day)).toEqual([week(2).day]);
    expect((await storage.listings.read('C-1')).map((w) => w.day)).toEqual([0, 1, 2].map((k) => week(k).day));
  });
});
