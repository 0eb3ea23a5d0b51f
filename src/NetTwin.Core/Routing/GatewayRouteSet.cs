using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Routing;

/// <summary>How a gateway came to hold a route.</summary>
public enum GatewayRouteKind
{
    /// <summary>A prefix of a connected local network gateway (static, rule A4).</summary>
    LocalNetworkGateway,
    /// <summary>The remote VNet's address space of a VNet-to-VNet connection without BGP (static).</summary>
    VnetToVnet,
    /// <summary>Learned over BGP (rule D6).</summary>
    Bgp,
}

/// <summary>One route a VNet's gateways put into its subnets (Source VirtualNetworkGateway, rule A4).</summary>
/// <param name="Prefix">The destination prefix.</param>
/// <param name="Gateway">The gateway holding it.</param>
/// <param name="GatewayType">ExpressRoute or VPN (B5 prefers ExpressRoute).</param>
/// <param name="NextHopIpAddress">The gateway instance IPs that hold it (A7).</param>
/// <param name="Kind">Static site prefix, VNet-to-VNet, or BGP.</param>
/// <param name="Detail">Where it came from: the connection and site, or the BGP peer and AS path.</param>
public sealed record GatewayRoute(
    Prefix Prefix,
    string Gateway,
    GatewayType GatewayType,
    ImmutableArray<Ipv4> NextHopIpAddress,
    GatewayRouteKind Kind,
    string Detail)
{
    /// <summary>The route of another gateway of the same VNet that lost to this one for the same prefix (B5).</summary>
    public GatewayRoute? Beat { get; init; }

    /// <summary>Which connection carries the route out of each gateway instance that holds it (the forwarding stage
    /// follows it): the site's connection for static prefixes, the connection of the BGP session it was learned on.</summary>
    public ImmutableArray<GatewayVia> Via { get; init; } = [];
}

/// <summary>How a gateway instance sends packets for a route: over <paramref name="Connection"/>, learned from
/// <paramref name="Peer"/> (the BGP neighbor; null for static prefixes).</summary>
public sealed record GatewayVia(int Instance, string Connection, Ipv4? Peer);

/// <summary>The routes the gateways of one VNet (the hub) give every subnet they serve: their own VNet's and
/// those of spokes using them through peering (C10). Computed once per hub and shared by every subnet
/// table; holds the trie for longest-prefix match and the coverage flags for rule B9.</summary>
public sealed class GatewayRouteSet
{
    /// <summary>The VNet whose gateways these are.</summary>
    public string Hub { get; }
    /// <summary>The routes in prefix order.</summary>
    public ImmutableArray<GatewayRoute> Routes { get; }
    /// <summary>The VPN gateway of the hub, when there is one (target of User routes to VirtualNetworkGateway).</summary>
    public VirtualNetworkGateway? VpnGateway { get; }
    public ImmutableArray<Ipv4> VpnGatewayIps { get; }
    public bool HasExpressRouteGateway { get; }

    internal ImmutableArray<EffectiveRoute> Effective { get; }
    internal PrefixTrie<Entry> Trie { get; }
    internal Dictionary<Prefix, int> IndexOf { get; }

    internal sealed record Entry(int Index, GatewayRoute Route, EffectiveRoute Effective);

    /// <summary>The route for exactly this prefix, or null.</summary>
    public GatewayRoute? Route(Prefix prefix) => IndexOf.TryGetValue(prefix, out var i) ? Routes[i] : null;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, PrefixTrie<GatewayRoute>> _byGateway = new(StringComparer.Ordinal);

    /// <summary>The route <paramref name="gateway"/> itself uses for a destination: the longest prefix among this set's
    /// routes that are that gateway's, including those another gateway's route beat for the same prefix (B5); at equal
    /// prefix the first in the set's order. One trie per gateway, made on first use and kept with the set, so every
    /// forwarder over these planes (a what-if's two sides, the next what-if of the same baseline) shares it.</summary>
    public GatewayRoute? RouteOf(string gateway, Ipv4 destination)
    {
        if (!_byGateway.TryGetValue(gateway, out var trie))
            trie = _byGateway.GetOrAdd(gateway, static (g, routes) =>
            {
                var t = new PrefixTrie<GatewayRoute>();
                foreach (var r in routes)
                {
                    if (r.Gateway == g && t.Get(r.Prefix) is null) t.Set(r.Prefix, r);
                    if (r.Beat is { } b && b.Gateway == g && t.Get(b.Prefix) is null) t.Set(b.Prefix, b);
                }
                return t.Freeze();
            }, Routes);
        return trie.LongestMatch(destination);
    }

    internal GatewayRouteSet(string hub, IEnumerable<GatewayRoute> routes, VirtualNetworkGateway? vpn, ImmutableArray<Ipv4> vpnIps, bool hasEr)
    {
        Hub = hub;
        VpnGateway = vpn;
        VpnGatewayIps = vpnIps;
        HasExpressRouteGateway = hasEr;
        Routes = [.. routes.OrderBy(r => r.Prefix)];
        Trie = new PrefixTrie<Entry>();
        IndexOf = new Dictionary<Prefix, int>(Routes.Length);
        var plain = new EffectiveRoute[Routes.Length];
        for (var i = 0; i < Routes.Length; i++)
        {
            var r = Routes[i];
            plain[i] = ToEffective(r);
            IndexOf[r.Prefix] = i;
        }
        for (var i = 0; i < plain.Length; i++) Trie.Set(Routes[i].Prefix, new Entry(i, Routes[i], plain[i]));
        Trie.Freeze();
        // Rule B9 within the gateway routes alone; subnet tables recompute only where their own routes interfere.
        var shadowed = new List<int>();
        for (var i = 0; i < plain.Length; i++)
            if (Trie.IsCoveredByLonger(Routes[i].Prefix))
            {
                plain[i] = plain[i] with { ShadowedBy = Shadow(Trie.OutermostWithin(Routes[i].Prefix).Select(e => e.Route.Prefix)) };
                shadowed.Add(i);
            }
        foreach (var i in shadowed) Trie.Set(Routes[i].Prefix, new Entry(i, Routes[i], plain[i]));
        Trie.Freeze();
        Effective = [.. plain];
    }

    internal static RouteDefeat Shadow(IEnumerable<Prefix> by)
    {
        var list = by.ToImmutableArray();
        var shown = string.Join(", ", list.Take(8)) + (list.Length > 8 ? $" and {list.Length - 8} more" : "");
        return new RouteDefeat("B9", $"Active, but longer Active routes cover its whole range ({shown}): no destination uses it", list);
    }

    private static EffectiveRoute ToEffective(GatewayRoute r)
    {
        var text = r.Kind switch
        {
            GatewayRouteKind.Bgp => $"learned over BGP by {r.Gateway}: {r.Detail}",
            GatewayRouteKind.VnetToVnet => $"VNet-to-VNet connection of {r.Gateway}: {r.Detail}",
            _ => $"local network gateway prefix on {r.Gateway}: {r.Detail}",
        };
        if (r.Beat is { } lost)
            text += $"; preferred over {lost.Gateway}'s route for the same prefix (rule B5: ExpressRoute over VPN)";
        return new EffectiveRoute(RouteSource.VirtualNetworkGateway, RouteState.Active, r.Prefix, NextHopType.VirtualNetworkGateway,
            r.NextHopIpAddress, null, new RouteReason("A4", text))
        {
            Gateway = r.Gateway,
            Notes = r.NextHopIpAddress.IsEmpty ? ["no gateway instance is running: Azure shows next hop IP None (rule A7)"] : [],
        };
    }

    /// <summary>Merges the routes of a VNet's gateways: per prefix ExpressRoute over VPN (rule B5).</summary>
    internal static IEnumerable<GatewayRoute> Merge(IEnumerable<GatewayRoute> routes)
    {
        foreach (var group in routes.GroupBy(r => r.Prefix))
        {
            var ordered = group.OrderBy(r => r.GatewayType == GatewayType.ExpressRoute ? 0 : 1).ThenBy(r => r.Gateway, StringComparer.Ordinal).ToList();
            var winner = ordered[0];
            var loser = ordered.Skip(1).FirstOrDefault(r => r.GatewayType != winner.GatewayType);
            yield return loser is null ? winner : winner with { Beat = loser };
        }
    }
}
