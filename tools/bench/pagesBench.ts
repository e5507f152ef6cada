import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWeeklyCard } from '../../cards/buildWeeklyCard';
import { readFeed } from '../../feed/readFeed';
import { weeklyRunKeyOfDay } from '../../jobs/schedule/weeklyRunDue';
import { repCardData } from '../../jobs/weekly/weeklyCardFor';
import { planWeek } from '../../jobs/weekly/weeklyPlan';
import { defaultRules } from '../../rules';
import { generateLargeFeed } from './generateLargeFeed';

/**
 * Cutting long lists into pages that fit a card: a 100,000-customer book scored a year after its
 * last order, so nearly everyone is on a list (50 reps, about 1,900 rows each). Every card the bot
 * sends (the weekly card, `list`, "Show the next") cuts the rep's list from its page on, to say how
 * many pages there are: this is the cost of that per row.
 */
async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pages-bench-'));
  try {
    await generateLargeFeed(dir, { customers: 100_000, orders: 2_000_000 });
    const { book } = await readFeed(dir, {});
    const rules = defaultRules();
    const asOf = '2026-12-28';
    const runKey = weeklyRunKeyOfDay(asOf);
    const { weeks } = planWeek(book, rules, new Map(), {
      localDate: asOf,
      runKey,
      runAt: `${asOf}T07:00:00.000Z`,
    });
    const rows = weeks.reduce((sum, w) => sum + w.shown.length + w.overflow.length, 0);
    const options = { date: asOf, horizonDays: 90 };

    let started = performance.now();
    let pages = 0;
    for (const week of weeks) pages += repCardData(week, rules, runKey, options).page?.pageCount ?? 0;
    const sizing = performance.now() - started;

    console.log(`${weeks.length} reps, ${rows.toLocaleString('en-US')} rows on their lists, ${pages} pages`);
    console.log(
      `  cutting every rep's list into pages (page 1 of each): ${sizing.toFixed(0)} ms, ${((1000 * sizing) / rows).toFixed(1)} µs a row`,
    );
    // One card built, for scale: what the cutting of a whole list costs beside one card.
    started = performance.now();
    buildWeeklyCard(repCardData(weeks[0], rules, runKey, options));
    console.log(`  one rep's page 1, cut and built: ${(performance.now() - started).toFixed(0)} ms`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
