// The one identity of the product: the function app runs as it, reaches storage and telemetry as it, and the Azure
// Bot uses it as the bot's Microsoft App ID (msaAppType 'UserAssignedMSI'), so no client secret exists anywhere.
param name string
param location string
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
