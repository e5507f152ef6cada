import { randomBytes } from 'node:crypto';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { ProactiveSender } from '../../bot/proactiveSender';
import type { FollowUpsDone } from '../../jobs/followups/followUpsReport';
import { type FollowUpsRunDeps, runFollowUps } from '../../jobs/followups/followUpsRun';
import { dayOf, isoOfDay } from '../../rules/calendar';
import { initialState } from '../../rules/customerState';
import { defaultRules } from '../../rules/rulesSchema';
import { openStorage } from '../../storage';
import { openCardStore } from '../../storage/cardStore';
import { FakeTeamsConnector } from '../../test/fakes/teamsConnector';
import { startAzurite } from '../../test/helpers/azurite';
import { syntheticBook } from './scoreBench';
import { installReps } from './weeklyBench';

/**
 * The daily follow-up run at scale, as the weekly bench: 10k customers and 200 reps on Azurite and
 * the fake Teams connector that enforces Teams' published limits (429 + Retry-After past 50/s per
 * app, 7/s per conversation). Every rep has follow-ups due (3 in 10 customers reached out to: two
 * 7 days ago, one 31 days ago), so every rep gets a digest: the bound is reps / 50 per second. A
 * second run the same day must send nothing (the ledger), so lost and duplicate digests are counted.
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
  } finally {
    await fake.stop();
    await azurite.stop();
  }
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
