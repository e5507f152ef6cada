import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findFreePort } from '../../tools/local/playground';

// `npm start` and `npm run summary` as processes, the way a user runs them (through tsx here, so no
// build is needed): it comes up on the ports it is given, says what to open and type, and Ctrl-C
// (SIGINT) stops every child and frees every port; a taken port is named with how to change it.

const ROOT = join(__dirname, '..', '..');
const children: ChildProcess[] = [];

afterEach(() => {
  // A failed test must not leave a stack running (a passing one has already stopped it).
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Runs a tools/local/*.ts entry with tsx, as npm's scripts run the built files. */
function run(
  entry: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tools', 'local', entry), ...args], {
    cwd: ROOT,
    env: { ...env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { child, output: () => text };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function waitForText(output: () => string, text: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!output().includes(text)) {
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} before "${text}":\n${output()}`);
    if (Date.now() > deadline) throw new Error(`no "${text}" within ${timeoutMs} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(false) : reject(error),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** Sends `signal` to `npm start`: it exits 0 saying `words`, and every port is free again. */
async function expectStops(
  start: ReturnType<typeof run>,
  signal: NodeJS.Signals,
  words: string,
  ports: Awaited<ReturnType<typeof freePorts>>,
): Promise<void> {
  start.child.kill(signal);
  expect(await exited(start.child)).toBe(0);
  expect(start.output()).toContain(words);
  for (const port of Object.values(ports)) expect(await isFree(port)).toBe(true);
}

/** Runs `body` while another server listens on `port`. */
async function whilePortTaken(port: number, body: () => Promise<void>): Promise<void> {
  const squatter: Server = createServer();
  await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
  try {
    await body();
  } finally {
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
  }
}

async function freePorts() {
  const [bot, playground, blob, queue, table] = [
    await findFreePort(),
    await findFreePort(),
    await findFreePort(),
    await findFreePort(),
    await findFreePort(),
  ];
  return { bot, playground, blob, queue, table };
}

const flagsFor = (p: Awaited<ReturnType<typeof freePorts>>) => [
  '--bot-port',
  String(p.bot),
  '--playground-port',
  String(p.playground),
  '--blob-port',
  String(p.blob),
  '--queue-port',
  String(p.queue),
  '--table-port',
  String(p.table),
];

/**
 * `npm start` on ports found free. On a shared machine another process can take one of them between
 * the probe and the start, which then stops at once naming the port (the next test checks those
 * words): that is the machine, not the product, so it starts again on new ports, up to three times.
 */
async function startOnFreePorts(extra: string[]) {
  for (let attempt = 1; ; attempt++) {
    const ports = await freePorts();
    const started = Date.now();
    const start = run('start.ts', [...flagsFor(ports), ...extra]);
    try {
      await waitForText(start.output, 'Press Ctrl-C to stop everything.', start.child, 60_000);
      return { ports, start, seconds: (Date.now() - started) / 1000 };
    } catch (error) {
      if (attempt >= 3 || !start.output().includes('is already in use')) throw error;
    }
  }
}

describe('npm start as a process', () => {
  it('comes up within a minute, says what to open and type; npm run summary posts; Ctrl-C frees every port', async () => {
    const { ports, start, seconds } = await startOnFreePorts(['--weekly', 'start']);
    expect(seconds).toBeLessThan(60);
    const text = start.output();
    expect(text).toContain(`Open   http://127.0.0.1:${ports.playground}`);
    expect(text).toContain('you are Ana Ruiz <ana.ruiz@contoso.example>');
    // --weekly start: the card went out before any page was open, and the Playground shows only what
    // arrives while it is open, so "waiting in the personal chat" would send the user looking for it.
    expect(text).toContain(
      'Your weekly card (weekly-2026-W48, 7 customers) went out before the Playground was open, so its chat will not show it: type list there to see your list.',
    );
    expect(text).toMatch(/list\s+your current list/);
    expect(text).toMatch(/undo\s+your last action/);
    expect(text).toMatch(/summary\s+last month's team summary/);
    // Typed as Ana is started, it answers that the summary is for managers: the line says how to be one.
    expect(text).toContain(
      'for managers: start with MANAGER_USER_IDS=00000000-0000-0000-0000-0000000000a1 to be one',
    );
    // Every command the README gives for another terminal, and how they find a stack on these ports.
    expect(text).toMatch(/npm run weekly\s+run the weekly job now/);
    expect(text).toMatch(/npm run followups\s+send today's follow-up digests/);
    expect(text).toMatch(/npm run summary\s+post this month's summary/);
    expect(text).toContain(`add -- --bot-port ${ports.bot} to each`);
    expect(text).toContain(`http://127.0.0.1:${ports.bot}/api/messages`);
    // @azure/functions' notice, per function, that it runs outside the Azure worker: true and meant here.
    expect(text).not.toContain('Azure Functions runtime');
    expect(text).not.toContain('Skipping call to register function');
    for (const port of Object.values(ports)) expect(await isFree(port)).toBe(false);

    // npm run weekly after the card went out: the ledger sends nothing, and the words say so (the
    // report's counts include the card sent at start).
    const weekly = run('runWeeklyNow.ts', ['--bot-port', String(ports.bot)]);
    expect(await exited(weekly.child)).toBe(0);
    expect(weekly.output()).toContain(
      'Weekly run weekly-2026-W48 (2026-11-23): 0 cards delivered by this run, 1 earlier this week,',
    );

    const summary = run('runSummaryNow.ts', ['--bot-port', String(ports.bot)]);
    expect(await exited(summary.child)).toBe(0);
    expect(summary.output()).toContain('Posted the 2026-11 summary to the team channel');
    expect(summary.output()).toContain('No customer was won back or lost in November');

    await expectStops(start, 'SIGINT', 'Stopped; the ports are free.', ports);
  });

  it('a taken port stops it before anything starts, naming the port and how to change it', async () => {
    const ports = await freePorts();
    await whilePortTaken(ports.bot, async () => {
      const start = run('start.ts', flagsFor(ports));
      expect(await exited(start.child)).toBe(2);
      expect(start.output()).toContain(
        `Port ${ports.bot} on 127.0.0.1 (the local Functions host (bot endpoint)) is already in use`,
      );
      expect(start.output()).toContain(`pass --bot-port <port> (or set BOT_PORT=<port>)`);
      // Nothing was left behind on the other ports.
      for (const port of [ports.playground, ports.blob, ports.queue, ports.table]) {
        expect(await isFree(port)).toBe(true);
      }
    });
  });

  it('stopped while it starts (kill, an editor’s stop button), it leaves no Azurite behind on its ports', async () => {
    const ports = await freePorts();
    const start = run('start.ts', flagsFor(ports));
    // Azurite is up; the Playground is not yet.
    await waitForText(start.output, 'Azurite: blob', start.child, 60_000);
    await expectStops(start, 'SIGTERM', 'Stopped before it was up; the ports are free.', ports);
  });

  it('npm run host on a taken port names it and exits, leaving no Azurite behind', async () => {
    const port = await findFreePort();
    await whilePortTaken(port, async () => {
      // Its own Azurite, as a user's shell has no storage setting.
      const { STORAGE_CONNECTION_STRING: _s, STORAGE_TABLE_ENDPOINT: _t, ...env } = process.env;
      const host = run('host.ts', ['--bot-port', String(port)], env);
      const code = await Promise.race([
        exited(host.child),
        new Promise((resolve) => setTimeout(() => resolve('still running after 30 s'), 30_000)),
      ]);
      expect(code).toBe(2);
      expect(host.output()).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(host.output()).not.toContain('    at ');
    });
  }, 60_000);

  it('npm run host with a rules file that is not there says so, without a stack trace', async () => {
    const { STORAGE_CONNECTION_STRING: _s, STORAGE_TABLE_ENDPOINT: _t, ...env } = process.env;
    const missing = join(ROOT, 'no-such-rules.json');
    const host = run('host.ts', ['--bot-port', String(await findFreePort())], {
      ...env,
      RULES_FILE: missing,
    });
    expect(await exited(host.child)).toBe(2);
    expect(host.output()).toContain(`rules file not found: ${missing}`);
    expect(host.output()).not.toContain('    at ');
  });

  it('npm run host with a bot identity but no tenant refuses to start: through its tunnel, any organisation could use the bot', async () => {
    // Storage named, so the refusal is the tenant's, before any storage is reached.
    const host = run('host.ts', ['--bot-port', String(await findFreePort())], {
      ...process.env,
      STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      MicrosoftAppId: '6f0d7b5e-2c1a-4f8e-9b3d-1a2b3c4d5e6f',
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppType: 'MultiTenant',
      MicrosoftAppTenantId: '',
    });
    const code = await Promise.race([
      exited(host.child),
      new Promise((resolve) => setTimeout(() => resolve('still running after 30 s'), 30_000)),
    ]);
    expect(code).toBe(2);
    expect(host.output()).toContain('MicrosoftAppTenantId is required with MicrosoftAppId');
    expect(host.output()).not.toContain('Functions host on');
  }, 60_000);

  it('npm run summary without a running stack says how to start one', async () => {
    const summary = run('runSummaryNow.ts', ['--bot-port', String(await findFreePort())]);
    expect(await exited(summary.child)).toBe(2);
    expect(summary.output()).toContain('Start the local stack first with `npm start`');
  });
});
