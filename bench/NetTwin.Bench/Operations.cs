using NetTwin.Formats.Yaml;
using NetTwin.Model;
using NetTwin.Routing;
using NetTwin.Validation;

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
    /// <summary>A preparer for an operation with no per-run set-up.</summary>
    public static Func<Func<object?>> Each(Func<object?> body) => () => body;
}

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
        new("effective routes, every subnet", "ControlPlane.Compute + AllSubnetTables, every table's routes listed (includes BGP)",
            new Target(TimeSpan.FromSeconds(5)),
            ctx =>
            {
                var t = ctx.Topology;
                return BenchOperation.Each(() =>
                {
                    var cp = ControlPlane.Compute(t);
                    long routes = 0;
                    foreach (var (_, table) in cp.AllSubnetTables()) routes += table.Routes.Count;
                    return routes;
                });
            }),
        new("effective routes, one subnet", "EffectiveRoutes(spoke subnet) on a fresh control plane (Compute untimed, table not cached)",
            new Target(TimeSpan.FromMilliseconds(50)),
            ctx =>
            {
                var t = ctx.Topology;
                var subnet = RepresentativeSubnet(t);
                ctx.Note($"effective routes, one subnet: {subnet}");
                return () =>
                {
                    var cp = ControlPlane.Compute(t);
                    return () => cp.EffectiveRoutes(subnet).Routes.Count;
                };
            }),
        // Trace, reach, what-if and failures join here as their APIs land (see Pending).
    ];

    /// <summary>Issue 7's other operations. Their stages have no public API yet (src/NetTwin.Core/Forwarding is empty;
    /// what-if and failures are issue 6), so they are listed, not measured.</summary>
    public static IReadOnlyList<PendingOperation> Pending { get; } =
    [
        new("one trace", new Target(TimeSpan.FromMilliseconds(1)), "forwarding (issue 5): src/NetTwin.Core/Forwarding"),
        new("reach --to", new Target(TimeSpan.FromSeconds(1)), "forwarding (issue 5): src/NetTwin.Core/Forwarding"),
        new("reach --matrix (every subnet pair)", new Target(TimeSpan.FromSeconds(60)), "forwarding (issue 5): src/NetTwin.Core/Forwarding"),
        new("one what-if (one UDR, one peering flag)", new Target(TimeSpan.FromMilliseconds(100)), "what-if (issue 6)"),
        new("failures --k 1", new Target(TimeSpan.FromMinutes(2)), "what-if and failures (issue 6)"),
    ];

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
