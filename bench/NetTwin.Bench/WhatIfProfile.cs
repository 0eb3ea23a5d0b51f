using System.Diagnostics;
using NetTwin.Formats.Yaml;
using NetTwin.WhatIf;

namespace NetTwin.Bench;

/// <summary>Stopwatch breakdown of one what-if (profile-whatif): Derive, then each part of Differ.Compare, over a
/// baseline whose planes, findings and intents are computed untimed (as the bench's what-if rows have it).</summary>
internal static class WhatIfProfile
{
    public static int Run(string sizeName, int repeat, string? only = null)
    {
        var spec = EstateSpec.ByName(sizeName);
        using var ctx = new BenchContext(spec);
        var before = ctx.Topology;
        var probes = Probes.For(ctx.Folder, null);
        foreach (var change in new[] { EstateGenerator.UdrChangeFile, EstateGenerator.PeeringChangeFile }.Where(c => only is null || c.Contains(only, StringComparison.Ordinal)))
        {
            var after = TopologyLoader.Load(ctx.Folder, [Path.Combine(ctx.Folder, change)]);
            for (var r = 0; r < repeat; r++)
            {
                var baseline = EstateAnalysis.Of(before, probes);
                _ = baseline.Planes; _ = baseline.Findings; _ = baseline.IntentResults; _ = FlowDiff.SideCuts(baseline.Planes);
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                var parts = new List<string>();
                var total = Stopwatch.StartNew();
                var sw = Stopwatch.StartNew();
                T Time<T>(string name, Func<T> f) { sw.Restart(); var v = f(); parts.Add($"{name} {sw.Elapsed.TotalMilliseconds:F1} ms"); return v; }
                var derived = Time("derive", () => baseline.Derive(after));
                Time("findings", () => derived.Findings);
                Time("planes", () => derived.Planes);
                var stages = new List<string>();
                var diff = Time("compare", () => Differ.Compare(baseline, derived, (stage, t) => stages.Add($"  {stage} {t.TotalMilliseconds:F1} ms")));
                var elapsed = total.Elapsed;
                parts.AddRange(stages);
                // Outside the total: what each rule part reading a changed collection costs when run over the whole topology.
                foreach (var part in NetTwin.Validation.Validator.Parts.Where(p => (p.Reads & derived.Scope!.Changed) != 0))
                    Time($"rule part '{part.Name}' in full (not in the total)", () => part.Check(after).Count());
                parts.Insert(0, $"{change} #{r + 1}: total {elapsed.TotalMilliseconds:F1} ms, scope {derived.Scope!.Routing}, {diff.Findings.Count} finding / {diff.Routes.Count} route / {diff.Flows.Count} flow / {diff.Intents.Count} intent changes");
                Console.WriteLine(string.Join("\n  ", parts));
            }
        }
        return 0;
    }
}
