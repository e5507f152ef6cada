import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startAzurite } from '../local/azurite';

/**
 * Cold start of the bot: the time from spawning a new Node process to the moment its first reply reaches the Bot
 * Connector, for one `help` message through the messages function (config, Table Storage on Azurite, botbuilder,
 * the reply over HTTP). Compares the tsc output (dist/functions/messages.js, what is deployed today) with the
 * esbuild bundle that `npm run stage` deploys (scripts/bundleFunctions.ts). Flex Consumption adds its own instance start on top.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const RUNS = Number(process.env.COLD_START_RUNS ?? 7);

// The child loads the app's entry as the Functions host does (package.json "main"), then calls the messages handler
// as the host would, built from the shared wiring; it prints when the loading finished.
const CHILD = `
const m = Object.assign({}, ...process.argv.slice(2).map((f) => require(f)));
const required = performance.now();
const activity = JSON.parse(process.env.ACTIVITY);
const body = JSON.stringify(activity);
const request = {
  method: 'POST',
  headers: new Headers({ 'content-type': 'application/json' }),
  text: async () => body,
};
const fn = m.httpFunctions.find((f) => f.name === 'messages');
m.sharedWiring()
  .then((wiring) => fn.build(wiring)(request, { log() {}, warn() {}, error() {}, trace() {} }))
  .then(
    (res) => { console.log(JSON.stringify({ required, status: res.status ?? 200 })); process.exit(0); },
    (err) => { console.error(err); process.exit(1); },
  );
`;

interface Sample {
  total: number;
  required: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** One cold start: spawn, wait for the reply at the connector and for the child to exit. */
async function once(
  entries: string[],
  env: NodeJS.ProcessEnv,
  firstReply: () => Promise<number>,
): Promise<Sample> {
  const childFile = path.join(tmpdir(), 'churn-cold-start-child.js');
  writeFileSync(childFile, CHILD);
  const start = performance.now();
  const replied = firstReply();
  const child = spawn(process.execPath, [childFile, ...entries], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const at = await replied;
  const code = await exited;
  if (code !== 0) throw new Error(`child exited with ${code}`);
  const line = out.trim().split('\n').pop() ?? '{}';
  return { total: at - start, required: (JSON.parse(line) as { required: number }).required };
}

async function main(): Promise<void> {
  console.log('building: tsc (npm run build) and the esbuild bundle (tools/scripts/bundleFunctions.ts)');
  const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build failed');
  const bundleDir = mkdtempSync(path.join(tmpdir(), 'churn-bundle-'));
  const bundled = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'tools', 'scripts', 'bundleFunctions.ts'), '--out', bundleDir],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (bundled.status !== 0) throw new Error('bundle failed');
  // DuckDB stays outside the bundle (a native binding): in Azure it ships in node_modules beside the bundle
  // (<app>/dist/node_modules, stageFunctionApp.ts); here the repo's own node_modules stands in, in the same place.
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(bundleDir, 'node_modules'), 'dir');

  const azurite = await startAzurite();
  let waiting: ((at: number) => void) | undefined;
  const connector = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      waiting?.(performance.now());
      waiting = undefined;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'reply-1' }));
    });
  });
  await new Promise<void>((resolve) => connector.listen(0, '127.0.0.1', resolve));
  const address = connector.address();
  const serviceUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const firstReply = () =>
    new Promise<number>((resolve) => {
      waiting = resolve;
    });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    STORAGE_CONNECTION_STRING: azurite.connectionString,
    TABLE_PREFIX: 'coldstart',
    ACTIVITY: JSON.stringify({
      type: 'message',
      id: 'activity-1',
      channelId: 'msteams',
      serviceUrl,
      text: 'help',
      from: { id: '29:user', name: 'Ana Ruiz', aadObjectId: 'aad-ana' },
      recipient: { id: '28:bot', name: 'Churn Predictor' },
      conversation: { id: 'a:personal-1', conversationType: 'personal', tenantId: 'tenant-1' },
      channelData: { tenant: { id: 'tenant-1' } },
    }),
  };
  const distFunctions = path.join(ROOT, 'dist', 'functions');
  const variants = [
    {
      name: 'tsc output, main "dist/functions/index.js"',
      entries: ['index.js', 'registry.js', 'wiring.js'].map((f) => path.join(distFunctions, f)),
    },
    { name: 'esbuild bundle, main "dist/index.js"', entries: [path.join(bundleDir, 'index.js')] },
  ];
  try {
    // One warm-up start creates the tables, as the first run in Azure does; it is not counted.
    await once(variants[0].entries, env, firstReply);
    console.log(`\n${RUNS} cold starts each, median (min-max), node ${process.version}:`);
    for (const v of variants) {
      const samples: Sample[] = [];
      for (let i = 0; i < RUNS; i++) samples.push(await once(v.entries, env, firstReply));
      const totals = samples.map((s) => s.total);
      const range = `${Math.round(Math.min(...totals))}-${Math.round(Math.max(...totals))}`;
      console.log(
        `  ${v.name}: first reply ${Math.round(median(totals))} ms (${range}); require done at ${Math.round(median(samples.map((s) => s.required)))} ms`,
      );
    }
  } finally {
    await new Promise<void>((resolve) => connector.close(() => resolve()));
    await azurite.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
