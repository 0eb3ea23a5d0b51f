using NetTwin.Model;

namespace NetTwin.Questions;

/// <summary>The inventory part of the report: what the estate holds.</summary>
public sealed record InventoryAnswer(
    IReadOnlyList<InventoryCount> Counts,
    IReadOnlyList<VnetSummary> VirtualNetworks,
    IReadOnlyList<GatewaySummary> Gateways,
    IReadOnlyList<ConnectionSummary> Connections,
    IReadOnlyList<string> Failures);

public sealed record InventoryCount(string Kind, int Count);
public sealed record VnetSummary(string Name, string Location, IReadOnlyList<string> AddressPrefixes, IReadOnlyList<SubnetSummary> Subnets, IReadOnlyList<string> Peerings);
public sealed record SubnetSummary(string Name, string AddressPrefix, string? RouteTable, string? NetworkSecurityGroup, int NetworkInterfaces);
public sealed record GatewaySummary(string Name, string VirtualNetwork, string GatewayType, string VpnType, string Sku, bool ActiveActive, bool EnableBgp, long Asn, IReadOnlyList<string> Instances);
public sealed record ConnectionSummary(string Name, string ConnectionType, string From, string To, bool EnableBgp, bool UsePolicyBasedTrafficSelectors, string ConnectionMode, bool Failed);

public static class Inventory
{
    public static InventoryAnswer Of(Topology t)
    {
        var counts = new List<InventoryCount>
        {
            new(Kinds.VirtualNetworks, t.VirtualNetworks.Length),
            new(Kinds.Subnets, t.Subnets.Count()),
            new(Kinds.VirtualNetworkPeerings, t.VirtualNetworkPeerings.Length),
            new(Kinds.RouteTables, t.RouteTables.Length),
            new(Kinds.NetworkSecurityGroups, t.NetworkSecurityGroups.Length),
            new(Kinds.NetworkInterfaces, t.NetworkInterfaces.Length),
            new(Kinds.VirtualMachines, t.VirtualMachines.Length),
            new(Kinds.AzureFirewalls, t.AzureFirewalls.Length),
            new(Kinds.VirtualNetworkGateways, t.VirtualNetworkGateways.Length),
            new(Kinds.LocalNetworkGateways, t.LocalNetworkGateways.Length),
            new(Kinds.Connections, t.Connections.Length),
            new(Kinds.ExpressRouteCircuits, t.ExpressRouteCircuits.Length),
            new(Kinds.OnPremisesDevices, t.OnPremisesDevices.Length),
        };
        var vnets = t.VirtualNetworks.OrderBy(v => v.Name, StringComparer.Ordinal).Select(v => new VnetSummary(
            v.Name, v.Location, v.AddressPrefixes.Select(p => p.ToString()).ToList(),
            v.Subnets.Select(s => new SubnetSummary(s.Name, s.AddressPrefix.ToString(), s.RouteTable, s.NetworkSecurityGroup, t.InterfacesIn(s.Id).Count)).ToList(),
            t.PeeringsFrom(v.Name).Select(p => $"{p.Name} -> {p.RemoteVirtualNetwork}{Flags(p)}").ToList())).ToList();
        var gateways = t.VirtualNetworkGateways.OrderBy(g => g.Name, StringComparer.Ordinal).Select(g => new GatewaySummary(
            g.Name, g.VirtualNetwork, g.GatewayType.ToString(), g.GatewayType == GatewayType.Vpn ? g.VpnType.ToString() : "", g.Sku,
            g.ActiveActive, g.EnableBgp, g.BgpSettings.Asn,
            g.IpConfigurations.Select((c, i) => $"{c.Name}: {c.PrivateIPAddress}" + (c.PublicIPAddress is { } pub ? $" / {pub}" : "")
                + (t.IsFailed(new Failure(FailureKind.GatewayInstance, g.Name, i)) ? " (failed)" : "")).ToList())).ToList();
        var connections = t.Connections.OrderBy(c => c.Name, StringComparer.Ordinal).Select(c => new ConnectionSummary(
            c.Name, c.ConnectionType.ToString(), c.VirtualNetworkGateway1, c.LocalNetworkGateway2 ?? c.VirtualNetworkGateway2 ?? c.Peer ?? "",
            c.EnableBgp, c.UsePolicyBasedTrafficSelectors, c.ConnectionMode.ToString(),
            t.IsFailed(new Failure(FailureKind.Connection, c.Name)))).ToList();
        return new InventoryAnswer(counts, vnets, gateways, connections, t.Failures.Select(f => f.ToString()).Order(StringComparer.Ordinal).ToList());
    }

    private static string Flags(VirtualNetworkPeering p)
    {
        var f = new List<string>();
        if (!p.AllowVirtualNetworkAccess) f.Add("no access");
        if (p.AllowForwardedTraffic) f.Add("forwarded traffic");
        if (p.AllowGatewayTransit) f.Add("gateway transit");
        if (p.UseRemoteGateways) f.Add("remote gateways");
        return f.Count == 0 ? "" : $" ({string.Join(", ", f)})";
    }
}
