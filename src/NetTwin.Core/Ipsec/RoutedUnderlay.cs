using NetTwin.Model;
using NetTwin.Routing;

namespace NetTwin.Ipsec;

/// <summary>An underlay oracle answered by the control plane, for tunnels whose endpoints are private (VPN over
/// ExpressRoute private peering, rule E-series "useLocalAzureIpAddress"): Azure's side looks the peer's address up in
/// the gateway's GatewaySubnet effective routes; an on-premises router looks the Azure address up in its own routing
/// table (static, connected and BGP routes). A route through an ExpressRoute gateway or to a circuit's Microsoft
/// edge rides on the circuit (down when the circuit is failed); a route through a VPN gateway or over a tunnel
/// interface rides on that tunnel. Public endpoints reach each other over the internet.</summary>
/// <remarks>With the tunnel down (<see cref="UnderlayQuery.TunnelUp"/> false) a route that runs through the tunnel
/// being evaluated does not exist, so the next best route that does not use it answers.</remarks>
public static class RoutedUnderlay
{
    public static UnderlayOracle Of(ControlPlane cp) => q => Answer(cp, q);

    private static UnderlayAnswer Answer(ControlPlane cp, UnderlayQuery q)
    {
        if (Underlay.IsPublic(q.Source) && Underlay.IsPublic(q.Destination))
            return new UnderlayAnswer(true, UnderlayPath.Internet, null, $"{q.Source} -> {q.Destination} over the internet (both public)");
        var t = cp.Topology;
        if (q.Direction == UnderlayDirection.AzureToPeer) return FromAzure(cp, t.VirtualNetworkGateway(q.Gateway), q);
        if (q.Peer is { } peer && t.OnPremisesDevice(peer) is not null) return FromDevice(cp, peer, q);
        if (q.Peer is { } other && t.VirtualNetworkGateway(other) is { } g2) return FromAzure(cp, g2, q);
        return UnderlayAnswer.Unreachable($"{q.Source} -> {q.Destination}: the peer is not modelled, so nothing answers for its private address");
    }

    private static UnderlayAnswer FromAzure(ControlPlane cp, VirtualNetworkGateway? g, UnderlayQuery q)
    {
        if (g is null) return UnderlayAnswer.Unreachable($"{q.Gateway} is not a gateway of this topology");
        var t = cp.Topology;
        var table = cp.EffectiveRoutes(g.Subnet);
        var candidates = table.ActiveRoutes.Where(r => r.AddressPrefix.Contains(q.Destination))
            .OrderByDescending(r => r.AddressPrefix.Length).ToList();
        foreach (var r in candidates)
        {
            var where = $"{g.Subnet} route {r.AddressPrefix} {r.NextHopType}" + (r.Gateway is { } gw ? $" via {gw}" : "");
            switch (r.NextHopType)
            {
                case NextHopType.VnetLocal or NextHopType.VNetPeering or NextHopType.VNetGlobalPeering:
                    return new UnderlayAnswer(true, UnderlayPath.Direct, null, $"{q.Source} -> {q.Destination} inside Azure ({where})");
                case NextHopType.Internet:
                    return Underlay.IsPublic(q.Destination)
                        ? new UnderlayAnswer(true, UnderlayPath.Internet, null, $"{q.Source} -> {q.Destination} over the internet ({where})")
                        : UnderlayAnswer.Unreachable($"{q.Source} -> {q.Destination}: {where} sends a private address to the internet");
                case NextHopType.VirtualNetworkGateway:
                    {
                        var holder = r.Gateway is { } name ? t.VirtualNetworkGateway(name.Split(',')[0].Trim()) : null;
                        if (holder is { GatewayType: GatewayType.ExpressRoute })
                        {
                            var circuits = t.Connections.Where(c => c.ConnectionType == ConnectionType.ExpressRoute && c.VirtualNetworkGateway1 == holder.Name && c.Peer is not null)
                                .Select(c => c.Peer!).ToList();
                            var up = circuits.FirstOrDefault(c => !t.IsFailed(new Failure(FailureKind.Circuit, c)));
                            if (up is null) return UnderlayAnswer.Unreachable($"{q.Source} -> {q.Destination}: {where}, but circuit {string.Join(", ", circuits)} is failed");
                            return new UnderlayAnswer(true, UnderlayPath.ExpressRoute, up, $"{q.Source} -> {q.Destination} over ExpressRoute circuit {up} ({where})");
                        }
                        var conn = TunnelOf(cp, g, r);
                        if (conn is not null && conn.Value.Connection == q.Connection && !q.TunnelUp) continue;
                        return new UnderlayAnswer(true, UnderlayPath.VpnTunnel, conn?.Connection, $"{q.Source} -> {q.Destination} through the VPN tunnel {conn?.Connection ?? "(unknown connection)"} ({where})", conn?.Instance);
                    }
                case NextHopType.VirtualAppliance:
                    return UnderlayAnswer.Unreachable($"{q.Source} -> {q.Destination}: {where} sends the tunnel's packets to an appliance; NetTwin does not follow tunnel endpoints through appliances");
                default:
                    return UnderlayAnswer.Unreachable($"{q.Source} -> {q.Destination}: {where} drops it");
            }
        }
        return UnderlayAnswer.Unreachable($"{q.Source} -> {q.Destination}: no route in {g.Subnet}'s effective routes");
    }

    /// <summary>The connection a VPN gateway route rides on: the site whose prefixes hold it, or the BGP peer it came from.</summary>
    private static (string Connection, int? Instance)? TunnelOf(ControlPlane cp, VirtualNetworkGateway from, EffectiveRoute r)
    {
        var t = cp.Topology;
        var set = cp.GatewayRoutes(from.VirtualNetwork);
        var route = set?.Routes.FirstOrDefault(x => x.Prefix == r.AddressPrefix && x.GatewayType == GatewayType.Vpn);
        if (route is null) return null;
        var gw = t.VirtualNetworkGateway(route.Gateway);
        foreach (var c in t.Connections.Where(c => c.VirtualNetworkGateway1 == route.Gateway && c.ConnectionType is ConnectionType.IPsec or ConnectionType.Vnet2Vnet))
        {
            if (route.Detail.Contains($"connection {c.Name}", StringComparison.Ordinal)) return (c.Name, null);
            var peer = c.LocalNetworkGateway2 is { } l ? t.LocalNetworkGateway(l)?.BgpSettings?.BgpPeeringAddress
                : c.VirtualNetworkGateway2 is { } g2 ? t.VirtualNetworkGateway(g2)?.IpConfigurations.FirstOrDefault()?.DefaultBgpIpAddress : null;
            if (peer is { } p && route.Detail.Contains($"from {p} ", StringComparison.Ordinal)) return (c.Name, InstanceOf(gw, route));
        }
        return null;
    }

    private static int? InstanceOf(VirtualNetworkGateway? g, GatewayRoute route) =>
        g is { ActiveActive: true } && route.NextHopIpAddress is [var only]
            ? g.IpConfigurations.Select((c, i) => (c, i)).FirstOrDefault(x => x.c.PrivateIPAddress == only).i
            : null;

    private static UnderlayAnswer FromDevice(ControlPlane cp, string device, UnderlayQuery q)
    {
        var t = cp.Topology;
        var table = cp.Bgp.DeviceRoutes(device);
        if (table is null) return UnderlayAnswer.Unreachable($"{device} has no routing table");
        var candidates = table.Routes.Where(r => r.Prefix.Contains(q.Destination) && !r.IsDiscard)
            .Select(r => (r.Prefix, r.AdminDistance, r.NextHop, r.Interface, Text: r.ToString()))
            .Concat(cp.Bgp.DeviceTable(device).Where(b => !b.Best && b.Network.Contains(q.Destination))
                .Select(b => (Prefix: b.Network, AdminDistance: 20, NextHop: (Ipv4?)b.NextHop, Interface: (string?)null, Text: $"B {b.Network} via {b.NextHop} (not best)")))
            .OrderByDescending(c => c.Prefix.Length).ThenBy(c => c.AdminDistance).ToList();
        foreach (var c in candidates)
        {
            var where = $"{device}: {c.Text}";
            if (c.NextHop is not { } nh)
                return new UnderlayAnswer(true, UnderlayPath.Direct, null, $"{q.Source} -> {q.Destination} directly connected ({where})");
            var tunnel = TunnelByAddress(t, nh, c.Interface);
            if (tunnel is { } tu)
            {
                if (tu.Connection == q.Connection && (tu.Instance is null || tu.Instance == q.Instance) && !q.TunnelUp) continue;
                return new UnderlayAnswer(true, UnderlayPath.VpnTunnel, tu.Connection, $"{q.Source} -> {q.Destination} through the VPN tunnel {tu.Connection} ({where})", tu.Instance);
            }
            if (CircuitOwning(t, nh) is { } circuit)
                return t.IsFailed(new Failure(FailureKind.Circuit, circuit))
                    ? UnderlayAnswer.Unreachable($"{q.Source} -> {q.Destination}: {where}, but circuit {circuit} is failed")
                    : new UnderlayAnswer(true, UnderlayPath.ExpressRoute, circuit, $"{q.Source} -> {q.Destination} over ExpressRoute circuit {circuit} ({where})");
            return new UnderlayAnswer(true, UnderlayPath.Direct, null, $"{q.Source} -> {q.Destination} on-premises ({where})");
        }
        return UnderlayAnswer.Unreachable($"{q.Source} -> {q.Destination}: no route on {device}");
    }

    /// <summary>A next hop that is an Azure VPN gateway instance's BGP address (APIPA or default) is inside a tunnel.</summary>
    private static (string Connection, int? Instance)? TunnelByAddress(Topology t, Ipv4 nextHop, string? iface)
    {
        foreach (var g in t.VirtualNetworkGateways.Where(g => g.GatewayType == GatewayType.Vpn))
            for (var i = 0; i < g.IpConfigurations.Length; i++)
            {
                var ip = g.IpConfigurations[i];
                if (ip.DefaultBgpIpAddress != nextHop && !ip.CustomBgpIpAddresses.Contains(nextHop)) continue;
                var conns = t.Connections.Where(c => c.VirtualNetworkGateway1 == g.Name && c.ConnectionType == ConnectionType.IPsec).ToList();
                var c = conns.FirstOrDefault(c => c.LocalNetworkGateway2 is { } l && t.LocalNetworkGateway(l)?.BgpSettings?.BgpPeeringAddress is { } p
                            && SameLink(p, nextHop)) ?? conns.FirstOrDefault();
                if (c is not null) return (c.Name, g.ActiveActive ? i : null);
            }
        _ = iface;
        return null;
    }

    private static bool SameLink(Ipv4 a, Ipv4 b) => (a.Value & ~3u) == (b.Value & ~3u);

    private static string? CircuitOwning(Topology t, Ipv4 ip) =>
        t.ExpressRouteCircuits.FirstOrDefault(c => c.Peerings.Any(p =>
            (p.PrimaryPeerAddressPrefix is { } a && a.Contains(ip)) || (p.SecondaryPeerAddressPrefix is { } b && b.Contains(ip))))?.Name;
}
