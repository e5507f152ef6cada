import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  type TeamsThemeName,
  teamsHostConfig,
  teamsTheme,
} from '../fixtures/teams-host-config/teamsHostConfigs';

/**
 * Draws an Adaptive Card as Teams would, in Chromium, at a given width and theme. The renderer is
 * the Adaptive Cards JS library the Agents Playground ships in its web client (the same code that
 * draws the cards in the Playground tests), taken out of its bundle so a test can hand it Teams'
 * host configs for each theme: the Playground itself only draws the light one.
 */

/**
 * Widths a bot's card is drawn at: the whole width of a 360 px phone; the same phone with a margin
 * of 16 px each side of the chat, in case Teams mobile keeps one (its width on a phone is not
 * published); and a desktop chat column.
 */
export const CARD_WIDTHS = { phone: 360, 'phone with margins': 328, desktop: 560 } as const;

const PLAYGROUND_CLIENT = join(
  dirname(require.resolve('@microsoft/m365agentsplayground/package.json')),
  'dist',
  'client',
  'static',
  'js',
);

/** The webpack module loader of the Playground's bundle: exposed on window so the page can find the renderer. */
const LOADER =
  't={};function n(r){var i=t[r];if(void 0!==i)return i.exports;var o=t[r]={id:r,loaded:!1,exports:{}};return e[r].call(o.exports,o,o.exports,n),o.loaded=!0,o.exports}';

async function rendererSource(): Promise<string> {
  const main = (await readdir(PLAYGROUND_CLIENT)).find((f) => /^main\.[0-9a-f]+\.js$/.test(f));
  if (!main) throw new Error(`no main.*.js in ${PLAYGROUND_CLIENT}: has the Playground's layout changed?`);
  const source = await readFile(join(PLAYGROUND_CLIENT, main), 'utf8');
  if (!source.includes(LOADER))
    throw new Error(`the Playground's bundle ${main} has no webpack loader this helper knows`);
  return source.replace(LOADER, `${LOADER}window.__acModules=e;window.__acRequire=n;`);
}

/** Teams' button: one line, cut with an ellipsis when wider than it can be (as Teams documents). */
function buttonCss(theme: TeamsThemeName): string {
  const t = teamsTheme(theme);
  const border = theme === 'default' ? '#e1dfdd' : theme === 'dark' ? '#605e5c' : '#ffffff';
  return `
    body { margin: 0; background: ${t.background}; }
    .ac-pushButton { min-height: 32px; padding: 0 12px; border: 1px solid ${border}; border-radius: 4px;
      background: ${t.background}; color: ${t.foreground.default}; font: 600 14px 'Segoe UI', sans-serif;
      white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .ac-input { font: 14px 'Segoe UI', sans-serif; min-height: 32px; box-sizing: border-box; }
  `;
}

/** A page that draws cards; `render` replaces the last card drawn. */
export interface TeamsCardRenderer {
  page: Page;
  /** Draws `card` at `width` px in `theme`; the locator is the card's root element. */
  render(card: object, options: { width: number; theme: TeamsThemeName }): Promise<Locator>;
}

/** Opens a page in `browser` with the Playground's Adaptive Cards renderer loaded. */
export async function openTeamsCardRenderer(browser: Browser): Promise<TeamsCardRenderer> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.setContent('<style id="theme"></style><div id="card"></div>');
  // The bundle's own app then fails to start here (it has no page of its own): only its modules are wanted.
  await page.addScriptTag({ content: await rendererSource() }).catch(() => undefined);
  const found = await page.evaluate(() => {
    const w = window as unknown as {
      __acModules?: Record<string, unknown>;
      __acRequire?: (id: string) => Record<string, unknown>;
      __ac?: unknown;
    };
    for (const id of Object.keys(w.__acModules ?? {})) {
      let exports: Record<string, unknown> | undefined;
      try {
        exports = w.__acRequire?.(id);
      } catch {
        continue;
      }
      if (exports?.AdaptiveCard && exports.HostConfig && exports.GlobalSettings) {
        w.__ac = exports;
        return true;
      }
    }
    return false;
  });
  if (!found) throw new Error("no Adaptive Cards renderer found in the Playground's bundle");
  return {
    page,
    async render(card, { width, theme }) {
      await page.setViewportSize({ width: width + 40, height: 800 });
      await page.evaluate(
        ({ card, width, hostConfig, css }) => {
          // biome-ignore lint/suspicious/noExplicitAny: the renderer's module, found at run time
          const ac = (window as any).__ac;
          (document.getElementById('theme') as HTMLStyleElement).textContent = css;
          const host = document.getElementById('card') as HTMLElement;
          host.replaceChildren();
          host.style.width = `${width}px`;
          const adaptive = new ac.AdaptiveCard();
          adaptive.hostConfig = new ac.HostConfig(hostConfig);
          adaptive.parse(card);
          const element = adaptive.render();
          element.setAttribute('data-testid', 'card');
          host.appendChild(element);
        },
        { card, width, hostConfig: teamsHostConfig(theme), css: buttonCss(theme) },
      );
      return page.getByTestId('card');
    },
  };
}
