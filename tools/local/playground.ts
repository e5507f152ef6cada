import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Starts the Microsoft 365 Agents Playground (npm @microsoft/m365agentsplayground) as a local Teams
 * client on loopback, optionally with a config file that decides who its user is. See
 * local/PLAYGROUND.md for what it sends and which internal endpoints drive it.
 */

export const DEFAULT_PLAYGROUND_PORT = 56150;

/** A Teams user as the Playground's config file describes one (`userPrincipleName` is its spelling). */
export interface PlaygroundUser {
  id: string;
  name: string;
  email: string;
  aadObjectId: string;
  givenName?: string;
  surname?: string;
}

export interface PlaygroundConfigOptions {
  /** The user driving the Playground: map their email to a demo rep. */
  currentUser: PlaygroundUser;
  /** Exactly five other users (the Playground's schema demands five). Defaults to its own sample users. */
  users?: PlaygroundUser[];
  tenantId?: string;
  bot?: { id: string; name: string };
  personalChatId?: string;
  groupChatId?: string;
  team?: { id: string; name: string; aadGroupId: string; channels: { id: string; name: string }[] };
}

const SAMPLE_USERS: PlaygroundUser[] = [
  ['Megan Bowen', 'meganb'],
  ['Adele Vance', 'adelev'],
  ['Isaiah Langer', 'isaiahl'],
  ['Patti Fernandez', 'pattif'],
  ['Lynne Robbins', 'lynner'],
].map(([name, alias], i) => ({
  id: `user-id-${i + 1}`,
  name,
  email: `${alias}@example.com`,
  aadObjectId: `00000000-0000-0000-0000-00000000002${i + 1}`,
}));

/** Builds the Playground's config file content (its JSON schema 0.1.1; JSON is valid YAML). */
export function buildPlaygroundConfig(options: PlaygroundConfigOptions): Record<string, unknown> {
  const users = options.users ?? SAMPLE_USERS;
  if (users.length !== 5) throw new Error(`the Playground needs exactly 5 other users, got ${users.length}`);
  const toUser = (u: PlaygroundUser) => {
    const [given, ...rest] = u.name.split(' ');
    return {
      id: u.id,
      name: u.name,
      userPrincipleName: u.email,
      aadObjectId: u.aadObjectId,
      givenName: u.givenName ?? given,
      surname: u.surname ?? rest.join(' '),
      email: u.email,
    };
  };
  return {
    version: '0.1.1',
    tenantId: options.tenantId ?? '00000000-0000-0000-0000-0000000000001',
    bot: options.bot ?? { id: '00000000-0000-0000-0000-00000000000011', name: 'Churn Predictor' },
    currentUser: toUser(options.currentUser),
    users: users.map(toUser),
    personalChat: { id: options.personalChatId ?? 'personal-chat-id' },
    groupChat: { id: options.groupChatId ?? 'group-chat-id', name: 'Group Chat' },
    team: options.team ?? {
      id: 'team-id',
      name: 'Sales Team',
      aadGroupId: '00000000-0000-0000-0000-000000000031',
      channels: [{ id: 'channel-announcements-id', name: 'Announcements' }],
    },
  };
}

export interface PlaygroundOptions {
  /** The bot endpoint, e.g. http://127.0.0.1:3978/api/messages */
  botEndpoint: string;
  /** Default 56150. */
  port?: number;
  /** Who the Playground's user is; omit to use its built-in sample config (Alex Wilber). */
  config?: PlaygroundConfigOptions;
  /** Where the config and its devTools/ log go; a fresh temp folder by default. */
  workDir?: string;
  /** Told to the user when the port is taken. */
  portHint?: string;
  startTimeoutMs?: number;
  /** Receives the Playground's stdout/stderr lines. */
  onOutput?: (line: string) => void;
}

export interface Playground {
  port: number;
  /** e.g. http://127.0.0.1:56150 (the web UI and its internal endpoints). */
  url: string;
  workDir: string;
  stop(): Promise<void>;
}

/**
 * Adds host 127.0.0.1 to listen() calls that give none: the Playground would otherwise listen on
 * every interface. Loaded with `--require` into the Playground's process only.
 */
const LOOPBACK_PRELOAD = `
const net = require('node:net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\\d+$/.test(args[0]))) {
    if (typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1');
  } else if (args[0] && typeof args[0] === 'object' && !args[0].host && !args[0].path) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};
`;

/** Starts the Playground and resolves when its server answers; stop() ends it and frees the port. */
export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  const port = options.port ?? DEFAULT_PLAYGROUND_PORT;
  await assertPortFree(port, options.portHint ?? 'choose another port (the `port` option)');
  const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), 'churn-playground-')));
  const preload = join(workDir, 'loopback-preload.cjs');
  await writeFile(preload, LOOPBACK_PRELOAD);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Without this it tries to open a browser and exits 1.
    TEAMSAPPTESTER_BROWSER: 'none',
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(preload)}`.trim(),
  };
  if (options.config) {
    const configPath = join(workDir, 'playground-config.yml');
    await writeFile(configPath, JSON.stringify(buildPlaygroundConfig(options.config), null, 2));
    env.M365_AGENTS_PLAYGROUND_CONFIG_PATH = configPath;
  }
  const cli = join(dirname(require.resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');
  const args = [cli, '-e', options.botEndpoint, '-c', 'msteams', '-p', String(port), '--disable-telemetry'];
  const child = spawn(process.execPath, args, { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const onLine = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      output.push(line);
      if (output.length > 50) output.shift();
      options.onOutput?.(line);
    }
  };
  child.stdout?.on('data', onLine);
  child.stderr?.on('data', onLine);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(child, url, options.startTimeoutMs ?? 20_000, output);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { port, url, workDir, stop: () => stopChild(child) };
}

async function waitUntilUp(
  child: ChildProcess,
  url: string,
  timeoutMs: number,
  output: string[],
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the Agents Playground exited with code ${child.exitCode}:\n${output.join('\n')}`);
    }
    if (await answers(`${url}/_debug/ping`)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `the Agents Playground did not answer at ${url} within ${timeoutMs} ms:\n${output.join('\n')}`,
  );
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.ok;
  } catch (error) {
    // Not listening yet: fetch reports the refused connection as a TypeError.
    if (error instanceof TypeError) return false;
    throw error;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Fails early with a clear message when the port is taken (the Playground's own error is vague). */
function assertPortFree(port: number, hint: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new Error(
            `Port ${port} on 127.0.0.1 is already in use, so the Agents Playground cannot start. Stop it, or ${hint}.`,
          ),
        );
      } else reject(error);
    });
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** A free loopback port (for tests: there is a small window before someone else takes it). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
