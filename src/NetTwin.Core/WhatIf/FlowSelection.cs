using NetTwin.Ipsec;
using NetTwin.Model;
using NetTwin.Routing;

namespace NetTwin.WhatIf;

/// <summary>Which classes of the flow diff (source subnet × destination interval) can walk differently after a
/// change, so that <see cref="FlowDiff.Compare"/> traces only those. A walk is a deterministic function of what it
/// reads: a flow none of whose reads changed walks the same on both sides and is left out of the diff, so tracing
/// only the flows that read a changed input gives the full diff (tests/NetTwin.Tests/Scale/IncrementalEquivalenceTests.cs
/// compares both on the examples and the small generated estate).</summary>
/// <remarks>The selection narrows only when the change is narrow for forwarding (<see cref="ChangeScope.NarrowForwarding"/>:
/// the control plane is the baseline's, and besides route tables, subnets' tables and service endpoints, and
/// peerings' allowForwardedTraffic, nothing forwarding reads changed) and no connection translates addresses (VPN
/// NAT, F1, is the only translation of a request's destination; without it a request keeps its destination, and a
/// reply's destination is always one of the sources its request had: the source subnet's address or an address a
/// firewall or appliance translated it to, F4/F5).
/// <list type="bullet">
/// <item><b>Route tables.</b> A touched subnet X holding no forwarder (appliance NIC, IP forwarding, firewall: the
/// only way a packet leaves a subnet it is not addressed to) reads its table (lookups, B1, and the VirtualNetwork tag
/// of its NSGs, G4) only for packets leaving or entering it: requests from X (destination the interval's address),
/// and the replies and NSG checks of requests to X (address the request's source or a translated source). A lookup
/// or tag membership changes only for addresses covered by a prefix whose routes differ between X's two tables. So:
/// from X, the intervals inside X's changed prefixes; to X, the sources whose address is in them (every source when
/// a translating device's address is).</item>
/// <item><b>allowForwardedTraffic of V → W.</b> Forwarding reads it only when a packet crosses from W into V (the
/// reverse of W → V, rule C2), so only for packets whose destination is in V: requests to V, and replies to sources
/// in V (when no translating device's address is in V). So: every interval from sources in V, and the intervals of V
/// from every source whose requests to V can be in W (<see cref="TransitReach"/>: the sources of the other VNets never
/// reach the crossing).</item>
/// </list>
/// Anything else (or a condition failing) selects everything.</remarks>
public sealed class FlowSelection
{
    public static readonly FlowSelection Everything = All("every flow");

    private static FlowSelection All(string reason) => new(true, [], [], []) { Reason = reason };

    private readonly bool _all;
    private readonly Dictionary<string, List<(ulong Lo, ulong Hi)>> _from;
    // Towards [Lo, Hi]: from every source (Every), or from the sources whose address lies in one of Changed; when
    // Vnets is not null, only from the sources in those VNets.
    private readonly List<(ulong Lo, ulong Hi, bool Every, List<(ulong Lo, ulong Hi)> Changed, IReadOnlySet<string>? Vnets)> _to;
    private readonly List<Prefix> _everythingFrom;

    /// <summary>Why the selection is what it is, in words (for the report's note).</summary>
    public string Reason { get; private init; } = "every flow";

    /// <summary>True when every class is traced.</summary>
    public bool IsEverything => _all;

    private FlowSelection(bool all, Dictionary<string, List<(ulong, ulong)>> from, List<(ulong, ulong, bool, List<(ulong, ulong)>, IReadOnlySet<string>?)> to, List<Prefix> everythingFrom)
    {
        _all = all;
        _from = from;
        _to = to;
        _everythingFrom = everythingFrom;
        _toEverySource = to.Any(t => t.Item3 && t.Item5 is null);
        _toSomeVnets = [.. to.Where(t => t.Item3 && t.Item5 is not null).Select(t => t.Item5!).Distinct()];
        _changedTo = to.Any(t => !t.Item3);
        _sourceRanges = Merge(to.SelectMany(t => t.Item4).Concat(everythingFrom.Select(p => ((ulong)p.First.Value, (ulong)p.Last.Value))));
    }

    // Whether some destination is selected from every source, the VNets some are selected from, and the ranges a
    // source's address is tested against (merged): a source outside them all, with no interval of its own, traces nothing.
    private readonly bool _toEverySource;
    private readonly IReadOnlySet<string>[] _toSomeVnets;
    private readonly bool _changedTo;   // some destination is selected only from the sources in its changed prefixes
    private readonly List<(ulong Lo, ulong Hi)> _sourceRanges;

    private bool MeetsSourceRanges(IReadOnlyList<Prefix> prefixes)
    {
        foreach (var p in prefixes)
        {
            int lo = 0, hi = _sourceRanges.Count - 1;
            while (lo <= hi)
            {
                var mid = (lo + hi) / 2;
                if (_sourceRanges[mid].Hi < p.First.Value) lo = mid + 1;
                else if (_sourceRanges[mid].Lo > p.Last.Value) hi = mid - 1;
                else return true;
            }
        }
        return false;
    }

    /// <summary>The destination ranges the chosen intervals lie in, sorted and merged; null when the intervals of
    /// every destination may be needed.</summary>
    public IReadOnlyList<(ulong Lo, ulong Hi)>? Destinations =>
        _all || _everythingFrom.Count > 0 ? null : Merge(_from.Values.SelectMany(r => r).Concat(_to.Select(t => (t.Lo, t.Hi))));

    public static FlowSelection Of(Planes before, Planes after, ChangeScope scope)
    {
        var (bt, at) = (before.Topology, after.Topology);
        if (scope.Routing == RoutingScope.Full) return All("every flow: the control plane was recomputed");
        if (!scope.NarrowForwarding) return All("every flow: NSGs, NICs, VMs or firewalls changed");
        if (Translates(bt) || Translates(at)) return All("every flow: a connection translates addresses (NAT, F1)");
        if (scope.TouchedSubnets.Count == 0 && scope.ForwardedTrafficVnets.Count == 0) return new(false, [], [], []) { Reason = "no flow: nothing forwarding reads changed" };
        var translated = TranslatingAddresses(bt).Concat(TranslatingAddresses(at)).Distinct().ToList();

        var from = new Dictionary<string, List<(ulong, ulong)>>(StringComparer.Ordinal);
        var to = new List<(ulong, ulong, bool, List<(ulong, ulong)>, IReadOnlySet<string>?)>();
        foreach (var id in scope.TouchedSubnets)
        {
            if (HoldsForwarder(bt, id) || HoldsForwarder(at, id)) return All($"every flow: {id} holds a forwarding device");
            var changed = Merge(ChangedPrefixes(before.Routing.EffectiveRoutes(id), after.Routing.EffectiveRoutes(id)).Select(p => ((ulong)p.First.Value, (ulong)p.Last.Value)));
            if (changed.Count == 0) continue;
            from[id] = [.. changed];
            bool InChanged(Ipv4? a) => a is { } ip && changed.Any(r => ip.Value >= r.Lo && ip.Value <= r.Hi);
            var everySource = translated.Any(a => InChanged(a));
            var prefixes = new[] { bt.Subnet(id)?.AddressPrefix, at.Subnet(id)?.AddressPrefix }.OfType<Prefix>().Distinct();
            foreach (var p in prefixes) to.Add((p.First.Value, p.Last.Value, everySource, changed, null));
        }
        var everythingFrom = new List<Prefix>();
        foreach (var v in scope.ForwardedTrafficVnets)
        {
            var prefixes = new[] { bt.VirtualNetwork(v), at.VirtualNetwork(v) }.OfType<VirtualNetwork>().SelectMany(x => x.AddressPrefixes).Distinct().ToList();
            if (translated.Any(a => prefixes.Any(p => p.Contains(a))))
                return All($"every flow: {v} holds an address a firewall or appliance translates to");
            everythingFrom.AddRange(prefixes);
            var reaching = TransitReach.Of(before.Routing).VnetsReaching(prefixes, ForwardedTrafficRemotes(bt, at, scope, v), TouchedTables(after, scope));
            reaching.Add(v);
            foreach (var p in prefixes) to.Add((p.First.Value, p.Last.Value, true, [], reaching));
        }
        var why = new List<string>();
        if (scope.TouchedSubnets.Count > 0) why.Add($"from and to the {scope.TouchedSubnets.Count} subnet(s) whose effective routes changed, for the destinations and sources their changed prefixes cover");
        if (scope.ForwardedTrafficVnets.Count > 0)
            why.Add($"from and to {string.Join(", ", scope.ForwardedTrafficVnets.Order(StringComparer.Ordinal))} (allowForwardedTraffic, rule C2), "
                    + "to them only from the VNets whose requests can reach the peering's other end");
        return new(false, from, to, everythingFrom) { Reason = "only the flows " + string.Join(", and ", why) };
    }

    /// <summary>The indices of the intervals to trace from <paramref name="source"/>, a subnet of <paramref name="vnet"/>,
    /// ascending. Its flows come from <paramref name="address"/>, an address inside one of <paramref name="sourcePrefixes"/>
    /// (the subnet's prefix on either side), asked for only when one of those prefixes overlaps a range the selection
    /// tests addresses against (resolving the address of every one of 10,000 sources costs more than tracing the few
    /// selected flows).</summary>
    public IEnumerable<int> IntervalsFor(string source, string vnet, Func<Ipv4?> address, IReadOnlyList<Prefix> sourcePrefixes, IReadOnlyList<(ulong Lo, ulong Hi)> intervals)
    {
        if (_all) return Enumerable.Range(0, intervals.Count);
        // Which of the destinations selected from some VNets' sources this source's VNet is among (one bit each).
        var among = 0UL;
        for (var k = 0; k < _toSomeVnets.Length; k++)
            if (k >= 64 || _toSomeVnets[k].Contains(vnet)) among |= 1UL << Math.Min(k, 63);
        if (!_toEverySource && among == 0 && !_from.ContainsKey(source) && !MeetsSourceRanges(sourcePrefixes)) return [];
        Ipv4? resolved = null;
        var asked = false;
        Ipv4? Address()
        {
            if (!asked) { resolved = address(); asked = true; }
            return resolved;
        }
        // A source whose every flow is traced (in a peering's VNet).
        if (AnyOverlap(_everythingFrom, sourcePrefixes) && Address() is { } a && AnyContains(_everythingFrom, a))
            return Enumerable.Range(0, intervals.Count);
        // Only the destinations every source traces: no list made per source (a flow diff asks 10,000 times).
        if (_from.Count == 0 && !_changedTo) return EveryIntervals(intervals, among);
        bool Overlaps(ulong lo, ulong hi) => sourcePrefixes.Any(p => p.First.Value <= hi && lo <= p.Last.Value);
        bool In(List<(ulong Lo, ulong Hi)> ranges) => ranges.Any(r => Overlaps(r.Lo, r.Hi))
            && Address() is { } ip && ranges.Any(r => ip.Value >= r.Lo && ip.Value <= r.Hi);
        var ranges = new List<(ulong Lo, ulong Hi)>();
        if (_from.TryGetValue(source, out var mine)) ranges.AddRange(mine);
        ranges.AddRange(_to.Where(t => !t.Every && In(t.Changed)).Select(t => (t.Lo, t.Hi)));
        // The destinations every source traces (a peering's VNet) are the same for each of 10,000 sources: their
        // intervals are found once per interval list.
        var every = EveryIntervals(intervals, among);
        if (ranges.Count == 0) return every;
        return Merge(ranges).SelectMany(r => Inside(intervals, r.Lo, r.Hi)).Concat(every).Distinct().Order();
    }

    private static bool AnyOverlap(List<Prefix> a, IReadOnlyList<Prefix> b)
    {
        foreach (var p in a)
            foreach (var q in b)
                if (p.First.Value <= q.Last.Value && q.First.Value <= p.Last.Value) return true;
        return false;
    }

    private static bool AnyContains(List<Prefix> prefixes, Ipv4 ip)
    {
        foreach (var p in prefixes) if (p.Contains(ip)) return true;
        return false;
    }

    // Per interval list, the lists made for each combination of VNets (few: sources in and out of a reaching set).
    private sealed record EveryCache(IReadOnlyList<(ulong Lo, ulong Hi)> Intervals, System.Collections.Concurrent.ConcurrentDictionary<ulong, int[]> ByAmong);

    private EveryCache? _every;   // one reference, replaced whole

    /// <summary>The intervals of the destinations selected from every source, and from the VNets of
    /// <paramref name="among"/>'s bits (<see cref="_toSomeVnets"/>): the same list for the thousands of sources alike.</summary>
    private int[] EveryIntervals(IReadOnlyList<(ulong Lo, ulong Hi)> intervals, ulong among)
    {
        var cache = _every is { } known && ReferenceEquals(known.Intervals, intervals) ? known : _every = new EveryCache(intervals, new());
        return cache.ByAmong.GetOrAdd(among, _ =>
        {
            bool Selected(IReadOnlySet<string>? vnets)
            {
                if (vnets is null) return true;
                var k = Array.IndexOf(_toSomeVnets, vnets);
                return (among & (1UL << Math.Min(k, 63))) != 0;
            }
            return [.. Merge(_to.Where(t => t.Every && Selected(t.Vnets)).Select(t => (t.Lo, t.Hi))).SelectMany(r => Inside(intervals, r.Lo, r.Hi)).Distinct().Order()];
        });
    }

    private static IEnumerable<int> Inside(IReadOnlyList<(ulong Lo, ulong Hi)> intervals, ulong lo, ulong hi)
    {
        var (from, to) = FlowDiff.IntervalsWithin(intervals, lo, hi);
        return Enumerable.Range(from, to - from);
    }

    private static List<(ulong Lo, ulong Hi)> Merge(IEnumerable<(ulong Lo, ulong Hi)> ranges)
    {
        var list = new List<(ulong Lo, ulong Hi)>();
        foreach (var r in ranges.OrderBy(r => r.Lo))
        {
            if (list.Count > 0 && r.Lo <= list[^1].Hi + 1) list[^1] = (list[^1].Lo, Math.Max(list[^1].Hi, r.Hi));
            else list.Add(r);
        }
        return list;
    }

    /// <summary>The prefixes whose routes differ between two tables: for each prefix, its routes in table order,
    /// compared field by field (<see cref="Structural.Same"/>). A lookup (longest prefix over the Active routes,
    /// B1) and the VirtualNetwork tag (G4) of an address read only the routes whose prefix covers it. Two views
    /// over one gateway route set are compared over the routes that can differ (<see cref="EffectiveRouteTable.Candidates"/>:
    /// the others are the same objects at the same places on both sides).</summary>
    public static IReadOnlyList<Prefix> ChangedPrefixes(EffectiveRouteTable before, EffectiveRouteTable after, bool inFull = false)
    {
        if (ReferenceEquals(before, after) && !inFull) return [];
        var candidates = inFull ? null : EffectiveRouteTable.Candidates(before, after);
        return ChangedPrefixes(candidates?.Before ?? before.Routes, candidates?.After ?? after.Routes);
    }

    private static List<Prefix> ChangedPrefixes(IReadOnlyList<EffectiveRoute> before, IReadOnlyList<EffectiveRoute> after)
    {
        // Each table's routes chained by prefix (head of each prefix's chain, next in chain): no list per prefix
        // (tables hold 10,000+ routes, and a change touches dozens of tables).
        static (EffectiveRoute[] Routes, Dictionary<Prefix, int> Head, int[] Next) ByPrefix(IReadOnlyList<EffectiveRoute> t)
        {
            var routes = t.ToArray();   // enumerated once: a table view's indexer skips hidden gateway routes one by one
            var head = new Dictionary<Prefix, int>(routes.Length);
            var next = new int[routes.Length];
            for (var i = routes.Length - 1; i >= 0; i--)
            {
                var p = routes[i].AddressPrefix;
                next[i] = head.TryGetValue(p, out var h) ? h : -1;
                head[p] = i;
            }
            return (routes, head, next);
        }
        var (b, a) = (ByPrefix(before), ByPrefix(after));
        bool Same(int i, int j)
        {
            for (; i >= 0 && j >= 0; i = b.Next[i], j = a.Next[j])
                if (!Structural.Same(b.Routes[i], a.Routes[j])) return false;
            return i < 0 && j < 0;
        }
        var changed = new List<Prefix>();
        foreach (var (p, j) in a.Head)
            if (!b.Head.TryGetValue(p, out var i) || !Same(i, j)) changed.Add(p);
        foreach (var p in b.Head.Keys) if (!a.Head.ContainsKey(p)) changed.Add(p);
        return changed;
    }

    /// <summary>The tables the change gave the subnets it touched, by VNet: every other subnet's table after the change is
    /// the baseline's (<see cref="ChangeScope.TouchedSubnets"/>).</summary>
    private static IEnumerable<(string, EffectiveRouteTable)> TouchedTables(Planes after, ChangeScope scope) =>
        scope.TouchedSubnets.Select(after.Topology.Subnet).OfType<Subnet>().Select(s => (s.VirtualNetwork, after.Routing.EffectiveRoutes(s.Id)));

    /// <summary>The VNets W of the peerings V → W whose allowForwardedTraffic the change sets otherwise (rule C2 reads it
    /// for packets crossing from W into V).</summary>
    private static IEnumerable<string> ForwardedTrafficRemotes(Topology before, Topology after, ChangeScope scope, string vnet) =>
        scope.ForwardedTrafficPeerings.SelectMany(i => new[] { before.VirtualNetworkPeerings[i], after.VirtualNetworkPeerings[i] })
            .Where(p => p.VirtualNetwork == vnet).Select(p => p.RemoteVirtualNetwork).Distinct();

    private static bool Translates(Topology t) => t.Connections.Any(c => !c.IngressNatRules.IsEmpty || !c.EgressNatRules.IsEmpty);

    /// <summary>The addresses a request's source can be translated to (F4 firewall SNAT and public IP, F5 appliance
    /// masquerade to its egress NIC): the only destinations of replies besides the sources themselves.</summary>
    private static IEnumerable<Ipv4> TranslatingAddresses(Topology t)
    {
        foreach (var fw in t.AzureFirewalls)
        {
            yield return fw.PrivateIPAddress;
            if (fw.PublicIPAddress is { } pip) yield return pip;
        }
        var appliances = t.VirtualMachines.Where(v => v.Appliance is not null).ToList();
        var names = appliances.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var n in t.NetworkInterfaces)
            if (n.EnableIPForwarding || (n.VirtualMachine is { } vm && names.Contains(vm))) yield return n.PrivateIPAddress;
        foreach (var v in appliances)
            foreach (var n in v.NetworkInterfaces.Select(t.NetworkInterface).OfType<NetworkInterface>()) yield return n.PrivateIPAddress;
    }

    /// <summary>True when the subnet holds an appliance NIC (IP forwarding, or a VM declared as an appliance) or an
    /// Azure Firewall.</summary>
    private static bool HoldsForwarder(Topology t, string subnet) =>
        t.AzureFirewalls.Any(f => f.Subnet == subnet)
        || t.InterfacesIn(subnet).Any(n => n.EnableIPForwarding || (n.VirtualMachine is { } vm && t.VirtualMachine(vm)?.Appliance is not null));
}
