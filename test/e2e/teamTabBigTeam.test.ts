import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTeamsConnector } from '../fakes/teamsConnector';
import { launchChromium } from '../helpers/chromium';
import { ofType } from '../unit/cards/cardWalk';
import { type E2eStack, startE2eStack } from './e2eStack';

/**
 * The Team tab of a team of 40 reps in Chromium, as a manager: every rep got this week's card (the
 * Playground's user through the Playground, the others through a Teams connector that keeps Teams'
 * published limits), and nobody has tapped yet.
 */

const REPS = 40;
const rep = (i: number) => `rep${String(i).padStart(2, '0')}@big.example`;
/** Rep 01 is Zed Quinn: his address sorts second, his name last. */
const repName = (i: number) => (i === 1 ? 'Zed Quinn' : `Rep ${String(i).padStart(2, '0')}`);
/** Rep 39, last by name, has the most customers on their list: eight; the others one to four. */
const listed = (i: number) => (i === REPS - 1 ? 8 : 1 + (i % 4));

/** Weekly orders from `from` to `to`, as CSV rows. */
function weekly(customerId: string, from: string, to: string): string[] {
  const rows: string[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += 7 * 86_400_000)
    rows.push(`${customerId}-${t},${customerId},${new Date(t).toISOString().slice(0, 10)},300`);
  return rows;
}

/** Each rep's customers who stopped ordering weekly in September (at risk on 2026-11-23), and one steady. */
async function writeFeed(dir: string): Promise<void> {
  const customers = ['customer_id,name,owner,monthly_value'];
  const orders = ['order_id,customer_id,ordered_at,amount'];
  for (let i = 0; i < REPS; i++) {
    for (let k = 0; k < listed(i); k++) {
      const id = `S${i}-${k}`;
      // Rep 05 sells big: a save of his may be worth $1,250,000 a month (at most ten times the value).
      const value = i === 5 ? 130_000 : 1000 + 10 * k;
      customers.push(`${id},Slipping ${k} of ${repName(i)},${rep(i)},${value}`);
      orders.push(...weekly(id, '2026-01-05', '2026-09-14'));
    }
    customers.push(`OK${i},Steady of ${repName(i)},${rep(i)},900`);
    orders.push(...weekly(`OK${i}`, '2026-01-05', '2026-11-20'));
  }
  await writeFile(join(dir, 'customers.csv'), `${customers.join('\n')}\n`);
  await writeFile(join(dir, 'orders.csv'), `${orders.join('\n')}\n`);
}

describe('the Team tab of a team of 40 reps', () => {
  let feedDir: string;
  let fake: FakeTeamsConnector;
  let e2e: E2eStack;
  let browser: Browser;

  beforeAll(async () => {
    feedDir = await mkdtemp(join(tmpdir(), 'big-team-'));
    await writeFeed(feedDir);
    fake = await FakeTeamsConnector.start();
    // The Playground's user (rep 00) is a manager, as MANAGER_USER_IDS makes them in Azure.
    process.env.MANAGER_USER_IDS = '00000000-0000-0000-0000-0000000000a1';
    [e2e, browser] = await Promise.all([
      startE2eStack({ feedDir, rep: { email: rep(0), name: repName(0) } }),
      launchChromium(),
    ]);
    delete process.env.MANAGER_USER_IDS;
    for (let i = 1; i < REPS; i++) {
      await e2e.storage.conversations.saveRep({
        userId: `aad-${i}`,
        name: repName(i),
        email: rep(i),
        tenantId: e2e.stack.playground.tenantId,
        serviceUrl: fake.serviceUrl,
        reference: {
          serviceUrl: fake.serviceUrl,
          channelId: 'msteams',
          conversation: { id: `a:conv-${i}`, conversationType: 'personal' },
          bot: { id: '28:churn-bot' },
          user: { id: `29:${i}`, name: repName(i) },
        },
      });
    }
    const report = await e2e.stack.runWeeklyNow();
    expect(report).toMatchObject({ status: 'completed', counts: { delivered: REPS } });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await e2e?.stack.stop();
    await fake?.stop();
    if (feedDir) await rm(feedDir, { recursive: true, force: true });
  });

  async function openTeamTab(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(e2e.stack.urls.tabTeam);
    await page.locator('body[data-ready]').waitFor({ timeout: 60_000 });
    return page;
  }

  it('shows the reps with the most untouched first and ten reps a box, with a button for all', async () => {
    const page = await openTeamTab();
    const untouched = page.getByRole('region', { name: 'Untouched this week' });
    // Rep 39 has the most names nobody has called: a manager reads them first, not Rep 00's one.
    await expect(untouched.locator('strong').first().textContent()).resolves.toBe(repName(REPS - 1));
    await expect(untouched.locator('strong').count()).resolves.toBe(10);
    const total = Array.from({ length: REPS }, (_, i) => listed(i)).reduce((a, b) => a + b, 0);
    await expect(
      untouched.getByText(`${total} of the ${total} customers on this week's cards, 40 reps`).isVisible(),
    ).resolves.toBe(true);
    await untouched.getByRole('button', { name: 'Show all 40 reps' }).click();
    await expect(untouched.locator('strong').count()).resolves.toBe(REPS);

    const atRisk = page.getByRole('region', { name: 'Value at risk by rep' });
    const bars = atRisk.getByTitle(/^(Rep \d\d|Zed Quinn)$/);
    await expect(bars.count()).resolves.toBe(10);
    await atRisk.getByRole('button', { name: 'Show all 40 reps' }).click();
    await expect(bars.count()).resolves.toBe(REPS);
    // The months and the losses are no longer thousands of pixels below the fold.
    await page.reload();
    await page.locator('body[data-ready]').waitFor({ timeout: 60_000 });
    const months = await page.getByRole('region', { name: 'Saves and losses per month' }).boundingBox();
    expect(months?.y).toBeLessThan(1_500);
    await page.close();
  });

  it('lists the reps to filter by in the order of their names, as the manager reads them', async () => {
    const page = await openTeamTab();
    const names = await page
      .getByRole('combobox', { name: 'Filter by rep' })
      .locator('option')
      .allTextContents();
    expect(names[0]).toBe('Everyone');
    expect(names.slice(1)).toEqual(Array.from({ length: REPS }, (_, i) => repName(i)).sort());
    await page.close();
  });

  it('My customers names the reps to pick from, in the order of their names, as the Team tab does', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(e2e.stack.urls.tabPersonal);
    await page.locator('body[data-ready]').waitFor({ timeout: 60_000 });
    const whose = page.getByRole('combobox', { name: 'Whose' });
    const names = await whose.locator('option').allTextContents();
    expect(names.slice(0, 2)).toEqual(['Mine', "Everyone's"]);
    expect(names.slice(2)).toEqual(Array.from({ length: REPS }, (_, i) => repName(i)).sort());
    await whose.selectOption({ label: 'Zed Quinn' });
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Customers of Zed Quinn',
    );
    await page.close();
  });

  it("draws the value axis wide enough for a team's six-figure value won back", async () => {
    // Rep 05 records a save worth $1,250,000 a month from his weekly card, as Teams delivers a tap.
    const [sent] = fake.sentTo('a:conv-5');
    const won = ofType(sent.activity, 'Action.Submit')
      .map((a) => a.data as Record<string, unknown>)
      .find((d) => d.action === 'won_back') as {
      fields: { value: string };
    };
    const tenant = e2e.stack.playground.tenantId;
    const answer = await fetch(e2e.stack.urls.messages, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: 'tap-1',
        channelId: 'msteams',
        serviceUrl: fake.serviceUrl,
        value: { ...won, [won.fields.value]: '1250000' },
        replyToId: sent.activityId,
        from: { id: '29:5', name: repName(5), aadObjectId: 'aad-5' },
        recipient: { id: '28:churn-bot' },
        conversation: { id: 'a:conv-5', conversationType: 'personal', tenantId: tenant },
        channelData: { tenant: { id: tenant } },
      }),
    });
    expect(answer.status).toBe(200);
    const page = await openTeamTab();
    const months = page.getByRole('region', { name: 'Saves and losses per month' });
    await expect(months.getByRole('row').last().textContent()).resolves.toContain('$1,250,000');
    const canvas = months.locator('canvas');
    await canvas.waitFor();
    // The right axis's labels ("1,000,000") end inside the plot: its last pixels are blank, not a cut digit.
    const inked = await canvas.evaluate((c: HTMLCanvasElement) => {
      const context = c.getContext('2d');
      const edge = context?.getImageData(c.width - 4, 0, 4, c.height).data ?? [];
      return Array.from(edge).filter((alpha, k) => k % 4 === 3 && alpha > 0).length;
    });
    expect(inked).toBe(0);
    await page.close();
  });

  it('before next Monday\'s run, says no card has gone out this week rather than "every customer handled"', async () => {
    await e2e.stack.setDay('2026-11-30');
    const page = await openTeamTab();
    const untouched = page.getByRole('region', { name: 'Untouched this week' });
    await expect(untouched.textContent()).resolves.toContain('No weekly card has gone out this week yet.');
    await page.close();
  });
});
