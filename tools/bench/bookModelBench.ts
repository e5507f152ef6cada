/**
 * The book's own model inside scoring at book scale: scoreBook on a synthetic book (default 100k
 * customers / 2M orders, bench/scoreBench.ts) with learning on (fit on eight past days, choose on
 * the validation day, calibrate) and off, so the difference is the book model. Seconds and memory.
 *
 *   npx tsx bench/bookModelBench.ts [customers]
 */
import { dayOf } from '../../rules/book';
import { defaultRules, parseRules } from '../../rules/rulesSchema';
import { scoreBook } from '../../rules/scoreBook';
import { syntheticBook } from './scoreBench';

const seconds = (ms: number) => Math.round(ms / 10) / 100;
const megabytes = (bytes: number) => Math.round(bytes / 1e5) / 10;

/** Times scoreBook with and without the book model on a synthetic book of `customers`. */
export async function benchBookModel(customers = 100_000) {
  const endDay = dayOf('2026-11-23');
  const book = syntheticBook({ customers, ordersPerCustomer: 20, endDay });
  const learning = defaultRules();
  const rulesOnly = parseRules({ learn: { enabled: false } });
  scoreBook(book, rulesOnly, endDay); // warm-up (JIT)
  // Wall time and this process's CPU time: on a machine shared with other work the CPU time is what
  // the scoring would take alone (it runs on one thread).
  let started = performance.now();
  let cpu = process.cpuUsage();
  const scored = scoreBook(book, learning, endDay);
  const withBookModelSeconds = seconds(performance.now() - started);
  const withBookModelCpuSeconds = seconds(process.cpuUsage(cpu).user / 1000);
  started = performance.now();
  cpu = process.cpuUsage();
  scoreBook(book, rulesOnly, endDay);
  const rulesOnlySeconds = seconds(performance.now() - started);
  const rulesOnlyCpuSeconds = seconds(process.cpuUsage(cpu).user / 1000);
  await new Promise((resolve) => setImmediate(resolve));
  return {
    customers: book.customers.length,
    orders: book.orderDay.length,
    withBookModelSeconds,
    withBookModelCpuSeconds,
    rulesOnlySeconds,
    rulesOnlyCpuSeconds,
    loadAverage: (await import('node:os')).loadavg()[0],
    choice: scored.choice.use,
    reason: scored.choice.reason,
    fitRows: scored.choice.fitRows,
    peakRssMb: megabytes(process.resourceUsage().maxRSS * 1024),
    heapUsedMb: megabytes(process.memoryUsage().heapUsed),
  };
}

if (require.main === module) {
  const customers = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  benchBookModel(customers).then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
