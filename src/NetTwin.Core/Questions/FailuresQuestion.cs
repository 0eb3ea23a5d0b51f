using NetTwin.WhatIf;

namespace NetTwin.Questions;

/// <summary>`nettwin failures`: the failure sweep over the baseline (topology + --apply).</summary>
public sealed record FailuresAnswer(string Path, IReadOnlyList<string> Apply, string? IntentsFile, int K, int Planned, int Finished, bool Stopped,
    IReadOnlyList<string> Candidates, IReadOnlyList<FailureOutcome> Breaking, IReadOnlyList<string> NoEffect);

public static class FailuresQuestion
{
    /// <summary>The number of cases the sweep will run (for a progress bar), and the baseline it runs on.</summary>
    public static (EstateAnalysis Baseline, int Cases) Plan(EstateInput input, int k, string? intentsFile)
    {
        var baseline = EstateAnalysis.Of(input.Load(), Probes.For(input.Path, intentsFile));
        return (baseline, FailureSweep.Cases(FailureSweep.Candidates(baseline), k).Count);
    }

    public static FailuresAnswer Run(EstateInput input, EstateAnalysis baseline, int k, CancellationToken cancel, Action? progress)
    {
        var r = FailureSweep.Run(baseline, k, cancel, progress);
        return new FailuresAnswer(input.Path, input.ChangeSets, baseline.IntentsFile, r.K, r.Planned, r.Finished, r.Stopped, r.Candidates,
            [.. r.Outcomes.Where(o => o.HasEffect)], [.. r.Outcomes.Where(o => !o.HasEffect).Select(o => string.Join(" + ", o.Failures))]);
    }
}
