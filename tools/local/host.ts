import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type HttpHandler, InvocationContext, type Timer } from '@azure/functions';
import { loadRules } from '../../feed/rulesSource';
import { ConfigError, loadConfig } from '../../functions/config';
import { timerFunctions } from '../../functions/registry';
import { type Wiring, wire } from '../../functions/wiring';
import { RulesError } from '../../rules';
import { startAzurite } from './azurite';
import {
  DEFAULT_BOT_PORT,
  type FunctionRoute,
  PortInUseError,
  registeredRoutes,
  startFunctionsHost,
} from './functionsHost';

/**
 * `npm run host`: the local Functions host alone, for running the bot against a real Teams tenant
 * through a dev tunnel. Azurite for storage (unless STORAGE_CONNECTION_STRING is set), every other
 * setting from the environment exactly as the Function App reads it, and the bot's token check on
 * whenever MicrosoftAppId is set. No Playground, no demo clock: the real clock and the real timers'
 * code, triggered through the admin routes as the real host's admin API does.
 */

const USAGE = `npm run host [-- options]: the local Functions host alone (Azurite + the app's functions).

  --bot-port <n>        BOT_PORT          port on 127.0.0.1 (default ${DEFAULT_BOT_PORT})
  --public-host <name>  PUBLIC_HOST       the dev tunnel's host name, answered on /api/ only (comma list)
  --location <dir>      AZURITE_LOCATION  keep Azurite's data in <dir> (default: in memory)

The app's settings (MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppType, MicrosoftAppTenantId,
FEED_DIR or FEED_CONTAINER, RULES_FILE, TIME_ZONE, ADMIN_USER_IDS...) are read from the environment.`;

interface HostArgs {
  port: number;
  publicHosts: string[];
  location?: string;
}

function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): HostArgs {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') throw new UsageError('');
    if (!['--bot-port', '--public-host', '--location'].includes(flag))
      throw new UsageError(`unknown option ${flag}`);
    const value = argv[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    flags.set(flag, value);
  }
  const portText = flags.get('--bot-port') ?? env.BOT_PORT ?? String(DEFAULT_BOT_PORT);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new UsageError(`bad port ${portText}`);
  const publicHosts = (flags.get('--public-host') ?? env.PUBLIC_HOST ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  const location = flags.get('--location') ?? env.AZURITE_LOCATION;
  return { port, publicHosts, ...(location ? { location } : {}) };
}

class UsageError extends Error {}

/** POST /admin/functions/<timer>: runs the timer's handler now, as the real host's admin API does, and answers its result. */
function timerRoutes(wiring: Wiring): FunctionRoute[] {
  return timerFunctions.map((fn) => {
    const run = fn.build(wiring);
    const handler: HttpHandler = async () => {
      const timer: Timer = {
        isPastDue: false,
        schedule: { adjustForDST: false },
        scheduleStatus: undefined as never,
      };
      const context = new InvocationContext({
        functionName: fn.name,
        invocationId: randomUUID(),
        logHandler: (level, ...args) => console.log(`[${fn.name}:${level}]`, ...args),
      });
      return { status: 200, jsonBody: (await run(timer, context)) ?? null };
    };
    return { name: `admin-${fn.name}`, path: `/admin/functions/${fn.name}`, methods: ['POST'], handler };
  });
}

async function main(): Promise<number> {
  let args: HostArgs;
  try {
    args = parseArgs(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.message) console.error(err.message);
    console.log(USAGE);
    return err.message ? 2 : 0;
  }
  const ownStorage = !process.env.STORAGE_CONNECTION_STRING && !process.env.STORAGE_TABLE_ENDPOINT;
  const azurite = ownStorage ? await startAzurite({ location: args.location }) : null;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...(azurite ? { STORAGE_CONNECTION_STRING: azurite.connectionString } : {}),
    // Without a feed setting, the demo book, so the weekly run has something to read.
    ...(process.env.FEED_DIR || process.env.FEED_CONTAINER
      ? {}
      : { FEED_DIR: join(process.cwd(), 'demo', 'feed') }),
  };
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (err) {
    await azurite?.stop();
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    return 2;
  }
  if (!config.bot.appId && args.publicHosts.length > 0) {
    await azurite?.stop();
    console.error(
      '--public-host needs MicrosoftAppId: without a bot identity the endpoint takes unauthenticated requests, and anyone reaching the tunnel could post as Teams.',
    );
    return 2;
  }
  // With a bot identity, Teams reaches this host through a tunnel: it is off this machine as the
  // deployed app is, and needs its tenant for the same reason (config.ts asks it of Azure).
  if (config.bot.appId && !config.bot.tenantId) {
    await azurite?.stop();
    console.error(
      'MicrosoftAppTenantId is required with MicrosoftAppId: Teams reaches this host through a tunnel, and without the tenant the bot serves users of any organisation (another tenant could install it and claim a rep by their email).',
    );
    return 2;
  }
  let host: Awaited<ReturnType<typeof startFunctionsHost>>;
  try {
    // A rules file with a mistake is told at once, as `npm start` tells it: the deployed app goes on
    // with the last valid file instead, which a host started by hand has no use for.
    await loadRules(config);
    const wiring = await wire(config);
    host = await startFunctionsHost({
      port: args.port,
      routes: [...registeredRoutes(wiring), ...timerRoutes(wiring)],
      publicHosts: args.publicHosts,
      // Through a tunnel only with the bot's token check on: unauthenticated, it answers this machine alone.
      forwardedToApi: Boolean(config.bot.appId),
      portHint: 'pass --bot-port <port> (or set BOT_PORT=<port>)',
    });
  } catch (err) {
    // Azurite would otherwise keep this process running after the failed start.
    await azurite?.stop();
    if (!(err instanceof PortInUseError || err instanceof RulesError)) throw err;
    console.error(err.message);
    return 2;
  }
  const auth = config.bot.appId
    ? `on: tokens must be issued for MicrosoftAppId ${config.bot.appId} (${config.bot.appType})`
    : 'OFF (no MicrosoftAppId): loopback only, for the Agents Playground';
  console.log(
    [
      `Functions host on ${host.url}: /api/messages, /api/health; timers at POST /admin/functions/{${timerFunctions.map((f) => f.name).join(',')}}`,
      `Bot authentication ${auth}`,
      `Storage: ${azurite ? `Azurite (tables on 127.0.0.1:${azurite.tablePort}, ${args.location ? `data in ${args.location}` : 'in memory'})` : 'from the environment'}`,
      args.publicHosts.length > 0
        ? `Answering /api/ for ${args.publicHosts.join(', ')} too: point the bot's messaging endpoint at https://${args.publicHosts[0]}/api/messages`
        : 'For Teams: tunnel this port (devtunnel host -p <port> --allow-anonymous) and pass --public-host <tunnel host>.',
      'Ctrl-C stops.',
    ].join('\n'),
  );
  // SIGTERM too (kill, an editor's stop button): without it Azurite outlives the host.
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await host.close();
  await azurite?.stop();
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
