using System.Collections.Immutable;
using NetTwin.Ipsec;
using NetTwin.Model;
using NetTwin.Routing;

namespace NetTwin.WhatIf;

/// <summary>What one failure case (one element, or a pair) does to the estate, compared with the baseline.</summary>
/// <param name="Failures">The failed elements, as change sets spell them (connections/NAME, ...).</param>
/// <param name="BrokenIntents">Intents that hold in the baseline and not under this failure, with the new verdict.</param>
/// <param name="RestoredIntents">Intents violated in the baseline that hold under this failure (rare, but said).</param>
/// <param name="TunnelsDown">Connections whose tunnel is up in the baseline and not under this failure, with why.</param>
/// <param name="SessionsDown">BGP sessions connected in the baseline and not under this failure.</param>
/// <param name="RoutesLost">Subnets that lose at least one Active route, with the count (summary of the routing impact).</param>
public sealed record FailureOutcome(
    IReadOnlyList<string> Failures,
    IReadOnlyList<IntentBreak> BrokenIntents,
    IReadOnlyList<IntentBreak> RestoredIntents,
    IReadOnlyList<TunnelLoss> TunnelsDown,
    IReadOnlyList<string> SessionsDown,
    int RoutesLost)
{
    public bool HasEffect => BrokenIntents.Count > 0 || RestoredIntents.Count > 0 || TunnelsDown.Count > 0 || SessionsDown.Count > 0 || RoutesLost > 0;
}

public sealed record IntentBreak(string Intent, string Verdict);
public sealed record TunnelLoss(string Connection, string State, string Reason);

/// <summary>The sweep's answer: every case that finished (worst first), how many were planned, and whether it
/// was stopped before the end (Ctrl-C).</summary>
public sealed record SweepResult(int K, int Planned, int Finished, bool Stopped, IReadOnlyList<string> Candidates, IReadOnlyList<FailureOutcome> Outcomes);

/// <summary>Fails every gateway instance, connection, ExpressRoute circuit and established BGP session of an
/// estate, alone (k = 1) or in pairs (k = 2), and says what each case breaks: the intents that stop holding, the
/// tunnels and BGP sessions that go down, the routes lost. Cases run in parallel on every core; each recomputes
/// the control plane from the baseline's where the failures reach (the BGP components holding a failed element, the
/// hubs whose gateways are in them: <see cref="ControlPlane.Recompute"/>), the tunnels, and the intents.</summary>
public static class FailureSweep
{
    /// <summary>Every element the sweep can fail, in a fixed order: gateway instances, connections, circuits, then
    /// the BGP sessions established in the baseline (failed from one end, as a change set would).</summary>
    public static IReadOnlyList<Failure> Candidates(EstateAnalysis baseline)
    {
        var t = baseline.Topology;
        var list = new List<Failure>();
        foreach (var g in t.VirtualNetworkGateways.OrderBy(g => g.Name, StringComparer.Ordinal))
            for (var i = 0; i < g.IpConfigurations.Length; i++) list.Add(new Failure(FailureKind.GatewayInstance, g.Name, i));
        list.AddRange(t.Connections.OrderBy(c => c.Name, StringComparer.Ordinal).Select(c => new Failure(FailureKind.Connection, c.Name)));
        list.AddRange(t.ExpressRouteCircuits.OrderBy(c => c.Name, StringComparer.Ordinal).Select(c => new Failure(FailureKind.Circuit, c.Name)));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in baseline.Routing.Bgp.Sessions.Where(s => s.State == BgpSessionState.Connected && s.Remote is not null)
                     .OrderBy(s => s.Local.Name, StringComparer.Ordinal).ThenBy(s => s.Local.PeerAddress))
        {
            // One case per session: prefer the end a change set can name (a gateway, then a device).
            var ends = new[] { s.Local, s.Remote! };
            var end = ends.FirstOrDefault(e => t.VirtualNetworkGateway(e.Name) is not null)
                      ?? ends.FirstOrDefault(e => t.OnPremisesDevice(e.Name) is not null);
            if (end is null) continue;
            var key = string.Join("|", ends.Select(e => $"{e.Speaker}@{e.Address}").Order(StringComparer.Ordinal));
            if (!seen.Add(key)) continue;
            list.Add(new Failure(FailureKind.BgpPeer, end.Name, Peer: end.PeerAddress));
        }
        return [.. list.Where(f => !t.IsFailed(f)).Distinct()];
    }

    /// <summary>The cases for k = 1 or 2: every candidate alone, then (k = 2) every pair.</summary>
    public static IReadOnlyList<ImmutableArray<Failure>> Cases(IReadOnlyList<Failure> candidates, int k)
    {
        if (k is not (1 or 2)) throw new ArgumentOutOfRangeException(nameof(k), "k is 1 or 2");
        var cases = candidates.Select(c => ImmutableArray.Create(c)).ToList();
        if (k == 2)
            for (var i = 0; i < candidates.Count; i++)
                for (var j = i + 1; j < candidates.Count; j++)
                    cases.Add([candidates[i], candidates[j]]);
        return cases;
    }

    /// <summary>Runs every case. <paramref name="progress"/> is told each time a case finishes (from any thread);
    /// cancelling <paramref name="cancel"/> stops starting new cases, lets the running ones finish, and returns
    /// what finished.</summary>
    public static SweepResult Run(EstateAnalysis baseline, int k, CancellationToken cancel = default, Action? progress = null)
    {
        var candidates = Candidates(baseline);
        var cases = Cases(candidates, k);
        var outcomes = new FailureOutcome?[cases.Count];
        // The baseline's parts are computed once, before the workers read them (and before a case's control plane
        // takes over the tables of the hubs its failures do not reach: only tables built by then are shared).
        _ = baseline.Planes;
        _ = baseline.Routing.AllSubnetTables();
        _ = baseline.IntentResults;
        var stopped = false;
        try
        {
            Parallel.For(0, cases.Count, new ParallelOptions { CancellationToken = cancel, MaxDegreeOfParallelism = Environment.ProcessorCount }, (i, state) =>
            {
                if (cancel.IsCancellationRequested) { state.Stop(); return; }
                outcomes[i] = Evaluate(baseline, cases[i]);
                progress?.Invoke();
            });
        }
        catch (OperationCanceledException) { stopped = true; }
        stopped |= cancel.IsCancellationRequested;
        var done = outcomes.Where(o => o is not null).Select(o => o!).ToList();
        var ordered = done
            .OrderByDescending(o => o.BrokenIntents.Count)
            .ThenByDescending(o => o.TunnelsDown.Count)
            .ThenByDescending(o => o.SessionsDown.Count)
            .ThenByDescending(o => o.RoutesLost)
            .ThenBy(o => o.Failures.Count)
            .ThenBy(o => string.Join(" + ", o.Failures), StringComparer.Ordinal)
            .ToList();
        return new SweepResult(k, cases.Count, done.Count, stopped, [.. candidates.Select(c => c.ToString())], ordered);
    }

    /// <summary>One case: the baseline topology with these elements failed, analysed (BGP and gateway routes only
    /// where the failures reach, <see cref="EstateAnalysis.Failing"/>) and compared.</summary>
    public static FailureOutcome Evaluate(EstateAnalysis baseline, ImmutableArray<Failure> failures)
    {
        var failed = baseline.Failing(failures);
        var broken = new List<IntentBreak>();
        var restored = new List<IntentBreak>();
        var before = baseline.IntentResults.GroupBy(r => r.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var r in failed.IntentResults)
        {
            if (!before.TryGetValue(r.Name, out var b)) continue;
            if (b.Holds && !r.Holds) broken.Add(new IntentBreak(r.Name, r.Verdict));
            else if (!b.Holds && r.Holds) restored.Add(new IntentBreak(r.Name, r.Verdict));
        }
        var tunnels = new List<TunnelLoss>();
        foreach (var b in baseline.Tunnels.Connections.Where(c => c.State == TunnelState.Up))
            if (failed.Tunnels.Connection(b.Connection) is { } a && a.State != TunnelState.Up)
                tunnels.Add(new TunnelLoss(a.Connection, a.State.ToString(), a.Reason));
        static string SessionName(BgpSession s) => $"{s.Local.Name} {s.Local.Address?.ToString() ?? "?"} <-> {s.Remote?.Name ?? "?"} {s.Local.PeerAddress}";
        var after = failed.Routing.Bgp.Sessions.Where(s => s.State == BgpSessionState.Connected).Select(SessionName).ToHashSet(StringComparer.Ordinal);
        var sessions = baseline.Routing.Bgp.Sessions.Where(s => s.State == BgpSessionState.Connected).Select(SessionName)
            .Where(n => !after.Contains(n)).Order(StringComparer.Ordinal).ToList();
        return new FailureOutcome([.. failures.Select(f => f.ToString())], broken, restored, tunnels, sessions, RoutesLost(baseline.Routing, failed.Routing));
    }

    /// <summary>The Active routes of every subnet in the baseline whose (prefix, next hop type) is no longer Active
    /// under the failures, summed over the subnets. A failure reaches the effective routes only through the gateway
    /// routes of the hubs (gateway transit, the VNets' own routes and the user routes read no failure; a user route's
    /// state does not depend on the gateway routes), and a route's state depends only on the routes with its prefix
    /// (B2; B3 hides gateway routes inside the VNet's own and peering routes). So only the prefixes whose gateway
    /// route appeared or disappeared in the subnet's hub can change, and only those are compared.</summary>
    public static int RoutesLost(ControlPlane before, ControlPlane after)
    {
        var changedByHub = new Dictionary<string, List<Prefix>>(StringComparer.Ordinal);
        List<Prefix> Changed(string hub)
        {
            if (!changedByHub.TryGetValue(hub, out var list))
            {
                var b = before.GatewayRoutes(hub)?.Routes.Select(r => r.Prefix).ToHashSet() ?? [];
                var a = after.GatewayRoutes(hub)?.Routes.Select(r => r.Prefix).ToHashSet() ?? [];
                changedByHub[hub] = list = [.. b.Where(p => !a.Contains(p)).Concat(a.Where(p => !b.Contains(p))).Order()];
            }
            return list;
        }
        var lost = 0;
        foreach (var (subnet, table) in before.AllSubnetTables())
        {
            var hub = before.Transit.HubOf(subnet.VirtualNetwork);
            if (hub is null || !table.GatewayRoutesPropagated) continue;   // no gateway routes on either side (B7)
            var changed = Changed(hub);
            if (changed.Count == 0) continue;
            var now = after.EffectiveRoutes(subnet.Id);
            foreach (var p in changed)
            {
                var kept = now.ActiveRoutesAt(p).Select(r => r.NextHopType).ToList();
                lost += table.ActiveRoutesAt(p).Count(r => !kept.Contains(r.NextHopType));
            }
        }
        return lost;
    }

    /// <summary>The reference definition of <see cref="RoutesLost"/>: every table compared in full (for tests).</summary>
    public static int RoutesLostInFull(ControlPlane before, ControlPlane after)
    {
        var routesLost = 0;
        foreach (var (subnet, table) in before.AllSubnetTables())
        {
            var now = after.EffectiveRoutes(subnet.Id).ActiveRoutes.Select(r => (r.AddressPrefix, r.NextHopType)).ToHashSet();
            routesLost += table.ActiveRoutes.Count(r => !now.Contains((r.AddressPrefix, r.NextHopType)));
        }
        return routesLost;
    }
}
