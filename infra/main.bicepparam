// Parameters for `azd up` / `azd provision` (azd sets AZURE_ENV_NAME and passes its environment, so
// `azd env set TIME_ZONE America/Chicago` changes a value) and for
// `az deployment group create -g <rg> -p infra/main.bicepparam` (then the defaults below, or exported variables).
// Every parameter of main.bicep but location (the resource group's) is here; test/unit/infra checks that the names
// and defaults match it. CURRENCY has none: set it (`azd env set CURRENCY GBP`, `export CURRENCY=GBP`).
using 'main.bicep'

param namePrefix = readEnvironmentVariable('NAME_PREFIX', 'churn')
param timeZone = readEnvironmentVariable('TIME_ZONE', 'UTC')
param weeklySendDay = readEnvironmentVariable('WEEKLY_SEND_DAY', 'Monday')
param weeklySendTime = readEnvironmentVariable('WEEKLY_SEND_TIME', '08:03')
param monthlySendAt = readEnvironmentVariable('MONTHLY_SEND_AT', '09:00')
param adminUserIds = readEnvironmentVariable('ADMIN_USER_IDS', '')
param adminChannelId = readEnvironmentVariable('ADMIN_CHANNEL_ID', '')
// No fallback: while CURRENCY is unset this file does not build ("Environment variable does not exist, and no
// default value set"), naming it, before anything is deployed.
param currency = readEnvironmentVariable('CURRENCY')
param locale = readEnvironmentVariable('LOCALE', 'en-US')
param holidays = readEnvironmentVariable('HOLIDAYS', '')
param holidaysWorked = readEnvironmentVariable('HOLIDAYS_WORKED', '')
param closedDays = readEnvironmentVariable('CLOSED_DAYS', '')
param managerUserIds = readEnvironmentVariable('MANAGER_USER_IDS', '')
param teamsAppId = readEnvironmentVariable('TEAMS_APP_ID', '')
param tabSsoClientId = readEnvironmentVariable('TAB_SSO_CLIENT_ID', '')
param tabSsoAudience = readEnvironmentVariable('TAB_SSO_AUDIENCE', '')
param tablePrefix = readEnvironmentVariable('TABLE_PREFIX', 'churn')
param rulesBlob = readEnvironmentVariable('RULES_BLOB', '')
param botSku = readEnvironmentVariable('BOT_SKU', 'F0')
param maximumInstanceCount = int(readEnvironmentVariable('MAXIMUM_INSTANCE_COUNT', '40'))
param instanceMemoryMB = int(readEnvironmentVariable('INSTANCE_MEMORY_MB', '2048'))
param alwaysReadyInstances = int(readEnvironmentVariable('ALWAYS_READY_INSTANCES', '0'))
param privateNetworking = bool(readEnvironmentVariable('PRIVATE_NETWORKING', 'false'))
param allowedIpAddresses = empty(readEnvironmentVariable('ALLOWED_IP_ADDRESSES', '')) ? [] : split(readEnvironmentVariable('ALLOWED_IP_ADDRESSES', ''), ',')
param alertEmail = readEnvironmentVariable('ALERT_EMAIL', '')
