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
