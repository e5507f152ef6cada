import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TabUser } from '../../tabs/api/tabToken';
import { axeViolations } from '../helpers/axe';
import { keepPageLocal, launchChromium } from '../helpers/chromium';
import { startTeamsHost, type TeamsHost, userContext } from '../helpers/teamsHost';
import { type E2eStack, DEMO_MANAGER as MANAGER, stackRep, startE2eStack } from './e2eStack';

/**
 * Every view of the tabs a rep or a manager sees, checked with axe-core in Teams' three themes, wide
 * and at a side panel's width, inside the test host that plays Teams (the real teams-js runs): no
 * violation of any impact (serious and critical ones are what an app review fails; the moderate ones
 * left were a missing heading or landmark, as cheap to keep away). Then what axe cannot see, walked with the keyboard.
 */

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

  const ana = (): TabUser => stackRep(e2e);

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
    await keepPageLocal(page, 'http://127.0.0.1');
    await options.prepare?.(page);
    await page.goto(host.url);
    const frame = page.frameLocator('#tab');
    await frame.locator(options.ready ?? 'body[data-ready]').waitFor({ timeout: 30_000 });
    const tabFrame = await (await page.$('#tab'))?.contentFrame();
    if (!tabFrame) throw new Error('no tab frame');
    return { page, frame: tabFrame };
  }

  /** Closes a page and its context; answers still on their way to it are dropped, not failed. */
  async function close(page: Page): Promise<void> {
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.context().close();
  }

  /** Waits for what loads after the data: the charts (uPlot) and a customer's twelve weeks. */
  async function settled(frame: Frame): Promise<void> {
    await expect.poll(() => frame.getByRole('progressbar').count(), { timeout: 15_000 }).toBe(0);
    await expect
      .poll(() => frame.getByText('Working out the last 12 weeks…').count(), { timeout: 30_000 })
      .toBe(0);
  }

  /**
   * Waits until the page is drawn as it will stay: what follows a new size (measured in a
   * ResizeObserver) comes a frame or two later, and Fluent fades a button's colours into a new
   * theme's or its focus ring in: axe, or a picture, would catch them halfway.
   */
  const drawn = (frame: Frame) =>
    frame.evaluate(async () => {
      for (const _ of [1, 2]) await new Promise(requestAnimationFrame);
      await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => a)));
    });

  /** Switches the tab to `theme` as Teams does, and waits until the page wears it. */
  async function switchTheme(page: Page, frame: Frame, theme: (typeof THEMES)[number]): Promise<void> {
    await page.evaluate(
      (t) => (window as unknown as { setTeamsTheme(t: string): void }).setTeamsTheme(t),
      theme,
    );
    await expect
      .poll(() => frame.locator('.fui-FluentProvider').first().getAttribute('data-theme'))
      .toBe(theme);
  }

  /** axe on the view in each theme (switched as Teams switches it) and at each width: its violations. */
  async function everyThemeAndWidth(view: string, page: Page, frame: Frame): Promise<string[]> {
    const found: string[] = [];
    for (const theme of THEMES) {
      await switchTheme(page, frame, theme);
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 900 });
        await settled(frame);
        await drawn(frame);
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
    await close(page);
  });

  it('a customer page: facts, actions, both charts and the timeline', async () => {
    const { page, frame } = await open(e2e.stack.urls.tabPersonal, { subEntityId: GREENFIELD });
    await settled(frame);
    const found = await everyThemeAndWidth('Customer page', page, frame);
    // Each button is renamed "Hide …" once pressed: the next is the first left.
    const show = frame.getByRole('button', { name: /^Show the figures of / });
    while ((await show.count()) > 0) await show.first().click();
    await expect.poll(() => frame.getByRole('table', { name: /^The figures of / }).count()).toBe(2);
    found.push(...(await everyThemeAndWidth("Customer page, the charts' figures", page, frame)));
    expect(found).toEqual([]);
    await close(page);
  });

  it("the Team tab: every box, the month's chart and table, filtered to a rep", async () => {
    const { page, frame } = await open(e2e.stack.urls.tabTeam, { user: MANAGER });
    const found = await everyThemeAndWidth('Team', page, frame);
    await frame.getByRole('combobox', { name: 'Filter by rep' }).selectOption({ index: 1 });
    await expect.poll(() => frame.getByRole('combobox', { name: 'Filter by rep' }).inputValue()).not.toBe('');
    found.push(...(await everyThemeAndWidth('Team, one rep', page, frame)));
    expect(found).toEqual([]);
    await close(page);
  });

  it("the channel tab's configuration page", async () => {
    const { page, frame } = await open(e2e.stack.urls.tabTeam.replace(/team$/, 'config'), {
      frameContext: 'settings',
      user: MANAGER,
    });
    expect(await everyThemeAndWidth('Configuration', page, frame)).toEqual([]);
    await close(page);
  });

  it("the notices: the service unreachable, the feed being read anew, a stale feed, a customer's weeks unreadable", async () => {
    const down = await open(e2e.stack.urls.tabPersonal, {
      prepare: (page) =>
        page.route(
          (url) => url.pathname === '/api/tab/customers',
          (route) => route.abort('connectionrefused'),
        ),
      ready: '[role="alert"]',
    });
    const found = await everyThemeAndWidth('Could not reach', down.page, down.frame);
    await close(down.page);
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
    await close(customerDown.page);

    const notices = {
      feedBeingRead: true,
      staleFeed: 'No new orders in the feed since last week.',
      listedWeeksUnreadable: 'earlier',
    };
    const list = await open(e2e.stack.urls.tabPersonal, {
      prepare: answerChanged('/api/tab/customers', notices),
    });
    await list.frame.getByTestId('feed-being-read').waitFor();
    found.push(...(await everyThemeAndWidth('My customers, notices', list.page, list.frame)));
    await close(list.page);

    const customer = await open(e2e.stack.urls.tabPersonal, {
      subEntityId: GREENFIELD,
      prepare: answerChanged('/api/tab/customer', notices),
    });
    await customer.frame.getByTestId('feed-being-read').waitFor();
    await expect(customer.frame.getByTestId('listed-weeks-unreadable').textContent()).resolves.toMatch(
      /^Their earlier weeks on the weekly lists could not be read/,
    );
    found.push(...(await everyThemeAndWidth('Customer page, notices', customer.page, customer.frame)));
    await close(customer.page);

    const team = await open(e2e.stack.urls.tabTeam, {
      user: MANAGER,
      prepare: answerChanged('/api/tab/team', notices),
    });
    await team.frame.getByTestId('feed-being-read').waitFor();
    found.push(...(await everyThemeAndWidth('Team, notices', team.page, team.frame)));
    await close(team.page);
    expect(found).toEqual([]);
  });
  /** The focused element's accessible text: its label, else its text. */
  const focusedName = (frame: Frame) =>
    frame.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return '';
      const labelled = el.getAttribute('aria-label');
      const label = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`)?.textContent : null;
      return (labelled ?? label ?? el.textContent ?? '').trim();
    });

  /**
   * Whether the focus can be seen: the focused element and its surroundings are drawn otherwise
   * focused than not (blurred a moment, then focused again, as the keyboard left it).
   */
  async function focusSeen(page: Page, frame: Frame): Promise<boolean> {
    const box = await frame.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      el.scrollIntoView({ block: 'center' });
      el.dataset.walked = 'here';
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    });
    // The host page's frame fills its page from the top left: the tab's coordinates are the page's.
    const clip = {
      x: Math.max(0, box.x - 4),
      y: Math.max(0, box.y - 4),
      width: box.width + 8,
      height: box.height + 8,
    };
    await drawn(frame);
    const focused = await page.screenshot({ clip });
    await frame.evaluate(() => (document.activeElement as HTMLElement).blur());
    await drawn(frame);
    const blurred = await page.screenshot({ clip });
    await frame.evaluate(() => {
      const el = document.querySelector<HTMLElement>('[data-walked="here"]');
      el?.focus({ preventScroll: true });
      el?.removeAttribute('data-walked');
    });
    return !focused.equals(blurred);
  }

  /**
   * Tab from where the focus is until it comes round again (or `most` stops), checking at each stop
   * that the focus can be seen. Returns each stop's name, and the names of those whose focus could not.
   */
  async function tabWalk(
    page: Page,
    frame: Frame,
    most = 60,
  ): Promise<{ stops: string[]; unseen: string[] }> {
    const stops: string[] = [];
    const unseen: string[] = [];
    for (let n = 0; n < most; n++) {
      await page.keyboard.press('Tab');
      const name = await focusedName(frame);
      if (name === '' || stops.includes(name)) break;
      stops.push(name);
      if (!(await focusSeen(page, frame))) unseen.push(name);
    }
    return { stops, unseen };
  }

  /** The page's headings as a screen reader lists them: "2 Timeline". */
  const outline = (frame: Frame) =>
    frame.evaluate(() =>
      [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(
        (h) => `${h.tagName.slice(1)} ${(h.textContent ?? '').trim()}`,
      ),
    );
  /** Where a heading's level is more than one below the heading before it (an h2 then an h4). */
  const skipped = (headings: string[]) =>
    headings.flatMap((h, k) => {
      const level = Number(h[0]);
      const before = k === 0 ? 0 : Number(headings[k - 1][0]);
      return level > before + 1 ? [`${headings[k - 1] ?? '(top)'} then ${h}`] : [];
    });

  it("keyboard only on a customer page: every action is a Tab stop whose focus shows; a chart's figures open with Enter or Space and close with Escape; Escape again goes back to the list", async () => {
    // Opened from the list by keyboard, as a rep would.
    const { page, frame } = await open(e2e.stack.urls.tabPersonal);
    await frame.locator(`[data-customer="${GREENFIELD}"] button`).focus();
    await page.keyboard.press('Enter');
    await frame.getByRole('heading', { name: 'Greenfield Cafe' }).waitFor();
    await settled(frame);
    await expect.poll(() => frame.locator('h1:focus').count()).toBe(1);
    const { stops, unseen } = await tabWalk(page, frame);
    expect(stops).toEqual(
      expect.arrayContaining([
        'Reached out',
        'Value won back / month',
        'Won back',
        'Reason',
        'Note',
        'Lost',
        'Show the figures of orders by month',
        'Show the figures of the chance of no order week by week',
        expect.stringMatching(/^Show all \d+ entries$/),
      ]),
    );
    expect(unseen).toEqual([]);

    const figures = frame.getByRole('button', { name: 'Show the figures of orders by month' });
    await figures.focus();
    await page.keyboard.press('Enter');
    const table = frame.getByRole('table', { name: 'The figures of orders by month' });
    await table.waitFor();
    // A row a month, its orders and spend in words a screen reader reads out.
    await expect(table.getByRole('columnheader').allTextContents()).resolves.toEqual([
      'Month',
      'Orders',
      'Spend',
    ]);
    expect(await table.getByRole('row').count()).toBeGreaterThan(2);
    expect((await table.getByRole('row').nth(1).textContent()) ?? '').toMatch(
      /^[A-Z][a-z]{2} \d{4}\d+\$[\d,]+$/,
    );
    await page.keyboard.press('Escape');
    await expect.poll(() => table.count()).toBe(0);
    await expect.poll(() => focusedName(frame)).toBe('Show the figures of orders by month');
    await expect(frame.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Greenfield Cafe');
    await page.keyboard.press('Space');
    await table.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => table.count()).toBe(0);

    // Escape in a box belongs to the box: the page stays.
    await frame.getByRole('textbox', { name: 'Value won back / month' }).focus();
    await page.keyboard.press('Escape');
    await expect(frame.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Greenfield Cafe');
    await figures.focus();

    // Escape with nothing open closes the page: the list, the row it came from focused.
    await page.keyboard.press('Escape');
    await expect.poll(() => frame.locator(`[data-customer="${GREENFIELD}"] button:focus`).count()).toBe(1);
    await close(page);
  });

  it('the charts tell their lines apart by more than colour: a dashed line beside a solid one, in the legend too', async () => {
    const { page, frame } = await open(e2e.stack.urls.tabTeam, { user: MANAGER });
    await settled(frame);
    const markers = (chart: string) =>
      frame
        .locator('section')
        .filter({ has: frame.getByRole('heading', { name: chart }) })
        .locator('.u-legend .u-series')
        .evaluateAll((rows) =>
          // The first is the point's own (the month), without a marker.
          rows.slice(1).map((r) => {
            const marker = r.querySelector<HTMLElement>('.u-marker');
            const label = r.querySelector('.u-label')?.textContent ?? '';
            return `${label}: ${marker ? getComputedStyle(marker).borderTopStyle : '-'}`;
          }),
        );
    // The Team tab's two lines beside its bars, each white in high contrast.
    await expect(markers('Saves, losses and value won back')).resolves.toEqual([
      'Saves: solid',
      'Losses: solid',
      'Monthly value won back: dashed',
    ]);
    await close(page);
  });

  it("the charts' cursor line and points are drawn in the theme's colours, not uPlot's fixed grey and white", async () => {
    const { page, frame } = await open(e2e.stack.urls.tabPersonal, { subEntityId: GREENFIELD });
    await settled(frame);
    const chart = frame
      .locator('section')
      .filter({ has: frame.getByRole('heading', { name: 'Chance of no order week by week' }) });
    for (const theme of ['dark', 'contrast'] as const) {
      await switchTheme(page, frame, theme);
      await drawn(frame);
      const plot = await chart.locator('.u-over').boundingBox();
      if (!plot) throw new Error('no chart');
      await page.mouse.move(plot.x + plot.width / 2, plot.y + plot.height / 2);
      const seen = await chart.evaluate((section) => {
        // The axes' colour (the theme's secondary text), as the browser computes a colour.
        const probe = section.appendChild(document.createElement('span'));
        probe.style.color = 'var(--colorNeutralForeground2)';
        const axis = getComputedStyle(probe).color;
        probe.remove();
        const cursor = section.querySelector('.u-cursor-x');
        const canvas = section.querySelector('canvas');
        const pixels = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
        let white = 0;
        for (let k = 0; k < pixels.length; k += 4)
          if (pixels[k] === 255 && pixels[k + 1] === 255 && pixels[k + 2] === 255 && pixels[k + 3] === 255)
            white++;
        return { axis, cursor: cursor ? getComputedStyle(cursor).borderRightColor : '', white };
      });
      expect(seen.cursor, theme).toBe(seen.axis);
      // The dark theme has no white: uPlot fills a line's points white unless told otherwise.
      if (theme === 'dark') expect(seen.white, theme).toBe(0);
    }
    await close(page);
  });

  it('My customers by keyboard: a chance says its band in words; the search count is read out; Escape clears the search', async () => {
    const { page, frame } = await open(e2e.stack.urls.tabPersonal);
    // Red is not the only sign of a customer at risk.
    const slipping = frame.getByRole('region', { name: 'Slipping' });
    await expect(slipping.locator('[data-customer] .fui-Badge').first().textContent()).resolves.toMatch(
      /^Chance of no order in 90 days: \d+% · at risk$/,
    );
    // The live region is on the page before the first search, so the first count is read out too.
    const status = frame.getByRole('status');
    await expect(status.count()).resolves.toBe(1);
    await expect(status.textContent()).resolves.toBe('');
    const search = frame.getByRole('textbox', { name: 'Search customers' });
    await search.focus();
    await page.keyboard.type('bayview');
    await expect.poll(() => status.textContent()).toMatch(/^\d+ customers? match(es)? “bayview”\.$/);
    // Escape while an input method is composing (Japanese, Chinese) cancels the composition only.
    await search.dispatchEvent('keydown', { key: 'Escape', isComposing: true, bubbles: true });
    await expect(search.inputValue()).resolves.toBe('bayview');
    await page.keyboard.press('Escape');
    await expect(search.inputValue()).resolves.toBe('');
    await expect.poll(() => status.textContent()).toBe('');
    await expect.poll(() => focusedName(frame)).toBe('Search customers');
    const { unseen } = await tabWalk(page, frame, 12);
    expect(unseen).toEqual([]);
    await close(page);
  });

  it("the Team tab by keyboard: the rep and month filters, the result read out; the headings in order; the table's box reachable at 320 px", async () => {
    const { page, frame } = await open(e2e.stack.urls.tabTeam, { user: MANAGER });
    const headings = await outline(frame);
    expect(skipped(headings)).toEqual([]);
    // The holdout comparison is part of the losses' box, not a box of its own.
    expect(headings.slice(headings.findIndex((h) => h.startsWith('2 Losses by reason')))).toEqual([
      expect.stringMatching(/^2 Losses by reason/),
      '3 Holdout comparison',
      '2 How accurate the scoring has been',
    ]);
    const status = frame.getByRole('status');
    await expect(status.textContent()).resolves.toMatch(/^ ?Everyone · /);
    const rep = frame.getByRole('combobox', { name: 'Filter by rep' });
    await rep.focus();
    await page.keyboard.press('ArrowDown');
    const chosen = await rep.evaluate((el: HTMLSelectElement) => el.selectedOptions[0]?.textContent ?? '');
    expect(chosen).not.toBe('Everyone');
    await expect.poll(() => status.textContent()).toContain(`${chosen} · `);
    const month = frame.getByRole('combobox', { name: 'Month' });
    await month.focus();
    await page.keyboard.press('ArrowDown');
    const monthChosen = await month.evaluate(
      (el: HTMLSelectElement) => el.selectedOptions[0]?.textContent ?? '',
    );
    await expect.poll(() => status.textContent()).toContain(`${chosen} · ${monthChosen} · `);
    expect(skipped(await outline(frame))).toEqual([]);

    // Teams mobile: the table scrolls sideways in its box, which the keyboard reaches with Tab.
    await page.setViewportSize({ width: 320, height: 900 });
    // The box becomes a region once the narrow layout has been measured: wait for it, not for luck.
    await frame.getByRole('region', { name: 'Per month, scrolls sideways' }).waitFor();
    await month.focus();
    const { stops } = await tabWalk(page, frame, 40);
    expect(stops).toContain('Per month, scrolls sideways');
    await close(page);
  });

  it('the headings of My customers and of a customer page go down one level at a time from their h1', async () => {
    const list = await open(e2e.stack.urls.tabPersonal);
    const listHeadings = await outline(list.frame);
    expect(listHeadings[0]).toBe('1 My customers');
    expect(skipped(listHeadings)).toEqual([]);
    await close(list.page);
    const customer = await open(e2e.stack.urls.tabPersonal, { subEntityId: GREENFIELD });
    await settled(customer.frame);
    expect(await outline(customer.frame)).toEqual([
      '1 Greenfield Cafe',
      '2 Orders by month',
      '2 Chance of no order week by week',
      '2 Timeline',
    ]);
    await close(customer.page);
  });
  /** What holds the keyboard's focus in the tab: the row's customer, a heading, or "body" (lost). */
  const focusedWhere = (frame: Frame) =>
    frame.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return 'body';
      const row = el.closest<HTMLElement>('[data-customer]');
      return row
        ? `row ${row.dataset.customer}`
        : `${el.tagName.toLowerCase()} ${(el.textContent ?? '').trim()}`;
    });

  it('back on the list the focus is on the customer left, not lost: after a deep link, and after a tap moved them to another kind', async () => {
    // Opened from a link (a card's "Open"): no row was tapped, yet Back lands on theirs.
    const linked = await open(e2e.stack.urls.tabPersonal, { subEntityId: GREENFIELD });
    await settled(linked.frame);
    await linked.page.keyboard.press('Escape');
    await linked.frame.getByRole('heading', { level: 1, name: 'My customers' }).waitFor();
    await expect.poll(() => focusedWhere(linked.frame)).toBe(`row ${GREENFIELD}`);
    await close(linked.page);

    // Reached out moves them from Slipping to "Reached out, not back yet": the list refreshed behind
    // the page draws their row anew there, and the focus goes with it.
    const { page, frame } = await open(e2e.stack.urls.tabPersonal);
    const slipping = frame.locator(`section[data-kind="slipping"] [data-customer="${GREENFIELD}"] button`);
    await slipping.focus();
    await page.keyboard.press('Enter');
    await settled(frame);
    await frame.getByRole('button', { name: 'Reached out' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => frame.getByRole('status').first().textContent()).not.toBe('');
    await page.keyboard.press('Escape');
    await frame.locator(`section[data-kind="not_back_yet"] [data-customer="${GREENFIELD}"]`).waitFor();
    await expect.poll(() => focusedWhere(frame)).toBe(`row ${GREENFIELD}`);

    // Lost folds them away: the focus goes to the list's heading, not the top of the page.
    const other = frame
      .locator(`section[data-kind="slipping"] [data-customer]:not([data-customer="${GREENFIELD}"])`)
      .first();
    const otherId = await other.getAttribute('data-customer');
    await other.locator('button').focus();
    await page.keyboard.press('Enter');
    await settled(frame);
    await frame.getByRole('combobox', { name: 'Reason' }).selectOption({ index: 1 });
    await frame.getByRole('button', { name: 'Lost' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => frame.getByRole('status').first().textContent()).not.toBe('');
    await page.keyboard.press('Escape');
    await expect.poll(() => frame.locator(`[data-customer="${otherId}"]`).count()).toBe(0);
    await expect.poll(() => focusedWhere(frame)).toBe('h1 My customers');
    await close(page);
  });

  it("the Team tab's bars stay in sight in Windows' contrast themes, which drop every background colour", async () => {
    const { page, frame } = await open(e2e.stack.urls.tabTeam, {
      user: MANAGER,
      prepare: (p) => p.emulateMedia({ forcedColors: 'active' }),
    });
    const box = frame.getByRole('region', { name: 'Value at risk by rep' });
    const colours = await box.locator('[data-bar]').evaluateAll((bars) =>
      bars.map((bar) => {
        const fill = bar.firstElementChild as HTMLElement;
        // The contrast theme's page colour, as a background forced to it is drawn.
        const probe = document.body.appendChild(document.createElement('div'));
        probe.style.backgroundColor = 'Canvas';
        const canvas = getComputedStyle(probe).backgroundColor;
        probe.remove();
        const drawn = getComputedStyle(fill).backgroundColor;
        return `${drawn === canvas || drawn === 'rgba(0, 0, 0, 0)' ? 'vanished' : 'drawn'} ${fill.style.width}`;
      }),
    );
    expect(colours.length).toBeGreaterThan(0);
    expect(colours.filter((c) => c.startsWith('vanished'))).toEqual([]);
    await close(page);
  });
});
