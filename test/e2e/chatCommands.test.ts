import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardRow, latestCard } from '../helpers/chromium';
import { type E2eStack, startPlaygroundInChromium, TEST_OUTPUT } from './e2eStack';

// The commands a rep types in the personal chat, as the README lists them, typed into the
// Playground's message box in Chromium and read as rendered: the markdown of a reply matters here,
// not only its text.

describe('the Playground in Chromium: typing in the personal chat', () => {
  let e2e: E2eStack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ e2e, browser, page } = await startPlaygroundInChromium({ width: 1280, height: 1600 }));
    await page.goto(e2e.stack.urls.playground);
    await page.getByText('Personal Chat', { exact: true }).click();
    await expect(e2e.stack.automaticWeekly).resolves.toMatchObject({ status: 'completed' });
  });

  afterAll(async () => {
    await browser?.close();
    await e2e?.stack.stop();
  });

  const card = (): Locator => latestCard(page);
  const row = (name: string): Locator => cardRow(card(), name);

  /** Types into the Playground's message box (a rich editor, not an input) and sends. */
  async function type(text: string): Promise<void> {
    await page.locator('[data-lexical-editor="true"]').click();
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
  }

  it('help: the list of commands ends at "help", and the sentence after it is a paragraph of its own', async () => {
    await type('help');
    const helpItem = page.locator('li', { hasText: 'this message' }).last();
    await expect.poll(() => helpItem.count(), { timeout: 10_000 }).toBe(1);
    expect((await helpItem.textContent())?.trim()).toBe('help: this message');
    await expect
      .poll(() => page.locator('p', { hasText: /^On the weekly card, tap Reached out/ }).count())
      .toBe(1);
    await page.screenshot({ path: join(TEST_OUTPUT, 'chat-help.png') });
  });

  it('list right after the first weekly card calls each customer what Monday’s card called them', async () => {
    await expect.poll(() => row('Chestnut Grill').count(), { timeout: 20_000 }).toBe(1);
    const weekly = (await row('Chestnut Grill').textContent()) ?? '';
    expect(weekly).toContain('New on your list');
    await type('list');
    await expect.poll(() => card().textContent(), { timeout: 15_000 }).toContain('Your list now');
    expect(await row('Chestnut Grill').textContent()).toContain('New on your list');
    expect(await card().textContent()).not.toContain('Still on your list');
  });

  it('list 2 on a one-page list says there is no page 2, instead of showing page 1 again', async () => {
    const cards = await page.locator('.ac-preview-panel > .ac-adaptiveCard').count();
    await type('list 2');
    // The reply's paragraph (the Playground's log panel repeats the text in a span).
    const reply = page.locator('p', {
      hasText: /^Your list has one page \(7 customers\), so there is no page 2: type list/,
    });
    await expect.poll(() => reply.count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('.ac-preview-panel > .ac-adaptiveCard').count()).toBe(cards);
  });
});
