import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createBotRuntime } from '../../bot';
import { createActionHandler } from '../../bot/taps/actionHandler';
import { type CustomerState, initialState } from '../../rules/customerState';
import { defaultRules } from '../../rules/rulesSchema';
import { openStorage } from '../../storage';
import { openCardStore, saveSentCard } from '../../storage/cardStore';
import { actionStores } from '../../test/helpers/actionStores';
import { startAzurite } from '../../test/helpers/azurite';
import { startBotHost } from '../../test/helpers/botOnPlayground';
import { weeklyData } from '../../test/helpers/weeklyCardData';

/**
 * Time to handle one rep action end to end: an HTTP POST of the card tap into the local Functions
 * host -> CloudAdapter -> ChurnBot -> the action handler -> audit row and state on Azurite -> the
 * card updated in place through a node:http Bot Connector stand-in (the PUT is awaited inside the
 * turn, so the POST returns only after it). Actions run one at a time, cycling reached out, won
 * back and lost, each followed by its undo; the first few are a warm-up and not counted.
 */

export interface ActionBenchReport {
  actions: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Table Storage requests per action (state, audit, conversations; the card table not counted). */
  storageRequestsPerAction: number;
  cardUpdates: number;
}

export interface ActionBenchOptions {
  actions?: number;
  warmup?: number;
  connectionString?: string;
  log?: (line: string) => void;
}

const OWNER = 'ana@demo.example';
const USER = { id: '29:ana', aadObjectId: 'aad-ana', name: 'Ana Ruiz' };
const TENANT = 'tenant-bench';
const CARD_SIZE = 25;

function customers(n: number): CustomerState[] {
  return Array.from({ length: n }, (_, i) => ({
    ...initialState({ customerId: `cust-${i}`, name: `Customer ${i}`, owner: OWNER, monthlyValue: 500 + i }),
    score: 70,
    band: 'at_risk' as const,
    reasons: ['No order in 34 days (usually every 9)'],
    surfacedAt: '2026-11-23',
  }));
}

/** The submit value of action `k` on a customer shown in row `row` of its card. */
function valueFor(k: number, customerId: string, row: number): Record<string, unknown> {
  const base = { customerId, runKey: 'weekly-2026-W48', v: 1 };
  if (k % 2 === 1) return { ...base, action: 'undo' };
  switch ((k / 2) % 3) {
    case 0:
      return { ...base, action: 'reached_out' };
    case 1:
      return { ...base, action: 'won_back', fields: { value: `value_${row}` }, [`value_${row}`]: '900' };
    default:
      return {
        ...base,
        action: 'lost',
        fields: { reason: `reason_${row}`, note: `note_${row}` },
        [`reason_${row}`]: 'price',
        [`note_${row}`]: 'asked for 20% off',
      };
  }
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

/** Runs the benchmark and logs the figures; starts its own Azurite unless given a connection string. */
export async function actionBench(options: ActionBenchOptions = {}): Promise<ActionBenchReport> {
  const { actions = 500, warmup = 20, log = console.log } = options;
  const azurite = options.connectionString ? undefined : await startAzurite();
  const connectionString = options.connectionString ?? azurite?.connectionString ?? '';
  const config = { connectionString, tablePrefix: `bench${randomBytes(3).toString('hex')}` };
  let cardUpdates = 0;
  const connector = createServer((req, res) => {
    if (req.method === 'PUT') cardUpdates++;
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"reply"}');
    });
  });
  await new Promise<void>((resolve) => connector.listen(0, '127.0.0.1', () => resolve()));
  const address = connector.address();
  const serviceUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const [storage, cards] = await Promise.all([
    openStorage(config, { timeZone: 'America/Chicago' }),
    openCardStore(config),
  ]);
  const host = await (async () => {
    const total = actions + warmup;
    // Each customer takes one action and its undo.
    const states = customers(Math.ceil(total / 2));
    await storage.state.writeChanged(new Map(), states);
    await storage.conversations.saveRep({
      userId: USER.aadObjectId,
      name: USER.name,
      email: OWNER,
      tenantId: TENANT,
      serviceUrl,
      reference: { channelId: 'msteams', serviceUrl, conversation: { id: 'a:ana' }, bot: { id: '28:bot' } },
    });
    for (let c = 0; c * CARD_SIZE < states.length; c++) {
      const shown = states.slice(c * CARD_SIZE, (c + 1) * CARD_SIZE);
      await saveSentCard(cards, `card-${c}`, USER.aadObjectId, weeklyData(shown), {
        conversationId: 'a:ana',
      });
    }
    const runtime = createBotRuntime({
      bot: { appId: '', appPassword: '', appType: 'MultiTenant', tenantId: '' },
      store: storage.conversations,
      actions: createActionHandler({
        stores: actionStores(storage, cards),
        rules: defaultRules(),
        timeZone: 'America/Chicago',
        access: { tenantId: TENANT, adminUserIds: [] },
      }),
      log: { info: () => undefined, warn: () => undefined, error: (m, d) => console.error(m, d) },
    });
    return startBotHost(runtime);
  })();
  try {
    const times: number[] = [];
    for (let k = 0; k < actions + warmup; k++) {
      const index = Math.floor(k / 2);
      const card = Math.floor(index / CARD_SIZE);
      const activity = {
        type: 'message',
        id: `act-${k}`,
        channelId: 'msteams',
        serviceUrl,
        replyToId: `card-${card}`,
        value: valueFor(k, `cust-${index}`, index % CARD_SIZE),
        from: { id: USER.id, name: USER.name, aadObjectId: USER.aadObjectId },
        recipient: { id: '28:bot', name: 'Churn Predictor' },
        conversation: { id: 'a:ana', conversationType: 'personal', tenantId: TENANT },
        channelData: { tenant: { id: TENANT } },
      };
      if (k === warmup) storage.resetRequestCount();
      const started = performance.now();
      const response = await fetch(`${host.url}/api/messages`, {
        method: 'POST',
        body: JSON.stringify(activity),
        headers: { 'content-type': 'application/json' },
      });
      await response.arrayBuffer();
      const ms = performance.now() - started;
      if (response.status !== 200) throw new Error(`action ${k} answered ${response.status}`);
      if (k >= warmup) times.push(ms);
    }
    const expectedUpdates = actions + warmup;
    if (cardUpdates !== expectedUpdates) {
      throw new Error(`expected ${expectedUpdates} card updates, the connector got ${cardUpdates}`);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const report: ActionBenchReport = {
      actions: times.length,
      p50Ms: percentile(sorted, 50),
      p95Ms: percentile(sorted, 95),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted[sorted.length - 1],
      meanMs: times.reduce((a, b) => a + b, 0) / times.length,
      storageRequestsPerAction: storage.requests().requests / times.length,
      cardUpdates,
    };
    log(
      `rep actions end to end (HTTP -> CloudAdapter -> Azurite -> card update), ${report.actions} actions: ` +
        `p50 ${report.p50Ms.toFixed(1)} ms, p95 ${report.p95Ms.toFixed(1)} ms, p99 ${report.p99Ms.toFixed(1)} ms, ` +
        `max ${report.maxMs.toFixed(1)} ms; ${report.storageRequestsPerAction.toFixed(1)} table requests per action (card table not counted)`,
    );
    return report;
  } finally {
    await host.close();
    await new Promise<void>((resolve) => connector.close(() => resolve()));
    await azurite?.stop();
  }
}

if (require.main === module) {
  // Ctrl-C / kill: exit normally, so Azurite is stopped instead of orphaned.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const count = Number(process.argv[2]);
  actionBench(Number.isInteger(count) && count > 0 ? { actions: count } : {}).then(
    () => undefined,
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
