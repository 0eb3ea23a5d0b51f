using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using NetTwin.Forwarding;
using NetTwin.Ipsec;
using NetTwin.Model;
using NetTwin.Routing;
using NetTwin.Routing.Bgp;

namespace NetTwin.WhatIf;

/// <summary>Destinations every lookup of one estate treats alike: the packet equivalence classes a flow diff sweeps
/// one of, for the others to take its verdicts.</summary>
/// <remarks>
/// <para>Everything forwarding asks of a destination address is which prefixes hold it: the route tables, NSG and
/// firewall rules, VNets, subnets, sites, selectors, service tags, the gateways' route sets and the circuits' edges
/// all answer by prefix. The flow diff's intervals are already cut at every such prefix, so within an interval the
/// answers are one. Two intervals far apart get the same answers too when the prefixes holding them are alike,
/// outermost to innermost. An ExpressRoute circuit's thousands of prefixes are: each is a BGP route with the same
/// attributes in every table that holds it, so every lookup that finds one finds the other's twin.</para>
/// <para>A prefix's signature is therefore what holds it. For a prefix only routes name, it is the list of those
/// routes with their attributes, without the prefix: a circuit's advertised route (circuit, peering, AS path), a
/// Microsoft edge's best path (edge, peer, next hop, AS path, origin, source...), a gateway route set's route (set,
/// gateway, type, next hops, kind, detail, the route it beat, its paths), a route table's route (table, next hop type
/// and address). Any other prefix (a VNet's, a subnet's, a rule's, a site's, a selector's, a device's, a service tag's,
/// a NIC's or platform address) is its own signature. An address's class is the chain of the signatures of the
/// prefixes holding it (prefixes nest or are apart), interned: two addresses with one chain meet the same answers at
/// every lookup, and so does every flow to them from one source.</para>
/// <para>Route tables are read where a flow can meet them. A flow to a destination outside a VNet crosses only its
/// source's VNet and the VNets with a gateway, a firewall or an appliance (<see cref="Transit"/>); it enters any other
/// VNet only when the destination is inside it, and then the VNet's own prefix tells the destination apart. So the
/// estate's chain reads the route tables of those VNets, and <see cref="From"/> refines it with the source VNet's own
/// tables, each of their routes placed among the estate's prefixes (how many hold it, and whether one is it) so that
/// the two chains interleave alike: a route equal to a circuit's prefix wins over it (B2); one holding it loses.</para>
/// <para>The classes are the baseline's: a flow diff uses them only when the other side's lookups are the baseline's
/// (a change of peerings' allowForwardedTraffic, swept in one pass). The equivalence tests hold the diff with them to
/// the diff without (tests/NetTwin.Tests/Scale/WhatIfEquivalence.cs).</para>
/// </remarks>
public sealed class DestinationClasses
{
    // The chain of each prefix of the estate.
    private readonly Chains _chains;
    private readonly Topology _topology;
    // Route tables read in full (those of subnets in VNets a flow can cross on its way: see Transit).
    private readonly HashSet<string> _transitTables;
    private readonly HashSet<string> _transitVnets;
    // Made once each, whoever asks first: a flow diff starts a VNet's while it works out the rest, and waits for it.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Source>> _sources = new(StringComparer.Ordinal);

    /// <summary>Prefixes and their chains. Outermost first, each prefix's chain is its parent's chain, its signature and
    /// its placement, interned (0 is the empty chain: no prefix holds the address). Found by longest match for one
    /// address, or for a run of ascending addresses in one pass with a stack of the prefixes open at the address (they
    /// nest).</summary>
    private sealed class Chains
    {
        private readonly PrefixTrie<Link> _trie = new();
        private readonly uint[] _first, _last;
        private readonly int[] _chain;

        /// <param name="prefixes">Every prefix, once, outermost first, and its signature.</param>
        /// <param name="place">What else tells a prefix apart besides its signature (a source VNet's route among the
        /// estate's prefixes).</param>
        public Chains(List<(Prefix Prefix, int Signature)> prefixes, Func<Prefix, (int Depth, bool Same)> place)
        {
            (_first, _last, _chain) = (new uint[prefixes.Count], new uint[prefixes.Count], new int[prefixes.Count]);
            var chains = new Dictionary<(int Parent, int Signature, int Depth, bool Same), int>();
            var open = new Stack<(Prefix Prefix, Link Link)>();
            for (var i = 0; i < prefixes.Count; i++)
            {
                var (p, s) = prefixes[i];
                while (open.Count > 0 && !open.Peek().Prefix.Contains(p)) open.Pop();
                var parent = open.Count > 0 ? open.Peek().Link : null;
                var (depth, same) = place(p);
                var key = (parent?.Id ?? 0, s, depth, same);
                if (!chains.TryGetValue(key, out var chain)) chains[key] = chain = chains.Count + 1;
                var link = new Link(chain, (parent?.Depth ?? 0) + 1);
                _trie.Set(p, link);
                open.Push((p, link));
                (_first[i], _last[i], _chain[i]) = (p.First.Value, p.Last.Value, chain);
            }
            _trie.Freeze();
        }

        /// <summary>The chain of the longest prefix holding the address (0: none).</summary>
        public int Of(Ipv4 address) => _trie.LongestMatch(address)?.Id ?? 0;

        /// <summary>How many of these prefixes hold <paramref name="p"/>, and whether one of them is it.</summary>
        public (int Depth, bool Same) Placement(Prefix p)
        {
            if (_trie.Get(p) is { } same) return (same.Depth, true);
            var depth = 0;
            foreach (var l in _trie.Covering(p)) depth = Math.Max(depth, l.Depth);
            return (depth, false);
        }

        /// <summary>The chain of each address of <paramref name="ascending"/> (0: none holds it).</summary>
        public void Classify(ReadOnlySpan<uint> ascending, Span<int> into)
        {
            Span<int> open = stackalloc int[34];
            int top = 0, next = 0;
            for (var i = 0; i < ascending.Length; i++)
            {
                var a = ascending[i];
                for (; next < _first.Length && _first[next] <= a; next++)
                {
                    while (top > 0 && _last[open[top - 1]] < _first[next]) top--;
                    open[top++] = next;
                }
                while (top > 0 && _last[open[top - 1]] < a) top--;
                into[i] = top > 0 ? _chain[open[top - 1]] : 0;
            }
        }
    }

    /// <summary>A prefix's chain and its depth (the prefixes holding it, itself included).</summary>
    private sealed class Link(int id, int depth)
    {
        public readonly int Id = id;
        public readonly int Depth = depth;
    }

    private static readonly ConditionalWeakTable<Planes, DestinationClasses> Cache = new();

    /// <summary>The classes of one side's planes, worked out once per planes object (<see cref="FlowDiff.PrepareBaseline"/>
    /// makes the baseline's).</summary>
    public static DestinationClasses Of(Planes planes) => Cache.GetValue(planes, p => new DestinationClasses(new Forwarder(p)));

    /// <summary>The classes of destinations as the flows of subnets in <paramref name="vnet"/> meet them: their key is
    /// equal for two addresses those flows treat alike.</summary>
    public Source From(string vnet) => _sources.GetOrAdd(vnet, static (v, c) => new Lazy<Source>(() => new Source(c, v)), this).Value;

    /// <summary>The VNets a flow can cross on its way to a destination outside them, besides its source's: those with
    /// a gateway, a firewall, a NIC that forwards, an appliance, or an address a user route sends to. A flow enters any
    /// other VNet only to be delivered there, and a destination inside a VNet is held by the VNet's own prefix.</summary>
    private static HashSet<string> Transit(Topology t)
    {
        var vnets = new HashSet<string>(StringComparer.Ordinal);
        void Of(string subnet) { if (t.Subnet(subnet) is { } s) vnets.Add(s.VirtualNetwork); }
        foreach (var g in t.VirtualNetworkGateways) Of(g.Subnet);
        foreach (var fw in t.AzureFirewalls) Of(fw.Subnet);
        foreach (var n in t.NetworkInterfaces) if (n.EnableIPForwarding) Of(n.Subnet);
        foreach (var vm in t.VirtualMachines)
            if (vm.Appliance is not null)
                foreach (var n in t.NetworkInterfaces) if (n.VirtualMachine == vm.Name) Of(n.Subnet);
        var nextHops = new HashSet<Ipv4>();
        foreach (var rt in t.RouteTables)
            foreach (var r in rt.Routes)
                if (r.NextHopIpAddress is { } ip) nextHops.Add(ip);
        foreach (var v in t.VirtualNetworks)
            foreach (var p in v.AddressPrefixes)
                foreach (var ip in nextHops)
                    if (p.Contains(ip)) vnets.Add(v.Name);
        return vnets;
    }

    private DestinationClasses(Forwarder f)
    {
        var t = _topology = f.Topology;
        _transitVnets = Transit(t);
        _transitTables = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in t.VirtualNetworks)
            if (_transitVnets.Contains(v.Name))
                foreach (var sn in v.Subnets) if (sn.RouteTable is { } rt) _transitTables.Add(rt);

        // Prefixes that are their own signature.
        var own = new HashSet<Prefix>(FlowDiff.CutPrefixes(f, routes: false));
        foreach (var d in t.OnPremisesDevices) foreach (var a in Endpoints.DeviceAddresses(d)) own.Add(new Prefix(a, 32));
        foreach (var p in AddressRanges.NotPublic) own.Add(p);
        foreach (var p in VnetRoutes.ReservedRanges) own.Add(p);
        foreach (var tag in t.ServiceTags.Tags) foreach (var p in tag.AddressPrefixes) own.Add(p);
        foreach (var n in t.NetworkInterfaces) own.Add(new Prefix(n.PrivateIPAddress, 32));
        foreach (var a in Endpoints.PlatformAddresses) own.Add(new Prefix(a, 32));

        // The routes holding a prefix, each as a place (where, and its attributes without the prefix).
        var places = new Places(own);
        for (var c = 0; c < t.ExpressRouteCircuits.Length; c++)
        {
            var circuit = t.ExpressRouteCircuits[c];
            for (var k = 0; k < circuit.Peerings.Length; k++)
            {
                var (where, routes) = (c * 64 + k, circuit.Peerings[k].PeerAdvertisedRoutes);
                places.Add(() => routes.Select(r => (r.Prefix, new Place(0, where, null, r.AsPath, null, null))));
            }
            foreach (var edge in f.EdgesOf(circuit.Name))
                places.Add(() => BestPaths(edge));
        }
        var set = 0;
        foreach (var g in Reachability.GatewayRouteSets(f))
        {
            var where = set++;
            places.Add(() => g.Routes.Select(r => (r.Prefix, new Place(2, where, null, default, r, null))));
        }
        foreach (var rt in t.RouteTables)
            if (_transitTables.Contains(rt.Name)) places.AddRoutes(rt);

        _chains = new Chains(places.Signatures(), static _ => (0, false));
    }

    /// <summary>A Microsoft edge's best paths (kind 1: the edge, the path).</summary>
    private static IEnumerable<(Prefix, Place)> BestPaths(BgpSpeaker edge)
    {
        foreach (var e in edge.Rib)
            foreach (var c in e.Paths)
                if (c.Best)
                {
                    yield return (e.Prefix, new Place(1, 0, edge.Id, default, null, c.Path));
                    break;
                }
    }

    /// <summary>The classes as one VNet's flows meet them: the estate's chain of an address, and the chain of the
    /// VNet's own route tables' routes holding it (when the VNet is not one a flow crosses, whose tables are the
    /// estate's), each route placed among the estate's prefixes (how many hold it, and whether one is it), so that the
    /// two chains interleave alike.</summary>
    public sealed class Source
    {
        private readonly DestinationClasses _estate;
        private readonly Chains? _chains;

        internal Source(DestinationClasses estate, string vnet)
        {
            _estate = estate;
            var t = estate._topology;
            if (estate._transitVnets.Contains(vnet) || t.VirtualNetwork(vnet) is not { } v) return;
            var tables = new HashSet<string>(StringComparer.Ordinal);
            foreach (var sn in v.Subnets) if (sn.RouteTable is { } rt && !estate._transitTables.Contains(rt)) tables.Add(rt);
            if (tables.Count == 0) return;
            var places = new Places([]);
            foreach (var rt in t.RouteTables) if (tables.Contains(rt.Name)) places.AddRoutes(rt);
            _chains = new Chains(places.Signatures(), estate._chains.Placement);
        }

        /// <summary>The class of an address: equal for two addresses this VNet's flows treat alike.</summary>
        public long Of(Ipv4 address) => ((long)_estate._chains.Of(address) << 32) | (uint)(_chains?.Of(address) ?? 0);

        /// <summary><see cref="Of"/> for each of a run of ascending addresses, in one pass over the prefixes.</summary>
        public long[] Of(ReadOnlySpan<uint> ascending)
        {
            var (estate, own) = (new int[ascending.Length], new int[ascending.Length]);
            _estate._chains.Classify(ascending, estate);
            _chains?.Classify(ascending, own);
            var classes = new long[ascending.Length];
            for (var i = 0; i < classes.Length; i++) classes[i] = ((long)estate[i] << 32) | (uint)own[i];
            return classes;
        }
    }

    /// <summary>The places of prefixes, and then their signatures.</summary>
    private sealed class Places(HashSet<Prefix> own)
    {
        private readonly List<Func<IEnumerable<(Prefix, Place)>>> _sources = [];

        /// <summary>A source of places: a peering's advertised routes, an edge's best paths, a route set, a route table.</summary>
        public void Add(Func<IEnumerable<(Prefix, Place)>> source) => _sources.Add(source);

        /// <summary>A route table's routes with a prefix (kind 3: the next hop's type, the table, the next hop's address).</summary>
        public void AddRoutes(RouteTable rt) =>
            Add(() => rt.Routes.Where(r => r.ServiceTag is null)
                .Select(r => (r.AddressPrefix, new Place(3, (int)r.NextHopType, rt.Name, default, null, null, r.NextHopIpAddress))));

        /// <summary>Every prefix and its signature, outermost first: an own prefix's is its own (negative), the others'
        /// their places, sorted and interned.</summary>
        public List<(Prefix Prefix, int Signature)> Signatures()
        {
            // Each source's places are told apart on their own, the sources in parallel: a place is its source's number
            // and its number there.
            var found = new List<(Prefix, long)>[_sources.Count];
            Parallel.For(0, _sources.Count, i =>
            {
                var ids = new Dictionary<Place, int>(PlaceComparer.Instance);
                var list = new List<(Prefix, long)>();
                foreach (var (p, place) in _sources[i]())
                {
                    if (own.Contains(p)) continue;
                    if (!ids.TryGetValue(place, out var id)) ids[place] = id = ids.Count;
                    list.Add((p, ((long)i << 32) | (uint)id));
                }
                found[i] = list;
            });
            var tokens = new Dictionary<Prefix, List<long>>();
            foreach (var list in found)
                foreach (var (p, token) in list)
                {
                    if (!tokens.TryGetValue(p, out var held)) tokens[p] = held = new List<long>(found.Length);
                    held.Add(token);
                }
            var signatures = new Dictionary<long[], int>(Sequence.Instance);
            var all = new List<(Prefix Prefix, int Signature)>(own.Count + tokens.Count);
            var next = 0;
            foreach (var p in own) all.Add((p, --next));
            foreach (var (p, held) in tokens)
            {
                held.Sort();
                var key = new long[held.Count];
                var n = 0;
                foreach (var token in held) if (n == 0 || key[n - 1] != token) key[n++] = token;
                if (n < key.Length) key = key[..n];
                if (!signatures.TryGetValue(key, out var sig)) signatures[key] = sig = signatures.Count;
                all.Add((p, sig));
            }
            all.Sort((x, y) => x.Prefix.First.Value != y.Prefix.First.Value ? x.Prefix.First.Value.CompareTo(y.Prefix.First.Value) : x.Prefix.Length.CompareTo(y.Prefix.Length));
            return all;
        }
    }

    /// <summary>A route holding a prefix, and its attributes: a circuit's advertised route (kind 0: circuit and peering,
    /// AS path), a Microsoft edge's best path (1: edge, path), a gateway route set's route (2: set, route), a route
    /// table's route (3: next hop type, table, next hop address). The prefix itself is never compared.</summary>
    private readonly record struct Place(int Kind, int Where, string? Name, ImmutableArray<long> AsPath, GatewayRoute? Route, BgpPath? Path, Ipv4? NextHop = null);

    private sealed class PlaceComparer : IEqualityComparer<Place>
    {
        public static readonly PlaceComparer Instance = new();

        public bool Equals(Place x, Place y) =>
            x.Kind == y.Kind && x.Where == y.Where && x.Name == y.Name && x.NextHop == y.NextHop && Same(x.AsPath, y.AsPath)
            && SameRoute(x.Route, y.Route) && SamePath(x.Path, y.Path);

        public int GetHashCode(Place p)
        {
            var h = new HashCode();
            h.Add(p.Kind);
            h.Add(p.Where);
            h.Add(p.Name);
            h.Add(p.NextHop);
            if (!p.AsPath.IsDefault) foreach (var a in p.AsPath) h.Add(a);
            if (p.Route is { } r) { h.Add(r.Gateway); h.Add(r.Detail); h.Add(r.Kind); }
            if (p.Path is { } b)
            {
                h.Add(b.PeerAddress);
                h.Add(b.NextHop);
                foreach (var a in b.AsPath) h.Add(a);
            }
            return h.ToHashCode();
        }

        private static bool Same<T>(ImmutableArray<T> x, ImmutableArray<T> y) =>
            x.IsDefault || y.IsDefault ? x.IsDefault == y.IsDefault : x.AsSpan().SequenceEqual(y.AsSpan());

        /// <summary>Two gateway routes alike but for their prefix (and the prefix of the routes they beat).</summary>
        private static bool SameRoute(GatewayRoute? x, GatewayRoute? y) =>
            ReferenceEquals(x, y) || (x is not null && y is not null
                && x.Gateway == y.Gateway && x.GatewayType == y.GatewayType && x.Kind == y.Kind && x.Detail == y.Detail
                && Same(x.NextHopIpAddress, y.NextHopIpAddress) && Same(x.Via, y.Via) && SameRoute(x.Beat, y.Beat));

        /// <summary>Two best paths alike but for their prefix: what forwarding reads of an edge's path and what decides it.</summary>
        private static bool SamePath(BgpPath? x, BgpPath? y) =>
            ReferenceEquals(x, y) || (x is not null && y is not null
                && x.PeerAddress == y.PeerAddress && x.NextHop == y.NextHop && x.PeerRouterId == y.PeerRouterId && Same(x.AsPath, y.AsPath)
                && x.Origin == y.Origin && x.Med == y.Med && x.LocalPreference == y.LocalPreference && x.Weight == y.Weight && x.Source == y.Source);
    }

    private sealed class Sequence : IEqualityComparer<long[]>
    {
        public static readonly Sequence Instance = new();
        public bool Equals(long[]? x, long[]? y) => x.AsSpan().SequenceEqual(y);
        public int GetHashCode(long[] a)
        {
            var h = new HashCode();
            foreach (var v in a) h.Add(v);
            return h.ToHashCode();
        }
    }
}
