import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerState } from '../../rules/customerState';
import { cardRow, latestCard } from '../helpers/chromium';
import { type E2eStack, startPlaygroundInChromium } from './e2eStack';

// A German team (`LOCALE=de-DE`, `CURRENCY=EUR`) records saves on the weekly card in Chromium, typing
// the value as a German writes it: `1.200` is twelve hundred euros, `2.400,50` has cents. The card's
// own input must hand the bot what was typed; the bot reads it in the card's locale. Intl puts a
// no-break space between the amount and the euro sign.

describe('the Playground in Chromium: a German rep types the value won back', () => {
  const saved = { LOCALE: process.env.LOCALE, CURRENCY: process.env.CURRENCY };
  let e2e: E2eStack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // The stack reads its settings from the environment, as `npm start` does.
    process.env.LOCALE = 'de-DE';
    process.env.CURRENCY = 'EUR';
    ({ e2e, browser, page } = await startPlaygroundInChromium({ width: 1280, height: 2200 }));
  });

  afterAll(async () => {
    await browser?.close();
    await e2e?.stack.stop();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  const row = (name: string): Locator => cardRow(latestCard(page), name);
  const stateNamed = async (name: string): Promise<CustomerState> => {
    const state = [...(await e2e.storage.state.getAll()).values()].find((s) => s.name === name);
    if (!state) throw new Error(`${name} is not in the state table`);
    return state;
  };
  const wonBack = async (name: string, typed: string) => {
    await row(name).getByRole('button', { name: 'Won back' }).click();
    // The row's one input, whatever its kind, so the test checks what reaches the bot.
    await row(name).locator('input').fill(typed);
    await row(name).getByRole('button', { name: 'Save' }).click();
  };

  it('the card arrives with the values in euros, written the German way', async () => {
    await page.goto(e2e.stack.urls.playground);
    await page.getByText('Personal Chat', { exact: true }).click();
    // The page's install starts the weekly run; the card is drawn once the run has sent it.
    await expect(e2e.stack.automaticWeekly).resolves.toMatchObject({ status: 'completed' });
    await expect.poll(() => row('Greenfield Cafe').count()).toBe(1);
    expect(await row('Greenfield Cafe').textContent()).toContain('2.400\u00a0€/month');
  });

  it('"1.200" is recorded as 1.200 €, not 1,20 € or 1 €', async () => {
    await wonBack('Greenfield Cafe', '1.200');
    await expect
      .poll(() => row('Greenfield Cafe').textContent(), { timeout: 10_000 })
      .toContain('Won back 1.200\u00a0€/month by Ana Ruiz');
    expect(await stateNamed('Greenfield Cafe')).toMatchObject({ recoveredValue: 1200 });
  });

  it('"1.250,50" (a decimal comma) is taken by the card and recorded to the cent', async () => {
    await wonBack('Bayview Primary School', '1.250,50');
    await expect
      .poll(() => row('Bayview Primary School').textContent(), { timeout: 10_000 })
      .toContain('Won back 1.250,50\u00a0€/month');
    expect(await stateNamed('Bayview Primary School')).toMatchObject({ recoveredValue: 1250.5 });
  });

  it('a value that is not a number is stopped on the card, with an example in German', async () => {
    const name = 'Chestnut Grill';
    await wonBack(name, 'zwölfhundert');
    await expect
      .poll(() => row(name).textContent(), { timeout: 10_000 })
      .toContain('Enter the value won back as a number, e.g. 1.250,50');
    expect((await stateNamed(name)).wonBackAt).toBeNull();
  });
});
