// Optional private networking (main.bicep privateNetworking=true): a virtual network whose 'app' subnet the Flex
// Consumption app integrates with (delegated to Microsoft.App/environments, as Flex requires) and whose 'endpoints'
// subnet holds private endpoints for the storage services the app uses, each with its private DNS zone.
// Shape follows Azure-Samples/functions-quickstart-typescript-azd infra/app/vnet.bicep.
param name string
param location string
param tags object = {}

@description('A storage service to reach privately: the account (in this resource group) and the sub-resource.')
type privateEndpointTarget = {
  accountName: string
  service: 'blob' | 'table'
}

@description('The storage services the app reaches through private endpoints.')
param endpoints privateEndpointTarget[]

resource vnet 'Microsoft.Network/virtualNetworks@2023-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: ['10.0.0.0/16'] }
    subnets: [
      {
        name: 'endpoints'
        properties: {
          addressPrefixes: ['10.0.1.0/27']
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
      {
        name: 'app'
        properties: {
          // Flex Consumption scales out into this subnet: a /26 leaves room for about 59 instances.
          addressPrefixes: ['10.0.2.0/26']
          delegations: [{ name: 'flex', properties: { serviceName: 'Microsoft.App/environments' } }]
        }
      }
    ]
  }
}

resource endpointSubnet 'Microsoft.Network/virtualNetworks/subnets@2023-11-01' existing = {
  parent: vnet
  name: 'endpoints'
}

resource appSubnet 'Microsoft.Network/virtualNetworks/subnets@2023-11-01' existing = {
  parent: vnet
  name: 'app'
}

var services = union(map(endpoints, e => e.service), [])

resource zones 'Microsoft.Network/privateDnsZones@2020-06-01' = [
  for service in services: {
    name: 'privatelink.${service}.${environment().suffixes.storage}'
    location: 'global'
    tags: tags
  }
]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = [
  for (service, i) in services: {
    parent: zones[i]
    name: '${name}-link'
    location: 'global'
    properties: {
      virtualNetwork: { id: vnet.id }
      registrationEnabled: false
    }
  }
]

resource privateEndpoints 'Microsoft.Network/privateEndpoints@2023-11-01' = [
  for e in endpoints: {
    name: '${e.accountName}-${e.service}-pe'
    location: location
    tags: tags
    properties: {
      subnet: { id: endpointSubnet.id }
      privateLinkServiceConnections: [
        {
          name: '${e.service}-connection'
          properties: { privateLinkServiceId: resourceId('Microsoft.Storage/storageAccounts', e.accountName), groupIds: [e.service] }
        }
      ]
    }
  }
]

resource zoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2023-11-01' = [
  for (e, i) in endpoints: {
    parent: privateEndpoints[i]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: e.service
          properties: { privateDnsZoneId: zones[indexOf(services, e.service)].id }
        }
      ]
    }
  }
]

output appSubnetId string = appSubnet.id
