using System.Collections.Concurrent;
using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Routing;

/// <summary>A route table's user routes laid over a hub's gateway routes (or over none, when propagation is off
/// or no gateway serves): B2 between User and VirtualNetworkGateway routes and B9 within these two layers.
/// Shared by every subnet, in any VNet, that uses this route table and this hub: the per-VNet table then only
/// adds its few Default routes. Immutable once built.</summary>
internal sealed class UserRouteLayer
{
    public RouteTable? Table { get; }
    /// <summary>The gateway routes under the user routes; null when propagation is off (B7) or no gateway serves.</summary>
    public GatewayRouteSet? Gateways { get; }
    /// <summary>The user routes in table order with their B2 state, before B9's annotation: what forwarding reads.</summary>
    public ImmutableArray<EffectiveRoute> PlainUsers { get; }
    /// <summary>The user routes in table order, with their B2 state and B9 annotation within this layer (as listed;
    /// the annotation is worked out on first use).</summary>
    public ImmutableArray<EffectiveRoute> Users => _annotations.Value.Users;
    /// <summary>Gateway routes this layer changes, as listed: Invalid under a user route (B2), or shadowed by user
    /// routes (B9).</summary>
    public Dictionary<int, EffectiveRoute> GatewayOverrides => _annotations.Value.GatewayOverrides;
    /// <summary>Gateway routes made Invalid by a user route with the same prefix.</summary>
    public HashSet<int> GatewayInactive { get; } = [];
    /// <summary>The Active user routes, before B9's annotation (the prefixes are the listed ones').</summary>
    public PrefixTrie<EffectiveRoute> UserTrie { get; } = new();

    // B2's overrides: the gateway routes a user route with the same prefix makes Invalid, with the user route's index.
    // Forwarding reads only which are Invalid (GatewayInactive); the Invalid routes themselves, with their defeat's
    // sentence, are made when a listing first asks (a layer of the largest estate has about 390 of them).
    private readonly List<(int Gateway, int User)> _b2 = [];
    private Dictionary<int, EffectiveRoute>? _invalidGateways;

    private Dictionary<int, EffectiveRoute> InvalidGateways => LazyInitializer.EnsureInitialized(ref _invalidGateways, () =>
    {
        var invalid = new Dictionary<int, EffectiveRoute>(_b2.Count);
        // The same defeat a Default route with that prefix records (SamePrefixDefeat).
        foreach (var (gi, ui) in _b2)
            invalid[gi] = Gateways!.Effective[gi] with { State = RouteState.Invalid, ShadowedBy = null, InvalidBecause = SamePrefixDefeat(PlainUsers[ui]) };
        return invalid;
    });
    private readonly Lazy<(ImmutableArray<EffectiveRoute> Users, Dictionary<int, EffectiveRoute> GatewayOverrides)> _annotations;
    /// <summary>The user route sending 0.0.0.0/0 to an appliance or the VPN gateway (rule A3), if any.</summary>
    public EffectiveRoute? DefaultToDevice { get; }

    private readonly Dictionary<Prefix, int> _userIndex = [];
    private readonly ConcurrentDictionary<EffectiveRoute, RouteDefeat> _samePrefixDefeats = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<Prefix, RemovedRoute> _reservedRemoved = new();

    /// <summary>Rule B2 for a Default route whose prefix <paramref name="winner"/> (a user route of this layer or one
    /// of its gateway routes) also has: the defeat every table over this layer records, made once (10,000 tables share
    /// 200 layers on the largest generated estate).</summary>
    public RouteDefeat SamePrefixDefeat(EffectiveRoute winner) =>
        _samePrefixDefeats.TryGetValue(winner, out var d) ? d
            : _samePrefixDefeats.GetOrAdd(winner, static w => new RouteDefeat("B2",
                (w.Source == RouteSource.User ? $"the User route {w.Name} ({w.NextHopType})" : $"the gateway route via {w.Gateway}")
                + " has the same prefix and a higher-priority source (User > VirtualNetworkGateway > Default)", [w.AddressPrefix]));

    /// <summary>Rule A3: the reserved-range None route <paramref name="prefix"/> removed because this layer's
    /// <see cref="DefaultToDevice"/> sends 0.0.0.0/0 to a device; made once per layer and range.</summary>
    public RemovedRoute ReservedRangeRemoved(Prefix prefix) =>
        _reservedRemoved.TryGetValue(prefix, out var r) ? r
            : _reservedRemoved.GetOrAdd(prefix, static (p, dr) => new RemovedRoute(p, RouteSource.Default, NextHopType.None, new RouteReason("A3",
                $"the user route {dr.Name} sends 0.0.0.0/0 to {dr.NextHopType}: Azure removes the reserved-range None routes"
                + (dr.NextHopType == NextHopType.VirtualAppliance ? "" : " (documented for VirtualAppliance only; NetTwin assumes the same for VirtualNetworkGateway: unverified)"))),
                DefaultToDevice!);

    private readonly ConcurrentDictionary<Prefix, bool> _fullMemo = new();

    public UserRouteLayer(RouteTable? table, GatewayRouteSet? gateways, GatewayRouteSet? serving, ServiceTagSet? tags = null)
    {
        Table = table;
        Gateways = gateways;
        var users = new List<EffectiveRoute>();
        foreach (var r in table?.Routes ?? [])
        {
            var template = UserRoute(table!, r, serving);
            // [UDR] service tags for user-defined routes: a tag as addressPrefix covers the tag's prefixes (one
            // effective route per prefix here; `routes` lists them as one row, as az does). A tag NetTwin has no
            // prefixes for adds nothing (validation warns, NT-TAG-001).
            if (r.ServiceTag is not { } tag) Add(template);
            else
            {
                var origin = new RouteReason("B4", $"user route {r.Name} of route table {table!.Name}, service tag {tag}");
                foreach (var p in tags?.Find(tag)?.AddressPrefixes ?? [])
                    Add(template with { AddressPrefix = p, ServiceTag = tag, Origin = origin });
            }
        }

        // One user route (a tag's prefix counted as a route), with rule B2 against an earlier one of the same prefix.
        // A local function, not a lambda over a sequence: 80,000 routes on the largest estate each paid a closure, a
        // one-element list and its enumerator.
        void Add(EffectiveRoute e)
        {
            var u = e;
            if (_userIndex.TryGetValue(u.AddressPrefix, out var first))
            {
                // An explicit prefix beats a service tag route with the same prefix; then regional tags, global
                // tags, AzureCloud regional, AzureCloud ([UDR]). Otherwise the first route is kept (unverified).
                if (ServiceTagSet.RoutePrecedence(u.ServiceTag) < ServiceTagSet.RoutePrecedence(users[first].ServiceTag))
                {
                    users[first] = users[first] with
                    {
                        State = RouteState.Invalid,
                        InvalidBecause = new RouteDefeat("B2", $"the User route {u.Name} ({u.ServiceTag ?? "explicit prefix"}) has the same prefix and takes precedence over service tag {users[first].ServiceTag}", [u.AddressPrefix]),
                    };
                    _userIndex[u.AddressPrefix] = users.Count;
                }
                else
                    u = u with
                    {
                        State = RouteState.Invalid,
                        InvalidBecause = new RouteDefeat("B2", u.ServiceTag is not null && ServiceTagSet.RoutePrecedence(u.ServiceTag) > ServiceTagSet.RoutePrecedence(users[first].ServiceTag)
                            ? $"the User route {users[first].Name} ({users[first].ServiceTag ?? "explicit prefix"}) has the same prefix and takes precedence over service tag {u.ServiceTag}"
                            : $"the User route {users[first].Name} has the same prefix and is kept (unverified: same-source conflict)", [u.AddressPrefix]),
                    };
            }
            else _userIndex[u.AddressPrefix] = users.Count;
            users.Add(u);
        }
        // Rule B2: a user route beats a gateway route with the same prefix.
        if (gateways is not null)
            foreach (var (prefix, ui) in _userIndex)
                if (gateways.IndexOf.TryGetValue(prefix, out var gi))
                {
                    GatewayInactive.Add(gi);
                    _b2.Add((gi, ui));
                }
        foreach (var u in users.Where(u => u.State == RouteState.Active)) UserTrie.Set(u.AddressPrefix, u);
        UserTrie.Freeze();
        DefaultToDevice = users.FirstOrDefault(u => u.State == RouteState.Active && u.AddressPrefix == Prefix.Default
            && u.NextHopType is NextHopType.VirtualAppliance or NextHopType.VirtualNetworkGateway);

        PlainUsers = [.. users];
        _annotations = new(Annotate, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Rule B9 within user + gateway routes, for listing (no state changes): every node on the user routes'
    /// paths is evaluated once.</summary>
    private (ImmutableArray<EffectiveRoute>, Dictionary<int, EffectiveRoute>) Annotate()
    {
        var users = PlainUsers.ToList();
        var overrides = new Dictionary<int, EffectiveRoute>(InvalidGateways);
        foreach (var u in users.Where(u => u.State == RouteState.Active)) Full(u.AddressPrefix);
        for (var i = 0; i < users.Count; i++)
            if (users[i].State == RouteState.Active) users[i] = Annotate(users[i], Full, Outermost);
        if (Gateways is { } gateways)
        {
            var affected = new SortedSet<int>();
            foreach (var p in _userIndex.Keys)
                foreach (var e in gateways.Trie.Covering(p)) affected.Add(e.Index);
            foreach (var i in affected)
            {
                if (GatewayInactive.Contains(i)) continue;
                var current = gateways.Effective[i];
                var annotated = Annotate(current with { ShadowedBy = null }, Full, Outermost);
                if (!SameShadow(annotated, current)) overrides[i] = annotated;
            }
        }
        return ([.. users], overrides);
    }

    internal static bool SameShadow(EffectiveRoute a, EffectiveRoute b) => (a.ShadowedBy, b.ShadowedBy) switch
    {
        (null, null) => true,
        ({ } x, { } y) => x.By.SequenceEqual(y.By),
        _ => false,
    };

    /// <summary>Rule B9: a route whose both halves are fully covered by longer Active routes is shadowed.</summary>
    internal static EffectiveRoute Annotate(EffectiveRoute r, Func<Prefix, bool> full, Func<Prefix, IEnumerable<Prefix>> outermost)
    {
        if (r.State != RouteState.Active || r.AddressPrefix.Length == 32) return r.ShadowedBy is null ? r : r with { ShadowedBy = null };
        var (low, high) = PrefixTrie<object>.Halves(r.AddressPrefix)!.Value;
        if (!(full(low) && full(high))) return r.ShadowedBy is null ? r : r with { ShadowedBy = null };
        return r with { ShadowedBy = GatewayRouteSet.Shadow(outermost(low).Concat(outermost(high))) };
    }

    public bool GatewayActiveAt(Prefix p, out int index)
    {
        index = -1;
        if (Gateways?.Trie.Get(p) is not { } e) return false;
        index = e.Index;
        return !GatewayInactive.Contains(e.Index);
    }

    /// <summary>True when every address of <paramref name="q"/> is inside an Active user or gateway route at or inside q.</summary>
    public bool Full(Prefix q)
    {
        if (_fullMemo.TryGetValue(q, out var memo)) return memo;
        bool result;
        if (UserTrie.Get(q) is not null || GatewayActiveAt(q, out _)) result = true;
        else if (!UserTrie.HasAnyWithin(q)) return Gateways?.Trie.IsFull(q) ?? false; // gateway routes only (no memo needed)
        else if (q.Length == 32) result = false;
        else
        {
            var (low, high) = PrefixTrie<object>.Halves(q)!.Value;
            result = Full(low) && Full(high);
        }
        _fullMemo[q] = result;
        return result;
    }

    /// <summary>The outermost Active user or gateway routes at or inside q.</summary>
    public IEnumerable<Prefix> Outermost(Prefix q)
    {
        if (UserTrie.Get(q) is not null || GatewayActiveAt(q, out _)) { yield return q; yield break; }
        if (!UserTrie.HasAnyWithin(q))
        {
            if (Gateways is not null)
                foreach (var e in Gateways.Trie.OutermostWithin(q)) yield return e.Route.Prefix;
            yield break;
        }
        if (q.Length == 32) yield break;
        var (low, high) = PrefixTrie<object>.Halves(q)!.Value;
        foreach (var p in Outermost(low)) yield return p;
        foreach (var p in Outermost(high)) yield return p;
    }

    /// <summary>Longest match over the Active user and gateway routes, skipping gateway routes the caller hides (B3).</summary>
    private Func<GatewayRouteSet.Entry, bool>? _activeGateway;

    /// <summary>The gateway routes a lookup may take: those no user route of the same prefix made Invalid (B2); null
    /// when there are none such (the set is filled by the constructor, then only read).</summary>
    public Func<GatewayRouteSet.Entry, bool>? Active => GatewayInactive.Count == 0 ? null : _activeGateway ??= e => !GatewayInactive.Contains(e.Index);

    /// <summary>The same, also without the gateway routes <paramref name="hidden"/> hides (B3): made once by the table
    /// that hides them, not on every lookup.</summary>
    public Func<GatewayRouteSet.Entry, bool> Accepting(Func<int, bool> hidden) =>
        GatewayInactive.Count == 0 ? e => !hidden(e.Index) : e => !GatewayInactive.Contains(e.Index) && !hidden(e.Index);

    /// <summary>The longest match over the Active user and gateway routes <paramref name="accept"/> takes, as forwarding
    /// reads it (before this layer's B9 annotation: a listing maps it to the listed version by index).</summary>
    public (EffectiveRoute Route, int GatewayIndex)? Lookup(Ipv4 destination, Func<GatewayRouteSet.Entry, bool>? accept)
    {
        var user = UserTrie.LongestMatch(destination);
        var gw = Gateways?.Trie.LongestMatch(destination, accept);
        // A gateway route a lookup may take is Active: B2's overrides (Invalid) are never taken.
        if (gw is not null && (user is null || gw.Route.Prefix.Length > user.AddressPrefix.Length))
            return (GatewayInactive.Contains(gw.Index) ? InvalidGateways[gw.Index] : gw.Effective, gw.Index);
        return user is null ? null : (user, -1);
    }

    /// <summary><see cref="Lookup"/> for every address of a prefix at once: the answer, and in <paramref name="parted"/>
    /// whether a user or gateway route lies strictly inside the prefix (then its addresses may be answered otherwise).</summary>
    public (EffectiveRoute Route, int GatewayIndex)? LookupOver(Prefix prefix, Func<GatewayRouteSet.Entry, bool>? accept, out bool parted)
    {
        var user = UserTrie.LongestCovering(prefix, null, out parted);
        var gatewayParted = false;
        var gw = Gateways?.Trie.LongestCovering(prefix, accept, out gatewayParted);
        parted |= gatewayParted;
        if (gw is not null && (user is null || gw.Route.Prefix.Length > user.AddressPrefix.Length))
            return (GatewayInactive.Contains(gw.Index) ? InvalidGateways[gw.Index] : gw.Effective, gw.Index);
        return user is null ? null : (user, -1);
    }

    private (int Index, Ipv4 NextHop, EffectiveRoute Via)[]? _erNextHops;

    /// <summary>Rule A8's candidates: the appliance routes (by index) whose next hop the layer reaches through an
    /// ExpressRoute gateway route. Worked out once per layer; each table over it then checks only these against its
    /// own Default routes and B3 drops (a table of 400 user routes used to look up every next hop, in each of 10,000
    /// tables).</summary>
    public (int Index, Ipv4 NextHop, EffectiveRoute Via)[] ExpressRouteNextHops => _erNextHops ??= FindExpressRouteNextHops();

    private (int, Ipv4, EffectiveRoute)[] FindExpressRouteNextHops()
    {
        var found = new List<(int, Ipv4, EffectiveRoute)>();
        var routeTo = new Dictionary<Ipv4, EffectiveRoute?>();   // many appliance routes share a next hop
        for (var i = 0; i < PlainUsers.Length; i++)
        {
            if (PlainUsers[i] is not { NextHopType: NextHopType.VirtualAppliance, NextHopIpAddress: [var nh] }) continue;
            if (!routeTo.TryGetValue(nh, out var via)) routeTo[nh] = via = Lookup(nh, Active)?.Route;
            if (via is not null && IsExpressRoute(via)) found.Add((i, nh, via));
        }
        return [.. found];
    }

    private bool IsExpressRoute(EffectiveRoute r) =>
        Gateways is not null && r.Source == RouteSource.VirtualNetworkGateway && Gateways.IndexOf.TryGetValue(r.AddressPrefix, out var i)
        && Gateways.Routes[i].GatewayType == GatewayType.ExpressRoute;

    public int UserIndexOf(Prefix p) => _userIndex.TryGetValue(p, out var i) ? i : -1;

    // Rule B4: user routes override system routes; equal prefixes are settled by rule B2 above.
    private static EffectiveRoute UserRoute(RouteTable table, Route r, GatewayRouteSet? serving)
    {
        ImmutableArray<string> notes = [];
        ImmutableArray<Ipv4> ips = [];
        switch (r.NextHopType)
        {
            case NextHopType.VirtualAppliance when r.NextHopIpAddress is { } ip:
                ips = [ip];
                break;
            case NextHopType.VirtualAppliance:
                notes = ["rule A5: a VirtualAppliance route needs nextHopIpAddress; Azure shows next hop IP None"];
                break;
            case NextHopType.VirtualNetworkGateway:
                // Rule A8: only a VPN gateway can be the target, and not when VPN and ExpressRoute gateways coexist.
                if (serving?.VpnGateway is null)
                    notes = ["rule A8: no VPN gateway serves this VNet (ExpressRoute gateways cannot be a user route target): traffic is dropped"];
                else
                {
                    ips = serving.VpnGatewayIps;
                    if (serving.HasExpressRouteGateway)
                        notes = [$"rule A8: Azure does not allow user routes to VirtualNetworkGateway when VPN ({serving.VpnGateway.Name}) and ExpressRoute gateways coexist"];
                }
                break;
        }
        return new EffectiveRoute(RouteSource.User, RouteState.Active, r.AddressPrefix, r.NextHopType, ips, r.Name,
            new RouteReason("B4", $"user route {r.Name} of route table {table.Name}"))
        {
            RouteTable = table.Name,
            Notes = notes,
        };
    }
}
