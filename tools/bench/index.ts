import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * `npm run bench [section...]`: runs each benchmark in its own process (so memory figures are its
 * own and one failure does not hide the rest) and prints what it reports. Sections, by issue:
 */
const SECTIONS: Record<string, { file: string; what: string }> = {
  pipeline: {
    file: 'pipelineBench.ts',
    what: 'read + score 100k/2M and 1M/20M, peak memory, vs DuckDB',
  },
  feed: {
    file: 'feedBench.ts',
    what: 'read + score 100k/2M as a score process vs DuckDB RFM as a process; 1M/20M time and peak RSS; the export corpus',
  },
  score: { file: 'scoreBench.ts', what: 'scoreBook alone on an in-memory 100k/2M book' },
  crash: {
    file: 'crashBench.ts',
    what: 'weekly run SIGKILLed at 24 random points mid-send, rerun: cards Teams got twice per kill',
  },
  storage: {
    file: 'storageBench.ts',
    what: '10k and 100k state rows, batched vs one by one, on Azurite',
  },
  actions: { file: 'actionBench.ts', what: 'p50/p95 of one card action end to end, 500 actions' },
  weekly: {
    file: 'weeklyBench.ts',
    what: 'weekly run of 10k customers / 200 reps vs the Teams rate bound',
  },
  followups: {
    file: 'followUpsBench.ts',
    what: "daily follow-up run of 10k customers / 200 reps vs the Teams rate bound; the feed an hour of a stopped day's ticks downloads",
  },
  weeklyMemory: {
    file: 'weeklyMemoryBench.ts',
    what: "the weekly run's working set (book, stored states, plan) at 1M customers / 20M orders",
  },
  bgnbd: { file: 'bgnbdBench.ts', what: 'BG/NBD fit and scoring on 100k simulated customers' },
  model: { file: 'bgnbdScoreBench.ts', what: 'scoreBook with the cadence model on 100k customers' },
  bookModel: {
    file: 'bookModelBench.ts',
    what: "scoreBook fitting the book's own model (100k customers / 2M orders), learning on vs off",
  },
  lists: {
    file: 'listsBench.ts',
    what: "each rep's list per book: sizes, counts by kind, precision of the slipping rows vs longest-since",
  },
  pages: {
    file: 'pagesBench.ts',
    what: "cutting every rep's long list into card-sized pages, a 100k book where nearly everyone is listed",
  },
  list: {
    file: 'listBench.ts',
    what: '`list` and its next page on a 100k/2M book: read + plan on every page vs the kept feed and plan',
  },
  tabs: {
    file: 'tabsBench.ts',
    what: "the tabs' bundle size and first (meaningful) paint in Chromium on the local host",
  },
  tabsBig: {
    file: 'tabsBigBench.ts',
    what: "the tab API on a 100k/2M book, heap capped as in Azure: a manager's first list, the Team tab, a customer page's chart; peak RSS and live heap",
  },
  year: {
    file: 'yearBench.ts',
    what: 'the rows 1, 2 and 5 years of a 20-rep team leave (run ledger, a busy customer, a rep’s cards, the month table) and the reads that grow with them, on Azurite',
  },
  refresh: {
    file: 'cardRefreshBench.ts',
    what: "a tap's read of this week's cards in a rep's chat after 1, 13, 52 and 104 weeks of cards: rows the service walks, requests, time, on Azurite",
  },
  coldStart: {
    file: 'coldStartBench.ts',
    what: 'new process to the first bot reply, tsc output vs the esbuild bundle, on Azurite',
  },
};

const requested = process.argv.slice(2);
const unknown = requested.filter((s) => !(s in SECTIONS));
if (unknown.length > 0) {
  console.error(`Unknown section(s): ${unknown.join(', ')}. Sections: ${Object.keys(SECTIONS).join(', ')}`);
  process.exit(2);
}

let failed = 0;
for (const [name, section] of Object.entries(SECTIONS)) {
  if (requested.length > 0 && !requested.includes(name)) continue;
  console.log(`\n=== ${name}: ${section.what}`);
  const started = Date.now();
  const child = spawnSync(process.execPath, [...process.execArgv, join(__dirname, section.file)], {
    stdio: 'inherit',
  });
  if (child.status !== 0) {
    failed++;
    console.log(`!!! ${name} failed (exit ${child.status ?? child.signal})`);
  }
  console.log(`(${name}: ${((Date.now() - started) / 1000).toFixed(0)} s)`);
}
process.exitCode = failed > 0 ? 1 : 0;
