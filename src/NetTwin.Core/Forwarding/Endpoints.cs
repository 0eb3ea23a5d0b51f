using System.Runtime.CompilerServices;
using NetTwin.Model;
using NetTwin.Routing;

namespace NetTwin.Forwarding;

/// <summary>Where a packet starts or ends.</summary>
public enum EndpointKind
{
    /// <summary>A network interface of a VM (given as the VM, the NIC, or its IP).</summary>
    Nic,
    /// <summary>An address inside an Azure subnet that no NIC holds (or a subnet given as vnet/subnet without NICs).</summary>
    SubnetHost,
    /// <summary>An on-premises router itself or a host on one of its networks (LANs, connected interfaces).</summary>
    Device,
    /// <summary>A host behind a local network gateway whose device is not modelled.</summary>
    Site,
    /// <summary>A host on-premises behind an ExpressRoute circuit described only by peerAdvertisedRoutes.</summary>
    CircuitNetwork,
    /// <summary>An internet address.</summary>
    Internet,
}

/// <summary>A resolved endpoint: what it is, its address, and the node that holds it.</summary>
/// <param name="Text">What the user wrote.</param>
/// <param name="Node">The holding node: NIC, subnet (vnet/subnet), device, local network gateway, circuit, or "internet".</param>
/// <param name="Label">How to show it: "vdi-vm1 (10.120.1.4)".</param>
public sealed record Endpoint(string Text, EndpointKind Kind, Ipv4 Address, string Node, string Label)
{
    public override string ToString() => Label;
}

/// <summary>A name or address that does not resolve to an endpoint.</summary>
public sealed class EndpointException(string message) : Exception(message);

/// <summary>Resolves what the command line and intents name: a VM or NIC name, vnet/subnet, an IP inside a subnet,
/// an on-premises network or the internet.</summary>
public static class Endpoints
{
    /// <summary>The host's platform addresses: the wire server (DNS, health probes, agent; service tag
    /// AzureLoadBalancer) and the instance metadata service. A NIC reaches them without routing.</summary>
    internal static readonly Ipv4[] PlatformAddresses = [Ipv4.Parse("168.63.129.16"), Ipv4.Parse("169.254.169.254")];

    public static Endpoint Resolve(Topology t, string text)
    {
        ArgumentNullException.ThrowIfNull(t);
        text = text.Trim();
        if (t.VirtualMachine(text) is { } vm)
        {
            var nic = vm.NetworkInterfaces.Select(t.NetworkInterface).FirstOrDefault(n => n is not null)
                ?? throw new EndpointException($"virtual machine '{text}' has no network interface");
            return new Endpoint(text, EndpointKind.Nic, nic.PrivateIPAddress, nic.Name, $"{vm.Name} ({nic.PrivateIPAddress})");
        }
        if (t.NetworkInterface(text) is { } n)
            return new Endpoint(text, EndpointKind.Nic, n.PrivateIPAddress, n.Name, $"{n.VirtualMachine ?? n.Name} ({n.PrivateIPAddress})");
        if (t.Subnet(text) is { } subnet)
        {
            if (t.InterfacesIn(subnet.Id).OrderBy(i => i.PrivateIPAddress).FirstOrDefault() is { } first)
                return new Endpoint(text, EndpointKind.Nic, first.PrivateIPAddress, first.Name, $"{first.VirtualMachine ?? first.Name} ({first.PrivateIPAddress}) in {subnet.Id}");
            var host = subnet.AddressPrefix.Network.Add(4); // Azure's first usable address in a subnet
            return new Endpoint(text, EndpointKind.SubnetHost, host, subnet.Id, $"{host} in {subnet.Id}");
        }
        if (t.OnPremisesDevice(text) is { } device)
        {
            if (!DeviceAddresses(device).Any()) throw new EndpointException($"on-premises device '{text}' has no address");
            var ip = DeviceAddresses(device).First();
            return new Endpoint(text, EndpointKind.Device, ip, device.Name, $"{device.Name} ({ip})");
        }
        if (!Ipv4.TryParse(text, out var address, out _))
            throw new EndpointException($"'{text}' is not a VM, NIC, vnet/subnet, on-premises device or IPv4 address of this topology");
        return Of(t, address, text);
    }

    /// <summary>The endpoint holding an address.</summary>
    public static Endpoint Of(Topology t, Ipv4 ip, string? text = null) =>
        TryOf(t, ip, text) ?? throw new EndpointException($"{ip} is not inside any subnet, on-premises network or site of this topology, nor an internet address");

    /// <summary><see cref="Of"/>, or null where it throws (the flow diff resolves thousands of intervals' addresses,
    /// some of which no one holds). Without <paramref name="labels"/>, the endpoint's text and label are empty: the flow
    /// diff reads only its kind, address and node, for 30,000 intervals on the largest estate.</summary>
    internal static Endpoint? TryOf(Topology t, Ipv4 ip, string? text = null, bool labels = true)
    {
        text ??= labels ? ip.ToString() : "";
        var ix = Index(t);
        if (ix.NicAt(ip) is { } nic)
            return new Endpoint(text, EndpointKind.Nic, ip, nic.Name, labels ? $"{nic.VirtualMachine ?? nic.Name} ({ip})" : "");
        if (ix.SubnetContaining(ip) is { } s)
            return new Endpoint(text, EndpointKind.SubnetHost, ip, s.Id, labels ? $"{ip} in {s.Id}" : "");
        // On-premises: the device owning the longest matching network (its interfaces and declared LANs).
        if (!t.OnPremisesDevices.IsEmpty)
        {
            var device = t.OnPremisesDevices
                .SelectMany(d => DeviceNetworks(d).Where(p => p.Contains(ip)).Select(p => (d, p)))
                .OrderByDescending(x => x.p.Length).ThenBy(x => x.d.Name, StringComparer.Ordinal).FirstOrDefault();
            if (device.d is not null)
                return new Endpoint(text, EndpointKind.Device, ip, device.d.Name, labels ? $"{ip} on {device.d.Name} ({device.p})" : "");
        }
        // The internet before sites: a site announcing 0.0.0.0/1 (a proxy) does not own the internet's hosts.
        if (NsgEvaluation.IsInternet(ip)) return new Endpoint(text, EndpointKind.Internet, ip, "internet", labels ? $"{ip} (internet)" : "");
        // Sites (local network gateways) and networks behind circuits: the longest matching prefix names the holder.
        if (ix.OnPremisesHolder(ip) is { } best)
            return new Endpoint(text, best.Kind, ip, best.Node, !labels ? "" : best.Kind == EndpointKind.Site
                ? $"{ip} behind {best.Node} ({best.Prefix})"
                : $"{ip} on-premises behind {best.Node} ({best.Prefix})");
        return null;
    }

    /// <summary>Topology.SubnetContaining through the index (longest prefix, the first declared among equal ones).</summary>
    internal static Subnet? SubnetContaining(Topology t, Ipv4 ip) => Index(t).SubnetContaining(ip);

    private static readonly ConditionalWeakTable<Topology, AddressIndex> Indexes = new();

    private static AddressIndex Index(Topology t) => Indexes.GetValue(t, x => new AddressIndex(x));

    /// <summary>Who holds an address, by longest prefix, built once per topology (the topology is immutable): NICs by
    /// address (the first declared wins), subnets, and the prefixes of sites and circuits.</summary>
    private sealed class AddressIndex
    {
        private readonly Dictionary<Ipv4, NetworkInterface> _nics = [];
        private readonly PrefixTrie<Subnet> _subnets = new();
        private readonly PrefixTrie<Holder> _onPremises = new();

        internal sealed record Holder(EndpointKind Kind, string Node, Prefix Prefix);

        public AddressIndex(Topology t)
        {
            foreach (var n in t.NetworkInterfaces) _nics.TryAdd(n.PrivateIPAddress, n);
            // Topology.SubnetContaining: the longest prefix, the first declared among equal ones.
            foreach (var s in t.Subnets) if (_subnets.Get(s.AddressPrefix) is null) _subnets.Set(s.AddressPrefix, s);
            _subnets.Freeze();
            // Per prefix, sites before circuits, then the holder whose name sorts first (ordinal).
            var holders = t.LocalNetworkGateways.SelectMany(l => l.AddressPrefixes.Select(p => new Holder(EndpointKind.Site, l.Name, p)))
                .Concat(t.ExpressRouteCircuits.SelectMany(c => c.Peerings.SelectMany(p => p.PeerAdvertisedRoutes).Select(r => new Holder(EndpointKind.CircuitNetwork, c.Name, r.Prefix))));
            foreach (var g in holders.GroupBy(h => h.Prefix))
                _onPremises.Set(g.Key, g.OrderBy(h => h.Node, StringComparer.Ordinal).First());
            _onPremises.Freeze();
        }

        public NetworkInterface? NicAt(Ipv4 ip) => _nics.GetValueOrDefault(ip);
        public Subnet? SubnetContaining(Ipv4 ip) => _subnets.LongestMatch(ip);
        public Holder? OnPremisesHolder(Ipv4 ip) => _onPremises.LongestMatch(ip);
    }

    /// <summary>The networks an on-premises device holds: declared LANs, connected interface prefixes (not tunnels).</summary>
    public static IEnumerable<Prefix> DeviceNetworks(OnPremisesDevice d) =>
        d.AddressPrefixes
            .Concat(d.Interfaces.Select(i => i.Address))
            .Concat(d.Configuration?.ConnectedAddresses.Where(x => !x.Interface.IsTunnel).Select(x => x.Address.Prefix) ?? []);

    public static IEnumerable<Ipv4> DeviceAddresses(OnPremisesDevice d) =>
        (d.Configuration?.ConnectedAddresses.Where(x => !x.Interface.IsTunnel).Select(x => x.Address.Ip) ?? [])
            .Concat(d.Interfaces.Select(i => i.IpAddress));
}
