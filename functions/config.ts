import { z } from 'zod';
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

const envSchema = z
  .object({
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
    /** IANA zone of the team, e.g. America/Chicago; the weekly send time is local to it. */
    TIME_ZONE: z.string().default('UTC'),
    /** Weekly send, `<Weekday> HH:MM` in TIME_ZONE. */
    WEEKLY_SEND_AT: z
      .string()
      .regex(/^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) ([01]\d|2[0-3]):[0-5]\d$/)
      .default('Monday 08:03'),
    /** Monthly summary, `HH:MM` on the 1st in TIME_ZONE. */
    MONTHLY_SEND_AT: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
      .default('09:00'),
    /** Bot identity (empty app id = local, unauthenticated; never in Azure). */
    MicrosoftAppId: z.string().default(''),
    MicrosoftAppPassword: z.string().default(''),
    MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMsi']).default('MultiTenant'),
    MicrosoftAppTenantId: z.string().default(''),
    /** Teams user ids (AAD object ids) who may act on any customer and undo anyone's action. */
    ADMIN_USER_IDS: csv,
    /** ISO 4217 code of the feed's amounts, used on the cards and the summary (e.g. GBP). */
    CURRENCY: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code in capitals, e.g. GBP')
      .refine(isKnownCurrency, 'not a currency this runtime knows')
      .default('USD'),
    /** BCP 47 locale for numbers and dates on the cards (e.g. en-GB). */
    LOCALE: z.string().refine(isKnownLocale, 'not a BCP 47 locale, e.g. en-GB').default('en-US'),
    /** Teams user ids (AAD object ids) who see every rep's customers in the tabs (admins do too). */
    MANAGER_USER_IDS: csv,
    /** Tab SSO: the Entra ID app registration's client id and Application ID URI (`api://<host>/<client id>`). */
    TAB_SSO_CLIENT_ID: z.string().optional(),
    TAB_SSO_AUDIENCE: z
      .string()
      .refine((s) => s === '' || s.startsWith('api://'), "must be the app registration's api:// URI")
      .optional(),
    /** The Teams app's id (the manifest's `id`): the weekly card links names to the tab with it. */
    TEAMS_APP_ID: z.string().optional(),
    /** Tab SSO: the tenant whose tokens are accepted; default MicrosoftAppTenantId. */
    TAB_SSO_TENANT_ID: z.string().optional(),
  })
  .refine((e) => !(e.RULES_FILE && e.RULES_BLOB), {
    message: 'Set at most one of RULES_FILE (a local path) or RULES_BLOB (a blob in FEED_CONTAINER)',
    path: ['RULES_BLOB'],
  })
  .refine((e) => !e.RULES_BLOB || Boolean(e.FEED_CONTAINER), {
    message: 'RULES_BLOB names a blob in the feed container: set FEED_CONTAINER too',
    path: ['RULES_BLOB'],
  })
  .refine((e) => Boolean(e.STORAGE_CONNECTION_STRING) !== Boolean(e.STORAGE_TABLE_ENDPOINT), {
    message:
      'Set exactly one of STORAGE_CONNECTION_STRING (local/Azurite) or STORAGE_TABLE_ENDPOINT (Azure, managed identity)',
    path: ['STORAGE_CONNECTION_STRING'],
  });

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
  monthlySendAt: { hour: number; minute: number };
  bot: { appId: string; appPassword: string; appType: Env['MicrosoftAppType']; tenantId: string };
  adminUserIds: string[];
  /** Money and number formatting of the cards and the summary. */
  card: { currency: string; locale: string };
  managerUserIds: string[];
  /** The Teams app's id, for deep links to the tabs; undefined = names are not linked. */
  teamsAppId?: string;
  /** The tabs' single sign-on; null when not configured, and then the tab API refuses every request. */
  tabSso: { clientId: string; audience: string; tenantId: string } | null;
}

// ISO weekday numbers, as schedule/ takes them: Monday = 1 ... Sunday = 7.
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Parses the environment into the Config; throws one error listing every bad or missing setting. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (!isTimeZone(e.TIME_ZONE))
    throw new ConfigError(`Invalid configuration:\n  TIME_ZONE: unknown IANA zone "${e.TIME_ZONE}"`);
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
    monthlySendAt: { hour: mh, minute: mm },
    bot: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appType: e.MicrosoftAppType,
      tenantId: e.MicrosoftAppTenantId,
    },
    adminUserIds: e.ADMIN_USER_IDS,
    card: { currency: e.CURRENCY, locale: e.LOCALE },
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

function isKnownCurrency(code: string): boolean {
  try {
    new Intl.NumberFormat('en-US', { style: 'currency', currency: code });
    return true;
  } catch (err) {
    if (err instanceof RangeError) return false;
    throw err;
  }
}

function isKnownLocale(tag: string): boolean {
  try {
    return Intl.NumberFormat.supportedLocalesOf([tag]).length > 0;
  } catch (err) {
    if (err instanceof RangeError) return false;
    throw err;
  }
}
