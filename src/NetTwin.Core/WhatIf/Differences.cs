using System.Collections.Immutable;
using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using NetTwin.Ipsec;
using NetTwin.Model;
using NetTwin.Routing;
using NetTwin.Validation;

namespace NetTwin.WhatIf;

/// <summary>A validation finding present after the change and not before ("gained"), or the reverse ("lost").</summary>
public sealed record FindingChange(string Change, string Id, string Severity, string Resource, string Message, string Source);

/// <summary>An effective route of a subnet added, removed, or whose state changed (Active / Invalid / shadowed).
/// Routes are the same route when source, prefix, next hop type and next hop IPs are equal.</summary>
public sealed record RouteChange(string Subnet, string Change, string Source, string AddressPrefix, string NextHopType,
    IReadOnlyList<string> NextHopIpAddress, string? Name, string? Before, string? After, string Explanation);

/// <summary>A BGP session (one speaker's neighbor) that appeared, disappeared or changed state.</summary>
public sealed record BgpSessionChange(string Speaker, string Peer, string? Remote, string Change, string? Before, string? After, string? Reason);

/// <summary>A row of a gateway's learned routes (list-learned-routes) that appeared or disappeared.</summary>
public sealed record LearnedRouteChange(string Gateway, string Change, string Network, string LocalAddress, string? NextHop, string? SourcePeer, string Origin, string AsPath);

/// <summary>A tunnel (one connection) whose state changed.</summary>
public sealed record TunnelChange(string Connection, string Gateway, string Peer, string? Before, string? After, string Reason);

/// <summary>A class of flows — from one subnet to one destination (subnet, on-premises network or the internet), over
/// the destination ranges of one equivalence class of <c>reach --matrix</c> — whose disposition or path changed.
/// <paramref name="Change"/> is "disposition" (the verdict changed) or "path" (same verdict, other devices).</summary>
public sealed record FlowChange(string From, string To, IReadOnlyList<string> Destinations, string Change,
    string Before, string After, IReadOnlyList<string> BeforePath, IReadOnlyList<string> AfterPath);

/// <summary>Flow changes that differ only in their source subnet: the same destination and ranges, the same change
/// and the same verdicts before and after (their paths differ by the source's own hops).</summary>
public sealed record FlowChangeGroup(IReadOnlyList<string> Sources, string To, IReadOnlyList<string> Destinations, string Change,
    string Before, string After);

public static class FlowChanges
{
    /// <summary>The flow changes grouped by everything but the source: the groups with the most sources first, then
    /// by destination; sources in their order in <paramref name="flows"/>. A change that breaks a spoke for every
    /// other subnet of the estate is one group per destination range, not one row per source.</summary>
    public static IReadOnlyList<FlowChangeGroup> BySource(IReadOnlyList<FlowChange> flows)
    {
        ArgumentNullException.ThrowIfNull(flows);
        var groups = new Dictionary<(string, string, string, string, string), (FlowChange First, List<string> Sources)>();
        var order = new List<(string, string, string, string, string)>();
        foreach (var f in flows)
        {
            var key = (f.To, string.Join(" ", f.Destinations), f.Change, f.Before, f.After);
            if (!groups.TryGetValue(key, out var g)) { groups[key] = g = (f, []); order.Add(key); }
            g.Sources.Add(f.From);
        }
        return [.. order.Select(k => groups[k])
            .Select(g => new FlowChangeGroup(g.Sources, g.First.To, g.First.Destinations, g.First.Change, g.First.Before, g.First.After))
            .OrderByDescending(g => g.Sources.Count)
            .ThenBy(g => g.To, StringComparer.Ordinal)
            .ThenBy(g => g.Destinations.Count == 0 ? "" : g.Destinations[0], StringComparer.Ordinal)];
    }
}

/// <summary>An intent that starts holding ("holds") or stops holding ("violated") after the change.</summary>
public sealed record IntentChange(string Intent, string Kind, string Change, string Before, string After);

/// <summary>The differences between a baseline and the same estate with changes. Empty lists mean no difference
/// of that kind; <see cref="Unavailable"/> names the comparisons that could not be made (a stage that does not exist
/// yet, or a topology that fails validation) so an empty list never stands for "not checked".</summary>
public sealed record Differences(
    IReadOnlyList<FindingChange> Findings,
    IReadOnlyList<RouteChange> Routes,
    IReadOnlyList<BgpSessionChange> BgpSessions,
    IReadOnlyList<LearnedRouteChange> LearnedRoutes,
    IReadOnlyList<TunnelChange> Tunnels,
    IReadOnlyList<FlowChange> Flows,
    IReadOnlyList<IntentChange> Intents,
    IReadOnlyList<string> Unavailable)
{
    /// <summary>No difference at all.</summary>
    public static readonly Differences None = new([], [], [], [], [], [], [], []);

    [JsonIgnore]
    public bool IsEmpty => Findings.Count == 0 && Routes.Count == 0 && BgpSessions.Count == 0 && LearnedRoutes.Count == 0
                           && Tunnels.Count == 0 && Flows.Count == 0 && Intents.Count == 0;

    /// <summary>The subnets (vnet/subnet) whose effective routes changed.</summary>
    [JsonIgnore]
    public IEnumerable<string> ChangedSubnets => Routes.Select(r => r.Subnet).Distinct();
}

/// <summary>Compares two analyses, stage by stage.</summary>
public static class Differ
{
    /// <summary>Every difference between <paramref name="before"/> and <paramref name="after"/> (after derived from
    /// before, or analysed afresh). Route tables are compared only for the subnets the change can touch when the
    /// scope says route tables alone changed; everything else is compared in full.</summary>
    public static Differences Compare(EstateAnalysis before, EstateAnalysis after) => Compare(before, after, null);

    /// <param name="stage">Told how long each part took (findings, routes, BGP and tunnels, flows, intents), for the
    /// bench's profile-whatif.</param>
    public static Differences Compare(EstateAnalysis before, EstateAnalysis after, Action<string, TimeSpan>? stage)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        T Timed<T>(string name, Func<T> part)
        {
            clock.Restart();
            var value = part();
            stage?.Invoke(name, clock.Elapsed);
            return value;
        }
        var findings = Timed("findings", () => CompareFindings(before.Findings, after.Findings));
        var scope = after.Scope is { } s && ReferenceEquals(after.DerivedFrom, before) ? s : ChangeScope.Of(before.Topology, after.Topology);
        var bt = before.Topology;
        var at = after.Topology;
        IEnumerable<string> subnets = scope.Routing switch
        {
            RoutingScope.None => [],
            RoutingScope.RouteTables => scope.TouchedSubnets,
            _ => bt.Subnets.Select(x => x.Id).Union(at.Subnets.Select(x => x.Id)),
        };
        string? Key(Topology t, string id) => t.Subnet(id) is { } sn ? $"{sn.VirtualNetwork}|{sn.RouteTable}" : null;
        var routes = Timed("routes", () => CompareRoutes(id => bt.Subnet(id) is null ? null : before.Routing.EffectiveRoutes(id),
            id => at.Subnet(id) is null ? null : after.Routing.EffectiveRoutes(id),
            subnets.Order(StringComparer.Ordinal).Select(id => (id, Key(bt, id), Key(at, id)))));
        // Under a None or RouteTables scope, BGP and the tunnels are the baseline's own objects: nothing to compare.
        var same = scope.Routing != RoutingScope.Full;
        var (sessions, learned, tunnels) = Timed("BGP and tunnels", () => same
            ? ((IReadOnlyList<BgpSessionChange>)[], (IReadOnlyList<LearnedRouteChange>)[], (IReadOnlyList<TunnelChange>)[])
            : (CompareSessions(before.Routing.Bgp, after.Routing.Bgp), CompareLearned(before.Routing, after.Routing), CompareTunnels(before.Tunnels, after.Tunnels)));
        var flows = Timed("flows", () => FlowDiff.Compare(before.Planes, after.Planes, scope));
        var intents = Timed("intents", () => CompareIntents(before.IntentResults, after.IntentResults));
        return new Differences(findings, routes, sessions, learned, tunnels, flows, intents, []);
    }

    public static IReadOnlyList<FindingChange> CompareFindings(IReadOnlyList<Finding> before, IReadOnlyList<Finding> after)
    {
        static string Key(Finding f) => $"{f.Id}|{f.Resource}|{f.Message}";
        var b = before.GroupBy(Key).ToDictionary(g => g.Key, g => g.First());
        var a = after.GroupBy(Key).ToDictionary(g => g.Key, g => g.First());
        static FindingChange Row(string change, Finding f) => new(change, f.Id, f.Severity.ToString(), f.Resource, f.Message, f.Source.ToString());
        return [.. a.Where(kv => !b.ContainsKey(kv.Key)).Select(kv => Row("gained", kv.Value))
            .Concat(b.Where(kv => !a.ContainsKey(kv.Key)).Select(kv => Row("lost", kv.Value)))
            .OrderBy(c => c.Change == "gained" ? 0 : 1).ThenBy(c => c.Id, StringComparer.Ordinal).ThenBy(c => c.Resource, StringComparer.Ordinal)];
    }

    /// <summary>Route differences of every subnet present on either side (or only <paramref name="onlySubnets"/>).
    /// Subnets sharing a table on both sides (same VNet, same route table) are compared once. Two views over one
    /// gateway route set are compared over the routes that can differ (<see cref="EffectiveRouteTable.Candidates"/>);
    /// <paramref name="inFull"/> compares every route (the plain definition, for the equivalence tests).</summary>
    public static IReadOnlyList<RouteChange> CompareRoutes(Func<string, EffectiveRouteTable?> before, Func<string, EffectiveRouteTable?> after,
        IEnumerable<(string Subnet, string? BeforeKey, string? AfterKey)> subnets, bool inFull = false)
    {
        var memo = new ConcurrentDictionary<(string?, string?), List<RouteChange>>();
        var list = subnets.ToList();
        var results = new List<RouteChange>[list.Count];
        Parallel.For(0, list.Count, i =>
        {
            var (subnet, bk, ak) = list[i];
            var rows = memo.GetOrAdd((bk, ak), _ => CompareTables(bk is null ? null : before(subnet), ak is null ? null : after(subnet), inFull));
            results[i] = [.. rows.Select(r => r with { Subnet = subnet })];
        });
        return [.. results.SelectMany(r => r).OrderBy(r => r.Subnet, StringComparer.Ordinal)];
    }

    public static string StateOf(EffectiveRoute r) => r.State == RouteState.Invalid ? "Invalid" : r.IsShadowed ? "Active (shadowed)" : "Active";

    private static List<RouteChange> CompareTables(EffectiveRouteTable? before, EffectiveRouteTable? after, bool inFull)
    {
        if (before is not null && ReferenceEquals(before, after) && !inFull) return [];
        var candidates = inFull || before is null || after is null ? null : EffectiveRouteTable.Candidates(before, after);
        var b = Keyed(candidates?.Before ?? before?.Routes);
        var a = Keyed(candidates?.After ?? after?.Routes);
        var rows = new List<RouteChange>();
        static RouteChange Row(string change, EffectiveRoute r, string? was, string? now, string why) =>
            new("", change, r.Source.ToString(), r.AddressPrefix.ToString(), r.NextHopType.ToString(),
                [.. r.NextHopIpAddress.Select(ip => ip.ToString())], r.Name, was, now, why);
        foreach (var (k, r) in a)
        {
            if (!b.TryGetValue(k, out var old)) rows.Add(Row("added", r, null, StateOf(r), r.Explanation));
            else if (StateOf(old) != StateOf(r)) rows.Add(Row("changed", r, StateOf(old), StateOf(r), r.Explanation));
        }
        foreach (var (k, r) in b)
            if (!a.ContainsKey(k)) rows.Add(Row("removed", r, StateOf(r), null, r.Explanation));
        return [.. rows.OrderBy(r => r.AddressPrefix, StringComparer.Ordinal).ThenBy(r => r.Source, StringComparer.Ordinal)];
    }

    /// <summary>A route's identity in a table: source, prefix, next hop type and addresses, and its occurrence among
    /// routes equal in those (a table can hold two). Compared by value, without formatting (tables hold 10,000+ routes).</summary>
    private readonly record struct RouteKey(RouteSource Source, Prefix Prefix, NextHopType NextHopType, ImmutableArray<Ipv4> Ips, int Occurrence)
    {
        public bool Equals(RouteKey o) => Source == o.Source && Prefix == o.Prefix && NextHopType == o.NextHopType
            && Occurrence == o.Occurrence && Ips.AsSpan().SequenceEqual(o.Ips.AsSpan());

        public override int GetHashCode()
        {
            var h = HashCode.Combine(Source, Prefix, NextHopType, Occurrence);
            foreach (var ip in Ips) h = HashCode.Combine(h, ip);
            return h;
        }
    }

    private static Dictionary<RouteKey, EffectiveRoute> Keyed(IEnumerable<EffectiveRoute>? routes)
    {
        var d = new Dictionary<RouteKey, EffectiveRoute>();
        if (routes is null) return d;
        foreach (var r in routes)
        {
            var k = new RouteKey(r.Source, r.AddressPrefix, r.NextHopType, r.NextHopIpAddress.IsDefault ? [] : r.NextHopIpAddress, 1);
            while (d.ContainsKey(k)) k = k with { Occurrence = k.Occurrence + 1 };
            d[k] = r;
        }
        return d;
    }

    /// <summary>Sessions compared end by end: each speaker's neighbor (speaker id and neighbor address) is one row, so
    /// a session that breaks shows on both speakers, and a neighbor re-pointed elsewhere shows as removed and added.</summary>
    public static IReadOnlyList<BgpSessionChange> CompareSessions(BgpResult before, BgpResult after)
    {
        static Dictionary<string, (BgpSessionEnd End, BgpSessionEnd? Other, BgpSession Session)> Keyed(BgpResult r)
        {
            var d = new Dictionary<string, (BgpSessionEnd, BgpSessionEnd?, BgpSession)>(StringComparer.Ordinal);
            foreach (var s in r.Sessions)
            {
                d.TryAdd($"{s.Local.Speaker}|{s.Local.PeerAddress}", (s.Local, s.Remote, s));
                if (s.Remote is { } remote) d.TryAdd($"{remote.Speaker}|{remote.PeerAddress}", (remote, s.Local, s));
            }
            return d;
        }
        var b = Keyed(before);
        var a = Keyed(after);
        var rows = new List<BgpSessionChange>();
        foreach (var (k, (end, other, s)) in a)
        {
            if (!b.TryGetValue(k, out var old))
                rows.Add(new(end.Speaker, end.PeerAddress.ToString(), other?.Speaker, "added", null, s.State.ToString(), s.Reason));
            else if (old.Session.State != s.State || old.Other?.Speaker != other?.Speaker)
                rows.Add(new(end.Speaker, end.PeerAddress.ToString(), other?.Speaker ?? old.Other?.Speaker, "changed", old.Session.State.ToString(), s.State.ToString(), s.Reason ?? old.Session.Reason));
        }
        foreach (var (k, (end, other, s)) in b)
            if (!a.ContainsKey(k))
                rows.Add(new(end.Speaker, end.PeerAddress.ToString(), other?.Speaker, "removed", s.State.ToString(), null, s.Reason));
        return [.. rows.OrderBy(r => r.Speaker, StringComparer.Ordinal).ThenBy(r => r.Peer, StringComparer.Ordinal).ThenBy(r => r.Change, StringComparer.Ordinal)];
    }

    public static IReadOnlyList<LearnedRouteChange> CompareLearned(ControlPlane before, ControlPlane after)
    {
        var gateways = before.Topology.VirtualNetworkGateways.Select(g => g.Name)
            .Union(after.Topology.VirtualNetworkGateways.Select(g => g.Name)).Order(StringComparer.Ordinal).ToList();
        var rows = new List<LearnedRouteChange>();
        foreach (var g in gateways)
        {
            static string Key(GatewayBgpRoute r) => $"{r.LocalAddress}|{r.Network}|{r.NextHop}|{r.SourcePeer}|{r.Origin}|{r.AsPath}";
            var b = before.Bgp.LearnedRoutes(g).GroupBy(Key).ToDictionary(x => x.Key, x => x.First());
            var a = after.Bgp.LearnedRoutes(g).GroupBy(Key).ToDictionary(x => x.Key, x => x.First());
            LearnedRouteChange Row(string change, GatewayBgpRoute r) => new(g, change, r.Network.ToString(), r.LocalAddress.ToString(),
                r.NextHop?.ToString(), r.SourcePeer?.ToString(), r.Origin, r.AsPath);
            rows.AddRange(a.Where(kv => !b.ContainsKey(kv.Key)).Select(kv => Row("added", kv.Value)));
            rows.AddRange(b.Where(kv => !a.ContainsKey(kv.Key)).Select(kv => Row("removed", kv.Value)));
        }
        return [.. rows.OrderBy(r => r.Gateway, StringComparer.Ordinal).ThenBy(r => r.Network, StringComparer.Ordinal).ThenBy(r => r.Change, StringComparer.Ordinal)];
    }

    /// <summary>Intents that start holding ("holds") or stop holding ("violated"), in the intents file's order.</summary>
    public static IReadOnlyList<IntentChange> CompareIntents(IReadOnlyList<IntentOutcome> before, IReadOnlyList<IntentOutcome> after)
    {
        var b = before.GroupBy(i => i.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return [.. after.Where(a => b.TryGetValue(a.Name, out var x) && x.Holds != a.Holds)
            .Select(a => new IntentChange(a.Name, a.Kind, a.Holds ? "holds" : "violated", b[a.Name].Verdict, a.Verdict))];
    }

    public static IReadOnlyList<TunnelChange> CompareTunnels(TunnelsAnswer before, TunnelsAnswer after)
    {
        var b = before.Connections.ToDictionary(c => c.Connection, StringComparer.Ordinal);
        var a = after.Connections.ToDictionary(c => c.Connection, StringComparer.Ordinal);
        var rows = new List<TunnelChange>();
        static string State(TunnelReport r) => r.State.ToString() + (r.Instances.Length > 1
            ? " (" + string.Join(", ", r.Instances.Select(i => $"instance {i.Instance} {i.State}")) + ")" : "");
        foreach (var (name, r) in a)
        {
            if (!b.TryGetValue(name, out var old)) rows.Add(new(name, r.Gateway, r.Peer, null, State(r), r.Reason));
            else if (State(old) != State(r)) rows.Add(new(name, r.Gateway, r.Peer, State(old), State(r), r.Reason));
        }
        foreach (var (name, r) in b)
            if (!a.ContainsKey(name)) rows.Add(new(name, r.Gateway, r.Peer, State(r), null, "the connection no longer exists"));
        return [.. rows.OrderBy(r => r.Connection, StringComparer.Ordinal)];
    }
}
