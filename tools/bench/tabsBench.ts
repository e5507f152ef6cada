import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { tabWebRoot } from '../../functions/tabPages';
import { dayOf, isoOfDay } from '../../rules/book';
import { STATE_REREAD_MARGIN_MS } from '../../storage/keptStates';
import { launchChromium } from '../../test/helpers/chromium';
import { wholesaleBook } from '../../test/synthetic/wholesaleBook';
import { findFreePort } from '../local/playground';
import { DEMO_AS_OF, DEMO_REP_EMAIL, nameFromEmail } from '../local/settings';
import { startStack } from '../local/stack';
import { writeFeedFolder } from './feedFolder';

/**
 * The tabs' first load on the local host, as `npm start` serves them. Prints the built
 * bundle's size (raw, gzip, brotli) and, in Debian's Chromium, the time from navigation to the first
 * contentful paint and to the first meaningful paint (the tab's data on screen: the `tab-ready`
 * mark), for a cold server (first request: the feed is read and scored) and warm (median of the next
 * runs), each in a fresh browser context (nothing cached), with the bytes the tab API sent. Target:
 * under 1.5 s. Then a manager on a big book (30,000 customers, 120 reps): the same, with cold the
 * first load of a new day (the book read and scored again, as after a new export) and warm the loads after it.
 */

const RUNS = 6;

async function bundle(): Promise<void> {
  const assets = join(tabWebRoot(), 'assets');
  const files = (await readdir(assets)).filter((f) => f.endsWith('.js') || f.endsWith('.css'));
  if (files.length === 0) throw new Error('No built tabs: run `npm run build` first.');
  // What index.html loads up front; the rest (team, customer page, chart, teams-js) loads on demand.
  const html = await readFile(join(tabWebRoot(), 'index.html'), 'utf8');
  const initial = files.filter((f) => html.includes(`assets/${f}`));
  let raw = 0;
  let gz = 0;
  let br = 0;
  let initialGz = 0;
  for (const file of files) {
    const bytes = await readFile(join(assets, file));
    const g = gzipSync(bytes, { level: 9 }).length;
    const b = brotliCompressSync(bytes).length;
    raw += bytes.length;
    gz += g;
    br += b;
    if (initial.includes(file)) initialGz += g;
    const when = initial.includes(file) ? 'first load' : 'on demand';
    console.log(`  ${file.padEnd(28)} ${kb(bytes.length)} raw, ${kb(g)} gzip, ${kb(b)} brotli  (${when})`);
  }
  console.log(`  bundle total                 ${kb(raw)} raw, ${kb(gz)} gzip, ${kb(br)} brotli`);
  console.log(`  loaded up front              ${kb(initialGz)} gzip`);
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`.padStart(9);
}

interface TabPage {
  name: string;
  url: string;
}

/**
 * Each page's first load in `runs` fresh browser contexts: the first and the meaningful paint, and
 * the bytes the tab API answered with. `beforeCold` runs before the first load of each page (the
 * big book moves the clock a day there, so the first load reads and scores the feed again).
 */
async function measure(
  browser: Browser,
  pages: readonly TabPage[],
  runs: number,
  beforeCold: () => Promise<void> = async () => undefined,
): Promise<void> {
  for (const { name, url } of pages) {
    const loads: { fcp: number; ready: number; apiBytes: number }[] = [];
    await beforeCold();
    for (let k = 0; k < runs; k++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const bodies: Promise<number>[] = [];
      page.on('response', (response) => {
        if (new URL(response.url()).pathname.startsWith('/api/tab/'))
          bodies.push(response.body().then((b) => b.length));
      });
      await page.goto(url);
      await page.waitForSelector('body[data-ready]', { timeout: 120_000 });
      const paints = await page.evaluate(() => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
        ready: performance.getEntriesByName('tab-ready')[0]?.startTime ?? Number.NaN,
      }));
      const apiBytes = (await Promise.all(bodies)).reduce((a, b) => a + b, 0);
      loads.push({ ...paints, apiBytes });
      await context.close();
    }
    const [cold, ...warm] = loads;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(
      `  ${name.padEnd(24)} first paint ${ms(cold.fcp)} cold, ${ms(median(warm.map((r) => r.fcp)))} warm; ` +
        `meaningful paint ${ms(cold.ready)} cold, ${ms(median(warm.map((r) => r.ready)))} warm (median of ${warm.length}); ` +
        `API ${kb(cold.apiBytes)}`,
    );
  }
}

async function firstLoad(): Promise<void> {
  const stack = await startStack({
    // The Playground needs a concrete port (it is part of the serviceUrl it hands the bot).
    ports: { bot: 0, playground: await findFreePort(), blob: 0, queue: 0, table: 0 },
    asOf: DEMO_AS_OF,
    timeZone: 'UTC',
    feedDir: join(__dirname, '..', '..', 'demo', 'feed'),
    feedContainer: 'feed',
    rep: { email: DEMO_REP_EMAIL, name: nameFromEmail(DEMO_REP_EMAIL) },
    weeklyRun: 'start',
  });
  const browser = await launchChromium();
  try {
    await measure(
      browser,
      [
        { name: 'personal (My customers)', url: stack.urls.tabPersonal },
        { name: 'customer page', url: `${stack.urls.tabPersonal}?customer=C-1001` },
        { name: 'team', url: stack.urls.tabTeam },
      ],
      RUNS,
    );
  } finally {
    await browser.close();
    await stack.stop();
  }
}

/** The big book: 30,000 customers of a wholesaler shared by 120 reps, as of the day after its export. */
const BIG = { customers: 30_000, reps: 120, asOf: '2026-11-02' };
const BIG_RUNS = 4;

/** The big book's feed folder: the wholesaler's, its owners spread over the reps. */
async function writeBigFeed(dir: string): Promise<void> {
  await writeFeedFolder(wholesaleBook({ seed: 7, customers: BIG.customers, reps: BIG.reps }).book, dir);
}

/** The manager's view of the big book: both tabs, cold (after a new export) and warm. */
async function bigBook(): Promise<void> {
  const feedDir = await mkdtemp(join(tmpdir(), 'tabs-bench-big-'));
  await writeBigFeed(feedDir);
  // The Playground's user is rep 0 and a manager (MANAGER_USER_IDS names their Entra object id).
  process.env.MANAGER_USER_IDS = '00000000-0000-0000-0000-0000000000a1';
  const stack = await startStack({
    ports: { bot: 0, playground: await findFreePort(), blob: 0, queue: 0, table: 0 },
    asOf: BIG.asOf,
    timeZone: 'UTC',
    feedDir,
    feedContainer: 'feed',
    rep: { email: 'rep0@distributor.example', name: 'Rep Zero' },
    weeklyRun: 'start',
  });
  delete process.env.MANAGER_USER_IDS;
  // The tabs read again, at each load, the stored customers written in the last minute: the weekly
  // run has just written all 30,000. Measured a minute later, as a manager opening the tab later would.
  await new Promise((resolve) => setTimeout(resolve, STATE_REREAD_MARGIN_MS));
  const browser = await launchChromium();
  let days = 0;
  try {
    await measure(
      browser,
      [
        { name: 'personal (My customers)', url: stack.urls.tabPersonal },
        { name: 'team', url: stack.urls.tabTeam },
      ],
      BIG_RUNS,
      // The next day: the first load reads and scores the feed again, as after a new export (which
      // the tabs see at their next check, within FEED_RECHECK_MS) or on a cold instance.
      () => stack.setDay(isoOfDay(dayOf(BIG.asOf) + ++days)),
    );
  } finally {
    await browser.close();
    await stack.stop();
    await rm(feedDir, { recursive: true, force: true });
  }
}

function ms(x: number): string {
  return `${Math.round(x)} ms`.padStart(8);
}

async function main(): Promise<void> {
  console.log('Bundle (dist/tabs/web/assets):');
  await bundle();
  console.log(`Chromium, local host (demo book, 300 customers), fresh context each run:`);
  await firstLoad();
  console.log(
    `Chromium, local host, a manager on a big book (${BIG.customers.toLocaleString('en-US')} customers, ${BIG.reps} reps); cold = the first load of a new day (the feed read and scored again):`,
  );
  await bigBook();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
