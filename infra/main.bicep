// Churn Predictor for Microsoft Teams: everything the product needs in one resource group.
//
// Shape follows Microsoft's published Flex Consumption templates (Azure-Samples/functions-quickstart-typescript-azd
// infra/main.bicep and Azure-Samples/azure-functions-flex-consumption-samples IaC/bicep): one user-assigned identity,
// identity-based host storage, shared key access off, App Insights with local auth off. The bot registration follows
// OfficeDev/Microsoft-Teams-Samples .../infra/botRegistration/azurebot.bicep (msaAppType 'UserAssignedMSI').
// No secrets anywhere: the function app, the bot and telemetry all authenticate as the one managed identity.
//
// Deploy: azd up (azure.yaml, infra/main.bicepparam), or
//   az deployment group create -g <rg> -f infra/main.bicep -p currency=GBP timeZone=Europe/London  (currency: no default)
targetScope = 'resourceGroup'

@minLength(3)
@maxLength(12)
@description('Short lowercase prefix for every resource name (letters and digits).')
param namePrefix string = 'churn'

@description('Region for everything but the bot registration (which is global). Must offer Flex Consumption.')
param location string = resourceGroup().location

@description('IANA time zone of the team, e.g. America/Chicago; the weekly and monthly sends are local to it (the app computes local time: Flex Consumption does not support WEBSITE_TIME_ZONE). The app checks the name at start-up.')
@minLength(1)
@maxLength(64)
param timeZone string = 'UTC'

@description('Weekday of the weekly send, in timeZone.')
@allowed(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'])
param weeklySendDay string = 'Monday'

@description('Time of the weekly send, "HH:MM" (24-hour) in timeZone; the minutes 03, 18, 33 or 48 (the timer\'s ticks).')
@minLength(5)
@maxLength(5)
param weeklySendTime string = '08:03'

@description('Monthly summary time, "HH:MM" (24-hour) on the 1st in timeZone; the minutes 00, 15, 30 or 45 (the timer\'s ticks).')
@minLength(5)
@maxLength(5)
param monthlySendAt string = '09:00'

@description('Comma-separated Teams user ids (Entra object ids) who may act on any customer and undo anyone\'s action.')
param adminUserIds string = ''

// No default: a book in pounds deployed without it would show $ on every card (or, with the orders' currency
// column mapped, stop with "no line is in USD"). The deployer chooses.
@description('ISO 4217 currency of the amounts on the cards, the summary and the CLI, e.g. GBP. Required: no default.')
@minLength(3)
@maxLength(3)
param currency string

@description('BCP 47 locale the amounts and dates are written in, e.g. en-GB.')
@minLength(2)
@maxLength(35)
param locale string = 'en-US'

@description('The team\'s public holidays, a country and optionally its region (ISO 3166: GB-ENG, US, DE-BY); on them no digest goes out, and the weekly card and the monthly summary come the next working day. Empty = none. The app checks the code at start-up.')
@maxLength(10)
param holidays string = ''

@description('Public holidays of `holidays` the team works all the same, comma-separated by the calendar\'s names (e.g. Columbus Day, Veterans Day; any case). Empty = none. The app checks the names at start-up.')
@maxLength(500)
param holidaysWorked string = ''

@description('The team\'s own closed days, days off as a public holiday is: YYYY-MM-DD days and inclusive YYYY-MM-DD..YYYY-MM-DD ranges, comma-separated (e.g. 2026-12-24..2026-12-31,2027-03-15). Empty = none. The app checks the dates at start-up.')
@maxLength(2000)
param closedDays string = ''

@description('A channel of the team for the weekly run\'s notice (19:...@thread.tacv2). Empty = the notice goes 1:1 to each admin.')
param adminChannelId string = ''

@description('Comma-separated Teams user ids (Entra object ids) who see every rep\'s customers in the tabs.')
param managerUserIds string = ''

@description('The Teams app\'s org catalog id (assigned on upload; not the manifest id): the weekly card links names to the personal tab with it. Empty = no links.')
param teamsAppId string = ''

@description('The tabs\' SSO app registration (docs/tabs.md): its client id and Application ID URI (api://<app domain>/<client id>). Empty = the tab API refuses every request.')
param tabSsoClientId string = ''
param tabSsoAudience string = ''

@description('Prefix of every table name, so several books can share one account: a letter, then letters and digits.')
@minLength(1)
@maxLength(21)
param tablePrefix string = 'churn'

@description('Optional name of a rules file (JSON: column mapping, weights) in the feed container; empty = the rules built into the app.')
param rulesBlob string = ''

@description('Azure Bot pricing tier. F0 is free and covers Teams (a standard channel).')
@allowed(['F0', 'S1'])
param botSku string = 'F0'

@description('Flex Consumption scale-out cap per function group (always-ready instances not counted). Flex accepts 1 to 1000 (Microsoft Learn, "Event-driven scaling", Limit scale-out).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Flex Consumption instance size in MB. App-wide: every execution, a button tap included, bills at this size.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Always-ready instances for the HTTP functions (the bot). 0 = scale to zero and cold-start; 1 = no cold start, billed around the clock.')
@minValue(0)
@maxValue(10)
param alwaysReadyInstances int = 0

@description('Private networking: the app reaches storage through private endpoints in a new virtual network, and the storage accounts deny their public endpoint except for allowedIpAddresses.')
param privateNetworking bool = false

@description('With privateNetworking: public IPv4 addresses or CIDR ranges that may still reach the storage accounts (yours, to upload the feed).')
param allowedIpAddresses string[] = []

@description('Email that receives the alerts when a timer (weekly run, daily follow-ups, monthly summary) fails; empty = the alerts show in the portal only.')
param alertEmail string = ''

var token = toLower(uniqueString(subscription().id, resourceGroup().id, namePrefix))
var prefix = toLower(namePrefix)
var functionAppName = '${prefix}-func-${token}'
// Storage account names: 3-24 lowercase letters and digits, globally unique. The data account holds the tables and
// the feed; the host account holds the Functions host's blobs and the deployment package (see roleAssignments.bicep).
var storageAccountName = take('${replace(prefix, '-', '')}st${token}', 24)
var hostStorageAccountName = take('${replace(prefix, '-', '')}host${token}', 24)
var feedContainerName = 'feed'
// Same naming as Microsoft's Flex samples: one deployment container per app.
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(token, 7)}'
var tags = { app: 'churn-predictor' }

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: '${prefix}-id-${token}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: storageAccountName
    location: location
    tags: tags
    containerNames: [feedContainerName]
    withTables: true
    privateNetworking: privateNetworking
    allowedIpAddresses: allowedIpAddresses
  }
}

module hostStorage 'modules/storage.bicep' = {
  name: 'hostStorage'
  params: {
    name: hostStorageAccountName
    location: location
    tags: tags
    containerNames: [deploymentContainerName]
    privateNetworking: privateNetworking
    allowedIpAddresses: allowedIpAddresses
  }
}

module network 'modules/network.bicep' = if (privateNetworking) {
  name: 'network'
  params: {
    name: '${prefix}-vnet-${token}'
    location: location
    tags: tags
    endpoints: [
      { accountName: storageAccountName, service: 'blob' }
      { accountName: storageAccountName, service: 'table' }
      { accountName: hostStorageAccountName, service: 'blob' }
      { accountName: hostStorageAccountName, service: 'table' }
    ]
  }
  dependsOn: [storage, hostStorage]
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: '${prefix}-log-${token}'
    appInsightsName: '${prefix}-appi-${token}'
    location: location
    tags: tags
    alertEmail: alertEmail
  }
}

module roles 'modules/roleAssignments.bicep' = {
  name: 'roleAssignments'
  params: {
    principalId: identity.outputs.principalId
    dataStorageAccountName: storage.outputs.name
    hostStorageAccountName: hostStorage.outputs.name
    feedContainerName: feedContainerName
    appInsightsName: monitoring.outputs.appInsightsName
  }
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'functionApp'
  params: {
    name: functionAppName
    planName: '${prefix}-plan-${token}'
    location: location
    // azd finds the app to deploy to by this tag (azure.yaml: services.api).
    tags: union(tags, { 'azd-service-name': 'api' })
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    dataStorageAccountName: storage.outputs.name
    hostStorageAccountName: hostStorage.outputs.name
    deploymentContainerName: deploymentContainerName
    feedContainerName: feedContainerName
    appInsightsName: monitoring.outputs.appInsightsName
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    timeZone: timeZone
    weeklySendAt: '${weeklySendDay} ${weeklySendTime}'
    monthlySendAt: monthlySendAt
    adminUserIds: adminUserIds
    adminChannelId: adminChannelId
    currency: currency
    locale: locale
    holidays: holidays
    holidaysWorked: holidaysWorked
    closedDays: closedDays
    managerUserIds: managerUserIds
    teamsAppId: teamsAppId
    tabSsoClientId: tabSsoClientId
    tabSsoAudience: tabSsoAudience
    tablePrefix: tablePrefix
    rulesBlob: rulesBlob
    alwaysReadyInstances: alwaysReadyInstances
    subnetId: privateNetworking ? network.outputs.appSubnetId : ''
  }
  // The host starts as soon as the app exists: its identity must already reach storage and telemetry.
  dependsOn: [roles]
}

module bot 'modules/bot.bicep' = {
  name: 'bot'
  params: {
    name: '${prefix}-bot-${token}'
    displayName: 'Churn Predictor'
    sku: botSku
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    messagingEndpoint: 'https://${functionApp.outputs.defaultHostName}/api/messages'
  }
}

@description('The bot\'s Microsoft App ID (the managed identity\'s client id): goes into the Teams app manifest.')
output botAppId string = identity.outputs.clientId

@description('Where Teams posts activities.')
output messagingEndpoint string = 'https://${functionApp.outputs.defaultHostName}/api/messages'

@description('The function app\'s host name: the Teams manifest\'s valid domain.')
output appDomain string = functionApp.outputs.defaultHostName

output functionAppName string = functionApp.outputs.name
output hostStorageAccountName string = hostStorage.outputs.name
output storageAccountName string = storage.outputs.name
output feedContainerName string = feedContainerName
output tenantId string = tenant().tenantId

// The names the Microsoft 365 Agents Toolkit and azd keep in their environment files (env/.env.<name>,
// .azure/<name>/.env), which `npm run package -- --env <name>` reads into the Teams manifest.
output BOT_ID string = identity.outputs.clientId
output BOT_DOMAIN string = functionApp.outputs.defaultHostName
output FUNCTION_APP_NAME string = functionApp.outputs.name
