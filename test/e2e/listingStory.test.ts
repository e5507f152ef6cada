import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weeklyRunKeyOfDay } from '../../jobs/schedule/weeklyRunDue';
import { dayOf, isoOfDay } from '../../rules/book';
import type { ListedWeek } from '../../rules/listedWeeks';
import type { CustomerDetailResponse } from '../../tabs/api/tabTypes';
import { keepPageLocal, launchChromium } from '../helpers/chromium';
import { type E2eStack, startE2eStack } from './e2eStack';

/**
 * A manager reads the story of a customer on Ana's card five weeks running, and of an earlier run
 * of weeks they fell off: the customer page in Chromium, on a desktop and on a 360 px phone, over the
 * stack's own weekly run (the demo book's Monday) with the weeks before it as earlier runs kept them.
 */

/** Ana's slipping customer on the demo card. */
const GREENFIELD = 'C-1001';
/** Where the screenshots are kept for a reader to look at. */
const SHOTS = process.env.TIMELINE_SHOTS ?? '';

describe('the customer page tells every week on the card (Chromium)', () => {
  let e2e: E2eStack;
  let browser: Browser;
  /** Greenfield's week as the stack's own weekly run recorded it. */
  let today: ListedWeek;

  beforeAll(async () => {
    [e2e, browser] = await Promise.all([startE2eStack({ weeklyRun: 'start' }), launchChromium()]);
    await e2e.stack.automaticWeekly;
    const [recorded] = await e2e.storage.listings.read(GREENFIELD);
    if (!recorded) throw new Error('the weekly run recorded no week for Greenfield');
    today = recorded;
    const earlier = (run: string, day: string, chance: number, place: Partial<ListedWeek> = {}) => ({
      customerId: GREENFIELD,
      week: { ...today, run, day, chance, rank: 4, page: 1, ...place },
    });
    // The earlier weeks' runs, as the ledger would hold them: the story reads which weeks had a run.
    for (let day = '2026-08-31'; weeklyRunKeyOfDay(day) < today.run; day = isoOfDay(dayOf(day) + 7)) {
      await e2e.storage.runs.startRun(weeklyRunKeyOfDay(day), `${day}T14:03:00.000Z`);
      await e2e.storage.runs.finishRun(weeklyRunKeyOfDay(day), `${day}T14:10:00.000Z`, {});
    }
    await e2e.storage.listings.append([
      earlier('weekly-2026-W36', '2026-08-31', 9),
      earlier('weekly-2026-W37', '2026-09-07', 11, { rank: 13, page: 2 }),
      earlier('weekly-2026-W44', '2026-10-26', 12),
      earlier('weekly-2026-W45', '2026-11-02', 15, { rank: 13, page: 2 }),
      earlier('weekly-2026-W46', '2026-11-09', 18, { rank: 3 }),
      earlier('weekly-2026-W47', '2026-11-16', 22, { rank: 2 }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await e2e?.stack.stop();
  });

  async function openPage(width: number): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 }, locale: 'en-US' });
    await keepPageLocal(page, e2e.stack.urls.bot);
    await page.goto(`${e2e.stack.urls.tabPersonal}?customer=${encodeURIComponent(GREENFIELD)}`);
    await page.locator('body[data-ready]').waitFor({ timeout: 30_000 });
    return page;
  }

  async function ownerName(): Promise<string> {
    const token = await e2e.stack.signTabToken();
    const response = await fetch(`${e2e.stack.urls.bot}/api/tab/customer?id=${GREENFIELD}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return ((await response.json()) as CustomerDetailResponse).ownerName;
  }

  for (const width of [1280, 360]) {
    it(`shows each run of weeks as one line, each week under it, and why they left (${width} px)`, async () => {
      const name = await ownerName();
      const page = await openPage(width);
      const listings = page.locator('li[data-kind="listing"]');
      await expect(listings.allTextContents()).resolves.toHaveLength(3);
      const current = listings.filter({ hasText: `On ${name}'s card, 5 weeks` });
      await expect(current.textContent()).resolves.toContain('26 Oct – 23 Nov');
      await expect(current.textContent()).resolves.toContain(
        `chance of no order 12%\u00a0→\u00a0${today.chance}%`,
      );
      await expect(current.textContent()).resolves.toContain('still on it');
      await current.getByText('Each week').click();
      const weeks = current.locator('details li');
      await expect(weeks.allTextContents()).resolves.toHaveLength(5);
      await expect(weeks.nth(1).textContent()).resolves.toBe(
        'Mon 2 Nov: slipping, 15%, no. 13 on the list, on a later page',
      );
      // The earlier run ended on 7 September: the page says, on the next Monday, why they left.
      const left = listings.filter({ hasText: `Off ${name}'s list` });
      await expect(left.textContent()).resolves.toMatch(/Mon 14 Sep[\s\S]*(Ordered again on|Fell off)/);
      // Nothing wider than the phone: no sideways scrolling to read a line.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      if (SHOTS) {
        await mkdir(SHOTS, { recursive: true });
        // The innermost section holding the heading: the timeline alone, not the page around it.
        const timeline = page.locator('section', { has: page.locator('h2', { hasText: 'Timeline' }) }).last();
        await timeline.screenshot({ path: `${SHOTS}/timeline-${width}.png` });
      }
      await page.close();
    });
  }
});
