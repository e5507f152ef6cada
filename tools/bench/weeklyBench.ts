import { randomBytes } from 'node:crypto';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { ProactiveSender } from '../../bot/proactiveSender';
import type { WeeklyRunDone } from '../../jobs/weekly/weeklyReport';
import { runWeekly, type WeeklyRunDeps } from '../../jobs/weekly/weeklyRun';
import { dayOf } from '../../rules/book';
import { defaultRules } from '../../rules/rulesSchema';
import { openStorage, type Storage } from '../../storage';
import { openCardStore, type TableCardStore } from '../../storage/cardStore';
import { FakeTeamsConnector } from '../../test/fakes/teamsConnector';
import { startAzurite } from '../../test/helpers/azurite';
import { syntheticBook } from './scoreBench';

/**
 * The weekly run at scale: 10k customers and 200 reps against Azurite and the fake Teams connector
 * that enforces Teams' published limits (429 + Retry-After past 50/s per app, 7/s per conversation).
 * Sends are the bottleneck by design, so the figure of merit is the run's time against the
 * theoretical bound reps / 50 per second, with zero lost or duplicate cards. The bound is the steady
 * rate: Teams' window is one second, so the first 50 may go at once and 200 reps need 3 windows,
 * which is why the sends alone can come in under it.
 *
 * Two runs: week 47 on empty tables (the first run ever: every state row is new), then week 48 one
 * week later (the steady case: every row exists, most change because the scores move).
 */

export interface WeeklyBenchOptions {
  customers?: number;
  reps?: number;
  /** An Azurite to use; one is started (in memory) when missing. */
  connectionString?: string;
  log?: (line: string) => void;
}

export interface WeeklyRunMeasure {
  runKey: string;
  ms: number;
  phasesMs: WeeklyRunDone['phasesMs'];
  /** First to last request the connector received. */
  sendPhaseMs: number;
  boundMs: number;
  ratio: number;
  delivered: number;
  nothingToSend: number;
  retries: number;
  throttled: number;
  storageRequests: number;
  storageTransactions: number;
  stateRowsWritten: number;
  surfacedRows: number;
  lost: number;
  duplicates: number;
}

export interface WeeklyBenchReport {
  customers: number;
  reps: number;
  runs: WeeklyRunMeasure[];
}

/** Teams' published per-app rate (requests per second). */
const TEAMS_RATE = 50;
/** Monday 08:03 in Chicago of ISO weeks 47 and 48 of 2026. */
const WEEKS = [new Date('2026-11-16T14:03:00Z'), new Date('2026-11-23T14:03:00Z')];

/** Runs the benchmark and returns the figures (also printed through `log`). */
export async function weeklyBench(options: WeeklyBenchOptions = {}): Promise<WeeklyBenchReport> {
  const { customers = 10_000, reps = 200, log = console.log } = options;
  const azurite = options.connectionString ? null : await startAzurite();
  const connectionString = options.connectionString ?? azurite?.connectionString ?? '';
  const fake = await FakeTeamsConnector.start();
  try {
    const tablePrefix = `bench${randomBytes(3).toString('hex')}`;
    const storage = await openStorage({ connectionString, tablePrefix }, { timeZone: 'America/Chicago' });
    const cards = await openCardStore({ connectionString, tablePrefix });
    const emails = Array.from({ length: reps }, (_, i) => `rep${String(i).padStart(3, '0')}@example.com`);
    // 24 orders per customer (two years of roughly monthly buyers): the cadence-model fit samples at
    // most FIT_SAMPLE_CUSTOMERS (rules/model/cadenceModel.ts), so scoreBook takes about 0.5 s here with 8 or 24.
    const generated = syntheticBook({ customers, ordersPerCustomer: 24, endDay: dayOf('2026-11-23') });
    const book = {
      ...generated,
      customers: generated.customers.map((c, i) => ({ ...c, owner: emails[i % reps] })),
    };
    await installReps(storage, fake, emails);

    const runs: WeeklyRunMeasure[] = [];
    for (const now of WEEKS) {
      const before = fake.activities.length;
      const requestsBefore = fake.requestTimes.length;
      const throttledBefore = fake.stats.throttled;
      // A fresh sender per run, as each timer invocation builds its own.
      const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '' }));
      const sender = new ProactiveSender({ adapter, appId: '' });
      const deps = depsFor(storage, cards, book, sender);
      const started = performance.now();
      const report = (await runWeekly(deps, { now, force: true })) as WeeklyRunDone;
      const ms = performance.now() - started;
      const times = fake.requestTimes.slice(requestsBefore);
      const sends = fake.activities.slice(before).filter((a) => a.kind === 'send');
      const perConversation = new Map<string, number>();
      for (const a of sends)
        perConversation.set(a.conversationId, (perConversation.get(a.conversationId) ?? 0) + 1);
      const expected = report.counts.delivered;
      const boundMs = (expected / TEAMS_RATE) * 1000;
      runs.push({
        runKey: report.runKey,
        ms,
        phasesMs: report.phasesMs,
        sendPhaseMs: times.length > 1 ? times[times.length - 1] - times[0] : 0,
        boundMs,
        ratio: ms / boundMs,
        delivered: expected,
        nothingToSend: report.counts.nothing_to_send,
        retries: report.sends.retries,
        throttled: fake.stats.throttled - throttledBefore,
        storageRequests: report.storage.requests + report.storage.cardSaves,
        storageTransactions: report.storage.transactions,
        stateRowsWritten: report.stateWrites.written,
        surfacedRows: report.surfacedRows.recorded,
        lost: expected - perConversation.size,
        duplicates: [...perConversation.values()].filter((n) => n > 1).length,
      });
      if (report.counts.failed > 0 || report.counts.no_conversation > 0) {
        throw new Error(
          `bench run ${report.runKey} did not reach every rep: ${JSON.stringify(report.counts)}`,
        );
      }
    }
    const result = { customers, reps, runs };
    print(result, log);
    return result;
  } finally {
    await fake.stop();
    await azurite?.stop();
  }
}

/** Stores a 1:1 conversation reference for each rep, pointing at the connector at `fake.serviceUrl`. */
export async function installReps(
  storage: Storage,
  fake: Pick<FakeTeamsConnector, 'serviceUrl'>,
  emails: string[],
): Promise<void> {
  for (const email of emails) {
    await storage.conversations.saveRep({
      userId: `aad-${email}`,
      name: email,
      email,
      tenantId: 'bench-tenant',
      serviceUrl: fake.serviceUrl,
      reference: {
        serviceUrl: fake.serviceUrl,
        channelId: 'msteams',
        conversation: { id: `a:${email}`, conversationType: 'personal' },
        bot: { id: '28:churn-bot', name: 'Churn Predictor' },
        user: { id: `29:${email}`, name: email },
      },
    });
  }
}

/** The weekly run's dependencies over bench storage, a fixed book and a real sender, with a quiet log. */
export function depsFor(
  storage: Storage,
  cards: TableCardStore,
  book: WeeklyRunDeps extends { readBook: (asOf: string) => Promise<infer R> }
    ? R extends { book: infer B }
      ? B
      : never
    : never,
  sender: ProactiveSender,
): WeeklyRunDeps {
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  return {
    storage,
    cards,
    rules: defaultRules(),
    readBook: async () => ({ book, report: { files: [], rowsSkipped: 0 } }),
    sender: (reference, card, summary) => sender.sendCard(reference, card, summary),
    config: {
      timeZone: 'America/Chicago',
      weeklySendAt: { weekday: 1, hour: 8, minute: 3 },
    },
    log: quiet,
  };
}

function print(report: WeeklyBenchReport, log: (line: string) => void): void {
  log(
    `weekly run: ${report.customers} customers, ${report.reps} reps, Azurite + limit-enforcing fake connector`,
  );
  log(
    'run              total   sends   bound   total/bound  cards  empty  retries  429s  storage req  txns  rows   surfaced  lost  dup',
  );
  for (const r of report.runs) {
    log(
      `  ${r.runKey} phases: prepare ${r.phasesMs.prepare} ms, deliver ${r.phasesMs.deliver} ms, rest of storage ${r.phasesMs.storeRest} ms (side by side)`,
    );
    const s = (ms: number) => `${(ms / 1000).toFixed(2)}s`.padStart(7);
    log(
      `${r.runKey.padEnd(16)} ${s(r.ms)} ${s(r.sendPhaseMs)} ${s(r.boundMs)}   ${r.ratio.toFixed(2).padStart(8)}x  ${String(r.delivered).padStart(5)}  ${String(r.nothingToSend).padStart(5)}  ${String(r.retries).padStart(7)}  ${String(r.throttled).padStart(4)}  ${String(r.storageRequests).padStart(11)}  ${String(r.storageTransactions).padStart(4)}  ${String(r.stateRowsWritten).padStart(5)}  ${String(r.surfacedRows).padStart(8)}  ${String(r.lost).padStart(4)}  ${String(r.duplicates).padStart(3)}`,
    );
  }
}

if (require.main === module) {
  weeklyBench().then(
    () => undefined,
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
