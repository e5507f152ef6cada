// The Flex Consumption function app: HTTP /api/messages (the bot), /api/health, and the weekly and monthly timers.
// Follows Azure-Samples/azure-functions-flex-consumption-samples IaC/bicep/core/host/function.bicep (FC1 plan,
// functionAppConfig with blob-container deployment storage) with the user-assigned identity variant of
// Azure-Samples/functions-quickstart-typescript-azd (UserAssignedIdentity deployment auth,
// AzureWebJobsStorage__credential/__clientId). Flex takes the runtime from functionAppConfig.runtime, so
// FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION / WEBSITE_RUN_FROM_PACKAGE are not app settings here.
param name string
param planName string
param location string
param tags object = {}
param identityId string
param identityClientId string
param dataStorageAccountName string
param hostStorageAccountName string
param deploymentContainerName string
param feedContainerName string
param appInsightsName string
param maximumInstanceCount int
param instanceMemoryMB int
param timeZone string
param weeklySendAt string
param monthlySendAt string
param adminUserIds string
param adminChannelId string
param currency string
param locale string
param holidays string
param holidaysWorked string
param closedDays string
param managerUserIds string
param teamsAppId string
param tabSsoClientId string
param tabSsoAudience string
param tablePrefix string
param rulesBlob string
param alwaysReadyInstances int
@description('Subnet the app integrates with (private networking); empty = none.')
param subnetId string = ''

resource dataAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: dataStorageAccountName
}

resource hostAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

// The settings functions/config.ts reads (test/unit/infra checks this list against its schema), then the host's own.
var appSettings = [
  // Storage through the managed identity: endpoints, never a connection string.
  { name: 'STORAGE_TABLE_ENDPOINT', value: dataAccount.properties.primaryEndpoints.table }
  { name: 'STORAGE_BLOB_ENDPOINT', value: dataAccount.properties.primaryEndpoints.blob }
  { name: 'FEED_CONTAINER', value: feedContainerName }
  { name: 'TABLE_PREFIX', value: tablePrefix }
  { name: 'TIME_ZONE', value: timeZone }
  { name: 'WEEKLY_SEND_AT', value: weeklySendAt }
  { name: 'MONTHLY_SEND_AT', value: monthlySendAt }
  { name: 'ADMIN_USER_IDS', value: adminUserIds }
  { name: 'CURRENCY', value: currency }
  { name: 'LOCALE', value: locale }
  { name: 'HOLIDAYS', value: holidays }
  { name: 'HOLIDAYS_WORKED', value: holidaysWorked }
  { name: 'CLOSED_DAYS', value: closedDays }
  // The tabs: managers, deep links from the card, and the SSO app registration (empty = the tab API answers 401).
  { name: 'MANAGER_USER_IDS', value: managerUserIds }
  { name: 'TEAMS_APP_ID', value: teamsAppId }
  { name: 'TAB_SSO_CLIENT_ID', value: tabSsoClientId }
  { name: 'TAB_SSO_AUDIENCE', value: tabSsoAudience }
  { name: 'TAB_SSO_TENANT_ID', value: tenant().tenantId }
  // The bot authenticates as the user-assigned identity: app id = its client id, no password.
  { name: 'MicrosoftAppId', value: identityClientId }
  { name: 'MicrosoftAppType', value: 'UserAssignedMsi' }
  { name: 'MicrosoftAppTenantId', value: tenant().tenantId }
  // DefaultAzureCredential picks the user-assigned identity (there is no system-assigned one).
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
  // Functions host storage through the identity (identity-based AzureWebJobsStorage), in the host account.
  { name: 'AzureWebJobsStorage__accountName', value: hostAccount.name }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
  // Telemetry with an Entra token (the component has local auth off).
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
  // The Node worker's V8 heap cap: 3/4 of the instance (1536 MB on the 2048 MB Flex instance), the rest
  // for typed arrays (a 20M-order book is ~250 MB of them) and the host. The weekly run is measured
  // with this flag: bench/pipelineBench.ts (1M customers / 20M orders).
  { name: 'languageWorkers__node__arguments', value: '--max-old-space-size=${instanceMemoryMB * 3 / 4}' }
  // The host's cap on a request body, in bytes. Its default, 100 MB, is what anyone could make an instance
  // hold for each anonymous POST to /api/messages before the bot reads a byte; 4 MiB is above the largest
  // body the endpoints read (1,000,000 characters of an activity, at most 3 bytes each in UTF-8).
  { name: 'FUNCTIONS_REQUEST_BODY_SIZE_LIMIT', value: '4194304' }
]

// RULES_BLOB only when given: the rules file (column mapping, weights) as a blob in the feed container.
var rulesSetting = empty(rulesBlob) ? [] : [{ name: 'RULES_BLOB', value: rulesBlob }]
// ADMIN_CHANNEL_ID only when given: an empty id is not a channel, and the notice then goes 1:1 to the admins.
var adminChannelSetting = empty(adminChannelId) ? [] : [{ name: 'ADMIN_CHANNEL_ID', value: adminChannelId }]

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // No ftpsState (nor alwaysOn, linuxFxVersion...): Flex Consumption has no FTPS and deprecates those properties.
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: concat(appSettings, rulesSetting, adminChannelSetting)
    }
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostAccount.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        // 'http' is the group of every HTTP function (the bot's /api/messages, /api/health): an always-ready
        // instance there removes the bot's cold start, billed around the clock (see docs/deploy.md, Cost).
        alwaysReady: alwaysReadyInstances > 0 ? [{ name: 'http', instanceCount: alwaysReadyInstances }] : []
      }
      // Node 22: Node 20 left upstream support in April 2026.
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

// Basic (user name and password) publishing off for both the SCM (Kudu) and FTP endpoints: deployments go through
// Entra ID (az, azd, the deploy workflow's OIDC login), never a publish profile.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: { allow: false }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: { allow: false }
}

output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
