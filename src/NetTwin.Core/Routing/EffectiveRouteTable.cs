using System.Collections;
using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Routing;

/// <summary>The effective routes of the subnets of one VNet that use the same route table (or none): every
/// such subnet, and every NIC in them, holds exactly this table (B11). The gateway routes are not copied:
/// the table is a view over the hub's shared <see cref="GatewayRouteSet"/> plus this table's own Default and
/// User routes, with per-table states where B2, B3 or B9 change them.</summary>
public sealed class EffectiveRouteTable
{
    private readonly ImmutableArray<EffectiveRoute> _defaults;
    private readonly ImmutableArray<EffectiveRoute> _users;
    private readonly GatewayRouteSet? _gateways;
    private readonly int[] _hidden;                     // gateway indices removed by B3, sorted
    private readonly Dictionary<int, EffectiveRoute> _gatewayOverrides;
    private readonly HashSet<int> _gatewayInactive;     // hidden or Invalid
    private readonly PrefixTrie<EffectiveRoute> _localActive;

    /// <summary>The VNet of the subnets holding this table.</summary>
    public string VirtualNetwork { get; }
    /// <summary>The route table associated with those subnets, or null.</summary>
    public string? RouteTable { get; }
    /// <summary>False when the route table disables gateway route propagation (rule B7).</summary>
    public bool GatewayRoutesPropagated { get; }
    /// <summary>Where the gateway routes come from, in words (own gateways, or the hub through which peering).</summary>
    public string? GatewayRoutesVia { get; }
    /// <summary>Every route, in Azure's listing order: Default, then VirtualNetworkGateway (by prefix), then User.</summary>
    public IReadOnlyList<EffectiveRoute> Routes { get; }
    /// <summary>Routes a rule took out of the table (A2, A3, B3, B7), with the rule.</summary>
    public ImmutableArray<RemovedRoute> Removed { get; }

    internal EffectiveRouteTable(VnetRoutes vnet, RouteTable? table)
    {
        VirtualNetwork = vnet.Vnet.Name;
        RouteTable = table?.Name;
        GatewayRoutesPropagated = table is not { DisableBgpRoutePropagation: true };
        var removed = new List<RemovedRoute>(vnet.RemovedDefaults);

        // B11 step 2: gateway routes unless B7, minus those B3 drops.
        if (GatewayRoutesPropagated && vnet.Gateways is { } gw)
        {
            _gateways = gw;
            GatewayRoutesVia = vnet.GatewaysVia;
            _hidden = [.. vnet.B3Dropped.Select(d => d.Index)];
            removed.AddRange(vnet.B3Dropped.Select(d => d.Removed));
        }
        else
        {
            _hidden = [];
            if (vnet.Gateways is { } off)
                removed.Add(new RemovedRoute(Prefix.Default, RouteSource.VirtualNetworkGateway, NextHopType.VirtualNetworkGateway,
                    new RouteReason("B7", $"route table {table!.Name} disables gateway route propagation: none of the {off.Routes.Length} gateway routes of {off.Hub} are added")));
        }

        // B11 step 3: the user routes (A5 next hops), then rule A3.
        var users = new List<EffectiveRoute>();
        foreach (var r in table?.Routes ?? [])
            users.Add(UserRoute(table!, r, vnet.Gateways));
        var defaults = vnet.Defaults.ToList();
        var defaultRoute = users.FirstOrDefault(u => u.AddressPrefix == Prefix.Default
            && u.NextHopType is NextHopType.VirtualAppliance or NextHopType.VirtualNetworkGateway);
        if (defaultRoute is not null)
        {
            var documented = defaultRoute.NextHopType == NextHopType.VirtualAppliance;
            foreach (var d in defaults.Where(d => d.NextHopType == NextHopType.None && VnetRoutes.ReservedRanges.Contains(d.AddressPrefix)).ToList())
            {
                defaults.Remove(d);
                removed.Add(new RemovedRoute(d.AddressPrefix, RouteSource.Default, NextHopType.None, new RouteReason("A3",
                    $"the user route {defaultRoute.Name} sends 0.0.0.0/0 to {defaultRoute.NextHopType}: Azure removes the reserved-range None routes"
                    + (documented ? "" : " (documented for VirtualAppliance only; NetTwin assumes the same for VirtualNetworkGateway: unverified)"))));
            }
        }

        // B11 step 4: per identical prefix the best source stays Active (B2), the others turn Invalid.
        _gatewayOverrides = [];
        _gatewayInactive = [.. _hidden];
        var byPrefix = new Dictionary<Prefix, List<(int Layer, int Index)>>();
        void Add(Prefix p, int layer, int index)
        {
            if (!byPrefix.TryGetValue(p, out var l)) byPrefix[p] = l = [];
            l.Add((layer, index));
        }
        for (var i = 0; i < defaults.Count; i++) Add(defaults[i].AddressPrefix, 0, i);
        for (var i = 0; i < users.Count; i++) Add(users[i].AddressPrefix, 2, i);
        foreach (var (prefix, list) in byPrefix)
        {
            if (_gateways is not null && _gateways.IndexOf.TryGetValue(prefix, out var gi) && Array.BinarySearch(_hidden, gi) < 0)
                list.Add((1, gi));
            if (list.Count < 2) continue;
            EffectiveRoute Get((int Layer, int Index) x) => x.Layer switch
            {
                0 => defaults[x.Index],
                1 => _gateways!.Effective[x.Index],
                _ => users[x.Index],
            };
            var winner = list.OrderByDescending(x => Rank(Get(x))).ThenBy(x => x.Index).First();
            var w = Get(winner);
            foreach (var loser in list.Where(x => x != winner))
            {
                var l = Get(loser);
                var defeat = new RouteDefeat("B2", SamePrefixText(w, l), [w.AddressPrefix]);
                var invalid = l with { State = RouteState.Invalid, InvalidBecause = defeat, ShadowedBy = null };
                switch (loser.Layer)
                {
                    case 0: defaults[loser.Index] = invalid; break;
                    case 1: _gatewayOverrides[loser.Index] = invalid; _gatewayInactive.Add(loser.Index); break;
                    default: users[loser.Index] = invalid; break;
                }
            }
        }

        // The Active routes outside the shared gateway set, for longest-prefix match and rule B9.
        _localActive = new PrefixTrie<EffectiveRoute>();
        foreach (var r in defaults.Concat(users).Where(r => r.State == RouteState.Active)) _localActive.Set(r.AddressPrefix, r);
        _localActive.Freeze();
        var hiddenTrie = new PrefixTrie<object>();
        foreach (var i in _hidden) hiddenTrie.Set(_gateways!.Routes[i].Prefix, hiddenTrie);
        var cover = new Coverage(_localActive, _gateways, _hidden, hiddenTrie);

        // Rule B9 for this table's own Active routes...
        for (var i = 0; i < defaults.Count; i++) defaults[i] = cover.Annotate(defaults[i]);
        for (var i = 0; i < users.Count; i++) users[i] = cover.Annotate(users[i]);
        // ...and for the shared gateway routes whose range holds a route of this table or a route B3 removed:
        // only those can differ from the gateway set's own B9 result.
        if (_gateways is not null)
        {
            var affected = new HashSet<int>();
            foreach (var p in _localActive.All().Select(r => r.AddressPrefix).Concat(_hidden.Select(i => _gateways.Routes[i].Prefix)))
                foreach (var e in _gateways.Trie.Covering(p)) affected.Add(e.Index);
            foreach (var i in affected)
            {
                if (_gatewayInactive.Contains(i)) continue;
                var current = _gateways.Effective[i];
                var annotated = cover.Annotate(current with { ShadowedBy = null });
                var same = (annotated.ShadowedBy, current.ShadowedBy) switch
                {
                    (null, null) => true,
                    ({ } a, { } b) => a.By.SequenceEqual(b.By),
                    _ => false,
                };
                if (!same) _gatewayOverrides[i] = annotated;
            }
        }

        // A8: an appliance next hop must be reachable without the ExpressRoute gateway.
        for (var i = 0; i < users.Count; i++)
            if (users[i] is { NextHopType: NextHopType.VirtualAppliance, NextHopIpAddress: [var nh] } u && !Direct(nh, defaults)
                && LookupIn(nh) is { Source: RouteSource.VirtualNetworkGateway } via && IsExpressRoute(via))
                users[i] = u with { Notes = u.Notes.Add($"rule A8: the next hop {nh} is reachable only through the ExpressRoute gateway ({via.AddressPrefix} via {via.Gateway}): Azure calls this an invalid user-defined routing configuration") };

        // The trie now holds the listed (annotated) versions.
        foreach (var r in defaults.Concat(users).Where(r => r.State == RouteState.Active)) _localActive.Set(r.AddressPrefix, r);
        _localActive.Freeze();
        _defaults = [.. defaults];
        _users = [.. users];
        Removed = [.. removed];
        Routes = new View(this);
    }

    private bool IsExpressRoute(EffectiveRoute r) =>
        _gateways is not null && _gateways.IndexOf.TryGetValue(r.AddressPrefix, out var i) && _gateways.Routes[i].GatewayType == GatewayType.ExpressRoute;

    private static bool Direct(Ipv4 ip, List<EffectiveRoute> defaults) =>
        defaults.Any(d => d.State == RouteState.Active && d.NextHopType is NextHopType.VnetLocal or NextHopType.VNetPeering or NextHopType.VNetGlobalPeering
            && d.AddressPrefix.Contains(ip));

    private static int Rank(EffectiveRoute r) => r.Source switch
    {
        RouteSource.User => 300,
        RouteSource.VirtualNetworkGateway => 200,
        // Equal Default prefixes only meet when a peered VNet's prefix equals a reserved range: the peering
        // route is kept over the None route, as A2 does for the VNet's own space (unverified for peerings).
        _ => r.NextHopType switch { NextHopType.VnetLocal => 104, NextHopType.VNetPeering or NextHopType.VNetGlobalPeering => 103, NextHopType.Internet => 102, _ => 101 },
    };

    private static string SamePrefixText(EffectiveRoute winner, EffectiveRoute loser)
    {
        var who = winner.Source switch
        {
            RouteSource.User => $"the User route {winner.Name} ({winner.NextHopType})",
            RouteSource.VirtualNetworkGateway => $"the gateway route via {winner.Gateway}",
            _ => $"the Default {winner.NextHopType} route",
        };
        return winner.Source == loser.Source
            ? $"{who} has the same prefix and is kept (unverified: same-source conflict)"
            : $"{who} has the same prefix and a higher-priority source (User > VirtualNetworkGateway > Default)";
    }

    private static EffectiveRoute UserRoute(RouteTable table, Route r, GatewayRouteSet? gateways)
    {
        var notes = ImmutableArray.CreateBuilder<string>();
        ImmutableArray<Ipv4> ips = [];
        switch (r.NextHopType)
        {
            case NextHopType.VirtualAppliance when r.NextHopIpAddress is { } ip:
                ips = [ip];
                break;
            case NextHopType.VirtualAppliance:
                notes.Add("rule A5: a VirtualAppliance route needs nextHopIpAddress; Azure shows next hop IP None");
                break;
            case NextHopType.VirtualNetworkGateway:
                // Rule A8: only a VPN gateway can be the target, and not when VPN and ExpressRoute gateways coexist.
                if (gateways?.VpnGateway is null)
                    notes.Add("rule A8: no VPN gateway serves this VNet (ExpressRoute gateways cannot be a user route target): traffic is dropped");
                else
                {
                    ips = gateways.VpnGatewayIps;
                    if (gateways.HasExpressRouteGateway)
                        notes.Add($"rule A8: Azure does not allow user routes to VirtualNetworkGateway when VPN ({gateways.VpnGateway.Name}) and ExpressRoute gateways coexist");
                }
                break;
        }
        return new EffectiveRoute(RouteSource.User, RouteState.Active, r.AddressPrefix, r.NextHopType, ips, r.Name,
            new RouteReason("B4", $"user route {r.Name} of route table {table.Name}"))
        {
            RouteTable = table.Name,
            Notes = notes.ToImmutable(),
        };
    }

    /// <summary>The route used for a destination: longest prefix match over the Active routes (rule B1).
    /// Rule B3, the only exception to longest prefix match, is already applied: gateway routes equal to or
    /// inside a VnetLocal or peering prefix are not in the table. Null means no route: the packet is dropped.</summary>
    public EffectiveRoute? Lookup(Ipv4 destination) => LookupIn(destination);

    private EffectiveRoute? LookupIn(Ipv4 destination)
    {
        var local = _localActive.LongestMatch(destination);
        var gw = _gateways?.Trie.LongestMatch(destination, e => !_gatewayInactive.Contains(e.Index));
        if (gw is null) return local;
        if (local is null || gw.Route.Prefix.Length > local.AddressPrefix.Length)
            return _gatewayOverrides.GetValueOrDefault(gw.Index) ?? gw.Effective;
        return local;
    }

    /// <summary>The Active routes.</summary>
    public IEnumerable<EffectiveRoute> ActiveRoutes => Routes.Where(r => r.State == RouteState.Active);

    private int GatewayCount => _gateways is null ? 0 : _gateways.Routes.Length - _hidden.Length;

    private EffectiveRoute GatewayAt(int visibleIndex)
    {
        // Map the visible index to the set's index, skipping hidden (B3) entries.
        var index = visibleIndex;
        foreach (var h in _hidden)
        {
            if (h <= index) index++;
            else break;
        }
        return _gatewayOverrides.GetValueOrDefault(index) ?? _gateways!.Effective[index];
    }

    private sealed class View(EffectiveRouteTable t) : IReadOnlyList<EffectiveRoute>
    {
        public int Count => t._defaults.Length + t.GatewayCount + t._users.Length;

        public EffectiveRoute this[int index]
        {
            get
            {
                if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index));
                if (index < t._defaults.Length) return t._defaults[index];
                index -= t._defaults.Length;
                if (index < t.GatewayCount) return t.GatewayAt(index);
                return t._users[index - t.GatewayCount];
            }
        }

        public IEnumerator<EffectiveRoute> GetEnumerator()
        {
            foreach (var d in t._defaults) yield return d;
            if (t._gateways is not null)
            {
                var h = 0;
                for (var i = 0; i < t._gateways.Routes.Length; i++)
                {
                    if (h < t._hidden.Length && t._hidden[h] == i) { h++; continue; }
                    yield return t._gatewayOverrides.GetValueOrDefault(i) ?? t._gateways.Effective[i];
                }
            }
            foreach (var u in t._users) yield return u;
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>Rule B9 over the merged view (this table's routes + the shared gateway set - B3 drops).</summary>
    private sealed class Coverage(PrefixTrie<EffectiveRoute> local, GatewayRouteSet? gateways, int[] hidden, PrefixTrie<object> hiddenTrie)
    {
        private bool GatewayActiveAt(Prefix p) =>
            gateways?.Trie.Get(p) is { } e && Array.BinarySearch(hidden, e.Index) < 0;

        private bool Full(Prefix q)
        {
            if (local.Get(q) is not null || GatewayActiveAt(q)) return true;
            if (q.Length == 32) return false;
            if (!local.HasAnyWithin(q) && !hiddenTrie.HasAnyWithin(q)) return gateways?.Trie.IsFull(q) ?? false;
            var (low, high) = PrefixTrie<object>.Halves(q)!.Value;
            return Full(low) && Full(high);
        }

        private IEnumerable<Prefix> Outermost(Prefix q)
        {
            if (local.Get(q) is not null || GatewayActiveAt(q)) { yield return q; yield break; }
            if (q.Length == 32) yield break;
            if (!local.HasAnyWithin(q) && !hiddenTrie.HasAnyWithin(q))
            {
                if (gateways is not null)
                    foreach (var e in gateways.Trie.OutermostWithin(q)) yield return e.Route.Prefix;
                yield break;
            }
            var (low, high) = PrefixTrie<object>.Halves(q)!.Value;
            foreach (var p in Outermost(low)) yield return p;
            foreach (var p in Outermost(high)) yield return p;
        }

        public EffectiveRoute Annotate(EffectiveRoute r)
        {
            if (r.State != RouteState.Active || r.AddressPrefix.Length == 32) return r;
            var (low, high) = PrefixTrie<object>.Halves(r.AddressPrefix)!.Value;
            if (!(Full(low) && Full(high))) return r.ShadowedBy is null ? r : r with { ShadowedBy = null };
            return r with { ShadowedBy = GatewayRouteSet.Shadow(Outermost(low).Concat(Outermost(high))) };
        }
    }
}
