import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../tools/cli/main';
import { capture } from '../helpers/capture';
import { keepPageLocal } from '../helpers/chromium';
import { type E2eStack, startExportInChromium } from './e2eStack';

// A UK wholesaler's Xero export (CURRENCY=GBP) with a French customer invoiced only in euros: every
// line of Lyon Traiteur's invoices is skipped. Their rep's tab said "No orders yet", as of a
// prospect, while the feed report told the admins why; the tab and `score` now say the same thing.

const EXPORT = join(__dirname, '..', 'fixtures', 'exports', 'xero-currencies');
const LYON = 'Lyon Traiteur SARL';
const SAID =
  "No order read from the feed: their 3 order lines were skipped (currency: not GBP, the book's currency (CURRENCY))";

describe('My customers: a customer whose every order line the feed skipped', () => {
  let e2e: E2eStack;
  let browser: Browser;
  const saved = process.env.CURRENCY;

  beforeAll(async () => {
    process.env.CURRENCY = 'GBP';
    [e2e, browser] = await startExportInChromium(
      EXPORT,
      { email: 'sam.patel@contoso.example', name: 'Sam Patel' },
      { asOf: '2026-11-30' },
    );
  });
  afterAll(async () => {
    await browser?.close();
    await e2e?.stack.stop();
    if (saved === undefined) delete process.env.CURRENCY;
    else process.env.CURRENCY = saved;
  });

  it('is listed as orders not read, with why, not as "No orders yet"; `score` gives the same words', async () => {
    const page = await browser.newPage();
    await keepPageLocal(page, e2e.stack.urls.bot);
    await page.goto(e2e.stack.urls.tabPersonal);
    await page.locator('body[data-ready]').waitFor({ timeout: 30_000 });
    const group = page.locator('section[data-kind="orders_not_read"]');
    await expect(group.getAttribute('aria-label')).resolves.toBe('Orders not read from the feed');
    await expect(group.locator(`[data-customer="${LYON}"]`).textContent()).resolves.toContain(SAID);
    await expect(page.locator('section[data-kind="no_orders"]').count()).resolves.toBe(0);
    // Their page says it too.
    await group.locator(`[data-customer="${LYON}"] button`).first().click();
    await page.locator('body[data-ready]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByText(SAID).count()).toBeGreaterThan(0);
    await page.close();

    const score = async (...format: string[]) => {
      const out = capture();
      const argv = [
        'score',
        '--feed',
        EXPORT,
        '--rules',
        join(EXPORT, 'rules.json'),
        '--as-of',
        '2026-11-30',
      ];
      const code = await main([...argv, ...format], out.stream, capture().stream);
      expect(code).toBe(0);
      return out.text();
    };
    const lyon = (JSON.parse(await score('--format', 'json')) as { name: string; reasons: string[] }[]).find(
      (c) => c.name === LYON,
    );
    expect(lyon?.reasons).toEqual([SAID]);
    const table = await score();
    expect(table).toContain('1 with every order line skipped (the feed report above says why)');
    expect(table).not.toContain('with no order yet');
  });

  it("is counted on the Team tab, where the team's figures would otherwise leave them out", async () => {
    const { page, box } = await skippedOrdersBox(browser, e2e);
    await expect(box.textContent()).resolves.toContain(
      "1 customer whose every order line the feed skipped: on no list until the export is fixed. Each customer's page says why.",
    );
    await expect(box.textContent()).resolves.toContain('Sam Patel · 1 customer');
    await page.close();
  });
});

// A record shop's Shopify exports: Sarah Rodriguez's only order was refunded, so Shopify writes it
// `refunded` and it is left out. Her export is right as it stands: the Team tab told her rep's
// manager she was on no list "until the export is fixed", a fault to look for that is not there.
describe('Team tab: a customer whose every order was refunded is not a fault in the export', () => {
  let e2e: E2eStack;
  let browser: Browser;

  beforeAll(async () => {
    [e2e, browser] = await startExportInChromium(
      join(__dirname, '..', 'fixtures', 'exports', 'shopify-store'),
      { email: 'marco.diaz@groovebox.example', name: 'Marco Diaz' },
      { asOf: '1997-09-30' },
    );
  });
  afterAll(async () => {
    await browser?.close();
    await e2e?.stack.stop();
  });

  it('says her order was refunded and there is nothing to fix', async () => {
    const { page, box } = await skippedOrdersBox(browser, e2e);
    await expect(box.textContent()).resolves.toContain(
      "1 customer whose every order was cancelled, refunded or never placed (left out by its status): on no list, with nothing to fix. Each customer's page says why.",
    );
    await expect(box.textContent()).resolves.not.toContain('until the export is fixed');
    await expect(box.textContent()).resolves.toContain('Marco Diaz · 1 customer');
    await page.close();
  });
});

/** The Team tab opened in Chromium, and its box of customers whose orders the feed left out. */
async function skippedOrdersBox(browser: Browser, e2e: E2eStack) {
  const page = await browser.newPage();
  await keepPageLocal(page, e2e.stack.urls.bot);
  await page.goto(e2e.stack.urls.tabTeam);
  await page.locator('body[data-ready]').waitFor({ timeout: 30_000 });
  return { page, box: page.getByRole('region', { name: 'Orders not read from the feed' }) };
}
