// Workspace-based Application Insights with local (key) auth off: telemetry is accepted only with an Entra token,
// which the host gets from the managed identity (APPLICATIONINSIGHTS_AUTHENTICATION_STRING in the app settings).
param logAnalyticsName string
param appInsightsName string
param location string
param tags object = {}

@description('Days Log Analytics keeps data; 30 is within the included retention.')
param retentionInDays int = 30

@description('Where the timers\' alerts are emailed; empty = the alerts only show in the portal (Monitor > Alerts).')
param alertEmail string = ''

@description('The weekly timer function: its failed runs raise an alert.')
param weeklyFunctionName string = 'weeklyRun'

@description('The daily follow-ups timer function: its failed runs raise an alert.')
param dailyFunctionName string = 'dailyFollowUps'

@description('The monthly summary timer function: its failed runs raise an alert.')
param monthlyFunctionName string = 'monthlySummary'

// One rule per timer; the weekly rule keeps its name (and so the deployed resource).
var timerAlerts = [
  {
    key: 'weekly-run'
    functionName: weeklyFunctionName
    title: 'the weekly run failed'
    effect: 'no cards went out for that tick'
  }
  {
    key: 'daily-follow-ups'
    functionName: dailyFunctionName
    title: 'the daily follow-ups failed'
    effect: 'no digests went out for that tick (the next working day catches up)'
  }
  {
    key: 'monthly-summary'
    functionName: monthlyFunctionName
    title: 'the monthly summary failed'
    effect: 'the summary was not posted on that tick'
  }
]

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

// The runs are timers: nobody is waiting on them, and a timer does not retry. A failed invocation (storage
// refusing, an exception; a feed problem stops the run and tells the admins in Teams instead) is a `requests`
// row with success false; alert on the first one.
resource timerRunFailed 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = [for t in timerAlerts: {
  name: '${appInsightsName}-${t.key}-failed'
  location: location
  tags: tags
  properties: {
    displayName: 'Churn Predictor: ${t.title}'
    description: 'A ${t.functionName} invocation failed: ${t.effect}. See the exceptions in Application Insights.'
    severity: 1
    enabled: true
    scopes: [appInsights.id]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'requests | where operation_Name == "${t.functionName}" and success == false'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: empty(alertEmail) ? [] : [actionGroup.id] }
  }
}]

output appInsightsName string = appInsights.name
output workspaceId string = workspace.id
