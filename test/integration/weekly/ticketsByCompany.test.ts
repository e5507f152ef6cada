import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  firstCardTexts,
  installReps,
  openWeeklyWorld,
  runOnFeedFolder,
  type WeeklyWorld,
} from './weeklyWorld';

// The corpus's Zendesk export by organisation (test/fixtures/exports/zendesk-organizations): no
// customer id on a ticket, only the company's name ("Harbor Bakery Ltd" for the accounting
// package's "Harbor Bakery"), read by the weekly run from a folder as the app reads a feed. Its
// customers and tickets as exported, beside a year of weekly orders in which Harbor Bakery stops
// ordering in October, so that it is on Ana's card of Monday 23 November.
const corpus = join(__dirname, '../../fixtures/exports/zendesk-organizations');
const folder = mkdtempSync(join(tmpdir(), 'bycompany-'));
for (const f of ['customers.csv', 'tickets.csv']) copyFileSync(join(corpus, f), join(folder, f));
const weeks = Array.from({ length: 46 }, (_, w) =>
  new Date(Date.UTC(2026, 0, 5 + 7 * w)).toISOString().slice(0, 10),
);
writeFileSync(
  join(folder, 'orders.csv'),
  [
    'Invoice No,Account,Date,Total',
    ...['HB-01', 'LC-02', 'MG-03', 'QR-04'].flatMap((account) =>
      weeks
        .filter((day) => account !== 'HB-01' || day <= '2026-10-05')
        .map((day) => `${account}-${day},${account},${day},400.00`),
    ),
  ].join('\n'),
);
const [ANA, BEN] = ['ana.ruiz@contoso.example', 'ben.okafor@contoso.example'];

describe('the weekly run on a help desk export keyed by company name', () => {
  let world: WeeklyWorld;
  beforeAll(async () => {
    world = await openWeeklyWorld('bycompany');
    await installReps(world, [ANA, BEN]);
  });
  afterAll(async () => {
    await world?.stop();
  });

  it("puts the sour ticket of Harbor Bakery's desk name on its row of the rep's card", async () => {
    const report = await runOnFeedFolder(world, folder, join(corpus, 'rules.json'));
    expect(report.counts).toMatchObject({ delivered: 1, nothing_to_send: 1, failed: 0 });
    const text = await firstCardTexts(world, ANA);
    const row = text.slice(text.indexOf('Harbor Bakery'));
    // Its bad ticket of 10 November, filed under "Harbor Bakery Ltd"; the one of 2 September is older.
    expect(row).toContain('• 1 sour ticket in the last 30 days');
    // The ticket with no organisation is the one row skipped, said with its line in the run's log.
    expect(report.feed.rowsSkipped).toBe(1);
    const warning = world.log.lines.find((l) => l.level === 'warn' && l.message.startsWith('feed: '));
    expect(warning?.message).toContain('tickets.csv line 9: customer_name: missing');
  });
});
