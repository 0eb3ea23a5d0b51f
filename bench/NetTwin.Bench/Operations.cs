using NetTwin.Formats.Yaml;
using NetTwin.Forwarding;
using NetTwin.Ipsec;
using NetTwin.Model;
using NetTwin.Questions;
using NetTwin.Routing;
using NetTwin.Validation;
using NetTwin.WhatIf;

namespace NetTwin.Bench;

/// <summary>A target from issue 7, stated for the largest estate on a 2-core machine.</summary>
public sealed record Target(TimeSpan Time, long? PeakBytes = null)
{
    public const long GiB = 1L << 30;
    public override string ToString() => Harness.FormatTime(Time) + (PeakBytes is { } b ? $", {Harness.FormatBytes(b)} peak" : "");
}

/// <summary>What an operation may use: the estate's spec, its files written to a folder, and the topology
/// loaded once (for operations downstream of loading, whose own time must not include the load).</summary>
public sealed class BenchContext(EstateSpec spec) : IDisposable
{
    private string? _folder;
    private Topology? _topology;

    public EstateSpec Spec { get; } = spec;

    /// <summary>The estate written in our format to a temporary folder (generated on first use; the text is not kept).</summary>
    public string Folder => _folder ??= EstateGenerator.Generate(Spec).WriteToTemp();

    /// <summary>The estate loaded and validated once, with no errors.</summary>
    public Topology Topology => _topology ??= Operations.LoadAndValidate(Folder).Topology;

    private Planes? _planes;

    /// <summary>The control plane and tunnels of <see cref="Topology"/>, computed once, with every subnet's effective
    /// routes built (what the forwarding rows start from: their own time must not include routing, which has its rows).</summary>
    public Planes Planes
    {
        get
        {
            if (_planes is null)
            {
                _planes = Ipsec.Planes.Compute(Topology);
                foreach (var _ in _planes.Routing.AllSubnetTables()) { }
            }
            return _planes;
        }
    }

    private IReadOnlyList<Intent>? _intents;

    /// <summary>The generated intents.yaml (the forwarding rows take their flows from it).</summary>
    public IReadOnlyList<Intent> Intents => _intents ??= IntentsLoader.LoadFolder(Folder);

    public Intent Intent(string name) => Intents.FirstOrDefault(i => i.Name == name)
        ?? throw new InvalidOperationException($"the generated intents.yaml has no intent {name}");

    private readonly List<string> _notes = [];

    /// <summary>Remarks an operation makes about its run (printed under the table), each once.</summary>
    public IReadOnlyList<string> Notes => _notes;
    public void Note(string text) { lock (_notes) if (!_notes.Contains(text)) _notes.Add(text); }

    public void Dispose()
    {
        if (_folder is not null && Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>A measured operation. Prepare does the operation's untimed set-up and returns a per-run preparer: the
/// harness calls it before each run (untimed, e.g. to build a fresh control plane so a cached answer is not timed)
/// and times the body it returns.</summary>
public sealed record BenchOperation(string Name, string Description, Target? Target, Func<BenchContext, Func<Func<object?>>> Prepare)
{
    /// <summary>Set when the operation does not meet its target, on the largest or scaled to a smaller size (bench/README.md
    /// says why).</summary>
    public KnownMiss? Miss { get; init; }

    /// <summary>A preparer for an operation with no per-run set-up.</summary>
    public static Func<Func<object?>> Each(Func<object?> body) => () => body;
}

/// <summary>An operation that does not meet issue 7's target on some size: on the largest, or on a smaller size the
/// target scaled down linearly (an operation whose cost grows less than the estate). The smoke run bounds it by its
/// recorded median on each size as well as by the scaled target (bound = factor × the larger), so a regression still
/// shows while the miss is known; a size with no recorded median is too slow for CI and is skipped (said in the table).</summary>
public sealed record KnownMiss(string Why, IReadOnlyDictionary<string, TimeSpan> Recorded);

/// <summary>An operation the issue asks for whose pipeline stage does not exist yet: listed, with its target, and
/// reported as not yet measurable. Move it to <see cref="Operations.All"/> when its API lands.</summary>
public sealed record PendingOperation(string Name, Target Target, string Awaits);

public static class Operations
{
    /// <summary>The operations that exist today, in pipeline order.</summary>
    public static IReadOnlyList<BenchOperation> All { get; } =
    [
        new("generate", "EstateGenerator.Generate: the estate's YAML text, in memory", null,
            ctx => BenchOperation.Each(() => EstateGenerator.Generate(ctx.Spec))),
        new("load + validate", "TopologyLoader.Load(folder) then Validator.Validate, from files on disk",
            new Target(TimeSpan.FromSeconds(10), 4 * Target.GiB),
            ctx =>
            {
                var folder = ctx.Folder;
                return BenchOperation.Each(() => LoadAndValidate(folder));
            }),
        // Routing (issue 3). BGP runs inside ControlPlane.Compute and is not separable through the public API, so the
        // BGP row times the whole of Compute (gateway transit + BGP to a fixpoint + the hubs' gateway route sets): an
        // upper bound of BGP convergence.
        new("BGP convergence (ControlPlane.Compute)", "ControlPlane.Compute(topology): gateway transit, BGP to a fixpoint, hub gateway routes",
            new Target(TimeSpan.FromSeconds(2)),
            ctx =>
            {
                var t = ctx.Topology;
                return BenchOperation.Each(() =>
                {
                    var cp = ControlPlane.Compute(t);
                    if (!cp.Bgp.Converged) ctx.Note("BGP did not converge (BgpResult.Converged is false)");
                    return cp;
                });
            }),
        new("effective routes, every subnet", "ControlPlane.Compute + AllSubnetTables, every distinct table's routes listed, read one by one (includes BGP)",
            new Target(TimeSpan.FromSeconds(5)),
            ctx =>
            {
                var t = ctx.Topology;
                return BenchOperation.Each(() =>
                {
                    var cp = ControlPlane.Compute(t);
                    // Every route read as a listing reads it (a table's display annotations, B9 and A8, are made on
                    // first listing: a count alone would not make them). Subnets sharing a table share its listing.
                    long active = 0;
                    foreach (var table in cp.AllSubnetTables().Select(x => x.Table).Distinct())
                        foreach (var r in table.Routes)
                            if (r.State == RouteState.Active && r.ShadowedBy is null) active++;
                    return active;
                });
            }),
        new("effective routes, one subnet", "EffectiveRoutes(spoke subnet) on a fresh control plane (Compute untimed, table not cached), its routes read one by one",
            new Target(TimeSpan.FromMilliseconds(50)),
            ctx =>
            {
                var t = ctx.Topology;
                var subnet = RepresentativeSubnet(t);
                ctx.Note($"effective routes, one subnet: {subnet}");
                return () =>
                {
                    var cp = ControlPlane.Compute(t);
                    return () => cp.EffectiveRoutes(subnet).Routes.Count(r => r.State == RouteState.Active && r.ShadowedBy is null);
                };
            }),
        // Forwarding (issue 5), through the CLI's questions, over planes computed once (ctx.Planes, untimed).
        Trace("one trace, spoke VM → on-premises", "spoke-reaches-onprem"),
        Trace("one trace, spoke VM → internet", "spoke-no-internet"),
        new("reach --to (an on-premises address)", "ReachQuestion.To: every workload subnet towards the on-premises host of spoke-reaches-onprem, tcp/22, on a fresh Forwarder",
            new Target(TimeSpan.FromSeconds(1)),
            ctx =>
            {
                var planes = ctx.Planes;
                var to = ctx.Intent("spoke-reaches-onprem");
                return () =>
                {
                    var f = new Forwarder(planes);
                    return () => ReachQuestion.To(f, $"{to.To}:{to.Port}", to.Protocol, to.Port, null).Subnets.Count;
                };
            }),
        new("reach --matrix (every subnet pair)", "ReachQuestion.MatrixRows, read as `reach --matrix` writes its table (one source's cells at a time, counted and summarised by verdict, ReachQuestion.Summarise): every workload subnet to every workload subnet and on-premises network, tcp/443, on a fresh Forwarder",
            new Target(TimeSpan.FromSeconds(60)),
            ctx =>
            {
                var planes = ctx.Planes;
                return () =>
                {
                    var f = new Forwarder(planes);
                    return () => ReachQuestion.MatrixRows(f, TransportProtocol.Tcp, 443).Rows.Sum(r => (long)r.Count + ReachQuestion.Summarise(r).Count);
                };
            }),
        // What-if (issue 6): WhatIfQuestion.Ask without its two loads. The change set's topology is loaded untimed
        // (TopologyLoader.Load(folder, [change]), as Ask does) and so is the baseline analysis, as a session holds it
        // (FlowDiff.PrepareBaseline: its planes and every subnet's table, as FailureSweep builds them before its cases);
        // the run times Derive (scope, incremental routing) and Differ.Compare (findings, routes, BGP, tunnels, flows,
        // intents). The third row, without a target, is the first what-if of a fresh analysis, which builds the tables.
        WhatIf("one what-if, one UDR", EstateGenerator.UdrChangeFile),
        WhatIf("one what-if, one peering flag", EstateGenerator.PeeringChangeFile),
        WhatIf("one what-if, one peering flag, fresh baseline", EstateGenerator.PeeringChangeFile, prepared: false),
        new("failures --k 1", "FailuresQuestion.Run(k = 1) on a fresh baseline analysis (EstateAnalysis.Of with the generated intents); the load is untimed",
            new Target(TimeSpan.FromMinutes(2)),
            ctx =>
            {
                var t = ctx.Topology;
                var input = new EstateInput(ctx.Folder, []);
                var probes = Probes.For(ctx.Folder, null);
                return BenchOperation.Each(() =>
                {
                    var baseline = EstateAnalysis.Of(t, probes);
                    var answer = FailuresQuestion.Run(input, baseline, 1, CancellationToken.None, null);
                    ctx.Note($"failures --k 1: {answer.Planned} cases, {answer.Breaking.Count} with an effect, {answer.Breaking.Count(b => b.BrokenIntents.Count > 0)} breaking an intent");
                    return answer;
                });
            }),
    ];

    // Known misses: none since the ninth session of 2026-12-06, when the peering-flag what-if met its target on the
    // largest in every run (66-85 ms in sixteen runs of nine). It carried one from the first session on (recorded last:
    // small 2.0 ms, large 34 ms; 50 ms and 1.1 s at the start). Above the target scaled down linearly on small and
    // large it is, like the UDR what-if, bounded by the smoke's 200 ms floor (bench/README.md, "Smoke").

    /// <summary>One trace of an intent's flow (TraceQuestion.Ask, as `nettwin trace` asks it) on a forwarder kept
    /// between runs: the steady state of an interactive session (its per-subnet caches warmed by the warm-up run).</summary>
    private static BenchOperation Trace(string name, string intent) =>
        new(name, $"TraceQuestion.Ask over the flow of intent {intent} (request and reply), warm Forwarder", new Target(TimeSpan.FromMilliseconds(1)),
            ctx =>
            {
                var f = new Forwarder(ctx.Planes);
                var i = ctx.Intent(intent);
                return BenchOperation.Each(() => TraceQuestion.Ask(f, i.From, i.To, i.Protocol, i.Port));
            });

    private static BenchOperation WhatIf(string name, string changeFile, bool prepared = true) =>
        new(name, prepared ? $"EstateAnalysis.Derive + Differ.Compare for {changeFile} (both loads and the baseline's analysis untimed)"
                : $"the same on a fresh analysis: the baseline's tables, sources and interval targets are made by the what-if (no target: the first what-if after a load)",
            prepared ? new Target(TimeSpan.FromMilliseconds(100)) : null,
            ctx =>
            {
                var before = ctx.Topology;
                var probes = Probes.For(ctx.Folder, null);
                var after = TopologyLoader.Load(ctx.Folder, [Path.Combine(ctx.Folder, changeFile)]);
                return () =>
                {
                    // The baseline analysed afresh. Its planes, findings, intents and flow-class cut points are computed
                    // here, untimed, and (prepared) what every flow diff over it shares: its sources and their endpoints,
                    // its intervals' targets and every subnet's table. A session asking several what-ifs of one baseline
                    // (a timeline, the failure cases) computes them once; the fresh row leaves them to the what-if.
                    var baseline = EstateAnalysis.Of(before, probes);
                    _ = baseline.Planes;
                    _ = baseline.Findings;
                    _ = baseline.IntentResults;
                    if (prepared) FlowDiff.PrepareBaseline(baseline.Planes);
                    else _ = FlowDiff.SideCuts(baseline.Planes);
                    return () =>
                    {
                        var derived = baseline.Derive(after);
                        var diff = Differ.Compare(baseline, derived);
                        ctx.Note($"{name}: scope {derived.Scope!.Routing}, {diff.Routes.Count} route change(s), {diff.Flows.Count} flow change(s), {diff.Intents.Count} intent change(s)");
                        return diff;
                    };
                };
            });

    /// <summary>Issue 7's operations that cannot be measured yet (none today: every stage has landed).</summary>
    public static IReadOnlyList<PendingOperation> Pending { get; } = [];

    /// <summary>A spoke workload subnet in the middle of the estate whose route table propagates gateway routes, so its
    /// table holds every route BGP brought (the heaviest single-subnet question).</summary>
    public static string RepresentativeSubnet(Topology t)
    {
        var spokes = t.VirtualNetworks.Where(v => t.PeeringsFrom(v.Name).Any(p => p.UseRemoteGateways)).ToList();
        var candidates = spokes.Skip(spokes.Count / 2).Concat(spokes.Take(spokes.Count / 2))
            .SelectMany(v => v.Subnets)
            .Where(s => s.HoldsWorkloads && (s.RouteTable is null || t.RouteTable(s.RouteTable) is { DisableBgpRoutePropagation: false }));
        return (candidates.FirstOrDefault() ?? t.Subnets.First()).Id;
    }

    public sealed record Loaded(Topology Topology, IReadOnlyList<Finding> Findings);

    /// <summary>Load and validate; a generated estate must have no error findings, so any error is a bench failure.</summary>
    public static Loaded LoadAndValidate(string folder)
    {
        var topology = TopologyLoader.Load(folder);
        var findings = Validator.Validate(topology);
        var errors = findings.Where(f => f.Severity == Severity.Error).ToList();
        if (errors.Count > 0)
            throw new InvalidOperationException(
                $"the generated estate has {errors.Count} validation error(s), first: {errors[0].Id} {errors[0].Resource}: {errors[0].Message}");
        return new Loaded(topology, findings);
    }
}
