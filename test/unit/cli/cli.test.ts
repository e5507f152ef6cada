import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../tools/cli/main';
import { runScoreCommand } from '../../../tools/cli/scoreCommand';

const root = join(__dirname, '../../..');
const demo = join(root, 'demo/feed');
const cdnow = join(root, 'test/fixtures/cdnow/feed');
const onlineRetail = join(root, 'test/fixtures/online-retail/feed');

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

async function run(...argv: string[]) {
  const out = sink();
  const err = sink();
  const code = await main(argv, out.stream, err.stream);
  return { code, out: out.text(), err: err.text() };
}

describe('churn-predictor score', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("prints each rep their ranked list with reasons, Greenfield Cafe first on Ana's", async () => {
    const r = await run('score', '--feed', demo, '--as-of', '2026-11-23');
    expect(r.code).toBe(0);
    expect(r.err).toContain('orders.csv: 11,472 rows read, 11,472 kept, 0 skipped');
    const ana = r.out.split('\n\n').find((block) => block.startsWith('ana.ruiz@contoso.example'));
    expect(ana).toBeDefined();
    expect(ana).toMatch(/ 1\. Greenfield Cafe/);
    expect(ana).toContain('No order in 34 days, usually every 9');
    expect(ana).toContain('1 sour ticket in the last 30 days');
  });

  it("--format json carries the order facts, counted here from the feed's own orders.csv", async () => {
    const r = await run('score', '--feed', demo, '--as-of', '2026-11-23', '--format', 'json');
    const rows = JSON.parse(r.out) as Array<Record<string, unknown>>;
    const green = rows.find((x) => x.name === 'Greenfield Cafe');
    const mine = readFileSync(join(demo, 'orders.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','))
      .filter(([, customer, at]) => customer === 'C-1001' && at.slice(0, 10) <= '2026-11-23');
    const days = mine.map(([, , at]) => at.slice(0, 10)).sort();
    const spend = mine.reduce((sum, [, , , amount]) => sum + Number(amount), 0);
    expect(green).toMatchObject({
      orders: mine.length,
      firstOrderAt: days[0],
      lastOrderAt: days[days.length - 1],
      spend: Math.round(spend * 100) / 100,
      // Every 9 days from the last order on 2026-10-20.
      expectedNextOrder: '2026-10-29',
      // The demo book is too young to state chances (too few customers went quiet on its past dates).
      rankedBy: 'rules',
      noOrderProbability: null,
      tier: null,
    });
    expect(Object.keys(green?.contributions as object)).toContain('overdue');
  });

  it('--format json gives every customer with the documented fields', async () => {
    const r = await run('score', '--feed', demo, '--as-of', '2026-11-23', '--format', 'json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(300);
    const green = rows.find((x) => x.name === 'Greenfield Cafe');
    expect(green).toMatchObject({
      owner: 'ana.ruiz@contoso.example',
      band: 'at_risk',
      surfaced: true,
      monthlyValue: 2400,
    });
    for (const key of [
      'customerId',
      'name',
      'owner',
      'score',
      'band',
      'monthlyValue',
      'reasons',
      'surfaced',
    ]) {
      expect(Object.keys(rows[0])).toContain(key);
    }
    for (const key of ['segment', 'listChance', 'valueKind', 'valueAtRisk', 'plan', 'change'])
      expect(Object.keys(rows[0])).toContain(key);
    expect(green).toMatchObject({ segment: 'slipping', valueKind: 'monthly', rank: 1 });
    // The listed come first, in list order per rep; each rep's list respects the default cap of 10.
    const firstUnlisted = rows.findIndex((x) => x.rank === null);
    expect(rows.slice(firstUnlisted).every((x) => x.rank === null)).toBe(true);
    const perRep = new Map<string, number>();
    for (const x of rows.filter((x) => x.surfaced))
      perRep.set(x.owner as string, (perRep.get(x.owner as string) ?? 0) + 1);
    for (const n of perRep.values()) expect(n).toBeLessThanOrEqual(10);
    // No float noise: every number has at most three decimals as printed.
    expect(r.out).not.toMatch(/\d\.\d{4,}/);
  });

  it('--format csv has a header and one row per customer', async () => {
    const r = await run('score', '--feed', demo, '--as-of', '2026-11-23', '--format', 'csv');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0].split(',').slice(0, 4)).toEqual(['customerId', 'name', 'owner', 'score']);
    expect(lines.filter((l) => l.includes('Greenfield Cafe'))).toHaveLength(1);
    // The reasons column splits back into the reasons: the separator never occurs inside one.
    const json = JSON.parse(
      (await run('score', '--feed', demo, '--as-of', '2026-11-23', '--format', 'json')).out,
    );
    const reasons = json.flatMap((x: { reasons: string[] }) => x.reasons) as string[];
    expect(reasons.length).toBeGreaterThan(50);
    expect(reasons.some((x) => x.includes('|'))).toBe(false);
    expect(reasons.some((x) => x.includes('; '))).toBe(true); // why "; " could not be the separator
  });

  it('shows the lists the cards show: counts by kind, the plays with their days, money in CURRENCY', async () => {
    const r = await run('score', '--feed', demo, '--as-of', '2026-11-23');
    const ana = r.out.split('\n\n').find((block) => block.startsWith('ana.ruiz@contoso.example'));
    expect(ana?.split('\n')[0]).toMatch(/^ana\.ruiz@contoso\.example: \d+ slipping/);
    expect(ana).toContain('Greenfield Cafe  $2,400/month · Slipping ·');
    expect(ana).toMatch(/Play: (VIP|Standard): .*, Mon 23 Nov/);
    const out = sink();
    const err = sink();
    await runScoreCommand(
      { command: 'score', feed: demo, asOf: '2026-11-23', format: 'table' },
      out.stream,
      err.stream,
      { CURRENCY: 'GBP', LOCALE: 'en-GB' },
    );
    expect(out.text()).toContain('Greenfield Cafe  £2,400/month');
  });

  it("dates the plays on the team's working days, as the cards do: HOLIDAYS and CLOSED_DAYS from the environment", async () => {
    const score = async (format: 'table' | 'json' | 'csv', env: Record<string, string>) => {
      const out = sink();
      await runScoreCommand(
        { command: 'score', feed: demo, asOf: '2026-11-23', format },
        out.stream,
        sink().stream,
        env,
      );
      return out.text();
    };
    // Thanksgiving, Thursday 26 November 2026, is day 3: the team is off, the offer goes on Friday.
    const standard = 'Standard: Time-limited offer (email), Mon 23 Nov, Fri 27 Nov and Thu 3 Dec';
    const us = { HOLIDAYS: 'US' };
    expect(await score('table', us)).toContain(`Play: ${standard}`);
    const rows = JSON.parse(await score('json', us)) as { play: string; plan: { days: number[] } | null }[];
    expect(rows.map((r) => r.play)).toContain(standard);
    // The plan itself keeps the rules file's days after the list's date.
    expect(rows.find((r) => r.play === standard)?.plan?.days).toEqual([0, 3, 10]);
    expect(await score('csv', { CLOSED_DAYS: '2026-11-26' })).toContain(standard);
    // Without them, Thanksgiving is worked, as the demo's card says.
    expect(await score('table', {})).toContain(
      'Play: Standard: Time-limited offer (email), Mon 23 Nov, Thu 26 Nov and Thu 3 Dec',
    );
    await expect(score('table', { CLOSED_DAYS: '2026-11-31' })).rejects.toThrow(/CLOSED_DAYS/);
  });

  it('words when the next order was due under each name, as the card does', async () => {
    const r = await run('score', '--feed', demo, '--as-of', '2026-11-23');
    const rows = r.out.split('\n');
    const greenfield = rows.findIndex((l) => l.includes('Greenfield Cafe  $2,400/month'));
    // Last order on Tue 20 Oct (none for 34 days), usually every 9.
    expect(rows.slice(greenfield + 1, greenfield + 3)).toEqual([
      '      Was due Thu 29 Oct',
      '      - No order in 34 days, usually every 9',
    ]);
  });

  /**
   * A feed of 20 weekly regulars of rep@example.com from `from`, no monthly value given: C0-C9 order to
   * 2026-11-20, C10-C19 stopped on `stoppedOn`; every order worth `amount`.
   */
  function regularsFeed(from: string, stoppedOn: string, amount: number): string {
    const dir = mkdtempSync(join(tmpdir(), 'feed-'));
    const customers = ['customer_id,name,owner,monthly_value'];
    const orders = ['order_id,customer_id,ordered_at,amount'];
    for (let k = 0; k < 20; k++) {
      customers.push(`C${k},Customer ${k},rep@example.com,`);
      const last = Date.parse(k < 10 ? '2026-11-20' : stoppedOn);
      for (let t = Date.parse(from); t <= last; t += 7 * 86_400_000)
        orders.push(`O${k}-${t},C${k},${new Date(t).toISOString().slice(0, 10)},${amount}`);
    }
    writeFileSync(join(dir, 'customers.csv'), `${customers.join('\n')}\n`);
    writeFileSync(join(dir, 'orders.csv'), `${orders.join('\n')}\n`);
    return dir;
  }

  it('says what ranked the book, and why customers at risk are on no list', async () => {
    // Half stopped half a year ago; every order worth 0 (an export without amounts).
    const r = await run(
      'score',
      '--feed',
      regularsFeed('2025-11-03', '2026-05-20', 0),
      '--as-of',
      '2026-11-23',
    );
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[1]).toBe('20 customers scored: 10 at risk, 0 to watch, 10 steady.');
    expect(lines[2]).toMatch(/^Ranked by the rules: too little history/);
    expect(lines[3]).toBe('10 at risk not listed: worth no more than the value floor ($0 a month).');
    expect(r.out).toContain('Nobody is on a list this week.');
  });

  it('says when customers at risk are off the lists because their last order is older than the value window', async () => {
    // 150 an order; half stopped in August 2025, over a year before the as-of date.
    const r = await run(
      'score',
      '--feed',
      regularsFeed('2024-09-06', '2025-08-29', 150),
      '--as-of',
      '2026-11-23',
    );
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[1]).toBe('20 customers scored: 10 at risk, 0 to watch, 10 steady.');
    // They spent 150 a week for a year: off the lists by the silence, not as worth $0 a month.
    expect(lines[3]).toBe(
      '10 at risk not listed: no order in the last 365 days (windows.valueDays), too long gone for a win-back list.',
    );
    expect(lines[4]).toBe('');
  });

  it("flags as the weekly run does: a list longer than its card has room for flags only the card's rows", async () => {
    // 40 customers who stopped ordering weekly in September, and one who keeps the feed current.
    const dir = mkdtempSync(join(tmpdir(), 'feed-'));
    const customers = ['customer_id,name,owner,monthly_value', 'S,Steady,rep@example.com,100'];
    const orders = ['order_id,customer_id,ordered_at,amount'];
    for (let t = Date.parse('2026-01-05'); t <= Date.parse('2026-11-20'); t += 7 * 86_400_000) {
      const day = new Date(t).toISOString().slice(0, 10);
      orders.push(`S-${day},S,${day},100`);
      for (let k = 0; k < 40 && day <= '2026-09-14'; k++) orders.push(`O${k}-${day},C${k},${day},300`);
    }
    for (let k = 0; k < 40; k++)
      customers.push(`C${k},Greenfield Cafe ${k},rep@example.com,${1000 + 10 * k}`);
    writeFileSync(join(dir, 'customers.csv'), `${customers.join('\n')}\n`);
    writeFileSync(join(dir, 'orders.csv'), `${orders.join('\n')}\n`);
    const rules = join(dir, 'rules.json');
    writeFileSync(rules, JSON.stringify({ capPerRep: 25 }));
    const out = sink();
    await runScoreCommand(
      { command: 'score', feed: dir, asOf: '2026-11-23', rules, format: 'json' },
      out.stream,
      sink().stream,
      {},
    );
    const rows = JSON.parse(out.text()) as { surfaced: boolean; rank: number | null }[];
    const table = (await run('score', '--feed', dir, '--as-of', '2026-11-23', '--rules', rules)).out;
    // The card (and the table, which prints it) shows fewer than the cap: 25 rows pass Teams' size.
    const shown = Number(/40 slipping; the first (\d+) shown/.exec(table)?.[1]);
    expect(shown).toBeLessThan(25);
    expect(rows.filter((r) => r.surfaced)).toHaveLength(shown);
    expect(rows.filter((r) => r.rank !== null)).toHaveLength(40);
  });

  it('speaks of a book of one customer in the singular', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'feed-'));
    writeFileSync(
      join(dir, 'customers.csv'),
      'customer_id,name,owner,monthly_value\nC1,Solo,rep@example.com,\n',
    );
    writeFileSync(join(dir, 'orders.csv'), 'order_id,customer_id,ordered_at,amount\nO1,C1,2026-11-20,10\n');
    const r = await run('score', '--feed', dir, '--as-of', '2026-11-23');
    expect(r.out.split('\n')[1]).toBe('1 customer scored: 0 at risk, 0 to watch, 1 steady.');
    expect(r.err).toContain('customers.csv: 1 row read, 1 kept, 0 skipped');
  });

  it('--as-of a Sunday plans that ISO week whatever the machine’s zone (Auckland is already Monday at noon UTC)', async () => {
    // The holdout draws by week: planned in the next week, it would hold out other customers.
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    const rules = join(dir, 'rules.json');
    writeFileSync(rules, JSON.stringify({ holdoutPercent: 50 }));
    const listed = async (asOf: string) => {
      const out = sink();
      await runScoreCommand(
        { command: 'score', feed: demo, asOf, rules, format: 'json' },
        out.stream,
        sink().stream,
        {},
      );
      return (JSON.parse(out.text()) as { customerId: string; surfaced: boolean }[])
        .filter((c) => c.surfaced)
        .map((c) => c.customerId);
    };
    const zone = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      const inUtc = await listed('2026-11-29');
      process.env.TZ = 'Pacific/Auckland';
      expect(await listed('2026-11-29')).toEqual(inUtc);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('writes counts and plan dates in LOCALE, not only the money', async () => {
    const out = sink();
    await runScoreCommand(
      { command: 'score', feed: onlineRetail, asOf: '2011-09-12', format: 'table' },
      out.stream,
      sink().stream,
      { CURRENCY: 'EUR', LOCALE: 'de-DE' },
    );
    const lines = out.text().split('\n');
    // 976 of the book's customers first order after 2011-09-12: not "steady".
    expect(lines[1]).toBe(
      '4.372 customers scored: 1.689 at risk, 1.451 to watch, 256 steady, 976 with no order yet.',
    );
    expect(out.text()).toMatch(/Play: .*, Mo\., 12\. Sept\. /);
    expect(out.text()).not.toContain('Mon 12 Sep');
  });

  it('gives the order days the reasons count beside the orders (invoices) the feed has', async () => {
    // Customer 17850 placed 34 invoices on 2 days: the card counts the days, as order days.
    const r = await run('score', '--feed', onlineRetail, '--as-of', '2011-09-12', '--format', 'json');
    const rows = JSON.parse(r.out) as Array<{
      customerId: string;
      orders: number;
      orderDays: number;
      reasons: string[];
    }>;
    const c = rows.find((row) => row.customerId === '17850');
    expect(c).toMatchObject({ orders: 34, orderDays: 2 });
    expect(c?.reasons).toContain('Only 2 order days in 9 months');
  });

  it('values 17850, who spent £5,391 on 1-2 Dec 2010 and nothing since, as one visit: not £3,816 a month', async () => {
    const score = async (format: 'json' | 'table') => {
      const out = sink();
      await runScoreCommand(
        { command: 'score', feed: onlineRetail, asOf: '2011-09-12', format },
        out.stream,
        sink().stream,
        { CURRENCY: 'GBP', LOCALE: 'en-GB' },
      );
      return out.text();
    };
    const rows = JSON.parse(await score('json')) as Array<Record<string, unknown>>;
    expect(rows.find((row) => row.customerId === '17850')).toMatchObject({
      orderDays: 2,
      monthlyValue: 5391.21,
      valueKind: 'second_order',
    });
    // 15749's two order days, 11 Jan and 18 Apr, are a habit begun: still valued per month.
    expect(rows.find((row) => row.customerId === '15749')).toMatchObject({
      orderDays: 2,
      valueKind: 'monthly',
    });
    const table = await score('table');
    expect(table).toMatch(/\d\. Customer 17850 \(United Kingdom\) {2}£5,391 if they order again · /);
    expect(table).not.toContain('£3,816/month');
  });

  it("warns when --as-of is before the feed's first order or long after its last", async () => {
    const before = await run('score', '--feed', demo, '--as-of', '2020-01-01');
    expect(before.code).toBe(0);
    expect(before.err).toMatch(/--as-of 2020-01-01 is before the feed's first order \(\d{4}-\d{2}-\d{2}\)/);
    // The demo book has an order every few days: a month without one is an export that stopped.
    const after = await run('score', '--feed', demo, '--as-of', '2026-12-21');
    expect(after.err).toMatch(
      /Warning: --as-of 2026-12-21: the newest order in the feed is on 2026-11-20, 31 days before 2026-12-21, and the book never went more than \d+ days? without one in the year before/,
    );
    const fine = await run('score', '--feed', demo, '--as-of', '2026-11-23');
    expect(fine.err).not.toContain('Warning');
  });

  it('--help on every command and --version', async () => {
    for (const command of ['score', 'backtest', 'summary', 'tune']) {
      const r = await run(command, '--help');
      expect(r.code).toBe(0);
      expect(r.out.startsWith(`churn-predictor ${command}`)).toBe(true);
    }
    const v = await run('--version');
    expect(v).toMatchObject({ code: 0, out: '0.1.0\n' });
  });

  it("each command's --help says what every option of its usage line does", async () => {
    const unsaid: string[] = [];
    for (const command of ['score', 'backtest', 'summary', 'tune']) {
      const { out } = await run(command, '--help');
      const [usage, ...explained] = out.split('\n\n');
      const said = explained.join('\n\n');
      // An option line of its own ("  --step DAYS   ..."), or a word about it in the text.
      for (const flag of new Set(usage.match(/--[a-z-]+/g)))
        if (!said.includes(flag)) unsaid.push(`${command} ${flag}`);
    }
    expect(unsaid).toEqual([]);
  });

  it('summary, loaded only when asked for, reads its own options', async () => {
    const r = await run('summary', '--bogus-flag');
    expect(r.code).toBe(2);
    expect(r.err).toContain("Unknown option '--bogus-flag'");
  });

  it('summary with storage unreachable says so in one line, no stack, exit 1', async () => {
    // Nothing listens on port 9 of this machine: refused at once, then the SDK's retries.
    vi.stubEnv(
      'STORAGE_CONNECTION_STRING',
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:9/devstoreaccount1',
    );
    const r = await run('summary', '--month', '2026-10');
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'Table Storage unreachable at http://127.0.0.1:9/devstoreaccount1: connect ECONNREFUSED 127.0.0.1:9\n',
    );
    expect(r.out).toBe('');
    // The help's list of exit codes names this one too, as the README's does.
    expect((await run('--help')).out).toMatch(/Exit codes: .*\b1 \w/s);
  }, 30_000);

  it('lists every skipped row with file, line and reason on stderr, and still scores the rest', async () => {
    const r = await run('score', '--feed', join(root, 'test/fixtures/feeds/bad-rows'), '--format', 'json');
    expect(r.code).toBe(0);
    expect(r.err).toContain('customers.csv: 6 rows read, 2 kept, 4 skipped');
    expect(r.err).toContain('customers.csv line 3: owner: not an email or UPN: "not-an-email"');
    expect(r.err).not.toMatch(/more skipped rows? not listed/);
    expect(JSON.parse(r.out)).toHaveLength(2);
  });

  describe("an accounting export's currency column and CURRENCY", () => {
    const xero = join(root, 'test/fixtures/exports/xero-currencies');
    /** A UK shop's Xero invoice lines with ten more euro invoices: most of its lines are in euros. */
    function mostlyEuros(): string {
      const dir = mkdtempSync(join(tmpdir(), 'churn-euros-'));
      for (const file of ['customers.csv', 'rules.json'])
        writeFileSync(join(dir, file), readFileSync(join(xero, file)));
      const orders = readFileSync(join(xero, 'orders.csv'), 'utf8');
      const euro = orders.split('\r\n').find((line) => line.includes(',EUR,')) ?? '';
      const more = Array.from({ length: 10 }, (_, i) =>
        euro
          .replace('INV-0105', `INV-02${String(i).padStart(2, '0')}`)
          .replace('12/10/2026', `0${(i % 9) + 1}/09/2026`),
      );
      writeFileSync(join(dir, 'orders.csv'), `${orders.replace(/\r\n$/, '')}\r\n${more.join('\r\n')}\r\n`);
      return dir;
    }
    const score = (feed: string) =>
      run(
        'score',
        '--feed',
        feed,
        '--rules',
        join(feed, 'rules.json'),
        '--as-of',
        '2026-11-30',
        '--format',
        'json',
      );
    const ordersOf = (out: string) =>
      Object.fromEntries(
        (JSON.parse(out) as { name: string; orders: number }[]).map((c) => [c.name, c.orders]),
      );

    it('keeps the lines in CURRENCY and skips the others, naming both, though most lines are in another', async () => {
      vi.stubEnv('CURRENCY', 'GBP');
      const r = await score(mostlyEuros());
      expect(r.code).toBe(0);
      // Read by the majority, the euro invoices were counted as pounds and every pound one skipped.
      expect(ordersOf(r.out)).toEqual({
        'Greenwich Grocers': 2,
        'Kew Kitchen': 1,
        'Richmond Rooms': 1,
        'Lyon Traiteur SARL': 0,
      });
      expect(r.err).toContain("13 x currency: not GBP, the book's currency (CURRENCY) (lines of 12 orders)");
      expect(r.err).toContain(
        'orders.csv line 8: currency: not GBP, the book\'s currency (CURRENCY): "EUR" (and 1 more line of order "INV-0105")',
      );
      expect(r.err).toContain(
        'currency: amounts in 2 currencies, GBP on 8 lines (CURRENCY), EUR on 13 lines: the lines not in GBP are skipped',
      );
    });

    it('stops, naming the currencies the file holds, where no line is in CURRENCY', async () => {
      vi.stubEnv('CURRENCY', 'USD');
      const r = await score(xero);
      expect(r.code).toBe(2);
      expect(r.err).toContain(
        "orders.csv: no line is in USD, the currency CURRENCY sets (the lines are in GBP on 8 lines, EUR on 3 lines): set CURRENCY to the book's currency",
      );
      expect(r.out).toBe('');
    });

    it('with CURRENCY never set, reads a file all in pounds only once told: the cards would show dollars', async () => {
      const feed = join(root, 'test/fixtures/exports/xero');
      const r = await score(feed);
      expect(r.code).toBe(2);
      expect(r.err).toContain('CURRENCY is not set: the cards would show them in USD. Set CURRENCY=GBP.');
      vi.stubEnv('CURRENCY', 'GBP');
      expect((await score(feed)).code).toBe(0);
    });
  });

  it("gives owner names their reps' sign-ins from the rules file's owners", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'feed-'));
    writeFileSync(
      join(dir, 'customers.csv'),
      'customer_id,name,Sales Rep\nC-1,Greenfield Cafe,Ana Ruiz\nC-2,Corner Deli,BO\n',
    );
    writeFileSync(
      join(dir, 'orders.csv'),
      'order_id,customer_id,ordered_at,amount\nO-1,C-1,2026-11-02,10\nO-2,C-2,2026-11-09,10\n',
    );
    const rules = join(dir, 'rules.json');
    writeFileSync(
      rules,
      JSON.stringify({
        columns: { customers: { owner: 'Sales Rep' } },
        owners: { 'Ana Ruiz': 'ana.ruiz@contoso.com', BO: 'ben.okafor@contoso.com' },
      }),
    );
    const r = await run(
      'score',
      '--feed',
      dir,
      '--rules',
      rules,
      '--as-of',
      '2026-11-23',
      '--format',
      'json',
    );
    expect(r.err).toContain('customers.csv: 2 rows read, 2 kept, 0 skipped');
    expect(r.code).toBe(0);
    const scored = JSON.parse(r.out) as { customerId: string; owner: string }[];
    expect(scored.map((c) => [c.customerId, c.owner]).sort()).toEqual([
      ['C-1', 'ana.ruiz@contoso.com'],
      ['C-2', 'ben.okafor@contoso.com'],
    ]);
  });

  it("joins a WooCommerce customer's orders written in another case to the address in customers.csv", async () => {
    // Keyed by billing email, as a shop keys its guests: the customer typed their address three ways.
    const dir = mkdtempSync(join(tmpdir(), 'feed-'));
    writeFileSync(
      join(dir, 'customers.csv'),
      'Name,Email,Sales Rep\nAna Ruiz,Ana.Ruiz@Contoso.com,rep@example.com\nBen Okafor,ben@fabrikam.example,rep@example.com\n',
    );
    const spellings = ['Ana.Ruiz@Contoso.com', 'ana.ruiz@contoso.com', '" ANA.RUIZ@CONTOSO.COM "'];
    const orders = ['Order Number,Order Status,Order Date,Billing Email,Order Total Amount'];
    for (let week = 0; week < 45; week++) {
      const day = new Date(Date.parse('2026-01-05') + week * 7 * 86_400_000).toISOString().slice(0, 10);
      orders.push(`${1000 + week},wc-completed,${day} 10:00:00,${spellings[week % 3]},120.00`);
      if (week % 2 === 0)
        orders.push(`${2000 + week},wc-completed,${day} 11:00:00,ben@fabrikam.example,80.00`);
    }
    writeFileSync(join(dir, 'orders.csv'), `${orders.join('\n')}\n`);
    const rules = join(dir, 'rules.json');
    writeFileSync(
      rules,
      JSON.stringify({
        columns: {
          customers: { customer_id: 'Email', name: 'Name', owner: 'Sales Rep' },
          orders: {
            order_id: 'Order Number',
            customer_id: 'Billing Email',
            ordered_at: 'Order Date',
            amount: 'Order Total Amount',
            status: 'Order Status',
          },
        },
      }),
    );
    const r = await run(
      'score',
      '--feed',
      dir,
      '--rules',
      rules,
      '--as-of',
      '2026-11-12',
      '--format',
      'json',
    );
    expect(r.code).toBe(0);
    expect(r.err).toContain('orders.csv: 68 rows read, 68 kept, 0 skipped');
    const ana = (JSON.parse(r.out) as Record<string, unknown>[]).find((c) => c.name === 'Ana Ruiz');
    expect(ana).toMatchObject({
      customerId: 'Ana.Ruiz@Contoso.com',
      orders: 45,
      firstOrderAt: '2026-01-05',
      lastOrderAt: '2026-11-09',
      spend: 5400,
      // Ordering weekly, last on Monday: not on a list.
      surfaced: false,
    });
  });

  it('scoring an earlier week lists a few of the later rows, not a thousand, and still names a bad row', async () => {
    // The demo feed as of 2026-08-24: 2,219 orders and 91 tickets are dated after it. One bad order
    // date after them must still be listed.
    const dir = mkdtempSync(join(tmpdir(), 'feed-'));
    for (const f of ['customers.csv', 'orders.csv', 'tickets.csv'])
      writeFileSync(join(dir, f), readFileSync(join(root, 'demo/feed', f)));
    const orders = readFileSync(join(dir, 'orders.csv'), 'utf8').trimEnd();
    writeFileSync(join(dir, 'orders.csv'), `${orders}\nO-BAD,C-1108,someday,10\n`);
    const r = await run('score', '--feed', dir, '--as-of', '2026-08-24', '--format', 'json');
    expect(r.code).toBe(0);
    expect(r.err).toContain('  2,219 x ordered_at: after the as-of date 2026-08-24');
    expect(r.err).toContain('  91 x opened_at: after the as-of date 2026-08-24');
    const listed = r.err.split('\n').filter((l) => / line \d+: /.test(l));
    expect(
      listed.filter((l) => l.startsWith('orders.csv') && l.includes('after the as-of date')),
    ).toHaveLength(20);
    expect(listed.filter((l) => l.startsWith('tickets.csv'))).toHaveLength(20);
    expect(listed).toContain('orders.csv line 11474: ordered_at: not a date: "someday"');
    expect(r.err).toContain(
      `... and ${(2219 + 91 + 1 - 41).toLocaleString('en-US')} more skipped rows not listed`,
    );
  });

  it('exits 2 with the file named when orders.csv is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'feed-'));
    writeFileSync(join(dir, 'customers.csv'), 'customer_id,name,owner,monthly_value\nC1,A,a@x.example,10\n');
    const r = await run('score', '--feed', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('orders.csv');
  });

  it('exits 2 naming the bad field of a rules file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    const file = join(dir, 'rules.json');
    writeFileSync(file, JSON.stringify({ capPerRep: -3 }));
    const r = await run('score', '--feed', demo, '--rules', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain('capPerRep');
  });

  it('exits 2 on bad arguments', async () => {
    expect((await run('score')).code).toBe(2);
    expect((await run('score', '--feed', demo, '--as-of', '23/11/2026')).err).toContain('--as-of');
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run('backtest', '--feed', demo, '--as-of', '2026-01-01')).err).toContain('--horizon');
  });

  it('exits 2 naming an option given twice, on every command, rather than take the last', async () => {
    const missing = join(root, 'no-such-dir');
    for (const [argv, message] of [
      [
        ['score', '--feed', missing, '--as-of', '2026-11-23', '--as-of', '2026-11-30'],
        '--as-of is given twice ("2026-11-23" and "2026-11-30"): give it once',
      ],
      [
        ['score', '--feed', missing, '--format=json', '--format', 'csv'],
        '--format is given twice ("json" and "csv"): give it once',
      ],
      [
        ['backtest', '--feed', missing, '--as-of', '2026-11-01', '--horizon', '30', '--horizon', '60'],
        '--horizon is given twice ("30" and "60"): give it once',
      ],
      [
        ['tune', '--feed', missing, '--feed', demo, '--horizon', '30', '--out', join(tmpdir(), 'x.json')],
        `--feed is given twice (${JSON.stringify(missing)} and ${JSON.stringify(demo)}): give it once`,
      ],
      [
        ['summary', '--month', '2026-10', '--month', '2026-11'],
        '--month is given twice ("2026-10" and "2026-11"): give it once',
      ],
    ] as const) {
      const r = await run(...argv);
      expect(r.code).toBe(2);
      expect(r.err.split('\n')[0]).toBe(message);
      expect(r.out).toBe('');
    }
  });

  it('exits 2 without a stack on a date that is not on the calendar, before reading the feed', async () => {
    const missing = join(root, 'no-such-dir');
    for (const argv of [
      ['score', '--feed', missing, '--as-of', '2026-02-30'],
      ['backtest', '--feed', missing, '--as-of', '2026-02-30', '--horizon', '30'],
      [
        'tune',
        '--feed',
        missing,
        '--as-of',
        '2026-02-30',
        '--horizon',
        '30',
        '--out',
        join(tmpdir(), 'x.json'),
      ],
    ]) {
      const r = await run(...argv);
      expect(r.code).toBe(2);
      expect(r.err).toContain('--as-of');
      expect(r.err).not.toContain('Unexpected error');
    }
  });

  it('exits 2 naming a bad CURRENCY, LOCALE or TIME_ZONE, checked as the app checks them, before reading the feed', async () => {
    const missing = join(root, 'no-such-dir');
    for (const [name, value] of [
      ['CURRENCY', 'XXXX'],
      ['LOCALE', 'xx-INVALID-123'],
      ['TIME_ZONE', 'Mars/Olympus'],
    ]) {
      vi.stubEnv(name, value);
      for (const format of ['table', 'json', 'csv']) {
        const r = await run('score', '--feed', missing, '--format', format);
        expect(r.code).toBe(2);
        expect(r.err).toMatch(new RegExp(`^Invalid configuration:\n  ${name}: `));
        expect(r.out).toBe('');
      }
      const tune = await run('tune', '--feed', missing, '--horizon', '30', '--out', join(tmpdir(), 'x.json'));
      expect(tune.code).toBe(2);
      expect(tune.err).toContain(`${name}: `);
      vi.unstubAllEnvs();
    }
  });

  it('tune exits 2 before reading the feed when --out cannot be written', async () => {
    const out = join(root, 'no-such-dir', 'rules.json');
    const r = await run('tune', '--feed', cdnow, '--as-of', '1998-06-30', '--horizon', '91', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toContain(out);
    expect(r.err).not.toContain('orders.csv');
  });

  it('exits 2 when --rules names a folder, not a file', async () => {
    const r = await run('score', '--feed', demo, '--rules', tmpdir());
    expect(r.code).toBe(2);
    expect(r.err).toContain(tmpdir());
    expect(r.err).not.toContain('Unexpected error');
  });
});

describe('churn-predictor backtest', () => {
  /** `backtest --format json` on CDNOW as of 1997-09-30. */
  const cdnowBacktest = (horizon: string, ...more: string[]) =>
    run(
      'backtest',
      '--feed',
      cdnow,
      '--as-of',
      '1997-09-30',
      '--horizon',
      horizon,
      ...more,
      '--format',
      'json',
    );

  it('reproduces the CDNOW baseline (SOURCE.md: AUC 0.7714, top-10 0.88) and the score beats it', async () => {
    const r = await cdnowBacktest('273');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.customers).toBe(2357);
    expect(j.churned).toBe(1673);
    expect(j.baseline.auc).toBeCloseTo(0.7714, 4);
    expect(j.baseline.topKPrecision).toBeCloseTo(0.88, 2);
    expect(j.score.auc).toBeGreaterThan(j.baseline.auc);
  });

  it('--format json rounds the figures to the four decimals the table prints: no float noise', async () => {
    const r = await cdnowBacktest('90');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.calibration).not.toBeNull();
    expect(j.score.auc).toBeGreaterThan(0.5);
    expect(r.out).not.toMatch(/\d\.\d{5,}/);
  });

  it('reproduces the CDNOW active-book baseline (AUC 0.6184, top-10 0.46) and the score beats it', async () => {
    const r = await cdnowBacktest('273', '--active-within', '90');
    const j = JSON.parse(r.out);
    expect([j.customers, j.churned]).toEqual([411, 124]);
    expect(j.baseline.auc).toBeCloseTo(0.6184, 4);
    expect(j.baseline.topKPrecision).toBeCloseTo(0.46, 2);
    expect(j.score.auc).toBeGreaterThan(j.baseline.auc);
  });

  it('warns on stderr when the horizon runs past the last order in the feed (outcomes unknown there)', async () => {
    const past = await run('backtest', '--feed', cdnow, '--as-of', '1998-03-31', '--horizon', '273');
    expect(past.code).toBe(0);
    expect(past.err).toContain('1998-06-30');
    expect(past.err).toMatch(/horizon ends on 1998-12-29/);
    const within = await run('backtest', '--feed', cdnow, '--as-of', '1997-09-30', '--horizon', '273');
    expect(within.err).not.toMatch(/horizon ends/);
  });

  it('judges each customer as they stood on its date: a charge refunded in full after it is still their order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-refund-'));
    writeFileSync(
      join(dir, 'customers.csv'),
      'customer_id,name,owner\nC-1,Greenfield Cafe,ana@contoso.example\nC-2,Corner Deli,ben@contoso.example\n',
    );
    // C-1's only charge before 25 October was refunded in full on 2 November (Stripe then writes Refunded).
    writeFileSync(
      join(dir, 'orders.csv'),
      [
        'order_id,customer_id,ordered_at,amount,refunded,refunded_at,status',
        'ch_1,C-1,2026-10-05,100.00,100.00,2026-11-02,Refunded',
        'ch_2,C-2,2026-10-01,40.00,0,,Paid',
        'ch_3,C-2,2026-11-10,40.00,0,,Paid',
      ].join('\n'),
    );
    const r = await run(
      'backtest',
      '--feed',
      dir,
      '--as-of',
      '2026-10-25',
      '--horizon',
      '30',
      '--format',
      'json',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ customers: 2, churned: 1 });
  });

  it("refuses a date before the feed's first order (nobody to judge) rather than print n/a with exit 0", async () => {
    const r = await run('backtest', '--feed', cdnow, '--as-of', '1996-07-15', '--horizon', '30');
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      "--as-of 1996-07-15 is before the feed's first order (1997-01-01): nobody had ordered yet, so there is nobody to judge.",
    );
    expect(r.out).toBe('');
  });

  it('keeps the top-10 column under its heading when an AUC is n/a (everyone churned)', async () => {
    const r = await run('backtest', '--feed', cdnow, '--as-of', '1998-07-15', '--horizon', '30');
    const lines = r.out.split('\n');
    const heading = lines.find((l) => l.includes('top-10')) ?? '';
    const score = lines.find((l) => l.startsWith('  churn score')) ?? '';
    expect(score).toMatch(/n\/a\s+1\.0000$/);
    expect(score.indexOf('1.0000')).toBe(heading.indexOf('top-10'));
  });

  it('says why it judges no stated chance on a book whose past did not calibrate them, rather than leave the line out', async () => {
    // The demo book: too little history to calibrate, so its cards state each kind's measured share.
    const r = await run('backtest', '--feed', demo, '--as-of', '2026-08-01', '--horizon', '90');
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('Brier skill');
    expect(r.out).toContain(
      "Stated chances not judged: the book's past did not calibrate them (each of 30, 60 and 90 days needs at least 30 customers of each outcome, learn.minEvents), so the cards state each kind's share measured on the book's past, which a backtest does not judge.",
    );
    // Where they are calibrated, the line judges them instead.
    const cdnow90 = await run('backtest', '--feed', cdnow, '--as-of', '1997-09-30', '--horizon', '90');
    expect(cdnow90.out).toContain('Brier skill');
    expect(cdnow90.out).not.toContain('not judged');
  });

  it('says learning is turned off, not that the book is too small, when the rules file turned it off', async () => {
    // CDNOW's past calibrates (above); with learn.enabled false nothing was fitted or calibrated.
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    const file = join(dir, 'rules.json');
    writeFileSync(file, JSON.stringify({ learn: { enabled: false } }));
    const r = await run(
      'backtest',
      '--feed',
      cdnow,
      '--as-of',
      '1997-09-30',
      '--horizon',
      '90',
      '--rules',
      file,
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      "Stated chances not judged: learning is turned off in the rules (learn.enabled), so the cards state each kind's share measured on the book's past, which a backtest does not judge.",
    );
    expect(r.out).not.toContain('customers of each outcome');
  });

  it('prints a side-by-side table for a person', async () => {
    const r = await run('backtest', '--feed', cdnow, '--as-of', '1997-09-30', '--horizon', '273');
    expect(r.out).toMatch(/days since last order\s+0\.7714/);
    expect(r.out).toContain('2,357 customers, 1,673 placed no order');
  });
});

describe('the real process', () => {
  /** `score` of the demo feed, as arguments to tsx or node with tsx loaded. */
  const scoreDemo = [join(root, 'tools/cli/main.ts'), 'score', '--feed', demo, '--as-of', '2026-11-23'];

  it('runs as a command and returns exit code 2 for a missing feed folder', async () => {
    const exec = promisify(execFile);
    const tsx = join(root, 'node_modules/.bin/tsx');
    const ok = await exec(tsx, scoreDemo);
    expect(ok.stdout).toContain('Greenfield Cafe');
    const bad = await exec(tsx, [
      join(root, 'tools/cli/main.ts'),
      'score',
      '--feed',
      join(root, 'no-such-dir'),
    ]).catch((e: { code: number; stderr: string }) => e);
    expect('code' in bad && bad.code).toBe(2);
  }, 60_000);

  it('scores without loading what it does not use: Table Storage clients, all of date-fns', async () => {
    // Loading @azure/data-tables and its pipeline took about 0.15 s of every score's start, and
    // date-fns's index (about 300 modules) 45 ms, for the eight functions the schedule uses.
    const probe = join(mkdtempSync(join(tmpdir(), 'cli-probe-')), 'probe.cjs');
    writeFileSync(
      probe,
      `process.on('exit', () => {
        const loaded = Object.keys(require.cache);
        process.stderr.write('table clients loaded: ' + loaded.some((k) => k.includes('@azure/data-tables')) + '\\n');
        process.stderr.write('date-fns modules: ' + loaded.filter((k) => k.includes('/node_modules/date-fns/')).length + '\\n');
      });`,
    );
    const ran = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      '--require',
      probe,
      ...scoreDemo,
    ]);
    expect(ran.stdout).toContain('Greenfield Cafe');
    expect(ran.stderr).toContain('table clients loaded: false');
    const dateFns = Number(/date-fns modules: (\d+)/.exec(ran.stderr)?.[1]);
    expect(dateFns).toBeGreaterThan(0);
    expect(dateFns).toBeLessThan(100);
  }, 60_000);

  it('ends quietly when the reader stops early (| head): no EPIPE trace', async () => {
    const exec = promisify(execFile);
    const tsx = join(root, 'node_modules/.bin/tsx');
    const cli = join(root, 'tools/cli/main.ts');
    const piped = await exec('sh', [
      '-c',
      `"${tsx}" "${cli}" score --feed "${demo}" --as-of 2026-11-23 --format json | head -1`,
    ]);
    expect(piped.stdout).toBe('[\n');
    expect(piped.stderr).not.toMatch(/EPIPE|Error/);
  }, 60_000);
});
