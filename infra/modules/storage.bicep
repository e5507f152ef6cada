// One StorageV2 account with the given blob containers (and the table service when asked). Used twice: the data
// account (the product's tables and the feed) and the host account (Functions host storage and the Flex deployment
// container), so the app's identity can own the host account's blobs while only reading the feed.
// Key-based access is off (Microsoft's Flex quickstarts set allowSharedKeyAccess: false too), so every client, the
// host included, must use Entra ID.
param name string
param location string
param tags object = {}

@description('Blob containers to create (private).')
param containerNames string[]

@description('Whether the account serves Table Storage to the app.')
param withTables bool = false

@description('Private networking: deny the public endpoint except for these IPv4 addresses or CIDR ranges.')
param privateNetworking bool = false
param allowedIpAddresses string[] = []

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    // Without private networking, Flex Consumption reaches storage over the public endpoint. With it, the app goes
    // through private endpoints and the public endpoint admits only the listed addresses (the operator's, to upload
    // the feed); 'AzureServices' lets trusted Azure services such as the Flex deployment through.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
      ipRules: [for ip in (privateNetworking ? allowedIpAddresses : []): { value: trim(ip), action: 'Allow' }]
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: { publicAccess: 'None' }
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = if (withTables) {
  parent: account
  name: 'default'
}

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output tableEndpoint string = account.properties.primaryEndpoints.table
