import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TabUser } from '../../tabs/api/tabToken';
import type { TeamResponse } from '../../tabs/api/tabTypes';
import { keepPageLocal, launchChromium } from '../helpers/chromium';
import { type E2eStack, startE2eStack } from './e2eStack';

// The Team tab's month row beside the channel's summary card for the same month, on the demo book
// as of Monday 23 November: only Ana has the app, so the weekly run's cards reached her alone, and
// Chloe records a save of Windmill Bakery, a one-visit customer, as "another $800 order".
// The summary card says both apart ("Flagged, card not delivered (not counted)", "One-off orders
// won back"); the tab showed neither, so a manager read "Flagged 7" and "$0 won back" beside a save.

const WINDMILL = 'C-1036';

describe('the Team tab says what its month figures leave out', () => {
  let e2e: E2eStack;
  let browser: Browser;
  let chloe: TabUser;

  beforeAll(async () => {
    // Ana, the Playground's user, is the manager who reads the Team tab.
    process.env.MANAGER_USER_IDS = '00000000-0000-0000-0000-0000000000a1';
    [e2e, browser] = await Promise.all([startE2eStack({ weeklyRun: 'start' }), launchChromium()]);
    delete process.env.MANAGER_USER_IDS;
    await e2e.stack.automaticWeekly;
    chloe = {
      userId: 'chloe-object-id',
      name: 'Chloe Martin',
      email: 'chloe.martin@contoso.example',
      tenantId: e2e.stack.playground.tenantId,
    };
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await e2e?.stack.stop();
  });

  const api = async (user: TabUser | undefined, path: string, init: RequestInit = {}) => {
    const response = await fetch(`${e2e.stack.urls.bot}/api/tab/${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${await e2e.stack.signTabToken(user)}`,
        'content-type': 'application/json',
      },
    });
    expect(response.status).toBe(200);
    return response.json();
  };

  async function openTeamTab(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await keepPageLocal(page, e2e.stack.urls.bot);
    await page.goto(e2e.stack.urls.tabTeam);
    await page.locator('body[data-ready]').waitFor({ timeout: 30_000 });
    return page;
  }

  it("counts apart the customers flagged on cards that reached no rep, and adds up a one-visit customer's order won back", async () => {
    // The other four reps' customers the weekly card counts: flagged by the run, on no card delivered.
    const team: TeamResponse = await api(undefined, 'team');
    const ana = e2e.stack.playground.user.email;
    const undelivered = team.valueAtRiskByRep
      .filter((r) => r.owner !== ana)
      .reduce((sum, r) => sum + r.listed, 0);
    expect(undelivered).toBeGreaterThan(0);
    const delivered = team.valueAtRiskByRep.find((r) => r.owner === ana)?.listed;

    await api(chloe, `customer/actions?id=${WINDMILL}`, {
      method: 'POST',
      body: JSON.stringify({ action: 'won_back', value: '800' }),
    });

    const page = await openTeamTab();
    const table = page.getByRole('table', { name: 'Per month' });
    const headers = await table.getByRole('columnheader').allTextContents();
    const november = await table
      .getByRole('row', { name: /Nov 2026/ })
      .getByRole('cell')
      .allTextContents();
    const cell = (header: string) => november[headers.indexOf(header)];
    expect(cell('Flagged')).toBe(String(delivered));
    expect(cell('Saves')).toBe('1');
    // A one-visit customer's save is one order's worth, not monthly revenue: beside it, not in it.
    expect(cell('Monthly value won back')).toBe('$0');
    expect(cell('One-off orders won back')).toBe('$800');
    const region = page.getByRole('region', { name: 'Saves and losses per month' });
    // The chart's value line is the monthly column's: named so, not "Value won back" at $0 in a
    // month whose $800 order was won back.
    // The chart is drawn once uPlot has loaded, after the figures: its legend is waited for.
    await expect
      .poll(() => region.locator('.u-legend .u-series').allTextContents())
      .toContainEqual(expect.stringMatching(/^Monthly value won back/));
    await expect(region.textContent()).resolves.toContain(
      `Nov 2026: ${undelivered} customers flagged on cards that reached no rep (no chat with the app), not counted as flagged.`,
    );
    await page.close();
  }, 60_000);
  it("says a rep's week is empty because their card reached nobody, not that no card has gone out", async () => {
    // Chloe has no chat with the app: Monday's run flagged her customers on a card nobody received.
    const page = await openTeamTab();
    await page.getByLabel('Filter by rep').selectOption('chloe.martin@contoso.example');
    const region = page.getByRole('region', { name: 'Untouched this week' });
    await expect
      .poll(() => region.textContent())
      .toMatch(
        /\d+ customers? flagged this week on cards that reached no rep \(no chat with the app\), not counted here\./,
      );
    await expect(region.textContent()).resolves.not.toContain('No weekly card has gone out this week yet.');
    await page.close();
  }, 60_000);
  it("shows the month last chosen when an earlier choice's figures answer after it", async () => {
    // A manager picks a rep, then at once a month: two questions in flight. On a busy server the
    // first (this month's) can answer last, and the tab showed November under "October".
    const ana = e2e.stack.playground.user.email;
    const page = await openTeamTab();
    const team = (url: URL) => url.pathname === '/api/tab/team';
    const repOnly = (url: URL) => team(url) && url.searchParams.has('rep') && !url.searchParams.has('month');
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(repOnly, async (route) => {
      await held;
      await route.continue();
    });
    const october = page.waitForResponse((r) => new URL(r.url()).searchParams.get('month') === '2026-10');
    await page.getByRole('combobox', { name: 'Filter by rep' }).selectOption(ana);
    await page.getByRole('combobox', { name: 'Month' }).selectOption('2026-10');
    const status = page.getByRole('status').first();
    await (await october).finished();
    await expect.poll(() => status.textContent()).toContain('Oct 2026');

    release();
    // The held answer in the page itself (its resource entry is written as its body ends), then read
    // and drawn: the body is parsed in a task of its own, and React draws before the next frame.
    await page.waitForFunction(() =>
      performance
        .getEntriesByType('resource')
        .some((e) => e.name.includes('/api/tab/team?rep=') && !e.name.includes('month=')),
    );
    await page.evaluate(
      () => new Promise((resolve) => setTimeout(() => requestAnimationFrame(() => setTimeout(resolve)))),
    );
    await expect(status.textContent()).resolves.toContain('Oct 2026');
    const perMonth = page.getByRole('table', { name: 'Per month' }).getByRole('row');
    await expect(perMonth.last().textContent()).resolves.toMatch(/^Oct 2026/);
    await page.close();
  }, 60_000);
  it('on a phone, cuts a long untouched name short, never the value at risk beside it', async () => {
    // Online Retail's names ("Customer 13344 (United Kingdom)") filled a 360 px box, and the
    // ellipsis took "(£1,051 at risk)" with them: the figure a manager reads the list by.
    const ana = e2e.stack.playground.user.email;
    const team: TeamResponse = await api(undefined, 'team');
    const [first] = team.untouched.find((r) => r.owner === ana)?.customers ?? [];
    if (!first) throw new Error("nobody is untouched on Ana's card");
    const stored = (await e2e.storage.state.get(first.customerId))?.state;
    if (!stored) throw new Error('no stored state');
    const longName = 'Hollybush Tea Rooms and Garden Centre Café (United Kingdom)';
    await e2e.storage.state.writeChanged(new Map(), [{ ...stored, name: longName }]);

    const page = await openTeamTab();
    await page.setViewportSize({ width: 360, height: 900 });
    const item = page
      .getByRole('region', { name: 'Untouched this week' })
      .getByRole('listitem')
      .filter({ hasText: 'Hollybush' });
    await expect(item.textContent()).resolves.toMatch(/\(\$[\d,]+ at risk\)$/);
    // Where the figure is drawn, against the box that clips what overflows it.
    const clipped = await item.evaluate((li) => {
      const walker = document.createTreeWalker(li, NodeFilter.SHOW_TEXT);
      let node = walker.nextNode();
      while (node && !node.textContent?.includes('at risk')) node = walker.nextNode();
      if (!node) return 'no figure';
      const range = document.createRange();
      range.setStart(node, (node.textContent ?? '').indexOf('at risk'));
      range.setEnd(node, (node.textContent ?? '').indexOf('at risk') + 'at risk'.length);
      const figure = range.getBoundingClientRect();
      for (let el = node.parentElement; el && el !== li.parentElement; el = el.parentElement)
        if (
          getComputedStyle(el).overflow === 'hidden' &&
          figure.right > el.getBoundingClientRect().right + 0.5
        )
          return `cut at ${Math.round(el.getBoundingClientRect().right)} px, drawn to ${Math.round(figure.right)}`;
      return 'shown';
    });
    expect(clipped).toBe('shown');
    await page.close();
  }, 60_000);
});
