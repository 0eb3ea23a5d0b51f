using NetTwin.Formats.Yaml;
using NetTwin.WhatIf;

namespace NetTwin.Questions;

/// <summary>`nettwin timeline`: a timeline run step by step.</summary>
public sealed record TimelineAnswer(string File, string? Description, string Topology, IReadOnlyList<string> Apply, bool Passed,
    IReadOnlyList<TimelineStepView> Steps);

public sealed record TimelineStepView(int Step, string Name, IReadOnlyList<string> Changes, bool Valid, int Errors, bool Passed,
    IReadOnlyList<ExpectationView> Expectations, bool Difference, Differences Differences);

public sealed record ExpectationView(string Expected, bool Met, string Actual, string Where);

public static class TimelineQuestion
{
    public static TimelineAnswer Ask(string file)
    {
        var timeline = TimelineLoader.Load(file);
        var result = TimelineRunner.Run(timeline);
        return new TimelineAnswer(file, timeline.Description, TimelineRunner.Relative(timeline, timeline.Topology),
            [.. timeline.Apply.Select(a => TimelineRunner.Relative(timeline, a))], result.Passed,
            [.. result.Steps.Select(s => new TimelineStepView(s.Number, s.Name, s.Changes, s.Valid, s.Errors, s.Passed,
                [.. s.Expectations.Select(e => new ExpectationView(e.Expected, e.Met, e.Actual, e.Source.ToString()))],
                !s.Differences.IsEmpty, s.Differences))]);
    }
}
