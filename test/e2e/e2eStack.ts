import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openStorage, type Storage } from '../../storage';
import { findFreePort } from '../../tools/local/playground';
import { DEMO_AS_OF, DEMO_REP_EMAIL, type LocalSettings, nameFromEmail } from '../../tools/local/settings';
import { type LocalStack, startStack } from '../../tools/local/stack';

/** Where end-to-end tests leave screenshots and logs (ignored by git). */
export const TEST_OUTPUT = join(__dirname, '..', '..', 'test-output', 'e2e');

/** The `npm start` settings on free ports (no fixed port in tests), the demo book and its as-of date. */
export async function e2eSettings(overrides: Partial<LocalSettings> = {}): Promise<LocalSettings> {
  return {
    // The Playground needs a concrete port (it is part of the serviceUrl it hands the bot).
    ports: { bot: 0, playground: await findFreePort(), blob: 0, queue: 0, table: 0 },
    asOf: DEMO_AS_OF,
    timeZone: 'UTC',
    feedDir: join(__dirname, '..', '..', 'demo', 'feed'),
    feedContainer: 'feed',
    rep: { email: DEMO_REP_EMAIL, name: nameFromEmail(DEMO_REP_EMAIL) },
    weeklyRun: 'off',
    ...overrides,
  };
}

/** A started stack with a storage handle on its Azurite, and a log kept for failure messages. */
export interface E2eStack {
  stack: LocalStack;
  storage: Storage;
  log: string[];
}

/** Starts the whole local stack as `npm start` does, on free ports. */
export async function startE2eStack(overrides: Partial<LocalSettings> = {}): Promise<E2eStack> {
  await mkdir(TEST_OUTPUT, { recursive: true });
  const log: string[] = [];
  const stack = await startStack(await e2eSettings(overrides), { log: (line) => log.push(line) });
  const storage = await openStorage(stack.config.storage, {
    timeZone: stack.config.timeZone,
    skipCreate: true,
  });
  return { stack, storage, log };
}
