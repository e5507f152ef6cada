// Workspace-based Application Insights with local (key) auth off: telemetry is accepted only with an Entra token,
// which the host gets from the managed identity (APPLICATIONINSIGHTS_AUTHENTICATION_STRING in the app settings).
param logAnalyticsName string
param appInsightsName string
param location string
param tags object = {}

@description('Days Log Analytics keeps data; 30 is within the included retention.')
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

output appInsightsName string = appInsights.name
output workspaceId string = workspace.id
