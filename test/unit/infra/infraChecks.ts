import {
  appSettingNames,
  type BicepFile,
  declarationBody,
  propertyValue,
  resourceDeclarations,
  stringProperties,
} from './bicepText';

/**
 * The rules the infra tests enforce, as functions returning the problems found, so each rule is tested both on the
 * real Bicep (no problems) and on a broken copy (the problem is reported).
 */

/**
 * Built-in Azure role definition ids by their names, as Microsoft Learn lists them: "Azure built-in roles for
 * Storage" (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/storage) and "... for
 * Monitor" (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/monitor); Microsoft's Flex
 * Consumption samples (Azure-Samples/azure-functions-flex-consumption-samples IaC/bicep/rbac.bicep) use the same.
 */
export const DOCUMENTED_ROLES: Record<string, string> = {
  'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  'Storage Blob Data Reader': '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb',
};

/** The roles the identity is granted (roleAssignments.bicep's roles map). */
export const BUILT_IN_ROLES = {
  storageTableDataContributor: DOCUMENTED_ROLES['Storage Table Data Contributor'],
  storageBlobDataReader: DOCUMENTED_ROLES['Storage Blob Data Reader'],
  storageBlobDataOwner: DOCUMENTED_ROLES['Storage Blob Data Owner'],
  monitoringMetricsPublisher: DOCUMENTED_ROLES['Monitoring Metrics Publisher'],
} as const;

/**
 * Role ids in a roles map (the raw text, comments kept) that are not the documented id of the role their comment
 * names: each entry is `key: '<guid>' // <role name>`, so a reader sees which role a GUID grants and a wrong GUID
 * cannot hide behind a plausible key.
 */
export function roleIdProblems(rolesBody: string): string[] {
  const entries = [...rolesBody.matchAll(/^\s*(\w+):\s*'([^']*)'\s*(?:\/\/\s*(.*?))?\s*$/gm)];
  if (entries.length === 0) return ['no role ids found'];
  return entries.flatMap(([, key, id, name]) => {
    if (!name) return [`${key}: no comment naming the role`];
    const documented = DOCUMENTED_ROLES[name];
    if (!documented) return [`${key}: "${name}" is not a documented role name`];
    return documented === id ? [] : [`${key}: ${id} is not ${name} (${documented})`];
  });
}

/** Each grant the identity needs: role, and the resource type it must be scoped to. */
export const REQUIRED_GRANTS: { role: string; scopeType: string; why: string }[] = [
  {
    role: BUILT_IN_ROLES.storageTableDataContributor,
    scopeType: 'Microsoft.Storage/storageAccounts',
    why: 'state, audit, references, ledger tables',
  },
  {
    role: BUILT_IN_ROLES.storageBlobDataReader,
    scopeType: 'Microsoft.Storage/storageAccounts/blobServices/containers',
    why: 'read the feed container',
  },
  {
    role: BUILT_IN_ROLES.storageBlobDataOwner,
    scopeType: 'Microsoft.Storage/storageAccounts',
    why: 'Functions host storage and the Flex deployment container (the host account)',
  },
  {
    role: BUILT_IN_ROLES.storageTableDataContributor,
    scopeType: 'Microsoft.Storage/storageAccounts',
    why: "the Functions host's diagnostic events (the host account)",
  },
  {
    role: BUILT_IN_ROLES.monitoringMetricsPublisher,
    scopeType: 'Microsoft.Insights/components',
    why: 'telemetry with Entra auth (local auth off)',
  },
];

const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

/** Resources whose type has no `@YYYY-MM-DD` / `@YYYY-MM-DD-preview` version. */
export function unpinnedResources(files: BicepFile[]): string[] {
  return files
    .flatMap(resourceDeclarations)
    .filter((d) => !d.apiVersion || !API_VERSION.test(d.apiVersion))
    .map((d) => `${d.file}: ${d.symbol} '${d.type}${d.apiVersion ? `@${d.apiVersion}` : ''}'`);
}

/** Settings the code reads that the function app does not set, and local-only settings it wrongly sets. */
export function appSettingProblems(
  functionAppFile: BicepFile,
  codeKeys: string[],
  localOnly: string[],
): string[] {
  const names = appSettingNames(functionAppFile.text);
  const problems: string[] = [];
  for (const key of codeKeys) {
    if (localOnly.includes(key)) {
      if (names.includes(key)) problems.push(`${key} is local-only but set in Azure`);
    } else if (!names.includes(key)) {
      problems.push(`${key} is read by functions/config.ts but not set in the app settings`);
    }
  }
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  for (const d of new Set(dupes)) problems.push(`${d} is set twice`);
  return problems;
}

/**
 * App settings read by the platform rather than functions/config.ts: the Functions host's identity-based host
 * storage and Entra-authenticated telemetry, the Node worker's arguments (Microsoft Learn, "App settings reference
 * for Azure Functions", "Use identity-based connections", "Azure Functions Node.js developer guide"). The
 * client id @azure/identity's DefaultAzureCredential picks the user-assigned identity by (AZURE_CLIENT_ID) is
 * checked by functions/config.ts, so it is among the code's settings.
 */
export const PLATFORM_SETTINGS = [
  'AzureWebJobsStorage__accountName',
  'AzureWebJobsStorage__credential',
  'AzureWebJobsStorage__clientId',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
  'languageWorkers__node__arguments',
  'FUNCTIONS_REQUEST_BODY_SIZE_LIMIT',
] as const;

/** App settings nobody reads: not in the code's configuration nor the platform's (a misspelt name is one). */
export function unreadAppSettings(functionAppFile: BicepFile, codeKeys: readonly string[]): string[] {
  const read = new Set<string>([...codeKeys, ...PLATFORM_SETTINGS]);
  return appSettingNames(functionAppFile.text)
    .filter((name) => !read.has(name))
    .map((name) => `${name} is set but read by neither functions/config.ts nor the platform`);
}

/** Grants in REQUIRED_GRANTS with no matching role assignment (role GUID resolved through the roles map, scope type). */
export function missingGrants(roleFile: BicepFile): string[] {
  const decls = resourceDeclarations(roleFile);
  const typeOf = new Map(decls.map((d) => [d.symbol, d.type]));
  const roleMap = stringProperties(declarationBody(roleFile, 'var', 'roles'));
  const grants = decls
    .filter((d) => d.type === 'Microsoft.Authorization/roleAssignments' && !d.existing)
    .map((d) => {
      const body = declarationBody(roleFile, 'resource', d.symbol);
      const roleRef = /roles\.(\w+)/.exec(propertyValue(body, 'roleDefinitionId') ?? '')?.[1];
      const scope = propertyValue(body, 'scope');
      return {
        role: roleRef ? roleMap[roleRef] : undefined,
        scopeType: scope ? typeOf.get(scope) : undefined,
        principalType: propertyValue(body, 'principalType'),
      };
    });
  return REQUIRED_GRANTS.filter(
    (g) =>
      !grants.some(
        (a) => a.role === g.role && a.scopeType === g.scopeType && a.principalType === "'ServicePrincipal'",
      ),
  ).map((g) => `missing ${g.role} on ${g.scopeType} (${g.why})`);
}

/** Storage account security settings that are not as required. */
export function storageSecurityProblems(storageFile: BicepFile): string[] {
  const account = resourceDeclarations(storageFile).find(
    (d) => d.type === 'Microsoft.Storage/storageAccounts' && !d.existing,
  );
  if (!account) return ['no storage account declared'];
  const body = declarationBody(storageFile, 'resource', account.symbol);
  const want: Record<string, string> = {
    allowSharedKeyAccess: 'false',
    minimumTlsVersion: "'TLS1_2'",
    supportsHttpsTrafficOnly: 'true',
    allowBlobPublicAccess: 'false',
  };
  return Object.entries(want)
    .filter(([k, v]) => propertyValue(body, k) !== v)
    .map(([k, v]) => `${k} should be ${v}, is ${propertyValue(body, k) ?? 'unset'}`);
}

/** Roles that can write or delete blobs (the storage page above). */
export const BLOB_WRITE_ROLES: Record<string, string> = Object.fromEntries(
  ['Storage Blob Data Owner', 'Storage Blob Data Contributor'].map((name) => [DOCUMENTED_ROLES[name], name]),
);

/**
 * Grants that let the identity write the feed: a blob-writing role scoped to the account named by `accountParam`
 * (the data account), or to anything under it (its blob service, the feed container).
 */
export function feedWriteGrants(roleFile: BicepFile, accountParam: string): string[] {
  const decls = resourceDeclarations(roleFile);
  const under = new Set<string>();
  for (const d of decls) {
    const body = declarationBody(roleFile, 'resource', d.symbol);
    if (d.type === 'Microsoft.Storage/storageAccounts' && propertyValue(body, 'name') === accountParam)
      under.add(d.symbol);
  }
  // Children name their parent: follow `parent:` until nothing new joins.
  for (let grew = true; grew; ) {
    grew = false;
    for (const d of decls) {
      const parent = propertyValue(declarationBody(roleFile, 'resource', d.symbol), 'parent');
      if (parent && under.has(parent) && !under.has(d.symbol)) {
        under.add(d.symbol);
        grew = true;
      }
    }
  }
  const roleMap = stringProperties(declarationBody(roleFile, 'var', 'roles'));
  return decls
    .filter((d) => d.type === 'Microsoft.Authorization/roleAssignments' && !d.existing)
    .flatMap((d) => {
      const body = declarationBody(roleFile, 'resource', d.symbol);
      const roleRef = /roles\.(\w+)/.exec(propertyValue(body, 'roleDefinitionId') ?? '')?.[1];
      const role = roleRef ? roleMap[roleRef] : undefined;
      const scope = propertyValue(body, 'scope') ?? '';
      return role && BLOB_WRITE_ROLES[role] && under.has(scope)
        ? [`${d.symbol}: ${BLOB_WRITE_ROLES[role]} on ${scope}`]
        : [];
    });
}

/**
 * What Flex Consumption deprecates on a function app, as Microsoft Learn lists it ("App settings reference for Azure
 * Functions", Flex Consumption plan deprecations): app settings the platform replaced with functionAppConfig, and
 * site properties it does not support.
 */
export const FLEX_DEPRECATED = {
  appSettings: [
    'ENABLE_ORYX_BUILD',
    'FUNCTIONS_EXTENSION_VERSION',
    'FUNCTIONS_WORKER_RUNTIME',
    'FUNCTIONS_WORKER_RUNTIME_VERSION',
    'FUNCTIONS_MAX_HTTP_CONCURRENCY',
    'FUNCTIONS_WORKER_PROCESS_COUNT',
    'FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED',
    'SCM_DO_BUILD_DURING_DEPLOYMENT',
    'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
    'WEBSITE_CONTENTOVERVNET',
    'WEBSITE_CONTENTSHARE',
    'WEBSITE_DNS_SERVER',
    'WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT',
    'WEBSITE_NODE_DEFAULT_VERSION',
    'WEBSITE_RUN_FROM_PACKAGE',
    'WEBSITE_SKIP_CONTENTSHARE_VALIDATION',
    'WEBSITE_VNET_ROUTE_ALL',
  ],
  siteProperties: [
    'alwaysOn',
    'containerSize',
    'ftpsState',
    'isReserved',
    'isXenon',
    'javaVersion',
    'linuxFxVersion',
    'netFrameworkVersion',
    'powerShellVersion',
    'functionAppScaleLimit',
    'preWarmedInstanceCount',
    'use32BitWorkerProcess',
    'vnetBackupRestoreEnabled',
    'vnetContentShareEnabled',
    'vnetImagePullEnabled',
    'vnetRouteAllEnabled',
    'windowsFxVersion',
  ],
} as const;

/** Deprecated app settings and site properties (FLEX_DEPRECATED) that the function app resource still sets. */
export function flexDeprecations(functionAppFile: BicepFile, siteSymbol: string): string[] {
  const site = declarationBody(functionAppFile, 'resource', siteSymbol);
  const settings = appSettingNames(functionAppFile.text)
    .filter((name) => (FLEX_DEPRECATED.appSettings as readonly string[]).includes(name))
    .map((name) => `app setting ${name}`);
  // Property names are case-insensitive in ARM (the table itself writes LinuxFxVersion and IsXenon).
  const keys = [...site.matchAll(/^\s*(\w+):/gm)].map((m) => m[1].toLowerCase());
  const properties = FLEX_DEPRECATED.siteProperties
    .filter((p) => keys.includes(p.toLowerCase()))
    .map((p) => `site property ${p}`);
  return [...settings, ...properties];
}
