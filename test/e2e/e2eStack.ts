import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openStorage, type Storage } from '../../storage';
import type { TabUser } from '../../tabs/api/tabToken';
import { findFreePort } from '../../tools/local/playground';
import { DEMO_AS_OF, DEMO_REP_EMAIL, type LocalSettings, nameFromEmail } from '../../tools/local/settings';
import { type LocalStack, startStack } from '../../tools/local/stack';
import { keepPageLocal, launchChromium } from '../helpers/chromium';

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

/** A sales manager of the demo book (the tests that sign in as her set MANAGER_USER_IDS): sees every rep. */
export const DEMO_MANAGER: TabUser = {
  userId: '00000000-0000-0000-0000-0000000000m1',
  name: 'Maria Lopez',
  email: 'maria.lopez@contoso.example',
  tenantId: '',
};

/** The stack's rep (the Playground's signed-in user, the demo book's) as a tab sees them. */
export function stackRep(e2e: E2eStack): TabUser {
  const { user, tenantId } = e2e.stack.playground;
  return { userId: user.aadObjectId, name: user.name, email: user.email, tenantId };
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

/**
 * The stack on an export of the fixtures (its folder and its rules.json), signed in as `rep`, with
 * the weekly run done, and Chromium; `overrides` as startE2eStack takes them.
 */
export async function startExportInChromium(
  exportDir: string,
  rep: LocalSettings['rep'],
  overrides: Partial<LocalSettings> = {},
): Promise<[E2eStack, Browser]> {
  const started = await Promise.all([
    startE2eStack({
      feedDir: exportDir,
      rulesFile: join(exportDir, 'rules.json'),
      rep,
      weeklyRun: 'start',
      ...overrides,
    }),
    launchChromium(),
  ]);
  await started[0].stack.automaticWeekly;
  return started;
}

/** A stack whose weekly card goes out as the Playground opens, and a Chromium page kept on it. */
export interface PlaygroundInChromium {
  e2e: E2eStack;
  browser: Browser;
  page: Page;
}

/** Starts the stack as `npm start` does and a Chromium page that reaches only the Playground. */
export async function startPlaygroundInChromium(viewport: {
  width: number;
  height: number;
}): Promise<PlaygroundInChromium> {
  const e2e = await startE2eStack({ weeklyRun: 'browser' });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport });
  // The Playground asks an outside CDN for fonts and an animation script: the page stays local.
  await keepPageLocal(page, e2e.stack.urls.playground);
  return { e2e, browser, page };
}
