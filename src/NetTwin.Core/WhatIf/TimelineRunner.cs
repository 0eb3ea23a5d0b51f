using NetTwin.Formats.Yaml;
using NetTwin.Model;
using NetTwin.Routing;

namespace NetTwin.WhatIf;

/// <summary>One expectation of a step, checked: what was expected, whether it holds, what NetTwin found.</summary>
public sealed record ExpectationResult(string Expected, bool Met, string Actual, SourceRef Source);

/// <summary>One step of a timeline, run: its change sets, the differences from the previous step (from the baseline
/// for the first), and its expectations.</summary>
public sealed record StepResult(int Number, string Name, IReadOnlyList<string> Changes, bool Valid, int Errors,
    Differences Differences, IReadOnlyList<ExpectationResult> Expectations)
{
    public bool Passed => Expectations.All(e => e.Met);
}

public sealed record TimelineResult(Timeline Timeline, IReadOnlyList<StepResult> Steps)
{
    public bool Passed => Steps.All(s => s.Passed);
}

/// <summary>Runs a timeline step by step. Each step's topology is the baseline plus every change set of the steps
/// so far (in order); its analysis is derived from the previous step's, so a step that only edits route tables
/// recomputes only those subnets' tables.</summary>
/// <remarks>NetTwin evaluates each step as written, even one that fails validation: Azure would refuse such a
/// deployment and keep the previous state, and the step's verdicts say what the described estate would do. The
/// validation failure is itself reported (findings gained, and a <c>valid</c> expectation unmet).</remarks>
public static class TimelineRunner
{
    public static TimelineResult Run(Timeline timeline, IProgress<int>? progress = null)
    {
        var probes = timeline.Intents is { } file ? new Probes(file, IntentsLoader.Load(file)) : Probes.None;
        var applied = new List<string>(timeline.Apply);
        // The folder is read once; each step's topology is built from its parsed files.
        var source = TopologyLoader.Read(timeline.Topology);
        var previous = EstateAnalysis.Of(source.Build(applied), probes);
        var steps = new List<StepResult>();
        foreach (var (step, i) in timeline.Steps.Select((s, i) => (s, i)))
        {
            applied.AddRange(step.Changes);
            var current = step.Changes.IsEmpty ? previous : previous.Derive(source.Build(applied));
            var diff = ReferenceEquals(current, previous) ? Differences.None : Differ.Compare(previous, current);
            var results = step.Expect.Select(e => Check(current, e, i + 1)).ToList();
            steps.Add(new StepResult(i + 1, step.Name, [.. step.Changes.Select(c => Relative(timeline, c))], !current.HasErrors,
                current.Findings.Count(f => f.Severity == Validation.Severity.Error), diff, results));
            progress?.Report(i + 1);
            previous = current;
        }
        return new TimelineResult(timeline, steps);
    }

    /// <summary>A change set path as the timeline's folder sees it.</summary>
    public static string Relative(Timeline t, string path) =>
        Path.GetRelativePath(Path.GetDirectoryName(t.File) ?? ".", path).Replace('\\', '/');

    private static ExpectationResult Check(EstateAnalysis a, Expectation e, int step)
    {
        var t = a.Topology;
        LoadException Unknown(string what) => new(new LoadError(e.Source, $"{what} (at step {step})"));
        switch (e)
        {
            case ValidExpectation v:
                {
                    var errors = a.Findings.Where(f => f.Severity == Validation.Severity.Error).ToList();
                    var actual = errors.Count == 0 ? "valid"
                        : $"{errors.Count} validation error(s): " + string.Join("; ", errors.Select(f => $"{f.Id} [{f.Resource}] {f.Message}"));
                    return new(v.Valid ? "valid" : "fails validation", (errors.Count == 0) == v.Valid, actual, e.Source);
                }
            case FindingExpectation f:
                {
                    var found = a.Findings.Where(x => x.Id == f.RuleId).ToList();
                    var actual = found.Count == 0 ? $"no {f.RuleId} finding"
                        : string.Join("; ", found.Select(x => $"{x.Severity.ToString().ToLowerInvariant()} {x.Id} [{x.Resource}] {x.Message}"));
                    return new(f.Present ? $"finding {f.RuleId}" : $"no finding {f.RuleId}", (found.Count > 0) == f.Present, actual, e.Source);
                }
            case IntentExpectation ie:
                {
                    var r = a.Intent(ie.Intent) ?? throw Unknown($"no intent named '{ie.Intent}' in {a.IntentsFile ?? "the timeline (no intents file)"}"
                        + (SchemaCheck.DidYouMean(ie.Intent, a.IntentNames) is { } g ? $" (did you mean '{g}'?)" : ""));
                    return new($"intent {ie.Intent} {(ie.Holds ? "holds" : "violated")}", r.Holds == ie.Holds,
                        r.Verdict, e.Source);
                }
            case BgpSessionExpectation b:
                {
                    if (t.VirtualNetworkGateway(b.Speaker) is null && t.OnPremisesDevice(b.Speaker) is null)
                        throw Unknown($"no gateway or on-premises device named '{b.Speaker}'");
                    var sessions = a.Routing.Bgp.Sessions.Where(s => (s.Local.Name == b.Speaker && s.Local.PeerAddress == b.Neighbor)
                        || (s.Remote is { } r && r.Name == b.Speaker && r.PeerAddress == b.Neighbor)).ToList();
                    var states = sessions.Select(s => s.State.ToString()).Distinct().ToList();
                    var met = b.State == "notConnected" ? sessions.All(s => s.State != BgpSessionState.Connected)
                        : sessions.Count > 0 && sessions.All(s => s.State.ToString() == b.State);
                    var actual = sessions.Count == 0 ? $"{b.Speaker} has no BGP session with neighbor {b.Neighbor}"
                        : string.Join("; ", sessions.Select(s => $"{s.State}" + (s.Reason is null ? "" : $" ({s.Reason})")));
                    return new($"BGP session {b.Speaker} -> {b.Neighbor} {b.State}", met, actual, e.Source);
                }
            case LearnedRouteExpectation l:
                {
                    if (t.VirtualNetworkGateway(l.Gateway) is null) throw Unknown($"no virtual network gateway named '{l.Gateway}'");
                    var rows = a.Routing.Bgp.LearnedRoutes(l.Gateway).Where(r => r.Network == l.Network).ToList();
                    var matching = rows.Where(r => (l.SourcePeer is null || r.SourcePeer == l.SourcePeer) && (l.Origin is null || r.Origin == l.Origin)).ToList();
                    var what = $"{l.Gateway} learned {l.Network}" + (l.SourcePeer is { } p ? $" from {p}" : "") + (l.Origin is { } o ? $" ({o})" : "");
                    var actual = rows.Count == 0 ? $"{l.Gateway} holds no route for {l.Network}"
                        : string.Join("; ", rows.Select(r => $"{r.Network} {r.Origin}" + (r.SourcePeer is { } sp ? $" from {sp}" : "") + (r.AsPath.Length > 0 ? $" AS path {r.AsPath}" : "")));
                    return new(l.Present ? what : $"not {what}", (matching.Count > 0) == l.Present, actual, e.Source);
                }
            case TunnelExpectation tu:
                {
                    if (t.Connection(tu.Connection) is null) throw Unknown($"no connection named '{tu.Connection}'");
                    var report = a.Tunnels.Connection(tu.Connection);
                    var state = report?.State.ToString() ?? "Down";
                    var met = tu.State == "notUp" ? state != "Up" : state == tu.State;
                    return new($"tunnel {tu.Connection} {tu.State}", met, report is null ? "not an IPsec or VNet-to-VNet tunnel" : $"{state}: {report.Reason}", e.Source);
                }
            case RouteExpectation r:
                {
                    if (t.Subnet(r.Subnet) is null) throw Unknown($"no subnet named '{r.Subnet}' (use VNET/SUBNET)");
                    var routes = a.Routing.EffectiveRoutes(r.Subnet).Routes.Where(x => x.AddressPrefix == r.Prefix).ToList();
                    var matching = routes.Where(x => (r.RouteSource is null || x.Source.ToString() == r.RouteSource)
                        && (r.State is null || x.State.ToString() == r.State) && (r.NextHopType is null || x.NextHopType.ToString() == r.NextHopType)).ToList();
                    var what = $"{r.Subnet} route {r.Prefix}" + string.Concat(new[] { r.RouteSource, r.State, r.NextHopType }.Where(x => x is not null).Select(x => " " + x));
                    var actual = routes.Count == 0 ? $"{r.Subnet} has no route for {r.Prefix}" : string.Join("; ", routes.Select(x => x.ToString()));
                    return new(r.Present ? what : $"no {what}", (matching.Count > 0) == r.Present, actual, e.Source);
                }
            default:
                throw new InvalidOperationException($"unknown expectation {e.GetType().Name}");
        }
    }
}
