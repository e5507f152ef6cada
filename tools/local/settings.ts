import { parseArgs } from 'node:util';
import { TZDate } from '@date-fns/tz';
import { z } from 'zod';
import { isCalendarDate, isTimeZone, MONTH_KEY } from '../../rules/calendar';
import { givenOnce } from '../cli/options';
import { UsageError } from '../cli/usageError';

/**
 * The local environment of `npm start`, `npm run weekly` and `npm run summary`: one object with
 * embedded defaults, overridden by environment variables, overridden in turn by command-line flags.
 */

export interface LocalPorts {
  /** The local Functions host: /api/messages, /api/health, /admin/functions/<name>. */
  bot: number;
  playground: number;
  blob: number;
  queue: number;
  table: number;
}

export interface LocalSettings {
  /** 0 = any free port (tests); defaults are the usual local ports. */
  ports: LocalPorts;
  /** Azurite's data folder; missing = in memory (gone on stop). */
  location?: string;
  /** The demo's "today" (`YYYY-MM-DD`); null = the real clock. */
  asOf: string | null;
  /** The team's IANA zone. */
  timeZone: string;
  /** The feed folder uploaded to the blob container at start. */
  feedDir: string;
  /** The blob container the weekly run reads the feed from. */
  feedContainer: string;
  /** The rules file (column names, formats, thresholds: docs/feed.md); missing = the defaults. */
  rulesFile?: string;
  /** The Playground's user: the demo rep whose chat shows the card. */
  rep: { email: string; name: string };
  /**
   * When the weekly job runs by itself: `browser` = as soon as the Playground's web page opens
   * (it shows only messages that arrive while it is open), `start` = once everything is up,
   * `off` = only when asked (`npm run weekly`).
   */
  weeklyRun: WeeklyRunMoment;
}

export const WEEKLY_RUN_MOMENTS = ['browser', 'start', 'off'] as const;
export type WeeklyRunMoment = (typeof WEEKLY_RUN_MOMENTS)[number];

/** One setting's flag and environment variable, for help texts and port-in-use messages. */
export interface SettingSource {
  flag: string;
  env: string;
}

/** Where each port comes from, so a clash can say how to change it. */
export const PORT_SOURCES: Readonly<Record<keyof LocalPorts, SettingSource & { what: string }>> = {
  bot: { flag: '--bot-port', env: 'BOT_PORT', what: 'the local Functions host (bot endpoint)' },
  playground: { flag: '--playground-port', env: 'PLAYGROUND_PORT', what: 'the Agents Playground' },
  blob: { flag: '--blob-port', env: 'AZURITE_BLOB_PORT', what: 'Azurite blob' },
  queue: { flag: '--queue-port', env: 'AZURITE_QUEUE_PORT', what: 'Azurite queue' },
  table: { flag: '--table-port', env: 'AZURITE_TABLE_PORT', what: 'Azurite table' },
};

export const DEFAULT_PORTS: Readonly<LocalPorts> = {
  bot: 3978,
  playground: 56150,
  blob: 10000,
  queue: 10001,
  table: 10002,
};

/** The local host's route that moves the stack's clock to another day (`?day=YYYY-MM-DD`); local only. */
export const ADMIN_DAY_PATH = '/admin/day';

/** The local host's admin routes, named as on the real Functions host's admin API: POST /admin/functions/<name>. */
export const ADMIN_FUNCTIONS = {
  weekly: 'weeklyRun',
  followups: 'dailyFollowUps',
  summary: 'monthlySummary',
} as const;

/** Monday 2026-11-23: the demo feed's last orders are on the Friday before (demo/feed/SOURCE.md). */
export const DEMO_AS_OF = '2026-11-23';
export const DEMO_REP_EMAIL = 'ana.ruiz@contoso.example';

/** "Change it with --bot-port <n> or BOT_PORT=<n>": how to move one service off a taken port. */
export function portHint(port: keyof LocalPorts): string {
  const { flag, env } = PORT_SOURCES[port];
  return `pass ${flag} <port> (or set ${env}=<port>)`;
}

const port = z.coerce.number().int().min(0, 'a port is 0 to 65535').max(65535, 'a port is 0 to 65535');
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD, or "today" for the real clock')
  // Date.parse takes 2026-02-30 for 2 March: the stack would run as of a day the terminal does not name.
  .refine(isCalendarDate, 'not a calendar date');
const email = z.string().regex(/^[^@\s]+@[^@\s]+$/, 'an email address such as ana.ruiz@contoso.example');

const settingsSchema = z.object({
  ports: z.object({ bot: port, playground: port, blob: port, queue: port, table: port }),
  location: z.string().min(1).optional(),
  asOf: z.union([z.literal('today').transform(() => null), isoDate]),
  timeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Europe/London'),
  feedDir: z.string().min(1),
  feedContainer: z
    .string()
    .regex(
      /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/,
      'a blob container name (lower case, digits, hyphens)',
    ),
  rulesFile: z.string().min(1).optional(),
  repEmail: email,
  weeklyRun: z.enum(WEEKLY_RUN_MOMENTS),
});

/** A bad flag or setting; the message names each one. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

const FLAGS = {
  'bot-port': { type: 'string' },
  'playground-port': { type: 'string' },
  'blob-port': { type: 'string' },
  'queue-port': { type: 'string' },
  'table-port': { type: 'string' },
  location: { type: 'string' },
  'as-of': { type: 'string' },
  'time-zone': { type: 'string' },
  feed: { type: 'string' },
  container: { type: 'string' },
  rules: { type: 'string' },
  rep: { type: 'string' },
  weekly: { type: 'string' },
  month: { type: 'string' },
  day: { type: 'string' },
  help: { type: 'boolean' },
} as const;

/**
 * The local commands: `npm start` takes the stack's settings; the others only find the running stack
 * by its port (its settings are the stack's), so a stack setting given to them would do nothing.
 */
export type LocalCommand = 'start' | 'weekly' | 'followups' | 'summary';

const COMMAND_FLAGS: Readonly<Record<LocalCommand, readonly (keyof typeof FLAGS)[]>> = {
  start: [
    'bot-port',
    'playground-port',
    'blob-port',
    'queue-port',
    'table-port',
    'location',
    'as-of',
    'time-zone',
    'feed',
    'container',
    'rules',
    'rep',
    'weekly',
    'help',
  ],
  weekly: ['bot-port', 'help'],
  followups: ['bot-port', 'day', 'help'],
  summary: ['bot-port', 'month', 'help'],
};

/** Each flag's lines for --help. */
const FLAG_LINES: Readonly<Record<Exclude<keyof typeof FLAGS, 'help'>, string>> = {
  'bot-port': '  --bot-port <n>         BOT_PORT            local Functions host (default 3978)',
  'playground-port': '  --playground-port <n>  PLAYGROUND_PORT     Agents Playground (default 56150)',
  'blob-port': '  --blob-port <n>        AZURITE_BLOB_PORT   Azurite blob (default 10000)',
  'queue-port': '  --queue-port <n>       AZURITE_QUEUE_PORT  Azurite queue (default 10001)',
  'table-port': '  --table-port <n>       AZURITE_TABLE_PORT  Azurite table (default 10002)',
  location: "  --location <dir>       AZURITE_LOCATION    keep Azurite's data in <dir> (default: in memory)",
  'as-of': `  --as-of <YYYY-MM-DD>   AS_OF               the demo's today (default ${DEMO_AS_OF}; "today" = real clock)`,
  'time-zone': "  --time-zone <zone>     TIME_ZONE           the team's IANA zone (default UTC)",
  feed: '  --feed <dir>           FEED_DIR            feed folder (or a zip of it) loaded into the blob container (default demo/feed)',
  container: '  --container <name>     FEED_CONTAINER      blob container of the feed (default feed)',
  rules:
    "  --rules <file>         RULES_FILE          the rules file: your export's column names, formats (docs/feed.md)",
  rep: `  --rep <email>          PLAYGROUND_REP      the Playground user's email, a feed owner (default ${DEMO_REP_EMAIL})`,
  weekly: `  --weekly <when>        WEEKLY_RUN          when the weekly job runs by itself: browser (default: when the
                                             Playground page opens), start, or off (npm run weekly only)`,
  month:
    "  --month <YYYY-MM>                          the month to summarise (default: the stack clock's current one)",
  day: "  --day <YYYY-MM-DD>                         move the running stack's clock to this day first",
};

/** The flags a local command accepts, one line each (for --help and a bad flag's message). */
export function flagHelp(command: LocalCommand): string {
  const lines = COMMAND_FLAGS[command].flatMap((flag) => (flag === 'help' ? [] : [FLAG_LINES[flag]]));
  const heading =
    command === 'start'
      ? 'Options (flags win over environment variables):'
      : "Options (the stack's own settings, --feed, --as-of..., are given to npm start):";
  return `${heading}\n${lines.join('\n')}`;
}

export interface ParsedCommandLine {
  settings: LocalSettings;
  /** `--month`, for `npm run summary`. */
  month?: string;
  /** `--day`, for `npm run followups`: the day to move the stack's clock to. */
  day?: string;
  help: boolean;
}

/** Parses flags and environment into the local settings; throws SettingsError naming every bad value. */
export function parseLocalSettings(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
  command: LocalCommand = 'start',
): ParsedCommandLine {
  const usage = flagHelp(command);
  const options = Object.fromEntries(COMMAND_FLAGS[command].map((flag) => [flag, FLAGS[flag]]));
  let values: Partial<Record<keyof typeof FLAGS, string | boolean>>;
  let given: Partial<Record<keyof typeof FLAGS, string>>;
  try {
    const parsed = parseArgs({
      args: [...argv],
      options,
      strict: true,
      allowPositionals: false,
      tokens: true,
    });
    values = parsed.values;
    given = givenOnce(parsed.tokens);
  } catch (error) {
    // parseArgs reports unknown flags and missing values with a TypeError carrying an ERR_PARSE_ARGS_* code.
    const code = (error as { code?: unknown }).code;
    if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      throw new SettingsError(`${(error as Error).message}\n\n${usage}`);
    }
    throw error;
  }
  const text = (flag: keyof typeof FLAGS): string | undefined => given[flag];
  const pick = (flag: keyof typeof FLAGS, envName: string, fallback: string): string =>
    text(flag) ?? nonEmpty(env[envName]) ?? fallback;
  const raw = {
    ports: {
      bot: pick('bot-port', 'BOT_PORT', String(DEFAULT_PORTS.bot)),
      playground: pick('playground-port', 'PLAYGROUND_PORT', String(DEFAULT_PORTS.playground)),
      blob: pick('blob-port', 'AZURITE_BLOB_PORT', String(DEFAULT_PORTS.blob)),
      queue: pick('queue-port', 'AZURITE_QUEUE_PORT', String(DEFAULT_PORTS.queue)),
      table: pick('table-port', 'AZURITE_TABLE_PORT', String(DEFAULT_PORTS.table)),
    },
    location: text('location') ?? nonEmpty(env.AZURITE_LOCATION),
    asOf: pick('as-of', 'AS_OF', DEMO_AS_OF),
    timeZone: pick('time-zone', 'TIME_ZONE', 'UTC'),
    feedDir: pick('feed', 'FEED_DIR', 'demo/feed'),
    feedContainer: pick('container', 'FEED_CONTAINER', 'feed'),
    rulesFile: text('rules') ?? nonEmpty(env.RULES_FILE),
    repEmail: pick('rep', 'PLAYGROUND_REP', DEMO_REP_EMAIL),
    weeklyRun: pick('weekly', 'WEEKLY_RUN', 'browser'),
  };
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${settingName(i.path)}: ${i.message}`);
    throw new SettingsError(`Invalid local settings:\n${lines.join('\n')}\n\n${usage}`);
  }
  const month = text('month');
  if (month !== undefined && !MONTH_KEY.test(month)) {
    throw new SettingsError(`Invalid --month "${month}": expected YYYY-MM, e.g. 2026-11`);
  }
  const day = text('day');
  if (day !== undefined && !isCalendarDate(day)) {
    throw new SettingsError(`Invalid --day "${day}": expected YYYY-MM-DD, e.g. 2026-11-30`);
  }
  const { repEmail, location, rulesFile, ...rest } = parsed.data;
  return {
    settings: {
      ...rest,
      ...(location ? { location } : {}),
      ...(rulesFile ? { rulesFile } : {}),
      rep: { email: repEmail.toLowerCase(), name: nameFromEmail(repEmail) },
    },
    ...(month ? { month } : {}),
    ...(day ? { day } : {}),
    help: values.help === true,
  };
}

/**
 * The clock of the local stack: with an as-of date, the wall clock moved to that day at the weekly
 * send time (so the weekly run scores as of it and taps are dated that day), then running at real
 * speed from `startedAt`; without one, the real clock.
 */
export function localClock(
  settings: Pick<LocalSettings, 'asOf' | 'timeZone'>,
  sendAt: { hour: number; minute: number },
  startedAt: number = Date.now(),
): () => Date {
  if (settings.asOf === null) return () => new Date();
  const [y, m, d] = settings.asOf.split('-').map(Number);
  const start = new TZDate(y, m - 1, d, sendAt.hour, sendAt.minute, 0, settings.timeZone).getTime();
  return () => new Date(start + (Date.now() - startedAt));
}

/** The environment the product's loadConfig reads, for a local stack whose storage is `connectionString`. */
export function localConfigEnv(
  settings: LocalSettings,
  connectionString: string,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string | undefined> {
  return {
    ...env,
    STORAGE_CONNECTION_STRING: connectionString,
    STORAGE_TABLE_ENDPOINT: undefined,
    STORAGE_BLOB_ENDPOINT: undefined,
    FEED_CONTAINER: settings.feedContainer,
    FEED_DIR: undefined,
    // The bot, the tabs and the weekly run read the same mapping the CLI's --rules reads; it wins
    // over a RULES_BLOB the shell may have from deploying (the two together stop the app at start).
    ...(settings.rulesFile ? { RULES_FILE: settings.rulesFile, RULES_BLOB: undefined } : {}),
    TIME_ZONE: settings.timeZone,
    // The Playground sends no token: the bot must run unauthenticated, whatever the shell has set.
    MicrosoftAppId: '',
    MicrosoftAppPassword: '',
    MicrosoftAppType: 'MultiTenant',
  };
}

/** "ana.ruiz@contoso.example" -> "Ana Ruiz" (the Playground shows a display name). */
export function nameFromEmail(address: string): string {
  const local = address.split('@')[0];
  return local
    .split(/[._-]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1).toLowerCase())
    .join(' ');
}

function settingName(path: readonly PropertyKey[]): string {
  const key = path.map(String).join('.');
  const names: Record<string, string> = {
    'ports.bot': '--bot-port / BOT_PORT',
    'ports.playground': '--playground-port / PLAYGROUND_PORT',
    'ports.blob': '--blob-port / AZURITE_BLOB_PORT',
    'ports.queue': '--queue-port / AZURITE_QUEUE_PORT',
    'ports.table': '--table-port / AZURITE_TABLE_PORT',
    asOf: '--as-of / AS_OF',
    timeZone: '--time-zone / TIME_ZONE',
    feedDir: '--feed / FEED_DIR',
    feedContainer: '--container / FEED_CONTAINER',
    rulesFile: '--rules / RULES_FILE',
    repEmail: '--rep / PLAYGROUND_REP',
    weeklyRun: '--weekly / WEEKLY_RUN',
    location: '--location / AZURITE_LOCATION',
  };
  return names[key] ?? key;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
