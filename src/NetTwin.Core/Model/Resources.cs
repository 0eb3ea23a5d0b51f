using System.Collections.Immutable;

namespace NetTwin.Model;

// Immutable topology records, one per Azure resource kind, named as Azure Resource Manager names them.
// References between resources are by name, resolved and checked once by the loader.
// Every record carries Source: where it was declared, so findings can point at the file and line.

public interface IResource
{
    /// <summary>The resource kind as the topology format spells it (virtualNetworks, connections, ...).</summary>
    string Kind { get; }
    string Name { get; }
    SourceRef Source { get; }
}

public static class Kinds
{
    public const string VirtualNetworks = "virtualNetworks";
    public const string Subnets = "subnets";
    public const string VirtualNetworkPeerings = "virtualNetworkPeerings";
    public const string RouteTables = "routeTables";
    public const string NetworkSecurityGroups = "networkSecurityGroups";
    public const string NetworkInterfaces = "networkInterfaces";
    public const string VirtualMachines = "virtualMachines";
    public const string AzureFirewalls = "azureFirewalls";
    public const string VirtualNetworkGateways = "virtualNetworkGateways";
    public const string LocalNetworkGateways = "localNetworkGateways";
    public const string Connections = "connections";
    public const string ExpressRouteCircuits = "expressRouteCircuits";
    public const string OnPremisesDevices = "onPremisesDevices";

    public static readonly ImmutableArray<string> TopLevel =
    [
        VirtualNetworks, VirtualNetworkPeerings, RouteTables, NetworkSecurityGroups, NetworkInterfaces,
        VirtualMachines, AzureFirewalls, VirtualNetworkGateways, LocalNetworkGateways, Connections,
        ExpressRouteCircuits, OnPremisesDevices,
    ];
}

public sealed record VirtualNetwork(
    string Name,
    string Location,
    ImmutableArray<Prefix> AddressPrefixes,
    ImmutableArray<Subnet> Subnets,
    SourceRef Source) : IResource
{
    public string Kind => Kinds.VirtualNetworks;
    public bool Contains(Ipv4 ip)
    {
        foreach (var p in AddressPrefixes)
            if (p.Contains(ip)) return true;
        return false;
    }

    /// <summary>The subnet of this VNet whose prefix holds the address, the longest; at equal length the first.</summary>
    public Subnet? SubnetHolding(Ipv4 ip)
    {
        Subnet? s = null;
        foreach (var x in Subnets)
            if (x.AddressPrefix.Contains(ip) && (s is null || x.AddressPrefix.Length > s.AddressPrefix.Length)) s = x;
        return s;
    }
}

public sealed record Subnet(
    string VirtualNetwork,
    string Name,
    Prefix AddressPrefix,
    string? RouteTable,
    string? NetworkSecurityGroup,
    ImmutableArray<string> ServiceEndpoints,
    SourceRef Source) : IResource
{
    public string Kind => Kinds.Subnets;
    /// <summary>"vnet/subnet", the name used on the command line. Made once per subnet, not on every read (traces and
    /// the matrix read it for every hop): the text is kept with the two names it was made from, so a copy made by
    /// <c>with</c> that renames the subnet or its VNet makes its own.</summary>
    public string Id
    {
        get
        {
            if (_id.Value is { } c && ReferenceEquals(c.Vnet, VirtualNetwork) && ReferenceEquals(c.Name, Name)) return c.Id;
            var id = $"{VirtualNetwork}/{Name}";
            _id.Value = new IdText(VirtualNetwork, Name, id);
            return id;
        }
    }

    private sealed record IdText(string Vnet, string Name, string Id);

    /// <summary>Where <see cref="Id"/> is kept; every cache equals every other, so it changes neither the record's
    /// equality nor its hash.</summary>
    private sealed class IdCache
    {
        public IdText? Value;
        public override bool Equals(object? obj) => obj is IdCache;
        public override int GetHashCode() => 0;
    }

    private readonly IdCache _id = new();
    public const string GatewaySubnetName = "GatewaySubnet";
    public const string AzureFirewallSubnetName = "AzureFirewallSubnet";
    public bool IsGatewaySubnet => Name == GatewaySubnetName;
    public bool IsAzureFirewallSubnet => Name == AzureFirewallSubnetName;
    /// <summary>Subnets that hold workloads (not the gateway or firewall subnets).</summary>
    public bool HoldsWorkloads => !IsGatewaySubnet && !IsAzureFirewallSubnet && Name != "RouteServerSubnet" && Name != "AzureBastionSubnet";
}

public sealed record VirtualNetworkPeering(
    string Name,
    string VirtualNetwork,
    string RemoteVirtualNetwork,
    bool AllowVirtualNetworkAccess,
    bool AllowForwardedTraffic,
    bool AllowGatewayTransit,
    bool UseRemoteGateways,
    SourceRef Source) : IResource
{
    public string Kind => Kinds.VirtualNetworkPeerings;
}

public enum NextHopType { VnetLocal, Internet, None, VirtualAppliance, VirtualNetworkGateway, VNetPeering, VNetGlobalPeering, VirtualNetworkServiceEndpoint }

public sealed record Route(string Name, Prefix AddressPrefix, NextHopType NextHopType, Ipv4? NextHopIpAddress, SourceRef Source)
{
    /// <summary>The service tag given as addressPrefix ([UDR] service tags for user-defined routes); then
    /// <see cref="AddressPrefix"/> is unused and the route covers the tag's prefixes.</summary>
    public string? ServiceTag { get; init; }

    /// <summary>The addressPrefix as written: the prefix or the service tag.</summary>
    public string Destination => ServiceTag ?? AddressPrefix.ToString();
}

public sealed record RouteTable(
    string Name,
    bool DisableBgpRoutePropagation,
    ImmutableArray<Route> Routes,
    SourceRef Source) : IResource
{
    public string Kind => Kinds.RouteTables;
}

public enum SecurityRuleDirection { Inbound, Outbound }
public enum SecurityRuleAccess { Allow, Deny }
public enum TransportProtocol { Any, Tcp, Udp, Icmp }

/// <summary>An NSG or firewall address match: '*', a prefix, an address, or a service tag.</summary>
public sealed record AddressMatch(string Text, Prefix? Prefix, string? ServiceTag)
{
    public bool IsAny => Prefix is null && ServiceTag is null;
    public override string ToString() => Text;
}

/// <summary>An inclusive port range; '*' is 0-65535.</summary>
public readonly record struct PortRange(int From, int To)
{
    public static readonly PortRange All = new(0, 65535);
    public bool Contains(int port) => port >= From && port <= To;
    public override string ToString() => From == 0 && To == 65535 ? "*" : From == To ? $"{From}" : $"{From}-{To}";
}

public sealed record SecurityRule(
    string Name,
    int Priority,
    SecurityRuleDirection Direction,
    SecurityRuleAccess Access,
    TransportProtocol Protocol,
    ImmutableArray<AddressMatch> SourceAddressPrefixes,
    ImmutableArray<PortRange> SourcePortRanges,
    ImmutableArray<AddressMatch> DestinationAddressPrefixes,
    ImmutableArray<PortRange> DestinationPortRanges,
    SourceRef Source);

public sealed record NetworkSecurityGroup(
    string Name,
    ImmutableArray<SecurityRule> SecurityRules,
    SourceRef Source) : IResource
{
    public string Kind => Kinds.NetworkSecurityGroups;
}

public sealed record NetworkInterface(
    string Name,
    string Subnet,
    Ipv4 PrivateIPAddress,
    bool EnableIPForwarding,
    string? NetworkSecurityGroup,
    string? VirtualMachine,
    SourceRef Source) : IResource
{
    public string Kind => Kinds.NetworkInterfaces;
}

/// <summary>A route in an appliance's own operating system.</summary>
public sealed record OsRoute(Prefix AddressPrefix, Ipv4 NextHopIpAddress);

/// <summary>Source NAT (masquerade) done by an appliance: packets leaving through OutboundInterface to
/// Destinations (empty = any) get the interface's address as their source.</summary>
public sealed record ApplianceSnat(string OutboundInterface, ImmutableArray<Prefix> Destinations, bool ExceptPrivateRanges);

/// <summary>What a VM does when it is a network virtual appliance.</summary>
public sealed record Appliance(
    bool IpForwarding,
    bool Stateful,
    ImmutableArray<OsRoute> Routes,
    ImmutableArray<ApplianceSnat> Snat);

public sealed record VirtualMachine(
    string Name,
    ImmutableArray<string> NetworkInterfaces,
    Appliance? Appliance,
    SourceRef Source) : IResource
{
    public string Kind => Kinds.VirtualMachines;
}

public enum FirewallProtocol { Any, Tcp, Udp, Icmp }

public sealed record FirewallNetworkRule(
    string Name,
    ImmutableArray<FirewallProtocol> Protocols,
    ImmutableArray<AddressMatch> SourceAddresses,
    ImmutableArray<AddressMatch> DestinationAddresses,
    ImmutableArray<PortRange> DestinationPorts);

public sealed record FirewallRuleCollection(
    string Name,
    int Priority,
    SecurityRuleAccess Action,
    ImmutableArray<FirewallNetworkRule> Rules,
    SourceRef Source);

public sealed record AzureFirewall(
    string Name,
    string Subnet,
    Ipv4 PrivateIPAddress,
    Ipv4? PublicIPAddress,
    ImmutableArray<FirewallRuleCollection> NetworkRuleCollections,
    /// <summary>SNAT private ranges (F4): destinations in these are not SNATed. Default: IANA private ranges.</summary>
    ImmutableArray<Prefix> SnatPrivateRanges,
    SourceRef Source) : IResource
{
    public string Kind => Kinds.AzureFirewalls;
}

public enum GatewayType { Vpn, ExpressRoute }
public enum VpnType { RouteBased, PolicyBased }

/// <summary>One instance of a gateway (two when active-active).</summary>
public sealed record GatewayIpConfiguration(
    string Name,
    Ipv4 PrivateIPAddress,
    Ipv4? PublicIPAddress,
    /// <summary>The BGP address Azure assigns from the GatewaySubnet.</summary>
    Ipv4 DefaultBgpIpAddress,
    ImmutableArray<Ipv4> CustomBgpIpAddresses);

public sealed record BgpSettings(long Asn, Ipv4? BgpPeeringAddress, int PeerWeight);

public enum NatRuleType { Static, Dynamic }
public enum NatRuleMode { IngressSnat, EgressSnat }

public sealed record VirtualNetworkGatewayNatRule(
    string Name,
    NatRuleType Type,
    NatRuleMode Mode,
    ImmutableArray<Prefix> InternalMappings,
    ImmutableArray<Prefix> ExternalMappings,
    string? IpConfigurationId,
    SourceRef Source);

public sealed record VirtualNetworkGateway(
    string Name,
    string Subnet,
    GatewayType GatewayType,
    VpnType VpnType,
    string Sku,
    bool ActiveActive,
    bool EnableBgp,
    BgpSettings BgpSettings,
    ImmutableArray<GatewayIpConfiguration> IpConfigurations,
    ImmutableArray<VirtualNetworkGatewayNatRule> NatRules,
    SourceRef Source) : IResource
{
    public string Kind => Kinds.VirtualNetworkGateways;
    public string VirtualNetwork => Subnet.Split('/')[0];
}

public sealed record LocalNetworkGateway(
    string Name,
    Ipv4 GatewayIpAddress,
    ImmutableArray<Prefix> AddressPrefixes,
    BgpSettings? BgpSettings,
    SourceRef Source) : IResource
{
    public string Kind => Kinds.LocalNetworkGateways;
}

public enum ConnectionType { IPsec, Vnet2Vnet, ExpressRoute }
public enum ConnectionMode { Default, InitiatorOnly, ResponderOnly }

public sealed record TrafficSelectorPolicy(ImmutableArray<Prefix> LocalAddressRanges, ImmutableArray<Prefix> RemoteAddressRanges);

public sealed record IpsecPolicy(
    int SaLifeTimeSeconds,
    long SaDataSizeKilobytes,
    string IpsecEncryption,
    string IpsecIntegrity,
    string IkeEncryption,
    string IkeIntegrity,
    string DhGroup,
    string PfsGroup,
    SourceRef Source);

public sealed record Connection(
    string Name,
    ConnectionType ConnectionType,
    string VirtualNetworkGateway1,
    string? LocalNetworkGateway2,
    string? VirtualNetworkGateway2,
    /// <summary>The ExpressRoute circuit, for ExpressRoute connections.</summary>
    string? Peer,
    int RoutingWeight,
    string? SharedKey,
    bool EnableBgp,
    bool UsePolicyBasedTrafficSelectors,
    ImmutableArray<TrafficSelectorPolicy> TrafficSelectorPolicies,
    ConnectionMode ConnectionMode,
    ImmutableArray<IpsecPolicy> IpsecPolicies,
    bool UseLocalAzureIpAddress,
    ImmutableArray<string> IngressNatRules,
    ImmutableArray<string> EgressNatRules,
    SourceRef Source) : IResource
{
    public string Kind => Kinds.Connections;
}

public sealed record AdvertisedRoute(Prefix Prefix, ImmutableArray<long> AsPath);

public sealed record ExpressRouteCircuitPeering(
    string PeeringType,
    long PeerAsn,
    Prefix? PrimaryPeerAddressPrefix,
    Prefix? SecondaryPeerAddressPrefix,
    int VlanId,
    /// <summary>Routes on-premises advertises over this peering when no on-premises router is modelled
    /// (NetTwin extension; AS path defaults to the peer ASN).</summary>
    ImmutableArray<AdvertisedRoute> PeerAdvertisedRoutes,
    SourceRef Source);

public sealed record ExpressRouteCircuit(
    string Name,
    string Location,
    string SkuTier,
    ImmutableArray<ExpressRouteCircuitPeering> Peerings,
    SourceRef Source) : IResource
{
    public string Kind => Kinds.ExpressRouteCircuits;
    public const long MicrosoftAsn = 12076;
}

public enum IpsecNarrowing { Exact, Rfc7296 }

public sealed record DeviceInterface(string Name, Prefix Address, Ipv4 IpAddress);

/// <summary>An on-premises router or VPN peer (NetTwin extension). Declared in YAML, or given as a
/// Cisco IOS configuration file that later stages parse.</summary>
public sealed record OnPremisesDevice(
    string Name,
    /// <summary>Path of a Cisco IOS configuration file, resolved against the topology folder.</summary>
    string? Config,
    long? Asn,
    ImmutableArray<DeviceInterface> Interfaces,
    /// <summary>The networks behind this device where hosts live (LANs).</summary>
    ImmutableArray<Prefix> AddressPrefixes,
    IpsecNarrowing Narrowing,
    SourceRef Source) : IResource
{
    public string Kind => Kinds.OnPremisesDevices;

    /// <summary>The parsed configuration (from <see cref="Config"/>), attached by the loader.</summary>
    public DeviceConfig? Configuration { get; init; }

    /// <summary>Lines of the configuration NetTwin did not understand (reported, never silently dropped).</summary>
    public ImmutableArray<ConfigNote> ConfigNotes { get; init; } = [];
}

/// <summary>A configuration line NetTwin read but did not understand or ignored on purpose.</summary>
public sealed record ConfigNote(SourceRef Source, string Text, string Message, bool Ignored);

/// <summary>What a change set can fail or restore.</summary>
public enum FailureKind { GatewayInstance, Connection, Circuit, BgpPeer }

/// <summary>A failed element: a gateway instance (Name + Instance), a connection, a circuit,
/// or one BGP peer of a speaker (Name = gateway or device, Peer = neighbour address).</summary>
public sealed record Failure(FailureKind Kind, string Name, int? Instance = null, Ipv4? Peer = null)
{
    public override string ToString() => Kind switch
    {
        FailureKind.GatewayInstance => $"virtualNetworkGateways/{Name}/instances/{Instance}",
        FailureKind.Connection => $"connections/{Name}",
        FailureKind.Circuit => $"expressRouteCircuits/{Name}",
        _ => $"bgpPeers/{Name}/{Peer}",
    };
}
