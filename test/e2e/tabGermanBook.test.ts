import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepPageLocal } from '../helpers/chromium';
import { type E2eStack, startExportInChromium } from './e2eStack';

// A German export in "My customers" (the local stack's tab page, signed in as the rep): a rep who
// types without the umlaut or the ß (a phone's keyboard, a Swiss "Gross") still finds the customer,
// as a search box in any German program does; and a German team's tab writes its numbers the German way.

const EXPORT = join(__dirname, '..', 'fixtures', 'exports', 'german-excel');
const JONAS = { email: 'jonas.weber@contoso.example', name: 'Jonas Weber' };

/**
 * Opens "My customers" of the export for a German team (LOCALE=de-DE) in an en-US Teams client,
 * every folded kind shown, as of `asOf` (default: the local stack's day), and hands `use` the page.
 */
async function inGermanTeamsTab(
  exportDir: string,
  asOf: string | undefined,
  use: (page: Page) => Promise<void>,
): Promise<void> {
  const saved = process.env.LOCALE;
  process.env.LOCALE = 'de-DE';
  const [e2e, browser] = await startExportInChromium(exportDir, JONAS, asOf ? { asOf } : {});
  try {
    const page = await browser.newPage({ locale: 'en-US' });
    await keepPageLocal(page, e2e.stack.urls.bot);
    await page.goto(e2e.stack.urls.tabPersonal);
    await page.locator('body[data-ready]').waitFor({ timeout: 30_000 });
    for (const button of await page.getByRole('button', { name: /^Show \d+ / }).all()) await button.click();
    await use(page);
  } finally {
    await browser.close();
    await e2e.stack.stop();
    if (saved === undefined) delete process.env.LOCALE;
    else process.env.LOCALE = saved;
  }
}

describe('My customers: a German book', () => {
  let e2e: E2eStack;
  let browser: Browser;

  beforeAll(async () => {
    [e2e, browser] = await startExportInChromium(EXPORT, JONAS);
  });
  afterAll(async () => {
    await browser?.close();
    await e2e?.stack.stop();
  });

  it('"muller" finds Café Müller and "gross" finds Bäckerei Groß; "Müller" still does', async () => {
    const page = await browser.newPage();
    await keepPageLocal(page, e2e.stack.urls.bot);
    await page.goto(e2e.stack.urls.tabPersonal);
    await page.locator('body[data-ready]').waitFor({ timeout: 30_000 });
    const search = page.getByRole('textbox', { name: 'Search customers' });
    const found = () => page.getByRole('status').textContent();
    for (const [typed, name] of [
      ['muller', 'Café Müller'],
      ['Müller', 'Café Müller'],
      ['gross', 'Bäckerei Groß'],
      ['BACKEREI', 'Bäckerei Groß'],
    ]) {
      await search.fill(typed);
      await expect.poll(found).toBe(`1 customer matches “${typed}”.`);
      await expect(page.getByRole('button', { name, exact: true }).isVisible()).resolves.toBe(true);
    }
    await page.close();
  });
});

describe('My customers of a German team (LOCALE=de-DE), years after the last order', () => {
  it('a customer silent for over a thousand days reads "1.088 days silent", not "1088"', async () => {
    // The export's last orders are in November 2026: three years on, the rows count over 1,000 days.
    // The tab writes numbers as the team's cards do (LOCALE), whatever the Teams client's locale.
    await inGermanTeamsTab(EXPORT, '2029-11-05', async (page) => {
      const silent = ((await page.locator('body').textContent()) ?? '').match(/\S+ days silent/g) ?? [];
      expect(silent.length).toBeGreaterThan(0);
      for (const days of silent) expect(days).toMatch(/^1\.\d{3} days silent$/);
      // A customer's page: the weekly chart's legend states the chance as the facts do ("27 %"), not "27%".
      await page.locator('[data-customer] button').first().click();
      await page.locator('body[data-ready]').waitFor({ timeout: 30_000 });
      const fact = (
        (await page
          .getByText(/^Chance of no order in/)
          .first()
          .locator('..')
          .textContent()) ?? ''
      ).match(/\d+\s%/);
      expect(fact?.[0]).toBeTruthy();
      const weekly = page.locator('.u-over').nth(1);
      await weekly.waitFor();
      const box = await weekly.boundingBox();
      if (!box) throw new Error('no weekly chart');
      await page.mouse.move(box.x + box.width - 4, box.y + box.height / 2);
      const legend = page.locator('.u-legend').nth(1);
      await expect.poll(() => legend.textContent()).toMatch(/Chance of no order in \d+ days:?\s*\d+\s%/);
    });
  });
});

describe('The Won back box of a German team (LOCALE=de-DE)', () => {
  it('starts with the value as the card\'s box writes it, "0,40", not "0.4"', async () => {
    // A customer worth 40 cents a month (a sample account): under one euro, the card's box holds
    // the value to the cent, written with the team's decimal comma, and reads it back as 0.40.
    const dir = await mkdtemp(join(tmpdir(), 'german-won-back-'));
    await cp(EXPORT, dir, { recursive: true });
    const customers = join(dir, 'customers.csv');
    await writeFile(
      customers,
      Buffer.concat([
        await readFile(customers),
        Buffer.from('K-3;Kiosk am Eck;jonas.weber@contoso.example;0,40\r\n', 'latin1'),
      ]),
    );
    const orders = join(dir, 'orders.csv');
    await writeFile(
      orders,
      Buffer.concat([await readFile(orders), Buffer.from('R-7005;K-3;02.11.2026;12,00\r\n', 'latin1')]),
    );
    try {
      await inGermanTeamsTab(dir, undefined, async (page) => {
        await page.locator('[data-customer="K-3"] button').first().click();
        await page.locator('body[data-ready]').waitFor({ timeout: 30_000 });
        const box = page.getByRole('textbox', { name: 'Value won back / month' });
        await expect.poll(() => box.inputValue()).toBe('0,40');
        // Saved as it came, it is the 40 cents the row states.
        await page.getByRole('button', { name: 'Won back', exact: true }).click();
        await expect.poll(() => page.getByText(/0,40\s\$/).count()).toBeGreaterThan(0);
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
