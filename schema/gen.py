#!/usr/bin/env python3
"""Writes schema/nettwin.schema.json (kept in the repo). Edit this file, not the JSON: `python3 schema/gen.py`."""
import json, os

def obj(props, required=(), desc=None):
    o = {"type": "object", "properties": props, "additionalProperties": False}
    if required: o["required"] = list(required)
    if desc: o["description"] = desc
    return o
def arr(items, desc=None):
    a = {"type": "array", "items": items}
    if desc: a["description"] = desc
    return a
def enum(*values, desc=None):
    e = {"type": "string", "enum": list(values)}
    if desc: e["description"] = desc
    return e
S = {"type": "string"}
B = {"type": "boolean"}
I = {"type": "integer"}
REF = lambda n: {"$ref": f"#/definitions/{n}"}
NAME = {"type": "string", "minLength": 1}
CIDR = {"type": "string", "description": "IPv4 prefix a.b.c.d/n, no host bits"}
IP = {"type": "string", "description": "IPv4 address"}
PORT = {"type": ["string", "integer"], "description": "'*', a port, or a range 'a-b'"}

defs = {}
defs["subnet"] = obj({
    "name": NAME, "addressPrefix": CIDR, "routeTable": S, "networkSecurityGroup": S,
    "serviceEndpoints": arr(S)}, ["name", "addressPrefix"])
defs["virtualNetwork"] = obj({
    "name": NAME, "location": S, "region": S,
    "addressSpace": {"oneOf": [arr(CIDR), obj({"addressPrefixes": arr(CIDR)}, ["addressPrefixes"])]},
    "subnets": arr(REF("subnet"))}, ["name", "addressSpace"])
defs["virtualNetworkPeering"] = obj({
    "name": NAME, "virtualNetwork": NAME, "remoteVirtualNetwork": NAME,
    "allowVirtualNetworkAccess": B, "allowForwardedTraffic": B, "allowGatewayTransit": B,
    "useRemoteGateways": B, "doNotVerifyRemoteGateways": B}, ["name", "virtualNetwork", "remoteVirtualNetwork"])
defs["route"] = obj({
    "name": NAME, "addressPrefix": {"type": "string", "description": "IPv4 prefix a.b.c.d/n, or a service tag (Storage, Sql.WestEurope) expanded from the folder's service tags file"},
    "nextHopType": enum("VnetLocal", "Internet", "None", "VirtualAppliance", "VirtualNetworkGateway"),
    "nextHopIpAddress": IP}, ["name", "addressPrefix", "nextHopType"])
defs["routeTable"] = obj({"name": NAME, "location": S, "disableBgpRoutePropagation": B, "routes": arr(REF("route"))}, ["name"])
defs["securityRule"] = obj({
    "name": NAME, "priority": I, "direction": enum("Inbound", "Outbound"), "access": enum("Allow", "Deny"),
    "protocol": enum("Tcp", "Udp", "Icmp", "*", "Any"), "description": S,
    "sourceAddressPrefix": S, "sourceAddressPrefixes": arr(S),
    "sourcePortRange": PORT, "sourcePortRanges": arr(PORT),
    "destinationAddressPrefix": S, "destinationAddressPrefixes": arr(S),
    "destinationPortRange": PORT, "destinationPortRanges": arr(PORT)},
    ["name", "priority", "direction", "access", "protocol"])
defs["networkSecurityGroup"] = obj({"name": NAME, "location": S, "securityRules": arr(REF("securityRule"))}, ["name"])
defs["networkInterface"] = obj({
    "name": NAME, "subnet": NAME, "privateIPAddress": IP, "enableIPForwarding": B,
    "networkSecurityGroup": S}, ["name", "subnet", "privateIPAddress"])
defs["inlineNetworkInterface"] = obj({
    "name": NAME, "subnet": NAME, "privateIPAddress": IP, "enableIPForwarding": B,
    "networkSecurityGroup": S}, ["subnet", "privateIPAddress"])
defs["appliance"] = obj({
    "ipForwarding": B, "stateful": B,
    "routes": arr(obj({"addressPrefix": CIDR, "nextHopIpAddress": IP}, ["addressPrefix", "nextHopIpAddress"])),
    "snat": arr(obj({"outboundInterface": NAME, "destinations": arr(CIDR), "exceptPrivateRanges": B}, ["outboundInterface"]))})
defs["virtualMachine"] = obj({
    "name": NAME,
    "networkInterfaces": arr({"oneOf": [NAME, REF("inlineNetworkInterface")]}),
    "appliance": REF("appliance")}, ["name", "networkInterfaces"])
defs["firewallRule"] = obj({
    "name": NAME, "description": S, "protocols": arr(enum("TCP", "UDP", "ICMP", "Any")),
    "sourceAddresses": arr(S), "destinationAddresses": arr(S), "destinationPorts": arr(PORT)},
    ["name", "protocols", "sourceAddresses", "destinationAddresses", "destinationPorts"])
defs["azureFirewall"] = obj({
    "name": NAME, "location": S, "subnet": NAME, "privateIPAddress": IP, "publicIPAddress": IP,
    "snat": obj({"privateRanges": arr(S)}),
    "networkRuleCollections": arr(obj({
        "name": NAME, "priority": I, "action": enum("Allow", "Deny"), "rules": arr(REF("firewallRule"))},
        ["name", "priority", "action", "rules"]))}, ["name", "subnet", "privateIPAddress"])
defs["bgpSettings"] = obj({
    "asn": I, "bgpPeeringAddress": IP, "peerWeight": I,
    "bgpPeeringAddresses": arr(obj({
        "ipconfigurationId": NAME, "defaultBgpIpAddresses": arr(IP), "customBgpIpAddresses": arr(IP)},
        ["ipconfigurationId"]))})
defs["natRule"] = obj({
    "name": NAME, "type": enum("Static", "Dynamic"), "mode": enum("IngressSnat", "EgressSnat"),
    "internalMappings": arr(CIDR), "externalMappings": arr(CIDR), "ipConfigurationId": S},
    ["name", "type", "mode", "internalMappings", "externalMappings"])
defs["virtualNetworkGateway"] = obj({
    "name": NAME, "location": S, "subnet": NAME, "gatewayType": enum("Vpn", "ExpressRoute"),
    "vpnType": enum("RouteBased", "PolicyBased"), "sku": S, "activeActive": B, "enableBgp": B,
    "bgpSettings": REF("bgpSettings"),
    "ipConfigurations": arr(obj({"name": NAME, "privateIPAddress": IP, "publicIPAddress": IP}, ["name"])),
    "natRules": arr(REF("natRule"))}, ["name", "subnet", "gatewayType", "sku"])
defs["localNetworkGateway"] = obj({
    "name": NAME, "location": S, "gatewayIpAddress": IP, "addressPrefixes": arr(CIDR),
    "bgpSettings": obj({"asn": I, "bgpPeeringAddress": IP, "peerWeight": I}, ["asn", "bgpPeeringAddress"])},
    ["name", "gatewayIpAddress"])
defs["ipsecPolicy"] = obj({
    "saLifeTimeSeconds": I, "saDataSizeKilobytes": I, "ipsecEncryption": S, "ipsecIntegrity": S,
    "ikeEncryption": S, "ikeIntegrity": S, "dhGroup": S, "pfsGroup": S},
    ["saLifeTimeSeconds", "saDataSizeKilobytes", "ipsecEncryption", "ipsecIntegrity", "ikeEncryption", "ikeIntegrity", "dhGroup", "pfsGroup"])
defs["connection"] = obj({
    "name": NAME, "location": S, "connectionType": enum("IPsec", "Vnet2Vnet", "ExpressRoute"),
    "virtualNetworkGateway1": NAME, "localNetworkGateway2": NAME, "virtualNetworkGateway2": NAME, "peer": NAME,
    "routingWeight": I, "sharedKey": S, "enableBgp": B, "usePolicyBasedTrafficSelectors": B,
    "trafficSelectorPolicies": arr(obj({"localAddressRanges": arr(CIDR), "remoteAddressRanges": arr(CIDR)},
                                       ["localAddressRanges", "remoteAddressRanges"])),
    "connectionMode": enum("Default", "InitiatorOnly", "ResponderOnly"),
    "connectionProtocol": enum("IKEv2", "IKEv1"),
    "ipsecPolicies": arr(REF("ipsecPolicy")), "useLocalAzureIpAddress": B,
    "ingressNatRules": arr(NAME), "egressNatRules": arr(NAME)},
    ["name", "connectionType", "virtualNetworkGateway1"])
defs["expressRouteCircuit"] = obj({
    "name": NAME, "location": S, "sku": obj({"tier": enum("Standard", "Premium", "Local"), "family": S}),
    "bandwidthInMbps": I, "serviceProviderName": S, "peeringLocation": S,
    "peerings": arr(obj({
        "peeringType": enum("AzurePrivatePeering", "MicrosoftPeering"), "peerASN": I,
        "primaryPeerAddressPrefix": CIDR, "secondaryPeerAddressPrefix": CIDR, "vlanId": I,
        "peerAdvertisedRoutes": arr(obj({"prefix": CIDR, "asPath": arr(I)}, ["prefix"]))},
        ["peeringType", "peerASN"]))}, ["name"])
defs["onPremisesDevice"] = obj({
    "name": NAME, "description": S, "config": S, "asn": I,
    "interfaces": arr(obj({"name": NAME, "address": CIDR}, ["name", "address"])),
    "addressPrefixes": arr(CIDR), "narrowing": enum("exact", "rfc7296")}, ["name"])

kinds = {
    "virtualNetworks": "virtualNetwork", "virtualNetworkPeerings": "virtualNetworkPeering",
    "routeTables": "routeTable", "networkSecurityGroups": "networkSecurityGroup",
    "networkInterfaces": "networkInterface", "virtualMachines": "virtualMachine",
    "azureFirewalls": "azureFirewall", "virtualNetworkGateways": "virtualNetworkGateway",
    "localNetworkGateways": "localNetworkGateway", "connections": "connection",
    "expressRouteCircuits": "expressRouteCircuit", "onPremisesDevices": "onPremisesDevice",
}
schema = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "https://nettwin.dev/schema/nettwin.schema.json",
    "title": "NetTwin topology file",
    "description": "One YAML file of a NetTwin topology folder: lists of resources by kind, ARM property names, references by name.",
    "type": "object",
    "properties": {k: arr(REF(v)) for k, v in kinds.items()},
    "additionalProperties": False,
    "definitions": defs,
}
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "nettwin.schema.json"), "w") as f:
    json.dump(schema, f, indent=2)
    f.write("\n")
