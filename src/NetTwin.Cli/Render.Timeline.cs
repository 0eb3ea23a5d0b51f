using NetTwin.Questions;

namespace NetTwin.Cli;

internal static partial class Render
{
    public static void Timeline(TextWriter w, TimelineAnswer a)
    {
        w.WriteLine($"Timeline: {a.File}" + (a.Description is null ? "" : $" - {a.Description}"));
        w.WriteLine($"topology {a.Topology}" + (a.Apply.Count > 0 ? $" + {string.Join(" + ", a.Apply)}" : ""));
        foreach (var s in a.Steps)
        {
            Heading(w, $"Step {s.Step}: {s.Name}" + (s.Changes.Count > 0 ? $" (+ {string.Join(" + ", s.Changes)})" : ""));
            w.WriteLine(s.Valid ? "validation: valid" : $"validation: {s.Errors} error(s): Azure would refuse this step; NetTwin evaluates it as written");
            Differences(w, s.Differences);
            foreach (var e in s.Expectations)
                w.WriteLine($"{(e.Met ? "  ok  " : "  FAIL")} {e.Expected}: {e.Actual}" + (e.Met ? "" : $"  ({e.Where})"));
        }
        var failed = a.Steps.Sum(s => s.Expectations.Count(e => !e.Met));
        var total = a.Steps.Sum(s => s.Expectations.Count);
        w.WriteLine();
        w.WriteLine(a.Passed ? $"timeline passed: {total} expectation(s) met over {a.Steps.Count} step(s)"
            : $"timeline FAILED: {failed} of {total} expectation(s) not met (steps {string.Join(", ", a.Steps.Where(s => !s.Passed).Select(s => s.Step))})");
    }
}
