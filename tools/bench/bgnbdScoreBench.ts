/**
 * The cadence model inside scoring at book scale: scoreBook on a synthetic book (default 100k
 * customers / 2M orders, bench/scoreBench.ts) with the BG/NBD fit on and off, so the difference is
 * the fit and the model signals. Reports seconds and memory.
 *
 *   npx tsx bench/bgnbdScoreBench.ts [customers]
 */
import { dayOf } from '../../rules/book';
import { defaultRules, parseRules } from '../../rules/rulesSchema';
import { scoreBook } from '../../rules/scoreBook';
import { syntheticBook } from './scoreBench';

export interface BgNbdScoreBenchFigures {
  customers: number;
  orders: number;
  /** scoreBook with the model (fit + model signals). */
  withModelSeconds: number;
  /** scoreBook with `model.enabled: false` (rule signals only). */
  rulesOnlySeconds: number;
  modelStatus: string;
  /** Peak resident set size of the process so far, MB. */
  peakRssMb: number;
  /** V8 heap in use after scoring, MB. */
  heapUsedMb: number;
}

const seconds = (ms: number) => Math.round(ms / 10) / 100;
const megabytes = (bytes: number) => Math.round(bytes / 1e5) / 10;

/** Times scoreBook with and without the cadence model on a synthetic book of `customers`. */
export async function benchBgNbdScore(customers = 100_000): Promise<BgNbdScoreBenchFigures> {
  const endDay = dayOf('2026-11-23');
  const book = syntheticBook({ customers, ordersPerCustomer: 20, endDay });
  const withModel = defaultRules();
  const rulesOnly = parseRules({ model: { enabled: false } });
  scoreBook(book, rulesOnly, endDay); // warm-up (JIT)
  let started = performance.now();
  const scored = scoreBook(book, withModel, endDay);
  const withModelSeconds = seconds(performance.now() - started);
  started = performance.now();
  scoreBook(book, rulesOnly, endDay);
  const rulesOnlySeconds = seconds(performance.now() - started);
  await new Promise((resolve) => setImmediate(resolve));
  return {
    customers: book.customers.length,
    orders: book.orderDay.length,
    withModelSeconds,
    rulesOnlySeconds,
    modelStatus: scored.model.status === 'fitted' ? 'fitted' : `unavailable: ${scored.model.reason}`,
    peakRssMb: megabytes(process.resourceUsage().maxRSS * 1024),
    heapUsedMb: megabytes(process.memoryUsage().heapUsed),
  };
}

if (require.main === module) {
  const customers = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  benchBgNbdScore(customers).then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
