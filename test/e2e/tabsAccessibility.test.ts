import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TabUser } from '../../tabs/api/tabToken';
import { axeViolations } from '../helpers/axe';
import { launchChromium } from '../helpers/chromium';
import { startTeamsHost, type TeamsHost, userContext } from '../helpers/teamsHost';
import { type E2eStack, startE2eStack } from './e2eStack';

/**
 * Every view of the tabs a rep or a manager sees, checked with axe-core in Teams' three themes, wide
 * and at a side panel's width, inside the test host that plays Teams (the real teams-js runs): no
 * violation of any impact (serious and critical ones are what an app review fails; the moderate ones
 * left were a missing heading or landmark, as cheap to keep away). Then what axe cannot see, walked with the keyboard.
 */

/** A sales manager (configured in MANAGER_USER_IDS): sees every rep. */
const MANAGER: TabUser = {
  userId: '00000000-0000-0000-0000-0000000000m1',
  name: 'Maria Lopez',
  email: 'maria.lopez@contoso.example',
  tenantId: '',
};
const GREENFIELD = 'C-1001';
const THEMES = ['default', 'dark', 'contrast'] as const;
/** A wide tab, and a meeting's side panel or Teams mobile. */
const WIDTHS = [1280, 320] as const;

describe('the tabs for a keyboard, a screen reader, and dark and high-contrast themes', () => {
  let e2e: E2eStack;
  let browser: Browser;
  const hosts: TeamsHost[] = [];

  beforeAll(async () => {
    process.env.MANAGER_USER_IDS = MANAGER.userId;
    [e2e, browser] = await Promise.all([startE2eStack({ weeklyRun: 'start' }), launchChromium()]);
    delete process.env.MANAGER_USER_IDS;
  });
  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.close()));
    await browser?.close();
    await e2e?.stack.stop();
  });

  const ana = (): TabUser => ({
    userId: e2e.stack.playground.user.aadObjectId,
    name: e2e.stack.playground.user.name,
    email: e2e.stack.playground.user.email,
    tenantId: e2e.stack.playground.tenantId,
  });

  /** A tab in the test host, painted; `prepare` runs on the page before it loads (routes). */
  async function open(
    tabUrl: string,
    options: {
      user?: TabUser;
      subEntityId?: string;
      frameContext?: 'content' | 'settings';
      prepare?: (page: Page) => Promise<unknown>;
      /** The selector that says the view is on screen (else the tab's own mark, body[data-ready]). */
      ready?: string;
    } = {},
  ): Promise<{ page: Page; frame: Frame }> {
    const user = options.user ?? ana();
    const host = await startTeamsHost({
      tabUrl,
      token: () => e2e.stack.signTabToken(user),
      frameContext: options.frameContext,
      context: {
        ...userContext(user),
        entityId: tabUrl.endsWith('team') ? 'team' : 'customers',
        ...(options.subEntityId ? { subEntityId: options.subEntityId } : {}),
      },
    });
    hosts.push(host);
    // The tabs' content security policy would refuse axe's inline script.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    page.on('close', () => void context.close());
    await page.route('**/*', (route) =>
      new URL(route.request().url()).hostname === '127.0.0.1'
        ? route.continue()
        : route.abort('blockedbyclient'),
    );
    await options.prepare?.(page);
    await page.goto(host.url);
    const frame = page.frameLocator('#tab');
    await frame.locator(options.ready ?? 'body[data-ready]').waitFor({ timeout: 30_000 });
    const tabFrame = await (await page.$('#tab'))?.contentFrame();
    if (!tabFrame) throw new Error('no tab frame');
    return { page, frame: tabFrame };
  }

  /** Waits for what loads after the data: the charts (uPlot) and a customer's twelve weeks. */
  async function settled(frame: Frame): Promise<void> {
    await expect.poll(() => frame.getByRole('progressbar').count(), { timeout: 15_000 }).toBe(0);
    await expect
      .poll(() => frame.getByText('Working out the last 12 weeks…').count(), { timeout: 30_000 })
      .toBe(0);
  }

  /** axe on the view in each theme (switched as Teams switches it) and at each width: its violations. */
  async function everyThemeAndWidth(view: string, page: Page, frame: Frame): Promise<string[]> {
    const found: string[] = [];
    for (const theme of THEMES) {
      await page.evaluate(
        (t) => (window as unknown as { setTeamsTheme(t: string): void }).setTeamsTheme(t),
        theme,
      );
      await expect
        .poll(() => frame.locator('.fui-FluentProvider').first().getAttribute('data-theme'))
        .toBe(theme);
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 900 });
        await settled(frame);
        // What follows the new size (measured in a ResizeObserver) comes a frame or two later; and
        // Fluent fades a button's colours into the new theme's: axe would read them halfway.
        await frame.evaluate(async () => {
          for (const _ of [1, 2]) await new Promise(requestAnimationFrame);
          await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => a)));
        });
        found.push(...(await axeViolations(frame, `${view}, ${theme}, ${width} px`)));
      }
    }
    return found;
  }

  /** Answers the tab API's `path` with the real answer, `change`d (a notice the stack cannot bring about at will). */
  const answerChanged =
    (path: string, change: Record<string, unknown>) =>
    (page: Page): Promise<unknown> =>
      page.route(
        (url) => url.pathname === path,
        async (route) => {
          const response = await route.fetch();
          await route.fulfill({ response, json: { ...(await response.json()), ...change } });
        },
      );

  it('My customers: the list, a search with its count, and a folded kind unfolded', async () => {
    const { page, frame } = await open(e2e.stack.urls.tabPersonal);
    const found = await everyThemeAndWidth('My customers', page, frame);
    await frame.getByRole('textbox', { name: 'Search customers' }).fill('green');
    await expect.poll(() => frame.getByRole('status').textContent()).toMatch(/match/);
    found.push(...(await everyThemeAndWidth('My customers, searched', page, frame)));
    await frame.getByRole('textbox', { name: 'Search customers' }).fill('');
    await frame.getByRole('button', { name: /^Show \d+ steady customers$/ }).click();
    await frame.locator('section[data-kind="steady"] [data-customer]').first().waitFor();
    found.push(...(await everyThemeAndWidth('My customers, steady shown', page, frame)));
    expect(found).toEqual([]);
    await page.close();
  });

  it('a customer page: facts, actions, both charts and the timeline', async () => {
    const { page, frame } = await open(e2e.stack.urls.tabPersonal, { subEntityId: GREENFIELD });
    await settled(frame);
    expect(await everyThemeAndWidth('Customer page', page, frame)).toEqual([]);
    await page.close();
  });

  it("the Team tab: every box, the month's chart and table, filtered to a rep", async () => {
    const { page, frame } = await open(e2e.stack.urls.tabTeam, { user: MANAGER });
    const found = await everyThemeAndWidth('Team', page, frame);
    await frame.getByRole('combobox', { name: 'Filter by rep' }).selectOption({ index: 1 });
    await expect.poll(() => frame.getByRole('combobox', { name: 'Filter by rep' }).inputValue()).not.toBe('');
    found.push(...(await everyThemeAndWidth('Team, one rep', page, frame)));
    expect(found).toEqual([]);
    await page.close();
  });

  it("the channel tab's configuration page", async () => {
    const { page, frame } = await open(e2e.stack.urls.tabTeam.replace(/team$/, 'config'), {
      frameContext: 'settings',
      user: MANAGER,
    });
    expect(await everyThemeAndWidth('Configuration', page, frame)).toEqual([]);
    await page.close();
  });

  it('the notices: the service unreachable, the feed being read anew, a stale feed', async () => {
    const down = await open(e2e.stack.urls.tabPersonal, {
      prepare: (page) =>
        page.route(
          (url) => url.pathname === '/api/tab/customers',
          (route) => route.abort('connectionrefused'),
        ),
      ready: '[role="alert"]',
    });
    const found = await everyThemeAndWidth('Could not reach', down.page, down.frame);
    await down.page.close();
    const customerDown = await open(e2e.stack.urls.tabPersonal, {
      subEntityId: GREENFIELD,
      prepare: (page) =>
        page.route(
          (url) => url.pathname === '/api/tab/customer',
          (route) => route.abort('connectionrefused'),
        ),
      ready: '[role="alert"]',
    });
    found.push(
      ...(await everyThemeAndWidth('Customer, could not reach', customerDown.page, customerDown.frame)),
    );
    await customerDown.page.close();

    const notices = { feedBeingRead: true, staleFeed: 'No new orders in the feed since last week.' };
    const list = await open(e2e.stack.urls.tabPersonal, {
      prepare: answerChanged('/api/tab/customers', notices),
    });
    await list.frame.getByTestId('feed-being-read').waitFor();
    found.push(...(await everyThemeAndWidth('My customers, notices', list.page, list.frame)));
    await list.page.close();

    const customer = await open(e2e.stack.urls.tabPersonal, {
      subEntityId: GREENFIELD,
      prepare: answerChanged('/api/tab/customer', notices),
    });
    await customer.frame.getByTestId('feed-being-read').waitFor();
    found.push(...(await everyThemeAndWidth('Customer page, notices', customer.page, customer.frame)));
    await customer.page.close();

    const team = await open(e2e.stack.urls.tabTeam, {
      user: MANAGER,
      prepare: answerChanged('/api/tab/team', notices),
    });
    await team.frame.getByTestId('feed-being-read').waitFor();
    found.push(...(await everyThemeAndWidth('Team, notices', team.page, team.frame)));
    await team.page.close();
    expect(found).toEqual([]);
  });
});
