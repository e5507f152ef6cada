// Workspace-based Application Insights with local (key) auth off: telemetry is accepted only with an Entra token,
// which the host gets from the managed identity (APPLICATIONINSIGHTS_AUTHENTICATION_STRING in the app settings).
param logAnalyticsName string
param appInsightsName string
param location string
param tags object = {}

@description('Days Log Analytics keeps data; 30 is within the included retention.')
param retentionInDays int = 30

@description('Where the weekly-run alert is emailed; empty = the alert only shows in the portal (Monitor > Alerts).')
param alertEmail string = ''

@description('The timer function whose failed runs raise the alert.')
param weeklyFunctionName string = 'weeklyRun'

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

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: '${appInsightsName}-ag'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'churnalert'
    enabled: true
    emailReceivers: [{ name: 'operator', emailAddress: alertEmail, useCommonAlertSchema: true }]
  }
}

// The weekly run is a timer: nobody is waiting on it, and the timer does not retry. A failed invocation (the feed
// missing, storage refusing, an exception) is a `requests` row with success false; alert on the first one.
resource weeklyRunFailed 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: '${appInsightsName}-weekly-run-failed'
  location: location
  tags: tags
  properties: {
    displayName: 'Churn Predictor: the weekly run failed'
    description: 'A ${weeklyFunctionName} invocation failed: no cards went out for that tick. See the exceptions in Application Insights.'
    severity: 1
    enabled: true
    scopes: [appInsights.id]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'requests | where operation_Name == "${weeklyFunctionName}" and success == false'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: empty(alertEmail) ? [] : [actionGroup.id] }
  }
}

output appInsightsName string = appInsights.name
output workspaceId string = workspace.id
