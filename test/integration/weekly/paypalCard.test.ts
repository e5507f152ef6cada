import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  firstCardTexts,
  installReps,
  openWeeklyWorld,
  runOnFeedFolder,
  type WeeklyWorld,
} from './weeklyWorld';

// The corpus's PayPal Activity download (test/fixtures/exports/paypal), read by the weekly run from
// its folder as the app reads a feed: Mill Bakery paid every week until 15 August, and the order it
// paid on 14 October was refunded two days later, a refund row whose buyer is in To Email Address.
const paypal = join(__dirname, '../../fixtures/exports/paypal');
const [ANA, BEN] = ['ana.ruiz@contoso.example', 'ben.okafor@contoso.example'];

describe('the weekly run on a PayPal activity download', () => {
  let world: WeeklyWorld;
  beforeAll(async () => {
    world = await openWeeklyWorld('paypal');
    await installReps(world, [ANA, BEN]);
  });
  afterAll(async () => {
    await world?.stop();
  });

  it("puts Mill Bakery, whose last order was refunded, on Ana's card as lapsed since August", async () => {
    const report = await runOnFeedFolder(world, paypal, join(paypal, 'rules.json'), {
      settings: { currency: { code: 'GBP', configured: true } },
      config: { currency: 'GBP', locale: 'en-GB' },
    });
    expect(report.counts).toMatchObject({ delivered: 1, nothing_to_send: 1, failed: 0 });
    const text = await firstCardTexts(world, ANA);
    const row = text.slice(text.indexOf('Mill Bakery'));
    expect(row[1]).toMatch(/^£[\d,]+\/month$/);
    expect(row).toContain('• No order in 100 days, usually every 7');
    // The money that is no customer's, the euro payment and the payment after Monday: each in
    // the run's log with its line.
    expect(report.feed.rowsSkipped).toBe(6);
    const warning = world.log.lines.find((l) => l.level === 'warn' && l.message.startsWith('feed: '));
    for (const line of [48, 50, 52, 53, 54, 65])
      expect(warning?.message).toContain(`orders.csv line ${line}: `);
  });
});
