using System.Collections;
using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Routing;

/// <summary>The effective routes of the subnets of one VNet that use the same route table (or none): every
/// such subnet, and every NIC in them, holds exactly this table (B11). Nothing large is copied: the table is a
/// view over the hub's shared <see cref="GatewayRouteSet"/> and the route table's shared user-route layer,
/// plus this VNet's own Default routes and the few states those change (B2, B3, B9).</summary>
public sealed class EffectiveRouteTable
{
    private readonly UserRouteLayer _layer;
    private readonly GatewayRouteSet? _gateways;
    private readonly int[] _hidden;                               // gateway indices removed by B3, sorted
    // What forwarding reads, made with the table: the Default routes with their B2 states (before B9's annotation),
    // and a trie of the Active ones.
    private readonly EffectiveRoute[] _plainDefaults;
    private readonly PrefixTrie<EffectiveRoute> _plainTrie = new();
    // What a listing shows besides (B9's shadows, A8's notes), worked out on first use: a flow diff or a matrix
    // builds thousands of tables for a few lookups each and never lists them.
    private readonly Lazy<Annotations> _annotations;

    /// <summary>The listed versions of the routes: the Default routes annotated, and the gateway and user routes this
    /// table annotates differently from its layer (B9 over this table's own routes, A8).</summary>
    private sealed record Annotations(ImmutableArray<EffectiveRoute> Defaults, Dictionary<int, EffectiveRoute> GatewayOverrides,
        Dictionary<int, EffectiveRoute> UserOverrides, PrefixTrie<EffectiveRoute> DefaultTrie);

    // The listed versions (made on first use).
    private ImmutableArray<EffectiveRoute> ListedDefaults => _annotations.Value.Defaults;
    private Dictionary<int, EffectiveRoute> ListedGatewayOverrides => _annotations.Value.GatewayOverrides;
    private Dictionary<int, EffectiveRoute> ListedUserOverrides => _annotations.Value.UserOverrides;

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

    internal EffectiveRouteTable(VnetRoutes vnet, UserRouteLayer layer, ImmutableArray<EffectiveRoute> serviceEndpoints = default)
    {
        var endpoints = serviceEndpoints.IsDefault ? [] : serviceEndpoints;
        VirtualNetwork = vnet.Vnet.Name;
        RouteTable = layer.Table?.Name;
        _layer = layer;
        _gateways = layer.Gateways;
        GatewayRoutesPropagated = layer.Table is not { DisableBgpRoutePropagation: true };
        var removed = new List<RemovedRoute>(vnet.RemovedDefaults);

        // B11 step 2: the gateway routes (unless B7), minus those B3 drops for this VNet.
        if (_gateways is not null)
        {
            GatewayRoutesVia = vnet.GatewaysVia;
            var dropped = new SortedDictionary<int, RemovedRoute>(vnet.B3Dropped.ToDictionary(d => d.Index, d => d.Removed));
            // Rule B3 for service endpoint routes (A4): they are preferred even over more specific gateway routes.
            foreach (var se in endpoints)
                foreach (var e in _gateways.Trie.Within(se.AddressPrefix))
                    dropped.TryAdd(e.Index, new RemovedRoute(e.Route.Prefix, RouteSource.VirtualNetworkGateway, NextHopType.VirtualNetworkGateway,
                        new RouteReason("B3", $"{e.Route.Gateway}'s route is {(e.Route.Prefix == se.AddressPrefix ? "equal to" : "inside")} the VirtualNetworkServiceEndpoint route {se.AddressPrefix} ({se.ServiceTag}), which is preferred even over more specific gateway routes")));
            _hidden = [.. dropped.Keys];
            removed.AddRange(dropped.Values);
        }
        else
        {
            _hidden = [];
            if (vnet.Gateways is { } off)
                removed.Add(new RemovedRoute(Prefix.Default, RouteSource.VirtualNetworkGateway, NextHopType.VirtualNetworkGateway,
                    new RouteReason("B7", $"route table {layer.Table!.Name} disables gateway route propagation: none of the {off.Routes.Length} gateway routes of {off.Hub} are added")));
        }

        // B11 step 3: rule A3 (a 0.0.0.0/0 user route to a device removes the reserved-range None routes).
        var defaults = vnet.Defaults.ToList();
        defaults.AddRange(endpoints);
        if (layer.DefaultToDevice is not null)
            foreach (var d in defaults.Where(d => d.NextHopType == NextHopType.None && VnetRoutes.ReservedRanges.Contains(d.AddressPrefix)).ToList())
            {
                defaults.Remove(d);
                removed.Add(layer.ReservedRangeRemoved(d.AddressPrefix));
            }

        // Rule B6 is this same-prefix rule applied to 0.0.0.0/0: a BGP default route makes the Default Internet
        // route Invalid (forced tunnelling); the reserved None routes stay (A3 is documented for user routes only).
        // B11 step 4: a Default route loses to a User or gateway route with the same prefix (B2); between
        // Default routes of equal prefix (a peered VNet equal to a reserved range) the peering route is kept.
        var seen = new Dictionary<Prefix, int>();
        for (var i = 0; i < defaults.Count; i++)
        {
            var d = defaults[i];
            EffectiveRoute? winner = null;
            if (layer.UserIndexOf(d.AddressPrefix) is var ui and >= 0 && layer.PlainUsers[ui].State == RouteState.Active) winner = layer.PlainUsers[ui];
            else if (layer.GatewayActiveAt(d.AddressPrefix, out var gi) && Array.BinarySearch(_hidden, gi) < 0) winner = _gateways!.Effective[gi];
            if (winner is not null)
            {
                defaults[i] = d with { State = RouteState.Invalid, InvalidBecause = layer.SamePrefixDefeat(winner) };
                continue;
            }
            if (seen.TryGetValue(d.AddressPrefix, out var j))
            {
                var (keep, lose) = Rank(defaults[j]) >= Rank(d) ? (j, i) : (i, j);
                defaults[lose] = defaults[lose] with
                {
                    State = RouteState.Invalid,
                    InvalidBecause = new RouteDefeat("B2", $"the Default {defaults[keep].NextHopType} route has the same prefix and is kept (unverified: same-source conflict)", [d.AddressPrefix]),
                };
                seen[d.AddressPrefix] = keep;
            }
            else seen[d.AddressPrefix] = i;
        }
        foreach (var d in defaults)
            if (d.State == RouteState.Active) _plainTrie.Set(d.AddressPrefix, d);
        _plainDefaults = [.. defaults];
        Removed = [.. removed];
        Routes = new View(this);
        _annotations = new(Annotate, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Rules B9 and A8 over this table: the annotations a listing shows (no state changes: a shadowed route
    /// stays Active, an A8 note is a note).</summary>
    private Annotations Annotate()
    {
        var layer = _layer;
        var defaults = _plainDefaults.ToList();
        var gatewayOverrides = new Dictionary<int, EffectiveRoute>();
        var userOverrides = new Dictionary<int, EffectiveRoute>();

        // Rule B9 over the whole table. The layer already knows the user and gateway routes; only this table's
        // Default routes, and the layer routes whose range holds one of them or a route B3 removed, can change.
        var hiddenTrie = new PrefixTrie<object>();
        foreach (var i in _hidden) hiddenTrie.Set(_gateways!.Routes[i].Prefix, hiddenTrie);
        var cover = new Coverage(this, hiddenTrie);
        for (var i = 0; i < defaults.Count; i++) defaults[i] = UserRouteLayer.Annotate(defaults[i], cover.Full, cover.Outermost);
        var changed = _plainTrie.All().Select(d => d.AddressPrefix).Concat(_hidden.Select(i => _gateways!.Routes[i].Prefix)).ToList();
        var affectedGateways = new SortedSet<int>();
        var affectedUsers = new SortedSet<int>();
        foreach (var p in changed)
        {
            if (_gateways is not null)
                foreach (var e in _gateways.Trie.Covering(p)) affectedGateways.Add(e.Index);
            foreach (var u in layer.UserTrie.Covering(p)) affectedUsers.Add(layer.UserIndexOf(u.AddressPrefix));
        }
        foreach (var i in affectedGateways)
        {
            if (!layer.GatewayActiveAt(_gateways!.Routes[i].Prefix, out _) || Array.BinarySearch(_hidden, i) >= 0) continue;
            var current = layer.GatewayOverrides.GetValueOrDefault(i) ?? _gateways.Effective[i];
            var annotated = UserRouteLayer.Annotate(current, cover.Full, cover.Outermost);
            if (!UserRouteLayer.SameShadow(annotated, current)) gatewayOverrides[i] = annotated;
        }
        foreach (var i in affectedUsers)
        {
            var current = layer.Users[i];
            var annotated = UserRouteLayer.Annotate(current, cover.Full, cover.Outermost);
            if (!UserRouteLayer.SameShadow(annotated, current)) userOverrides[i] = annotated;
        }

        // Rule A8: an appliance next hop must be reachable without the ExpressRoute gateway.
        foreach (var (i, nh, via) in layer.ExpressRouteNextHops)
        {
            if (Direct(nh, defaults)) continue;
            if (Array.BinarySearch(_hidden, _gateways!.IndexOf[via.AddressPrefix]) < 0)
            {
                var u = userOverrides.GetValueOrDefault(i) ?? layer.Users[i];
                userOverrides[i] = u with { Notes = u.Notes.Add($"rule A8: the next hop {nh} is reachable only through the ExpressRoute gateway ({via.AddressPrefix} via {via.Gateway}): Azure calls this an invalid user-defined routing configuration") };
            }
        }

        // The listed trie: the core's prefixes, holding the annotated versions.
        var defaultTrie = new PrefixTrie<EffectiveRoute>();
        foreach (var d in defaults)
            if (d.State == RouteState.Active) defaultTrie.Set(d.AddressPrefix, d);
        return new Annotations([.. defaults], gatewayOverrides, userOverrides, defaultTrie);
    }

    /// <summary>This table's own Default routes (every state), in listing order.</summary>
    internal ImmutableArray<EffectiveRoute> DefaultRoutes => ListedDefaults;
    /// <summary>The same routes before this table's annotations (same prefixes, next hops and states): what the
    /// VirtualNetwork tag reads.</summary>
    internal IReadOnlyList<EffectiveRoute> PlainDefaultRoutes => _plainDefaults;
    private Func<Ipv4, bool>? _virtualNetworkTag;

    /// <summary>The addresses the VirtualNetwork service tag stands for in the NSGs of this table's subnets (rule G4):
    /// the table's routes that are VnetLocal, peering, gateway or User, whatever their state. Only the few Default
    /// routes are the table's own (a hub's are its peerings, hundreds of them): its user routes are its layer's and its gateway
    /// routes the hub's set (every one of them VirtualNetworkGateway; those rule B3 hides lie inside a VnetLocal or
    /// peering route, so counting them changes nothing). Made on first use, without a lock (two threads may both make
    /// it; they make the same), and kept with the table, so every forwarder over it shares it.</summary>
    internal Func<Ipv4, bool> VirtualNetworkTag =>
        _virtualNetworkTag ?? Interlocked.CompareExchange(ref _virtualNetworkTag, MakeVirtualNetworkTag(), null) ?? _virtualNetworkTag!;

    private Func<Ipv4, bool> MakeVirtualNetworkTag()
    {
        static bool InTag(EffectiveRoute r) =>
            r.NextHopType is NextHopType.VnetLocal or NextHopType.VNetPeering or NextHopType.VNetGlobalPeering or NextHopType.VirtualNetworkGateway
            || r.Source == RouteSource.User;
        // Every prefix of the layer's user routes is an Active one's: user routes start Active and rule B2 makes one
        // of two with the same prefix Invalid, never both. So the Active trie holds every user route's prefix.
        var users = _layer.UserTrie;
        var gateways = _gateways?.Trie;
        var n = 0;
        foreach (var r in _plainDefaults) if (InTag(r)) n++;
        var own = new EffectiveRoute[n];
        n = 0;
        foreach (var r in _plainDefaults) if (InTag(r)) own[n++] = r;
        if (own.Length <= 16)
            return ip =>
            {
                foreach (var r in own) if (r.AddressPrefix.Contains(ip)) return true;
                return users.HasMatch(ip) || gateways?.HasMatch(ip) == true;
            };
        var trie = new PrefixTrie<EffectiveRoute>();
        foreach (var r in own) trie.Set(r.AddressPrefix, r);
        trie.Freeze();
        return ip => trie.HasMatch(ip) || users.HasMatch(ip) || gateways?.HasMatch(ip) == true;
    }
    /// <summary>The gateway routes this table carries (the hub's shared set), or null (none serves, or B7). The
    /// routes rule B3 hides from this table are in it too: each lies inside one of this table's VnetLocal or peering
    /// Default routes.</summary>
    internal GatewayRouteSet? CarriedGatewayRoutes => _gateways;

    /// <summary>The route table's user routes, shared by every table over it (its Active ones in
    /// <see cref="UserRouteLayer.UserTrie"/>).</summary>
    internal UserRouteLayer Layer => _layer;

    // A loop, not a lambda over ip: it runs for every appliance route of every table (4 million times on the
    // largest generated estate), and a capturing lambda allocated two objects each time.
    private static bool Direct(Ipv4 ip, List<EffectiveRoute> defaults)
    {
        foreach (var d in defaults)
            if (d.State == RouteState.Active && d.NextHopType is NextHopType.VnetLocal or NextHopType.VNetPeering or NextHopType.VNetGlobalPeering
                && d.AddressPrefix.Contains(ip)) return true;
        return false;
    }

    private static int Rank(EffectiveRoute r) => r.NextHopType switch
    {
        NextHopType.VnetLocal => 4,
        NextHopType.VNetPeering or NextHopType.VNetGlobalPeering => 3,
        NextHopType.Internet => 2,
        _ => 1,
    };

    private bool Hidden(int gatewayIndex) => Array.BinarySearch(_hidden, gatewayIndex) >= 0;

    /// <summary>The route used for a destination: longest prefix match over the Active routes (rule B1).
    /// Rule B3, the only exception to longest prefix match, is already applied: gateway routes equal to or
    /// inside a VnetLocal or peering prefix are not in the table. Null means no route: the packet is dropped.</summary>
    public EffectiveRoute? Lookup(Ipv4 destination) =>
        Combine(listed: true, _annotations.Value.DefaultTrie.LongestMatch(destination), _layer.Lookup(destination, Accept));

    /// <summary><see cref="Lookup"/> for forwarding: the same route, but as the table holds it before this table's
    /// annotations (B9's shadow over its own routes, A8's note), which no forwarding decision reads. The matrix and
    /// the flow diff look up this way, so a table they only forward through is never annotated.</summary>
    internal EffectiveRoute? Forward(Ipv4 destination) =>
        Combine(listed: false, _plainTrie.LongestMatch(destination), _layer.Lookup(destination, Accept));

    private Func<GatewayRouteSet.Entry, bool>? _accept;

    /// <summary>The gateway routes this table's lookups may take (the layer's Active ones, less those B3 hides here).</summary>
    private Func<GatewayRouteSet.Entry, bool>? Accept => _hidden.Length == 0 ? _layer.Active : _accept ??= _layer.Accepting(Hidden);

    /// <summary><see cref="Forward(Ipv4)"/> of every address of <paramref name="prefix"/> at once: the route, valid for
    /// them all unless <paramref name="parted"/> (some route of the table lies strictly inside the prefix; gateway routes
    /// counted whether this table takes them or not).</summary>
    internal EffectiveRoute? ForwardOver(Prefix prefix, out bool parted)
    {
        var d = _plainTrie.LongestCovering(prefix, null, out parted);
        var l = _layer.LookupOver(prefix, Accept, out var layerParted);
        parted |= layerParted;
        return Combine(listed: false, d, l);
    }

    /// <summary><see cref="Forward(Ipv4)"/> of one destination in many tables (a reply's first hop from every destination
    /// subnet back to one source): the user-and-gateway layer's answer is the same in every table over that layer that
    /// hides nothing (B3), so it is asked once and kept in <paramref name="layerAnswers"/>, which the caller keeps for
    /// this destination only.</summary>
    internal EffectiveRoute? Forward(Ipv4 destination, Dictionary<object, (EffectiveRoute Route, int GatewayIndex)?> layerAnswers)
    {
        (EffectiveRoute Route, int GatewayIndex)? l;
        if (_hidden.Length > 0) l = _layer.Lookup(destination, Accept);
        else if (!layerAnswers.TryGetValue(_layer, out l)) layerAnswers[_layer] = l = _layer.Lookup(destination, _layer.Active);
        return Combine(listed: false, _plainTrie.LongestMatch(destination), l);
    }

    // The longer of the table's Default route and the layer's answer; when listed, its listed version (B9, A8).
    private EffectiveRoute? Combine(bool listed, EffectiveRoute? d, (EffectiveRoute Route, int GatewayIndex)? l)
    {
        if (l is not { } hit) return d;
        if (d is not null && d.AddressPrefix.Length >= hit.Route.AddressPrefix.Length) return d;
        if (!listed) return hit.Route;
        if (hit.GatewayIndex >= 0) return Gateway(hit.GatewayIndex);
        return User(_layer.UserIndexOf(hit.Route.AddressPrefix));
    }

    /// <summary>The Active routes.</summary>
    public IEnumerable<EffectiveRoute> ActiveRoutes => Routes.Where(r => r.State == RouteState.Active);

    /// <summary>The Active routes with exactly this prefix, as <see cref="ActiveRoutes"/> lists them (its Default
    /// routes, the gateway route unless rule B3 hides it, the user route), without walking the whole table.</summary>
    internal IEnumerable<EffectiveRoute> ActiveRoutesAt(Prefix prefix)
    {
        foreach (var d in ListedDefaults)
            if (d.AddressPrefix == prefix && d.State == RouteState.Active) yield return d;
        if (_gateways is not null && _gateways.IndexOf.TryGetValue(prefix, out var gi) && !Hidden(gi) && Gateway(gi) is { State: RouteState.Active } g)
            yield return g;
        // A later user route with the same prefix is Invalid (B2): only the first can be Active.
        if (_layer.UserIndexOf(prefix) is var ui and >= 0 && User(ui) is { State: RouteState.Active } u) yield return u;
    }

    /// <summary>The routes of <paramref name="before"/> and <paramref name="after"/> that can differ, each in table
    /// order, when both are views over the same gateway route set with the same B3 drops (e.g. one route table edited):
    /// every Default and User route, and the gateway routes at the indices either table or either layer overrides.
    /// Every other gateway route is the set's own route object on both sides, at the same place in both listings, so
    /// comparing these lists prefix by prefix or route by route finds every difference a comparison of the whole
    /// tables finds. Null when the tables are not views of one set (compare them in full).</summary>
    internal static (List<EffectiveRoute> Before, List<EffectiveRoute> After)? Candidates(EffectiveRouteTable before, EffectiveRouteTable after)
    {
        if (!ReferenceEquals(before._gateways, after._gateways) || !before._hidden.AsSpan().SequenceEqual(after._hidden)) return null;
        var indices = new SortedSet<int>();
        if (before._gateways is not null)
        {
            indices.UnionWith(before.ListedGatewayOverrides.Keys);
            indices.UnionWith(after.ListedGatewayOverrides.Keys);
            indices.UnionWith(before._layer.GatewayOverrides.Keys);
            indices.UnionWith(after._layer.GatewayOverrides.Keys);
            indices.ExceptWith(before._hidden);
        }
        List<EffectiveRoute> Of(EffectiveRouteTable t)
        {
            var list = new List<EffectiveRoute>(t.ListedDefaults.Length + indices.Count + t._layer.Users.Length);
            list.AddRange(t.ListedDefaults);
            foreach (var i in indices) list.Add(t.Gateway(i));
            for (var i = 0; i < t._layer.Users.Length; i++) list.Add(t.User(i));
            return list;
        }
        return (Of(before), Of(after));
    }

    private int GatewayCount => _gateways is null ? 0 : _gateways.Routes.Length - _hidden.Length;

    private EffectiveRoute Gateway(int index) =>
        ListedGatewayOverrides.GetValueOrDefault(index) ?? _layer.GatewayOverrides.GetValueOrDefault(index) ?? _gateways!.Effective[index];

    private EffectiveRoute User(int index) => ListedUserOverrides.GetValueOrDefault(index) ?? _layer.Users[index];

    private EffectiveRoute GatewayAt(int visibleIndex)
    {
        var index = visibleIndex;
        foreach (var h in _hidden)
        {
            if (h <= index) index++;
            else break;
        }
        return Gateway(index);
    }

    private sealed class View(EffectiveRouteTable t) : IReadOnlyList<EffectiveRoute>
    {
        public int Count => t._plainDefaults.Length + t.GatewayCount + t._layer.PlainUsers.Length;   // the listed ones are as many

        public EffectiveRoute this[int index]
        {
            get
            {
                if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index));
                if (index < t.ListedDefaults.Length) return t.ListedDefaults[index];
                index -= t.ListedDefaults.Length;
                if (index < t.GatewayCount) return t.GatewayAt(index);
                return t.User(index - t.GatewayCount);
            }
        }

        public IEnumerator<EffectiveRoute> GetEnumerator()
        {
            foreach (var d in t.ListedDefaults) yield return d;
            if (t._gateways is not null)
            {
                var h = 0;
                for (var i = 0; i < t._gateways.Routes.Length; i++)
                {
                    if (h < t._hidden.Length && t._hidden[h] == i) { h++; continue; }
                    yield return t.Gateway(i);
                }
            }
            for (var i = 0; i < t._layer.Users.Length; i++) yield return t.User(i);
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>Rule B9 over the merged view: this table's Default routes + the shared layer - B3 drops.
    /// Off the paths of the Default routes and B3 drops, the layer's own (memoized) answer holds. Which prefixes hold
    /// an Active Default route is the core's trie's to say (the annotations change no state).</summary>
    private sealed class Coverage(EffectiveRouteTable t, PrefixTrie<object> hidden)
    {
        private bool LayerActiveAt(Prefix q) =>
            t._layer.UserTrie.Get(q) is not null || (t._layer.GatewayActiveAt(q, out var gi) && !t.Hidden(gi));

        public bool Full(Prefix q)
        {
            if (t._plainTrie.Get(q) is not null || LayerActiveAt(q)) return true;
            if (!t._plainTrie.HasAnyWithin(q) && !hidden.HasAnyWithin(q)) return t._layer.Full(q);
            if (q.Length == 32) return false;
            var (low, high) = PrefixTrie<object>.Halves(q)!.Value;
            return Full(low) && Full(high);
        }

        public IEnumerable<Prefix> Outermost(Prefix q)
        {
            if (t._plainTrie.Get(q) is not null || LayerActiveAt(q)) { yield return q; yield break; }
            if (!t._plainTrie.HasAnyWithin(q) && !hidden.HasAnyWithin(q))
            {
                foreach (var p in t._layer.Outermost(q)) yield return p;
                yield break;
            }
            if (q.Length == 32) yield break;
            var (low, high) = PrefixTrie<object>.Halves(q)!.Value;
            foreach (var p in Outermost(low)) yield return p;
            foreach (var p in Outermost(high)) yield return p;
        }
    }
}
