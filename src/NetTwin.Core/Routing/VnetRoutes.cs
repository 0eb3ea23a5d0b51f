using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Routing;

/// <summary>What every subnet of one VNet shares before its route table is applied (B11 steps 1 and 2):
/// the Default routes (A1, A2), the peering routes (A4), the gateway routes that serve the VNet (A4, C10)
/// and which of those rule B3 drops. Computed once per VNet.</summary>
internal sealed class VnetRoutes
{
    public static readonly ImmutableArray<Prefix> ReservedRanges =
        [Prefix.Parse("10.0.0.0/8"), Prefix.Parse("172.16.0.0/12"), Prefix.Parse("192.168.0.0/16"), Prefix.Parse("100.64.0.0/10")];

    public VirtualNetwork Vnet { get; }
    /// <summary>Default routes in display order: VnetLocal, peerings, Internet, None.</summary>
    public ImmutableArray<EffectiveRoute> Defaults { get; }
    /// <summary>Default routes A2 removed (a VNet prefix strictly containing a reserved range).</summary>
    public ImmutableArray<RemovedRoute> RemovedDefaults { get; }
    /// <summary>The gateway routes of the VNet's own gateways or of the hub it uses (C10); null when none.</summary>
    public GatewayRouteSet? Gateways { get; }
    /// <summary>How the VNet gets its gateway routes, in words.</summary>
    public string? GatewaysVia { get; }
    /// <summary>Indices of gateway routes dropped by rule B3, with the reason, sorted.</summary>
    public ImmutableArray<(int Index, RemovedRoute Removed)> B3Dropped { get; }

    public VnetRoutes(Topology topology, VirtualNetwork vnet, GatewayRouteSet? gateways, string? via)
    {
        Vnet = vnet;
        Gateways = gateways;
        GatewaysVia = via;
        var routes = new List<EffectiveRoute>();
        var removed = new List<RemovedRoute>();

        // Rule A1: one VnetLocal route per address-space prefix; rule A2 when it equals a reserved range.
        foreach (var p in vnet.AddressPrefixes)
        {
            var equalReserved = ReservedRanges.Contains(p);
            routes.Add(new EffectiveRoute(RouteSource.Default, RouteState.Active, p, NextHopType.VnetLocal, [], null,
                equalReserved
                    ? new RouteReason("A2", $"address space of {vnet.Name}; it equals the reserved range {p}, whose None route becomes this VnetLocal route")
                    : new RouteReason("A1", $"address space of {vnet.Name}")));
        }

        // Rule A4: peering routes, one per remote address-space prefix, only when both directions exist
        // and this side allows access to the remote VNet (allowVirtualNetworkAccess).
        foreach (var peering in topology.PeeringsFrom(vnet.Name))
        {
            if (!peering.AllowVirtualNetworkAccess) continue;
            if (topology.ReversePeering(peering) is null) continue;
            if (topology.VirtualNetwork(peering.RemoteVirtualNetwork) is not { } remote) continue;
            var global = !SameLocation(vnet.Location, remote.Location);
            foreach (var p in remote.AddressPrefixes)
                routes.Add(new EffectiveRoute(RouteSource.Default, RouteState.Active, p,
                    global ? NextHopType.VNetGlobalPeering : NextHopType.VNetPeering, [], null,
                    new RouteReason("A4", $"peering {peering.Name} to {remote.Name} ({(global ? $"{vnet.Location} to {remote.Location}: global peering" : "same region")})")));
        }

        // Rule A1: the default route to the Internet and the reserved ranges to None, with rule A2.
        routes.Add(new EffectiveRoute(RouteSource.Default, RouteState.Active, Prefix.Default, NextHopType.Internet, [], null,
            new RouteReason("A1", "system default route")));
        foreach (var r in ReservedRanges)
        {
            if (vnet.AddressPrefixes.Contains(r)) continue; // A2: the VnetLocal route above replaces it
            var containing = vnet.AddressPrefixes.Where(p => p.Contains(r) && p != r).Select(p => (Prefix?)p).FirstOrDefault();
            if (containing is not null)
            {
                removed.Add(new RemovedRoute(r, RouteSource.Default, NextHopType.None,
                    new RouteReason("A2", $"{vnet.Name}'s address space {containing} includes the reserved range: its None route is removed")));
                continue;
            }
            routes.Add(new EffectiveRoute(RouteSource.Default, RouteState.Active, r, NextHopType.None, [], null,
                new RouteReason("A1", r.Length == 10 ? "reserved range (RFC 6598): dropped" : "reserved private range (RFC 1918): dropped")));
        }

        Defaults = [.. routes];
        RemovedDefaults = [.. removed];
        B3Dropped = gateways is null ? [] : ComputeB3(gateways);
    }

    internal static bool SameLocation(string a, string b) =>
        string.Equals(a.Replace(" ", ""), b.Replace(" ", ""), StringComparison.OrdinalIgnoreCase);

    // Rule B3: system routes for the VNet and its peerings are preferred even over more specific BGP routes;
    // B11 step 2 drops gateway routes equal to or inside a VnetLocal or peering prefix.
    private ImmutableArray<(int, RemovedRoute)> ComputeB3(GatewayRouteSet gateways)
    {
        var dropped = new SortedDictionary<int, RemovedRoute>();
        foreach (var system in Defaults.Where(d => d.NextHopType is NextHopType.VnetLocal or NextHopType.VNetPeering or NextHopType.VNetGlobalPeering))
            foreach (var e in gateways.Trie.Within(system.AddressPrefix))
                dropped.TryAdd(e.Index, new RemovedRoute(e.Route.Prefix, RouteSource.VirtualNetworkGateway, NextHopType.VirtualNetworkGateway,
                    new RouteReason("B3", $"{e.Route.Gateway}'s route is {(e.Route.Prefix == system.AddressPrefix ? "equal to" : "inside")} the {system.NextHopType} route {system.AddressPrefix}, which is preferred even over more specific gateway routes")));
        return [.. dropped.Select(kv => (kv.Key, kv.Value))];
    }
}
