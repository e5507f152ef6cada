import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../functions/config';
import {
  appSettingNames,
  type BicepFile,
  declarationBody,
  fileDeclaring,
  INFRA_DIR,
  moduleDeclarations,
  propertyValue,
  readBicepFiles,
  resourceDeclarations,
} from './bicepText';
import {
  appSettingProblems,
  BUILT_IN_ROLES,
  missingGrants,
  storageSecurityProblems,
  unpinnedResources,
} from './infraChecks';

const files = readBicepFiles();
const byName = (name: string): BicepFile => {
  const f = files.find((x) => x.file === name);
  if (!f) throw new Error(`${name} missing`);
  return f;
};
const main = byName('main.bicep');
const functionApp = fileDeclaring(files, 'Microsoft.Web/sites');
const storage = fileDeclaring(files, 'Microsoft.Storage/storageAccounts');
const roleFile = fileDeclaring(files, 'Microsoft.Authorization/roleAssignments');
const botFile = fileDeclaring(files, 'Microsoft.BotService/botServices');

/** The environment keys config/config.ts reads: recorded by handing loadConfig an env that logs every lookup. */
function keysTheConfigReads(): string[] {
  const read = new Set<string>();
  const env = new Proxy({} as Record<string, string | undefined>, {
    get(_t, key) {
      if (typeof key === 'string') read.add(key);
      return undefined;
    },
  });
  // An empty env is invalid (no storage setting): loadConfig throws after reading every key.
  expect(() => loadConfig(env)).toThrow(/Invalid configuration/);
  return [...read].sort();
}

// Kept in sync with config/config.ts by the first test; the lead may export the schema's keys instead.
const CONFIG_KEYS = [
  'ADMIN_CHANNEL_ID',
  'ADMIN_USER_IDS',
  'FEED_CONTAINER',
  'FEED_DIR',
  'MANAGER_USER_IDS',
  'MONTHLY_SEND_AT',
  'MicrosoftAppId',
  'MicrosoftAppPassword',
  'MicrosoftAppTenantId',
  'MicrosoftAppType',
  'RULES_FILE',
  'STORAGE_BLOB_ENDPOINT',
  'STORAGE_CONNECTION_STRING',
  'STORAGE_TABLE_ENDPOINT',
  'TABLE_PREFIX',
  'TAB_SSO_AUDIENCE',
  'TAB_SSO_CLIENT_ID',
  'TAB_SSO_TENANT_ID',
  'TEAMS_APP_ID',
  'TIME_ZONE',
  'WEBSITE_INSTANCE_ID',
  'WEEKLY_SEND_AT',
];

// Read by the code but must NOT be set in Azure: a connection string would need shared keys (off) and config.ts
// rejects it together with STORAGE_TABLE_ENDPOINT; FEED_DIR is a local folder; a UserAssignedMsi bot has no password;
// WEBSITE_INSTANCE_ID is set by the platform itself on every instance (config.ts reads it to know it runs in Azure).
const LOCAL_ONLY = ['STORAGE_CONNECTION_STRING', 'FEED_DIR', 'MicrosoftAppPassword', 'WEBSITE_INSTANCE_ID'];

// Optional settings the code reads that infra/ does not set yet (the deploy engineer adds them as
// parameters with an empty default, then removes them from here).
const AWAITING_INFRA = ['ADMIN_CHANNEL_ID'];
const INFRA_KEYS = CONFIG_KEYS.filter((k) => !AWAITING_INFRA.includes(k));

/** The bot identity infra sets: the managed identity's client id and the tenant (any GUIDs here). */
const MSI_BOT = {
  MicrosoftAppType: 'UserAssignedMsi',
  MicrosoftAppId: '6f0d7b5e-2c1a-4f8e-9b3d-1a2b3c4d5e6f',
  MicrosoftAppTenantId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
};

describe('config keys', () => {
  it('the list here is exactly the keys config/config.ts reads', () => {
    expect(keysTheConfigReads()).toEqual([...CONFIG_KEYS].sort());
  });
});

describe('function app settings', () => {
  it('sets every setting the code reads, except the local-only ones, and none of those', () => {
    const awaitingInfra = new Set(AWAITING_INFRA);
    const keys = keysTheConfigReads().filter((k) => !awaitingInfra.has(k));
    expect(appSettingProblems(functionApp, keys, LOCAL_ONLY)).toEqual([]);
  });

  it('reports a setting the code reads when it is missing from the app settings', () => {
    const broken = { ...functionApp, text: functionApp.text.replace(/\{ name: 'TIME_ZONE'[^\n]*\n/, '') };
    expect(appSettingProblems(broken, INFRA_KEYS, LOCAL_ONLY)).toEqual([
      'TIME_ZONE is read by config/config.ts but not set in the app settings',
    ]);
  });

  it('reports a local-only setting when it is set in Azure', () => {
    const broken = {
      ...functionApp,
      text: functionApp.text.replace(
        "{ name: 'FEED_CONTAINER'",
        "{ name: 'STORAGE_CONNECTION_STRING', value: 'x' }\n  { name: 'FEED_CONTAINER'",
      ),
    };
    expect(appSettingProblems(broken, INFRA_KEYS, LOCAL_ONLY)).toEqual([
      'STORAGE_CONNECTION_STRING is local-only but set in Azure',
    ]);
  });

  it('sets the identity-based host storage, the credential client id and Entra telemetry', () => {
    const names = appSettingNames(functionApp.text);
    for (const name of [
      'AzureWebJobsStorage__accountName',
      'AzureWebJobsStorage__credential',
      'AzureWebJobsStorage__clientId',
      'AZURE_CLIENT_ID',
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
    ]) {
      expect(names, name).toContain(name);
    }
    expect(functionApp.text).toMatch(/name: 'AzureWebJobsStorage__credential', value: 'managedidentity'/);
    expect(functionApp.text).toMatch(/name: 'AZURE_CLIENT_ID', value: identityClientId/);
    expect(functionApp.text).toMatch(/name: 'MicrosoftAppId', value: identityClientId/);
  });

  it('sets no setting Flex Consumption rejects or Linux ignores, and no key-based storage', () => {
    const names = appSettingNames(functionApp.text);
    for (const banned of [
      'FUNCTIONS_WORKER_RUNTIME',
      'FUNCTIONS_EXTENSION_VERSION',
      'WEBSITE_NODE_DEFAULT_VERSION',
      'WEBSITE_RUN_FROM_PACKAGE',
      'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
      'WEBSITE_TIME_ZONE',
      'AzureWebJobsStorage',
    ]) {
      expect(names, banned).not.toContain(banned);
    }
  });

  it('uses the Bot Framework app type config.ts accepts for a managed identity', () => {
    expect(functionApp.text).toMatch(/name: 'MicrosoftAppType', value: 'UserAssignedMsi'/);
    expect(() =>
      loadConfig({ STORAGE_TABLE_ENDPOINT: 'https://x.table.core.windows.net/', ...MSI_BOT }),
    ).not.toThrow();
  });
});

describe('API versions', () => {
  it('every resource, existing ones included, pins an API version', () => {
    const all = files.flatMap(resourceDeclarations);
    expect(all.length).toBeGreaterThanOrEqual(15);
    expect(unpinnedResources(files)).toEqual([]);
  });

  it('reports a resource without a pinned version', () => {
    const broken: BicepFile = {
      file: 'x.bicep',
      text: "resource a 'Microsoft.Web/sites' = {\n}\nresource b 'Microsoft.Web/sites@latest' = {\n}\n",
    };
    expect(unpinnedResources([broken])).toEqual([
      "x.bicep: a 'Microsoft.Web/sites'",
      "x.bicep: b 'Microsoft.Web/sites@latest'",
    ]);
  });

  it('uses only local modules that exist (no registry modules to fetch at deploy time)', () => {
    for (const f of files) {
      for (const m of moduleDeclarations(f)) {
        expect(m.path, `${f.file} ${m.symbol}`).not.toMatch(/^br[:/]|^ts[:/]/);
        expect(existsSync(path.join(INFRA_DIR, path.dirname(f.file), m.path)), m.path).toBe(true);
      }
    }
  });
});

describe('storage account', () => {
  it('has shared key access off, TLS 1.2, https only, no public blobs', () => {
    expect(storageSecurityProblems(storage)).toEqual([]);
  });

  it('reports shared key access left on', () => {
    const broken = {
      ...storage,
      text: storage.text.replace('allowSharedKeyAccess: false', 'allowSharedKeyAccess: true'),
    };
    expect(storageSecurityProblems(broken)).toEqual(['allowSharedKeyAccess should be false, is true']);
  });

  it('declares the feed container and the Flex deployment container', () => {
    const containers = resourceDeclarations(storage).filter(
      (d) => d.type === 'Microsoft.Storage/storageAccounts/blobServices/containers',
    );
    expect(containers.map((c) => c.symbol).sort()).toEqual(['deploymentContainer', 'feedContainer']);
    expect(main.text).toMatch(/var feedContainerName = 'feed'/);
  });
});

describe('role assignments', () => {
  it('grants every role the identity needs, at the right scope', () => {
    expect(missingGrants(roleFile)).toEqual([]);
  });

  it('maps role names to the built-in role ids', () => {
    const body = declarationBody(roleFile, 'var', 'roles');
    for (const [name, id] of Object.entries(BUILT_IN_ROLES)) expect(body).toContain(`${name}: '${id}'`);
  });

  it('reports a missing grant', () => {
    const broken = { ...roleFile, text: roleFile.text.replace(/resource feedRead[\s\S]*?\n}\n/, '') };
    expect(missingGrants(broken)).toEqual([
      `missing ${BUILT_IN_ROLES.storageBlobDataReader} on Microsoft.Storage/storageAccounts/blobServices/containers (read the feed container)`,
    ]);
  });

  it('grants them to the user-assigned identity, before the function app starts', () => {
    expect(declarationBody(main, 'module', 'roles')).toMatch(/principalId: identity\.outputs\.principalId/);
    expect(declarationBody(main, 'module', 'functionApp')).toMatch(/dependsOn: \[roles\]/);
  });
});

describe('function app', () => {
  const site = declarationBody(functionApp, 'resource', 'functionApp');
  const plan = declarationBody(functionApp, 'resource', 'plan');

  it('runs on a Flex Consumption plan (FC1), Node 20, deployed from blob storage with the identity', () => {
    expect(plan).toMatch(/tier: 'FlexConsumption'/);
    expect(plan).toMatch(/name: 'FC1'/);
    expect(site).toMatch(/runtime: \{\s*name: 'node'\s*version: '20'\s*\}/);
    expect(site).toMatch(/type: 'blobContainer'/);
    expect(site).toMatch(/type: 'UserAssignedIdentity'\s*userAssignedIdentityResourceId: identityId/);
    expect(site).toMatch(/maximumInstanceCount: maximumInstanceCount/);
    expect(site).toMatch(/instanceMemoryMB: instanceMemoryMB/);
    expect(main.text).toMatch(/param instanceMemoryMB int = 2048/);
    expect(propertyValue(site, 'httpsOnly')).toBe('true');
  });

  it('runs as the user-assigned identity only', () => {
    expect(site).toMatch(/type: 'UserAssigned'\s*userAssignedIdentities: \{\s*'\$\{identityId\}': \{\}/);
  });
});

describe('bot', () => {
  const bot = declarationBody(botFile, 'resource', 'bot');

  it('is a UserAssignedMSI bot whose app id is the identity client id', () => {
    expect(propertyValue(bot, 'msaAppType')).toBe("'UserAssignedMSI'");
    expect(propertyValue(bot, 'msaAppId')).toBe('identityClientId');
    expect(propertyValue(bot, 'msaAppMSIResourceId')).toBe('identityId');
    expect(propertyValue(bot, 'msaAppTenantId')).toBe('tenant().tenantId');
    expect(propertyValue(bot, 'location')).toBe("'global'");
  });

  it('has the Microsoft Teams channel', () => {
    const channel = resourceDeclarations(botFile).find(
      (d) => d.type === 'Microsoft.BotService/botServices/channels',
    );
    expect(channel).toBeDefined();
    expect(declarationBody(botFile, 'resource', channel?.symbol ?? '')).toMatch(
      /channelName: 'MsTeamsChannel'/,
    );
  });

  it('points at the function app /api/messages with the identity that the function app runs as', () => {
    const mod = declarationBody(main, 'module', 'bot');
    expect(mod).toMatch(
      /messagingEndpoint: 'https:\/\/\$\{functionApp\.outputs\.defaultHostName\}\/api\/messages'/,
    );
    expect(mod).toMatch(/identityClientId: identity\.outputs\.clientId/);
    expect(declarationBody(main, 'module', 'functionApp')).toMatch(
      /identityClientId: identity\.outputs\.clientId/,
    );
  });
});

describe('main.bicep parameters and outputs', () => {
  const defaultOf = (name: string): string | undefined =>
    new RegExp(`^param ${name} string = '([^']*)'`, 'm').exec(main.text)?.[1];

  it('has defaults for every parameter, so a bare deployment works', () => {
    const params = [...main.text.matchAll(/^param\s+(\w+)\s+\w+(.*)$/gm)];
    expect(params.length).toBeGreaterThanOrEqual(6);
    for (const p of params) expect(p[2], p[1]).toMatch(/=/);
    for (const name of [
      'namePrefix',
      'location',
      'timeZone',
      'weeklySendAt',
      'monthlySendAt',
      'adminUserIds',
    ]) {
      expect(main.text).toMatch(new RegExp(`^param ${name} `, 'm'));
    }
  });

  it('has defaults that config.ts accepts', () => {
    const env = {
      STORAGE_TABLE_ENDPOINT: 'https://x.table.core.windows.net/',
      TIME_ZONE: defaultOf('timeZone'),
      WEEKLY_SEND_AT: defaultOf('weeklySendAt'),
      MONTHLY_SEND_AT: defaultOf('monthlySendAt'),
      ADMIN_USER_IDS: defaultOf('adminUserIds'),
      TABLE_PREFIX: defaultOf('tablePrefix'),
      ...MSI_BOT,
    };
    expect(env.WEEKLY_SEND_AT).toBe('Monday 08:03');
    expect(loadConfig(env).weeklySendAt).toEqual({ weekday: 1, hour: 8, minute: 3 });
  });

  it('outputs the bot id, the messaging endpoint, the function app and the storage account', () => {
    const outputs = [...main.text.matchAll(/^output\s+(\w+)\s/gm)].map((m) => m[1]);
    expect(outputs).toEqual(
      expect.arrayContaining([
        'botAppId',
        'messagingEndpoint',
        'appDomain',
        'functionAppName',
        'storageAccountName',
      ]),
    );
  });
});
