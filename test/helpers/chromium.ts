import { access } from 'node:fs/promises';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser). `.ci/run` installs it
 * with apt when missing; locally: `apt-get install -y chromium`.
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a root, offline machine: headless, no sandbox, nothing phoning home (else Chromium retries blocked hosts). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches the system Chromium; a clear error says how to install it when it is missing. */
export async function launchChromium(): Promise<Browser> {
  try {
    await access(CHROMIUM_PATH);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/**
 * Lets the page reach `origin` only; everything else (the Playground's web fonts and animation
 * script from an outside CDN) is aborted and recorded, so the test never depends on the network.
 */
export async function keepPageLocal(page: Page, origin: string): Promise<string[]> {
  const blocked: string[] = [];
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) {
      await route.continue();
      return;
    }
    blocked.push(url);
    await route.abort('blockedbyclient');
  });
  return blocked;
}

/** The latest message's card in the Playground; a Show card (Won back, Lost) is an .ac-adaptiveCard nested inside it. */
export function latestCard(page: Page): Locator {
  return page.locator('.ac-preview-panel > .ac-adaptiveCard').last();
}

/** A customer's row on a card: the nearest container holding both the name and a button set. */
export function cardRow(card: Locator, name: string): Locator {
  return card
    .locator(
      // The name is a TextRun (a span in a RichTextBlock), so it is never read as markdown.
      `xpath=.//*[self::p or self::span][normalize-space(.)="${name}"]/ancestor::div[contains(@class,"ac-container")][.//div[contains(@class,"ac-actionSet")]][1]`,
    )
    .first();
}
