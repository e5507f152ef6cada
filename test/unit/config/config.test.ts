import { describe, expect, it } from 'vitest';
import { loadConfig, loadDisplayConfig, weeklySendText } from '../../../functions/config';
import { dailyRunDue } from '../../../jobs/schedule';

const local = { STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };

describe('loadConfig', () => {
  it('fills the defaults: Monday 08:03 (ISO weekday 1), summary 09:00, UTC, local bot', () => {
    const c = loadConfig(local);
    expect(c.weeklySendAt).toEqual({ weekday: 1, hour: 8, minute: 3 });
    expect(c.monthlySendAt).toEqual({ hour: 9, minute: 0 });
    expect(c.timeZone).toBe('UTC');
    expect(c.bot.appId).toBe('');
    expect(c.storage.tablePrefix).toBe('churn');
  });

  it('reads Sunday as ISO weekday 7 and admins as a list', () => {
    const c = loadConfig({ ...local, WEEKLY_SEND_AT: 'Sunday 18:33', ADMIN_USER_IDS: ' a , b,,' });
    expect(c.weeklySendAt).toEqual({ weekday: 7, hour: 18, minute: 33 });
    expect(c.adminUserIds).toEqual(['a', 'b']);
  });

  it('says when the weekly list comes in the words WEEKLY_SEND_AT was set in', () => {
    const c = loadConfig({ ...local, WEEKLY_SEND_AT: 'Sunday 18:33', TIME_ZONE: 'Europe/London' });
    expect(weeklySendText(c)).toBe('Sundays at 18:33 (Europe/London)');
    expect(weeklySendText(loadConfig(local))).toBe('Mondays at 08:03 (UTC)');
  });

  it("refuses a send time between the timers' ticks, naming the minutes it may have", () => {
    // The weekly timer ticks at minutes 3, 18, 33 and 48: 08:10 would go out at 08:18.
    expect(() => loadConfig({ ...local, WEEKLY_SEND_AT: 'Monday 08:10' })).toThrow(
      'WEEKLY_SEND_AT: the minutes must be 03, 18, 33 or 48: the timer sends the weekly cards only then (e.g. "Monday 08:03")',
    );
    expect(loadConfig({ ...local, WEEKLY_SEND_AT: 'Monday 08:48' }).weeklySendAt.minute).toBe(48);
    // The monthly timer ticks at minutes 0, 15, 30 and 45.
    expect(() => loadConfig({ ...local, MONTHLY_SEND_AT: '09:03' })).toThrow(
      'MONTHLY_SEND_AT: the minutes must be 00, 15, 30 or 45: the timer sends the summary only then (e.g. "09:00")',
    );
    expect(loadConfig({ ...local, MONTHLY_SEND_AT: '09:45' }).monthlySendAt.minute).toBe(45);
  });

  it('lists every bad setting in one error', () => {
    expect(() => loadConfig({ ...local, WEEKLY_SEND_AT: 'Monday 8am', MicrosoftAppType: 'Nope' })).toThrow(
      /WEEKLY_SEND_AT[\s\S]*MicrosoftAppType|MicrosoftAppType[\s\S]*WEEKLY_SEND_AT/,
    );
  });

  it('needs exactly one way to reach storage', () => {
    expect(() => loadConfig({})).toThrow(/STORAGE_CONNECTION_STRING/);
    expect(() =>
      loadConfig({ ...local, STORAGE_TABLE_ENDPOINT: 'https://acct.table.core.windows.net' }),
    ).toThrow(/exactly one/);
    expect(loadConfig(azure).storage.tableEndpoint).toBe('https://acct.table.core.windows.net');
  });

  it('reads the team’s holiday calendar, in any case; none when unset or empty', () => {
    expect(loadConfig({ ...local, HOLIDAYS: 'gb-eng' }).daysOff.holidays).toBe('GB-ENG');
    expect(loadConfig({ ...local, HOLIDAYS: 'US' }).daysOff.holidays).toBe('US');
    expect(loadConfig(local).daysOff.holidays).toBeNull();
    expect(loadConfig({ ...local, HOLIDAYS: '' }).daysOff.holidays).toBeNull();
  });

  it('stops on a holiday calendar it does not know, naming the setting and valid ones', () => {
    expect(() => loadConfig({ ...local, HOLIDAYS: 'XX' })).toThrow(
      'HOLIDAYS: no holiday calendar for the country "XX": an ISO 3166 country code, e.g. GB-ENG, US, DE-BY, FR',
    );
    // The library would take an unknown region silently, with the country's days alone.
    expect(() => loadConfig({ ...local, HOLIDAYS: 'GB-XYZ' })).toThrow(
      'HOLIDAYS: GB has no region "XYZ" in the holiday calendar: its regions are ALD, ENG, NIR, SCT, WLS (e.g. HOLIDAYS=GB-ALD), or set HOLIDAYS=GB for the days the whole country shares',
    );
    // The code people in the United Kingdom (and the EU for Greece) use is not ISO 3166's.
    expect(() => loadConfig({ ...local, HOLIDAYS: 'UK' })).toThrow(
      'HOLIDAYS: "UK" is not an ISO 3166 country code: that country\'s is GB, e.g. HOLIDAYS=GB-ENG',
    );
    expect(() => loadConfig({ ...local, HOLIDAYS: 'uk-sct' })).toThrow(
      'HOLIDAYS: "UK" is not an ISO 3166 country code: that country\'s is GB, e.g. HOLIDAYS=GB-SCT',
    );
    expect(() => loadConfig({ ...local, HOLIDAYS: 'England' })).toThrow(
      'HOLIDAYS: "England" is not a country code with an optional region, e.g. GB-ENG, US, DE-BY, FR',
    );
  });

  it('says the weekly list moves off a public holiday when there is a calendar', () => {
    const c = loadConfig({ ...local, TIME_ZONE: 'Europe/London', HOLIDAYS: 'GB-ENG' });
    expect(weeklySendText(c)).toBe(
      'Mondays at 08:03 (Europe/London), or the next working day when that is a public holiday (GB-ENG); none in a week with no working day',
    );
    // A card does not cross into the next week: on Good Friday a Friday team's comes on Thursday.
    const friday = loadConfig({
      ...local,
      TIME_ZONE: 'Europe/London',
      HOLIDAYS: 'GB-ENG',
      WEEKLY_SEND_AT: 'Friday 08:03',
    });
    expect(weeklySendText(friday)).toBe(
      "Fridays at 08:03 (Europe/London), or when that is a public holiday (GB-ENG) the next working day of that week, else the one before; in a week with no working day on that day all the same, for the team's return, unless the next card comes first",
    );
  });

  it('reads the public holidays the team works by their names, in any case or spacing', () => {
    const c = loadConfig({ ...local, HOLIDAYS: 'US', HOLIDAYS_WORKED: ' columbus  day ,VETERANS DAY' });
    expect(c.daysOff).toEqual({
      holidays: 'US',
      holidaysWorked: ['columbus  day', 'VETERANS DAY'],
      closedDays: [],
    });
  });

  it('reads a worked holiday whose name has a comma in it as that one holiday, and works it', () => {
    // Idaho's third Monday of January, 18 January 2027, is "Martin Luther King, Jr./ Idaho Human Rights Day".
    const c = loadConfig({
      ...local,
      TIME_ZONE: 'America/Boise',
      HOLIDAYS: 'US-ID',
      HOLIDAYS_WORKED: 'Martin Luther King, Jr./ Idaho Human Rights Day, Columbus Day',
    });
    expect(c.daysOff.holidaysWorked).toEqual([
      'Martin Luther King, Jr./ Idaho Human Rights Day',
      'Columbus Day',
    ]);
    const schedule = { timeZone: c.timeZone, hour: 9, minute: 3, workingDays: [1, 2, 3, 4, 5], ...c.daysOff };
    expect(dailyRunDue(new Date('2027-01-18T16:03:00Z'), schedule)).toMatchObject({ due: true });
  });

  it('reads a worked name with its accents however they were typed (composed or as a letter and a mark)', () => {
    // Slovenia's 8 February, "Prešeren Day, the Slovenian Cultural Holiday", its š typed as s and a combining caron.
    const typed = 'Pres\u030Ceren Day, the Slovenian Cultural Holiday';
    const c = loadConfig({ ...local, TIME_ZONE: 'Europe/Ljubljana', HOLIDAYS: 'SI', HOLIDAYS_WORKED: typed });
    const schedule = { timeZone: c.timeZone, hour: 9, minute: 3, workingDays: [1, 2, 3, 4, 5], ...c.daysOff };
    // Monday 8 February 2027, 09:03 in Ljubljana: worked, so the digest goes out.
    expect(dailyRunDue(new Date('2027-02-08T08:03:00Z'), schedule)).toMatchObject({ due: true });
  });

  it('stops on a worked holiday the calendar has not, listing its public holidays, or with no calendar', () => {
    expect(() => loadConfig({ ...local, HOLIDAYS: 'US', HOLIDAYS_WORKED: 'Columbus Day, Columbus' })).toThrow(
      `Invalid configuration:\n  HOLIDAYS_WORKED: "Columbus" is no public holiday of US: its public holidays are New Year's Day, Martin Luther King Jr. Day, Washington's Birthday, Memorial Day, Juneteenth, Independence Day, Labour Day, Columbus Day, Veterans Day, Thanksgiving Day, Christmas Day`,
    );
    // The day after Thanksgiving is an observance in the table: worked already, and said so.
    expect(() =>
      loadConfig({ ...local, HOLIDAYS: 'US', HOLIDAYS_WORKED: 'Day after Thanksgiving Day' }),
    ).toThrow(
      'HOLIDAYS_WORKED: "Day after Thanksgiving Day" is no public holiday of US but an observance there, a working day already: leave it out',
    );
    expect(() => loadConfig({ ...local, HOLIDAYS: 'US', HOLIDAYS_WORKED: 'christmas eve' })).toThrow(
      'HOLIDAYS_WORKED: "christmas eve" is no public holiday of US but an optional day off there, a working day already: leave it out',
    );
    // A calendar that is no calendar is told once, for HOLIDAYS, not again for each worked name.
    expect(() => loadConfig({ ...local, HOLIDAYS: 'XX', HOLIDAYS_WORKED: 'Columbus Day' })).toThrow(
      /^Invalid configuration:\n {2}HOLIDAYS: no holiday calendar for the country "XX": [^\n]+$/,
    );
    expect(() => loadConfig({ ...local, HOLIDAYS_WORKED: 'Columbus Day' })).toThrow(
      'HOLIDAYS_WORKED: names public holidays of HOLIDAYS, which is not set: set HOLIDAYS (e.g. US) too, or leave this empty',
    );
  });

  it('reads the team’s closed days, single days and ranges, with or without a holiday calendar', () => {
    const c = loadConfig({ ...local, CLOSED_DAYS: '2026-12-24..2026-12-31, 2027-03-15' });
    expect(c.daysOff).toEqual({
      holidays: null,
      holidaysWorked: [],
      closedDays: [
        { from: '2026-12-24', to: '2026-12-31' },
        { from: '2027-03-15', to: '2027-03-15' },
      ],
    });
    expect(loadConfig({ ...local, CLOSED_DAYS: '' }).daysOff.closedDays).toEqual([]);
  });

  it('stops on a closed day that is no date and on a range that runs backwards, naming each', () => {
    expect(() =>
      loadConfig({ ...local, CLOSED_DAYS: '2026-12-31..2026-12-24, 2027-02-30, 15/03/2027' }),
    ).toThrow(
      [
        'Invalid configuration:',
        '  CLOSED_DAYS: "2026-12-31..2026-12-24" runs backwards: the first day comes first (2026-12-24..2026-12-31)',
        '  CLOSED_DAYS: "2027-02-30" is not a day (YYYY-MM-DD) nor a range of days (YYYY-MM-DD..YYYY-MM-DD), e.g. CLOSED_DAYS=2026-12-24..2026-12-31,2027-03-15',
        '  CLOSED_DAYS: "15/03/2027" is not a day (YYYY-MM-DD) nor a range of days (YYYY-MM-DD..YYYY-MM-DD), e.g. CLOSED_DAYS=2026-12-24..2026-12-31,2027-03-15',
      ].join('\n'),
    );
  });

  it('says the weekly list moves off a closed day too', () => {
    const c = loadConfig({ ...local, HOLIDAYS: 'US', CLOSED_DAYS: '2026-12-24..2026-12-31' });
    expect(weeklySendText(c)).toBe(
      'Mondays at 08:03 (UTC), or the next working day when that is a public holiday (US) or a closed day; none in a week with no working day',
    );
    expect(weeklySendText(loadConfig({ ...local, CLOSED_DAYS: '2027-03-15' }))).toBe(
      'Mondays at 08:03 (UTC), or the next working day when that is a closed day; none in a week with no working day',
    );
  });

  it('rejects an unknown time zone by name', () => {
    expect(() => loadConfig({ ...local, TIME_ZONE: 'Mars/Olympus' })).toThrow(
      /TIME_ZONE: unknown IANA zone "Mars\/Olympus"/,
    );
  });

  it('takes the rules file as a local path or as a blob in the feed container, not both', () => {
    expect(loadConfig({ ...local, FEED_CONTAINER: 'feed', RULES_BLOB: 'rules.json' }).rulesBlob).toBe(
      'rules.json',
    );
    expect(() =>
      loadConfig({ ...local, FEED_CONTAINER: 'feed', RULES_BLOB: 'rules.json', RULES_FILE: 'rules.json' }),
    ).toThrow(/RULES_BLOB: Set at most one of RULES_FILE/);
    expect(() => loadConfig({ ...local, RULES_BLOB: 'rules.json' })).toThrow(
      /RULES_BLOB: RULES_BLOB names a blob in the feed container: set FEED_CONTAINER too/,
    );
  });
});

const APP_ID = '6f0d7b5e-2c1a-4f8e-9b3d-1a2b3c4d5e6f';
const TENANT = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const azure = {
  STORAGE_TABLE_ENDPOINT: 'https://acct.table.core.windows.net',
  STORAGE_BLOB_ENDPOINT: 'https://acct.blob.core.windows.net',
  FEED_CONTAINER: 'feed',
  AZURE_CLIENT_ID: APP_ID,
  MicrosoftAppId: APP_ID,
  MicrosoftAppType: 'UserAssignedMsi',
  MicrosoftAppTenantId: TENANT,
};

describe('loadConfig refuses settings that would open the bot or the storage', () => {
  it('accepts the Azure shape (managed identity bot and storage) and the local one (Azurite, no identity)', () => {
    expect(loadConfig(azure).bot).toEqual({
      appId: APP_ID,
      appPassword: '',
      appType: 'UserAssignedMsi',
      tenantId: TENANT,
    });
    expect(loadConfig(local).bot.appId).toBe('');
    const azurite =
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;';
    expect(loadConfig({ STORAGE_CONNECTION_STRING: azurite }).bot.appId).toBe('');
  });

  it('accepts an app registration in Azure with its tenant and secret, and one on this machine without them', () => {
    const registration = { ...azure, MicrosoftAppType: 'SingleTenant', MicrosoftAppPassword: 'secret' };
    expect(loadConfig(registration).bot).toMatchObject({ appType: 'SingleTenant', tenantId: TENANT });
    // Local development against a real tenant (npm run host, Azurite on loopback) is left to its user.
    expect(loadConfig({ ...local, MicrosoftAppId: APP_ID }).bot).toMatchObject({
      appId: APP_ID,
      tenantId: '',
    });
  });

  it.each([
    [
      'a table endpoint in Azure with no bot identity',
      { STORAGE_TABLE_ENDPOINT: 'https://acct.table.core.windows.net' },
      /MicrosoftAppId: is required: storage is STORAGE_TABLE_ENDPOINT/,
    ],
    [
      'Azurite, but running in Azure, with no bot identity',
      { ...local, WEBSITE_INSTANCE_ID: 'abc123' },
      /MicrosoftAppId: is required: running in Azure/,
    ],
    [
      // Flex Consumption sets WEBSITE_SKU but not WEBSITE_INSTANCE_ID (the Functions host tells the two apart so).
      'Azurite, but running on Flex Consumption, with no bot identity',
      { ...local, WEBSITE_SKU: 'FlexConsumption' },
      /MicrosoftAppId: is required: running in Azure \(WEBSITE_SKU is FlexConsumption\)/,
    ],
    [
      'an account connection string with no bot identity',
      { STORAGE_CONNECTION_STRING: 'AccountName=acct;AccountKey=a2V5' },
      /MicrosoftAppId: is required: storage is acct\.table\.core\.windows\.net/,
    ],
    [
      'an http:// table endpoint',
      { ...azure, STORAGE_TABLE_ENDPOINT: 'http://acct.table.core.windows.net' },
      /STORAGE_TABLE_ENDPOINT: must be https:\/\//,
    ],
    [
      'an http:// blob endpoint',
      { ...azure, STORAGE_BLOB_ENDPOINT: 'http://acct.blob.core.windows.net' },
      /STORAGE_BLOB_ENDPOINT: must be https:\/\//,
    ],
    [
      'an app id that is not a GUID',
      { ...azure, MicrosoftAppId: 'my-bot' },
      /MicrosoftAppId: must be a GUID/,
    ],
    [
      'UserAssignedMsi without an app id',
      { ...azure, MicrosoftAppId: '' },
      /MicrosoftAppId: is required with MicrosoftAppType UserAssignedMsi/,
    ],
    [
      'SingleTenant without a tenant',
      { ...azure, MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: '' },
      /MicrosoftAppTenantId: is required with MicrosoftAppType SingleTenant/,
    ],
    [
      'an app id in Azure with no tenant (MultiTenant, the default type)',
      {
        STORAGE_TABLE_ENDPOINT: 'https://acct.table.core.windows.net',
        WEBSITE_INSTANCE_ID: 'abc123',
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: 'secret',
      },
      /MicrosoftAppTenantId: is required: running in Azure/,
    ],
    [
      'an app id with no tenant on account storage off this machine',
      {
        STORAGE_CONNECTION_STRING: 'AccountName=acct;AccountKey=a2V5',
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: 'secret',
        MicrosoftAppType: 'MultiTenant',
      },
      /MicrosoftAppTenantId: is required: storage is acct\.table\.core\.windows\.net/,
    ],
    [
      'an app registration in Azure with no secret',
      { ...azure, MicrosoftAppType: 'SingleTenant' },
      /MicrosoftAppPassword: is required with MicrosoftAppType SingleTenant: storage is STORAGE_TABLE_ENDPOINT/,
    ],
    [
      'a multi-tenant app id in Azure with no secret',
      { ...azure, MicrosoftAppType: 'MultiTenant' },
      /MicrosoftAppPassword: is required with MicrosoftAppType MultiTenant/,
    ],
    [
      'STORAGE_CONNECTION_STRING=garbage',
      { ...azure, STORAGE_TABLE_ENDPOINT: undefined, STORAGE_CONNECTION_STRING: 'garbage' },
      /STORAGE_CONNECTION_STRING: not a storage connection string/,
    ],
  ])('refuses %s, naming the setting', (_label, env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});

// The app settings infra/modules/functionApp.bicep writes (test/unit/infra checks the names), with
// what Flex Consumption adds on every instance (WEBSITE_SKU; unlike App Service plans it sets no
// WEBSITE_INSTANCE_ID): each identity or feed setting left out must stop the app at start-up,
// naming it, rather than fail at the first table or feed read.
describe('loadConfig in Azure, as infra/ configures it', () => {
  const inAzure: Record<string, string | undefined> = {
    STORAGE_TABLE_ENDPOINT: 'https://churnstabc.table.core.windows.net/',
    STORAGE_BLOB_ENDPOINT: 'https://churnstabc.blob.core.windows.net/',
    FEED_CONTAINER: 'feed',
    TABLE_PREFIX: 'churn',
    TIME_ZONE: 'America/Chicago',
    WEEKLY_SEND_AT: 'Monday 08:03',
    MONTHLY_SEND_AT: '09:00',
    ADMIN_USER_IDS: '',
    CURRENCY: 'USD',
    LOCALE: 'en-US',
    MANAGER_USER_IDS: '',
    TEAMS_APP_ID: '',
    TAB_SSO_CLIENT_ID: '',
    TAB_SSO_AUDIENCE: '',
    TAB_SSO_TENANT_ID: TENANT,
    MicrosoftAppId: APP_ID,
    MicrosoftAppType: 'UserAssignedMsi',
    MicrosoftAppTenantId: TENANT,
    AZURE_CLIENT_ID: APP_ID,
    WEBSITE_SKU: 'FlexConsumption',
  };

  it('accepts them', () => {
    const c = loadConfig(inAzure);
    expect(c.bot).toEqual({ appId: APP_ID, appPassword: '', appType: 'UserAssignedMsi', tenantId: TENANT });
    expect(c.feed).toEqual({ container: 'feed' });
  });

  it.each([
    ['MicrosoftAppId', /MicrosoftAppId: is required with MicrosoftAppType UserAssignedMsi/],
    ['MicrosoftAppTenantId', /MicrosoftAppTenantId: is required with MicrosoftAppType UserAssignedMsi/],
    ['MicrosoftAppType', /MicrosoftAppPassword: is required with MicrosoftAppType MultiTenant/],
    ['STORAGE_TABLE_ENDPOINT', /STORAGE_CONNECTION_STRING: Set exactly one/],
    [
      'AZURE_CLIENT_ID',
      /AZURE_CLIENT_ID: is required: running in Azure \(WEBSITE_SKU is FlexConsumption\), and storage/,
    ],
    [
      'STORAGE_BLOB_ENDPOINT',
      /STORAGE_BLOB_ENDPOINT: is required with FEED_CONTAINER and STORAGE_TABLE_ENDPOINT/,
    ],
    ['FEED_CONTAINER', /FEED_CONTAINER: is required: running in Azure/],
  ])('refuses to start without %s, naming what is missing', (name, message) => {
    expect(() => loadConfig({ ...inAzure, [name]: undefined })).toThrow(message);
  });

  it('refuses an AZURE_CLIENT_ID that is not a client id', () => {
    expect(() => loadConfig({ ...inAzure, AZURE_CLIENT_ID: 'churn-id' })).toThrow(
      "AZURE_CLIENT_ID: must be a GUID (the managed identity's client id)",
    );
  });

  it('knows the app is in Azure by its managed-identity bot when the platform names no plan', () => {
    expect(() => loadConfig({ ...inAzure, WEBSITE_SKU: undefined, FEED_CONTAINER: undefined })).toThrow(
      'FEED_CONTAINER: is required: the bot is a managed identity (MicrosoftAppType UserAssignedMsi), which runs in Azure only, and without a feed every weekly run fails',
    );
  });

  it('leaves the feed and the client id to the CLI reading Azure storage from a laptop as an app registration', () => {
    const laptop = {
      STORAGE_TABLE_ENDPOINT: 'https://acct.table.core.windows.net',
      MicrosoftAppId: APP_ID,
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppPassword: 'secret',
      MicrosoftAppTenantId: TENANT,
    };
    expect(loadConfig(laptop).feed).toEqual({});
    // The same registration on Flex Consumption is the deployed app: it reaches storage as the identity.
    expect(() => loadConfig({ ...laptop, WEBSITE_SKU: 'FlexConsumption' })).toThrow(
      /AZURE_CLIENT_ID: is required: running in Azure \(WEBSITE_SKU is FlexConsumption\)[\s\S]*FEED_CONTAINER: is required/,
    );
  });
});

// Teams and the tab's token name the tenant by its id in lower case: the bot compares it as text, so
// a domain name or an id in capitals started fine and then refused every user as another organisation's.
describe('loadConfig takes the tenant by its id', () => {
  it.each(['MicrosoftAppTenantId', 'TAB_SSO_TENANT_ID'])(
    'refuses a domain name in %s off this machine, naming it',
    (name) => {
      expect(() => loadConfig({ ...azure, [name]: 'contoso.onmicrosoft.com' })).toThrow(
        `${name}: must be the tenant's id, a GUID (az account show --query tenantId -o tsv), not "contoso.onmicrosoft.com"`,
      );
    },
  );

  it('refuses a domain name on this machine too when a bot identity is set: Teams reaches the local host through a tunnel', () => {
    const tunnelled = { ...local, MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'secret' };
    expect(() => loadConfig({ ...tunnelled, MicrosoftAppTenantId: 'contoso.onmicrosoft.com' })).toThrow(
      `MicrosoftAppTenantId: must be the tenant's id, a GUID (az account show --query tenantId -o tsv), not "contoso.onmicrosoft.com"`,
    );
    expect(loadConfig({ ...tunnelled, MicrosoftAppTenantId: TENANT }).bot.tenantId).toBe(TENANT);
    // Without a bot identity nothing outside reaches it: no tenant is compared.
    expect(() =>
      loadConfig({ STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', MicrosoftAppTenantId: 'x' }),
    ).not.toThrow();
  });

  it('takes an id in capitals as Teams and Entra ID write it', () => {
    const sso = { TAB_SSO_CLIENT_ID: APP_ID, TAB_SSO_AUDIENCE: `api://h.example/${APP_ID}` };
    const config = loadConfig({ ...azure, ...sso, MicrosoftAppTenantId: TENANT.toUpperCase() });
    expect(config.bot.tenantId).toBe(TENANT);
    expect(config.tabSso?.tenantId).toBe(TENANT);
    expect(loadConfig({ ...azure, ...sso, TAB_SSO_TENANT_ID: TENANT.toUpperCase() }).tabSso?.tenantId).toBe(
      TENANT,
    );
  });
});

// Teams gives the bot each user's Entra object id; a sign-in name in these lists matches nobody, so
// the admins or managers it was meant for silently had no rights and got no notice.
describe('loadConfig checks the admins and managers are Entra object ids off this machine', () => {
  const ANA = '9d7c1f0e-3b2a-4c5d-8e6f-7a8b9c0d1e2f';

  it.each([
    ['ADMIN_USER_IDS', 'adminUserIds'],
    ['MANAGER_USER_IDS', 'managerUserIds'],
  ] as const)(
    'refuses a sign-in name in %s in Azure, naming it; takes an id in capitals as Teams sends it',
    (name, key) => {
      expect(() => loadConfig({ ...azure, [name]: `${ANA}, ana@contoso.com` })).toThrow(
        `${name}: "ana@contoso.com" is not an Entra object id (a GUID: az ad user show --id <sign-in name> --query id -o tsv)`,
      );
      // Teams and the tab's token carry the id in lower case, and the lists are compared as text.
      expect(loadConfig({ ...azure, [name]: ` ${ANA.toUpperCase()} ` })[key]).toEqual([ANA]);
    },
  );

  it('leaves the lists free on this machine (the Playground and the tests name users as they like)', () => {
    expect(
      loadConfig({ ...local, ADMIN_USER_IDS: 'aad-admin', MANAGER_USER_IDS: 'aad-boss' }).adminUserIds,
    ).toEqual(['aad-admin']);
  });
});

describe('loadDisplayConfig', () => {
  it('reads an empty CURRENCY, LOCALE or TIME_ZONE as unset (an `.env` line with no value)', () => {
    expect(loadDisplayConfig({ CURRENCY: '', LOCALE: '', TIME_ZONE: '' })).toEqual({
      timeZone: 'UTC',
      card: { currency: 'USD', locale: 'en-US' },
      currencyConfigured: false,
    });
    expect(loadDisplayConfig({ CURRENCY: 'GBP' }).currencyConfigured).toBe(true);
  });

  it('still refuses a value that is set and wrong', () => {
    expect(() => loadDisplayConfig({ CURRENCY: 'gbp' })).toThrow('CURRENCY: an ISO 4217 code in capitals');
  });

  it('refuses three capitals that are no ISO 4217 code (GBP typed GPB), and takes one with four decimals', () => {
    // Intl formats any three letters as a currency of two decimals ("GPB 1,234.57"): every card would.
    for (const currency of ['GPB', 'EUE', 'ABC'])
      expect(() => loadDisplayConfig({ CURRENCY: currency }), currency).toThrow(
        'CURRENCY: not an ISO 4217 currency code',
      );
    for (const currency of ['KWD', 'CLF', 'UYW', 'XCG'])
      expect(loadDisplayConfig({ CURRENCY: currency }).card.currency).toBe(currency);
  });

  it('refuses a locale this runtime has no numbers or dates for, without calling a real tag (dv-MV, Maldivian) no BCP 47 locale', () => {
    expect(() => loadDisplayConfig({ LOCALE: 'dv-MV' })).toThrow(
      'LOCALE: not a locale this runtime has numbers and dates for (a BCP 47 tag, e.g. en-GB)',
    );
    expect(() => loadDisplayConfig({ LOCALE: 'en_GB' })).toThrow('LOCALE: not a locale this runtime has');
  });

  it("refuses a locale written right to left (a Kuwaiti team's ar-KW), naming a left-to-right one to use instead", () => {
    // The words are English: "as of <an Arabic date> · 62 customers" is reordered on screen into
    // "as of 62 · <the date> customers", and a dinar amount loses its place in the sentence.
    for (const locale of ['ar-KW', 'ar-KW-u-nu-latn', 'he-IL', 'fa-IR'])
      expect(() => loadDisplayConfig({ LOCALE: locale, CURRENCY: 'KWD' }), locale).toThrow(
        'LOCALE: written right to left, which the cards, the summary and the tabs do not lay out',
      );
    expect(loadDisplayConfig({ LOCALE: 'en-GB', CURRENCY: 'KWD' }).card).toEqual({
      currency: 'KWD',
      locale: 'en-GB',
    });
    expect(loadDisplayConfig({ LOCALE: 'ja-JP', CURRENCY: 'JPY' }).card).toEqual({
      currency: 'JPY',
      locale: 'ja-JP',
    });
  });
});
