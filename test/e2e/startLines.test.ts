import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WeeklyFeedStopped } from '../../jobs/weekly/weeklyReport';
import { PlaygroundClient } from '../../tools/local/playgroundClient';
import { DEMO_REP_EMAIL, parseLocalSettings } from '../../tools/local/settings';
import { prefixedLog, startStack } from '../../tools/local/stack';
import { shownLine, start, userMistake, weeklyLine } from '../../tools/local/start';
import { startE2eStack } from './e2eStack';

// What `npm start` prints of the weekly run, pure: a user trying their own feed must see what the
// feed got wrong without --verbose.

describe('npm start, the weekly run in the terminal', () => {
  it('a feed that stops the run is named with its message, not only its code', () => {
    const message =
      'orders.csv has no column "amount" (mapped to "Gross Amount"). Headers found: "Invoice No", "A/C", "Invoice Date", "Gross".';
    const stopped: WeeklyFeedStopped = {
      status: 'stopped',
      reason: 'feed_error',
      runKey: 'weekly-2026-W48',
      localDate: '2026-11-23',
      feedError: { code: 'missing_column', file: 'orders.csv', message },
      adminNotice: 'not_configured',
      retry: 'next_tick',
    };
    const line = weeklyLine(stopped, 'olivia.hart@contoso.example');
    expect(line).toContain(message);
    expect(line).toMatch(/^The weekly job stopped before sending anything: /);
  });

  it("shows the feed's skipped rows, and keeps the other weekly warnings and service chatter for --verbose", () => {
    const skipped =
      '[weekly:warn] feed: 2 rows skipped\norders.csv line 4: ordered_at: not a date: "20/11/2026"';
    expect(shownLine(skipped, false)).toBe(true);
    // With no row skipped, what the run made of the feed all the same: a clean export's refunds.
    const clean =
      '[weekly] feed: 0 rows skipped\norders.csv: 1,200 rows read, 975 kept, 0 skipped\n  status: 225 orders left out, never placed or undone ("refunded" 150, "voided" 75)';
    expect(shownLine(clean, false)).toBe(true);
    expect(shownLine('[weekly:warn] 4 reps could not be reached', false)).toBe(false);
    expect(shownLine('[weekly] weekly run starting', false)).toBe(false);
    expect(shownLine('[bot:warn] summary channel changed', false)).toBe(true);
    expect(shownLine('[weekly] weekly run starting', true)).toBe(true);
  });

  it("prints a warning's data on its first line, not after the last skipped row", () => {
    const lines: string[] = [];
    prefixedLog('weekly', (line) => lines.push(line)).warn(
      'feed: 2 rows skipped\norders.csv line 4: ordered_at: not a date: "20/11/2026"',
      { runKey: 'weekly-2026-W48' },
    );
    expect(lines).toEqual([
      '[weekly:warn] feed: 2 rows skipped { runKey: \'weekly-2026-W48\' }\norders.csv line 4: ordered_at: not a date: "20/11/2026"',
    ]);
  });
});

describe('npm start --feed with the exports under their own names', () => {
  it("stops at once with the feed's message, not a stack trace", async () => {
    // As Shopify's admin names its exports, not yet saved as customers.csv and orders.csv.
    const dir = await mkdtemp(join(tmpdir(), 'start-shopify-'));
    try {
      await writeFile(join(dir, 'customers_export.csv'), 'Customer ID,First Name,Email\n');
      await writeFile(join(dir, 'orders_export_1.csv'), 'Name,Email,Total,Created at\n');
      const error = await start(['--feed', dir]).then(
        () => null,
        (e: unknown) => e,
      );
      expect(userMistake(error)).toBe(
        `\nThe feed folder "${dir}" has no orders.csv (nor orders.txt, orders.tsv, orders.csv.gz, orders.zip, orders.parquet, orders.xlsx, a folder orders/ of Parquet or CSV part files, or a zip holding orders.csv). The folder has "orders_export_1.csv", which the feed does not read under that name: rename it orders.csv. A feed needs orders (customers are taken from the orders when there is no customers file; tickets are optional), each as .csv (or a .txt or .tsv text export, any of them gzipped as .csv.gz or zipped), .parquet (or a folder of Parquet or CSV part files) or .xlsx.`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('npm start --rules with a mistake in the file', () => {
  it("stops at once with the rules file's message, not a stack trace", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'start-rules-'));
    try {
      const rules = join(dir, 'rules.json');
      await writeFile(rules, '{ "capPerRep": 0 }');
      const anyPorts = ['--bot-port', '0', '--blob-port', '0', '--queue-port', '0', '--table-port', '0'];
      const failed = (args: string[]) =>
        start([...anyPorts, '--weekly', 'off', ...args]).then(
          () => null,
          (e: unknown) => e,
        );
      expect(userMistake(await failed(['--rules', rules]))).toBe(
        `\nInvalid rules file ${rules}:\n  capPerRep: must be >= 1`,
      );
      expect(userMistake(await failed(['--rules', join(dir, 'typo.json')]))).toBe(
        `\nInvalid rules file:\n  rules file not found: ${join(dir, 'typo.json')}`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('npm start while an earlier one runs', () => {
  it('says the earlier one is still running, once, not five ports to move', async () => {
    const first = await startE2eStack();
    try {
      const again = await startStack({ ...first.stack.settings, ports: first.stack.ports }).then(
        () => null,
        (e: unknown) => e,
      );
      const { bot, playground, blob, queue, table } = first.stack.ports;
      expect(userMistake(again)).toBe(
        `\nPorts ${bot}, ${playground}, ${blob}, ${queue}, ${table} on 127.0.0.1 are all in use: an earlier \`npm start\` is still running. Stop it (Ctrl-C in its terminal), or give this one other ports (--bot-port, --playground-port, --blob-port, --queue-port, --table-port).`,
      );
    } finally {
      await first.stack.stop();
    }
  });
});

describe('npm start --location, started again the same week', () => {
  it('says the card went out earlier and points to list, not that a card is waiting', async () => {
    const location = await mkdtemp(join(tmpdir(), 'start-again-'));
    try {
      const first = await startE2eStack({ location, weeklyRun: 'start' });
      const sent = await first.stack.automaticWeekly;
      await first.stack.stop();
      expect(weeklyLine(sent, DEMO_REP_EMAIL)).toContain('is waiting in the personal chat');

      const again = await startE2eStack({ location, weeklyRun: 'start' });
      const rerun = await again.stack.automaticWeekly;
      await again.stack.stop();
      // The Playground's chat is empty after a restart: "waiting" would send the user looking for it.
      expect(weeklyLine(rerun, DEMO_REP_EMAIL)).toBe(
        'Your weekly card (weekly-2026-W48) was delivered earlier this week and is not sent again: type list in the personal chat to see your list.',
      );
    } finally {
      await rm(location, { recursive: true, force: true });
    }
  });
});

describe('npm start --location, started again on a new week', () => {
  it('waits for the Playground page to send the card, as on a first start', async () => {
    const location = await mkdtemp(join(tmpdir(), 'start-next-week-'));
    try {
      const first = await startE2eStack({ location, weeklyRun: 'start' });
      await first.stack.automaticWeekly;
      await first.stack.stop();

      // The install rows are already in the folder: only the page's install may trigger the run,
      // not the stack's own install at start (the Playground would then show an empty chat).
      const again = await startE2eStack({ location, weeklyRun: 'browser', asOf: '2026-11-30' });
      try {
        const early = await Promise.race([
          again.stack.automaticWeekly.then(() => 'ran before any page opened'),
          new Promise((resolve) => setTimeout(() => resolve('waiting for the page'), 3_000)),
        ]);
        expect(early).toBe('waiting for the page');
        // The page opening: the Playground sends the personal install again.
        await new PlaygroundClient(again.stack.urls.playground).install(
          again.stack.playground.personalChatId,
        );
        expect(weeklyLine(await again.stack.automaticWeekly, DEMO_REP_EMAIL)).toBe(
          'Your weekly card (weekly-2026-W49, 10 customers) is waiting in the personal chat.',
        );
      } finally {
        await again.stack.stop();
      }
    } finally {
      await rm(location, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('npm start --rep with an address the feed does not use', () => {
  it("names the feed's owners to pick from", async () => {
    const e2e = await startE2eStack({
      rep: { email: 'someone.else@contoso.example', name: 'Someone Else' },
      weeklyRun: 'start',
    });
    try {
      const weekly = await e2e.stack.automaticWeekly;
      expect(weeklyLine(weekly, 'someone.else@contoso.example')).toBe(
        'someone.else@contoso.example owns no customers in the feed: pick a feed owner with --rep (ana.ruiz@contoso.example, ben.okafor@contoso.example, chloe.martin@contoso.example, david.kim@contoso.example, emma.larsen@contoso.example).',
      );
    } finally {
      await e2e.stack.stop();
    }
  });
});

describe('npm start --rules, as docs/feed.md maps an export', () => {
  it("reads a German Excel export with its rules file's column names", async () => {
    const dir = join(__dirname, '..', 'fixtures', 'exports', 'german-excel');
    // The flags as a user types them after `npm start --`.
    const { settings } = parseLocalSettings([
      '--feed',
      dir,
      '--rules',
      join(dir, 'rules.json'),
      '--rep',
      'jonas.weber@contoso.example',
      '--weekly',
      'start',
    ]);
    const e2e = await startE2eStack({
      feedDir: settings.feedDir,
      rulesFile: settings.rulesFile,
      rep: settings.rep,
      weeklyRun: settings.weeklyRun,
    });
    try {
      const weekly = await e2e.stack.automaticWeekly;
      expect(weekly).toMatchObject({ status: 'completed' });
      // Read with the mapping: Jonas owns the export's customers, none of them slipping that week.
      expect(weeklyLine(weekly, 'jonas.weber@contoso.example')).toBe(
        'Nobody on your list this week (weekly-2026-W48): nothing was sent.',
      );
    } finally {
      await e2e.stack.stop();
    }
  });
});
