import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { ProactiveSender } from '../../bot/proactiveSender';
import type { WeeklyRunDone } from '../../jobs/weekly/weeklyReport';
import { runWeekly } from '../../jobs/weekly/weeklyRun';
import { dayOf } from '../../rules/book';
import { seededRandom } from '../../rules/seededRandom';
import { openStorage } from '../../storage';
import { openCardStore } from '../../storage/cardStore';
import { FakeTeamsConnector } from '../../test/fakes/teamsConnector';
import { startAzurite } from '../../test/helpers/azurite';
import { syntheticBook } from './scoreBench';
import { depsFor, installReps } from './weeklyBench';

/**
 * `npm run bench crash`: SIGKILLs the weekly run (a child process, on Azurite, sending to the
 * limit-enforcing fake connector in this process) at random points while it delivers, reruns it the
 * way the next timer tick would, and counts the cards Teams got twice. A card is sent twice exactly
 * when Teams accepted it but the ledger had no `delivered` row for it when the process died: the
 * sends in flight at the kill (accepted, answer not yet back or its ledger insert not yet done).
 * The run records each rep right after Teams' 201, so the bound is the sends in flight, at most the
 * run's send concurrency (16).
 */

const REPS = 60;
const CUSTOMERS = 1_800;
const KILLS = Number(process.env.CRASH_KILLS ?? 24);
/** The run's send concurrency (the bound on sends in flight); the run's default when unset. */
const CONCURRENCY = process.env.CRASH_SEND_CONCURRENCY
  ? Number(process.env.CRASH_SEND_CONCURRENCY)
  : undefined;
/** Monday 23 November 2026, 08:03 in Chicago; the rerun is the next 15-minute tick. */
const SEND_TIME = new Date('2026-11-23T14:03:00Z');
const NEXT_TICK = new Date(SEND_TIME.getTime() + 15 * 60_000);

function book(emails: string[]) {
  const generated = syntheticBook({
    customers: CUSTOMERS,
    ordersPerCustomer: 24,
    endDay: dayOf('2026-11-23'),
  });
  return {
    ...generated,
    customers: generated.customers.map((c, i) => ({ ...c, owner: emails[i % emails.length] })),
  };
}

const emails = Array.from({ length: REPS }, (_, i) => `rep${String(i).padStart(3, '0')}@example.com`);

function sender(): ProactiveSender {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '' }));
  return new ProactiveSender({ adapter, appId: '' });
}

/** The child: one weekly run, killed by the parent somewhere in its deliveries. */
async function child(): Promise<void> {
  const connectionString = process.env.CRASH_CONNECTION ?? '';
  const tablePrefix = process.env.CRASH_PREFIX ?? '';
  const storage = await openStorage({ connectionString, tablePrefix }, { timeZone: 'America/Chicago' });
  const cards = await openCardStore({ connectionString, tablePrefix });
  const deps = depsFor(storage, cards, book(emails), sender());
  const config = CONCURRENCY ? { ...deps.config, sendConcurrency: CONCURRENCY } : deps.config;
  await runWeekly({ ...deps, config }, { now: SEND_TIME, force: true });
}

interface Trial {
  killAfter: number;
  /** Cards Teams had accepted when the process died. */
  accepted: number;
  /** Of those, reps the ledger had recorded delivered. */
  recorded: number;
  /** Cards the rerun sent to a rep Teams had already given one. */
  duplicates: number;
  /** Reps with something to send and no card after the rerun. */
  lost: number;
}

async function trial(connectionString: string, random: () => number): Promise<Trial> {
  const tablePrefix = `crash${randomBytes(3).toString('hex')}`;
  const fake = await FakeTeamsConnector.start();
  try {
    const storage = await openStorage({ connectionString, tablePrefix }, { timeZone: 'America/Chicago' });
    const cards = await openCardStore({ connectionString, tablePrefix });
    await installReps(storage, fake, emails);
    const sends = () => fake.activities.filter((a) => a.kind === 'send').length;
    const killAfter = 1 + Math.floor(random() * (REPS - 2));
    const proc: ChildProcess = spawn(process.execPath, [...process.execArgv, __filename, 'child'], {
      env: { ...process.env, CRASH_CONNECTION: connectionString, CRASH_PREFIX: tablePrefix },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    // Wait for the count (no fixed sleep), then a random 0-40 ms more: a point anywhere in a send's life.
    while (sends() < killAfter) {
      if (proc.exitCode !== null) throw new Error('the run finished before it could be killed');
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await new Promise((resolve) => setTimeout(resolve, random() * 40));
    proc.kill('SIGKILL');
    await exited;
    const accepted = sends();
    const ledger = await storage.runs.listRun('weekly-2026-W48');
    const recorded = ledger.filter((d) => d.status === 'delivered').length;
    const rerun = (await runWeekly(depsFor(storage, cards, book(emails), sender()), {
      now: NEXT_TICK,
      force: true,
    })) as WeeklyRunDone;
    if (rerun.status !== 'completed') throw new Error(`rerun did not complete: ${JSON.stringify(rerun)}`);
    const perRep = new Map<string, number>();
    for (const a of fake.activities) {
      if (a.kind === 'send') perRep.set(a.conversationId, (perRep.get(a.conversationId) ?? 0) + 1);
    }
    const duplicates = [...perRep.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
    // Reps whose list was empty get no card by design (nothing_to_send), and are not lost.
    const lost = REPS - perRep.size - rerun.counts.nothing_to_send;
    return { killAfter, accepted, recorded, duplicates, lost };
  } finally {
    await fake.stop();
  }
}

/** Runs the kills and prints each one and the distribution of duplicates per kill. */
export async function crashBench(log: (line: string) => void = console.log): Promise<Trial[]> {
  const azurite = await startAzurite();
  const random = seededRandom(17);
  const trials: Trial[] = [];
  try {
    log(
      `weekly run of ${REPS} reps (${CUSTOMERS} customers), SIGKILLed ${KILLS} times at random points, then rerun`,
    );
    log('kill  after  accepted  recorded  in flight  duplicates  lost');
    for (let k = 1; k <= KILLS; k++) {
      const t = await trial(azurite.connectionString, random);
      trials.push(t);
      log(
        `${String(k).padStart(4)}  ${String(t.killAfter).padStart(5)}  ${String(t.accepted).padStart(8)}  ${String(t.recorded).padStart(8)}  ${String(t.accepted - t.recorded).padStart(9)}  ${String(t.duplicates).padStart(10)}  ${String(t.lost).padStart(4)}`,
      );
    }
  } finally {
    await azurite.stop();
  }
  const dups = trials.map((t) => t.duplicates).sort((a, b) => a - b);
  const histogram = new Map<number, number>();
  for (const d of dups) histogram.set(d, (histogram.get(d) ?? 0) + 1);
  log(
    `duplicates per kill: min ${dups[0]}, median ${dups[Math.floor(dups.length / 2)]}, max ${dups.at(-1)}, total ${dups.reduce((a, b) => a + b, 0)} over ${dups.length} kills`,
  );
  log(`distribution (duplicates: kills): ${[...histogram].map(([d, n]) => `${d}: ${n}`).join(', ')}`);
  const overBound = trials.filter((t) => t.duplicates > t.accepted - t.recorded);
  log(
    `every duplicate was a send in flight at the kill (accepted, not yet recorded): ${overBound.length === 0 ? 'yes' : `NO, ${overBound.length} kills over`}; lost cards: ${trials.reduce((a, t) => a + t.lost, 0)}`,
  );
  return trials;
}

if (require.main === module) {
  const run = process.argv[2] === 'child' ? child() : crashBench().then(() => undefined);
  run.catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
