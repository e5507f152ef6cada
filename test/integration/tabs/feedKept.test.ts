import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { loadConfig } from '../../../functions/config';
import { wire } from '../../../functions/wiring';
import { sentRows } from '../../helpers/tabRows';
import { customer } from '../taps/actionHarness';

const DEMO = join(__dirname, '../../../demo/feed');
const ANA = 'ana.ruiz@contoso.example';

describe('the tabs keep the scored book until the feed changes', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('an unchanged export is not read again minutes later; a new one is seen within minutes', async () => {
    // Only Date is faked: Azurite and the feed reader run on real timers.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-13T10:00:00Z'));
    const dir = await mkdtemp(join(tmpdir(), 'feed-kept-'));
    await cp(DEMO, dir, { recursive: true });
    const orders = join(dir, 'orders.csv');
    const written = new Date('2026-11-13T06:00:00Z');
    await utimes(orders, written, written);
    const wiring = await wire(
      loadConfig({
        STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
        TABLE_PREFIX: `tkept${randomBytes(3).toString('hex')}`,
        TIME_ZONE: 'Europe/London',
        FEED_DIR: dir,
      }),
    );
    await wiring.storage.state.writeChanged(new Map(), [customer('C-1010', { owner: ANA })]);
    const ana = { userId: 'aad-ana', name: 'Ana', email: ANA, tenantId: '' };
    const brickLane = async () =>
      sentRows(await wiring.tabs.service.customers(ana)).find((c) => c.customerId === 'C-1010')
        ?.daysSinceLastOrder;
    expect(await brickLane()).toBe(1);

    // The export's bytes change behind the same size and time (Brick Lane's order of the 12th moved
    // to the 13th): what the tabs see is the book they read, so they have not read it again.
    const text = await readFile(orders, 'utf8');
    await writeFile(orders, text.replace('SO-111247,C-1010,2026-11-12', 'SO-111247,C-1010,2026-11-13'));
    await utimes(orders, written, written);
    vi.setSystemTime(new Date('2026-11-13T10:06:00Z'));
    expect(await brickLane()).toBe(1);

    // A new export (a new time on the file): seen at the next check, a couple of minutes later at most.
    const rewritten = new Date('2026-11-13T10:07:00Z');
    await utimes(orders, rewritten, rewritten);
    vi.setSystemTime(new Date('2026-11-13T10:09:00Z'));
    expect(await brickLane()).toBe(0);
  });
});
