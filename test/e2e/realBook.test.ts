import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepPageLocal, launchChromium } from '../helpers/chromium';
import { startTeamsHost, type TeamsHost } from '../helpers/teamsHost';
import { type E2eStack, startE2eStack, TEST_OUTPUT } from './e2eStack';

// A real book in `npm start`: UCI Online Retail (a UK wholesaler) as of 2011-09-12 with CURRENCY=GBP
// and LOCALE=en-GB, the rep uk1@example.com. Chromium reads the weekly card in the Playground: the
// counts by kind, pounds, no one-order customer too new to be late, and the next page on a click;
// then another rep's My customers tab, a thousand rows.
// SAVE_DOCS_SCREENSHOTS=1 also refreshes docs/screenshots/real-book-card.png for the README.

// The copy in the fixtures (SOURCE.md there), so the test runs on a clone without ../shared.
const FEED = join(__dirname, '..', 'fixtures', 'online-retail', 'feed');

describe('a real book in the Playground: Online Retail in pounds', () => {
  let e2e: E2eStack;
  let browser: Browser;
  let page: Page;
  const saved = { CURRENCY: process.env.CURRENCY, LOCALE: process.env.LOCALE };

  beforeAll(async () => {
    process.env.CURRENCY = 'GBP';
    process.env.LOCALE = 'en-GB';
    e2e = await startE2eStack({
      weeklyRun: 'browser',
      feedDir: FEED,
      asOf: '2011-09-12',
      rep: { email: 'uk1@example.com', name: 'Uk One' },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 2600 } });
    await keepPageLocal(page, e2e.stack.urls.playground);
  }, 120_000);

  const hosts: TeamsHost[] = [];
  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.close()));
    await browser?.close();
    await e2e?.stack.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  const card = (): Locator => page.locator('.ac-preview-panel > .ac-adaptiveCard').last();

  it('the weekly card counts each kind honestly, in pounds, and shows the first ten', async () => {
    await page.goto(e2e.stack.urls.playground);
    await page.getByText('Personal Chat', { exact: true }).click();
    await expect.poll(() => card().count(), { timeout: 60_000 }).toBeGreaterThan(0);
    const text = (await card().textContent()) ?? '';
    expect(text).toMatch(/Week 37 · \d+ slipping · \d+ not back yet · \d+ lapsed; the first 10 shown/);
    expect(text).toContain('£');
    expect(text).not.toContain('$');
    expect(text).toContain('if they order again');
    // Nobody who ordered once, days ago, leads the list.
    expect(text).not.toMatch(/(Ordered once|orders on one day), [1-9] days? ago/);
    const path = join(TEST_OUTPUT, 'real-book-card.png');
    await card().screenshot({ path });
    if (process.env.SAVE_DOCS_SCREENSHOTS === '1') {
      const docs = join(__dirname, '..', '..', 'docs', 'screenshots');
      await mkdir(docs, { recursive: true });
      await copyFile(path, join(docs, 'real-book-card.png'));
    }
  }, 120_000);

  it('the footer button shows the next page of the list as a new card', async () => {
    await card()
      .getByRole('button', { name: /^Show the next \d+$/ })
      .click();
    await expect
      .poll(async () => (await card().textContent()) ?? '', { timeout: 30_000 })
      .toMatch(/^Your list now · \d+ slipping · \d+ not back yet · \d+ lapsed; page 2 of \d+/);
    // The rep's first week: no name past the card was on a list last week either.
    const page2 = (await card().textContent()) ?? '';
    expect(page2).toContain('New on your list');
    expect(page2).not.toContain('Still on your list');
  }, 60_000);

  it("My customers for a rep with a thousand customers (uk2's 1,005), in Teams' en-GB: loads in seconds and writes counts as the locale does", async () => {
    const user = { userId: 'uk2-object-id', name: 'Uk Two', email: 'uk2@example.com', tenantId: '' };
    const host = await startTeamsHost({
      tabUrl: e2e.stack.urls.tabPersonal,
      token: () => e2e.stack.signTabToken(user),
      context: {
        userObjectId: user.userId,
        userPrincipalName: user.email,
        userDisplayName: user.name,
        locale: 'en-GB',
      },
    });
    hosts.push(host);
    const tabPage = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await keepPageLocal(tabPage, 'http://127.0.0.1');
    const started = Date.now();
    await tabPage.goto(host.url);
    const frame = tabPage.frameLocator('#tab');
    await frame.locator('body[data-ready]').waitFor({ timeout: 30_000 });
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(frame.getByText(/ · 1,005 customers$/).isVisible()).resolves.toBe(true);
    await tabPage.close();
  }, 60_000);
});
