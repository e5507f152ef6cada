// Churn Predictor for Microsoft Teams: everything the product needs in one resource group.
//
// Shape follows Microsoft's published Flex Consumption templates (Azure-Samples/functions-quickstart-typescript-azd
// infra/main.bicep and Azure-Samples/azure-functions-flex-consumption-samples IaC/bicep): one user-assigned identity,
// identity-based host storage, shared key access off, App Insights with local auth off. The bot registration follows
// OfficeDev/Microsoft-Teams-Samples .../infra/botRegistration/azurebot.bicep (msaAppType 'UserAssignedMSI').
// No secrets anywhere: the function app, the bot and telemetry all authenticate as the one managed identity.
//
// Deploy: az deployment group create -g <rg> -f infra/main.bicep -p namePrefix=churn timeZone=America/Chicago
targetScope = 'resourceGroup'

@minLength(3)
@maxLength(12)
@description('Short lowercase prefix for every resource name (letters and digits).')
param namePrefix string = 'churn'

@description('Region for everything but the bot registration (which is global). Must offer Flex Consumption.')
param location string = resourceGroup().location

@description('IANA time zone of the team; the weekly and monthly sends are local to it (the app computes local time: Linux plans ignore WEBSITE_TIME_ZONE).')
param timeZone string = 'UTC'

@description('Weekly send, "<Weekday> HH:MM" in timeZone.')
param weeklySendAt string = 'Monday 08:03'

@description('Monthly summary time, "HH:MM" on the 1st in timeZone.')
param monthlySendAt string = '09:00'

@description('Comma-separated Teams user ids (Entra object ids) who may act on any customer and undo anyone\'s action.')
param adminUserIds string = ''

@description('Comma-separated Teams user ids (Entra object ids) who see every rep\'s customers in the tabs.')
param managerUserIds string = ''

@description('The Teams app id (manifest id): the weekly card links names to the personal tab. Empty = no links.')
param teamsAppId string = ''

@description('The tabs\' SSO app registration (docs/tabs.md): its client id and Application ID URI (api://<app domain>/<client id>). Empty = the tab API refuses every request.')
param tabSsoClientId string = ''
param tabSsoAudience string = ''

@description('Prefix of every table name, so several books can share one account (letters and digits).')
param tablePrefix string = 'churn'

@description('Optional path of a rules file inside the deployed package; empty = the rules built into the app.')
param rulesFile string = ''

@description('Azure Bot pricing tier. F0 is free and covers Teams (a standard channel).')
@allowed(['F0', 'S1'])
param botSku string = 'F0'

@description('Flex Consumption scale-out cap.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Flex Consumption instance size in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

var token = toLower(uniqueString(subscription().id, resourceGroup().id, namePrefix))
var prefix = toLower(namePrefix)
var functionAppName = '${prefix}-func-${token}'
// Storage account names: 3-24 lowercase letters and digits, globally unique.
var storageAccountName = take('${replace(prefix, '-', '')}st${token}', 24)
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
    feedContainerName: feedContainerName
    deploymentContainerName: deploymentContainerName
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: '${prefix}-log-${token}'
    appInsightsName: '${prefix}-appi-${token}'
    location: location
    tags: tags
  }
}

module roles 'modules/roleAssignments.bicep' = {
  name: 'roleAssignments'
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
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
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    feedContainerName: feedContainerName
    appInsightsName: monitoring.outputs.appInsightsName
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    timeZone: timeZone
    weeklySendAt: weeklySendAt
    monthlySendAt: monthlySendAt
    adminUserIds: adminUserIds
    managerUserIds: managerUserIds
    teamsAppId: teamsAppId
    tabSsoClientId: tabSsoClientId
    tabSsoAudience: tabSsoAudience
    tablePrefix: tablePrefix
    rulesFile: rulesFile
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
output storageAccountName string = storage.outputs.name
output feedContainerName string = feedContainerName
output tenantId string = tenant().tenantId
