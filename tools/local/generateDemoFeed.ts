import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dayOf, isoOfDay } from '../../rules/book';
import { type Random, seededRandom } from '../../rules/seededRandom';

/**
 * The demo feed: a small food distributor's book (about 300 cafes, restaurants, delis, bakeries,
 * hotels, schools... five reps, 15 months of orders up to Friday 2026-11-20, tickets). Most
 * customers order steadily at their own cadence; about one in ten is slipping in one of several
 * ways; a few were lost long ago. Greenfield Cafe is the slipping customer of the product story.
 * Deterministic: the same seed always writes the same bytes (`npm run demo:generate`).
 */
export const DEMO_LAST_ORDER_DAY = '2026-11-20';
/** The Monday the demo is run as of. */
export const DEMO_AS_OF = '2026-11-23';
const FIRST_DAY = '2025-08-21';
const SEED = 20261123;

export const DEMO_REPS = [
  'ana.ruiz@contoso.example',
  'ben.okafor@contoso.example',
  'chloe.martin@contoso.example',
  'david.kim@contoso.example',
  'emma.larsen@contoso.example',
] as const;

type Kind = 'steady' | 'overdue' | 'value_drop' | 'sour' | 'one_order' | 'slowing' | 'lost';

interface DemoCustomer {
  id: string;
  name: string;
  owner: string;
  /** The customer's real monthly spend, which sizes each order. */
  monthlyValue: number;
  /** Whether customers.csv states the value (else the product derives it). */
  valueGiven: boolean;
  cadenceDays: number;
  kind: Kind;
}

interface Order {
  day: number;
  customer: DemoCustomer;
  amount: number;
}

interface Ticket {
  day: number;
  customer: DemoCustomer;
  sentiment: 'negative' | 'neutral' | 'positive';
  open: boolean;
}

const PLACES = [
  'Oak Street',
  'Maple',
  'Harbor',
  'Riverside',
  'Sunrise',
  'Blue Door',
  'Copper Kettle',
  'Juniper',
  'Willow',
  'Cedar',
  'Hillside',
  'Lakeside',
  'Northgate',
  'Old Town',
  'Market Square',
  'Corner',
  'Golden Wheat',
  'Silver Birch',
  'Red Barn',
  'Lighthouse',
  'Bayview',
  'Elm Street',
  'Kingsway',
  'Meadow',
  'Parkside',
  'Station',
  'Union',
  'Ivy',
  'Orchard',
  'Brick Lane',
  'Saffron',
  'Olive Tree',
  'Pepper Mill',
  'Basil & Thyme',
  'Tamarind',
  'Rosemary',
  'Lemon Grove',
  'Fig Tree',
  'Bluebell',
  'Foxglove',
  'Windmill',
  'Canal Side',
  'High Street',
  'Abbey',
  'Mill Pond',
  'Chestnut',
  'Rowan',
  'Thistle',
  'Wild Garlic',
  'Anchor',
  'Compass',
  'Beacon',
  'Summit',
  'Evergreen',
  'Stonebridge',
  'Hawthorn',
  'Primrose',
  'Larkspur',
  'Marigold',
  'Cobblestone',
];
const TRADES: [string, number][] = [
  ['Cafe', 40],
  ['Bistro', 18],
  ['Deli', 16],
  ['Bakery', 16],
  ['Hotel', 10],
  ['Diner', 10],
  ['Kitchen', 12],
  ['Grill', 10],
  ['Pizzeria', 10],
  ['Noodle Bar', 6],
  ['Catering', 8],
  ['Primary School', 8],
  ['High School', 5],
  ['Care Home', 6],
  ['Brewpub', 6],
  ['Tea Room', 6],
  ['Juice Bar', 4],
  ['Canteen', 4],
  ['Steakhouse', 4],
  ['Taqueria', 5],
  ['Sushi Bar', 4],
  ['Food Hall', 2],
  ['Sandwich Co.', 5],
];
// Real ledgers carry legal suffixes with commas: a quoting case in the demo.
const SUFFIXES = [', Ltd', ', Inc.', ' & Sons', ', LLC'];

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];

function pickWeighted(random: Random, items: [string, number][]): string {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  let r = random() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[items.length - 1][0];
}

function uniqueName(random: Random, taken: Set<string>): string {
  for (;;) {
    const trade = pickWeighted(random, TRADES);
    let name = `${pick(random, PLACES)} ${trade}`;
    if (random() < 0.05 && !/School|Care Home/.test(trade)) name += pick(random, SUFFIXES);
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

/** Monthly spend: most small, a long tail, a few VIPs (hotels, schools, care homes buy more). */
function monthlyValueFor(random: Random, name: string): number {
  const big = /Hotel|School|Care Home|Food Hall|Catering/.test(name) ? 2.2 : 1;
  const base = Math.exp(5.9 + 0.7 * (random() + random() + random() - 1.5)) * big;
  const vip = random() < 0.04 ? 6 + random() * 6 : 1;
  return Math.round((base * vip) / 10) * 10;
}

// How many of the other 299 customers slip, and how: about one in ten, plus a few lost long ago.
const KIND_COUNTS: [Kind, number][] = [
  ['overdue', 9],
  ['value_drop', 6],
  ['sour', 5],
  ['one_order', 5],
  ['slowing', 5],
  ['lost', 8],
];

/** The kinds of customers 2..300, in a seeded shuffle (Fisher-Yates). */
function shuffledKinds(random: Random, count: number): Kind[] {
  const kinds: Kind[] = KIND_COUNTS.flatMap(([kind, n]) => Array<Kind>(n).fill(kind));
  while (kinds.length < count) kinds.push('steady');
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
  }
  return kinds;
}

function makeCustomers(random: Random): DemoCustomer[] {
  const taken = new Set(['Greenfield Cafe']);
  const customers: DemoCustomer[] = [
    {
      id: 'C-1001',
      name: 'Greenfield Cafe',
      owner: 'ana.ruiz@contoso.example',
      monthlyValue: 2400,
      valueGiven: true,
      cadenceDays: 9,
      kind: 'overdue',
    },
  ];
  const kinds = shuffledKinds(random, 299);
  for (let i = 1; i < 300; i++) {
    const name = uniqueName(random, taken);
    customers.push({
      id: `C-${1001 + i}`,
      name,
      owner: DEMO_REPS[Math.floor(random() * DEMO_REPS.length)],
      monthlyValue: monthlyValueFor(random, name),
      valueGiven: random() < 0.75,
      cadenceDays: pick(random, [7, 7, 7, 10, 14, 14, 14, 21, 30, 30]),
      kind: kinds[i - 1],
    });
  }
  return customers;
}

/** Deliveries on Sundays move to Monday. */
const weekday = (day: number) => ((day % 7) + 11) % 7; // 0 = Monday (1970-01-01 was a Thursday)
const deliveryDay = (day: number) => (weekday(day) === 6 ? day + 1 : day);

/** The customer's order history, shaped by their kind. */
function ordersOf(random: Random, c: DemoCustomer, first: number, last: number): Order[] {
  const orders: Order[] = [];
  const typical = (c.monthlyValue * c.cadenceDays) / 30;
  const joined =
    random() < 0.15 ? first + Math.floor(random() * 200) : first + Math.floor(random() * c.cadenceDays);
  let stopAt = last;
  if (c.kind === 'overdue') stopAt = last - Math.round(c.cadenceDays * (3 + random() * 3));
  if (c.kind === 'lost') stopAt = last - 150 - Math.floor(random() * 200);
  if (c.kind === 'one_order') {
    const day = deliveryDay(last - 45 - Math.floor(random() * 70));
    return [{ day, customer: c, amount: round2(typical * (0.8 + 0.4 * random())) }];
  }
  for (let day = joined; day <= stopAt; ) {
    const recent = last - day;
    let factor = 0.85 + 0.3 * random();
    if (c.kind === 'value_drop' && recent < 90) factor *= 0.45;
    orders.push({ day: deliveryDay(day), customer: c, amount: round2(typical * factor) });
    let gap = c.cadenceDays * (0.8 + 0.4 * random());
    if (c.kind === 'slowing' && recent < 120) gap *= 2.2;
    if (c.kind === 'sour' && recent < 60) gap *= 1.5;
    day += Math.max(1, Math.round(gap));
  }
  return orders;
}

function greenfieldOrders(random: Random, c: DemoCustomer, first: number): Order[] {
  // Every 9 days (give or take a day), last on 2026-10-20: 34 days before the Monday as-of.
  const lastOrder = dayOf('2026-10-20');
  const days: number[] = [];
  for (let day = lastOrder; day >= first; day -= 8 + Math.floor(random() * 3)) days.unshift(day);
  return days.map((day) => ({ day, customer: c, amount: round2(720 * (0.9 + 0.2 * random())) }));
}

function ticketsOf(random: Random, c: DemoCustomer, orders: Order[], last: number): Ticket[] {
  const tickets: Ticket[] = [];
  for (const order of orders) {
    if (random() < 0.035) {
      const sentiment = pickWeighted(random, [
        ['neutral', 5],
        ['positive', 3],
        ['negative', 2],
      ]) as Ticket['sentiment'];
      const day = order.day + 1 + Math.floor(random() * 3);
      if (day <= last) tickets.push({ day, customer: c, sentiment, open: last - day < 10 && random() < 0.5 });
    }
  }
  if (c.kind === 'sour') {
    const count = 1 + Math.floor(random() * 3);
    for (let i = 0; i < count; i++) {
      tickets.push({
        day: last - 3 - Math.floor(random() * 40),
        customer: c,
        sentiment: 'negative',
        open: true,
      });
    }
  }
  return tickets;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** A CSV field, quoted when it holds a comma, quote or newline. */
const csvField = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

/** Writes customers.csv, orders.csv and tickets.csv of the demo book into `dir`. */
export async function generateDemoFeed(
  dir: string,
): Promise<{ customers: number; orders: number; tickets: number }> {
  const random = seededRandom(SEED);
  const first = dayOf(FIRST_DAY);
  const last = dayOf(DEMO_LAST_ORDER_DAY);
  const customers = makeCustomers(random);
  const orders: Order[] = [];
  const tickets: Ticket[] = [];
  for (const c of customers) {
    const own =
      c.name === 'Greenfield Cafe' ? greenfieldOrders(random, c, first) : ordersOf(random, c, first, last);
    orders.push(...own);
    if (c.name === 'Greenfield Cafe') {
      tickets.push({ day: dayOf('2026-04-14'), customer: c, sentiment: 'positive', open: false });
      tickets.push({ day: dayOf('2026-11-06'), customer: c, sentiment: 'negative', open: true });
    } else tickets.push(...ticketsOf(random, c, own, last));
  }
  // Exports list rows by date; within a day, by customer.
  const byDay = <T extends { day: number; customer: DemoCustomer }>(a: T, b: T) =>
    a.day - b.day || a.customer.id.localeCompare(b.customer.id);
  orders.sort(byDay);
  tickets.sort(byDay);

  const customerLines = customers.map((c) =>
    [c.id, csvField(c.name), c.owner, c.valueGiven ? String(c.monthlyValue) : ''].join(','),
  );
  const orderLines = orders.map(
    (o, i) => `SO-${100001 + i},${o.customer.id},${isoOfDay(o.day)},${o.amount.toFixed(2)}`,
  );
  const ticketLines = tickets.map(
    (t, i) =>
      `TK-${5001 + i},${t.customer.id},${isoOfDay(t.day)},${t.sentiment},${t.open ? 'open' : 'closed'}`,
  );
  await mkdir(dir, { recursive: true });
  const write = (file: string, header: string, lines: string[]) =>
    writeFile(join(dir, file), `${[header, ...lines].join('\n')}\n`);
  await write('customers.csv', 'customer_id,name,owner,monthly_value', customerLines);
  await write('orders.csv', 'order_id,customer_id,ordered_at,amount', orderLines);
  await write('tickets.csv', 'ticket_id,customer_id,opened_at,sentiment,status', ticketLines);
  return { customers: customers.length, orders: orders.length, tickets: tickets.length };
}

if (require.main === module) {
  const dir = process.argv[2] ?? join(__dirname, '..', '..', 'demo', 'feed');
  generateDemoFeed(dir).then(
    (counts) =>
      console.log(
        `wrote ${dir}: ${counts.customers} customers, ${counts.orders} orders, ${counts.tickets} tickets`,
      ),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
