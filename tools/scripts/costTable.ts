/**
 * `npx tsx tools/scripts/costTable.ts`: the monthly Azure Functions bill of docs/deploy.md ("Cost"), from the Flex
 * Consumption billing rules and the product's own execution pattern, so the arithmetic is run, not typed.
 *
 * Billing rules (Microsoft Learn, "Estimating consumption-based costs", Flex Consumption tab):
 * - on demand: billed for memory x time while an instance executes (each execution at least 1,000 ms, then
 *   rounded up to 100 ms) and per execution, minus the monthly free grant (pay-as-you-go subscriptions only);
 * - always ready: the baseline (memory x every second the instance exists), plus memory x execution time and
 *   executions, with no free grant;
 * - instanceMemoryMB is app-wide: a 1-second button tap on a 4,096 MB app bills 4 GB-s.
 */

/** East US list prices in US dollars; check the Azure Functions pricing page for your region. */
export const PRICES = {
  onDemandGbSecond: 0.000026,
  perMillionExecutions: 0.4,
  // Not found in the stored pages: the pricing page's always-ready meters as last known; verify before relying.
  alwaysReadyBaselineGbSecond: 0.000004,
  alwaysReadyExecutionGbSecond: 0.000016,
} as const;

/** The on-demand free grant per subscription and month (shared by every Flex app in the subscription). */
export const FREE_GRANT = { executions: 250_000, gbSeconds: 100_000 } as const;

const SECONDS_PER_MONTH = 30 * 24 * 3600;
const WEEKS_PER_MONTH = 30 / 7;
/**
 * The three timers (weeklyRun, dailyFollowUps, monthlySummary: functions/index.ts) fire every 15 minutes, every day;
 * the app decides when a run is due.
 */
const TIMER_TICKS_PER_MONTH = 3 * 4 * 24 * 30;
/** An availability probe of /api/health every 5 minutes (drop it if you do not set one up). */
const HEALTH_PROBES_PER_MONTH = 12 * 24 * 30;

/** The size of a book and how the team uses the app. */
export interface Scenario {
  name: string;
  customers: number;
  reps: number;
  instanceMemoryMB: 512 | 2048 | 4096;
  /** Always-ready instances for the HTTP group (the bot and /api/health). */
  alwaysReady: number;
  /** Wall-clock seconds of one weekly run (read the feed, score, send every rep's card). */
  weeklyRunSeconds: number;
  /** Button taps and commands per rep per week. */
  tapsPerRepPerWeek: number;
}

/** Billed seconds of one execution: at least 1 s, then up in 0.1 s steps. */
export function billedSeconds(seconds: number): number {
  return Math.max(1, Math.ceil(seconds * 10) / 10);
}

export interface Bill {
  executions: number;
  onDemandGbSeconds: number;
  onDemand: number;
  alwaysReady: number;
  total: number;
}

/** The month's Functions bill for a scenario. */
export function monthlyBill(s: Scenario): Bill {
  const gb = s.instanceMemoryMB / 1024;
  const timerTicks = TIMER_TICKS_PER_MONTH;
  // One tick a week runs the weekly job; the other ticks decide "not due" in well under a second.
  const timerGbSeconds =
    (timerTicks - WEEKS_PER_MONTH) * billedSeconds(0.2) * gb +
    WEEKS_PER_MONTH * billedSeconds(s.weeklyRunSeconds) * gb;
  const httpExecutions = HEALTH_PROBES_PER_MONTH + s.reps * s.tapsPerRepPerWeek * WEEKS_PER_MONTH;
  const httpGbSeconds = httpExecutions * billedSeconds(0.5) * gb;

  const onDemandExecutions = timerTicks + (s.alwaysReady > 0 ? 0 : httpExecutions);
  const onDemandGbSeconds = timerGbSeconds + (s.alwaysReady > 0 ? 0 : httpGbSeconds);
  const onDemand =
    Math.max(0, onDemandGbSeconds - FREE_GRANT.gbSeconds) * PRICES.onDemandGbSecond +
    (Math.max(0, onDemandExecutions - FREE_GRANT.executions) / 1e6) * PRICES.perMillionExecutions;
  const alwaysReady =
    s.alwaysReady > 0
      ? s.alwaysReady * gb * SECONDS_PER_MONTH * PRICES.alwaysReadyBaselineGbSecond +
        httpGbSeconds * PRICES.alwaysReadyExecutionGbSecond +
        (httpExecutions / 1e6) * PRICES.perMillionExecutions
      : 0;
  return {
    executions: timerTicks + httpExecutions,
    onDemandGbSeconds,
    onDemand,
    alwaysReady,
    total: onDemand + alwaysReady,
  };
}

/** The scenarios docs/deploy.md shows. */
export const SCENARIOS: Scenario[] = [
  {
    name: '10k customers, 200 reps',
    customers: 10_000,
    reps: 200,
    instanceMemoryMB: 2048,
    alwaysReady: 0,
    weeklyRunSeconds: 60,
    tapsPerRepPerWeek: 10,
  },
  {
    name: '10k customers, 200 reps',
    customers: 10_000,
    reps: 200,
    instanceMemoryMB: 2048,
    alwaysReady: 1,
    weeklyRunSeconds: 60,
    tapsPerRepPerWeek: 10,
  },
  {
    name: '1M customers, 2,000 reps',
    customers: 1_000_000,
    reps: 2_000,
    instanceMemoryMB: 2048,
    alwaysReady: 0,
    weeklyRunSeconds: 900,
    tapsPerRepPerWeek: 10,
  },
  {
    name: '1M customers, 2,000 reps',
    customers: 1_000_000,
    reps: 2_000,
    instanceMemoryMB: 2048,
    alwaysReady: 1,
    weeklyRunSeconds: 900,
    tapsPerRepPerWeek: 10,
  },
  {
    name: '1M customers, 2,000 reps',
    customers: 1_000_000,
    reps: 2_000,
    instanceMemoryMB: 4096,
    alwaysReady: 0,
    weeklyRunSeconds: 900,
    tapsPerRepPerWeek: 10,
  },
  {
    name: '1M customers, 2,000 reps',
    customers: 1_000_000,
    reps: 2_000,
    instanceMemoryMB: 4096,
    alwaysReady: 1,
    weeklyRunSeconds: 900,
    tapsPerRepPerWeek: 10,
  },
];

const usd = (x: number): string => `$${x.toFixed(2)}`;
const int = (x: number): string => Math.round(x).toLocaleString('en-US');

/** The markdown table docs/deploy.md carries. */
export function costTable(scenarios: Scenario[] = SCENARIOS): string {
  const rows = scenarios.map((s) => {
    const b = monthlyBill(s);
    return `| ${s.name} | ${s.instanceMemoryMB} MB | ${s.alwaysReady} | ${int(b.executions)} | ${int(b.onDemandGbSeconds)} | ${usd(b.onDemand)} | ${usd(b.alwaysReady)} | **${usd(b.total)}** |`;
  });
  return [
    '| Book | instanceMemoryMB | Always ready | Executions | On-demand GB-s | On demand | Always ready | Functions total |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

if (require.main === module) console.log(costTable());
