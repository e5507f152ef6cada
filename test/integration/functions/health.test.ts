import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import { BlobServiceClient } from '@azure/storage-blob';
import { describe, expect, inject, it } from 'vitest';
import { loadRules } from '../../../feed/rulesSource';
import { type Config, loadConfig } from '../../../functions/config';
import { createHealthHandler, feedProbe, healthChecksFor } from '../../../functions/health';
import { hostedHttpHandler } from '../../../functions/registry';
import { wire } from '../../../functions/wiring';
import { openStorage } from '../../../storage';

// /api/health as Azure runs it: config, the tables on Azurite (or a port nobody answers), the
// rules file and the feed container. Anonymous callers learn ok / not ok; what failed goes to the log.

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function probe(config: Config): Promise<{ status: number; body: unknown; log: string[] }> {
  // No retries: the wiring's storage retries for about 7 s, past the probe's own limit; here the
  // first answer decides.
  const storage = await openStorage(config.storage, { skipCreate: true, retry: { maxRetries: 0 } });
  const log: string[] = [];
  const context = new InvocationContext({
    functionName: 'health',
    logHandler: (_level, ...args) => log.push(args.map(String).join(' ')),
  });
  const response = new HttpResponse(
    await createHealthHandler(
      healthChecksFor(storage, () => loadRules(config), feedProbe(config)),
      3_000,
    )(new HttpRequest({ method: 'GET', url: 'http://127.0.0.1/api/health' }), context),
  );
  return { status: response.status, body: await response.json(), log };
}

describe('/api/health', () => {
  const env = () => ({
    STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
    TABLE_PREFIX: `health${randomBytes(3).toString('hex')}`,
  });

  it('says ok when the tables answer and the rules file reads', async () => {
    const config = loadConfig(env());
    await openStorage(config.storage); // creates the tables, as the first run does
    expect(await probe(config)).toMatchObject({ status: 200, body: { status: 'ok' }, log: [] });
  });

  it('says not ok, and nothing more, when storage is unreachable; the log says what failed', async () => {
    const port = await closedPort();
    const config = loadConfig({
      STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`,
    });
    const result = await probe(config);
    expect(result.status).toBe(503);
    expect(result.body).toEqual({ status: 'not ok' });
    expect(result.log.join('\n')).toMatch(/health check storage failed/);
  });

  it('says not ok when the tables were never created (the account answers, the app could not work)', async () => {
    const config = loadConfig(env());
    expect(await probe(config)).toMatchObject({ status: 503, body: { status: 'not ok' } });
  });

  it('says not ok when the rules file is missing or invalid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'health-'));
    const invalid = join(dir, 'rules.json');
    await writeFile(invalid, '{"bands": "nope"');
    for (const rulesFile of [join(dir, 'missing.json'), invalid]) {
      const config = loadConfig({ ...env(), RULES_FILE: rulesFile });
      await openStorage(config.storage);
      const result = await probe(config);
      expect(result).toMatchObject({ status: 503, body: { status: 'not ok' } });
      expect(result.log.join('\n')).toMatch(/health check rules failed/);
      expect(JSON.stringify(result.body)).not.toContain(dir);
    }
  });

  /** The app's config with a feed container of its own, the tables made, and that container (not yet created). */
  async function withFeedContainer() {
    const feed = `feed${randomBytes(4).toString('hex')}`;
    const config = loadConfig({ ...env(), FEED_CONTAINER: feed });
    await openStorage(config.storage);
    const container = BlobServiceClient.fromConnectionString(
      config.storage.connectionString ?? '',
    ).getContainerClient(feed);
    return { config, container };
  }

  it('says not ok until the feed container holds the orders; the log names what is missing', async () => {
    const { config, container } = await withFeedContainer();
    const feed = container.containerName;
    const upload = (blob: string) => container.getBlockBlobClient(blob).upload('id\n', 3);
    try {
      const missing = await probe(config);
      expect(missing).toMatchObject({ status: 503, body: { status: 'not ok' } });
      expect(missing.log.join('\n')).toMatch(
        new RegExp(`health check feed failed: The feed container "${feed}" does not exist`),
      );
      await container.create();
      await upload('customers.csv');
      const noOrders = await probe(config);
      expect(noOrders).toMatchObject({ status: 503, body: { status: 'not ok' } });
      expect(noOrders.log.join('\n')).toMatch(/health check feed failed: .*has no blob "orders\.csv"/);
      await upload('orders.csv');
      expect(await probe(config)).toMatchObject({ status: 200, body: { status: 'ok' }, log: [] });
    } finally {
      await container.deleteIfExists();
    }
  });

  it('says ok for a container holding the orders alone: the customers are taken from them', async () => {
    const { config, container } = await withFeedContainer();
    try {
      await container.create();
      await container.getBlockBlobClient('orders.csv').upload('id\n', 3);
      expect(await probe(config)).toMatchObject({ status: 200, body: { status: 'ok' }, log: [] });
    } finally {
      await container.deleteIfExists();
    }
  });

  // A first deployment's identity is refused by storage until its role assignments apply (up to ten minutes):
  // the app creates its tables as it starts, so the refusal stops it there, before any health check runs, and
  // the log says the app could not start. The guide's troubleshooting must quote that, or a deployer searching
  // the log for "health check storage failed" finds nothing and waits for the wrong thing.
  it('says not ok when storage refuses the app as it starts, and the log says the app could not start', async () => {
    const refused = inject('azuriteConnectionString').replace(
      /AccountKey=[^;]+/,
      `AccountKey=${Buffer.from('not the key').toString('base64')}`,
    );
    const config = loadConfig({ STORAGE_CONNECTION_STRING: refused, TABLE_PREFIX: 'refused' });
    const log: string[] = [];
    const handler = hostedHttpHandler(
      () => async () => ({ status: 200 }),
      () => wire(config),
    );
    const response = await handler(
      new HttpRequest({ method: 'GET', url: 'http://127.0.0.1/api/health' }),
      new InvocationContext({
        functionName: 'health',
        logHandler: (_level, ...args) => log.push(args.map(String).join(' ')),
      }),
    );
    expect(response).toMatchObject({ status: 503, jsonBody: { status: 'not ok' } });
    const [said, refusal] = log.join('\n').split(' RestError: ');
    expect(refusal).toMatch(/AuthorizationFailure/);
    expect(said).not.toMatch(/health check/);

    const guide = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'deploy.md'), 'utf8');
    const row = guide
      .slice(guide.indexOf('## Troubleshooting'))
      .split('\n')
      .find((line) => line.startsWith('| `/api/health` answers 503 in the first minutes'));
    expect(row?.split('|')[2]).toContain(`\`${said}\``);
  });
});
