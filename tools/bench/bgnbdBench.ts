/**
 * BG/NBD at book scale: simulate N customers from known parameters (seeded), fit (r, α, a, b) by
 * maximum likelihood, then score P(alive), P(no purchase in the horizon) and E[purchases] for all.
 * Reports seconds per stage and memory (peak RSS of the process, and the heap in use after scoring).
 * Time is in days here, as the product's books are: CDNOW's weekly α = 4.414 becomes about 31 days.
 *
 *   npx tsx bench/bgnbdBench.ts [customers]     (default 100,000)
 */
import { type BgNbdParams, scoreBgNbd } from '../../rules/model/bgnbd';
import { fitBgNbd } from '../../rules/model/bgnbdFit';
import { simulateBgNbd } from '../../test/synthetic/bgnbdSimulate';

export interface BgNbdBenchFigures {
  customers: number;
  simulateSeconds: number;
  fitSeconds: number;
  fitIterations: number;
  fitEvaluations: number;
  fitConverged: boolean;
  scoreSeconds: number;
  truth: BgNbdParams;
  fitted: BgNbdParams;
  /** Peak resident set size of the whole process so far (includes Node itself), MB. */
  peakRssMb: number;
  /** V8 heap in use after scoring, MB. */
  heapUsedMb: number;
}

const TRUTH: BgNbdParams = { r: 0.243, alpha: 4.414 * 7, a: 0.793, b: 2.426 };
const HORIZON_DAYS = 91;

const seconds = (since: number) => Math.round((performance.now() - since) / 10) / 100;
const megabytes = (bytes: number) => Math.round(bytes / 1e5) / 10;

/** Simulates, fits and scores `customers` BG/NBD customers; returns the timings and memory. */
export async function benchBgNbd(customers = 100_000): Promise<BgNbdBenchFigures> {
  let started = performance.now();
  const { summary } = simulateBgNbd(TRUTH, { customers, seed: 2005, minAge: 30, maxAge: 730 });
  // A book's summary is in whole days (first order day, last order day, as-of day): round as it would be.
  for (let i = 0; i < customers; i++) {
    summary.tx[i] = Math.round(summary.tx[i]);
    summary.T[i] = Math.round(summary.T[i]);
  }
  const simulateSeconds = seconds(started);

  started = performance.now();
  const fit = fitBgNbd(summary);
  const fitSeconds = seconds(started);

  started = performance.now();
  const scores = scoreBgNbd(fit.params, summary, HORIZON_DAYS);
  const scoreSeconds = seconds(started);
  if (scores.probabilityAlive.some((p) => !(p >= 0 && p <= 1))) throw new Error('P(alive) out of [0, 1]');

  // Yield once so the figures are taken after the synchronous work, as a caller awaiting this would see them.
  await new Promise((resolve) => setImmediate(resolve));
  return {
    customers,
    simulateSeconds,
    fitSeconds,
    fitIterations: fit.iterations,
    fitEvaluations: fit.evaluations,
    fitConverged: fit.converged,
    scoreSeconds,
    truth: TRUTH,
    fitted: fit.params,
    peakRssMb: megabytes(process.resourceUsage().maxRSS * 1024),
    heapUsedMb: megabytes(process.memoryUsage().heapUsed),
  };
}

if (require.main === module) {
  const customers = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  benchBgNbd(customers).then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
