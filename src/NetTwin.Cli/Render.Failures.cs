using NetTwin.Questions;

namespace NetTwin.Cli;

internal static partial class Render
{
    public static void Failures(TextWriter w, FailuresAnswer a)
    {
        w.WriteLine($"Failure sweep (k={a.K}): {a.Path}" + (a.Apply.Count > 0 ? $" + {string.Join(" + ", a.Apply)}" : "")
            + $"; {a.Candidates.Count} element(s), {a.Planned} case(s)" + (a.IntentsFile is null ? ", no intents file" : $", intents {a.IntentsFile}"));
        if (a.Stopped) w.WriteLine($"stopped: {a.Finished} of {a.Planned} case(s) finished; what follows covers those only");
        if (a.Breaking.Count == 0) w.WriteLine("no failure breaks anything NetTwin checks");
        else
            Table(w, ["Failure", "Intents broken", "Tunnels down", "BGP sessions down", "Routes lost"],
                a.Breaking.Select(o => new[]
                {
                    string.Join(" + ", o.Failures),
                    string.Join("\n", o.BrokenIntents.Select(i => $"{i.Intent}: {i.Verdict}").Concat(o.RestoredIntents.Select(i => $"{i.Intent} holds again: {i.Verdict}"))),
                    string.Join("\n", o.TunnelsDown.Select(t => $"{t.Connection} {t.State}: {t.Reason}")),
                    string.Join("\n", o.SessionsDown),
                    o.RoutesLost.ToString(),
                }), "What each failure breaks, worst first");
        if (a.NoEffect.Count > 0) w.WriteLine($"no effect: {string.Join(", ", a.NoEffect)}");
    }
}
