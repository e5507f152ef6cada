import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeedError } from '../../../feed/feedError';
import { readFeed } from '../../../feed/readFeed';
import { weeklyReportText } from '../../../jobs/weekly/weeklyReport';
import { runWeekly } from '../../../jobs/weekly/weeklyRun';
import { defaultRules } from '../../../rules/rulesSchema';
import {
  completed,
  depsFor,
  installReps,
  openWeeklyWorld,
  SEND_TIME,
  slippingBook,
  type WeeklyWorld,
} from './weeklyWorld';

describe('bad feed rows in the weekly run', () => {
  let world: WeeklyWorld;
  beforeEach(async () => {
    world = await openWeeklyWorld('feedbad');
  });
  afterEach(async () => {
    await world.stop();
  });

  it('are logged with file, line and reason, and the run goes on with the good rows', async () => {
    const feed = await readFeed(join(__dirname, '../../fixtures/feeds/bad-rows'));
    expect(feed.report.rowsSkipped).toBeGreaterThan(0);
    // The fixture's orders are of January: the stale-feed check is not what this test is about.
    const rules = { ...defaultRules(), feedStaleDays: 0 };
    const report = await runWeekly(depsFor(world, feed.book, { readBook: async () => feed, rules }), {
      now: SEND_TIME,
    });
    expect(report.status).toBe('completed');
    const warning = world.log.lines.find((l) => l.level === 'warn' && l.message.startsWith('feed: '));
    expect(warning?.message).toContain(`feed: ${feed.report.rowsSkipped} rows skipped`);
    expect(warning?.message).toContain('customers.csv line 3: owner: not an email or UPN: "not-an-email"');
  });

  it("shows a wrong row in the log behind thousands of rows dated after the run's day", async () => {
    // The demo feed read as of 2026-08-24 (as a local start with --as-of does): 2,219 orders come
    // later, and one row's date is wrong. The log lists a few of each kind, so the wrong one shows.
    const dir = mkdtempSync(join(tmpdir(), 'feed-'));
    for (const f of ['customers.csv', 'orders.csv', 'tickets.csv'])
      copyFileSync(join(__dirname, '../../../demo/feed', f), join(dir, f));
    appendFileSync(join(dir, 'orders.csv'), 'O-BAD,C-1001,someday,10\n');
    const feed = await readFeed(dir, { asOf: '2026-08-24' });
    const rules = { ...defaultRules(), feedStaleDays: 0 };
    await runWeekly(depsFor(world, feed.book, { readBook: async () => feed, rules }), { now: SEND_TIME });
    const warning = world.log.lines.find((l) => l.level === 'warn' && l.message.startsWith('feed: '));
    expect(warning?.message).toContain('orders.csv line 11474: ordered_at: not a date: "someday"');
    expect(warning?.message).toContain('  2,219 x ordered_at: after the as-of date 2026-08-24');
    expect(warning?.message.match(/orders\.csv line \d+: ordered_at: after the as-of date/g)).toHaveLength(5);
  });

  it('a zip in the feed folder that cannot be read is told in the log and in the report, though no row was skipped', async () => {
    // The tickets were meant to come in a zip, uploaded with a password: the week runs without them.
    const dir = mkdtempSync(join(tmpdir(), 'feed-'));
    for (const f of ['customers.csv', 'orders.csv'])
      copyFileSync(join(__dirname, '../../../demo/feed', f), join(dir, f));
    writeFileSync(join(dir, 'tickets-export.zip'), 'not a zip');
    const feed = await readFeed(dir);
    expect(feed.report.rowsSkipped).toBe(0);
    const rules = { ...defaultRules(), feedStaleDays: 0 };
    const report = completed(
      await runWeekly(depsFor(world, feed.book, { readBook: async () => feed, rules }), { now: SEND_TIME }),
    );
    const note = expect.stringMatching(
      /^tickets-export\.zip cannot be read as a zip file \(.*\)\. It is passed over: the feed is read without it, and the tickets, if they are in it, are not\.$/,
    );
    expect(report.feed.notes).toEqual([note]);
    expect(weeklyReportText(report, { timeZone: 'UTC', today: report.localDate }).split('\n')).toContainEqual(
      note,
    );
    const warning = world.log.lines.find((l) => l.level === 'warn' && l.message.startsWith('feed: '));
    expect(warning?.message).toContain('tickets-export.zip cannot be read as a zip file');
  });

  it("orders left out by their status and refunds taken off are said in the report, in the feed report's words, though no row was skipped", async () => {
    // A shop's export with a status column: two orders refunded, one voided, and a refund of part of
    // one order on a line of its own (a negative amount). Clean: no bad row.
    const dir = mkdtempSync(join(tmpdir(), 'feed-'));
    copyFileSync(join(__dirname, '../../../demo/feed/customers.csv'), join(dir, 'customers.csv'));
    const demo = readFileSync(join(__dirname, '../../../demo/feed/orders.csv'), 'utf8').trimEnd().split('\n');
    const rows = demo
      .slice(1)
      .map(
        (line, i) =>
          `${line},${['SO-100001', 'SO-100002'].includes(line.split(',')[0]) ? 'refunded' : i === 2 ? 'voided' : 'paid'}`,
      );
    const [, customer, date] = demo[4].split(',');
    rows.push(`${demo[4].split(',')[0]},${customer},${date},-10.00,paid`);
    writeFileSync(join(dir, 'orders.csv'), `${demo[0]},status\n${rows.join('\n')}\n`);
    const feed = await readFeed(dir);
    expect(feed.report.rowsSkipped).toBe(0);
    const rules = { ...defaultRules(), feedStaleDays: 0 };
    const report = completed(
      await runWeekly(depsFor(world, feed.book, { readBook: async () => feed, rules }), { now: SEND_TIME }),
    );
    const said = [
      'orders.csv: status: 3 orders left out, never placed or undone ("refunded" 2, "voided" 1)',
      "orders.csv: amount: 1 refund or credit (negative amounts) taken off the order with the same id, or else the customer's latest order on or before its date",
    ];
    expect(report.feed.notes).toEqual(said);
    const text = weeklyReportText(report, { timeZone: 'UTC', today: report.localDate }).split('\n');
    for (const line of said) expect(text).toContain(line);
  });

  it("joins a shop's orders under another case of a customer's email, and keeps the customer's stored row", async () => {
    // A WooCommerce customer keyed by their email: their orders since June were typed in lower case
    // or in capitals with spaces around. Two Mondays: the row stored on the first is the one updated.
    const rep = 'rep@example.com';
    await installReps(world, [rep]);
    const dir = mkdtempSync(join(tmpdir(), 'feed-'));
    writeFileSync(
      join(dir, 'customers.csv'),
      `customer_id,name,owner\nAna.Ruiz@Contoso.com,Ana Ruiz,${rep}\nben@fabrikam.example,Ben Okafor,${rep}\n`,
    );
    const orders = ['order_id,customer_id,ordered_at,amount'];
    for (let week = 0; week <= 45; week++) {
      const day = new Date(Date.parse('2026-01-05') + week * 7 * 86_400_000).toISOString().slice(0, 10);
      const ana =
        day < '2026-06-01'
          ? 'Ana.Ruiz@Contoso.com'
          : week % 2
            ? 'ana.ruiz@contoso.com'
            : '" ANA.RUIZ@CONTOSO.COM "';
      orders.push(`A-${day},${ana},${day},120`, `B-${day},ben@fabrikam.example,${day},80`);
    }
    writeFileSync(join(dir, 'orders.csv'), `${orders.join('\n')}\n`);
    const lastMonday = new Date(SEND_TIME.getTime() - 7 * 86_400_000);
    for (const now of [lastMonday, SEND_TIME]) {
      const feed = await readFeed(dir, { asOf: now.toISOString().slice(0, 10) });
      expect(feed.report.files[1].problemCounts['unknown customer']).toBeUndefined();
      completed(await runWeekly(depsFor(world, feed.book, { readBook: async () => feed }), { now }));
    }
    const states = await world.storage.state.getAll();
    expect([...states.keys()].sort()).toEqual(['Ana.Ruiz@Contoso.com', 'ben@fabrikam.example']);
    // Ordering every week: not lapsed since June, on no list.
    expect(states.get('Ana.Ruiz@Contoso.com')).toMatchObject({ band: 'steady', surfacedAt: null });
  });

  it('a clean feed logs no feed warning', async () => {
    const feed = await readFeed(join(__dirname, '../../../demo/feed'));
    expect(feed.report.rowsSkipped).toBe(0);
    await runWeekly(depsFor(world, feed.book, { readBook: async () => feed }), { now: SEND_TIME });
    expect(world.log.lines.some((l) => l.message.startsWith('feed: '))).toBe(false);
  });

  it('a header-only orders file stops the week: every state row as it was, no card, the admins told once; fixed, the week runs', async () => {
    const reps = ['ana@example.com'];
    await installReps(world, reps);
    const book = slippingBook(reps, { slipping: 3 });
    completed(await runWeekly(depsFor(world, book), { now: SEND_TIME }));
    const before = (await world.storage.state.readAll()).states;
    const cardsBefore = world.fake.activities.length;
    const told: string[] = [];
    const nextWeek = new Date(SEND_TIME.getTime() + 7 * 86_400_000);
    const broken = depsFor(world, book, {
      readBook: (asOf) => readFeed(join(__dirname, '../../fixtures/feeds/header-only-orders'), { asOf }),
      notifyAdmins: async (text) => {
        told.push(text);
        return 'posted';
      },
    });
    const stopped = await runWeekly(broken, { now: nextWeek });
    expect(stopped).toMatchObject({
      status: 'stopped',
      reason: 'feed_error',
      adminNotice: 'posted',
      retry: 'next_tick',
    });
    expect(told).toHaveLength(1);
    expect(told[0]).toContain('orders.csv has a header but no rows');
    expect(told[0]).toContain('No customer was changed');
    expect([...(await world.storage.state.readAll()).states.entries()]).toEqual([...before.entries()]);
    expect(world.fake.activities.length).toBe(cardsBefore);
    // The next tick reads the feed again; the admins are not told twice.
    const again = await runWeekly(broken, { now: new Date(nextWeek.getTime() + 15 * 60_000) });
    expect(again).toMatchObject({ status: 'stopped', adminNotice: 'told_earlier' });
    expect(told).toHaveLength(1);
    // Once the feed is fixed, the following tick runs the week.
    const fixed = await runWeekly(depsFor(world, book), { now: new Date(nextWeek.getTime() + 30 * 60_000) });
    expect(completed(fixed).resumed).toBe(true);
  });

  it('a feed with no new order for longer than the book was ever quiet stops the week like a broken one; with feedStaleDays it runs', async () => {
    const reps = ['ana@example.com'];
    await installReps(world, reps);
    // The last orders are of Monday 2026-11-16: four weeks later every customer would look a month late.
    const book = slippingBook(reps, { slipping: 3, steady: 8 });
    const stale = new Date(SEND_TIME.getTime() + 21 * 86_400_000);
    const told: string[] = [];
    const notifyAdmins = async (text: string) => {
      told.push(text);
      return 'posted' as const;
    };
    const stopped = await runWeekly(depsFor(world, book, { notifyAdmins }), { now: stale });
    expect(stopped).toMatchObject({
      status: 'stopped',
      reason: 'feed_error',
      feedError: { code: 'stale_feed' },
      adminNotice: 'posted',
    });
    expect(told[0]).toContain(
      'the newest order in the feed is on 2026-11-16, 28 days before 2026-12-14, and the book never went more than 7 days without one in the year before',
    );
    expect(told[0]).toContain('No customer was changed and no card was sent');
    expect((await world.storage.state.readAll()).states.size).toBe(0);
    expect(world.fake.activities).toHaveLength(0);
    // A business closed for a month says so in its rules, and the week runs.
    const closed = { ...defaultRules(), feedStaleDays: 30 };
    const ran = await runWeekly(depsFor(world, book, { rules: closed, notifyAdmins }), {
      now: new Date(stale.getTime() + 15 * 60_000),
    });
    expect(completed(ran).outcomes.map((o) => o.status)).toEqual(['delivered']);
  });

  it('any other error from the feed still fails the run (it is not a feed problem)', async () => {
    const boom = new Error('disk on fire');
    const run = runWeekly(
      depsFor(world, slippingBook(['ana@example.com'], { slipping: 1 }), {
        readBook: async () => Promise.reject(boom),
      }),
      { now: SEND_TIME },
    );
    await expect(run).rejects.toBe(boom);
    expect(boom).not.toBeInstanceOf(FeedError);
  });
});
