import { createServer } from 'node:net';
import { format as formatLine } from 'node:util';
import type { HttpHandler } from '@azure/functions';
import { z } from 'zod';
import type { Log } from '../../bot';
import { type Config, loadConfig } from '../../functions/config';
import { type Wiring, wire } from '../../functions/wiring';
import type { FollowUpsReport } from '../../jobs/followups/followUpsReport';
import { runFollowUps } from '../../jobs/followups/followUpsRun';
import { summaryCardFor } from '../../jobs/monthly/summaryCardFor';
import type { WeeklyReport } from '../../jobs/weekly/weeklyReport';
import { runWeekly } from '../../jobs/weekly/weeklyRun';
import { isCalendarDate, localMonth, MONTH_KEY } from '../../rules/calendar';
import type { Storage } from '../../storage';
import type { TabUser } from '../../tabs/api/tabToken';
import { startAzurite } from './azurite';
import {
  type FunctionRoute,
  type FunctionsHost,
  registeredRoutes,
  startFunctionsHost,
} from './functionsHost';
import { type LoadedFeed, loadFeedIntoContainer } from './loadDemoFeed';
import { type PlaygroundUser, startPlayground } from './playground';
import { PlaygroundClient } from './playgroundClient';
import {
  ADMIN_DAY_PATH,
  ADMIN_FUNCTIONS,
  type LocalPorts,
  type LocalSettings,
  localClock,
  localConfigEnv,
  PORT_SOURCES,
  portHint,
} from './settings';
import { localTabs } from './tabRoutes';

/**
 * The whole product on one machine: Azurite (table, blob, queue), the demo feed in its blob
 * container, the local Functions host (bot endpoint, health, and admin routes that trigger the
 * timers), and the Microsoft 365 Agents Playground as Teams, with the app installed for its user (a
 * demo rep) and its team. Used by `npm start` and by the end-to-end tests (which pass port 0s).
 */

/** What posting a month's summary to the team channel did. */
export type SummaryPost =
  | { status: 'delivered'; month: string; headline: string; activityId: string }
  | { status: 'unreachable'; month: string; code: string }
  | { status: 'failed'; month: string; error: string }
  | { status: 'no_channel'; month: string; message: string };

/** The ids of the Playground's user, chats and team, as configured by the stack. */
export interface PlaygroundIds {
  user: PlaygroundUser;
  tenantId: string;
  personalChatId: string;
  teamId: string;
  teamName: string;
}

export interface LocalStack {
  settings: LocalSettings;
  /** The product's configuration, as the Functions read it (storage, feed container, zone). */
  config: Config;
  /** The stack's clock (the as-of day at the weekly send time, then real speed). */
  clock: () => Date;
  /** The ports actually in use (port 0 settings resolved). */
  ports: LocalPorts;
  urls: {
    playground: string;
    bot: string;
    messages: string;
    health: string;
    tabPersonal: string;
    tabTeam: string;
  };
  /** Signs a development token for the tab API (the Playground's user unless another is given; `seconds` of validity). */
  signTabToken(user?: TabUser, options?: { seconds?: number }): Promise<string>;
  connectionString: string;
  playground: PlaygroundIds;
  feed: LoadedFeed;
  /**
   * The weekly run the stack does by itself (settings.weeklyRun): already settled for `start`; for
   * `browser`, settles once the Playground's page has opened and the run is done. Resolves with the
   * run's error rather than rejecting, and with null when off or stopped before it ran.
   */
  automaticWeekly: Promise<WeeklyReport | Error | null>;
  /** Runs this week's weekly job now (forced; the run ledger still keeps it to one card per rep per week). */
  runWeeklyNow(): Promise<WeeklyReport>;
  /** Runs today's follow-up digests now (forced; the ledger keeps it to one digest per rep per day). */
  runFollowUpsNow(): Promise<FollowUpsReport>;
  /**
   * Moves the stack's clock to another day (at the weekly send time, then real speed), and when a
   * feed folder is given uploads it to the feed container: the book as of that day. Storage, the
   * Playground and the installs stay as they are.
   */
  setDay(asOf: string, options?: { feedDir?: string }): Promise<void>;
  /** Posts the summary of `month` (default: the clock's current month) to the team's summary channel. */
  postSummaryNow(month?: string): Promise<SummaryPost>;
  /** Stops the Playground, the host and Azurite (SIGINT), and frees their ports. */
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Progress lines and the services' own log lines; default: silent. */
  log?: (line: string) => void;
  /** How long to wait for the install to be stored (default 15 s). */
  installTimeoutMs?: number;
  /** Aborted: stop what has started and reject, after the step in progress (Ctrl-C during the start). */
  signal?: AbortSignal;
}

/** One or more configured ports are taken; the message names each and how to change it. */
export class PortsInUseError extends Error {
  override readonly name = 'PortsInUseError';
  constructor(readonly ports: readonly { name: keyof LocalPorts; port: number }[]) {
    // Every port taken is an earlier stack still running: five "or pass --x-port" lines would bury that.
    const all = ports.length === Object.keys(PORT_SOURCES).length;
    super(
      all
        ? `Ports ${ports.map((p) => p.port).join(', ')} on 127.0.0.1 are all in use: an earlier \`npm start\` is still running. Stop it (Ctrl-C in its terminal), or give this one other ports (${ports.map(({ name }) => PORT_SOURCES[name].flag).join(', ')}).`
        : ports
            .map(
              ({ name, port }) =>
                `Port ${port} on 127.0.0.1 (${PORT_SOURCES[name].what}) is already in use: an earlier \`npm start\` still running? Stop it, or ${portHint(name)}.`,
            )
            .join('\n'),
    );
  }
}

/** The Playground's user: the demo rep. Ids are the Playground's conventions for its current user. */
function repUser(settings: LocalSettings): PlaygroundUser {
  return {
    id: 'user-id-0',
    name: settings.rep.name,
    email: settings.rep.email,
    aadObjectId: '00000000-0000-0000-0000-0000000000a1',
  };
}

const TENANT_ID = '00000000-0000-0000-0000-0000000000001';
const TEAM = { id: 'team-sales', name: 'Sales Team', aadGroupId: '00000000-0000-0000-0000-000000000031' };
const PERSONAL_CHAT_ID = 'personal-chat-ana';

/** Starts everything and resolves once the app is installed (and the weekly card sent, unless turned off). */
export async function startStack(settings: LocalSettings, options: StackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? (() => undefined);
  const stopRequested = () => options.signal?.throwIfAborted();
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    const results = await Promise.allSettled(
      stoppers
        .splice(0)
        .reverse()
        .map((stop) => stop()),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  try {
    await assertPortsFree(settings.ports);

    const azurite = await startAzurite({
      ports: { table: settings.ports.table, blob: settings.ports.blob, queue: settings.ports.queue },
      location: settings.location,
    });
    stoppers.push(() => azurite.stop());
    stopRequested();
    log(
      `Azurite: blob ${azurite.blobPort}, queue ${azurite.queuePort}, table ${azurite.tablePort} (${settings.location ? `data in ${settings.location}` : 'in memory'})`,
    );

    const feed = await loadFeedIntoContainer(
      azurite.connectionString,
      settings.feedContainer,
      settings.feedDir,
    );
    log(`Feed: ${settings.feedDir} -> blob container "${feed.container}" (${feed.blobs.join(', ')})`);
    stopRequested();

    const config = loadConfig(localConfigEnv(settings, azurite.connectionString));
    let dayClock = localClock(settings, config.weeklySendAt);
    const clock = () => dayClock();
    const user = repUser(settings);
    const tabUser: TabUser = {
      userId: user.aadObjectId,
      name: user.name,
      email: user.email,
      tenantId: TENANT_ID,
    };
    const tabs = await localTabs(tabUser);
    const wiring = await wire(config, { clock, log: prefixedLog('bot', log), tabVerify: tabs.verify });
    const { storage } = wiring;
    // The feed is read and scored before the first tab opens; a failure surfaces on the first request, as in Azure.
    wiring.tabs.service.warm().catch(() => undefined);
    const jobs = localJobs(wiring, clock, log);
    const setDay = async (asOf: string, dayOptions: { feedDir?: string } = {}): Promise<void> => {
      if (dayOptions.feedDir) {
        await loadFeedIntoContainer(azurite.connectionString, settings.feedContainer, dayOptions.feedDir);
      }
      dayClock = localClock({ ...settings, asOf }, config.weeklySendAt);
      log(`Clock moved to ${asOf}${dayOptions.feedDir ? `, feed ${dayOptions.feedDir}` : ''}`);
    };

    const automatic = automaticWeeklyRun(settings, jobs, log);
    stoppers.push(() => automatic.stop());
    const host = await startHost(
      settings,
      wiring,
      jobs,
      { setDay, clock },
      automatic.onPersonalInstall,
      log,
      tabs.routes,
    );
    stoppers.push(() => host.close());
    stopRequested();
    const playground = await startPlayground({
      botEndpoint: `${host.url}/api/messages`,
      port: settings.ports.playground,
      portHint: portHint('playground'),
      config: {
        currentUser: user,
        tenantId: TENANT_ID,
        personalChatId: PERSONAL_CHAT_ID,
        team: teamConfig(),
      },
      onOutput: (line) => log(`[playground] ${line}`),
    });
    stoppers.push(() => playground.stop());
    stopRequested();
    log(`Agents Playground: ${playground.url} (user ${user.name} <${user.email}>)`);

    const client = new PlaygroundClient(playground.url);
    await client.install(PERSONAL_CHAT_ID);
    await client.install(TEAM.id);
    await waitForInstall(storage, settings.rep.email, options.installTimeoutMs ?? 15_000, {
      signal: options.signal,
      handled: automatic.ownInstallHandled,
    });
    log(`Installed for ${user.name} (personal chat) and for the team "${TEAM.name}" (summary channel)`);

    // Our own installs are done: from now on a personal install is the Playground's page opening.
    automatic.arm();
    if (settings.weeklyRun === 'start') await automatic.result;
    stopRequested();
    return {
      settings,
      config,
      clock,
      ports: {
        bot: host.port,
        playground: playground.port,
        blob: azurite.blobPort,
        queue: azurite.queuePort,
        table: azurite.tablePort,
      },
      urls: {
        playground: playground.url,
        bot: host.url,
        messages: `${host.url}/api/messages`,
        health: `${host.url}/api/health`,
        tabPersonal: `${host.url}/tab/personal`,
        tabTeam: `${host.url}/tab/team`,
      },
      signTabToken: tabs.signToken,
      connectionString: azurite.connectionString,
      playground: {
        user,
        tenantId: TENANT_ID,
        personalChatId: PERSONAL_CHAT_ID,
        teamId: TEAM.id,
        teamName: TEAM.name,
      },
      feed,
      automaticWeekly: automatic.result,
      runWeeklyNow: jobs.weekly,
      runFollowUpsNow: jobs.followups,
      setDay,
      postSummaryNow: jobs.summary,
      stop: stopAll,
    };
  } catch (error) {
    // Leave nothing running behind a failed start; the start error is the one worth reporting.
    await stopAll().catch((stopError: unknown) => log(`while stopping after a failed start: ${stopError}`));
    throw error;
  }
}

interface AutomaticWeekly {
  result: Promise<WeeklyReport | Error | null>;
  /**
   * Whether the bot has handled a personal install before `arm`: the stack's own. With `--location`
   * the rows of an earlier start are already stored, so they cannot tell that it has.
   */
  ownInstallHandled(): boolean;
  /** Starts accepting the page-opened signal (and runs at once in `start` mode). */
  arm(): void;
  /** Called on every personal install the bot receives. */
  onPersonalInstall(): void;
  /** Waits for a run in progress; settles the result with null when nothing ran. */
  stop(): Promise<void>;
}

/** The weekly run the stack does by itself, once, at the moment settings.weeklyRun names. */
function automaticWeeklyRun(
  settings: LocalSettings,
  jobs: LocalJobs,
  log: (line: string) => void,
): AutomaticWeekly {
  let settle: (value: WeeklyReport | Error | null) => void = () => undefined;
  const result = new Promise<WeeklyReport | Error | null>((resolve) => {
    settle = resolve;
  });
  let armed = false;
  let ownInstallHandled = false;
  let running: Promise<void> | null = null;
  const run = () => {
    if (running) return;
    running = jobs.weekly().then(settle, (error: unknown) => {
      log(`[weekly:error] the weekly run failed: ${error instanceof Error ? error.stack : String(error)}`);
      settle(error instanceof Error ? error : new Error(String(error)));
    });
  };
  return {
    result,
    ownInstallHandled: () => ownInstallHandled,
    arm() {
      armed = true;
      if (settings.weeklyRun === 'start') run();
      if (settings.weeklyRun === 'off') settle(null);
    },
    onPersonalInstall() {
      if (!armed) ownInstallHandled = true;
      else if (settings.weeklyRun === 'browser') run();
    },
    async stop() {
      armed = false;
      if (running) await running;
      settle(null);
    },
  };
}

interface LocalJobs {
  weekly(): Promise<WeeklyReport>;
  followups(): Promise<FollowUpsReport>;
  summary(month?: string): Promise<SummaryPost>;
}

/** Log lines with a `[name]` or `[name:level]` prefix, to the stack's output. */
export function prefixedLog(name: string, log: (line: string) => void): Log {
  const line = (prefix: string, message: string, data: unknown) => {
    // The data goes with the message's first line: after a list of skipped rows it read as part of the last.
    const [first, ...rest] = message.split('\n');
    log([formatLine(prefix, first, data ?? ''), ...rest].join('\n'));
  };
  return {
    info: (m, d) => line(`[${name}]`, m, d),
    warn: (m, d) => line(`[${name}:warn]`, m, d),
    error: (m, d) => line(`[${name}:error]`, m, d),
  };
}

/** The timers' work, run on demand with the stack's wiring and clock. */
function localJobs(wiring: Wiring, clock: () => Date, log: (line: string) => void): LocalJobs {
  const { config, storage } = wiring;
  return {
    async weekly() {
      const deps = await wiring.weekly(prefixedLog('weekly', log));
      // Forced: "run now" whatever the day; the ledger's run key still keeps one card per rep per week.
      return runWeekly(deps, { now: clock(), force: true });
    },
    async followups() {
      const deps = await wiring.followUps(prefixedLog('followups', log));
      // Forced, like `npm run weekly`; the ledger's day key still keeps one digest per rep per day.
      return runFollowUps(deps, { now: clock(), force: true });
    },
    async summary(month) {
      const now = clock();
      const which = month ?? localMonth(now, config.timeZone);
      const channel = await storage.conversations.getSummaryChannel();
      if (!channel) {
        return {
          status: 'no_channel',
          month: which,
          message: 'no summary channel: the app is not in a team',
        };
      }
      // The timer's own dependencies (storage, proactive sender, loss reasons), on demand for any month.
      const deps = await wiring.monthly(now);
      const feed = deps.loadFeed ? await deps.loadFeed(which, now) : {};
      const { summary, card } = await summaryCardFor(deps.storage, which, {
        ...deps.config,
        ...feed,
        now,
        ...(deps.log ? { log: deps.log } : {}),
      });
      const sent = await deps.sender(channel.reference, card, summary.headline);
      switch (sent.status) {
        case 'delivered':
          return {
            status: 'delivered',
            month: which,
            headline: summary.headline,
            activityId: sent.activityId,
          };
        case 'unreachable':
          return { status: 'unreachable', month: which, code: sent.code };
        case 'failed':
          return { status: 'failed', month: which, error: sent.error };
      }
    },
  };
}

/** The local Functions host with the product's HTTP functions and the timers' admin routes. */
async function startHost(
  settings: LocalSettings,
  wiring: Wiring,
  jobs: LocalJobs,
  day: { setDay(asOf: string): Promise<void>; clock(): Date },
  onPersonalInstall: () => void,
  log: (line: string) => void,
  tabRoutes: readonly FunctionRoute[],
): Promise<FunctionsHost> {
  const admin = (name: string, run: (query: URLSearchParams) => Promise<unknown>): FunctionRoute => ({
    name: `admin-${name}`,
    path: `/admin/functions/${name}`,
    methods: ['POST'],
    handler: adminHandler(run),
  });
  const routes: FunctionRoute[] = [
    ...registeredRoutes(wiring, { messages: (handler) => watchPersonalInstalls(handler, onPersonalInstall) }),
    admin(ADMIN_FUNCTIONS.weekly, () => jobs.weekly()),
    admin(ADMIN_FUNCTIONS.followups, () => jobs.followups()),
    {
      name: 'admin-day',
      path: ADMIN_DAY_PATH,
      methods: ['POST'],
      handler: async (request) => {
        const asOf = request.query.get('day') ?? '';
        if (!isCalendarDate(asOf))
          return { status: 400, jsonBody: { error: `day must be YYYY-MM-DD, got "${asOf}"` } };
        await day.setDay(asOf);
        return { status: 200, jsonBody: { day: asOf, now: day.clock().toISOString() } };
      },
    },
    admin(ADMIN_FUNCTIONS.summary, (query) => jobs.summary(monthParam(query))),
    ...tabRoutes,
  ];
  const host = await startFunctionsHost({
    port: settings.ports.bot,
    routes,
    portHint: portHint('bot'),
    log: (level, ...args) => log(formatLine(`[functions:${level}]`, ...args)),
  });
  log(
    `Functions host: ${host.url}/api/messages, /api/health, /api/tab/*, /tab/{personal,team}, /admin/functions/{weeklyRun,dailyFollowUps,monthlySummary}`,
  );
  return host;
}

const personalInstall = z.looseObject({
  type: z.literal('installationUpdate'),
  action: z.literal('add'),
  conversation: z.looseObject({ conversationType: z.literal('personal') }),
});

/**
 * Calls `onInstall` after the bot has handled a personal installationUpdate: the Playground's web
 * page sends one whenever it opens, and it shows only messages that arrive while it is open.
 */
function watchPersonalInstalls(handler: HttpHandler, onInstall: () => void): HttpHandler {
  return async (request, context) => {
    if (request.method !== 'POST') return handler(request, context);
    const body = await request.clone().text();
    const response = await handler(request, context);
    if (personalInstall.safeParse(parseJsonOrNull(body)).success) onInstall();
    return response;
  };
}

function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // The bot handler has already answered a malformed body with 400; nothing to watch.
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}

/** POST /admin/functions/<name>: runs a timer's work now and answers its report as JSON. */
function adminHandler(run: (query: URLSearchParams) => Promise<unknown>): HttpHandler {
  return async (request) => {
    const month = request.query.get('month');
    if (month !== null && !MONTH_KEY.test(month)) {
      return { status: 400, jsonBody: { error: `month must be YYYY-MM, got "${month}"` } };
    }
    return { status: 200, jsonBody: await run(request.query) };
  };
}

function monthParam(query: URLSearchParams): string | undefined {
  return query.get('month') ?? undefined;
}

function teamConfig() {
  return {
    ...TEAM,
    // Teams' convention: the General channel's id is the team id; the Playground adds General itself.
    channels: [{ id: 'channel-announcements-id', name: 'Announcements' }],
  };
}

/**
 * Waits until the bot handled this start's personal install (`handled`) and stored the rep and the
 * summary channel (team install).
 */
async function waitForInstall(
  storage: Storage,
  email: string,
  timeoutMs: number,
  { signal, handled }: { signal?: AbortSignal; handled: () => boolean },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    const [rep, channel] = await Promise.all([
      storage.conversations.getRepByEmail(email),
      storage.conversations.getSummaryChannel(),
    ]);
    if (rep && channel && handled()) return;
    if (Date.now() > deadline) {
      const missing = [
        rep && handled() ? null : `the rep ${email}`,
        channel ? null : 'the summary channel',
      ].filter(Boolean);
      throw new Error(
        `the Playground's install did not store ${missing.join(' and ')} within ${timeoutMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Fails before starting anything when a configured port is taken (port 0 = any free one, never taken). */
async function assertPortsFree(ports: LocalPorts): Promise<void> {
  const names = Object.keys(ports) as (keyof LocalPorts)[];
  const taken = await Promise.all(
    names.map(async (name) => ((await isPortTaken(ports[name])) ? name : null)),
  );
  const clashes = taken
    .filter((n): n is keyof LocalPorts => n !== null)
    .map((name) => ({ name, port: ports[name] }));
  if (clashes.length > 0) throw new PortsInUseError(clashes);
}

function isPortTaken(port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(false);
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve(true);
      else reject(error);
    });
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}
