import { type Book, dayOf, SENTIMENT } from '../../rules/book';
import { defaultRules } from '../../rules/rulesSchema';
import { scoreBook } from '../../rules/scoreBook';
import { seededRandom } from '../../rules/seededRandom';

export interface SyntheticBookOptions {
  customers: number;
  /** Average orders per customer; the total is close to customers * ordersPerCustomer. */
  ordersPerCustomer: number;
  /** Last day of the history (the as-of day of the bench). */
  endDay: number;
  seed?: number;
}

/**
 * Builds a book in memory, straight into typed arrays: each customer orders at their own cadence
 * over two years, about a quarter stop at some point, one in ten has a ticket.
 */
export function syntheticBook(options: SyntheticBookOptions): Book {
  const { customers: n, ordersPerCustomer, endDay } = options;
  const random = seededRandom(options.seed ?? 42);
  const historyDays = 730;
  const capacity = Math.ceil(n * ordersPerCustomer * 1.2) + n;
  let orderDay = new Int32Array(capacity);
  let orderAmount = new Float64Array(capacity);
  const orderStart = new Int32Array(n + 1);
  const ticketStart = new Int32Array(n + 1);
  const ticketDay: number[] = [];
  const ticketSentiment: number[] = [];
  const ticketOpen: number[] = [];
  const customers: Book['customers'] = new Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    customers[i] = {
      id: `c${i}`,
      name: `Customer ${i}`,
      owner: `rep${i % 50}@example.com`,
      monthlyValue: i % 3 === 0 ? Math.round(100 + random() * 2000) : null,
    };
    orderStart[i] = k;
    const count = Math.max(1, Math.round(ordersPerCustomer * (0.2 + 1.6 * random())));
    const cadence = Math.max(1, historyDays / count);
    const stopDay = random() < 0.25 ? endDay - Math.floor(random() * 180) : endDay;
    let day = endDay - historyDays + Math.floor(random() * cadence);
    const typical = 50 + random() * 500;
    while (day <= stopDay && k < capacity) {
      orderDay[k] = day;
      orderAmount[k] = typical * (0.5 + random());
      k++;
      day += Math.max(1, Math.round(cadence * (0.5 + random())));
    }
    ticketStart[i] = ticketDay.length;
    if (random() < 0.1) {
      ticketDay.push(endDay - Math.floor(random() * 60));
      ticketSentiment.push(random() < 0.5 ? SENTIMENT.negative : SENTIMENT.neutral);
      ticketOpen.push(random() < 0.3 ? 1 : 0);
    }
  }
  orderStart[n] = k;
  ticketStart[n] = ticketDay.length;
  orderDay = orderDay.slice(0, k);
  orderAmount = orderAmount.slice(0, k);
  return {
    customers,
    orderStart,
    orderDay,
    orderAmount,
    ticketStart,
    ticketDay: Int32Array.from(ticketDay),
    ticketSentiment: Int8Array.from(ticketSentiment),
    ticketOpen: Uint8Array.from(ticketOpen),
  };
}

export interface ScoreBenchResult {
  customers: number;
  orders: number;
  /** Wall time of one scoreBook call (the best of `runs`). */
  scoreMs: number;
  customersPerSecond: number;
  ordersPerSecond: number;
  /** Heap in use after scoring, with the book and the scored result alive. */
  heapUsedMb: number;
  atRisk: number;
  surfaced: number;
}

/** Builds a synthetic book (default 100k customers / 2M orders) and times scoreBook on it. */
export function runScoreBench(
  options: Partial<SyntheticBookOptions> & { runs?: number } = {},
): ScoreBenchResult {
  const endDay = options.endDay ?? dayOf('2026-11-23');
  const book = syntheticBook({
    customers: options.customers ?? 100_000,
    ordersPerCustomer: options.ordersPerCustomer ?? 20,
    endDay,
    seed: options.seed,
  });
  const rules = defaultRules();
  let best = Number.POSITIVE_INFINITY;
  let result = scoreBook(book, rules, endDay); // warm-up (JIT), also the result we report
  for (let run = 0; run < (options.runs ?? 3); run++) {
    const started = performance.now();
    result = scoreBook(book, rules, endDay);
    best = Math.min(best, performance.now() - started);
  }
  const orders = book.orderDay.length;
  return {
    customers: book.customers.length,
    orders,
    scoreMs: Math.round(best),
    customersPerSecond: Math.round((book.customers.length / best) * 1000),
    ordersPerSecond: Math.round((orders / best) * 1000),
    heapUsedMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    atRisk: result.customers.filter((c) => c.band === 'at_risk').length,
    surfaced: result.customers.filter((c) => c.surfaced).length,
  };
}

if (require.main === module) {
  console.log(runScoreBench());
}
