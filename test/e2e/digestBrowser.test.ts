import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepPageLocal, launchChromium } from '../helpers/chromium';
import { type E2eStack, startE2eStack, TEST_OUTPUT } from './e2eStack';
import { feedAsOf } from './feedAsOf';

// The daily digest as a rep meets it in Chromium: Ana reaches out to two customers on Monday's
// weekly card; a week later (the stack's clock moved, Greenfield's Saturday order in the feed) the
// morning's digest arrives in the chat with both, and she records Greenfield's save from it with
// the prefilled value. SAVE_DOCS_SCREENSHOTS=1 refreshes docs/screenshots/digest-card.png.

const DOCS_SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');

describe('the Playground in Chromium: the follow-up digest', () => {
  let e2e: E2eStack;
  let browser: Browser;
  let page: Page;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'digest-browser-'));
    e2e = await startE2eStack({ weeklyRun: 'browser' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    await keepPageLocal(page, e2e.stack.urls.playground);
  });

  afterAll(async () => {
    await browser?.close();
    await e2e?.stack.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const card = (): Locator => page.locator('.ac-preview-panel > .ac-adaptiveCard').last();
  const row = (name: string): Locator =>
    card()
      .locator(
        `xpath=.//p[normalize-space(.)="${name}"]/ancestor::div[contains(@class,"ac-container")][.//div[contains(@class,"ac-actionSet")]][1]`,
      )
      .first();

  it('Monday: Ana reaches out to Greenfield Cafe and Chestnut Grill on the weekly card', async () => {
    await page.goto(e2e.stack.urls.playground);
    await page.getByText('Personal Chat', { exact: true }).click();
    // The page's install starts the weekly run; the card is drawn once the run has sent it.
    await expect(e2e.stack.automaticWeekly).resolves.toMatchObject({ status: 'completed' });
    await expect.poll(() => row('Greenfield Cafe').count()).toBe(1);
    for (const name of ['Greenfield Cafe', 'Chestnut Grill']) {
      await row(name).getByRole('button', { name: 'Reached out' }).click();
      await expect
        .poll(() => row(name).textContent(), { timeout: 10_000 })
        .toContain('Reached out by Ana Ruiz, Mon 23 Nov');
    }
  });

  it('a week on, the digest lists both; Won back (prefilled) records Greenfield’s save in place', async () => {
    const feedDir = await feedAsOf(work, '2026-11-30', [
      { customerId: 'C-1001', date: '2026-11-28', amount: 450 },
    ]);
    await e2e.stack.setDay('2026-11-30', { feedDir });
    const report = await e2e.stack.runFollowUpsNow();
    expect(report).toMatchObject({ status: 'completed', followUps: { ordered: 1, no_order: 1 } });
    await expect
      .poll(() => card().textContent(), { timeout: 10_000 })
      .toContain('Follow-ups for Mon 30 Nov · 2 customers');
    expect(await row('Greenfield Cafe').textContent()).toContain(
      'Ordered $450 on Sat 28 Nov, 5 days after you reached out: record the save?',
    );
    expect(await row('Chestnut Grill').textContent()).toContain(
      'Reached out 7 days ago (Mon 23 Nov), no order since.',
    );
    await card().screenshot({ path: join(TEST_OUTPUT, 'digest-card-before.png') });
    await row('Greenfield Cafe').getByRole('button', { name: 'Won back' }).click();
    await row('Greenfield Cafe').getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => row('Greenfield Cafe').textContent(), { timeout: 10_000 })
      .toContain('Won back $2,400/month by Ana Ruiz, Mon 30 Nov');
    const read = await e2e.storage.state.get('C-1001');
    expect(read?.state).toMatchObject({ wonBackAt: '2026-11-30', recoveredValue: 2400 });
    const path = join(TEST_OUTPUT, 'digest-card-after.png');
    await card().screenshot({ path });
    if (process.env.SAVE_DOCS_SCREENSHOTS === '1') {
      await mkdir(DOCS_SCREENSHOTS, { recursive: true });
      await copyFile(path, join(DOCS_SCREENSHOTS, 'digest-card.png'));
    }
  });
});
