using System.Runtime.CompilerServices;
using NetTwin.Forwarding;
using NetTwin.Ipsec;
using NetTwin.Model;
using NetTwin.Routing;

namespace NetTwin.WhatIf;

/// <summary>The flows of two estates compared class by class. A class is a source subnet (one holding workloads)
/// and an interval of destination addresses inside which nothing either estate knows draws a line: the boundaries
/// <c>reach --matrix</c> uses (VNets, subnets, route tables, NSG and firewall rules, sites, appliance routes,
/// selectors, gateway and on-premises routing tables) of either side, every effective route, and the ranges that are
/// not the internet — so the classes refine the matrix's on both sides and add the internet, which the matrix does
/// not cover (a what-if must show internet flows changing path, S0). One flow per class and side (from the
/// subnet's first NIC, to one address of the interval, tcp/443 unless told otherwise) stands for the whole class;
/// classes whose verdict and path are equal on both sides are left out, the rest are merged back into ranges.</summary>
/// <remarks>Given the change's scope, <see cref="Compare"/> traces only the classes whose flows can walk differently
/// (<see cref="FlowSelection"/>); <see cref="CompareInFull"/> traces every class, the plain definition, kept for the
/// equivalence tests (tests/NetTwin.Tests/Scale/IncrementalEquivalenceTests.cs).</remarks>
public static class FlowDiff
{
    // Never a unicast host anywhere: a class here is skipped unless a NIC or device owns the address.
    private static readonly Prefix[] NoHosts = [.. new[] { "0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/3" }.Select(Prefix.Parse)];

    /// <summary>A class's verdict on one side. Its text ("DENIED_BY_NSG at spoke-1/app", ", asymmetric") is joined
    /// only for the flow changes listed (a what-if compares hundreds of thousands of classes): it is compared by its
    /// parts, the disposition (one string per combination), the device it ended at and the asymmetry.</summary>
    private sealed record Verdict(string To, string Disposition, string At, bool Asymmetric, IReadOnlyList<string> Path, IReadOnlyList<string> ReplyPath)
    {
        public string Text => (At.Length > 0 ? $"{Disposition} at {At}" : Disposition) + (Asymmetric ? ", asymmetric" : "");

        public bool SameText(Verdict o) => Disposition == o.Disposition && At == o.At && Asymmetric == o.Asymmetric;

        public bool SameAs(Verdict o) => SameText(o) && Path.SequenceEqual(o.Path) && ReplyPath.SequenceEqual(o.ReplyPath);

        private static readonly System.Collections.Concurrent.ConcurrentDictionary<(Disposition, int, Disposition), string> Dispositions = new();

        /// <summary>A request's disposition, with its reply's when the request got through but the flow does not reach
        /// (reply: 0 none traced, 1 traced): one string per combination.</summary>
        public static string DispositionOf(Disposition request, bool reaches, bool hasReply, Disposition reply) =>
            !request.IsSuccess() || reaches ? request.Code()
                : Dispositions.GetOrAdd((request, hasReply ? 1 : 0, hasReply ? reply : default),
                    k => k.Item2 == 1 ? $"{k.Item1.Code()}, reply {k.Item3.Code()}" : $"{k.Item1.Code()}, no reply");
    }

    /// <summary>Every class traced on both sides, its cuts taken from every subnet's effective routes: the plain
    /// definition.</summary>
    public static IReadOnlyList<FlowChange> CompareInFull(Planes before, Planes after, TransportProtocol protocol = TransportProtocol.Tcp, int port = 443)
    {
        var (fb, fa) = (new Forwarder(before), new Forwarder(after));
        var cuts = new HashSet<ulong> { 0, 1UL << 32 };
        void Cut(Prefix p) { cuts.Add(p.First.Value); cuts.Add((ulong)p.Last.Value + 1); }
        foreach (var p in AddressRanges.NotPublic) Cut(p); // boundaries between internet and non-internet destinations
        foreach (var f in new[] { fb, fa })
        {
            foreach (var p in Reachability.Boundaries(f)) Cut(p);
            foreach (var d in f.Topology.OnPremisesDevices) foreach (var p in Endpoints.DeviceNetworks(d)) Cut(p);
            foreach (var (_, table) in f.Routing.AllSubnetTables()) foreach (var r in table.Routes) Cut(r.AddressPrefix);
        }
        var intervals = Intervals(cuts);
        var sources = Sources(before.Topology, after.Topology);
        return Trace(fb, fa, sources, intervals, [.. sources.Select(_ => (IReadOnlyList<int>)[.. Enumerable.Range(0, intervals.Count)])], protocol, port, sweep: false);
    }

    /// <summary>The flow diff of <paramref name="after"/> against <paramref name="before"/>, tracing only the classes
    /// <see cref="FlowSelection.Of"/> says can differ under <paramref name="scope"/> (every class when it is null
    /// or the selection is the whole estate). Equal to <see cref="CompareInFull"/>.</summary>
    public static IReadOnlyList<FlowChange> Compare(Planes before, Planes after, ChangeScope? scope = null,
        TransportProtocol protocol = TransportProtocol.Tcp, int port = 443)
    {
        // The classes of the destinations of a flag-changed VNet's own subnets (the wide rows of a dual sweep, Trace):
        // made on the other core while this one works out the selection, the intervals and the sources.
        if (ForwardedTrafficOnly(scope) && DestinationClasses.Of(before) is var classes)
            foreach (var v in scope.ForwardedTrafficVnets)
                _ = Task.Run(() => { if (Prepared.TryGetValue(before, out var ready)) ready.LayoutOf(before, v, classes); else classes.From(v); });
        var selection = scope is null ? FlowSelection.Everything : FlowSelection.Of(before, after, scope);
        // A verdict reads dispositions and devices only: no hop is recorded (Forwarder.Hops).
        var (fb, fa) = (new Forwarder(before) { HopTexts = false, Hops = false }, new Forwarder(after) { HopTexts = false, Hops = false });
        // Cut by the baseline's lines alone, the intervals are those its preparation made (with their targets).
        var intervals = selection.Destinations is null && BaselineCutsOnly(fb, fa, scope) && Prepared.TryGetValue(before, out var prepared)
            ? prepared.Intervals : Intervals(Cuts(fb, fa, scope, selection.Destinations));
        // Unchanged VNets hold the same subnets, in the same order: the after side takes the baseline's ids as they are.
        var setB = SourcesOf(before);
        var setA = SourcesOf(after, setB, sameSubnets: scope is not null && (scope.Changed & TopologyParts.VirtualNetworks) == 0);
        var sources = Sources(setB, setA);
        var (bt, at) = (before.Topology, after.Topology);
        // A list the selection hands out (the intervals every source traces, one array for 10,000 sources) is only read:
        // kept as it is, not copied per source.
        var perSource = new List<IReadOnlyList<int>>(sources.Count);
        // Both sides' subnets of each source, by position when both sides have the same sources (no lookup by name).
        var aligned = ReferenceEquals(setA.Sorted, setB.Sorted);
        for (var k = 0; k < sources.Count; k++)
        {
            var id = sources[k];
            var (sb, sa) = aligned ? (setB.SortedSubnets[k], setA.SortedSubnets[k]) : (bt.Subnet(id), at.Subnet(id));
            var e = selection.IntervalsFor(id, (sb ?? sa)!.VirtualNetwork, () => setB.EndpointOf(id)?.From.Address ?? setA.EndpointOf(id)?.From.Address,
                Prefixes(sb?.AddressPrefix, sa?.AddressPrefix), intervals);
            perSource.Add(e is int[] shared ? shared : [.. e]);
        }
        // Targets read the NICs, subnets, devices, sites and circuits only: unchanged, the after side's are the before side's.
        var sameTargets = scope is not null && (scope.Changed & TargetParts) == 0;
        return Trace(fb, fa, sources, intervals, perSource, protocol, port, sweep: true, sameTargets, ForwardedTrafficOnly(fb, fa, scope), (setB, setA));
    }

    /// <summary>When the two estates differ only in peerings' allowForwardedTraffic (over one control plane and one set
    /// of tunnels), the before estate's peerings whose flag the after estate sets otherwise, with the after value: both
    /// sides are then swept in one pass (<see cref="ClassSweep.Rows"/>). Null otherwise.</summary>
    internal static Dictionary<VirtualNetworkPeering, bool>? ForwardedTrafficOnly(Planes before, Planes after, ChangeScope? scope) =>
        ForwardedTrafficOnly(new Forwarder(before), new Forwarder(after), scope);

    private static bool ForwardedTrafficOnly([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] ChangeScope? scope) => scope is { Routing: RoutingScope.None, Changed: TopologyParts.PeeringForwardedTraffic };

    private static Dictionary<VirtualNetworkPeering, bool>? ForwardedTrafficOnly(Forwarder fb, Forwarder fa, ChangeScope? scope)
    {
        // A None scope's after side is the baseline's planes over the new topology (EstateAnalysis.Derive): one BGP, one
        // set of tunnels, the same tables.
        if (!ForwardedTrafficOnly(scope)) return null;
        if (!ReferenceEquals(fb.Routing.Bgp, fa.Routing.Bgp) || !ReferenceEquals(fb.Tunnels, fa.Tunnels)) return null;
        var (b, a) = (fb.Topology.VirtualNetworkPeerings, fa.Topology.VirtualNetworkPeerings);
        if (b.Length != a.Length) return null;
        // The scope found these peerings alike but for the flag, position by position (ChangeScope.ForwardedTrafficPeerings).
        var flags = new Dictionary<VirtualNetworkPeering, bool>(ReferenceEqualityComparer.Instance);
        foreach (var i in scope.ForwardedTrafficPeerings)
        {
            // A scope of other topologies would name other peerings: not swept together.
            if (i >= b.Length || b[i].Name != a[i].Name || b[i].AllowForwardedTraffic == a[i].AllowForwardedTraffic) return null;
            flags[b[i]] = a[i].AllowForwardedTraffic;
        }
        return flags;
    }

    /// <summary>A source subnet's prefix on either side (one, or two when it changed, or none).</summary>
    private static List<Prefix> Prefixes(Prefix? before, Prefix? after)
    {
        var list = new List<Prefix>(2);
        if (before is { } b) list.Add(b);
        if (after is { } a && a != before) list.Add(a);
        return list;
    }

    /// <summary>What an interval's target is resolved from (Endpoints.Of, Representative, Destination).</summary>
    private const TopologyParts TargetParts = TopologyParts.VirtualNetworks | TopologyParts.NetworkInterfaces | TopologyParts.OnPremisesDevices
        | TopologyParts.LocalNetworkGateways | TopologyParts.ExpressRouteCircuits;

    private static List<string> Sources(Topology bt, Topology at) =>
        [.. bt.Subnets.Concat(at.Subnets).Where(s => s.HoldsWorkloads).Select(s => s.Id).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>One side's source subnets (those holding workloads): their ids in the topology's order and sorted
    /// (ordinal), and each one's endpoint (<see cref="Endpoints.Resolve"/>) on first use. Worked out once per planes
    /// object, so the what-ifs asked of one baseline share the baseline's (<see cref="PrepareBaseline"/>).</summary>
    private sealed class SourceSet
    {
        public readonly string[] InOrder;
        public readonly string[] Sorted;
        /// <summary>The subnet of each of <see cref="Sorted"/>, by position.</summary>
        public readonly Subnet[] SortedSubnets;
        // The positions in InOrder of Sorted's ids.
        private readonly int[] _order;
        private readonly Topology _topology;
        // Each of Sorted's endpoints, by position, resolved on first use.
        private readonly Endpoint?[] _endpoints;

        /// <param name="like">The baseline's set: when this side's subnets are the same ids in the same order, its order holds.</param>
        /// <param name="sameSubnets">True when the two topologies' VNets are structurally the same (the change scope found
        /// no change in them): the same ids in the same order, without comparing them.</param>
        public SourceSet(Topology t, SourceSet? like = null, bool sameSubnets = false)
        {
            _topology = t;
            var ids = new List<string>();
            var subnets = new List<Subnet>();
            foreach (var sn in t.Subnets)
                if (sn.HoldsWorkloads) { subnets.Add(sn); if (!sameSubnets) ids.Add(sn.Id); }
            InOrder = sameSubnets && like is not null ? like.InOrder : [.. ids];
            if (like is not null && (ReferenceEquals(InOrder, like.InOrder) || InOrder.AsSpan().SequenceEqual(like.InOrder)))
                (Sorted, _order) = (like.Sorted, like._order);
            else
            {
                var order = Enumerable.Range(0, InOrder.Length).OrderBy(i => InOrder[i], StringComparer.Ordinal).ToList();
                order = [.. order.Where((i, k) => k == 0 || InOrder[order[k - 1]] != InOrder[i])];   // each id once
                _order = [.. order];
                Sorted = [.. order.Select(i => InOrder[i])];
            }
            SortedSubnets = [.. _order.Select(i => subnets[i])];
            _endpoints = new Endpoint?[Sorted.Length];
        }

        /// <summary>The subnet and endpoint of <see cref="Sorted"/>[<paramref name="i"/>].</summary>
        public (Subnet Subnet, Endpoint From) EndpointAt(int i) => (SortedSubnets[i], _endpoints[i] ??= Endpoints.Resolve(_topology, Sorted[i]));

        /// <summary>The subnet and endpoint of a source id, or null when this side has no such subnet.</summary>
        public (Subnet Subnet, Endpoint From)? EndpointOf(string id)
        {
            var i = Array.BinarySearch(Sorted, id, StringComparer.Ordinal);
            return i >= 0 ? EndpointAt(i) : null;
        }
    }

    private static readonly ConditionalWeakTable<Planes, SourceSet> SourceCache = new();

    private static SourceSet SourcesOf(Planes p, SourceSet? like = null, bool sameSubnets = false) =>
        SourceCache.GetValue(p, x => new SourceSet(x.Topology, like, sameSubnets));

    /// <summary>The source subnets of both sides, sorted (ordinal), each once.</summary>
    private static List<string> Sources(SourceSet b, SourceSet a)
    {
        if (ReferenceEquals(a.Sorted, b.Sorted)) return [.. b.Sorted];
        var merged = new List<string>(b.Sorted.Length + 8);
        int i = 0, j = 0;
        while (i < b.Sorted.Length || j < a.Sorted.Length)
        {
            var c = i == b.Sorted.Length ? 1 : j == a.Sorted.Length ? -1 : string.CompareOrdinal(b.Sorted[i], a.Sorted[j]);
            if (c <= 0) merged.Add(b.Sorted[i++]);
            else merged.Add(a.Sorted[j++]);
            if (c == 0) j++;
        }
        return merged;
    }

    /// <summary>Works out, once, what every flow diff over the baseline <paramref name="planes"/> shares: its cut points
    /// (<see cref="SideCuts"/>), the targets of the intervals they make, its source subnets and their endpoints, its
    /// destination classes (<see cref="DestinationClasses"/>), the routes by which packets leave each VNet
    /// (<see cref="TransitReach"/>), and every subnet's effective routes (as
    /// <see cref="FailureSweep"/> does before its cases). A session asking several what-ifs of one baseline pays for
    /// these with the first; this pays for them beforehand. The diffs are the same either way
    /// (tests/NetTwin.Tests/Scale/WhatIfEquivalence.cs).</summary>
    public static void PrepareBaseline(Planes planes)
    {
        ArgumentNullException.ThrowIfNull(planes);
        // The intervals a what-if that adds no cut of its own divides the estate into (a change of NSGs, NICs or peering
        // flags), and their targets.
        _ = Prepared.GetValue(planes, static p =>
        {
            var intervals = Intervals(Cuts(new Forwarder(p), null, null, null));
            var known = TargetsOf(p);
            var targets = new (Endpoint, string)?[intervals.Count];
            Parallel.For(0, intervals.Count, i => targets[i] = known.Of(intervals[i].Lo, intervals[i].Hi));
            return new PreparedIntervals(intervals, targets);
        });
        var set = SourcesOf(planes);
        Parallel.For(0, set.Sorted.Length, i => set.EndpointAt(i));
        _ = planes.Routing.AllSubnetTables();
        _ = DestinationClasses.Of(planes);
        _ = TransitReach.Of(planes.Routing);
    }

    /// <summary>A prepared baseline's intervals when only its own lines cut (<see cref="BaselineCutsOnly"/>), and the
    /// target of each (read only: what-ifs share them); and, made when first asked, the layout of a VNet's wide rows
    /// over them.</summary>
    private sealed record PreparedIntervals(List<(ulong Lo, ulong Hi)> Intervals, (Endpoint To, string Name)?[] Targets)
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Layout>> _layouts = new(StringComparer.Ordinal);

        public Layout LayoutOf(Planes planes, string vnet, DestinationClasses classes) =>
            _layouts.GetOrAdd(vnet, v => new Lazy<Layout>(() =>
                Layout.Of(GroupsOf(classes.From(v), Targets, [.. Enumerable.Range(0, Intervals.Count)], Intervals), Undeliverable.From(planes, v, Intervals)))).Value;
    }

    /// <summary>The wide rows of one VNet over every interval (<see cref="PreparedIntervals"/>): the groups
    /// (<see cref="GroupsOf"/>), the intervals the VNet's requests are never delivered to (<see cref="WhatIf.Undeliverable"/>:
    /// left out, their representative -1), the first of each group's other intervals, ascending (those without a target
    /// share one), and each interval's representative by position among them. The same for every source of the VNet:
    /// whether a source asks an interval (<see cref="IsAsked"/>: a target, outside the source's own subnet) is the same
    /// for every interval of a group, whose intervals have targets and are inside the same subnets (a subnet's prefix is
    /// its own destination class signature), so <see cref="Representatives"/> would find these for each.</summary>
    private sealed record Layout((int[] Group, int Count) Groups, bool[] Undeliverable, List<int> Reps, int[] RepOf)
    {
        public static Layout Of((int[] Group, int Count) groups, bool[] undeliverable)
        {
            var first = new int[groups.Count + 1];
            Array.Fill(first, -1);
            var reps = new List<int>(groups.Count + 1);
            var repOf = new int[groups.Group.Length];
            for (var i = 0; i < repOf.Length; i++)
            {
                if (undeliverable[i]) { repOf[i] = -1; continue; }
                var slot = groups.Group[i] < 0 ? groups.Count : groups.Group[i];
                if (first[slot] < 0)
                {
                    first[slot] = reps.Count;
                    reps.Add(i);
                }
                repOf[i] = first[slot];
            }
            return new Layout(groups, undeliverable, reps, repOf);
        }
    }

    private static readonly ConditionalWeakTable<Planes, PreparedIntervals> Prepared = new();

    private static List<(ulong Lo, ulong Hi)> Intervals(IEnumerable<ulong> cuts)
    {
        var bounds = cuts.Distinct().Order().ToList();
        return [.. Enumerable.Range(0, bounds.Count - 1).Select(i => (Lo: bounds[i], Hi: bounds[i + 1] - 1))];
    }

    /// <summary>The positions [From, To) of the intervals (ascending, adjacent) that lie inside [<paramref name="lo"/>,
    /// <paramref name="hi"/>]: those meeting a range cut at its bounds, as every prefix a diff reads is.</summary>
    internal static (int From, int To) IntervalsWithin(IReadOnlyList<(ulong Lo, ulong Hi)> intervals, ulong lo, ulong hi)
    {
        int a = 0, b = intervals.Count;
        while (a < b)
        {
            var mid = (a + b) / 2;
            if (intervals[mid].Lo < lo) a = mid + 1; else b = mid;
        }
        var to = a;
        while (to < intervals.Count && intervals[to].Hi <= hi) to++;
        return (a, to);
    }

    /// <summary>The cut points inside <paramref name="within"/> (everything when null), from the same prefixes as
    /// <see cref="CompareInFull"/>, without building every subnet's table: an effective route's prefix is a VNet's
    /// (its own and its peers' address space, A1/A4), a reserved range or 0.0.0.0/0 (cut by the non-public ranges),
    /// a user route's explicit prefix or a gateway route's (both among the boundaries), or a service tag's prefix —
    /// of a user route with a tag (B4) in a table some subnet uses, or of a subnet's service endpoint (A4) — which
    /// <see cref="EffectiveRouteExtras"/> adds. Under a scope that keeps the control plane, the after side's planes are
    /// the baseline's, so only its changed collections (route tables, VNets) are read again.</summary>
    internal static IEnumerable<ulong> Cuts(Forwarder fb, Forwarder? fa, ChangeScope? scope, IReadOnlyList<(ulong Lo, ulong Hi)>? within)
    {
        var cuts = new HashSet<ulong> { 0, 1UL << 32 };
        bool In(ulong x)
        {
            if (within is null) return true;
            int lo = 0, hi = within.Count - 1;
            while (lo <= hi)
            {
                var mid = (lo + hi) / 2;
                if (x < within[mid].Lo) hi = mid - 1;
                else if (x > within[mid].Hi + 1) lo = mid + 1;
                else return true;
            }
            return false;
        }
        void Cut(Prefix p)
        {
            if (In(p.First.Value)) cuts.Add(p.First.Value);
            var end = (ulong)p.Last.Value + 1;
            if (In(end)) cuts.Add(end);
        }
        void Side(Forwarder f)
        {
            foreach (var x in SideCuts(f.Planes)) if (In(x)) cuts.Add(x);
        }
        foreach (var p in AddressRanges.NotPublic) Cut(p);
        Side(fb);
        if (fa is null) return cuts;
        if (SharesPlanes(fb, fa, scope) && scope is { } s)
        {
            // Everything else that draws lines is the baseline's: the same collections, the same planes.
            var t = fa.Topology;
            if ((s.Changed & TopologyParts.VirtualNetworks) != 0)
                foreach (var v in t.VirtualNetworks)
                {
                    foreach (var p in v.AddressPrefixes) Cut(p);
                    foreach (var sn in v.Subnets) Cut(sn.AddressPrefix);
                }
            if ((s.Changed & TopologyParts.RouteTables) != 0) foreach (var p in Reachability.RouteTablePrefixes(t)) Cut(p);
            if ((s.Changed & (TopologyParts.VirtualNetworks | TopologyParts.RouteTables)) != 0) foreach (var p in EffectiveRouteExtras(t)) Cut(p);
        }
        else Side(fa);
        return cuts;
    }

    /// <summary>True when the after side's planes are the baseline's (one BGP, one set of tunnels, a scope short of
    /// Full): only the collections the change touched can draw lines of their own.</summary>
    private static bool SharesPlanes(Forwarder fb, Forwarder fa, ChangeScope? scope) =>
        scope is { Routing: not RoutingScope.Full } && ReferenceEquals(fb.Tunnels, fa.Tunnels) && ReferenceEquals(fb.Routing.Bgp, fa.Routing.Bgp);

    /// <summary>True when <see cref="Cuts"/> draws the baseline's lines alone (the change touched no VNet and no route table).</summary>
    private static bool BaselineCutsOnly(Forwarder fb, Forwarder fa, ChangeScope? scope) =>
        SharesPlanes(fb, fa, scope) && (scope!.Changed & (TopologyParts.VirtualNetworks | TopologyParts.RouteTables)) == 0;

    private static readonly ConditionalWeakTable<Planes, ulong[]> SideCache = new();

    /// <summary>The cut points one side's planes draw (boundaries, on-premises networks, effective-route extras),
    /// sorted; worked out once per planes object, so the what-ifs asked of one baseline share its cuts.</summary>
    public static IReadOnlyList<ulong> SideCuts(Planes planes) => SideCache.GetValue(planes, p =>
    {
        var set = new HashSet<ulong>();
        foreach (var x in CutPrefixes(new Forwarder(p))) { set.Add(x.First.Value); set.Add((ulong)x.Last.Value + 1); }
        return [.. set.Order()];
    });

    /// <summary>The prefixes one side's cuts are made of (<see cref="SideCuts"/>): boundaries, on-premises networks and
    /// effective-route extras, unsorted and with repeats. With <paramref name="routes"/> false, the prefixes of routes
    /// are left out (<see cref="Reachability.BoundaryPrefixes"/>): <see cref="DestinationClasses"/> reads every other one
    /// as its own class, and those with their attributes.</summary>
    internal static IEnumerable<Prefix> CutPrefixes(Forwarder f, bool routes = true)
    {
        foreach (var x in Reachability.BoundaryPrefixes(f, routes: routes)) yield return x;
        foreach (var d in f.Topology.OnPremisesDevices) foreach (var x in Endpoints.DeviceNetworks(d)) yield return x;
        foreach (var x in EffectiveRouteExtras(f.Topology)) yield return x;
    }

    /// <summary>The prefixes of effective routes that no boundary names: service tags' prefixes, of user routes with
    /// a tag (B4) in route tables some subnet uses, and of subnets' service endpoints (A4).</summary>
    internal static IEnumerable<Prefix> EffectiveRouteExtras(Topology t)
    {
        foreach (var rt in t.RouteTables)
        {
            if (t.SubnetsUsingRouteTable(rt.Name).Count == 0) continue;
            foreach (var r in rt.Routes)
                if (r.ServiceTag is { } tag && t.ServiceTags.Find(tag) is { } found)
                    foreach (var p in found.AddressPrefixes) yield return p;
        }
        foreach (var v in t.VirtualNetworks)
            foreach (var s in v.Subnets.Where(s => !s.ServiceEndpoints.IsEmpty))
                foreach (var r in ServiceEndpointRoutes.For(t, v, s.ServiceEndpoints)) yield return r.AddressPrefix;
    }

    /// <summary>Traces the chosen intervals of each source on both sides and groups the classes that changed. With
    /// <paramref name="sweep"/>, each source's classes go through the estate together (<see cref="ClassSweep"/>, the
    /// matrix's engine) and only those it does not follow are traced one by one; without, every class is traced (the
    /// plain definition <see cref="CompareInFull"/> keeps, which the equivalence tests hold the sweep to).</summary>
    private static IReadOnlyList<FlowChange> Trace(Forwarder fb, Forwarder fa, List<string> sources, List<(ulong Lo, ulong Hi)> intervals,
        IReadOnlyList<IReadOnlyList<int>> chosen, TransportProtocol protocol, int port, bool sweep, bool sameTargets = false,
        Dictionary<VirtualNetworkPeering, bool>? afterForwardedTraffic = null, (SourceSet Before, SourceSet After)? sets = null)
    {
        var (bt, at) = (fb.Topology, fa.Topology);
        // What does not depend on the pair is resolved once per side: each interval's target, each source's endpoint.
        var marked = new bool[intervals.Count];
        // A list the selection hands to many sources (every source's intervals into a spoke) is marked once.
        var seen = new HashSet<IReadOnlyList<int>>(ReferenceEqualityComparer.Instance);
        foreach (var c in chosen)
            if (seen.Add(c))
            {
                if (c is int[] array) foreach (var i in array) marked[i] = true;
                else foreach (var i in c) marked[i] = true;
            }
        var needed = new List<int>();
        for (var i = 0; i < marked.Length; i++) if (marked[i]) needed.Add(i);
        // The baseline's prepared intervals, when these are they: their targets, and the wide rows' layouts over them.
        var prepared = Prepared.TryGetValue(fb.Planes, out var ready) && ReferenceEquals(ready.Intervals, intervals) ? ready : null;
        var tb = prepared?.Targets ?? Targets(fb.Planes, intervals, needed);
        var ta = sameTargets ? tb : Targets(fa.Planes, intervals, needed);
        var used = Enumerable.Range(0, sources.Count).Where(i => chosen[i].Count > 0).ToList();
        // Sources resolve from the same parts as targets (subnets and their NICs): unchanged, they resolve alike.
        var fromBefore = SourceEndpoints(bt, sources, used, sets?.Before);
        var fromAfter = sameTargets ? fromBefore : SourceEndpoints(at, sources, used, sets?.After);
        // Changed classes, grouped by source, destination and both verdicts; intervals merged where contiguous. Sources
        // are in ordinal order, so each source is grouped and sorted on its own and the lists are joined in source order.
        var perSource = new List<FlowChange>[used.Count];
        var labels = new Labels(intervals.Count);
        if (sweep)
        {
            // Each source is swept on both sides, its classes together, over tables built beforehand, and its changes
            // are grouped at once: its verdicts die young instead of waiting, all 700,000 of them, for the grouping.
            // Estates that differ only in peerings' allowForwardedTraffic are swept together (the after side's targets
            // and sources are then the before side's: nothing they resolve from changed), over the before side's tables.
            var dual = afterForwardedTraffic is not null && sameTargets;
            Prepare(fb, tb, fromBefore, needed, used);
            if (!dual && !ReferenceEquals(fa.Routing, fb.Routing)) Prepare(fa, ta, fromAfter, needed, used);
            var sb = Sweeper(fb, tb, protocol, port, dual ? afterForwardedTraffic : null);
            var sa = dual ? sb : Sweeper(fa, ta, protocol, port);
            // The widest rows first (a spoke's own subnets sweep every interval; the others a few), handed out one by
            // one: no thread is left sweeping a wide row alone at the end.
            var widestFirst = Enumerable.Range(0, used.Count).OrderByDescending(u => chosen[used[u]].Count).ToArray();
            // A wide row of a dual sweep sweeps one interval of each destination class (DestinationClasses: the
            // baseline's, which are the after side's too, its lookups being the baseline's) and gives its verdicts to the
            // others of the class: a spoke's own subnets reach a circuit's thousands of prefixes as a few classes. It leaves
            // out the intervals its VNet's requests are never delivered to (Undeliverable: a spoke's into the other regions'
            // spokes, which end at its hub's firewall), whose flows are the same on both sides.
            // Over a prepared baseline's intervals, a VNet's layout (made while the set-up ran, Compare) serves all its rows.
            var classesBy = new Dictionary<string, ((int[], int) Groups, bool[] Undeliverable, Layout? Layout)>(StringComparer.Ordinal);
            if (dual)
                foreach (var u in widestFirst)
                {
                    if (chosen[used[u]].Count < WideRow) break;
                    if (fromBefore[used[u]] is not { } wide || classesBy.ContainsKey(wide.Subnet.VirtualNetwork)) continue;
                    var vnet = wide.Subnet.VirtualNetwork;
                    var layout = prepared?.LayoutOf(fb.Planes, vnet, DestinationClasses.Of(fb.Planes));
                    classesBy[vnet] = layout is not null ? (layout.Groups, layout.Undeliverable, layout)
                        : (GroupsOf(DestinationClasses.Of(fb.Planes).From(vnet), tb, needed, intervals), Undeliverable.From(fb.Planes, vnet, intervals), null);
                }
            Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(widestFirst, loadBalance: true), u =>
            {
                var si = used[u];
                if (dual)
                {
                    var classes = chosen[si];
                    if (classes.Count >= WideRow && fromBefore[si] is { } src && classesBy.TryGetValue(src.Subnet.VirtualNetwork, out var groups))
                    {
                        // A row of every interval (ascending, so 0 .. n - 1) takes its VNet's layout.
                        var (reps, repOf) = groups.Layout is { } layout && classes.Count == intervals.Count
                            ? (layout.Reps, layout.RepOf) : Representatives(src, tb, classes, intervals, groups.Groups, groups.Undeliverable);
                        perSource[u] = SweptBoth(fb, fa, sb, src, tb, reps, intervals, protocol, port) is { } swept
                            ? Changes(sources[si], classes, intervals, Spread(swept, reps.Count, repOf), labels) : [];
                        return;
                    }
                    // A row whose walks never parted, with no class left to Walk, ended alike in both estates: no change.
                    perSource[u] = SweptBoth(fb, fa, sb, fromBefore[si], tb, classes, intervals, protocol, port) is { } both
                        ? Changes(sources[si], classes, intervals, both, labels) : [];
                    return;
                }
                var (before, after) = (Swept(fb, sb, fromBefore[si], tb, chosen[si], intervals, protocol, port), Swept(fa, sa, fromAfter[si], ta, chosen[si], intervals, protocol, port));
                perSource[u] = Changes(sources[si], chosen[si], intervals, k => (before[k], after[k]), labels);
            });
        }
        else
        {
            var work = used.SelectMany(si => chosen[si].Select(ii => (si, ii))).ToList();
            // A source's work items are contiguous: those of used[u] are firsts[u] .. firsts[u + 1] - 1.
            var firsts = new int[used.Count + 1];
            for (var u = 0; u < used.Count; u++) firsts[u + 1] = firsts[u] + chosen[used[u]].Count;
            var rows = new (Verdict? Before, Verdict? After)[work.Count];
            Parallel.For(0, work.Count, i =>
            {
                var (si, ii) = work[i];
                var lo = intervals[ii].Lo;
                rows[i] = (Run(fb, fromBefore[si], tb[ii], lo, protocol, port), Run(fa, fromAfter[si], ta[ii], lo, protocol, port));
            });
            Parallel.For(0, used.Count, u => perSource[u] = Changes(sources[used[u]], chosen[used[u]], intervals, k => rows[firsts[u] + k], labels));
        }
        var all = new FlowChange[perSource.Sum(l => l.Count)];
        var next = 0;
        foreach (var l in perSource)
        {
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(l).CopyTo(all.AsSpan(next));
            next += l.Count;
        }
        return all;
    }

    /// <summary>The rows of a dual sweep that sweep one interval per destination class: those with this many intervals
    /// (a spoke's own subnets, every interval of the estate; the others reach into the spoke, a dozen).</summary>
    private const int WideRow = 64;

    /// <summary>The intervals of the estate as one VNet's flows meet them: the group of each needed interval (-1 for
    /// those without a target), one group for those of one destination class (<see cref="DestinationClasses"/>) whose
    /// targets have one kind, node and name; and the number of groups.</summary>
    private static (int[] Group, int Count) GroupsOf(DestinationClasses.Source classes, (Endpoint To, string Name)?[] targets, List<int> needed,
        List<(ulong Lo, ulong Hi)> intervals)
    {
        // The targets' addresses ascend with the intervals (each is its interval's representative, inside it):
        // classified in one pass.
        var addresses = new List<uint>(needed.Count);
        foreach (var i in needed)
            if (targets[i] is { } to)
            {
                System.Diagnostics.Debug.Assert(to.To.Address.Value >= intervals[i].Lo && to.To.Address.Value <= intervals[i].Hi);
                addresses.Add(to.To.Address.Value);
            }
        var of = classes.Of(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(addresses));
        var group = new int[intervals.Count];
        Array.Fill(group, -1);
        // The names by reference: two equal names that are not one string only make two groups.
        var seen = new Dictionary<(long, EndpointKind, string, string), int>(SameNames.Instance);
        var n = 0;
        foreach (var i in needed)
        {
            if (targets[i] is not { } to) continue;
            var key = (of[n++], to.To.Kind, to.To.Node, to.Name);
            if (!seen.TryGetValue(key, out var g)) seen[key] = g = seen.Count;
            group[i] = g;
        }
        return (group, seen.Count);
    }

    private sealed class SameNames : IEqualityComparer<(long, EndpointKind, string, string)>
    {
        public static readonly SameNames Instance = new();
        public bool Equals((long, EndpointKind, string, string) x, (long, EndpointKind, string, string) y) =>
            x.Item1 == y.Item1 && x.Item2 == y.Item2 && ReferenceEquals(x.Item3, y.Item3) && ReferenceEquals(x.Item4, y.Item4);
        public int GetHashCode((long, EndpointKind, string, string) k) =>
            HashCode.Combine(k.Item1, k.Item2, RuntimeHelpers.GetHashCode(k.Item3), RuntimeHelpers.GetHashCode(k.Item4));
    }

    /// <summary>The first interval of each group among a row's (so ascending), asked or not apart, and the position
    /// among those of each interval's representative; -1 for an interval the row's VNet never delivers a request to
    /// (<see cref="WhatIf.Undeliverable"/>: its flow is the same on both sides, and not swept).</summary>
    private static (List<int> Reps, int[] RepOf) Representatives((Subnet Subnet, Endpoint From) src, (Endpoint To, string Name)?[] targets,
        IReadOnlyList<int> classes, List<(ulong Lo, ulong Hi)> intervals, (int[] Group, int Count) groups, bool[] undeliverable)
    {
        var reps = new List<int>();
        var repOf = new int[classes.Count];
        // By group and whether asked (2g, 2g + 1); the intervals without a target, one more.
        var first = new int[2 * groups.Count + 1];
        Array.Fill(first, -1);
        for (var k = 0; k < classes.Count; k++)
        {
            var ii = classes[k];
            if (undeliverable[ii]) { repOf[k] = -1; continue; }
            var g = groups.Group[ii];
            var slot = g < 0 ? first.Length - 1 : 2 * g + (IsAsked(src, targets, intervals, ii) ? 1 : 0);
            if (first[slot] < 0)
            {
                first[slot] = reps.Count;
                reps.Add(ii);
            }
            repOf[k] = first[slot];
        }
        return (reps, repOf);
    }

    /// <summary>The verdicts of a row's classes from those of its representatives (read once each, in order, as
    /// <see cref="SweptBoth"/> asks); none for a class without one (-1: unchanged, left out).</summary>
    private static Func<int, (Verdict? Before, Verdict? After)> Spread(Func<int, (Verdict? Before, Verdict? After)> swept, int count, int[] repOf)
    {
        var verdicts = new (Verdict?, Verdict?)[count];
        for (var r = 0; r < count; r++) verdicts[r] = swept(r);
        return k => repOf[k] is var r and >= 0 ? verdicts[r] : default;
    }

    /// <summary>One source's flow changes: its classes (<paramref name="classes"/>, ascending, with their verdicts on both
    /// sides) whose verdicts differ, grouped by both verdicts, adjacent intervals merged; by destination, then range.</summary>
    private static List<FlowChange> Changes(string source, IReadOnlyList<int> classes, List<(ulong Lo, ulong Hi)> intervals,
        Func<int, (Verdict? Before, Verdict? After)> verdicts, Labels labels)
    {
        // Groups in the order found, found again by both verdicts: by a look through the first few (most rows change a
        // class or two), then by a table (a wide row has thousands).
        Dictionary<(Verdict?, Verdict?), int>? index = null;
        var groups = new List<(Verdict? B, Verdict? A, List<(ulong Lo, ulong Hi)> Ranges)>();
        var last = 0;
        for (var k = 0; k < classes.Count; k++)
        {
            var (b, a) = verdicts(k);
            if (b is null && a is null) continue;
            if (b is not null && a is not null && b.SameAs(a)) continue;
            var (lo, hi) = intervals[classes[k]];
            var gi = -1;
            // Neighbouring classes mostly share their verdicts (the same objects: RowVerdicts makes one per run of an outcome).
            if (groups.Count > 0 && ReferenceEquals(groups[last].B, b) && ReferenceEquals(groups[last].A, a)) gi = last;
            else if (index is not null)
            {
                // Found or added with one hash (a wide row adds thousands of groups).
                ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(index, (b, a), out var exists);
                if (!exists)
                {
                    slot = groups.Count;
                    groups.Add((b, a, []));
                }
                gi = slot;
            }
            else
                for (var g = groups.Count - 1; g >= 0; g--)
                    if (PairKey.Instance.Equals((groups[g].B, groups[g].A), (b, a))) { gi = g; break; }
            if (gi < 0)
            {
                gi = groups.Count;
                groups.Add((b, a, []));
                if (groups.Count > 8)
                {
                    index = new Dictionary<(Verdict?, Verdict?), int>(Math.Min(classes.Count, 1024), PairKey.Instance);
                    for (var g = 0; g < groups.Count; g++) index[(groups[g].B, groups[g].A)] = g;
                }
            }
            last = gi;
            var ranges = groups[gi].Ranges;
            if (ranges.Count > 0 && ranges[^1].Hi + 1 == lo) ranges[^1] = (ranges[^1].Lo, hi);
            else ranges.Add((lo, hi));
        }
        var changes = new List<FlowChange>(groups.Count);
        foreach (var g in groups)
        {
            var destinations = new string[g.Ranges.Count];
            for (var r = 0; r < destinations.Length; r++) destinations[r] = labels.Range(g.Ranges[r]);
            changes.Add(new FlowChange(source, g.A?.To ?? g.B!.To, destinations,
                g.B is null ? "added" : g.A is null ? "removed" : g.B.Disposition != g.A.Disposition ? "disposition" : g.B.Path.SequenceEqual(g.A.Path) ? "reply path" : "path",
                labels.Text(g.B), labels.Text(g.A), g.B?.Path ?? [], g.A?.Path ?? []));
        }
        if (changes.Count < 2) return changes;
        // By destination, then first range (ordinal), ties in the order found: a stable sort, without LINQ's ordering
        // machinery for each of 10,000 sources.
        var at = new int[changes.Count];
        for (var i = 0; i < at.Length; i++) at[i] = i;
        Array.Sort(at, (x, y) =>
        {
            var c = string.CompareOrdinal(changes[x].To, changes[y].To);
            if (c == 0) c = string.CompareOrdinal(changes[x].Destinations[0], changes[y].Destinations[0]);
            return c != 0 ? c : x.CompareTo(y);
        });
        return [.. at.Select(i => changes[i])];
    }

    /// <summary>The texts of one diff's changes, each made once: a range (the spoke's intervals appear in the changes of
    /// 10,000 sources) and a verdict's text (a few dispositions, devices and asymmetries).</summary>
    private sealed class Labels(int intervals)
    {
        // Both threads add to these as they go (a wide row's thousands of ranges): locks enough that they rarely meet,
        // and room for a range per interval from the start (growing takes every lock, with threads waiting).
        private readonly System.Collections.Concurrent.ConcurrentDictionary<(ulong, ulong), string> _ranges = new(concurrencyLevel: 64, capacity: Math.Clamp(intervals, 1024, 1 << 16));
        // Keyed by the strings themselves (a disposition is one string per combination, a device's name its model's):
        // two equal strings that are not one object only make a second entry.
        private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string, bool), string> _texts = new(concurrencyLevel: 64, capacity: Math.Clamp(intervals, 256, 1 << 16), SameStrings.Instance);

        private sealed class SameStrings : IEqualityComparer<(string, string, bool)>
        {
            public static readonly SameStrings Instance = new();
            public bool Equals((string, string, bool) x, (string, string, bool) y) =>
                ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2) && x.Item3 == y.Item3;
            public int GetHashCode((string, string, bool) k) =>
                HashCode.Combine(RuntimeHelpers.GetHashCode(k.Item1), RuntimeHelpers.GetHashCode(k.Item2), k.Item3);
        }

        public string Range((ulong Lo, ulong Hi) r) =>
            _ranges.TryGetValue(r, out var s) ? s : _ranges.GetOrAdd(r, static k => FlowDiff.Range(k.Item1, k.Item2));

        public string Text(Verdict? v)
        {
            if (v is null) return "(no such source)";
            // A row's changes mostly repeat the texts of the one before, on each side: the last two found, per thread.
            var last = t_lastTexts ??= new (Labels?, string?, string?, bool, string?)[2];
            foreach (var l in last)
                if (ReferenceEquals(l.Item1, this) && ReferenceEquals(l.Item2, v.Disposition) && ReferenceEquals(l.Item3, v.At) && l.Item4 == v.Asymmetric)
                    return l.Item5!;
            var text = _texts.TryGetValue((v.Disposition, v.At, v.Asymmetric), out var s) ? s
                : _texts.GetOrAdd((v.Disposition, v.At, v.Asymmetric), static (_, x) => x.Text, v);
            last[1] = last[0];
            last[0] = (this, v.Disposition, v.At, v.Asymmetric, text);
            return text;
        }

        [ThreadStatic] private static (Labels?, string?, string?, bool, string?)[]? t_lastTexts;
    }

    /// <summary>A source's changed classes group by both verdicts (destination, text, path and reply path), compared
    /// as they are, not as joined text (300,000 changed classes on the largest estate's peering what-if). The hash
    /// reads the destination in full and a few characters of the other names: equal verdicts hash alike, and the few
    /// that collide are told apart by the comparison.</summary>
    private sealed class PairKey : IEqualityComparer<(Verdict? B, Verdict? A)>
    {
        public static readonly PairKey Instance = new();

        public bool Equals((Verdict? B, Verdict? A) x, (Verdict? B, Verdict? A) y) => Same(x.B, y.B) && Same(x.A, y.A);

        public int GetHashCode((Verdict? B, Verdict? A) k) => HashCode.Combine(Hash(k.B), Hash(k.A));

        private static bool Same(Verdict? p, Verdict? q) =>
            ReferenceEquals(p, q) || (p is null ? q is null : q is not null && p.To == q.To && p.SameAs(q));

        // The destination is hashed in full: the names of a spoke's subnets differ in the middle ("spoke-0002/web",
        // "spoke-0003/web"), where a few characters' hash put a wide row's thousands of groups in one bucket.
        private static int Hash(Verdict? v) =>
            v is null ? 0 : HashCode.Combine(v.To.GetHashCode(StringComparison.Ordinal), Cheap(v.Disposition), Cheap(v.At), v.Path.Count, v.ReplyPath.Count, v.Asymmetric);

        private static int Cheap(string s) => s.Length == 0 ? 0 : HashCode.Combine(s.Length, s[^1], s[s.Length / 2], s.Length > 2 ? s[^3] : '\0');
    }

    /// <summary>The target of each needed interval on one side: its representative's endpoint, or null when none
    /// stands for it (the address resolves to nothing, or it is no unicast host and no NIC or device owns it).</summary>
    private static (Endpoint To, string Name)?[] Targets(Planes p, List<(ulong Lo, ulong Hi)> intervals, List<int> needed)
    {
        var known = TargetsOf(p);
        var targets = new (Endpoint, string)?[intervals.Count];
        Parallel.For(0, needed.Count, k =>
        {
            var i = needed[k];
            targets[i] = known.Of(intervals[i].Lo, intervals[i].Hi);
        });
        return targets;
    }

    /// <summary>One side's interval targets, each worked out once per planes object and kept (by the interval's bounds):
    /// the what-ifs asked of one baseline share the baseline's (<see cref="PrepareBaseline"/>).</summary>
    private sealed class TargetSet(Topology t)
    {
        private readonly uint[] _nics = [.. t.NetworkInterfaces.Select(n => n.PrivateIPAddress.Value).Order()];
        private readonly uint[] _devices = [.. t.OnPremisesDevices.SelectMany(Endpoints.DeviceAddresses).Select(a => a.Value).Order()];
        private readonly System.Collections.Concurrent.ConcurrentDictionary<(ulong, ulong), (Endpoint To, string Name)?> _known = new(concurrencyLevel: 64, capacity: 1024);

        public (Endpoint To, string Name)? Of(ulong lo, ulong hi)
        {
            if (_known.TryGetValue((lo, hi), out var found)) return found;
            var target = Representative(t, _nics, _devices, lo, hi);
            (Endpoint, string)? result = null;
            if (Endpoints.TryOf(t, target, labels: false) is { } to
                && !(to.Kind is EndpointKind.Site or EndpointKind.Internet or EndpointKind.CircuitNetwork && NoHosts.Any(x => x.Contains(target))))
                result = (to, Destination(t, to));
            return _known.GetOrAdd((lo, hi), result);
        }
    }

    private static readonly ConditionalWeakTable<Planes, TargetSet> TargetCache = new();

    private static TargetSet TargetsOf(Planes p) => TargetCache.GetValue(p, x => new TargetSet(x.Topology));

    /// <summary>Builds the tables one side's sweep reads first (the sources' subnets, and the subnets of the targets, where
    /// replies start) before the sweep's threads reach for them together.</summary>
    private static void Prepare(Forwarder f, (Endpoint To, string Name)?[] targets, (Subnet Subnet, Endpoint From)?[] sources, List<int> needed, List<int> used)
    {
        if (f.Routing.HasEveryTable) return;
        var subnets = new HashSet<Subnet>(ReferenceEqualityComparer.Instance);
        foreach (var i in used) if (sources[i] is { } s) subnets.Add(s.Subnet);
        foreach (var i in needed)
            if (targets[i] is { To: { Kind: EndpointKind.Nic or EndpointKind.SubnetHost } to } && Endpoints.SubnetContaining(f.Topology, to.Address) is { } s)
                subnets.Add(s);
        f.Routing.Prepare(subnets);
    }

    /// <summary>Each used source subnet on one side, with its endpoint (null when the side has no such subnet).</summary>
    private static (Subnet Subnet, Endpoint From)?[] SourceEndpoints(Topology t, List<string> sources, List<int> used, SourceSet? set = null)
    {
        var result = new (Subnet, Endpoint)?[sources.Count];
        // The sources are the set's own, by position, when both sides have the same (Sources).
        var aligned = set is not null && sources.Count == set.Sorted.Length;
        foreach (var i in used)
            result[i] = set is null ? (t.Subnet(sources[i]) is { } s ? (s, Endpoints.Resolve(t, sources[i])) : null)
                : aligned ? set.EndpointAt(i) : set.EndpointOf(sources[i]);
        return result;
    }

    /// <summary>A sweep over one side's interval targets (an interval with no target stands at 0.0.0.0 and is never asked).</summary>
    private static ClassSweep Sweeper(Forwarder f, (Endpoint To, string Name)?[] targets, TransportProtocol protocol, int port,
        Dictionary<VirtualNetworkPeering, bool>? afterForwardedTraffic = null) =>
        new(f, [.. targets.Select(t => t?.To.Address ?? default)], protocol, port, afterForwardedTraffic);

    /// <summary><see cref="Run"/> for each of <paramref name="classes"/> of one source on one side: swept together, the
    /// classes the sweep does not follow traced.</summary>
    private static Verdict?[] Swept(Forwarder f, ClassSweep sweep, (Subnet Subnet, Endpoint From)? source, (Endpoint To, string Name)?[] targets,
        IReadOnlyList<int> classes, List<(ulong Lo, ulong Hi)> intervals, TransportProtocol protocol, int port)
    {
        if (source is not { } src) return new Verdict?[classes.Count];
        var row = sweep.Row(src.From, Asked(src, targets, classes, intervals));
        return Verdicts(f, row, src, targets, classes, intervals, protocol, port);
    }

    /// <summary>Both sides' verdicts of a source's classes (by position in <paramref name="classes"/>) from one dual sweep
    /// (<see cref="ClassSweep.Rows"/>; the sides' sources and targets are one). A class whose walks never parted has the
    /// same outcome in both rows and is answered (null, null), unchanged, without a verdict; the others' verdicts are made
    /// per side (<see cref="RowVerdicts"/>). Read each class once, in order, before the next row is swept on this thread.
    /// Null when no class can have changed: the source is on neither side, or no walk of the row parted and none was
    /// left to Walk (most rows of a spoke's flag change: sources whose flows into the spoke end before its hub).</summary>
    private static Func<int, (Verdict? Before, Verdict? After)>? SweptBoth(Forwarder fb, Forwarder fa, ClassSweep sweep, (Subnet Subnet, Endpoint From)? source,
        (Endpoint To, string Name)?[] targets, IReadOnlyList<int> classes, List<(ulong Lo, ulong Hi)> intervals, TransportProtocol protocol, int port)
    {
        if (source is not { } src) return null;
        var (rb, ra) = sweep.Rows(src.From, Asked(src, targets, classes, intervals));
        if (!rb.Parted && !rb.AnyFallback && !ra.AnyFallback) return null;
        var (vb, va) = (new RowVerdicts(fb, rb, src, targets, intervals, protocol, port), new RowVerdicts(fa, ra, src, targets, intervals, protocol, port));
        // The last class given verdicts, and its verdicts: a class that ended as it did on both sides (the same states and
        // ends, the same destination) has the same verdicts, which RowVerdicts would find again (thousands of an ExpressRoute
        // circuit's prefixes in a row).
        var last = -1;
        (Verdict?, Verdict?) lastVerdicts = default;
        return k =>
        {
            var ii = classes[k];
            if (!IsAsked(src, targets, intervals, ii)) return (null, null);
            var fallback = rb.Fallback[ii] || ra.Fallback[ii];
            if (!fallback && RowVerdicts.EndedAlike(rb, ii, ra, ii)) return (null, null);
            if (!fallback && last >= 0 && RowVerdicts.EndedAlike(rb, ii, rb, last) && RowVerdicts.EndedAlike(ra, ii, ra, last)
                && string.Equals(targets[ii]!.Value.Name, targets[last]!.Value.Name, StringComparison.Ordinal))
                return lastVerdicts;
            var verdicts = (vb.Of(ii), va.Of(ii));
            if (!fallback) (last, lastVerdicts) = (ii, verdicts);
            return verdicts;
        };
    }

    /// <summary>The verdicts of one swept row's classes on one side, made once per run of neighbouring classes with the
    /// same outcome (the classes of a group that land in one subnet, or behind one circuit, share their states and so
    /// their verdict); a class the sweep left to Walk is traced.</summary>
    private sealed class RowVerdicts(Forwarder f, ClassSweep.RowResult row, (Subnet Subnet, Endpoint From) src, (Endpoint To, string Name)?[] targets,
        List<(ulong Lo, ulong Hi)> intervals, TransportProtocol protocol, int port)
    {
        // The last few outcomes, newest last: the classes sharing an outcome are neighbours (a subnet's intervals, a
        // circuit's thousands of prefixes), so on the largest estate a table of every outcome found no verdict these
        // did not, and a wide row's table (thousands of outcomes) cost more to make and grow than its verdicts.
        private const int Few = 4;
        private (Outcome Key, Verdict Verdict)[]? _few;
        private int _fewCount;

        private Verdict? Known(in Outcome o)
        {
            for (var i = _fewCount - 1; i >= Math.Max(0, _fewCount - Few); i--)
                if (Outcome.Same(_few![i % Few].Key, o)) return _few[i % Few].Verdict;
            return null;
        }

        private Verdict Keep(in Outcome o, Verdict v)
        {
            (_few ??= new (Outcome, Verdict)[Few])[_fewCount++ % Few] = (o, v);
            return v;
        }

        public Verdict? Of(int ii)
        {
            var to = targets[ii]!.Value;
            if (row.Fallback[ii]) return Run(f, src, to, intervals[ii].Lo, protocol, port);
            var hasReply = row.HasReply(ii);
            var outcome = new Outcome(to.Name, row.Request[ii]!, row.DestinationSubnet[ii], row.DestinationNic[ii], row.Landing[ii]?.Nic, row.Reply[ii],
                row.Disposition[ii], row.Reaches[ii], hasReply ? row.ReplyDisposition[ii] : default, hasReply ? row.ReplyState[ii] : null, row.Asymmetric[ii]);
            if (Known(outcome) is { } known) return known;
            var disposition = Verdict.DispositionOf(row.Disposition[ii], row.Reaches[ii], hasReply, row.ReplyDisposition[ii]);
            var devices = row.RequestDevices(ii);
            return Keep(outcome, new Verdict(to.Name, disposition, devices.Length > 0 ? devices[^1] : "", row.Asymmetric[ii], devices, hasReply ? row.ReplyDevices(ii) : []));
        }

        /// <summary>True when class <paramref name="i"/> of row <paramref name="x"/> and class <paramref name="j"/> of row
        /// <paramref name="y"/> (neither left to Walk) ended alike: the same states and ends, and the same destination
        /// subnet, landing and NIC (objects by reference), so the same <see cref="Outcome"/> but for the destination's
        /// name. One class in both rows of a dual sweep: its walks never parted. Two classes of one row: the same verdict
        /// when their destinations' names are the same.</summary>
        public static bool EndedAlike(ClassSweep.RowResult x, int i, ClassSweep.RowResult y, int j) =>
            ReferenceEquals(x.Request[i], y.Request[j]) && ReferenceEquals(x.ReplyState[i], y.ReplyState[j])
            && x.Disposition[i] == y.Disposition[j] && x.Reaches[i] == y.Reaches[j] && x.Asymmetric[i] == y.Asymmetric[j]
            && x.ReplyDisposition[i] == y.ReplyDisposition[j] && x.Reply[i] == y.Reply[j] && ReferenceEquals(x.DestinationSubnet[i], y.DestinationSubnet[j])
            && ReferenceEquals(x.DestinationNic[i], y.DestinationNic[j]) && ReferenceEquals(x.Landing[i], y.Landing[j]);

        /// <summary>All a swept class's verdict is made of: its destination's name, its states and ends, the destination's
        /// subnet and NICs (objects by reference).</summary>
        private readonly record struct Outcome(string To, object Request, object? Subnet, object? Nic, object? LandingNic, ClassSweep.ReplyFrom Reply,
            Disposition Disposition, bool Reaches, Disposition ReplyDisposition, object? ReplyState, bool Asymmetric)
        {
            /// <summary>The same outcome: the objects by reference, the destination's name by value.</summary>
            public static bool Same(in Outcome x, in Outcome y) =>
                ReferenceEquals(x.Request, y.Request) && ReferenceEquals(x.ReplyState, y.ReplyState) && ReferenceEquals(x.Subnet, y.Subnet)
                && ReferenceEquals(x.Nic, y.Nic) && ReferenceEquals(x.LandingNic, y.LandingNic) && x.Reply == y.Reply && x.Disposition == y.Disposition
                && x.Reaches == y.Reaches && x.ReplyDisposition == y.ReplyDisposition && x.Asymmetric == y.Asymmetric && string.Equals(x.To, y.To, StringComparison.Ordinal);
        }
    }

    /// <summary>The classes Run answers null without a trace are left out: no target, the source's own range.</summary>
    private static bool IsAsked((Subnet Subnet, Endpoint From) src, (Endpoint To, string Name)?[] targets, List<(ulong Lo, ulong Hi)> intervals, int ii) =>
        targets[ii] is not null && !src.Subnet.AddressPrefix.Contains(new Ipv4((uint)intervals[ii].Lo));

    private static List<int> Asked((Subnet Subnet, Endpoint From) src, (Endpoint To, string Name)?[] targets, IReadOnlyList<int> classes, List<(ulong Lo, ulong Hi)> intervals)
    {
        var asked = new List<int>(classes.Count);
        foreach (var ii in classes) if (IsAsked(src, targets, intervals, ii)) asked.Add(ii);
        return asked;
    }

    /// <summary>The verdicts of a swept row's classes; the classes it left to Walk traced.</summary>
    private static Verdict?[] Verdicts(Forwarder f, ClassSweep.RowResult row, (Subnet Subnet, Endpoint From) src, (Endpoint To, string Name)?[] targets,
        IReadOnlyList<int> classes, List<(ulong Lo, ulong Hi)> intervals, TransportProtocol protocol, int port)
    {
        var verdicts = new Verdict?[classes.Count];
        var made = new RowVerdicts(f, row, src, targets, intervals, protocol, port);
        for (var k = 0; k < classes.Count; k++)
            if (IsAsked(src, targets, intervals, classes[k])) verdicts[k] = made.Of(classes[k]);
        return verdicts;
    }

    private static Verdict? Run(Forwarder f, (Subnet Subnet, Endpoint From)? source, (Endpoint To, string Name)? target, ulong lo, TransportProtocol protocol, int port)
    {
        if (source is not { } src) return null;
        if (src.Subnet.AddressPrefix.Contains(new Ipv4((uint)lo))) return null; // the subnet's own range
        if (target is not { } to) return null;
        var r = f.Trace(src.From, to.To, protocol, port);
        var disposition = Verdict.DispositionOf(r.Request.Disposition, r.Reaches, r.Reply is not null, r.Reply?.Disposition ?? default);
        var last = r.Request.Devices.IsEmpty ? "" : r.Request.Devices[^1];
        return new Verdict(to.Name, disposition, last, r.Asymmetric, r.Request.Devices, r.Reply?.Devices ?? []);
    }

    /// <summary>The address standing for an interval: a NIC's or device's own address in it when there is one (the
    /// lowest), else a subnet's first usable address (.4), else the interval's first address.</summary>
    private static Ipv4 Representative(Topology t, uint[] nics, uint[] devices, ulong lo, ulong hi)
    {
        static uint? Lowest(uint[] sorted, ulong lo, ulong hi)
        {
            var i = Array.BinarySearch(sorted, (uint)lo);
            if (i < 0) i = ~i;
            else while (i > 0 && sorted[i - 1] == (uint)lo) i--;
            return i < sorted.Length && sorted[i] <= hi ? sorted[i] : null;
        }
        if (Lowest(nics, lo, hi) is { } nic) return new Ipv4(nic);
        if (Lowest(devices, lo, hi) is { } device) return new Ipv4(device);
        var first = new Ipv4((uint)lo);
        if (Endpoints.SubnetContaining(t, first) is { } s && s.AddressPrefix.First.Value == lo && hi - lo >= 4) return first.Add(4);
        return first;
    }

    private static string Destination(Topology t, Endpoint e) => e.Kind switch
    {
        EndpointKind.Nic or EndpointKind.SubnetHost => Endpoints.SubnetContaining(t, e.Address)?.Id ?? e.Node,
        EndpointKind.Internet => "internet",
        _ => e.Node,
    };

    /// <summary>An interval as a prefix when it is one, else "first-last".</summary>
    public static string Range(ulong lo, ulong hi)
    {
        var size = hi - lo + 1;
        if ((size & (size - 1)) == 0 && lo % size == 0)
        {
            var len = 32 - System.Numerics.BitOperations.Log2(size);
            return new Prefix(new Ipv4((uint)lo), len).ToString();
        }
        return $"{new Ipv4((uint)lo)}-{new Ipv4((uint)hi)}";
    }
}
