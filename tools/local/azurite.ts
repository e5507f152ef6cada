import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/**
 * Starts the real Azure Storage emulator (the `azurite` npm package) as a child process: table,
 * blob and queue on 127.0.0.1. Port 0 (the default) lets the OS pick free ports; Azurite prints the
 * ports it got, which we read. Used by `npm start` (local/stack.ts) and by the tests (re-exported
 * from test/helpers/azurite.ts).
 */

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteOptions {
  /** Fixed ports; 0 or missing = any free port. */
  ports?: { table?: number; blob?: number; queue?: number };
  /** Persist to this folder; missing = in memory (lost on stop). */
  location?: string;
  /** How long to wait for all three services to listen. */
  startTimeoutMs?: number;
}

export interface RunningAzurite {
  connectionString: string;
  tablePort: number;
  blobPort: number;
  queuePort: number;
  /** Stops Azurite with SIGINT (it flushes on SIGINT) and waits for the process to exit. */
  stop(): Promise<void>;
}

/** Builds the connection string for an Azurite on 127.0.0.1 with the given ports. */
export function azuriteConnectionString(ports: { table: number; blob: number; queue: number }): string {
  const base = (port: number) => `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${AZURITE_ACCOUNT}`,
    `AccountKey=${AZURITE_KEY}`,
    `BlobEndpoint=${base(ports.blob)}`,
    `QueueEndpoint=${base(ports.queue)}`,
    `TableEndpoint=${base(ports.table)}`,
  ].join(';');
}

const LISTENING = /Azurite (Blob|Queue|Table) service is successfully listening at http:\/\/[^:]+:(\d+)/g;

/** Starts Azurite and resolves once table, blob and queue all accept connections. */
export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const { ports = {}, location, startTimeoutMs = 20_000 } = options;
  const entry = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'azurite.js');
  const args = [
    entry,
    '--blobHost',
    '127.0.0.1',
    '--queueHost',
    '127.0.0.1',
    '--tableHost',
    '127.0.0.1',
    '--blobPort',
    String(ports.blob ?? 0),
    '--queuePort',
    String(ports.queue ?? 0),
    '--tablePort',
    String(ports.table ?? 0),
    // Current SDKs send API versions newer than Azurite knows; blob/queue reject them without this.
    '--skipApiVersionCheck',
    '--disableTelemetry',
    '--silent',
    ...(location ? ['--location', location] : ['--inMemoryPersistence']),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // If this process ends without calling stop() (an uncaught error, process.exit), take Azurite along.
  const killOnExit = () => child.kill('SIGINT');
  process.once('exit', killOnExit);
  const found = await waitForPorts(child, exited, startTimeoutMs).finally(() => {
    if (child.exitCode !== null || child.signalCode !== null) process.off('exit', killOnExit);
  });
  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await exited;
  };
  return {
    connectionString: azuriteConnectionString(found),
    tablePort: found.table,
    blobPort: found.blob,
    queuePort: found.queue,
    stop,
  };
}

type Ports = { table: number; blob: number; queue: number };

async function waitForPorts(
  child: ChildProcess,
  exited: Promise<number | null>,
  timeoutMs: number,
): Promise<Ports> {
  let output = '';
  const seen: Partial<Ports> = {};
  const onStderr = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  const ready = new Promise<Ports>((resolve) => {
    const onStdout = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      for (const m of output.matchAll(LISTENING)) seen[m[1].toLowerCase() as keyof Ports] = Number(m[2]);
      if (seen.table && seen.blob && seen.queue) {
        child.stdout?.off('data', onStdout);
        resolve({ table: seen.table, blob: seen.blob, queue: seen.queue });
      }
    };
    child.stdout?.on('data', onStdout);
    child.stderr?.on('data', onStderr);
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const died = exited.then((code) => ({ exitCode: code }));
  const first = await Promise.race([ready, timedOut, died]);
  clearTimeout(timer);
  child.stderr?.off('data', onStderr);
  // Keep draining both pipes so a full pipe buffer can never block Azurite.
  child.stdout?.resume();
  child.stderr?.resume();
  if (first === 'timeout') {
    child.kill('SIGINT');
    await exited;
    throw new Error(`Azurite did not start within ${timeoutMs} ms:\n${output}`);
  }
  if ('exitCode' in first)
    throw new Error(`Azurite exited with code ${first.exitCode} before listening:\n${output}`);
  return first;
}
