using System.Collections.Immutable;

namespace NetTwin.Model;

/// <summary>A whole estate: every resource, by kind, after loading, merging and applying change sets.
/// Immutable; lookups are by name as the topology spells it.</summary>
public sealed record Topology
{
    public string Root { get; init; } = "";
    public ImmutableArray<VirtualNetwork> VirtualNetworks { get; init { field = value; _index = null; } } = [];
    public ImmutableArray<VirtualNetworkPeering> VirtualNetworkPeerings { get; init { field = value; _index = null; } } = [];
    public ImmutableArray<RouteTable> RouteTables { get; init { field = value; _index = null; } } = [];
    public ImmutableArray<NetworkSecurityGroup> NetworkSecurityGroups { get; init { field = value; _index = null; } } = [];
    public ImmutableArray<NetworkInterface> NetworkInterfaces { get; init { field = value; _index = null; } } = [];
    public ImmutableArray<VirtualMachine> VirtualMachines { get; init { field = value; _index = null; } } = [];
    public ImmutableArray<AzureFirewall> AzureFirewalls { get; init { field = value; _index = null; } } = [];
    public ImmutableArray<VirtualNetworkGateway> VirtualNetworkGateways { get; init { field = value; _index = null; } } = [];
    public ImmutableArray<LocalNetworkGateway> LocalNetworkGateways { get; init { field = value; _index = null; } } = [];
    public ImmutableArray<Connection> Connections { get; init { field = value; _index = null; } } = [];
    public ImmutableArray<ExpressRouteCircuit> ExpressRouteCircuits { get; init { field = value; _index = null; } } = [];
    public ImmutableArray<OnPremisesDevice> OnPremisesDevices { get; init { field = value; _index = null; } } = [];
    public ImmutableHashSet<Failure> Failures { get; init; } = [];
    /// <summary>The service tags of the folder's service tags file (empty when there is none).</summary>
    public ServiceTagSet ServiceTags { get; init; } = ServiceTagSet.Empty;

    // Built on first lookup. Setting an indexed collection (also through `with`, which copies this field) drops it,
    // so a variant never answers lookups from its original's index; a variant differing only in failures keeps it.
    private Index? _index;
    private Index Ix => _index ??= new Index(this);

    public IEnumerable<Subnet> Subnets => VirtualNetworks.SelectMany(v => v.Subnets);

    public VirtualNetwork? VirtualNetwork(string name) => Ix.Vnets.GetValueOrDefault(name);
    public Subnet? Subnet(string id) => Ix.Subnets.GetValueOrDefault(id);
    public RouteTable? RouteTable(string name) => Ix.RouteTables.GetValueOrDefault(name);
    public NetworkSecurityGroup? NetworkSecurityGroup(string name) => Ix.Nsgs.GetValueOrDefault(name);
    public NetworkInterface? NetworkInterface(string name) => Ix.Nics.GetValueOrDefault(name);
    public VirtualMachine? VirtualMachine(string name) => Ix.Vms.GetValueOrDefault(name);
    public AzureFirewall? AzureFirewall(string name) => Ix.Firewalls.GetValueOrDefault(name);
    public VirtualNetworkGateway? VirtualNetworkGateway(string name) => Ix.Gateways.GetValueOrDefault(name);
    public LocalNetworkGateway? LocalNetworkGateway(string name) => Ix.Lngs.GetValueOrDefault(name);
    public Connection? Connection(string name) => Ix.Connections.GetValueOrDefault(name);
    public ExpressRouteCircuit? ExpressRouteCircuit(string name) => Ix.Circuits.GetValueOrDefault(name);
    public OnPremisesDevice? OnPremisesDevice(string name) => Ix.Devices.GetValueOrDefault(name);

    /// <summary>The subnets of a VNet, the gateways in it, the peerings from it.</summary>
    public IReadOnlyList<VirtualNetworkGateway> GatewaysIn(string vnet) => Ix.GatewaysByVnet.GetValueOrDefault(vnet) ?? [];
    public IReadOnlyList<VirtualNetworkPeering> PeeringsFrom(string vnet) => Ix.PeeringsByVnet.GetValueOrDefault(vnet) ?? [];
    public IReadOnlyList<NetworkInterface> InterfacesIn(string subnetId) => Ix.NicsBySubnet.GetValueOrDefault(subnetId) ?? [];
    public IReadOnlyList<Subnet> SubnetsUsingRouteTable(string routeTable) => Ix.SubnetsByRouteTable.GetValueOrDefault(routeTable) ?? [];

    /// <summary>The reverse peering (remote → local), when it exists.</summary>
    public VirtualNetworkPeering? ReversePeering(VirtualNetworkPeering p) => PeeringBetween(p.RemoteVirtualNetwork, p.VirtualNetwork);

    /// <summary>The first peering of <paramref name="vnet"/> (in the topology's order) to <paramref name="remote"/>, or
    /// null (a hub has a peering per spoke: found by an index, not a scan).</summary>
    public VirtualNetworkPeering? PeeringBetween(string vnet, string remote) => Ix.PeeringsByPair.GetValueOrDefault((vnet, remote));

    /// <summary>Both directions of a peering between two VNets exist and allow access (rule C1).</summary>
    public bool PeeredBothWays(string vnet, string remote) =>
        PeeringBetween(vnet, remote) is { } p && ReversePeering(p) is { } r && p.AllowVirtualNetworkAccess && r.AllowVirtualNetworkAccess;

    /// <summary>The first Azure Firewall whose private address is <paramref name="ip"/> (in <paramref name="subnet"/> when given).</summary>
    public AzureFirewall? FirewallWithAddress(Ipv4 ip, string? subnet = null)
    {
        foreach (var f in AzureFirewalls)
            if (f.PrivateIPAddress == ip && (subnet is null || f.Subnet == subnet)) return f;
        return null;
    }

    /// <summary>The first NIC of a subnet holding an address.</summary>
    public NetworkInterface? InterfaceAt(string subnetId, Ipv4 ip)
    {
        foreach (var n in InterfacesIn(subnetId))
            if (n.PrivateIPAddress == ip) return n;
        return null;
    }

    /// <summary>The subnet holding an address, if any VNet holds it.</summary>
    public Subnet? SubnetContaining(Ipv4 ip) =>
        Subnets.Where(s => s.AddressPrefix.Contains(ip)).OrderByDescending(s => s.AddressPrefix.Length).FirstOrDefault();

    public bool IsFailed(Failure f) => Failures.Contains(f);

    public IEnumerable<IResource> AllResources() =>
        VirtualNetworks.Cast<IResource>().Concat(VirtualNetworkPeerings).Concat(RouteTables)
            .Concat(NetworkSecurityGroups).Concat(NetworkInterfaces).Concat(VirtualMachines).Concat(AzureFirewalls)
            .Concat(VirtualNetworkGateways).Concat(LocalNetworkGateways).Concat(Connections)
            .Concat(ExpressRouteCircuits).Concat(OnPremisesDevices);

    private sealed class Index
    {
        public readonly Dictionary<string, VirtualNetwork> Vnets;
        public readonly Dictionary<string, Subnet> Subnets;
        public readonly Dictionary<string, RouteTable> RouteTables;
        public readonly Dictionary<string, NetworkSecurityGroup> Nsgs;
        public readonly Dictionary<string, NetworkInterface> Nics;
        public readonly Dictionary<string, VirtualMachine> Vms;
        public readonly Dictionary<string, AzureFirewall> Firewalls;
        public readonly Dictionary<string, VirtualNetworkGateway> Gateways;
        public readonly Dictionary<string, LocalNetworkGateway> Lngs;
        public readonly Dictionary<string, Connection> Connections;
        public readonly Dictionary<string, ExpressRouteCircuit> Circuits;
        public readonly Dictionary<string, OnPremisesDevice> Devices;
        public readonly Dictionary<string, List<VirtualNetworkGateway>> GatewaysByVnet;
        public readonly Dictionary<string, List<VirtualNetworkPeering>> PeeringsByVnet;
        public readonly Dictionary<(string, string), VirtualNetworkPeering> PeeringsByPair = [];
        public readonly Dictionary<string, List<NetworkInterface>> NicsBySubnet;
        public readonly Dictionary<string, List<Subnet>> SubnetsByRouteTable;

        public Index(Topology t)
        {
            // First declaration wins; duplicates are reported by validation.
            static Dictionary<string, T> ByName<T>(IEnumerable<T> items, Func<T, string> key)
            {
                var d = new Dictionary<string, T>(StringComparer.Ordinal);
                foreach (var i in items) d.TryAdd(key(i), i);
                return d;
            }
            static Dictionary<string, List<T>> GroupBy<T>(IEnumerable<T> items, Func<T, string?> key)
            {
                var d = new Dictionary<string, List<T>>(StringComparer.Ordinal);
                foreach (var i in items)
                {
                    var k = key(i);
                    if (k is null) continue;
                    if (!d.TryGetValue(k, out var l)) d[k] = l = [];
                    l.Add(i);
                }
                return d;
            }
            Vnets = ByName(t.VirtualNetworks, v => v.Name);
            Subnets = ByName(t.VirtualNetworks.SelectMany(v => v.Subnets), s => s.Id);
            RouteTables = ByName(t.RouteTables, r => r.Name);
            Nsgs = ByName(t.NetworkSecurityGroups, n => n.Name);
            Nics = ByName(t.NetworkInterfaces, n => n.Name);
            Vms = ByName(t.VirtualMachines, v => v.Name);
            Firewalls = ByName(t.AzureFirewalls, f => f.Name);
            Gateways = ByName(t.VirtualNetworkGateways, g => g.Name);
            Lngs = ByName(t.LocalNetworkGateways, l => l.Name);
            Connections = ByName(t.Connections, c => c.Name);
            Circuits = ByName(t.ExpressRouteCircuits, c => c.Name);
            Devices = ByName(t.OnPremisesDevices, d => d.Name);
            GatewaysByVnet = GroupBy(t.VirtualNetworkGateways, g => g.VirtualNetwork);
            PeeringsByVnet = GroupBy(t.VirtualNetworkPeerings, p => p.VirtualNetwork);
            foreach (var p in t.VirtualNetworkPeerings) PeeringsByPair.TryAdd((p.VirtualNetwork, p.RemoteVirtualNetwork), p);
            NicsBySubnet = GroupBy(t.NetworkInterfaces, n => n.Subnet);
            SubnetsByRouteTable = GroupBy(t.VirtualNetworks.SelectMany(v => v.Subnets), s => s.RouteTable);
        }
    }
}
