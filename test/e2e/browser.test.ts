import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerState } from '../../rules/customerState';
import { cardRow, latestCard } from '../helpers/chromium';
import { type E2eStack, startPlaygroundInChromium, TEST_OUTPUT } from './e2eStack';

// `npm start`'s stack as a person meets it: Chromium opens the Agents Playground, the weekly card
// arrives as the page opens (the stack's default), and the rep clicks Reached out on one customer
// and Lost (picking a reason) on another, then Won back with an edited value on a third. The test reads the card's new text on the page and the
// stored rows, and keeps screenshots of the card before and after under test-output/e2e/.
// SAVE_DOCS_SCREENSHOTS=1 also refreshes docs/screenshots/ for the README.

const DOCS_SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');

describe('the Playground in Chromium: clicking the weekly card', () => {
  let e2e: E2eStack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ e2e, browser, page } = await startPlaygroundInChromium({ width: 1280, height: 2200 }));
  });

  afterAll(async () => {
    await browser?.close();
    await e2e?.stack.stop();
  });

  const card = (): Locator => latestCard(page);
  const row = (name: string): Locator => cardRow(card(), name);
  const stateOf = async (customerId: string): Promise<CustomerState> => {
    const read = await e2e.storage.state.get(customerId);
    if (!read) throw new Error(`no state row for ${customerId}`);
    return read.state;
  };
  const shoot = async (name: string, docsName?: string) => {
    const path = join(TEST_OUTPUT, name);
    await card().screenshot({ path });
    if (docsName && process.env.SAVE_DOCS_SCREENSHOTS === '1') {
      await mkdir(DOCS_SCREENSHOTS, { recursive: true });
      await copyFile(path, join(DOCS_SCREENSHOTS, docsName));
    }
  };

  it('the card arrives in the personal chat as the page opens', async () => {
    await page.goto(e2e.stack.urls.playground);
    await page.getByText('Personal Chat', { exact: true }).click();
    // The page's install starts the weekly run; the card is drawn once the run has sent it.
    await expect(e2e.stack.automaticWeekly).resolves.toMatchObject({ status: 'completed' });
    await expect.poll(() => row('Greenfield Cafe').count()).toBe(1);
    expect(await row('Greenfield Cafe').textContent()).toContain('No order in 34 days, usually every 9');
    await shoot('weekly-card-before.png');
  });

  it('Reached out: the row says who and when, and the state row has lastContact', async () => {
    await row('Greenfield Cafe').getByRole('button', { name: 'Reached out' }).click();
    await expect
      .poll(() => row('Greenfield Cafe').textContent(), { timeout: 10_000 })
      .toContain('Reached out by Ana Ruiz, Mon 23 Nov');
    expect(await row('Greenfield Cafe').getByRole('button', { name: 'Undo' }).count()).toBe(1);
    expect(await stateOf('C-1001')).toMatchObject({ lastContact: '2026-11-23', status: 'active' });
    const [latest] = await e2e.storage.audit.latestForCustomer('C-1001');
    expect(latest).toMatchObject({ action: 'reached_out', actorName: 'Ana Ruiz' });
  });

  it('Lost, picking a reason: the row says why, the state row is lost, the audit has the reason', async () => {
    const name = 'Chestnut Grill';
    const customerId = [...(await e2e.storage.state.getAll()).values()].find(
      (s) => s.name === name,
    )?.customerId;
    if (!customerId) throw new Error(`${name} is not in the state table`);
    await row(name).getByRole('button', { name: 'Lost' }).click();
    await row(name).getByRole('radio', { name: 'Price' }).check();
    await row(name).getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => row(name).textContent(), { timeout: 10_000 })
      .toContain('Lost: Price. Marked by Ana Ruiz, Mon 23 Nov');
    expect(await stateOf(customerId)).toMatchObject({
      status: 'lost',
      lostReason: 'price',
      lostAt: '2026-11-23',
    });
    const [latest] = await e2e.storage.audit.latestForCustomer(customerId);
    expect(latest).toMatchObject({ action: 'lost', reason: 'price', actorName: 'Ana Ruiz' });
    // Greenfield's outcome is still on the updated card.
    expect(await row('Greenfield Cafe').textContent()).toContain('Reached out by Ana Ruiz');
  });

  it('Won back, editing the value: the row shows the value, the state row records it', async () => {
    const name = 'Bayview Primary School';
    await row(name).getByRole('button', { name: 'Won back' }).click();
    await row(name).getByRole('textbox').fill('700');
    await row(name).getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => row(name).textContent(), { timeout: 10_000 }).toMatch(/Won back.*\$700/);
    const customerId = [...(await e2e.storage.state.getAll()).values()].find(
      (s) => s.name === name,
    )?.customerId;
    if (!customerId) throw new Error(`${name} is not in the state table`);
    expect(await stateOf(customerId)).toMatchObject({ band: 'steady', recoveredValue: 700 });
    await shoot('weekly-card-after.png', 'weekly-card.png');
  });

  it('the month’s summary (npm run summary) shows in the team channel with the taps', async () => {
    await page.getByText('General', { exact: true }).click();
    const post = await e2e.stack.postSummaryNow();
    expect(post).toMatchObject({ status: 'delivered', month: '2026-11' });
    const headline = post.status === 'delivered' ? post.headline : '';
    await expect.poll(() => card().textContent(), { timeout: 10_000 }).toContain(headline);
    const text = (await card().textContent()) ?? '';
    expect(text).toContain('Churn Predictor · November 2026');
    expect(headline).toBe(
      'The team won back $700 of monthly revenue in November from 1 at-risk customer. 1 lost.',
    );
    expect(text).toContain('Reached out1 time');
    expect(text).toContain('Lost1');
    expect(text).toContain('Price');
    await shoot('monthly-summary.png', 'monthly-summary.png');
  });
});
