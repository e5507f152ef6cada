import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { main } from '../../../tools/cli/main';

/** What `score` prints from a feed a user brings: the facts to check the import, CSV safe to open, exit 2 on an empty file. */
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

/** `score --format csv` on a feed of these customers and one order line. */
async function scoreCsv(customers: string, order: string) {
  const dir = mkdtempSync(join(tmpdir(), 'feed-formula-'));
  writeFileSync(join(dir, 'customers.csv'), customers);
  writeFileSync(join(dir, 'orders.csv'), `order_id,customer_id,ordered_at,amount\n${order}\n`);
  return run('score', '--feed', dir, '--as-of', '2026-11-23', '--format', 'csv');
}

const demo = join(__dirname, '../../../demo/feed');
const shopify = join(__dirname, '../../fixtures/exports/shopify');
const onlineRetail = join(__dirname, '../../fixtures/online-retail/feed');

describe('churn-predictor score on a real export', () => {
  it('--format json carries the facts per customer: orders, first and last order, spend', async () => {
    const r = await run(
      'score',
      '--feed',
      shopify,
      '--rules',
      join(shopify, 'rules.json'),
      '--as-of',
      '2026-11-21',
      '--format',
      'json',
    );
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as Array<Record<string, unknown>>;
    const byId = new Map(rows.map((x) => [x.customerId, x]));
    expect(byId.get('ana@greenfield.example')).toMatchObject({
      orders: 2,
      firstOrderAt: '2026-10-02',
      lastOrderAt: '2026-11-20',
      spend: 2400,
    });
    // The order of the 22nd is after the as-of date: reported on stderr, not counted.
    expect(byId.get('cleo@harborhotel.example')).toMatchObject({
      orders: 1,
      spend: 3100.5,
      lastOrderAt: '2026-11-01',
    });
    expect(r.err).toContain(
      'orders.csv line 11: ordered_at: after the as-of date 2026-11-21: "2026-11-22 12:00:00 -0500"',
    );
    expect(r.err).toContain('4 order lines merged into their orders');
  });

  it('--format csv neutralises cells a spreadsheet would run as a formula', async () => {
    const r = await scoreCsv(
      'customer_id,name,owner\n@C1,=HYPERLINK("http://x.example"),a@x.example\nC2,+1 Deli,a@x.example\nC3,-Cafe,a@x.example\n',
      'O1,@C1,2026-11-01,10',
    );
    expect(r.code).toBe(0);
    const cells = r.out
      .split('\n')
      .slice(1)
      .flatMap((line) => line.split(','));
    expect(cells.some((c) => /^"?[=+\-@]/.test(c))).toBe(false);
    expect(r.out).toContain(`"'=HYPERLINK(""http://x.example"")"`);
    expect(r.out).toContain("'+1 Deli");
    expect(r.out).toContain("'@C1");
  });

  it('--format csv neutralises a formula cell that has a line break in it too', async () => {
    // A quoted name may hold a line break, and Excel still runs "=...<line break>" as a formula.
    const r = await scoreCsv(
      'customer_id,name,owner\nC1,"=HYPERLINK(""http://x.example"",""Pay"")\n",a@x.example\nC2,"@SUM(1)\nDeli",a@x.example\n',
      'O1,C1,2026-11-01,10',
    );
    expect(r.code).toBe(0);
    const rows = Papa.parse<Record<string, string>>(r.out, { header: true, skipEmptyLines: true }).data;
    expect(rows.map((x) => x.name).sort()).toEqual([
      '\'=HYPERLINK("http://x.example","Pay")\n',
      "'@SUM(1)\nDeli",
    ]);
  });

  it("the table never writes a terminal's control sequences from the feed's names", async () => {
    // The demo feed, each name followed by ESC ] 52 (sets the clipboard in many terminals) and ESC [ 2J.
    const dir = mkdtempSync(join(tmpdir(), 'feed-terminal-'));
    cpSync(demo, dir, { recursive: true });
    const customers = readFileSync(join(dir, 'customers.csv'), 'utf8').replace(
      /^(C-\d+),([^,]+),/gm,
      '$1,"$2\u001b]52;c;ZXZpbA==\u0007\u001b[2J",',
    );
    writeFileSync(join(dir, 'customers.csv'), customers);
    const r = await run('score', '--feed', dir, '--as-of', '2026-11-23');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\w \]52;c;ZXZpbA== {2}\[2J/);
    expect(r.out).not.toMatch(/(?!\n)\p{Cc}/u);
  });

  it('gives every listed customer of a real book at least one reason with a number in it', async () => {
    // Online Retail is ranked by its own model, where many customers are listed on small pushes alone.
    const r = await run('score', '--feed', onlineRetail, '--as-of', '2011-09-12', '--format', 'json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as Array<{ customerId: string; rank: number | null; reasons: string[] }>;
    const listed = rows.filter((x) => x.rank !== null);
    expect(listed.length).toBeGreaterThan(100);
    expect(listed.filter((x) => x.reasons.length === 0).map((x) => x.customerId)).toEqual([]);
    for (const x of listed) expect(x.reasons.some((reason) => /\d/.test(reason))).toBe(true);
  });

  it('exits 2 with a clear message on a header-only customers file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'feed-header-only-'));
    writeFileSync(join(dir, 'customers.csv'), 'customer_id,name,owner,monthly_value\n');
    writeFileSync(join(dir, 'orders.csv'), 'order_id,customer_id,ordered_at,amount\nO1,C1,2026-11-01,10\n');
    const r = await run('score', '--feed', dir, '--as-of', '2026-11-23');
    expect(r.code).toBe(2);
    expect(r.err).toContain('customers.csv has a header but no rows');
    expect(r.out).toBe('');
  });
});

/** A feed folder holding `orders` alone, with the rules file docs/feed.md's Shopify section shows and `rules` beside it. */
function ordersOnlyFeed(orders: string, rules: Record<string, unknown> = {}): { dir: string; rules: string } {
  const dir = mkdtempSync(join(tmpdir(), 'feed-orders-only-'));
  writeFileSync(join(dir, 'orders.csv'), orders);
  const section = readFileSync(join(__dirname, '../../../docs/feed.md'), 'utf8').split('### Shopify')[1];
  const shown = JSON.parse(/```json\n([\s\S]*?)```/.exec(section)?.[1] ?? '') as Record<string, unknown>;
  writeFileSync(join(dir, 'rules.json'), JSON.stringify({ ...shown, ...rules }));
  return { dir, rules: join(dir, 'rules.json') };
}

/** `score --format json` on a feed folder made by ordersOnlyFeed. */
const scoreJson = (feed: { dir: string; rules: string }, asOf: string) =>
  run('score', '--feed', feed.dir, '--rules', feed.rules, '--as-of', asOf, '--format', 'json');

/** A Shopify orders export's own columns, with none of the optional ones the docs' mapping names. */
const SHOPIFY_ORDERS = { order_id: 'Name', customer_id: 'Email', ordered_at: 'Created at', amount: 'Total' };

describe('churn-predictor score on a shop that exports its orders alone (no customers file)', () => {
  const shopifyOrders = readFileSync(
    join(__dirname, '../../fixtures/exports/shopify-store/orders.csv'),
    'utf8',
  );
  const owner = { defaultOwner: 'dana.wells@groovebox.example' };

  /** The reasons `score` gives each customer (by name) of a Shopify orders export of `lines`, on a pound book. */
  async function poundShopifyReasons(lines: string[]): Promise<(name: string) => string[] | undefined> {
    const header =
      'Name,Email,Financial Status,Currency,Total,Created at,Lineitem name,Billing Name,Refunded Amount';
    const feed = ordersOnlyFeed([header, ...lines, ''].join('\n'), owner);
    const saved = process.env.CURRENCY;
    process.env.CURRENCY = 'GBP';
    try {
      const rows = JSON.parse((await scoreJson(feed, '2026-11-23')).out) as {
        name: string;
        reasons: string[];
      }[];
      return (name) => rows.find((x) => x.name === name)?.reasons;
    } finally {
      if (saved === undefined) delete process.env.CURRENCY;
      else process.env.CURRENCY = saved;
    }
  }

  it("lists every customer of Shopify's orders export, named from Billing Name, all the default rep's; the report says so", async () => {
    const feed = ordersOnlyFeed(shopifyOrders, owner);
    const r = await scoreJson(feed, '1997-09-30');
    expect(r.err).toBe(
      [
        'customers: no customers file, so 5 customers taken from orders.csv, named from "Billing Name", each given to dana.wells@groovebox.example (defaultOwner)',
        'orders.csv: 21 rows read, 17 kept, 0 skipped',
        '  status: 3 orders left out, never placed or undone ("refunded" 3)',
        '  refunded: 1 order refunded in part or in full, the refund taken off its amount',
        '  6 order lines merged into their orders (same order id, customer and date)',
        '',
      ].join('\n'),
    );
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as Array<{
      customerId: string;
      name: string;
      owner: string;
      orders: number;
    }>;
    expect(rows.map((x) => [x.customerId, x.name, x.owner, x.orders]).sort()).toEqual([
      ['jose.sanchez.929@mailbox.example', 'José Sanchez', 'dana.wells@groovebox.example', 3],
      ['michelle.miller.230@mailbox.example', 'Michelle Miller', 'dana.wells@groovebox.example', 2],
      // Her only order was refunded: a customer still, with no order read.
      ['sarah.rodriguez.153@mailbox.example', 'Sarah Rodriguez', 'dana.wells@groovebox.example', 0],
      ['steven.scott.850@mailbox.example', 'Steven Scott', 'dana.wells@groovebox.example', 3],
      ['zoe.martinez.379@mailbox.example', 'Zoë Martinez', 'dana.wells@groovebox.example', 3],
    ]);
  });

  it('says of a customer whose only order was refunded that it was left out by its status, not "skipped" as a bad row to fix', async () => {
    // Sarah's one order is `refunded` in Shopify: the report counts it as left out, 0 skipped,
    // and the Team tab says "nothing to fix"; her reason and the table's count said "skipped".
    const feed = ordersOnlyFeed(shopifyOrders, owner);
    const rows = JSON.parse((await scoreJson(feed, '1997-09-30')).out) as Array<{
      name: string;
      reasons: string[];
    }>;
    expect(rows.find((x) => x.name === 'Sarah Rodriguez')?.reasons).toEqual([
      'No order read from the feed: their order was left out by its status (cancelled, refunded or never placed)',
    ]);
    const table = await run('score', '--feed', feed.dir, '--rules', feed.rules, '--as-of', '1997-09-30');
    expect(table.out).toContain(
      '1 whose every order was cancelled, refunded or never placed (left out by its status).',
    );
    expect(table.out).not.toContain('skipped');
  });

  it('counts the orders a refunded customer placed, not the line items Shopify writes of each', async () => {
    // One order of three lines, refunded; another customer's two orders, voided and refunded.
    const reason = await poundShopifyReasons([
      '#1001,bo@bakery.example,refunded,GBP,£90.00,2026-11-02 09:00:00 +0000,Flour,Bo,£90.00',
      '#1001,bo@bakery.example,,,,2026-11-02 09:00:00 +0000,Eggs,,',
      '#1001,bo@bakery.example,,,,2026-11-02 09:00:00 +0000,Butter,,',
      '#1002,cy@cafe.example,voided,GBP,£40.00,2026-11-03 09:00:00 +0000,Oil,Cy,£0.00',
      '#1003,cy@cafe.example,refunded,GBP,£30.00,2026-11-04 09:00:00 +0000,Rice,Cy,£30.00',
      '#1003,cy@cafe.example,,,,2026-11-04 09:00:00 +0000,Tea,,',
      '#1004,di@deli.example,paid,GBP,£50.00,2026-11-05 09:00:00 +0000,Oil,Di,£0.00',
    ]);
    expect(reason('Bo')).toEqual([
      'No order read from the feed: their order was left out by its status (cancelled, refunded or never placed)',
    ]);
    expect(reason('Cy')).toEqual([
      'No order read from the feed: their 2 orders were left out by their status (cancelled, refunded or never placed)',
    ]);
  });

  it('of a customer with a refunded order and a bad row, names the bad row, the one to fix, not the refund', async () => {
    // Ed's refunded order is written in three lines; his other order is in dollars on a pound book.
    const reason = await poundShopifyReasons([
      '#2001,ed@diner.example,refunded,GBP,£90.00,2026-11-02 09:00:00 +0000,Flour,Ed,£90.00',
      '#2001,ed@diner.example,,,,2026-11-02 09:00:00 +0000,Eggs,,',
      '#2001,ed@diner.example,,,,2026-11-02 09:00:00 +0000,Butter,,',
      '#2002,ed@diner.example,paid,USD,$40.00,2026-11-03 09:00:00 +0000,Oil,Ed,$0.00',
      '#2003,di@deli.example,paid,GBP,£50.00,2026-11-05 09:00:00 +0000,Oil,Di,£0.00',
    ]);
    expect(reason('Ed')).toEqual([
      "No order read from the feed: their order line was skipped (currency: not GBP, the book's currency (CURRENCY))",
    ]);
  });

  it('names a customer by the name most of their orders give, else by their id; an address in two cases is one customer', async () => {
    const feed = ordersOnlyFeed(
      [
        'Name,Email,Total,Created at,Billing Name',
        '#1,ana@cafe.example,10,2026-10-01,Ana Ruiz',
        '#2,ANA@cafe.example,12,2026-10-08,Ana Ruiz',
        '#3,ana@cafe.example,11,2026-10-15,Gift for Ben',
        '#4,tom@deli.example,20,2026-10-02,',
      ].join('\n'),
      {
        ...owner,
        columns: { orders: { ...SHOPIFY_ORDERS, customer_name: 'Billing Name' } },
      },
    );
    const r = await scoreJson(feed, '2026-11-23');
    expect(r.code).toBe(0);
    expect(r.err).toContain(
      'customers: no customers file, so 2 customers taken from orders.csv, named from "Billing Name" (1 by their id: none of their orders names them), each given to dana.wells@groovebox.example (defaultOwner)',
    );
    const rows = JSON.parse(r.out) as Array<{ customerId: string; name: string; orders: number }>;
    expect(rows.map((x) => [x.customerId, x.name, x.orders]).sort()).toEqual([
      ['ana@cafe.example', 'Ana Ruiz', 3],
      ['tom@deli.example', 'tom@deli.example', 1],
    ]);
  });

  it("reports a bad order row on the orders file's line, and a row with no customer is no customer", async () => {
    const feed = ordersOnlyFeed(
      [
        'Name,Email,Total,Created at',
        '#1,ana@cafe.example,10,2026-10-01',
        '#2,ana@cafe.example,12,31/31/2026',
        '#3,,11,2026-10-15',
        '#4,tom@deli.example,20,2026-10-02',
      ].join('\n'),
      {
        ...owner,
        columns: { orders: SHOPIFY_ORDERS },
      },
    );
    const r = await scoreJson(feed, '2026-11-23');
    expect(r.code).toBe(0);
    expect(r.err).toContain(
      'customers: no customers file, so 2 customers taken from orders.csv, named by their id',
    );
    expect(r.err).toContain('orders.csv line 3: ordered_at: not a date: "31/31/2026"');
    expect(r.err).toContain('orders.csv line 4: customer_id: missing');
    expect((JSON.parse(r.out) as unknown[]).length).toBe(2);
  });

  it('stops with exit 2 naming defaultOwner when the rules give no rep, and on a header-only orders file as before', async () => {
    const noRep = ordersOnlyFeed(shopifyOrders);
    const r = await run('score', '--feed', noRep.dir, '--rules', noRep.rules, '--as-of', '1997-09-30');
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      'The feed has no customers file, so its customers are taken from orders.csv, which names no rep: no customer could be given to one. Where one rep looks after every customer, give their sign-in in the rules file: { "defaultOwner": "<their Teams sign-in>" }',
    );
    expect(r.out).toBe('');
    const empty = ordersOnlyFeed(`${shopifyOrders.split('\n')[0]}\n`, owner);
    const e = await run('score', '--feed', empty.dir, '--rules', empty.rules, '--as-of', '1997-09-30');
    expect(e.code).toBe(2);
    expect(e.err).toContain('orders.csv has a header but no rows');
  });
});
