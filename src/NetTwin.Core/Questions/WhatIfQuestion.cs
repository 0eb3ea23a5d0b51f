using NetTwin.Formats.Yaml;
using NetTwin.WhatIf;

namespace NetTwin.Questions;

/// <summary>`nettwin whatif`: the baseline (topology + --apply) against the same with the --change sets on top.</summary>
/// <param name="Scope">What the change could affect: None (nothing routing reads), RouteTables (only route tables:
/// only the touched subnets were recomputed), Full.</param>
/// <param name="Difference">False when nothing NetTwin compares changed ("no difference").</param>
public sealed record WhatIfAnswer(string Path, IReadOnlyList<string> Apply, IReadOnlyList<string> Changes, string Scope, bool Difference,
    Differences Differences);

public static class WhatIfQuestion
{
    public static WhatIfAnswer Ask(EstateInput input, IReadOnlyList<string> changes, string? intentsFile = null)
    {
        if (changes.Count == 0) throw new ArgumentException("give at least one change set", nameof(changes));
        var probes = Probes.For(input.Path, intentsFile);
        // The folder is read once; both sides are built from its parsed files.
        var source = TopologyLoader.Read(input.Path);
        var before = EstateAnalysis.Of(source.Build(input.ChangeSets), probes);
        var after = before.Derive(source.Build([.. input.ChangeSets, .. changes]));
        var diff = Differ.Compare(before, after);
        return new WhatIfAnswer(input.Path, input.ChangeSets, changes, after.Scope!.Routing.ToString(), !diff.IsEmpty, diff);
    }
}
