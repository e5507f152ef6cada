import { appendFile, cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, FrameLocator, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ActionRequestBody,
  CustomerChartResponse,
  CustomerDetailResponse,
  CustomersResponse,
} from '../../tabs/api/tabTypes';
import { main } from '../../tools/cli/main';
import { DEMO_AS_OF } from '../../tools/local/settings';
import { capture } from '../helpers/capture';
import { keepPageLocal, launchChromium } from '../helpers/chromium';
import { startTeamsHost, type TeamsHost } from '../helpers/teamsHost';
import { type E2eStack, startE2eStack } from './e2eStack';

/**
 * A customer's story in the personal tab, as a rep reads it to prepare the call: the figures the card
 * and `churn-predictor score` give, what reps did and undid, a customer the export has dropped, and
 * the page on a phone. The tab API over HTTP with the stack's own tokens, the page in Chromium.
 */

const DEMO = join(__dirname, '..', '..', 'demo', 'feed');
/** Ana's customer who orders every day, from 60 days before the as-of date. */
const DAILY = 'C-DAILY';
/** Ana's customer with no order yet (a prospect in the export). */
const PROSPECT = 'C-PROSPECT';
/** Ana's customer who ordered weekly until 400 days before the as-of date, and never since. */
const GONE_A_YEAR = 'C-YEAR';
/** Ana's customer whose export gives a monthly value of 0 (a regular whose account is billed elsewhere). */
const NO_VALUE = 'C-NOVALUE';
const GREENFIELD = 'C-1001';
const BAYVIEW = 'C-1212';
/** A customer of Ana's the weekly run stored and the export no longer holds. */
const GONE = 'C-GONE';
const GONE_NAME = 'Hollybush Tea Rooms and Garden Centre Café';
/** Ana's slipping customer on the card, whose story the score test taps through. */
const ROSEMARY = 'C-1004';

/** A customer as `churn-predictor score --format json` prints them (the fields read here). */
interface CliCustomer {
  customerId: string;
  score: number;
  listChance: number;
  listChanceDays: number;
  lastOrderAt: string;
}

describe("a customer's story in the personal tab", () => {
  let e2e: E2eStack;
  let browser: Browser;
  let feedDir: string;

  beforeAll(async () => {
    // The demo book, and a café that orders every day of the last two months.
    feedDir = await mkdtemp(join(tmpdir(), 'story-feed-'));
    await cp(DEMO, feedDir, { recursive: true });
    await appendFile(
      join(feedDir, 'customers.csv'),
      `${DAILY},Daily Grind Cafe,ana.ruiz@contoso.example,\n${PROSPECT},Quince Deli,ana.ruiz@contoso.example,\n${GONE_A_YEAR},Old Mill Bakery,ana.ruiz@contoso.example,\n${NO_VALUE},Hollow Tree Cafe,ana.ruiz@contoso.example,0\n`,
    );
    const asOf = Date.parse(`${DEMO_AS_OF}T00:00:00Z`);
    const days = Array.from({ length: 60 }, (_, k) => new Date(asOf - (k + 1) * 86_400_000).toISOString());
    await appendFile(
      join(feedDir, 'orders.csv'),
      days.map((d, k) => `SO-DAILY-${k},${DAILY},${d.slice(0, 10)},45.00\n`).join(''),
    );
    const weeksBefore = Array.from({ length: 20 }, (_, k) =>
      new Date(asOf - (400 + 7 * k) * 86_400_000).toISOString(),
    );
    await appendFile(
      join(feedDir, 'orders.csv'),
      weeksBefore.map((d, k) => `SO-YEAR-${k},${GONE_A_YEAR},${d.slice(0, 10)},300.00\n`).join(''),
    );
    await appendFile(
      join(feedDir, 'orders.csv'),
      days
        .filter((_, k) => k % 7 === 0)
        .map((d, k) => `SO-NOVALUE-${k},${NO_VALUE},${d.slice(0, 10)},80.00\n`)
        .join(''),
    );
    [e2e, browser] = await Promise.all([startE2eStack({ weeklyRun: 'start', feedDir }), launchChromium()]);
    await e2e.stack.automaticWeekly;
    // The weekly run's row of one of Ana's customers, under an id the feed does not hold: what is
    // left of a customer the export deleted or merged.
    const listed = (await e2e.storage.state.get(GREENFIELD))?.state;
    if (!listed) throw new Error('the weekly run stored no Greenfield');
    await e2e.storage.state.writeChanged(new Map(), [{ ...listed, customerId: GONE, name: GONE_NAME }]);
  });
  afterAll(async () => {
    await browser?.close();
    await e2e?.stack.stop();
  });

  const api = async (path: string, init: RequestInit = {}) => {
    const token = await e2e.stack.signTabToken();
    const response = await fetch(`${e2e.stack.urls.bot}/api/tab${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    expect(response.status).toBe(200);
    return response.json();
  };
  const query = (id: string) => new URLSearchParams({ id });
  const story = (id: string): Promise<CustomerDetailResponse> => api(`/customer?${query(id)}`);
  const chart = (id: string): Promise<CustomerChartResponse> => api(`/customer/chart?${query(id)}`);
  const act = (id: string, body: ActionRequestBody) =>
    api(`/customer/actions?${query(id)}`, { method: 'POST', body: JSON.stringify(body) });
  const actions = (detail: CustomerDetailResponse) =>
    detail.timeline.filter((e) => e.kind === 'action').map((e) => [e.day, e.title, e.undone ?? false]);

  /** The customer's page as `npm start` opens it (?customer=), signed in as the Playground's rep. */
  async function openPage(customerId: string, width = 1280): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 }, locale: 'en-US' });
    await keepPageLocal(page, e2e.stack.urls.bot);
    await page.goto(`${e2e.stack.urls.tabPersonal}?customer=${encodeURIComponent(customerId)}`);
    await page.locator('body[data-ready]').waitFor({ timeout: 30_000 });
    return page;
  }
  /** A fact's box by its label (the first on the page: the facts come before the charts' legends). */
  const fact = (page: Page, label: string) => page.getByText(label, { exact: true }).first().locator('..');

  /** `churn-predictor score --format json` on the stack's feed and day: the figures the card states. */
  async function scoreJson(): Promise<CliCustomer[]> {
    const out = capture();
    const code = await main(
      ['score', '--feed', feedDir, '--as-of', DEMO_AS_OF, '--format', 'json'],
      out.stream,
      capture().stream,
    );
    expect(code).toBe(0);
    return JSON.parse(out.text()) as CliCustomer[];
  }

  it("states the card's chance of no order and the days since the last order, as `score --format json` gives them", async () => {
    const cli = (await scoreJson()).find((c) => c.customerId === GREENFIELD);
    if (!cli) throw new Error('Greenfield is not in the CLI output');

    const page = await openPage(GREENFIELD);
    const chance = fact(page, `Chance of no order in ${cli.listChanceDays} days`);
    await expect(chance.textContent()).resolves.toContain(`${Math.round(cli.listChance * 100)}%`);
    // The days since, as the card's "No order in 34 days" and the list's "34 days silent" count them.
    const silent = (Date.parse(DEMO_AS_OF) - Date.parse(cli.lastOrderAt)) / 86_400_000;
    await expect(fact(page, 'Last order').textContent()).resolves.toContain(`${silent} days ago`);
    // Due before today, it is worded as the card words it: "Was due", not "Expected next order".
    await expect(fact(page, 'Was due').textContent()).resolves.toContain('usually every 9 days');
    await expect(page.getByText('Expected next order', { exact: true }).count()).resolves.toBe(0);
    await page.close();
  });

  it('words a daily rhythm as "usually every day", not "every 1 days"; due today, the next order is expected', async () => {
    const page = await openPage(DAILY);
    await expect(fact(page, 'Expected next order').textContent()).resolves.toContain('usually every day');
    await page.close();
  });

  it('says why a regular silent over a year is on no list, valued at their last active year', async () => {
    const page = await openPage(GONE_A_YEAR);
    await expect(fact(page, 'Spend').textContent()).resolves.toContain('$6,000');
    // 20 weekly orders of $300: $6,000 over 19 weeks and one more, not $0 because the last is over a
    // year old.
    await expect(fact(page, 'Monthly value').textContent()).resolves.toBe('Monthly value$1,304/month');
    // A rule keeps them off the lists, and the page says so where the rep looks for them.
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain(
      'On no weekly list: no order in the last 365 days, longer than a win-back list reaches back.',
    );
    // Won back: the box starts at that value, and what the rep won, typed, is taken.
    const box = page.getByLabel('Value won back / month');
    await expect(box.inputValue()).resolves.toBe('1304');
    await box.fill('600');
    await page.getByRole('button', { name: 'Won back' }).click();
    await expect(
      page.getByText('Recorded: Old Mill Bakery won back ($600 a month).').textContent(),
    ).resolves.toBeTruthy();
    await page.close();
  });

  it('starts the Won back box of a customer valued at 0 empty, says what to type, and takes what is typed', async () => {
    const page = await openPage(NO_VALUE);
    await expect(fact(page, 'Monthly value').textContent()).resolves.toBe('Monthly value$0/month');
    // Not "0", which the save refuses: empty, with what to type.
    const box = page.getByLabel('Value won back / month');
    await expect(box.inputValue()).resolves.toBe('');
    await expect(box.getAttribute('placeholder')).resolves.toBe('e.g. 1,250.50');
    await page.getByRole('button', { name: 'Won back' }).click();
    await expect(
      page.getByText(/^Type the value won back in the box, e\.g\. 1,250\.50/).textContent(),
    ).resolves.toContain('Nothing was recorded on Hollow Tree Cafe.');
    // What the rep won, typed: taken, with no "ten times" of a $0 value to refuse it.
    await box.fill('600');
    await page.getByRole('button', { name: 'Won back' }).click();
    await expect(
      page.getByText('Recorded: Hollow Tree Cafe won back ($600 a month).').textContent(),
    ).resolves.toBeTruthy();
    await page.close();
  });

  it('states no chance of no order before a first order: a gap in the weekly chart, no figure on the page', async () => {
    const daily = await story(DAILY);
    const firstOrder = daily.facts.firstOrder ?? '';
    const { weeks } = await chart(DAILY);
    const before = weeks.filter((w) => w.week < firstOrder);
    const since = weeks.filter((w) => w.week >= firstOrder);
    expect(before.length).toBeGreaterThan(0);
    expect(since.length).toBeGreaterThan(0);
    // Not "0% chance of no order": they were not a customer yet.
    expect(before.map((w) => w.noOrderProbability)).toEqual(before.map(() => null));
    expect(since.every((w) => w.noOrderProbability !== null)).toBe(true);

    const prospect = await story(PROSPECT);
    expect(prospect.customer).toMatchObject({ kind: 'no_orders', noOrderChance: null });
    const page = await openPage(PROSPECT);
    // No fact states one (the weekly chart's heading and legend, drawn once uPlot has loaded, name its series).
    const stated = await page
      .locator('main')
      .evaluate(
        (main) =>
          [...main.querySelectorAll('*')].filter(
            (e) =>
              e.children.length === 0 &&
              !e.closest('.u-legend, h2') &&
              /^Chance of no order/.test(e.textContent ?? ''),
          ).length,
      );
    expect(stated).toBe(0);
    await page.close();
  });

  it('a save keeps in the story the weekly listing it followed, and an undo says what it undid', async () => {
    await act(BAYVIEW, { action: 'reached_out' });
    await act(BAYVIEW, { action: 'undo' });
    await act(BAYVIEW, { action: 'won_back', value: '700' });
    const detail = await story(BAYVIEW);
    expect(actions(detail)).toEqual([
      [DEMO_AS_OF, 'Won back', false],
      [DEMO_AS_OF, 'Undo: reached out', false],
      [DEMO_AS_OF, 'Reached out', true],
    ]);
    // The week the weekly run listed them, as it recorded it.
    expect(detail.timeline.filter((e) => e.kind === 'listing').map((e) => [e.day, e.title])).toEqual([
      [DEMO_AS_OF, `On ${detail.ownerName}'s card, week of 23 Nov`],
    ]);
  });

  it('a customer the export dropped keeps what reps did in their story, and the page does not say they never ordered', async () => {
    await act(GONE, { action: 'reached_out' });

    const detail = await story(GONE);
    expect(detail.customer.kind).toBe('not_in_feed');
    expect(actions(detail)).toEqual([
      [DEMO_AS_OF, 'Reached out', false],
      [DEMO_AS_OF, 'Put on the weekly list', false],
    ]);

    const page = await openPage(GONE);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('The order feed no longer holds this customer');
    // Not "Orders 0 · Spend $0": the export no longer says.
    expect(await page.getByText('Orders', { exact: true }).count()).toBe(0);
    expect(await page.locator('li[data-kind="action"]').first().textContent()).toContain('Reached out');
    await page.close();
  });

  it('states the score and chance `score --format json` give for the day after each tap: a save does not make them 0', async () => {
    const cli = (await scoreJson()).find((c) => c.customerId === ROSEMARY);
    if (!cli) throw new Error('Rosemary is not in the CLI output');
    const chance = `${Math.round(cli.listChance * 100)}%`;
    const listed = async () => {
      const list = (await api('/customers?q=Rosemary')) as CustomersResponse;
      return list.groups.flatMap((g) => g.rows).find((r) => r.customerId === ROSEMARY);
    };
    for (const tap of [
      { action: 'reached_out' },
      { action: 'undo' },
      { action: 'won_back', value: '400' },
      { action: 'undo' },
      { action: 'lost', reason: 'price' },
    ] satisfies ActionRequestBody[]) {
      await act(ROSEMARY, tap);
      expect([tap.action, (await story(ROSEMARY)).customer.score]).toEqual([
        tap.action,
        Math.round(cli.score),
      ]);
      expect([tap.action, (await listed())?.score]).toEqual([tap.action, Math.round(cli.score)]);
    }
    await act(ROSEMARY, { action: 'undo' });
    await act(ROSEMARY, { action: 'won_back' });
    const page = await openPage(ROSEMARY);
    await expect(
      fact(page, `Chance of no order in ${cli.listChanceDays} days`).textContent(),
    ).resolves.toContain(chance);
    await page.close();

    // The export no longer scores a dropped customer: after a save their page has no score to state,
    // not the "0" the save left in the stored row.
    await act(GONE, { action: 'won_back', value: '500' });
    expect((await story(GONE)).customer.score).toBeNull();
    const gone = await openPage(GONE);
    const score = (await fact(gone, 'Score').textContent()) ?? '';
    expect(score).not.toContain('0 / 100');
    expect(score).toContain('–');
    await gone.close();
  });

  it("reads the customer's whole name at Teams mobile's width (360 px), not a name cut off", async () => {
    const page = await openPage(GONE, 360);
    const heading = page.getByRole('heading', { level: 1 });
    await expect(heading.textContent()).resolves.toBe(GONE_NAME);
    // Clipped text is wider than the box that shows it.
    const clipped = await heading.evaluate((h) => h.scrollWidth - h.clientWidth);
    expect(clipped).toBe(0);
    await page.close();
  });

  it('shows the story while the last twelve weeks are worked out, then draws them; a failed chart says so and tries again', async () => {
    /** The customer's page whose chart requests are answered only when the test says, each as `answer` gives. */
    const pageWithHeldChart = async (answer: (route: Route) => Promise<void>) => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
      await keepPageLocal(page, e2e.stack.urls.bot);
      const held: Route[] = [];
      await page.route('**/api/tab/customer/chart?*', (route) => {
        held.push(route);
      });
      await page.goto(`${e2e.stack.urls.tabPersonal}?customer=${GREENFIELD}`);
      await page.locator('body[data-ready]').waitFor({ timeout: 30_000 });
      const release = async () => {
        await expect.poll(() => held.length).toBeGreaterThan(0);
        const route = held.shift();
        if (route) await answer(route);
      };
      return { page, release };
    };
    const weeks = (page: Page) =>
      page.locator('section', {
        has: page.getByRole('heading', { name: 'Chance of no order week by week' }),
      });

    const { page, release } = await pageWithHeldChart((route) => route.continue());
    // The story is there while the chart is not: the facts, the actions, the timeline.
    await expect(page.getByRole('heading', { name: 'Greenfield Cafe' }).isVisible()).resolves.toBe(true);
    await expect(fact(page, 'Last order').isVisible()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Reached out' }).isVisible()).resolves.toBe(true);
    await expect(page.locator('li[data-kind="order"]').count()).resolves.toBeGreaterThan(0);
    await expect(weeks(page).getByText('Working out the last 12 weeks…').isVisible()).resolves.toBe(true);
    await expect(weeks(page).locator('canvas').count()).resolves.toBe(0);
    await release();
    await weeks(page).locator('canvas').first().waitFor();
    await expect(weeks(page).getByText('Working out the last 12 weeks…').count()).resolves.toBe(0);
    await page.close();

    // The service fails the chart once: the page says so in words, keeps the rest, and Try again draws it.
    let failed = false;
    const failing = await pageWithHeldChart(async (route) => {
      if (failed) return route.continue();
      failed = true;
      await route.fulfill({ status: 500, contentType: 'application/json', body: '{}' });
    });
    await failing.release();
    const alert = weeks(failing.page).getByRole('alert');
    await expect(alert.textContent()).resolves.toContain(
      'The last 12 weeks could not load: Churn Predictor could not answer (HTTP 500). Try again in a moment.',
    );
    await expect(failing.page.locator('li[data-kind="order"]').count()).resolves.toBeGreaterThan(0);
    await alert.getByRole('button', { name: 'Try again' }).click();
    await failing.release();
    await weeks(failing.page).locator('canvas').first().waitFor();
    await expect(weeks(failing.page).getByRole('alert').count()).resolves.toBe(0);
    await failing.page.close();
  });
});

describe("a customer's story on an en-GB team in Los Angeles (LOCALE=en-GB), read in Teams in en-US and in de-DE", () => {
  let e2e: E2eStack;
  let browser: Browser;
  const hosts: TeamsHost[] = [];
  const saved = process.env.LOCALE;

  beforeAll(async () => {
    process.env.LOCALE = 'en-GB';
    [e2e, browser] = await Promise.all([
      startE2eStack({ weeklyRun: 'start', timeZone: 'America/Los_Angeles' }),
      launchChromium(),
    ]);
    await e2e.stack.automaticWeekly;
  });
  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.close()));
    await browser?.close();
    await e2e?.stack.stop();
    if (saved === undefined) delete process.env.LOCALE;
    else process.env.LOCALE = saved;
  });

  /** The personal tab inside a test Teams client whose locale is `teamsLocale`, on `customerId`'s page (or the list). */
  async function openInTeams(teamsLocale: string, customerId?: string): Promise<FrameLocator> {
    return (await openPageInTeams(teamsLocale, customerId)).tab;
  }
  async function openPageInTeams(
    teamsLocale: string,
    customerId?: string,
  ): Promise<{ page: Page; tab: FrameLocator }> {
    const host = await startTeamsHost({
      tabUrl: e2e.stack.urls.tabPersonal,
      token: () => e2e.stack.signTabToken(),
      context: { locale: teamsLocale, ...(customerId ? { subEntityId: customerId } : {}) },
    });
    hosts.push(host);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: teamsLocale });
    await keepPageLocal(page, new URL(host.url).origin.replace(/:\d+$/, ''));
    // The charts draw their axes on a canvas: what they write there is kept to be read.
    await page.addInitScript(() => {
      const drawn: string[] = [];
      Object.assign(window, { drawn });
      const fillText = CanvasRenderingContext2D.prototype.fillText;
      CanvasRenderingContext2D.prototype.fillText = function (text: string, x: number, y: number) {
        drawn.push(String(text));
        return fillText.call(this, text, x, y);
      };
    });
    await page.goto(host.url);
    const tab = page.frameLocator('#tab');
    await tab.locator('body[data-ready]').waitFor({ timeout: 30_000 });
    return { page, tab };
  }
  const fact = (tab: FrameLocator, label: string) =>
    tab.getByText(label, { exact: true }).first().locator('..');

  it('writes every date as the en-GB card does ("Tue 20 Oct"), in an en-US Teams and in a German one', async () => {
    // Greenfield's last order was on Tuesday 20 October, due again on Thursday 29 October: the card
    // says "Was due Thu 29 Oct" in en-GB, whatever the locale of the Teams client it is read in.
    for (const teamsLocale of ['en-US', 'de-DE']) {
      const tab = await openInTeams(teamsLocale, GREENFIELD);
      await expect(fact(tab, 'Last order').textContent()).resolves.toContain('Tue 20 Oct');
      await expect(fact(tab, 'Was due').textContent()).resolves.toContain('Thu 29 Oct');
      // The figures too: US$ as en-GB writes dollars, as the timeline's amounts and the card do.
      await expect(fact(tab, 'Monthly value').textContent()).resolves.toContain('US$2,400/month');
      const order = tab.locator('li[data-kind="order"]').first();
      await expect(order.textContent()).resolves.toMatch(/^Tue 20 OctOrderUS\$736\.32/);
      const list = await openInTeams(teamsLocale);
      await expect(list.getByText(/as of/).first().textContent()).resolves.toContain('as of Mon 23 Nov');
    }
  });

  it("writes the charts' axes in LOCALE too: spend ticks of 1,000 read '3,000' in a German Teams, not '3.000'", async () => {
    const { page, tab } = await openPageInTeams('de-DE', GREENFIELD);
    await tab.locator('canvas').first().waitFor();
    const frame = page.frames().find((f) => f.url().includes('/tab/personal'));
    if (!frame) throw new Error('no tab frame');
    // The order chart's spend axis, in money: Greenfield spends about US$2,000 to US$3,000 a month.
    await expect
      .poll(() => frame.evaluate(() => (window as unknown as { drawn: string[] }).drawn), { timeout: 10_000 })
      .toContain('US$2,000');
    const drawn = await frame.evaluate(() => (window as unknown as { drawn: string[] }).drawn);
    expect(drawn.filter((t) => /\d{1,3}\.\d{3}/.test(t))).toEqual([]);
  });

  it("gives each tap of a day its time on the team's clock, so Reached out, Undo and Won back read in order", async () => {
    const query = new URLSearchParams({ id: BAYVIEW });
    for (const body of [
      { action: 'reached_out' },
      { action: 'undo' },
      { action: 'won_back', value: '700' },
    ]) {
      const response = await fetch(`${e2e.stack.urls.bot}/api/tab/customer/actions?${query}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await e2e.stack.signTabToken()}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
    }
    // Los Angeles is eight hours behind UTC in November; en-GB writes the hour without a leading zero.
    const clock = (at: string) => {
      const la = new Date(Date.parse(at) - 8 * 3_600_000);
      return `${la.getUTCHours()}:${String(la.getUTCMinutes()).padStart(2, '0')}`;
    };
    const taps = (await e2e.storage.audit.latestForCustomer(BAYVIEW)).filter((r) => r.action !== 'surfaced');
    const [wonBack, undo, reachedOut] = ['won_back', 'undo', 'reached_out'].map((a) => {
      const row = taps.find((r) => r.action === a);
      if (!row) throw new Error(`no ${a} row`);
      return clock(row.at);
    });
    const tab = await openInTeams('en-US', BAYVIEW);
    const shown = await tab.locator('li[data-kind="action"]').allTextContents();
    expect(shown.slice(0, 3).map((t) => t.split('Ana Ruiz')[0])).toEqual([
      `Mon 23 Nov, ${wonBack}Won back`,
      `Mon 23 Nov, ${undo}Undo: reached out`,
      `Mon 23 Nov, ${reachedOut}Reached out (undone)`,
    ]);
  });
});
