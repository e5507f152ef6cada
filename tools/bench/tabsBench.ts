import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { tabWebRoot } from '../../functions/tabPages';
import { launchChromium } from '../../test/helpers/chromium';
import { findFreePort } from '../local/playground';
import { DEMO_AS_OF, DEMO_REP_EMAIL, nameFromEmail } from '../local/settings';
import { startStack } from '../local/stack';

/**
 * The tabs' first load on the local host, as `npm start` serves them. Prints the built
 * bundle's size (raw, gzip, brotli) and, in Debian's Chromium, the time from navigation to the first
 * contentful paint and to the first meaningful paint (the tab's data on screen: the `tab-ready`
 * mark), for a cold server (first request: the feed is read and scored) and warm (median of the next
 * runs), each in a fresh browser context (nothing cached). Target: under 1.5 s.
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
    const pages = [
      { name: 'personal (My customers)', url: stack.urls.tabPersonal },
      { name: 'customer page', url: `${stack.urls.tabPersonal}?customer=C-1001` },
      { name: 'team', url: stack.urls.tabTeam },
    ];
    for (const { name, url } of pages) {
      const runs: { fcp: number; ready: number }[] = [];
      for (let k = 0; k < RUNS; k++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const page = await context.newPage();
        await page.goto(url);
        await page.waitForSelector('body[data-ready]', { timeout: 30_000 });
        runs.push(
          await page.evaluate(() => ({
            fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
            ready: performance.getEntriesByName('tab-ready')[0]?.startTime ?? Number.NaN,
          })),
        );
        await context.close();
      }
      const [cold, ...warm] = runs;
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      console.log(
        `  ${name.padEnd(24)} first paint ${ms(cold.fcp)} cold, ${ms(median(warm.map((r) => r.fcp)))} warm; ` +
          `meaningful paint ${ms(cold.ready)} cold, ${ms(median(warm.map((r) => r.ready)))} warm (median of ${warm.length})`,
      );
    }
  } finally {
    await browser.close();
    await stack.stop();
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
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
