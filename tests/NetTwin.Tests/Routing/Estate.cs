using System.Text;
using NetTwin.Routing;

namespace NetTwin.Tests.Routing;

/// <summary>Writes small topologies in the NetTwin YAML format for routing tests.</summary>
internal sealed class Estate
{
    private readonly Dictionary<string, List<string>> _lists = [];

    private Estate Add(string kind, string item)
    {
        if (!_lists.TryGetValue(kind, out var l)) _lists[kind] = l = [];
        l.Add(item);
        return this;
    }

    /// <summary>A VNet; subnets as "name=prefix" or "name=prefix@routeTable".</summary>
    public Estate Vnet(string name, string space, params string[] subnets) => VnetIn(name, "westeurope", space, subnets);

    public Estate VnetIn(string name, string location, string space, params string[] subnets)
    {
        var sb = new StringBuilder($"  - name: {name}\n    location: {location}\n    addressSpace: [{space}]\n    subnets:\n");
        if (subnets.Length == 0) sb.Append("      []\n");
        foreach (var s in subnets)
        {
            var (n, rest) = (s[..s.IndexOf('=')], s[(s.IndexOf('=') + 1)..]);
            var rt = rest.Contains('@') ? rest[(rest.IndexOf('@') + 1)..] : null;
            var prefix = rt is null ? rest : rest[..rest.IndexOf('@')];
            sb.Append($"      - name: {n}\n        addressPrefix: {prefix}\n");
            if (rt is not null) sb.Append($"        routeTable: {rt}\n");
        }
        return Add("virtualNetworks", sb.ToString());
    }

    /// <summary>Both directions of a peering; <paramref name="spokeUsesHub"/> makes a the spoke of b (C10).</summary>
    public Estate Peering(string a, string b, bool spokeUsesHub = false, bool transit = true, bool bothWays = true, bool access = true)
    {
        Add("virtualNetworkPeerings", $"  - name: {a}-to-{b}\n    virtualNetwork: {a}\n    remoteVirtualNetwork: {b}\n    allowVirtualNetworkAccess: {Yes(access)}\n    useRemoteGateways: {Yes(spokeUsesHub)}\n");
        if (bothWays)
            Add("virtualNetworkPeerings", $"  - name: {b}-to-{a}\n    virtualNetwork: {b}\n    remoteVirtualNetwork: {a}\n    allowGatewayTransit: {Yes(spokeUsesHub && transit)}\n");
        return this;
    }

    /// <summary>A route table; routes as "name prefix NextHopType [ip]".</summary>
    public Estate RouteTable(string name, bool disablePropagation, params string[] routes)
    {
        var sb = new StringBuilder($"  - name: {name}\n    disableBgpRoutePropagation: {Yes(disablePropagation)}\n    routes:\n");
        if (routes.Length == 0) sb.Append("      []\n");
        foreach (var r in routes)
        {
            var p = r.Split(' ');
            sb.Append($"      - name: {p[0]}\n        addressPrefix: {p[1]}\n        nextHopType: {p[2]}\n");
            if (p.Length > 3) sb.Append($"        nextHopIpAddress: {p[3]}\n");
        }
        return Add("routeTables", sb.ToString());
    }

    /// <summary>An ExpressRoute gateway in vnet/GatewaySubnet with one instance IP.</summary>
    public Estate ErGateway(string name, string vnet, string ip) =>
        Add("virtualNetworkGateways", $"  - name: {name}\n    subnet: {vnet}/GatewaySubnet\n    gatewayType: ExpressRoute\n    sku: Standard\n    ipConfigurations:\n      - name: default\n        privateIPAddress: {ip}\n");

    /// <summary>A route-based VPN gateway; instances as "privateIP/publicIP[/apipa]".</summary>
    public Estate VpnGateway(string name, string vnet, bool bgp, long asn, params string[] instances)
    {
        var sb = new StringBuilder($"  - name: {name}\n    subnet: {vnet}/GatewaySubnet\n    gatewayType: Vpn\n    vpnType: RouteBased\n    sku: VpnGw2\n    activeActive: {Yes(instances.Length > 1)}\n    enableBgp: {Yes(bgp)}\n    bgpSettings:\n      asn: {asn}\n");
        var apipa = instances.Select((s, i) => (Parts: s.Split('/'), Index: i)).Where(x => x.Parts.Length > 2).ToList();
        if (apipa.Count > 0)
        {
            sb.Append("      bgpPeeringAddresses:\n");
            foreach (var (parts, i) in apipa)
                sb.Append($"        - ipconfigurationId: cfg{i}\n          customBgpIpAddresses: [{parts[2]}]\n");
        }
        sb.Append("    ipConfigurations:\n");
        for (var i = 0; i < instances.Length; i++)
        {
            var parts = instances[i].Split('/');
            sb.Append($"      - name: cfg{i}\n        privateIPAddress: {parts[0]}\n        publicIPAddress: {parts[1]}\n");
        }
        return Add("virtualNetworkGateways", sb.ToString());
    }

    /// <summary>A local network gateway; bgp as "asn@peerAddress" or null.</summary>
    public Estate Site(string name, string gatewayIp, string? bgp, params string[] prefixes)
    {
        var sb = new StringBuilder($"  - name: {name}\n    gatewayIpAddress: {gatewayIp}\n    addressPrefixes: [{string.Join(", ", prefixes)}]\n");
        if (bgp is not null)
        {
            var p = bgp.Split('@');
            sb.Append($"    bgpSettings: {{ asn: {p[0]}, bgpPeeringAddress: {p[1]} }}\n");
        }
        return Add("localNetworkGateways", sb.ToString());
    }

    public Estate IpsecConnection(string name, string gateway, string site, bool bgp = false) =>
        Add("connections", $"  - name: {name}\n    connectionType: IPsec\n    virtualNetworkGateway1: {gateway}\n    localNetworkGateway2: {site}\n    sharedKey: key\n    enableBgp: {Yes(bgp)}\n");

    public Estate Vnet2VnetConnection(string name, string gateway, string other, bool bgp = false) =>
        Add("connections", $"  - name: {name}\n    connectionType: Vnet2Vnet\n    virtualNetworkGateway1: {gateway}\n    virtualNetworkGateway2: {other}\n    sharedKey: key\n    enableBgp: {Yes(bgp)}\n");

    public Estate ErConnection(string name, string gateway, string circuit, int weight = 0) =>
        Add("connections", $"  - name: {name}\n    connectionType: ExpressRoute\n    virtualNetworkGateway1: {gateway}\n    peer: {circuit}\n    routingWeight: {weight}\n");

    /// <summary>A circuit whose private peering uses 172.31.n.0/30 and .4/30; routes as "prefix" or "prefix:asn asn ...".</summary>
    public Estate Circuit(string name, int n, long peerAsn, string tier = "Standard", params string[] routes)
    {
        var sb = new StringBuilder($"  - name: {name}\n    location: westeurope\n    sku: {{ tier: {tier} }}\n    peerings:\n      - peeringType: AzurePrivatePeering\n        peerASN: {peerAsn}\n        primaryPeerAddressPrefix: 172.31.{n}.0/30\n        secondaryPeerAddressPrefix: 172.31.{n}.4/30\n        vlanId: 100\n");
        if (routes.Length > 0)
        {
            sb.Append("        peerAdvertisedRoutes:\n");
            foreach (var r in routes)
            {
                var parts = r.Split(':');
                sb.Append($"          - prefix: {parts[0]}\n");
                if (parts.Length > 1) sb.Append($"            asPath: [{string.Join(", ", parts[1].Split(' '))}]\n");
            }
        }
        return Add("expressRouteCircuits", sb.ToString());
    }

    /// <summary>A device declared in YAML; interfaces as "name address/len".</summary>
    public Estate Device(string name, long? asn, string[] interfaces, params string[] prefixes)
    {
        var sb = new StringBuilder($"  - name: {name}\n");
        if (asn is not null) sb.Append($"    asn: {asn}\n");
        sb.Append("    interfaces:\n");
        foreach (var i in interfaces)
        {
            var p = i.Split(' ');
            sb.Append($"      - {{ name: {p[0]}, address: {p[1]} }}\n");
        }
        sb.Append($"    addressPrefixes: [{string.Join(", ", prefixes)}]\n");
        return Add("onPremisesDevices", sb.ToString());
    }

    public string Yaml => string.Concat(_lists.Select(kv => $"{kv.Key}:\n{string.Concat(kv.Value)}"));

    public ControlPlane Compute(RoutingOptions? options = null, params string[] changes) => RoutingKit.Compute(Yaml, options, changes);

    private static string Yes(bool b) => b ? "true" : "false";
}
