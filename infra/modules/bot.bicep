// The Azure Bot registration with the Microsoft Teams channel. Its identity is the user-assigned managed identity
// (msaAppType 'UserAssignedMSI'), as in OfficeDev/Microsoft-Teams-Samples
// samples/bot-message-reaction/csharp/M365Agent/infra/botRegistration/azurebot.bicep; the resource shape is the
// Microsoft.BotService/botServices reference (API 2022-09-15).
param name string
param displayName string
param sku string
param tags object = {}
param identityId string
param identityClientId string
param messagingEndpoint string

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: name
  // Bot registrations are global resources.
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: { name: sku }
  properties: {
    displayName: displayName
    endpoint: messagingEndpoint
    msaAppId: identityClientId
    msaAppMSIResourceId: identityId
    msaAppTenantId: tenant().tenantId
    msaAppType: 'UserAssignedMSI'
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

output name string = bot.name
