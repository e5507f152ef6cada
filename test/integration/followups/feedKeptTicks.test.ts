import { randomBytes } from 'node:crypto';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../../functions/config';
import { type Wiring, wire } from '../../../functions/wiring';
import { runFollowUps } from '../../../jobs/followups/followUpsRun';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import {
  blobEndpointOf,
  type CountingProxy,
  startCountingProxy,
  withBlobEndpoint,
} from '../../helpers/countingProxy';
import { sentRows } from '../../helpers/tabRows';
import { weeklyOrders } from '../weekly/weeklyWorld';

// The follow-ups timer ticks every 15 minutes. On a day the feed stopped the run (no order for
// weeks: the export stopped), every tick after the send time tries again, all day: each one used to
// download the whole feed to find it unchanged. The app's own wiring, its feed in a blob container on
// Azurite behind a proxy that counts what is downloaded.

const ANA = 'ana@example.com';
/** Tuesday 1 December 2026, 09:03 in Chicago: the default send time. */
const DEC_1 = Date.parse('2026-12-01T15:03:00Z');
const TICK = 15 * 60_000;
const IDS = Array.from({ length: 12 }, (_, i) => `c${i}`);

const customersCsv = [
  'customer_id,name,owner,monthly_value',
  ...IDS.map((id) => `${id},Shop ${id},${ANA},500`),
].join('\n');
/** Weekly orders of every shop up to `to`. */
const ordersCsv = (to: string) =>
  [
    'order_id,customer_id,ordered_at,amount',
    ...IDS.flatMap((id) => weeklyOrders(id, '2026-01-05', to)).map(
      (o, i) => `O${i},${o.customerId},${o.date},${o.amount}`,
    ),
  ].join('\n');

describe('follow-up ticks on an unchanged feed', () => {
  const connectionString = inject('azuriteConnectionString');
  let proxy: CountingProxy;
  let container: ContainerClient;
  let wiring: Wiring;
  let now: number;

  beforeEach(async () => {
    proxy = await startCountingProxy(blobEndpointOf(connectionString));
    const name = `kept${randomBytes(4).toString('hex')}`;
    container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(name);
    await container.create();
    await container.getBlockBlobClient('customers.csv').upload(customersCsv, customersCsv.length);
    // The export stopped on 26 October.
    const stale = ordersCsv('2026-10-26');
    await container.getBlockBlobClient('orders.csv').upload(stale, stale.length);
    now = DEC_1;
    wiring = await wire(
      loadConfig({
        STORAGE_CONNECTION_STRING: withBlobEndpoint(connectionString, proxy.url),
        TABLE_PREFIX: `fkept${randomBytes(3).toString('hex')}`,
        TIME_ZONE: 'America/Chicago',
        FEED_CONTAINER: name,
      }),
      { clock: () => new Date(now) },
    );
  });
  afterEach(async () => {
    await proxy.stop();
    await container.deleteIfExists();
  });

  /** The follow-ups tick at `at`, through the app's wiring as the timer runs it, and the feed blobs it downloaded. */
  const tick = async (at: number) => {
    now = at;
    const before = proxy.requests.length;
    const report = await runFollowUps(await wiring.followUps(quiet), { now: new Date(at) });
    return { report, downloaded: downloads(proxy.requests.slice(before)) };
  };
  const downloads = (requests: CountingProxy['requests']) =>
    requests.filter((r) => r.method === 'GET' && /\/(customers|orders)\.csv$/.test(r.url)).map((r) => r.url);

  it('a tick on an unchanged feed downloads none of it; a new export is read at the next tick', async () => {
    const first = await tick(DEC_1);
    expect(first.report).toMatchObject({ status: 'stopped', feedError: { code: 'stale_feed' } });
    expect(first.downloaded).toHaveLength(2);

    // The rest of the morning: the export has not run, nothing is downloaded (only a listing asked).
    for (const k of [1, 2, 3]) {
      const later = await tick(DEC_1 + k * TICK);
      expect(later.report).toMatchObject({ status: 'stopped', feedError: { code: 'stale_feed' } });
      expect(later.downloaded).toEqual([]);
    }

    // The export runs again: the next tick reads it and the run goes ahead.
    const fresh = ordersCsv('2026-11-30');
    await container.getBlockBlobClient('orders.csv').upload(fresh, fresh.length);
    const fixed = await tick(DEC_1 + 4 * TICK);
    expect(fixed.report).toMatchObject({ status: 'completed' });
    expect(fixed.downloaded).toHaveLength(2);

    // The tabs read the same feed as of the same day: the tick's read serves them too.
    const before = proxy.requests.length;
    const ana = { userId: 'aad-ana', name: 'Ana', email: ANA, tenantId: '' };
    sentRows(await wiring.tabs.service.customers(ana));
    expect(downloads(proxy.requests.slice(before))).toEqual([]);
  });

  it('a tick scores the export there when it runs, not the one a tab read a minute before', async () => {
    const ana = { userId: 'aad-ana', name: 'Ana', email: ANA, tenantId: '' };
    now = DEC_1 - 60_000;
    sentRows(await wiring.tabs.service.customers(ana));
    // The export lands between the tab's read and the tick.
    const fresh = ordersCsv('2026-11-30');
    await container.getBlockBlobClient('orders.csv').upload(fresh, fresh.length);
    const first = await tick(DEC_1);
    expect(first.report).toMatchObject({ status: 'completed' });
    expect(first.downloaded).toHaveLength(2);
  });

  it('a weekly run the feed stopped, tried again at each tick, downloads the feed only once it changed', async () => {
    /** Monday 30 November 2026, 08:03 in Chicago: the weekly send time. */
    const monday = Date.parse('2026-11-30T14:03:00Z');
    const weekly = async (at: number) => {
      now = at;
      const before = proxy.requests.length;
      const report = await runWeekly(await wiring.weekly(quiet), { now: new Date(at) });
      return { report, downloaded: downloads(proxy.requests.slice(before)) };
    };
    const first = await weekly(monday);
    expect(first.report).toMatchObject({ status: 'stopped', feedError: { code: 'stale_feed' } });
    expect(first.downloaded).toHaveLength(2);
    const again = await weekly(monday + TICK);
    expect(again.report).toMatchObject({ status: 'stopped', feedError: { code: 'stale_feed' } });
    expect(again.downloaded).toEqual([]);
    const fresh = ordersCsv('2026-11-30');
    await container.getBlockBlobClient('orders.csv').upload(fresh, fresh.length);
    const fixed = await weekly(monday + 2 * TICK);
    expect(fixed.report).toMatchObject({ status: 'completed' });
    expect(fixed.downloaded).toHaveLength(2);
  });

  it('a feed that cannot be read is not downloaded again until it changes', async () => {
    const broken = ordersCsv('2026-11-30').replace('amount', 'total');
    await container.getBlockBlobClient('orders.csv').upload(broken, broken.length);
    const first = await tick(DEC_1);
    expect(first.report).toMatchObject({ status: 'stopped', feedError: { code: 'missing_column' } });
    expect(first.downloaded).toHaveLength(2);
    const later = await tick(DEC_1 + TICK);
    expect(later.report).toMatchObject({ status: 'stopped', feedError: { code: 'missing_column' } });
    expect(later.downloaded).toEqual([]);
    const fixed = ordersCsv('2026-11-30');
    await container.getBlockBlobClient('orders.csv').upload(fixed, fixed.length);
    expect((await tick(DEC_1 + 2 * TICK)).report).toMatchObject({ status: 'completed' });
  });
});

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
