import { z } from 'zod';
import type { FeedSettings } from '../feed/feedOptions';
import { MONTHLY_TICK_MINUTES, repSendAt, WEEKLY_TICK_MINUTES, weeklyRunDue } from '../jobs/schedule';
import { parseClosedDays } from '../jobs/schedule/closedDays';
import {
  holidaysCode,
  holidaysCodeProblem,
  holidaysWorkedNames,
  holidaysWorkedProblems,
} from '../jobs/schedule/holidays';
import type { DayRange, DaysOffSettings } from '../jobs/schedule/scheduleConfig';
import { isTimeZone } from '../rules/calendar';

/**
 * The one configuration object, read from the environment once and validated. Names follow the
 * Functions app settings set by infra/main.bicep; table and container names exist only here.
 */
const csv = z
  .string()
  .optional()
  .transform((s) =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Entra object ids, as Teams gives them to the bot (`aadObjectId`) and the tab's token holds them
 * (`oid`): in lower case, which an id pasted in capitals is brought to, since they are compared as text.
 */
const userIds = csv.transform((ids) => ids.map((id) => (GUID.test(id) ? id.toLowerCase() : id)));

/** A tenant id, compared as text with the one Teams and Entra ID write (lower case) as user ids are. */
const tenantId = z.string().transform((id) => (GUID.test(id) ? id.toLowerCase() : id));

/**
 * How the team reads money, numbers and dates: the cards, the summary and the CLI all show them
 * this way, so the CLI checks these settings with the app's own rules.
 */
/** An empty setting is an unset one (an `.env` line `CURRENCY=`, a CI variable that is not defined). */
const emptyIsUnset = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema);

const displaySchema = z.object({
  /** IANA zone of the team, e.g. America/Chicago; the weekly send time is local to it. */
  TIME_ZONE: emptyIsUnset(
    z
      .string()
      .refine(isTimeZone, { error: (issue) => `unknown IANA zone "${String(issue.input)}"` })
      .default('UTC'),
  ),
  /** ISO 4217 code of the feed's amounts, used on the cards and the summary (e.g. GBP). */
  CURRENCY: emptyIsUnset(
    z
      .string()
      // Not three capitals already says what is wrong: "not an ISO 4217 code" would add nothing.
      .regex(/^[A-Z]{3}$/, { error: 'an ISO 4217 code in capitals, e.g. GBP', abort: true })
      .refine(isKnownCurrency, 'not an ISO 4217 currency code, e.g. GBP, EUR, KWD')
      .default('USD'),
  ),
  /** BCP 47 locale for numbers and dates on the cards (e.g. en-GB). */
  LOCALE: emptyIsUnset(
    z
      .string()
      .refine(isKnownLocale, {
        error: 'not a locale this runtime has numbers and dates for (a BCP 47 tag, e.g. en-GB)',
        abort: true,
      })
      .refine(writesLeftToRight, {
        error:
          'written right to left, which the cards, the summary and the tabs do not lay out: their words are English, and a right-to-left date or amount inside an English sentence is reordered on screen. Use a left-to-right locale, e.g. en-GB (CURRENCY stays as it is)',
      })
      .default('en-US'),
  ),
});

/**
 * The team's days off: the app's timers and the CLI's `score` (the play's days on its lists) read
 * them alike.
 */
const daysOffEnvShape = {
  /**
   * The team's public holidays, a country and optionally its region (`GB-ENG`, `US`, `DE-BY`): on
   * them no digest goes out, and the weekly card and the monthly summary wait for the next working
   * day. Here, not in the rules file, because it is where the team is, as TIME_ZONE is, and a code
   * the calendar does not know stops the app at start, where the rules file is read anew on every run.
   */
  HOLIDAYS: emptyIsUnset(
    z
      .string()
      .superRefine((setting, ctx) => {
        const problem = holidaysCodeProblem(setting);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .transform(holidaysCode)
      .optional(),
  ),
  /**
   * Public holidays of HOLIDAYS the team works all the same, comma-separated by the calendar's
   * names in any case or spacing (`Columbus Day, Veterans Day`): the card, the digest and the
   * summary go out on them as on any working day. A name the calendar has not stops the app.
   */
  HOLIDAYS_WORKED: csv,
  /**
   * The team's own closed days, days off as a public holiday is (a stocktake, the week between
   * Christmas and New Year): `YYYY-MM-DD` days and inclusive `YYYY-MM-DD..YYYY-MM-DD` ranges,
   * comma-separated; with or without HOLIDAYS.
   */
  CLOSED_DAYS: emptyIsUnset(
    z
      .string()
      .transform((setting, ctx) => {
        const read = parseClosedDays(setting);
        if (read.ok) return read.days;
        for (const message of read.problems) ctx.addIssue({ code: 'custom', message, input: setting });
        return z.NEVER;
      })
      .optional(),
  ),
};

const envSchema = z
  .object({
    ...displaySchema.shape,
    /** Azurite / local: a connection string (`UseDevelopmentStorage=true` or an Azurite one). */
    STORAGE_CONNECTION_STRING: z.string().min(1).optional(),
    /** Azure: the account's table endpoint, used with managed identity (DefaultAzureCredential). */
    STORAGE_TABLE_ENDPOINT: z.url().optional(),
    /** Azure: the account's blob endpoint for the feed container, with managed identity. */
    STORAGE_BLOB_ENDPOINT: z.url().optional(),
    /** Prefix for every table name, so several books can share one account (letters/digits only). */
    TABLE_PREFIX: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{0,20}$/, 'letters and digits, starting with a letter')
      .default('churn'),
    /** The feed: a local folder, or a blob container name when FEED_CONTAINER is set. */
    FEED_DIR: z.string().optional(),
    FEED_CONTAINER: z.string().optional(),
    /** The rules file: a local path (RULES_FILE), or a blob in FEED_CONTAINER (RULES_BLOB, as in Azure). */
    RULES_FILE: z.string().optional(),
    RULES_BLOB: z.string().min(1).optional(),
    /** Weekly send, `<Weekday> HH:MM` in TIME_ZONE, on one of the weekly timer's minutes. */
    WEEKLY_SEND_AT: z
      .string()
      .regex(
        /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) ([01]\d|2[0-3]):[0-5]\d$/,
        // abort: a malformed time has no minutes to check.
        { error: 'must be a weekday and a 24-hour time, e.g. "Monday 08:03"', abort: true },
      )
      .refine(onTick(WEEKLY_TICK_MINUTES), tickError(WEEKLY_TICK_MINUTES, 'the weekly cards', 'Monday 08:03'))
      .default('Monday 08:03'),
    ...daysOffEnvShape,
    /** Monthly summary, `HH:MM` on the 1st in TIME_ZONE, on one of the monthly timer's minutes. */
    MONTHLY_SEND_AT: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a 24-hour time, e.g. "09:00"', abort: true })
      .refine(onTick(MONTHLY_TICK_MINUTES), tickError(MONTHLY_TICK_MINUTES, 'the summary', '09:00'))
      .default('09:00'),
    /** Bot identity (empty app id = local, unauthenticated; never in Azure). */
    MicrosoftAppId: z.string().default(''),
    MicrosoftAppPassword: z.string().default(''),
    MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMsi']).default('MultiTenant'),
    MicrosoftAppTenantId: tenantId.default(''),
    /** Teams user ids (AAD object ids) who may act on any customer and undo anyone's action. */
    ADMIN_USER_IDS: userIds,
    /**
     * A channel of the team the app is installed in (`19:...@thread.tacv2`) for the weekly notice;
     * unset, the notice goes 1:1 to each of ADMIN_USER_IDS.
     */
    ADMIN_CHANNEL_ID: z
      .string()
      .regex(/^19:[^\s/?#]{1,200}$/, 'a Teams channel id, 19:...@thread.tacv2')
      .optional(),
    /** Set by Azure on every instance of an App Service plan (not Flex Consumption): this process runs in Azure. */
    WEBSITE_INSTANCE_ID: z.string().optional(),
    /** Set by Azure on every instance, the plan's SKU (Flex Consumption: FlexConsumption): this process runs in Azure. */
    WEBSITE_SKU: z.string().optional(),
    /**
     * The user-assigned managed identity's client id, by which DefaultAzureCredential (storage, the
     * feed) picks that identity; read by @azure/identity itself, checked here so it is not missed.
     */
    AZURE_CLIENT_ID: z.string().optional(),
    /** Teams user ids (AAD object ids) who see every rep's customers in the tabs (admins do too). */
    MANAGER_USER_IDS: userIds,
    /** Tab SSO: the Entra ID app registration's client id and Application ID URI (`api://<host>/<client id>`). */
    TAB_SSO_CLIENT_ID: z.string().optional(),
    TAB_SSO_AUDIENCE: z
      .string()
      .refine((s) => s === '' || s.startsWith('api://'), "must be the app registration's api:// URI")
      .optional(),
    /**
     * The Teams app's org catalog id (assigned on upload to the org catalog; not the manifest's `id`):
     * the weekly card links names to the tab with it, and Teams resolves such links by that id.
     */
    TEAMS_APP_ID: z.string().optional(),
    /** Tab SSO: the tenant whose tokens are accepted; default MicrosoftAppTenantId. */
    TAB_SSO_TENANT_ID: tenantId.optional(),
  })
  // A client id without its audience would start and then answer 401 to every tab request with no word
  // why. (An audience alone is ignored: local debugging writes api://<host>/ while the id is empty.)
  .refine((e) => !e.TAB_SSO_CLIENT_ID || e.TAB_SSO_AUDIENCE?.endsWith(`/${e.TAB_SSO_CLIENT_ID}`), {
    message:
      "is required with TAB_SSO_CLIENT_ID and must end with it (the app registration's api://<host>/<client id>)",
    path: ['TAB_SSO_AUDIENCE'],
  })
  // Without a tenant the tab API would start and refuse every token as not configured, with no word why.
  .refine((e) => !e.TAB_SSO_CLIENT_ID || Boolean(e.TAB_SSO_TENANT_ID || e.MicrosoftAppTenantId), {
    message:
      'is required with TAB_SSO_CLIENT_ID (or set MicrosoftAppTenantId): the tabs accept sign-ins from one tenant, and without it every tab request is refused',
    path: ['TAB_SSO_TENANT_ID'],
  })
  // The tabs would let that tenant's users read while refusing their taps as another organisation's
  // (taps and the bot check MicrosoftAppTenantId): one tenant is served, named once.
  .refine(
    (e) => !e.TAB_SSO_TENANT_ID || !e.MicrosoftAppTenantId || e.TAB_SSO_TENANT_ID === e.MicrosoftAppTenantId,
    {
      message:
        "must be MicrosoftAppTenantId's tenant (or unset, which takes it): the bot and the tabs serve one organisation",
      path: ['TAB_SSO_TENANT_ID'],
    },
  )
  .refine((e) => !(e.RULES_FILE && e.RULES_BLOB), {
    message: 'Set at most one of RULES_FILE (a local path) or RULES_BLOB (a blob in FEED_CONTAINER)',
    path: ['RULES_BLOB'],
  })
  .refine((e) => !e.RULES_BLOB || Boolean(e.FEED_CONTAINER), {
    message: 'RULES_BLOB names a blob in the feed container: set FEED_CONTAINER too',
    path: ['RULES_BLOB'],
  })
  .refine((e) => !e.FEED_CONTAINER || !e.STORAGE_TABLE_ENDPOINT || Boolean(e.STORAGE_BLOB_ENDPOINT), {
    message:
      'is required with FEED_CONTAINER and STORAGE_TABLE_ENDPOINT: the feed container is reached by its blob endpoint',
    path: ['STORAGE_BLOB_ENDPOINT'],
  })
  .refine((e) => Boolean(e.STORAGE_CONNECTION_STRING) !== Boolean(e.STORAGE_TABLE_ENDPOINT), {
    message:
      'Set exactly one of STORAGE_CONNECTION_STRING (local/Azurite) or STORAGE_TABLE_ENDPOINT (Azure, managed identity)',
    path: ['STORAGE_CONNECTION_STRING'],
  })
  .superRefine((e, ctx) => {
    for (const issue of [
      ...securityIssues(e),
      ...userIdIssues(e),
      ...deployedIssues(e),
      ...holidaysWorkedIssues(e),
    ])
      ctx.addIssue({ code: 'custom', ...issue });
  });

/** The settings securityIssues reads. */
interface SecuritySettings {
  STORAGE_CONNECTION_STRING?: string;
  STORAGE_TABLE_ENDPOINT?: string;
  STORAGE_BLOB_ENDPOINT?: string;
  MicrosoftAppId: string;
  MicrosoftAppPassword: string;
  MicrosoftAppType: string;
  MicrosoftAppTenantId: string;
  TAB_SSO_TENANT_ID?: string;
  WEBSITE_INSTANCE_ID?: string;
  WEBSITE_SKU?: string;
  AZURE_CLIENT_ID?: string;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Why a setting is required when Azure runs this process, in the messages' words, by what the platform sets on
 * every instance; null elsewhere. Flex Consumption names its plan (WEBSITE_SKU) but, unlike App Service plans, sets
 * no WEBSITE_INSTANCE_ID.
 */
function inAzure(e: SecuritySettings): string | null {
  if (e.WEBSITE_INSTANCE_ID) return 'running in Azure (WEBSITE_INSTANCE_ID is set)';
  if (e.WEBSITE_SKU) return `running in Azure (WEBSITE_SKU is ${e.WEBSITE_SKU})`;
  return null;
}

/** True for an http(s) URL whose host is this machine. */
function isLoopbackUrl(url: string): boolean {
  try {
    return LOOPBACK_HOSTS.has(new URL(url).hostname);
  } catch (err) {
    if (err instanceof TypeError) return false;
    throw err;
  }
}

/**
 * The table endpoint a storage connection string names, or null when it is not one. Accepted shapes:
 * `UseDevelopmentStorage=true` (Azurite on 127.0.0.1:10002), an account name and key, or explicit
 * endpoints with a key or a SAS.
 */
export function connectionStringTableEndpoint(text: string): string | null {
  const pairs = new Map<string, string>();
  for (const part of text.split(';')) {
    if (part.trim() === '') continue;
    const at = part.indexOf('=');
    if (at <= 0) return null;
    pairs.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  if (pairs.get('usedevelopmentstorage')?.toLowerCase() === 'true') return 'http://127.0.0.1:10002';
  const explicit = pairs.get('tableendpoint');
  const credential = pairs.has('accountkey') || pairs.has('sharedaccesssignature');
  if (explicit) return credential && URL.canParse(explicit) ? explicit : null;
  const account = pairs.get('accountname');
  if (!account || !pairs.has('accountkey')) return null;
  const protocol = pairs.get('defaultendpointsprotocol') ?? 'https';
  const suffix = pairs.get('endpointsuffix') ?? 'core.windows.net';
  return `${protocol}://${account}.table.${suffix}`;
}

/**
 * Settings that would open the bot or the storage to others, each named. Without a bot identity
 * (empty MicrosoftAppId) the endpoint takes unauthenticated requests, which is allowed only when
 * everything is on this machine: storage on loopback and not running in Azure (inAzure).
 * Off this machine a bot identity also needs its tenant (an empty one turns every tenant check off,
 * so another organisation's install could read the team's summary or claim a rep's email) and, but
 * for a managed identity, its secret (without one every send fails when the token is fetched).
 */
function securityIssues(e: SecuritySettings): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  const table = e.STORAGE_TABLE_ENDPOINT;
  for (const [name, url] of [
    ['STORAGE_TABLE_ENDPOINT', table],
    ['STORAGE_BLOB_ENDPOINT', e.STORAGE_BLOB_ENDPOINT],
  ] as const) {
    if (url && !url.startsWith('https://') && !isLoopbackUrl(url)) {
      issues.push({
        path: [name],
        message: 'must be https:// (the managed identity token would otherwise cross plain HTTP)',
      });
    }
  }
  let connectionEndpoint: string | null = null;
  if (e.STORAGE_CONNECTION_STRING) {
    connectionEndpoint = connectionStringTableEndpoint(e.STORAGE_CONNECTION_STRING);
    if (!connectionEndpoint) {
      issues.push({
        path: ['STORAGE_CONNECTION_STRING'],
        message:
          'not a storage connection string (UseDevelopmentStorage=true, or AccountName and AccountKey, or TableEndpoint with a key or SAS)',
      });
    }
  }
  const appId = e.MicrosoftAppId;
  if (appId !== '' && !GUID.test(appId)) {
    issues.push({
      path: ['MicrosoftAppId'],
      message: "must be a GUID (the bot's app or managed identity client id)",
    });
  }
  const where = offThisMachine(e, connectionEndpoint);
  if (e.MicrosoftAppTenantId === '' && (e.MicrosoftAppType !== 'MultiTenant' || (appId !== '' && where))) {
    issues.push({
      path: ['MicrosoftAppTenantId'],
      message:
        e.MicrosoftAppType !== 'MultiTenant'
          ? `is required with MicrosoftAppType ${e.MicrosoftAppType}`
          : `is required: ${where}, and without it the bot serves users of any tenant`,
    });
  }
  // A domain name (contoso.onmicrosoft.com) would start, then refuse every user as another
  // organisation's: Teams and Entra ID name the tenant by its id. So off this machine, and on it
  // with a bot identity, which Teams reaches through a tunnel (the local host asks for its tenant).
  for (const name of ['MicrosoftAppTenantId', 'TAB_SSO_TENANT_ID'] as const) {
    const id = e[name];
    if ((where || appId !== '') && id && !GUID.test(id))
      issues.push({
        path: [name],
        message: `must be the tenant's id, a GUID (az account show --query tenantId -o tsv), not "${id}": Teams and Entra ID name the tenant by it, and every user would be refused as another organisation's`,
      });
  }
  if (appId !== '' && where && e.MicrosoftAppType !== 'UserAssignedMsi' && e.MicrosoftAppPassword === '') {
    issues.push({
      path: ['MicrosoftAppPassword'],
      message: `is required with MicrosoftAppType ${e.MicrosoftAppType}: ${where}, and without the app's secret the bot cannot get a token to send`,
    });
  }
  if (e.MicrosoftAppType === 'UserAssignedMsi' && appId === '') {
    issues.push({
      path: ['MicrosoftAppId'],
      message: "is required with MicrosoftAppType UserAssignedMsi (the identity's client id)",
    });
  }
  if (e.MicrosoftAppType === 'UserAssignedMsi' && e.MicrosoftAppPassword !== '') {
    issues.push({
      path: ['MicrosoftAppPassword'],
      message: 'must be empty with MicrosoftAppType UserAssignedMsi',
    });
  }
  if (appId === '' && where) {
    issues.push({
      path: ['MicrosoftAppId'],
      message: `is required: ${where}, and without a bot identity the bot endpoint accepts unauthenticated requests (allowed only when everything runs on this machine)`,
    });
  }
  return issues;
}

/**
 * Admins and managers that are not Entra object ids, off this machine: Teams names every user by
 * that id, so a sign-in name there matches nobody, and the admin or manager it was meant for would
 * silently have no rights and get no notice. On this machine the Playground and tests name users freely.
 */
function userIdIssues(
  e: SecuritySettings & { ADMIN_USER_IDS: string[]; MANAGER_USER_IDS: string[] },
): { path: string[]; message: string }[] {
  const connectionEndpoint = e.STORAGE_CONNECTION_STRING
    ? connectionStringTableEndpoint(e.STORAGE_CONNECTION_STRING)
    : null;
  if (!offThisMachine(e, connectionEndpoint)) return [];
  return (['ADMIN_USER_IDS', 'MANAGER_USER_IDS'] as const).flatMap((name) =>
    e[name]
      .filter((id) => !GUID.test(id))
      .map((id) => ({
        path: [name],
        message: `"${id}" is not an Entra object id (a GUID: az ad user show --id <sign-in name> --query id -o tsv)`,
      })),
  );
}

/**
 * What the deployed app cannot run without, though it would start: each would fail only at the first
 * table or feed read, while /api/health could still answer 200 (it checks no feed when none is set).
 */
function deployedIssues(
  e: SecuritySettings & { FEED_CONTAINER?: string; FEED_DIR?: string },
): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  if (e.AZURE_CLIENT_ID && !GUID.test(e.AZURE_CLIENT_ID))
    issues.push({ path: ['AZURE_CLIENT_ID'], message: "must be a GUID (the managed identity's client id)" });
  const deployed = deployedInAzure(e);
  if (!deployed) return issues;
  // Without it DefaultAzureCredential asks for a system-assigned identity, which the app does not have.
  if (!e.AZURE_CLIENT_ID && e.STORAGE_TABLE_ENDPOINT) {
    issues.push({
      path: ['AZURE_CLIENT_ID'],
      message: `is required: ${deployed}, and storage (STORAGE_TABLE_ENDPOINT) is reached as the user-assigned identity this names`,
    });
  }
  if (!e.FEED_CONTAINER && !e.FEED_DIR) {
    issues.push({
      path: ['FEED_CONTAINER'],
      message: `is required: ${deployed}, and without a feed every weekly run fails`,
    });
  }
  return issues;
}

/**
 * HOLIDAYS_WORKED names that are no public holiday of HOLIDAYS, each with that calendar's names (a
 * name the calendar has not would never match, and the team would get its card a day late all the
 * same); any name at all without HOLIDAYS.
 */
function holidaysWorkedIssues(e: {
  HOLIDAYS?: string;
  HOLIDAYS_WORKED: string[];
}): { path: string[]; message: string }[] {
  if (e.HOLIDAYS_WORKED.length === 0) return [];
  if (!e.HOLIDAYS)
    return [
      {
        path: ['HOLIDAYS_WORKED'],
        message:
          'names public holidays of HOLIDAYS, which is not set: set HOLIDAYS (e.g. US) too, or leave this empty',
      },
    ];
  // A HOLIDAYS that names no calendar is told for HOLIDAYS; its names would all be refused with it.
  if (holidaysCodeProblem(e.HOLIDAYS) !== null) return [];
  return holidaysWorkedProblems(e.HOLIDAYS, holidaysWorkedNames(e.HOLIDAYS, e.HOLIDAYS_WORKED)).map(
    (message) => ({
      path: ['HOLIDAYS_WORKED'],
      message,
    }),
  );
}

/**
 * Why this process is the deployed app (in words, for the message), or null: Azure says so on every
 * instance (inAzure), and a managed-identity bot runs nowhere else.
 */
function deployedInAzure(e: SecuritySettings): string | null {
  const azure = inAzure(e);
  if (azure) return azure;
  if (e.MicrosoftAppType === 'UserAssignedMsi')
    return 'the bot is a managed identity (MicrosoftAppType UserAssignedMsi), which runs in Azure only';
  return null;
}

/** Why this is not a run on this machine alone (in words, for the message), or null when it is. */
function offThisMachine(e: SecuritySettings, connectionEndpoint: string | null): string | null {
  const azure = inAzure(e);
  if (azure) return azure;
  if (e.STORAGE_TABLE_ENDPOINT) return 'storage is STORAGE_TABLE_ENDPOINT (Azure)';
  if (connectionEndpoint && !isLoopbackUrl(connectionEndpoint))
    return `storage is ${new URL(connectionEndpoint).hostname}, not this machine`;
  return null;
}

export type Env = z.infer<typeof envSchema>;

/** A missing or bad setting; the message lists every one. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface Config {
  storage: { connectionString?: string; tableEndpoint?: string; blobEndpoint?: string; tablePrefix: string };
  feed: { dir?: string; container?: string };
  rulesFile?: string;
  /** The rules file as a blob in the feed container (Azure); exclusive with rulesFile. */
  rulesBlob?: string;
  timeZone: string;
  /** ISO weekday (Monday = 1 ... Sunday = 7), hour and minute in timeZone. */
  weeklySendAt: { weekday: number; hour: number; minute: number };
  /**
   * The team's days off besides its weekdays off: its public holiday calendar (`GB-ENG`; null =
   * none), the holidays of it the team works (by name), and its own closed days.
   */
  daysOff: DaysOffSettings;
  monthlySendAt: { hour: number; minute: number };
  bot: { appId: string; appPassword: string; appType: Env['MicrosoftAppType']; tenantId: string };
  adminUserIds: string[];
  /** Money and number formatting of the cards and the summary. */
  card: { currency: string; locale: string };
  /**
   * CURRENCY was set (else card.currency is its default): where the orders' currency column is
   * mapped, the lines in it are read; unset, the file's own currency, which must then be the default.
   */
  currencyConfigured: boolean;
  /** Where the weekly notice goes instead of the admins' 1:1 chats, when set. */
  adminChannelId?: string;
  managerUserIds: string[];
  /** The Teams app's id, for deep links to the tabs; undefined = names are not linked. */
  teamsAppId?: string;
  /** The tabs' single sign-on; null when not configured, and then the tab API refuses every request. */
  tabSso: { clientId: string; audience: string; tenantId: string } | null;
}

/**
 * True when a send time's minutes are one of the timer's: the timers tick every 15 minutes and a
 * time between two ticks would go out at the next one ("Monday 08:10" at 08:18), unlike what was set.
 */
function onTick(minutes: readonly number[]): (time: string) => boolean {
  return (time) => minutes.includes(Number(time.slice(-2)));
}

/** The error for a send time off the timer's ticks: which minutes it may have, and an example. */
function tickError(minutes: readonly number[], what: string, example: string): string {
  const mm = minutes.map((m) => String(m).padStart(2, '0'));
  return `the minutes must be ${mm.slice(0, -1).join(', ')} or ${mm.at(-1)}: the timer sends ${what} only then (e.g. "${example}")`;
}

// ISO weekday numbers, as schedule/ takes them: Monday = 1 ... Sunday = 7.
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** The settings that say when the weekly list comes: its day and time, the team's zone and days off. */
type SendTimeSettings = Pick<Config, 'weeklySendAt' | 'timeZone'> & Partial<Pick<Config, 'daysOff'>>;

/**
 * When the weekly list comes, in words: `Mondays at 08:03 (Europe/London)`, and with a holiday
 * calendar `..., or the next working day when that is a public holiday (GB-ENG); none in a week with
 * no working day`, with closed days `... a closed day ...`. For a rep whose zone is known
 * (`repTimeZone`) and whose card comes at the send time there (repSendAt: not ahead of the team's
 * zone, judged by this week's send at `now`): `Mondays at 08:03 your time (America/Denver)`.
 */
export function weeklySendText(
  config: SendTimeSettings,
  rep: { timeZone?: string | null; now?: Date } = {},
): string {
  const { weekday, hour, minute } = config.weeklySendAt;
  const zone =
    rep.timeZone && repTimeIsOwn(config, rep.timeZone, rep.now ?? new Date()) ? rep.timeZone : null;
  const hm = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
  const { holidays = null, closedDays = [] } = config.daysOff ?? {};
  const off = [
    ...(holidays ? [`a public holiday (${holidays})`] : []),
    ...(closedDays.length > 0 ? ['a closed day'] : []),
  ].join(' or ');
  // As sendDayOfWeek moves it: within the week, so only a card of a later weekday may come earlier;
  // in a week the team does not work at all, a Monday card has none, a later one comes on its day.
  const moved = !off
    ? ''
    : weekday === 1
      ? `, or the next working day when that is ${off}; none in a week with no working day`
      : `, or when that is ${off} the next working day of that week, else the one before; in a week with no working day on that day all the same, for the team's return, unless the next card comes first`;
  const where = zone ? `your time (${zone})` : `(${config.timeZone})`;
  return `${WEEKDAYS[weekday - 1]}s at ${hm} ${where}${moved}`;
}

/** Whether a rep in `repTimeZone` gets this week's card at the send time on their own clock (not the team's, earlier one). */
function repTimeIsOwn(config: SendTimeSettings, repTimeZone: string, now: Date): boolean {
  if (repTimeZone === config.timeZone) return true;
  const schedule = { timeZone: config.timeZone, ...config.weeklySendAt, ...config.daysOff };
  const teamSendAt = weeklyRunDue(now, schedule).scheduledAt;
  return repSendAt(teamSendAt, schedule, repTimeZone).getTime() !== teamSendAt.getTime();
}

/** `env` parsed by `schema`; throws one ConfigError listing every bad or missing setting by name. */
function parseEnv<T>(schema: z.ZodType<T>, env: Record<string, string | undefined>): T {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

/** The team's zone, currency and locale alone (the CLI's `score` needs no storage or bot). */
export function loadDisplayConfig(
  env: Record<string, string | undefined> = process.env,
): Pick<Config, 'timeZone' | 'card' | 'currencyConfigured'> {
  const e = parseEnv(displaySchema, env);
  return {
    timeZone: e.TIME_ZONE,
    card: { currency: e.CURRENCY, locale: e.LOCALE },
    currencyConfigured: currencyConfigured(env),
  };
}

/** The team's days off alone, checked as the app checks them (the CLI's `score` dates the plays by them). */
export function loadDaysOff(env: Record<string, string | undefined> = process.env): Config['daysOff'] {
  const schema = z.object(daysOffEnvShape).superRefine((e, ctx) => {
    for (const issue of holidaysWorkedIssues(e)) ctx.addIssue({ code: 'custom', ...issue });
  });
  return daysOffOfEnv(parseEnv(schema, env));
}

/** The days-off settings of the parsed environment. */
function daysOffOfEnv(e: {
  HOLIDAYS?: string;
  HOLIDAYS_WORKED: string[];
  CLOSED_DAYS?: DayRange[];
}): Config['daysOff'] {
  return {
    holidays: e.HOLIDAYS ?? null,
    holidaysWorked: e.HOLIDAYS ? holidaysWorkedNames(e.HOLIDAYS, e.HOLIDAYS_WORKED) : [],
    closedDays: e.CLOSED_DAYS ?? [],
  };
}

/** CURRENCY set to something (an empty one is unset, as the schema reads it). */
const currencyConfigured = (env: Record<string, string | undefined>) => (env.CURRENCY ?? '') !== '';

/** The team's settings a read of the feed follows (feedOptionsFrom): its zone and the book's currency. */
export function feedSettingsOf(
  config: Pick<Config, 'timeZone' | 'card' | 'currencyConfigured'>,
): FeedSettings {
  return {
    timeZone: config.timeZone,
    currency: { code: config.card.currency, configured: config.currencyConfigured },
  };
}

/** Parses the environment into the Config; throws one error listing every bad or missing setting. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const e = parseEnv(envSchema, env);
  const [day, hm] = e.WEEKLY_SEND_AT.split(' ');
  const [wh, wm] = hm.split(':').map(Number);
  const [mh, mm] = e.MONTHLY_SEND_AT.split(':').map(Number);
  return {
    storage: {
      connectionString: e.STORAGE_CONNECTION_STRING,
      tableEndpoint: e.STORAGE_TABLE_ENDPOINT,
      blobEndpoint: e.STORAGE_BLOB_ENDPOINT,
      tablePrefix: e.TABLE_PREFIX,
    },
    feed: { dir: e.FEED_DIR, container: e.FEED_CONTAINER },
    rulesFile: e.RULES_FILE,
    rulesBlob: e.RULES_BLOB,
    timeZone: e.TIME_ZONE,
    weeklySendAt: { weekday: WEEKDAYS.indexOf(day) + 1, hour: wh, minute: wm },
    daysOff: daysOffOfEnv(e),
    monthlySendAt: { hour: mh, minute: mm },
    bot: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appType: e.MicrosoftAppType,
      tenantId: e.MicrosoftAppTenantId,
    },
    adminUserIds: e.ADMIN_USER_IDS,
    card: { currency: e.CURRENCY, locale: e.LOCALE },
    currencyConfigured: currencyConfigured(env),
    ...(e.ADMIN_CHANNEL_ID ? { adminChannelId: e.ADMIN_CHANNEL_ID } : {}),
    managerUserIds: e.MANAGER_USER_IDS,
    teamsAppId: e.TEAMS_APP_ID || undefined,
    tabSso: tabSsoOf(e),
  };
}

/** The tab SSO settings, all three or none (then the tab API fails closed: 401 for every request). */
function tabSsoOf(e: Env): Config['tabSso'] {
  const tenantId = e.TAB_SSO_TENANT_ID || e.MicrosoftAppTenantId;
  if (!e.TAB_SSO_CLIENT_ID || !e.TAB_SSO_AUDIENCE || !tenantId) return null;
  return { clientId: e.TAB_SSO_CLIENT_ID, audience: e.TAB_SSO_AUDIENCE, tenantId };
}

// Intl formats any three letters as a currency (GPB, a typo of GBP, as "GPB 1,234.57" with two
// decimals); its names are ISO 4217's, funds and units of account (CLF) included.
const currencyNames = new Intl.DisplayNames('en', { type: 'currency', fallback: 'none' });

function isKnownCurrency(code: string): boolean {
  return currencyNames.of(code) !== undefined;
}

// The scripts written right to left (Unicode's bidi class R or AL), as a locale's likely script names them.
const RIGHT_TO_LEFT_SCRIPTS = new Set([
  'Adlm',
  'Arab',
  'Hebr',
  'Mand',
  'Nkoo',
  'Rohg',
  'Samr',
  'Syrc',
  'Thaa',
]);

/** True unless `tag`'s script (stated, or the likely one: ar-KW is Arab) is written right to left. */
function writesLeftToRight(tag: string): boolean {
  return !RIGHT_TO_LEFT_SCRIPTS.has(new Intl.Locale(tag).maximize().script ?? '');
}

function isKnownLocale(tag: string): boolean {
  try {
    return Intl.NumberFormat.supportedLocalesOf([tag]).length > 0;
  } catch (err) {
    if (err instanceof RangeError) return false;
    throw err;
  }
}
