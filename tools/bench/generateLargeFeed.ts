import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isoOfDay } from '../../rules/book';
import { type Random, seededRandom } from '../../rules/seededRandom';

/**
 * Writes a large synthetic feed (customers.csv, orders.csv, tickets.csv) for benchmarks, streaming
 * so 20M orders never sit in memory. Deterministic for a given seed. Orders are in date order, as
 * most exports are; a few names carry quoted commas and some dates are date-times, so the parser's
 * slower paths are exercised too.
 */
export interface LargeFeedOptions {
  customers: number;
  orders: number;
  /** Defaults to one ticket per 20 orders. */
  tickets?: number;
  seed?: number;
  /** First order day (YYYY-MM-DD) and how many days the orders span. */
  startDay?: number;
  days?: number;
}

export interface LargeFeedFiles {
  dir: string;
  customers: string;
  orders: string;
  tickets: string;
}

const CHUNK_CHARS = 1 << 16;

/** Buffers lines and writes them in 64 KB chunks, waiting for 'drain' when the stream is full. */
class LineWriter {
  private buffer = '';
  constructor(private readonly stream: WriteStream) {}

  async line(text: string): Promise<void> {
    this.buffer += `${text}\n`;
    if (this.buffer.length >= CHUNK_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

/** Half uniform, half skewed to low indices: some customers order far more than others. */
function pickCustomer(random: Random, customers: number): number {
  const u = random();
  return Math.floor(customers * (random() < 0.5 ? u : u * u * u));
}

async function writeCustomers(path: string, customers: number, random: Random): Promise<void> {
  const out = new LineWriter(createWriteStream(path));
  await out.line('customer_id,name,owner,monthly_value');
  for (let i = 0; i < customers; i++) {
    const name = i % 7 === 0 ? `"Cafe ${i}, Ltd"` : `Customer ${i}`;
    const value = random() < 0.5 ? '' : (200 + random() * 4800).toFixed(0);
    await out.line(`C${i},${name},rep${i % 50}@contoso.example,${value}`);
  }
  await out.close();
}

async function writeDated(
  path: string,
  header: string,
  total: number,
  firstDay: number,
  days: number,
  row: (n: number, iso: string) => string,
): Promise<void> {
  const out = new LineWriter(createWriteStream(path));
  await out.line(header);
  let written = 0;
  for (let d = 0; d < days; d++) {
    // Spread rows evenly over the days so the total is exact.
    const until = Math.round(((d + 1) * total) / days);
    const iso = isoOfDay(firstDay + d);
    for (; written < until; written++) await out.line(row(written, iso));
  }
  await out.close();
}

/** Writes the three files into `dir` (created if needed) and returns their paths. */
export async function generateLargeFeed(dir: string, options: LargeFeedOptions): Promise<LargeFeedFiles> {
  const {
    customers,
    orders,
    tickets = Math.floor(orders / 20),
    seed = 42,
    startDay = 19_723,
    days = 730,
  } = options;
  await mkdir(dir, { recursive: true });
  const files: LargeFeedFiles = {
    dir,
    customers: join(dir, 'customers.csv'),
    orders: join(dir, 'orders.csv'),
    tickets: join(dir, 'tickets.csv'),
  };
  const random = seededRandom(seed);
  await writeCustomers(files.customers, customers, random);
  await writeDated(
    files.orders,
    'order_id,customer_id,ordered_at,amount',
    orders,
    startDay,
    days,
    (n, iso) => {
      const when = n % 10 === 0 ? `${iso}T10:15:00Z` : iso;
      const amount = Math.exp(3 + 2 * random()).toFixed(2);
      return `O-${n},C${pickCustomer(random, customers)},${when},${amount}`;
    },
  );
  const sentiments = ['negative', 'neutral', 'positive'];
  await writeDated(
    files.tickets,
    'ticket_id,customer_id,opened_at,sentiment,status',
    tickets,
    startDay,
    days,
    (n, iso) => {
      const sentiment = sentiments[Math.floor(random() * 3)];
      const status = random() < 0.2 ? 'open' : 'closed';
      return `T-${n},C${pickCustomer(random, customers)},${iso},${sentiment},${status}`;
    },
  );
  return files;
}

if (require.main === module) {
  const [dir = 'test-output/large-feed', customers = '100000', orders = '2000000'] = process.argv.slice(2);
  generateLargeFeed(dir, { customers: Number(customers), orders: Number(orders) }).then(
    (files) => console.log(`wrote ${files.dir}`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
