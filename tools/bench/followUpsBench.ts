import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { ProactiveSender } from '../../bot/proactiveSender';
import { loadConfig } from '../../functions/config';
import { feedReaderFor, wire } from '../../functions/wiring';
import type { FollowUpsDone } from '../../jobs/followups/followUpsReport';
import { type FollowUpsRunDeps, runFollowUps } from '../../jobs/followups/followUpsRun';
import { dayOf, isoOfDay } from '../../rules/calendar';
import { initialState } from '../../rules/customerState';
import { defaultRules } from '../../rules/rulesSchema';
import { openStorage } from '../../storage';
import { openCardStore } from '../../storage/cardStore';
import { FakeTeamsConnector } from '../../test/fakes/teamsConnector';
import { startAzurite } from '../../test/helpers/azurite';
import { blobEndpointOf, startCountingProxy, withBlobEndpoint } from '../../test/helpers/countingProxy';
import { wholesaleBook } from '../../test/synthetic/wholesaleBook';
import { writeFeedFolder } from './feedFolder';
import { syntheticBook } from './scoreBench';
import { installReps } from './weeklyBench';

/**
 * The daily follow-up run at scale, as the weekly bench: 10k customers and 200 reps on Azurite and
 * the fake Teams connector that enforces Teams' published limits (429 + Retry-After past 50/s per
 * app, 7/s per conversation). Every rep has follow-ups due (3 in 10 customers reached out to: two
 * 7 days ago, one 31 days ago), so every rep gets a digest: the bound is reps / 50 per second. A
 * second run the same day must send nothing (the ledger), so lost and duplicate digests are counted.
 * Then what the timer's ticks download in an hour of a day the feed stopped the run
 * (ticksOnUnchangedFeed).
 */

const TEAMS_RATE = 50;
/** Tuesday 24 Nov 2026, 09:03 in Chicago: the default send time of the digest. */
const NOW = new Date('2026-11-24T15:03:00Z');

async function main(): Promise<void> {
  const customers = 10_000;
  const reps = 200;
  const azurite = await startAzurite();
  const fake = await FakeTeamsConnector.start();
  try {
    const connectionString = azurite.connectionString;
    const tablePrefix = `bench${randomBytes(3).toString('hex')}`;
    const storage = await openStorage({ connectionString, tablePrefix }, { timeZone: 'America/Chicago' });
    const cards = await openCardStore({ connectionString, tablePrefix });
    const emails = Array.from({ length: reps }, (_, i) => `rep${String(i).padStart(3, '0')}@example.com`);
    const generated = syntheticBook({ customers, ordersPerCustomer: 24, endDay: dayOf('2026-11-23') });
    const book = {
      ...generated,
      customers: generated.customers.map((c, i) => ({ ...c, owner: emails[i % reps] })),
    };
    await installReps(storage, fake, emails);
    const today = dayOf('2026-11-24');
    const states = book.customers.map((c, i) => {
      const s = initialState({
        customerId: c.id,
        name: c.name,
        owner: c.owner,
        monthlyValue: c.monthlyValue ?? 500,
      });
      const k = Math.floor(i / reps) % 10;
      const lastContact = k < 2 ? isoOfDay(today - 7) : k === 2 ? isoOfDay(today - 31) : null;
      return { ...s, lastContact };
    });
    await storage.state.writeChanged(new Map(), states);
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

    console.log(
      `daily follow-ups: ${customers} customers, ${reps} reps, Azurite + limit-enforcing fake connector`,
    );
    console.log(
      'run                   total   sends   bound  total/bound  due  digests  retries  429s  storage req  lost  dup',
    );
    const perConversation = new Map<string, number>();
    for (const attempt of ['first', 'rerun']) {
      const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '' }));
      const sender = new ProactiveSender({ adapter, appId: '' });
      const deps: FollowUpsRunDeps = {
        storage,
        cards,
        rules: defaultRules(),
        readBook: async () => ({ book, report: { files: [], rowsSkipped: 0 } }),
        sender: (reference, card, summary) => sender.sendCard(reference, card, summary),
        config: { timeZone: 'America/Chicago' },
        log: quiet,
      };
      const before = fake.activities.length;
      const requestsBefore = fake.requestTimes.length;
      const throttledBefore = fake.stats.throttled;
      const started = performance.now();
      const report = (await runFollowUps(deps, { now: NOW, force: attempt === 'rerun' })) as FollowUpsDone;
      const ms = performance.now() - started;
      const sends = fake.activities.slice(before).filter((a) => a.kind === 'send');
      for (const a of sends)
        perConversation.set(a.conversationId, (perConversation.get(a.conversationId) ?? 0) + 1);
      const times = fake.requestTimes.slice(requestsBefore);
      const delivered = sends.length;
      const boundMs = (Math.max(delivered, 1) / TEAMS_RATE) * 1000;
      const s = (x: number) => `${(x / 1000).toFixed(2)}s`.padStart(7);
      console.log(
        `${`${report.runKey} ${attempt}`.padEnd(21)} ${s(ms)} ${s(times.length > 1 ? times[times.length - 1] - times[0] : 0)} ${s(boundMs)}  ${(delivered > 0 ? ms / boundMs : 0).toFixed(2).padStart(9)}x  ${String(report.followUps.due).padStart(4)}  ${String(delivered).padStart(7)}  ${String(report.sends.retries).padStart(7)}  ${String(fake.stats.throttled - throttledBefore).padStart(4)}  ${String(report.storage.requests + report.storage.cardSaves).padStart(11)}  ${String(reps - perConversation.size).padStart(4)}  ${String([...perConversation.values()].filter((n) => n > 1).length).padStart(3)}`,
      );
      console.log(
        `  phases: prepare ${report.phasesMs.prepare} ms, deliver ${report.phasesMs.deliver} ms, follow_up rows ${report.phasesMs.followUpRows} ms`,
      );
      if (report.counts.failed > 0 || report.counts.no_conversation > 0)
        throw new Error(`follow-ups run did not reach every rep: ${JSON.stringify(report.counts)}`);
    }
    await ticksOnUnchangedFeed(connectionString);
  } finally {
    await fake.stop();
    await azurite.stop();
  }
}

/** The book of the ticks' figure: the wholesaler's 30,000 customers and 120 reps, its export stopped on 1 November. */
const BIG = { customers: 30_000, reps: 120 };
/** Tuesday 15 December 2026, 09:03 in Chicago: six weeks after the export stopped, so each tick stops on the feed. */
const STOPPED_DAY = Date.parse('2026-12-15T15:03:00Z');
const TICK_MS = 15 * 60_000;
/** The timer's ticks in an hour (every 15 minutes). */
const TICKS_PER_HOUR = 4;

/**
 * What the follow-ups timer downloads in an hour of a day the feed stopped the run (the export has
 * not come for weeks): every tick from the send time to midnight tries the run again. The feed is a
 * blob container on Azurite behind a counting proxy, read through the app's own wiring: as before
 * (each tick reads the feed, as the weekly run still does) and now (the kept read: a listing a tick).
 */
async function ticksOnUnchangedFeed(connectionString: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'followups-bench-feed-'));
  const proxy = await startCountingProxy(blobEndpointOf(connectionString));
  const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(
    `feed${randomBytes(3).toString('hex')}`,
  );
  try {
    await writeFeedFolder(wholesaleBook({ seed: 7, ...BIG }).book, dir);
    await container.create();
    let feedBytes = 0;
    for (const file of ['customers.csv', 'orders.csv', 'tickets.csv']) {
      feedBytes += (await stat(join(dir, file))).size;
      await container.getBlockBlobClient(file).uploadFile(join(dir, file));
    }
    // Tables of their own for each way, so each starts the day's run afresh.
    const configOf = () =>
      loadConfig({
        STORAGE_CONNECTION_STRING: withBlobEndpoint(connectionString, proxy.url),
        TABLE_PREFIX: `benchticks${randomBytes(3).toString('hex')}`,
        TIME_ZONE: 'America/Chicago',
        FEED_CONTAINER: container.containerName,
      });
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
    console.log(
      `\nticks of a day the feed stopped the run: ${BIG.customers.toLocaleString('en-US')} customers, ${BIG.reps} reps, feed ${mb(feedBytes)} in a blob container on Azurite, ${TICKS_PER_HOUR} ticks an hour`,
    );
    console.log('reads                     downloaded per tick   ms per tick   downloaded per hour');
    for (const kept of [false, true]) {
      let now = STOPPED_DAY;
      const config = configOf();
      const wiring = await wire(config, { clock: () => new Date(now) });
      const downloaded: number[] = [];
      const took: number[] = [];
      // The send time's tick, then an hour of later ticks.
      for (let k = 0; k <= TICKS_PER_HOUR; k++) {
        now = STOPPED_DAY + k * TICK_MS;
        const deps = await wiring.followUps(quiet);
        const before = proxy.requests.length;
        const started = performance.now();
        const report = await runFollowUps(
          kept ? deps : { ...deps, readBook: feedReaderFor(config, deps.rules) },
          {
            now: new Date(now),
          },
        );
        if (report.status !== 'stopped')
          throw new Error(`expected a run the feed stopped, got ${report.status}`);
        if (k === 0) continue;
        took.push(performance.now() - started);
        downloaded.push(
          proxy.requests
            .slice(before)
            .filter((r) => r.method === 'GET' && /\.csv$/.test(r.url))
            .reduce((n, r) => n + r.bytes, 0),
        );
      }
      const perTick = downloaded.reduce((a, b) => a + b, 0) / downloaded.length;
      const ms = took.reduce((a, b) => a + b, 0) / took.length;
      console.log(
        `${(kept ? 'kept until it changes' : 'every tick (before)').padEnd(25)} ${mb(perTick).padStart(19)}   ${String(Math.round(ms)).padStart(11)}   ${mb(perTick * TICKS_PER_HOUR).padStart(19)}`,
      );
    }
  } finally {
    await container.deleteIfExists();
    await proxy.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

if (require.main === module) {
  main().then(
    () => undefined,
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
