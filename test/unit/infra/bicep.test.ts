import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../functions/config';
import { MAX_BODY_CHARS } from '../../../functions/messages';
import {
  appSettingNames,
  type BicepFile,
  bicepparamAssignments,
  braceBody,
  declarationBody,
  edited,
  fileDeclaring,
  INFRA_DIR,
  moduleDeclarations,
  type ParamDecl,
  paramDeclarations,
  propertyValue,
  readBicepFiles,
  resourceDeclarations,
} from './bicepText';
import {
  appSettingProblems,
  BUILT_IN_ROLES,
  FLEX_DEPRECATED,
  feedWriteGrants,
  flexDeprecations,
  missingGrants,
  PLATFORM_SETTINGS,
  roleIdProblems,
  storageSecurityProblems,
  unpinnedResources,
  unreadAppSettings,
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

/** The environment keys functions/config.ts reads: recorded by handing loadConfig an env that logs every lookup. */
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

// Kept in sync with functions/config.ts by the first test; the lead may export the schema's keys instead.
const CONFIG_KEYS = [
  'ADMIN_CHANNEL_ID',
  'AZURE_CLIENT_ID',
  'ADMIN_USER_IDS',
  'CLOSED_DAYS',
  'CURRENCY',
  'FEED_CONTAINER',
  'FEED_DIR',
  'HOLIDAYS',
  'HOLIDAYS_WORKED',
  'LOCALE',
  'MANAGER_USER_IDS',
  'MONTHLY_SEND_AT',
  'MicrosoftAppId',
  'MicrosoftAppPassword',
  'MicrosoftAppTenantId',
  'MicrosoftAppType',
  'RULES_BLOB',
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
  'WEBSITE_SKU',
  'WEEKLY_SEND_AT',
];

// Read by the code but must NOT be set in Azure: a connection string would need shared keys (off) and config.ts
// rejects it together with STORAGE_TABLE_ENDPOINT; FEED_DIR and RULES_FILE are local paths (the deployed package
// holds no rules file: Azure reads RULES_BLOB from the feed container); a UserAssignedMsi bot has no password;
// WEBSITE_INSTANCE_ID (App Service plans) and WEBSITE_SKU (every plan, Flex Consumption included) are set by the
// platform itself on every instance (config.ts reads them to know it runs in Azure).
const LOCAL_ONLY = [
  'STORAGE_CONNECTION_STRING',
  'FEED_DIR',
  'RULES_FILE',
  'MicrosoftAppPassword',
  'WEBSITE_INSTANCE_ID',
  'WEBSITE_SKU',
];

/** The bot identity infra sets: the managed identity's client id and the tenant (any GUIDs here). */
const MSI_BOT = {
  MicrosoftAppType: 'UserAssignedMsi',
  MicrosoftAppId: '6f0d7b5e-2c1a-4f8e-9b3d-1a2b3c4d5e6f',
  MicrosoftAppTenantId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
};

/** Azure as the template configures it: storage and the feed through their endpoints, the managed-identity bot. */
const AZURE = {
  STORAGE_TABLE_ENDPOINT: 'https://x.table.core.windows.net/',
  STORAGE_BLOB_ENDPOINT: 'https://x.blob.core.windows.net/',
  FEED_CONTAINER: 'feed',
  AZURE_CLIENT_ID: MSI_BOT.MicrosoftAppId,
  ...MSI_BOT,
};

/** The identity's client id and the tenant, as Azure fills them in (any GUIDs here). */
const IDENTITY_CLIENT_ID = '6f0d7b5e-2c1a-4f8e-9b3d-1a2b3c4d5e6f';
const TENANT_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

/**
 * The app settings exactly as the template writes them on a first deployment with every parameter at its
 * main.bicep default (and `currency`, which has none, as given), read from the Bicep text: main.bicep's defaults
 * through the functionApp module's parameters into functionApp.bicep's `appSettings`, plus WEBSITE_SKU, which Flex
 * Consumption sets on every instance. The Bicep expressions Azure resolves (the identity, the tenant, the data
 * account's endpoints) are given here; any other expression in a setting the code reads fails the test.
 */
function deployedAppSettings(
  mainFile: BicepFile,
  appFile: BicepFile,
  currency: string,
): Record<string, string> {
  const defaults = new Map(
    paramDeclarations(mainFile).map((p) => [p.name, p.defaultText?.replace(/^'(.*)'$/, '$1')]),
  );
  defaults.set('currency', currency);
  // main.bicep's literal variables (the feed container's name).
  for (const [, name, value] of mainFile.text.matchAll(/^var\s+(\w+)\s*=\s*'([^'$]*)'\s*$/gm))
    defaults.set(name, value);
  const mainValue = (expr: string): string | undefined =>
    /^'.*'$/.test(expr)
      ? expr.slice(1, -1).replace(/\$\{(\w+)\}/g, (_, name: string) => defaults.get(name) ?? `\${${name}}`)
      : defaults.get(expr);
  const moduleBody = declarationBody(mainFile, 'module', 'functionApp');
  const params = braceBody(moduleBody, moduleBody.indexOf('params:'));
  const moduleParams = new Map(
    [...params.matchAll(/^\s*(\w+):\s*(.+?)\s*$/gm)].map((m) => [m[1], mainValue(m[2])]),
  );
  const resolved: Record<string, string> = {
    identityClientId: IDENTITY_CLIENT_ID,
    'tenant().tenantId': TENANT_ID,
    'dataAccount.properties.primaryEndpoints.table': 'https://churndata.table.core.windows.net/',
    'dataAccount.properties.primaryEndpoints.blob': 'https://churndata.blob.core.windows.net/',
  };
  const start = appFile.text.indexOf('var appSettings = [');
  const list = appFile.text.slice(start, appFile.text.indexOf('\n]', start));
  const settings: Record<string, string> = { WEBSITE_SKU: 'FlexConsumption' };
  for (const [, name, expr] of list.matchAll(/\{\s*name:\s*'([^']+)',\s*value:\s*(.+?)\s*\}\s*$/gm)) {
    if ((PLATFORM_SETTINGS as readonly string[]).includes(name)) continue;
    const value = /^'[^'$]*'$/.test(expr) ? expr.slice(1, -1) : (resolved[expr] ?? moduleParams.get(expr));
    if (value === undefined) throw new Error(`${name}: cannot resolve ${expr}`);
    settings[name] = value;
  }
  return settings;
}

describe('config keys', () => {
  it('the list here is exactly the keys functions/config.ts reads', () => {
    expect(keysTheConfigReads()).toEqual([...CONFIG_KEYS].sort());
  });
});

describe('function app settings', () => {
  it('sets every setting the code reads, except the local-only ones, and none of those', () => {
    expect(appSettingProblems(functionApp, keysTheConfigReads(), LOCAL_ONLY)).toEqual([]);
  });

  it('sets nothing that neither the code nor the platform reads (a misspelt name is silently unused)', () => {
    expect(unreadAppSettings(functionApp, keysTheConfigReads())).toEqual([]);
    const misspelt = edited(functionApp, "name: 'TABLE_PREFIX'", "name: 'TABLES_PREFIX'");
    expect(unreadAppSettings(misspelt, keysTheConfigReads())).toEqual([
      'TABLES_PREFIX is set but read by neither functions/config.ts nor the platform',
    ]);
  });

  it('reports a setting the code reads when it is missing from the app settings', () => {
    const broken = edited(functionApp, /\{ name: 'TIME_ZONE'[^\n]*\n/, '');
    expect(appSettingProblems(broken, CONFIG_KEYS, LOCAL_ONLY)).toEqual([
      'TIME_ZONE is read by functions/config.ts but not set in the app settings',
    ]);
  });

  it('reports a local-only setting when it is set in Azure', () => {
    const broken = edited(
      functionApp,
      "{ name: 'FEED_CONTAINER'",
      "{ name: 'STORAGE_CONNECTION_STRING', value: 'x' }\n  { name: 'FEED_CONTAINER'",
    );
    expect(appSettingProblems(broken, CONFIG_KEYS, LOCAL_ONLY)).toEqual([
      'STORAGE_CONNECTION_STRING is local-only but set in Azure',
    ]);
  });

  it('sets the identity-based host storage, the credential client id and Entra telemetry', () => {
    const names = appSettingNames(functionApp.text);
    for (const name of PLATFORM_SETTINGS) expect(names, name).toContain(name);
    expect(functionApp.text).toMatch(/name: 'AzureWebJobsStorage__credential', value: 'managedidentity'/);
    expect(functionApp.text).toMatch(/name: 'AZURE_CLIENT_ID', value: identityClientId/);
    expect(functionApp.text).toMatch(/name: 'MicrosoftAppId', value: identityClientId/);
  });

  // Azure Functions' app settings reference: FUNCTIONS_REQUEST_BODY_SIZE_LIMIT, default 104857600 bytes (100 MB).
  it('caps a request body at the host far below its 100 MB default, and above the largest the endpoints read', () => {
    const limit = Number(
      /name: 'FUNCTIONS_REQUEST_BODY_SIZE_LIMIT', value: '(\d+)'/.exec(functionApp.text)?.[1],
    );
    expect(limit).toBeLessThanOrEqual(8 * 1024 * 1024);
    // A character of the activity's JSON is at most 3 bytes in UTF-8 (a pair of surrogates, 4 for two).
    expect(limit).toBeGreaterThanOrEqual(3 * MAX_BODY_CHARS);
  });

  it('sets no setting Flex Consumption rejects or does not support, and no key-based storage', () => {
    const names = appSettingNames(functionApp.text);
    for (const banned of [
      'FUNCTIONS_WORKER_RUNTIME',
      'FUNCTIONS_EXTENSION_VERSION',
      'WEBSITE_NODE_DEFAULT_VERSION',
      'WEBSITE_RUN_FROM_PACKAGE',
      'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
      // Microsoft Learn (timer trigger, NCRONTAB time zones): neither is supported on Linux Consumption or Flex
      // Consumption, and either can break TLS and the app's metrics there.
      'WEBSITE_TIME_ZONE',
      'TZ',
      'AzureWebJobsStorage',
    ]) {
      expect(names, banned).not.toContain(banned);
    }
  });

  // Microsoft Learn lists what Flex Consumption deprecates; a template that sets one asks for something the plan
  // does not have (FTPS, Always On, a worker runtime setting) and at best has it ignored.
  it('sets no app setting or site property that Flex Consumption deprecates', () => {
    expect(flexDeprecations(functionApp, 'functionApp')).toEqual([]);
    const broken = edited(
      functionApp,
      "minTlsVersion: '1.2'",
      "minTlsVersion: '1.2'\n      alwaysOn: true\n      appSettings: [{ name: 'FUNCTIONS_WORKER_RUNTIME', value: 'node' }]",
    );
    expect(flexDeprecations(broken, 'functionApp')).toEqual([
      'app setting FUNCTIONS_WORKER_RUNTIME',
      'site property alwaysOn',
    ]);
    expect(FLEX_DEPRECATED.siteProperties).toContain('ftpsState');
  });

  // The settings a first deployment writes, defaults and all, are what the app starts from: one config.ts refuses
  // (an empty HOLIDAYS, a default locale) would answer 503 on every request of a fresh deployment.
  it('writes, with every parameter at its default, settings config.ts accepts, as the managed-identity bot', () => {
    const deployed = deployedAppSettings(main, functionApp, 'GBP');
    expect(Object.keys(deployed)).toEqual(
      expect.arrayContaining(
        CONFIG_KEYS.filter((k) => !LOCAL_ONLY.includes(k) && !/^(RULES_BLOB|ADMIN_CHANNEL_ID)$/.test(k)),
      ),
    );
    const config = loadConfig(deployed);
    expect(config.card).toEqual({ currency: 'GBP', locale: 'en-US' });
    expect(config.timeZone).toBe('UTC');
    expect(config.bot).toMatchObject({
      appType: 'UserAssignedMsi',
      appId: IDENTITY_CLIENT_ID,
      tenantId: TENANT_ID,
    });
    expect(config.feed.container).toBe('feed');
    // The Azure Bot spells its msaAppType UserAssignedMSI; the app setting is Bot Framework's UserAssignedMsi.
    const botSpelling = edited(functionApp, "value: 'UserAssignedMsi'", "value: 'UserAssignedMSI'");
    expect(() => loadConfig(deployedAppSettings(main, botSpelling, 'GBP'))).toThrow(/MicrosoftAppType/);
  });

  // Fail closed: a deployment that lost one of the identity settings must not start (an endpoint taking
  // unauthenticated requests, a bot serving any tenant, storage asked as an identity the app does not have).
  it('refuses to start in Azure without any one of the identity settings the template writes', () => {
    const deployed = deployedAppSettings(main, functionApp, 'GBP');
    for (const name of ['MicrosoftAppId', 'MicrosoftAppType', 'MicrosoftAppTenantId', 'AZURE_CLIENT_ID']) {
      const { [name]: _dropped, ...without } = deployed;
      expect(() => loadConfig(without), name).toThrow(/Invalid configuration/);
      expect(() => loadConfig({ ...without, [name]: '' }), `${name} empty`).toThrow(/Invalid configuration/);
    }
  });

  it('uses the Bot Framework app type config.ts accepts for a managed identity', () => {
    expect(functionApp.text).toMatch(/name: 'MicrosoftAppType', value: 'UserAssignedMsi'/);
    expect(() => loadConfig(AZURE)).not.toThrow();
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
    const broken = edited(storage, 'allowSharedKeyAccess: false', 'allowSharedKeyAccess: true');
    expect(storageSecurityProblems(broken)).toEqual(['allowSharedKeyAccess should be false, is true']);
  });

  it('puts the feed and the tables in the data account, the host blobs and the package in the host account', () => {
    const data = declarationBody(main, 'module', 'storage');
    const host = declarationBody(main, 'module', 'hostStorage');
    expect(data).toMatch(/containerNames: \[feedContainerName\]/);
    expect(data).toMatch(/withTables: true/);
    expect(host).toMatch(/containerNames: \[deploymentContainerName\]/);
    expect(host).not.toMatch(/withTables/);
    expect(main.text).toMatch(/var feedContainerName = 'feed'/);
    const site = declarationBody(functionApp, 'resource', 'functionApp');
    expect(site).toMatch(
      /value: '\$\{hostAccount\.properties\.primaryEndpoints\.blob\}\$\{deploymentContainerName\}'/,
    );
    expect(functionApp.text).toMatch(/name: 'AzureWebJobsStorage__accountName', value: hostAccount\.name/);
    expect(functionApp.text).toMatch(/name: 'STORAGE_BLOB_ENDPOINT', value: dataAccount\./);
    expect(functionApp.text).toMatch(/name: 'STORAGE_TABLE_ENDPOINT', value: dataAccount\./);
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

  // A role GUID says nothing to a reader: each one is named in a comment, and is the id Microsoft documents for it.
  it("names each role id in a comment, and each is that role's documented id", () => {
    const raw = { ...roleFile, text: readFileSync(path.join(INFRA_DIR, roleFile.file), 'utf8') };
    const body = declarationBody(raw, 'var', 'roles');
    expect(roleIdProblems(body)).toEqual([]);
    const swapped = body.replace(
      /'2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'/,
      "'ba92f5b4-2d11-453d-a403-e96b0029c9fe'",
    );
    expect(roleIdProblems(swapped)).toEqual([
      'storageBlobDataReader: ba92f5b4-2d11-453d-a403-e96b0029c9fe is not Storage Blob Data Reader (2a2b9908-6ea1-4ae2-8e65-a410df84e7d1)',
    ]);
    expect(roleIdProblems("  x: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'\n")).toEqual([
      'x: no comment naming the role',
    ]);
  });

  it('reports a missing grant', () => {
    const broken = edited(roleFile, /resource feedRead[\s\S]*?\n}\n/, '');
    expect(missingGrants(broken)).toEqual([
      `missing ${BUILT_IN_ROLES.storageBlobDataReader} on Microsoft.Storage/storageAccounts/blobServices/containers (read the feed container)`,
    ]);
  });

  it('leaves the feed read-only for the app: no blob-writing role on the data account or under it', () => {
    expect(feedWriteGrants(roleFile, 'dataStorageAccountName')).toEqual([]);
    const scopeOf = (symbol: string) => propertyValue(declarationBody(roleFile, 'resource', symbol), 'scope');
    expect([scopeOf('tableData'), scopeOf('feedRead'), scopeOf('hostBlob'), scopeOf('hostTables')]).toEqual([
      'dataAccount',
      'feedContainer',
      'hostAccount',
      'hostAccount',
    ]);
    expect(declarationBody(main, 'module', 'roles')).toMatch(
      /hostStorageAccountName: hostStorage\.outputs\.name/,
    );
  });

  it('reports a blob-writing grant on the feed', () => {
    const broken = edited(
      roleFile,
      "roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataReader)",
      "roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)",
    );
    expect(feedWriteGrants(broken, 'dataStorageAccountName')).toEqual([
      'feedRead: Storage Blob Data Owner on feedContainer',
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

  it('runs on a Flex Consumption plan (FC1), Node 22, deployed from blob storage with the identity', () => {
    expect(plan).toMatch(/tier: 'FlexConsumption'/);
    expect(plan).toMatch(/name: 'FC1'/);
    expect(site).toMatch(/runtime: \{\s*name: 'node'\s*version: '22'\s*\}/);
    expect(site).toMatch(/type: 'blobContainer'/);
    expect(site).toMatch(/type: 'UserAssignedIdentity'\s*userAssignedIdentityResourceId: identityId/);
    expect(site).toMatch(/maximumInstanceCount: maximumInstanceCount/);
    expect(site).toMatch(/instanceMemoryMB: instanceMemoryMB/);
    expect(main.text).toMatch(/param instanceMemoryMB int = 2048/);
    expect(propertyValue(site, 'httpsOnly')).toBe('true');
  });

  it('engines in package.json admit the Node version Azure runs', () => {
    const version = /runtime: \{\s*name: 'node'\s*version: '(\d+)'/.exec(site)?.[1];
    const pkg = JSON.parse(readFileSync(path.resolve(INFRA_DIR, '..', 'package.json'), 'utf8'));
    expect(
      pkg.engines.node.split('||').map((r: string) => r.trim().replace(/^\^/, '').split('.')[0]),
    ).toContain(version);
  });

  it('turns basic-auth publishing off for both scm and ftp', () => {
    const policies = resourceDeclarations(functionApp).filter(
      (d) => d.type === 'Microsoft.Web/sites/basicPublishingCredentialsPolicies',
    );
    const byName = policies.map((p) => {
      const body = declarationBody(functionApp, 'resource', p.symbol);
      return [propertyValue(body, 'name'), propertyValue(body, 'parent'), /allow: false/.test(body)];
    });
    expect(byName.sort()).toEqual([
      ["'ftp'", 'functionApp', true],
      ["'scm'", 'functionApp', true],
    ]);
  });

  it('keeps an always-ready instance for the HTTP group only when asked', () => {
    expect(site).toMatch(
      /alwaysReady: alwaysReadyInstances > 0 \? \[\{ name: 'http', instanceCount: alwaysReadyInstances \}\] : \[\]/,
    );
  });

  it('integrates with the private subnet only when private networking is on', () => {
    expect(site).toMatch(/virtualNetworkSubnetId: empty\(subnetId\) \? null : subnetId/);
    expect(declarationBody(main, 'module', 'functionApp')).toMatch(
      /subnetId: privateNetworking \? network\.outputs\.appSubnetId : ''/,
    );
    expect(main.text).toMatch(/module network 'modules\/network\.bicep' = if \(privateNetworking\)/);
    const network = byName('modules/network.bicep');
    expect(network.text).toMatch(/serviceName: 'Microsoft\.App\/environments'/);
    const endpoints = declarationBody(main, 'module', 'network');
    for (const target of [
      "{ accountName: storageAccountName, service: 'blob' }",
      "{ accountName: storageAccountName, service: 'table' }",
      "{ accountName: hostStorageAccountName, service: 'blob' }",
      "{ accountName: hostStorageAccountName, service: 'table' }",
    ])
      expect(endpoints).toContain(target);
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
  const params = paramDeclarations(main);
  const param = (name: string): ParamDecl => {
    const p = params.find((x) => x.name === name);
    if (!p) throw new Error(`param ${name} missing`);
    return p;
  };
  const defaultOf = (name: string): string | undefined =>
    /^'([^']*)'$/.exec(param(name).defaultText ?? '')?.[1];

  it('has defaults for every parameter but the currency, which no default can guess', () => {
    expect(params.length).toBeGreaterThanOrEqual(15);
    for (const p of params.filter((x) => x.name !== 'currency')) expect(p.defaultText, p.name).toBeDefined();
  });

  it('has defaults that config.ts accepts', () => {
    const env = {
      ...AZURE,
      TIME_ZONE: defaultOf('timeZone'),
      WEEKLY_SEND_AT: `${defaultOf('weeklySendDay')} ${defaultOf('weeklySendTime')}`,
      MONTHLY_SEND_AT: defaultOf('monthlySendAt'),
      ADMIN_USER_IDS: defaultOf('adminUserIds'),
      TABLE_PREFIX: defaultOf('tablePrefix'),
    };
    expect(env.WEEKLY_SEND_AT).toBe('Monday 08:03');
    expect(loadConfig(env).weeklySendAt).toEqual({ weekday: 1, hour: 8, minute: 3 });
    expect(declarationBody(main, 'module', 'functionApp')).toMatch(
      /weeklySendAt: '\$\{weeklySendDay\} \$\{weeklySendTime\}'/,
    );
  });

  it('checks what Bicep can check of the values config.ts validates', () => {
    // Every weekday config.ts accepts, and nothing else.
    const days = JSON.parse(param('weeklySendDay').decorators.allowed.replace(/'/g, '"'));
    for (const day of days)
      expect(() => loadConfig({ ...AZURE, WEEKLY_SEND_AT: `${day} 08:03` })).not.toThrow();
    expect(days).toHaveLength(7);
    // HH:MM is five characters; the app rejects 24:00 or 8:3 at start-up (and /api/health names it).
    for (const name of ['weeklySendTime', 'monthlySendAt'])
      expect(param(name).decorators, name).toMatchObject({ minLength: '5', maxLength: '5' });
    // TABLE_PREFIX in config.ts: a letter, then up to 20 letters or digits.
    expect(param('tablePrefix').decorators).toMatchObject({ minLength: '1', maxLength: '21' });
    expect(() => loadConfig({ ...AZURE, TABLE_PREFIX: `a${'b'.repeat(20)}` })).not.toThrow();
    expect(() => loadConfig({ ...AZURE, TABLE_PREFIX: `a${'b'.repeat(21)}` })).toThrow(/TABLE_PREFIX/);
    expect(param('timeZone').decorators).toMatchObject({ minLength: '1', maxLength: '64' });
  });

  // Microsoft Learn, "Event-driven scaling" > Limit scale-out (Flex Consumption): the lowest maximum instance count
  // is 1 (it was 40 while the plan was in preview), the highest 1000. A cap the template refused between 1 and 39
  // left a deployer who wants few instances, to bound the bill, no way to set one.
  it('keeps maximumInstanceCount within what Flex Consumption accepts (1 to 1000)', () => {
    expect(param('maximumInstanceCount').decorators).toMatchObject({ minValue: '1', maxValue: '1000' });
    expect(Number(param('maximumInstanceCount').defaultText)).toBe(40);
    expect(param('alwaysReadyInstances').defaultText).toBe('0');
    expect(param('privateNetworking').defaultText).toBe('false');
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
        'BOT_ID',
        'BOT_DOMAIN',
      ]),
    );
  });

  it('tags the function app for azd (azure.yaml service "api")', () => {
    expect(declarationBody(main, 'module', 'functionApp')).toMatch(/'azd-service-name': 'api'/);
  });
});

describe('main.bicepparam', () => {
  const text = readFileSync(path.join(INFRA_DIR, 'main.bicepparam'), 'utf8');
  const assigned = bicepparamAssignments(text);
  const params = paramDeclarations(main);

  it('uses main.bicep and sets every one of its parameters but location, and nothing else', () => {
    expect(text).toMatch(/^using 'main\.bicep'$/m);
    expect([...assigned.keys()].sort()).toEqual(
      params
        .map((p) => p.name)
        .filter((n) => n !== 'location')
        .sort(),
    );
  });

  it('falls back to the same defaults as main.bicep', () => {
    for (const p of params.filter((x) => x.name !== 'location' && x.defaultText !== undefined)) {
      const value = assigned.get(p.name) ?? '';
      const fallback = /readEnvironmentVariable\('\w+', '([^']*)'\)/.exec(value)?.[1];
      expect(fallback, p.name).toBeDefined();
      const bicepDefault = p.defaultText?.replace(/^'(.*)'$/, '$1');
      if (p.type === 'string[]') expect(bicepDefault, p.name).toBe('[]');
      else expect(fallback, p.name).toBe(bicepDefault);
      if (p.type === 'int') expect(value, p.name).toMatch(/^int\(/);
      if (p.type === 'bool') expect(value, p.name).toMatch(/^bool\(/);
    }
  });

  // A pounds book deployed without setting the currency showed $ on every card (or, with the orders'
  // currency column mapped, stopped: "no line is in USD"). The deployer chooses it: no default.
  it('has no currency of its own: each way of deploying stops until the deployer sets CURRENCY', () => {
    expect(params.find((p) => p.name === 'currency')?.defaultText).toBeUndefined();
    // Without a fallback, the parameters file does not build while CURRENCY is unset (azd, the CLI, the workflow).
    expect(assigned.get('currency')).toBe("readEnvironmentVariable('CURRENCY')");
    const toolkit = JSON.parse(readFileSync(path.join(INFRA_DIR, 'm365agents.parameters.json'), 'utf8'));
    expect(toolkit.parameters.currency).toEqual({ value: `\${{CURRENCY}}` });
    const guide = readFileSync(path.resolve(INFRA_DIR, '..', 'docs', 'deploy.md'), 'utf8');
    expect(guide).toContain('| `currency` (`CURRENCY`) | none: required |');
  });

  // The guide's table is how a deployer learns a setting exists: one left out is never set.
  it("is listed in docs/deploy.md's parameter table, each parameter with the variable it reads", () => {
    const guide = readFileSync(path.resolve(INFRA_DIR, '..', 'docs', 'deploy.md'), 'utf8');
    const rows = guide.split('\n').filter((line) => line.startsWith('| `'));
    for (const p of params.filter((x) => x.name !== 'location')) {
      const variable = /readEnvironmentVariable\('(\w+)'/.exec(assigned.get(p.name) ?? '')?.[1];
      const row = rows.find((line) => line.includes(`\`${p.name}\``));
      expect(row, p.name).toBeDefined();
      expect(row, p.name).toContain(`\`${variable}\``);
    }
  });
});

describe("the timers' alerts", () => {
  const monitoring = byName('modules/monitoring.bicep');
  const rule = declarationBody(monitoring, 'resource', 'timerRunFailed');

  it.each([
    ['weeklyRun.ts', 'weeklyFunctionName', 'weekly-run'],
    ['dailyFollowUps.ts', 'dailyFunctionName', 'daily-follow-ups'],
    ['monthlySummary.ts', 'monthlyFunctionName', 'monthly-summary'],
  ])('fires on a failed invocation of the function %s registers', (file, param, key) => {
    const fn = readFileSync(path.resolve(INFRA_DIR, '..', 'functions', file), 'utf8');
    const registered = /registerTimer\(\{\s*name: '(\w+)'/.exec(fn)?.[1];
    expect(registered).toBeDefined();
    expect(monitoring.text).toMatch(new RegExp(`param ${param} string = '${registered}'`));
    expect(monitoring.text).toMatch(new RegExp(`key: '${key}'\\s+functionName: ${param}\\b`));
  });

  it('is one rule per timer, on its failed requests, from the first one', () => {
    expect(monitoring.text).toMatch(/resource timerRunFailed '[^']+' = \[for t in timerAlerts: \{/);
    // The weekly rule keeps the name it was deployed under.
    expect(rule).toMatch(/name: '\$\{appInsightsName\}-\$\{t\.key\}-failed'/);
    expect(rule).toMatch(/operation_Name == "\$\{t\.functionName\}" and success == false/);
    expect(rule).toMatch(/scopes: \[appInsights\.id\]/);
    expect(rule).toMatch(/threshold: 0/);
    expect(declarationBody(main, 'module', 'monitoring')).toMatch(/alertEmail: alertEmail/);
  });
});
